#!/usr/bin/env bash
# Correlation rebuild, side by side with Python: connected components of the reports-indicators
# graph of the demo generator's reports, from an edge list file to components, with
# scamtrace-correlate (Engine::bulk), networkx and a plain Python union-find; then the latency of
# one incremental insert into the engine at full size.
#
#   bench/cluster_rebuild.sh [REPORTS] [SEED]      (defaults: 1000000 7)
#
# Each side runs three times, interleaved, and its fastest run counts. Writes the edge list once (the `edges` example runs the real validator and extractor over the
# demo reports, on every core; cached in target/bench/edges-REPORTS-SEED.tsv), then runs each
# side in its own process and prints one table. Needs the Python virtualenv (scripts/test creates
# .venv; networkx is installed into it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-1000000}"
seed="${2:-7}"
py="${PYTHON:-.venv/bin/python}"
"$py" -c 'import networkx' 2>/dev/null || "$py" -m pip install -q networkx
cargo build --release -q -p scamtrace-correlate --example edges --example components
mkdir -p target/bench
edges="target/bench/edges-$reports-$seed.tsv"
if [ ! -s "$edges" ]; then
  target/release/examples/edges "$reports" "$seed" > "$edges.tmp"
  mv "$edges.tmp" "$edges"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F); $(rustc --version | cut -d' ' -f1-2), $("$py" --version), networkx $("$py" -c 'import networkx; print(networkx.__version__)')"
# Three runs of each side, interleaved; the fastest of each counts (the machine is shared).
for run in 1 2 3; do
  target/release/examples/components "$edges" >> "$work/rust.jsonl"
  "$py" bench/components_python.py networkx "$edges" >> "$work/networkx.jsonl"
  "$py" bench/components_python.py unionfind "$edges" >> "$work/unionfind.jsonl"
done
for side in rust networkx unionfind; do
  python3 -c 'import json, sys; rows = [json.loads(l) for l in open(sys.argv[1])]; print(json.dumps(min(rows, key=lambda r: r["seconds"])))' \
    "$work/$side.jsonl" >> "$work/results.jsonl"
done

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rust = rows[0]
print(f"edge list: {rust['reports']:,} reports with indicators, {rust['occurrences']:,} occurrences; "
      f"hub threshold {rust['hub_threshold']:,} reports")
print()
print("| from file to components | seconds | peak memory | clusters (2+ reports) | ratio to Rust |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['name']} | {r['seconds']:.2f} | {r['peak_mib']:,} MiB | {r['clusters']:,} | "
          f"{r['seconds'] / rust['seconds']:.1f}x |")
print()
print(f"incremental insert at full size ({rust['inserts']:,} inserts): p50 {rust['insert_p50_us']:.1f} us, "
      f"p99 {rust['insert_p99_us']:.1f} us, max {rust['insert_max_us']:.1f} us")
PY
