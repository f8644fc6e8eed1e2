"""The rebuild benchmark's Python side: connected components of the reports-indicators graph in an
edge list written by `cargo run --release -p scamtrace-correlate --example edges`, from file to
components, with networkx or with a plain union-find. Prints one JSON object.

    python bench/components_python.py networkx EDGES.tsv
    python bench/components_python.py unionfind EDGES.tsv

Only occurrences that link count (the same kinds as scamtrace-correlate's `kind_links`, and not
vetoed by extraction); hub detection has no counterpart here.
"""
import json
import resource
import sys
import time

LINKING_KINDS = {"phone", "email", "domain", "remote_access", "crypto_wallet", "bank_account",
                 "payment_handle", "gift_card"}


def edges(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            report, kind, value, linking = line.rstrip("\n").split("\t")
            yield int(report), kind, value, linking == "1"


def with_networkx(path):
    import networkx as nx
    graph = nx.Graph()
    vetoed = set()
    pending = []
    for report, kind, value, linking in edges(path):
        graph.add_node(("r", report))
        if kind not in LINKING_KINDS:
            continue
        if not linking:
            vetoed.add((kind, value))
        pending.append((report, kind, value))
    graph.add_edges_from(
        (("r", report), ("v", kind, value)) for report, kind, value in pending
        if (kind, value) not in vetoed)
    reports = sum(1 for n in graph.nodes if n[0] == "r")
    clusters = 0
    for component in nx.connected_components(graph):
        if sum(1 for n in component if n[0] == "r") >= 2:
            clusters += 1
    return reports, clusters


def with_unionfind(path):
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first = {}
    vetoed = set()
    pending = []
    for report, kind, value, linking in edges(path):
        parent.setdefault(report, report)
        if kind not in LINKING_KINDS:
            continue
        if not linking:
            vetoed.add((kind, value))
        pending.append((report, kind, value))
    for report, kind, value in pending:
        key = (kind, value)
        if key in vetoed:
            continue
        other = first.setdefault(key, report)
        a, b = find(report), find(other)
        if a != b:
            parent[a] = b
    sizes = {}
    for report in parent:
        root = find(report)
        sizes[root] = sizes.get(root, 0) + 1
    return len(parent), sum(1 for s in sizes.values() if s >= 2)


def main():
    method, path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    reports, clusters = (with_networkx if method == "networkx" else with_unionfind)(path)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": f"Python {method}", "reports": reports, "clusters": clusters,
                      "seconds": round(seconds, 3), "peak_mib": round(peak_mib)}))


if __name__ == "__main__":
    main()
