#!/usr/bin/env bash
# Extraction throughput, single-threaded, side by side with a Python pipeline, on the demo
# generator's corpus; plus recall and precision of phone finding against the numbers the generator
# planted in each narrative.
#
#   bench/extract_corpus.sh [REPORTS] [SEED] [ROUNDS]      (defaults: 20000 7 1)
#
# Each timed pass goes through the corpus as many times as it takes to last MIN_SECONDS
# (environment, default 5), on both sides alike: a pass of one trip lasts a fifth of a second in
# Rust and five seconds in Python, and on a shared machine the short one lands inside a busy or
# a quiet moment as a whole, while the long one averages them.
#
# With ROUNDS > 1, the Rust and the Python measurements alternate ROUNDS times on the same
# corpus (the machine is shared: which side meets a busy core moves one ratio a lot), each round
# prints its table, and a last line gives the lowest, median and highest full-extraction ratio.
#
# Builds the release binary and the scamtrace-extract examples, writes the corpus with
# `scamtrace demo generate` and, with its ground truth, with the `corpus` example (checking both
# hold the same narratives), then times `find_phones` and `Extractor::extract_text` (examples/
# extract_corpus.rs) and phonenumbers' PhoneNumberMatcher plus URL and email regexes
# (bench/extract_python.py), each the fastest of three passes after one warm-up pass, and prints
# one table.
# Needs the Python virtualenv with phonenumbers (scripts/test creates .venv; or set PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
reports="${1:-20000}"
seed="${2:-7}"
rounds="${3:-1}"
export SCAMTRACE_BENCH_MIN_SECONDS="${MIN_SECONDS:-5}"
py="${PYTHON:-.venv/bin/python}"
"$py" -c 'import phonenumbers' 2>/dev/null || {
  echo "$py has no phonenumbers: run scripts/test once, or pip install phonenumbers and set PYTHON" >&2
  exit 1
}
cargo build --release -q -p scamtrace
cargo build --release -q -p scamtrace-extract --example corpus --example extract_corpus
# Honour CARGO_TARGET_DIR (a worktree may build elsewhere).
target="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$target"/release/scamtrace demo generate --reports "$reports" --seed "$seed" > "$work/reports.jsonl"
"$target"/release/examples/corpus "$reports" "$seed" > "$work/corpus.jsonl"
python3 - "$work/reports.jsonl" "$work/corpus.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as a, open(sys.argv[2]) as b:
    for n, (r, c) in enumerate(zip(a, b, strict=True)):
        if json.loads(r)["narrative"] != json.loads(c)["narrative"]:
            sys.exit(f"line {n + 1}: the corpus differs from `scamtrace demo generate`")
PY

echo "passes of at least $SCAMTRACE_BENCH_MIN_SECONDS s on both sides"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F); $(rustc --version | cut -d' ' -f1-2), $("$py" --version), phonenumbers $("$py" -c 'import phonenumbers; print(phonenumbers.__version__)')"
for round in $(seq "$rounds"); do
"$target"/release/examples/extract_corpus "$work/corpus.jsonl" > "$work/results.jsonl"
"$py" bench/extract_python.py "$work/corpus.jsonl" >> "$work/results.jsonl"
[ "$rounds" -gt 1 ] && echo && echo "round $round of $rounds, $(date -u +%H:%M) UTC, load average $(cut -d' ' -f1 /proc/loadavg)"

python3 - "$work/results.jsonl" "$work/ratios.txt" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
first = rows[0]
print(f"corpus: {first['narratives']:,} narratives, {first['bytes'] / 1e6:.2f} MB (UTF-8), "
      f"{first['planted']:,} planted scammer numbers; MB = 10^6 bytes")
print()
print("| pipeline (single thread) | narratives/s | MB/s | phones found | recall | precision |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
rate = {}
for r in rows:
    rate[r["name"]] = r["narratives"] / r["seconds"]
    recall = r["true_positives"] / r["planted"] if r["planted"] else float("nan")
    precision = r["true_positives"] / r["found"] if r["found"] else float("nan")
    print(f"| {r['name']} | {rate[r['name']]:,.0f} | {r['bytes'] / 1e6 / r['seconds']:.2f} | "
          f"{r['found']:,} | {100 * recall:.2f}% | {100 * precision:.2f}% |")
print()
for rust, python in [("Rust extract_text (all indicators)", "Python phonenumbers + URL/email regexes"),
                     ("Rust find_phones", "Python phonenumbers")]:
    print(f"throughput ratio, {rust} / {python}: {rate[rust] / rate[python]:.1f}x")
with open(sys.argv[2], "a") as f:
    f.write(f"{rate['Rust extract_text (all indicators)'] / rate['Python phonenumbers + URL/email regexes']}\n")
PY
done

if [ "$rounds" -gt 1 ]; then
  python3 - "$work/ratios.txt" <<'PY'
import statistics, sys
r = sorted(float(l) for l in open(sys.argv[1]))
print()
print(f"full extraction over {len(r)} rounds: lowest {r[0]:.1f}x, median {statistics.median(r):.1f}x, "
      f"highest {r[-1]:.1f}x ({', '.join(f'{x:.1f}x' for x in r)})")
PY
fi
