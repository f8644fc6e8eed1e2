#!/usr/bin/env bash
# Whole-process throughput of `scamtrace watch-domains`: NAMES domain names shaped like a
# certificate-transparency feed (mostly benign, about 3% planted lookalikes and fake-support
# names; crates/scamtrace-watch/benches/support/corpus.rs), scored against the builtin brands
# file, on one core (taskset), best of RUNS runs after the names are in the page cache.
#
#   bench/watch_domains.sh [NAMES] [RUNS] [SEED]      (defaults: 10000000 3 7)
#
# Prints names/s for each run and the summary line of the best; the names file is removed at the
# end.
set -euo pipefail
cd "$(dirname "$0")/.."
names="${1:-10000000}"
runs="${2:-3}"
seed="${3:-7}"
cargo build --release -q -p scamtrace
cargo build --release -q -p scamtrace-watch --example ct_names
# Honour CARGO_TARGET_DIR (a worktree may build elsewhere).
target="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$target"/release/examples/ct_names "$names" "$seed" > "$work/names.txt"
echo "names: $(wc -l < "$work/names.txt") lines, $(du -h "$work/names.txt" | cut -f1), seed $seed"
pin=()
if command -v taskset > /dev/null; then
  pin=(taskset -c 0)
fi
cat "$work/names.txt" > /dev/null
best=""
for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  "${pin[@]}" "$target"/release/scamtrace watch-domains < "$work/names.txt" > "$work/hits.jsonl" 2> "$work/summary.txt"
  end=$(date +%s.%N)
  rate=$(python3 -c "print(round($names / ($end - $start)))")
  echo "run $run: $(python3 -c "print(f'{$end - $start:.2f}')") s, $rate names/s (whole process, $(wc -l < "$work/hits.jsonl") reported)"
  if [ -z "$best" ] || [ "$rate" -gt "$best" ]; then
    best=$rate
    cp "$work/summary.txt" "$work/best.txt"
  fi
done
echo "best: $best names/s"
echo "its summary: $(cat "$work/best.txt")"
