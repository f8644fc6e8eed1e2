"""Figures of the domain watch from the `assess` example's JSON lines (see bench/lookalikes.sh):
recall on known fake-support domains with every miss, false positives on popular domains with
every one, and the share of dnstwist permutations caught."""

import argparse
import collections
import json


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def flagged(row, min_score):
    return row["assessment"] == "scored" and row["result"]["score"] >= min_score


def describe(row):
    if row["assessment"] != "scored":
        return row["assessment"] + (f" ({row['brand']})" if row.get("brand") else "")
    r = row["result"]
    reasons = "; ".join(f"{x['code']} {x['points']:+d}" for x in r["reasons"])
    brand = f", {r['brand']}" if r["brand"] else ""
    return f"score {r['score']} ({r['family']}{brand}): {reasons}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--min-score", type=int, default=50)
    p.add_argument("--infoblox", required=True)
    p.add_argument("--top", required=True)
    p.add_argument("--dnstwist", required=True)
    p.add_argument("--dnstwist-tsv", required=True)
    a = p.parse_args()
    m = a.min_score

    ib = rows(a.infoblox)
    caught = [r for r in ib if flagged(r, m)]
    families = collections.Counter(r["result"]["family"] for r in caught)
    print(f"\n## Recall on Infoblox fake-support domains (score >= {m})")
    print(f"{len(caught)} of {len(ib)} caught: {100 * len(caught) / len(ib):.1f}% "
          f"({families['lookalike']} as brand lookalikes, {families['fake_support']} as fake support)")
    misses = [r for r in ib if not flagged(r, m)]
    print(f"{len(misses)} misses:")
    for r in misses:
        print(f"  {r['input']:32} {describe(r)}")

    top = rows(a.top)
    own = [r for r in top if r["assessment"] == "own"]
    fps = [r for r in top if flagged(r, m)]
    not_domains = [r for r in top if r["assessment"] == "not_a_domain"]
    others = len(top) - len(own)
    print(f"\n## False positives on top-sites (score >= {m})")
    print(f"{len(fps)} of {len(top)} flagged: {100 * len(fps) / len(top):.2f}% "
          f"({len(own)} are protected brands' own domains, never flagged; "
          f"{len(fps)} of the other {others}: {100 * len(fps) / max(others, 1):.2f}%)")
    for r in fps:
        print(f"  {r['input']:32} {describe(r)}")
    if not_domains:
        print("  public suffixes themselves (not scored): " + ", ".join(r["input"] for r in not_domains))
    below = sorted((r for r in top if r["assessment"] == "scored" and not flagged(r, m)),
                   key=lambda r: -r["result"]["score"])
    if below:
        print(f"  scored but below {m}: " + ", ".join(
            f"{r['input']} ({r['result']['score']})" for r in below))

    dt = rows(a.dnstwist)
    meta = []
    with open(a.dnstwist_tsv, encoding="utf-8") as f:
        for line in f:
            domain, fuzzer, _ = line.rstrip("\n").split("\t")
            meta.append((domain, fuzzer))
    assert len(meta) == len(dt)
    total = collections.Counter()
    hit = collections.Counter()
    own_n = collections.Counter()
    missed = collections.defaultdict(list)
    for (domain, fuzzer), r in zip(meta, dt):
        total[fuzzer] += 1
        if r["assessment"] == "own":
            own_n[fuzzer] += 1
        elif flagged(r, m):
            hit[fuzzer] += 1
        else:
            missed[fuzzer].append(r)
    n, c, o = sum(total.values()), sum(hit.values()), sum(own_n.values())
    print(f"\n## dnstwist permutations of microsoft.com, amazon.com, apple.com, paypal.com (score >= {m})")
    print(f"{c} of {n} caught: {100 * c / n:.1f}%; {o} are the brands' own domains (never flagged); "
          f"of the other {n - o}: {100 * c / (n - o):.1f}%")
    per_domain = collections.defaultdict(lambda: [0, 0, 0])
    for (domain, _), r in zip(meta, dt):
        per_domain[domain][0] += 1
        per_domain[domain][1] += r["assessment"] == "own"
        per_domain[domain][2] += flagged(r, m)
    for domain, (t, ow, h) in per_domain.items():
        print(f"  {domain:15} {h} of {t - ow} caught ({100 * h / max(t - ow, 1):.1f}%), {ow} own")
    print(f"  {'fuzzer':15} {'names':>6} {'own':>5} {'caught':>7} {'share':>7}  examples missed")
    for fuzzer in sorted(total):
        t, h, ow = total[fuzzer], hit[fuzzer], own_n[fuzzer]
        ex = ", ".join(r["input"] for r in missed[fuzzer][:4])
        print(f"  {fuzzer:15} {t:6} {ow:5} {h:7} {100 * h / max(t - ow, 1):6.1f}%  {ex}")


if __name__ == "__main__":
    main()
