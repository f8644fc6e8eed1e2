#!/usr/bin/env bash
# TAXII 2.1 objects served and accepted per second, ScamTrace's `serve` (SQLite, durable writes)
# side by side with the OASIS reference server medallion (its memory backend, its own server),
# both on loopback, both driven by wrk with the same Lua scripts in the same run.
#
#   bench/taxii.sh [SECONDS]        (default 30: the length of each ScamTrace run)
#
# Environment: MEDALLION_SECONDS (each medallion GET run, default 60), MEDALLION_CONNECTIONS
# (medallion's GET connections, default 2: a page takes it seconds), BIG (objects in the large
# collection, default 1000000), POSTERS (parallel posters filling it, default 4), SKIP_BUILD=1
# (take the binary already built), CARGO_TARGET_DIR (where the binary is), MEDALLION (the
# medallion command, default .venv/bin/medallion; `pip install medallion==3.0.0` into .venv).
#
# Workloads, in order:
#   ScamTrace: 10,000 objects posted into the operations collection; GET a random full page of 100
#   (first page or `added_after` the end of a page), then the first page only, 16 connections;
#   POST envelopes of 100 fresh indicators into the partner-submissions collection as an analyst
#   (stored only), then as a partner (stored and imported as that partner's observations); posters
#   fill that collection up to BIG objects; GET random pages over it, then again over the 10,000.
#   medallion: 1,000 objects posted; the same two GET workloads (MEDALLION_CONNECTIONS
#   connections, MEDALLION_SECONDS each); POST envelopes of 100 into an empty collection, 16
#   connections, 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
medallion_seconds="${MEDALLION_SECONDS:-60}"
medallion_connections="${MEDALLION_CONNECTIONS:-2}"
big="${BIG:-1000000}"
posters="${POSTERS:-4}"
medallion="${MEDALLION:-.venv/bin/medallion}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$medallion" ] || { echo "medallion is missing: $medallion (pip install medallion==3.0.0)" >&2; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release -q -p scamtrace
bin="${CARGO_TARGET_DIR:-target}/release/scamtrace"
helper="python3 bench/taxii_helper.py"
work=$(mktemp -d)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# run NAME CONNECTIONS SECONDS SCRIPT URL AUTH [PAGES]: one wrk run; its RESULT line goes to the table.
run() {
  local name=$1 connections=$2 duration=$3 script=$4 url=$5 auth=$6 pages=${7:-} line
  line=$(TAXII_PATH="/${url#http://*/}" TAXII_AUTH="$auth" TAXII_PAGES="$pages" TAXII_SALT="$RANDOM$RANDOM" \
    wrk -t2 -c"$connections" -d"${duration}s" --timeout 120s -s "$script" "$url" | tee -a "$work/wrk.log" | grep '^RESULT')
  echo "$name connections=$connections ${line#RESULT }" | tee -a "$work/results"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M') UTC"
mpython="$(dirname "$medallion")/python"
echo "medallion $("$mpython" -c 'import medallion; print(medallion.__version__)'), $("$mpython" --version 2>&1), its memory backend and its own threaded Flask server"

# --- ScamTrace ---
db="sqlite://$work/scamtrace.db"
export SCAMTRACE_LOG=warn SCAMTRACE_RATE_LIMIT_PER_MINUTE=0 SCAMTRACE_PUBLISH_INTERVAL_SECONDS=3600 \
  SCAMTRACE_KEY_FILE="$work/key"
operations=5ca37ace-7a11-4c01-8000-000000000001
submissions=5ca37ace-7a11-4c01-8000-000000000002
analyst="Bearer $("$bin" --database "$db" admin create-token --role analyst 2>/dev/null | tail -1)"
partner="Bearer $("$bin" --database "$db" admin create-token --role partner --org "Partner Bank" \
  --collection "$submissions" --read --write 2>/dev/null | tail -1)"
port=$(free_port)
"$bin" --database "$db" serve --listen "127.0.0.1:$port" 2>"$work/scamtrace.log" &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
small_url="http://127.0.0.1:$port/taxii2/api/collections/$operations/objects/"
big_url="http://127.0.0.1:$port/taxii2/api/collections/$submissions/objects/"

read -r n s <<<"$($helper fill "$small_url" "$analyst" 10000 1)"
echo "scamtrace: $n objects posted into the operations collection in $s s"
read -r n p <<<"$($helper pages "$small_url" "$analyst" "$work/small.pages")"
echo "scamtrace: operations collection holds $n objects, $p full pages"
run scamtrace.get.random.10k 16 "$seconds" bench/taxii_get.lua "$small_url" "$analyst" "$work/small.pages"
echo FIRST > "$work/first.pages"
run scamtrace.get.first.10k 16 "$seconds" bench/taxii_get.lua "$small_url" "$analyst" "$work/first.pages"
run scamtrace.post.analyst 16 "$seconds" bench/taxii_post.lua "$big_url" "$analyst"
run scamtrace.post.partner 16 "$seconds" bench/taxii_post.lua "$big_url" "$partner"
posted=$(awk '/^scamtrace.post/ { for (i = 1; i <= NF; i++) if ($i ~ /^accepted=/) { sub("accepted=", "", $i); n += $i } } END { print n + 0 }' "$work/results")
missing=$(( big > posted ? big - posted : 0 ))
read -r n s <<<"$($helper fill "$big_url" "$analyst" "$missing" "$posters")"
echo "scamtrace: $n more objects posted into the submissions collection by $posters posters in $s s" \
  "(after $posted from the two POST runs)" | tee -a "$work/results"
start=$(date +%s)
read -r n p <<<"$($helper pages "$big_url" "$analyst" "$work/big.pages")"
echo "scamtrace: submissions collection holds $n objects, $p full pages (walked in $(( $(date +%s) - start )) s)"
run scamtrace.get.random.big 16 "$seconds" bench/taxii_get.lua "$big_url" "$analyst" "$work/big.pages"
run scamtrace.get.random.10k.again 16 "$seconds" bench/taxii_get.lua "$small_url" "$analyst" "$work/small.pages"
echo "scamtrace: database $(du -sh "$work" | cut -f1) on disk, server RSS $(ps -o rss= -p "${pids[0]}" | awk '{printf "%.0f MiB", $1/1024}')"

# --- medallion ---
$helper medallion "$work" bench benchpass
mport=$(free_port)
"$medallion" --host 127.0.0.1 --port "$mport" "$work/medallion.json" >"$work/medallion.log" 2>&1 &
pids+=($!)
basic="Basic $(printf bench:benchpass | base64)"
wait_for "http://127.0.0.1:$mport/taxii2/"
m_read="http://127.0.0.1:$mport/api/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/"
m_write="http://127.0.0.1:$mport/api/collections/52892447-4d7e-4f70-b94d-d7f22742ff63/objects/"
read -r n s <<<"$($helper fill "$m_read" "$basic" 1000 1)"
echo "medallion: $n objects posted in $s s"
start=$(date +%s)
read -r n p <<<"$($helper pages "$m_read" "$basic" "$work/medallion.pages")"
echo "medallion: collection holds $n objects, $p full pages (walked in $(( $(date +%s) - start )) s)"
run medallion.get.random.1k "$medallion_connections" "$medallion_seconds" bench/taxii_get.lua "$m_read" "$basic" "$work/medallion.pages"
run medallion.get.first.1k "$medallion_connections" "$medallion_seconds" bench/taxii_get.lua "$m_read" "$basic" "$work/first.pages"
run medallion.post 16 15 bench/taxii_post.lua "$m_write" "$basic"

echo
python3 - "$work/results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, *fields = line.split()
    if "=" in fields[0]:
        rows[name] = {k: float(v) for k, v in (f.split("=") for f in fields)}
def rate(name):
    r = rows[name]
    return (r["pages"] * 100 if "pages" in r else r["accepted"]) / r["seconds"]
print(f"{'run':<32} {'conns':>5} {'s':>6} {'pages/s':>9} {'objects/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'errors':>6}")
for name, r in rows.items():
    pages = f"{r['pages'] / r['seconds']:,.1f}" if "pages" in r else "-"
    print(f"{name:<32} {r['connections']:>5.0f} {r['seconds']:>6.1f} {pages:>9} {rate(name):>10,.0f}"
          f" {r['p50_ms']:>9.1f} {r['p99_ms']:>9.1f} {r['non2xx'] + r['socket_errors']:>6.0f}")
print()
for a, b, what in [
    ("scamtrace.get.random.10k", "medallion.get.random.1k", "GET random page, objects/s"),
    ("scamtrace.get.first.10k", "medallion.get.first.1k", "GET first page, objects/s"),
    ("scamtrace.post.analyst", "medallion.post", "POST as analyst (stored), objects/s"),
    ("scamtrace.post.partner", "medallion.post", "POST as partner (stored + imported), objects/s"),
    ("scamtrace.get.random.big", "scamtrace.get.random.10k", "ScamTrace GET, large / 10,000-object collection"),
    ("scamtrace.get.random.10k.again", "scamtrace.get.random.10k", "ScamTrace GET 10,000, after / before the fill"),
]:
    if a in rows and b in rows and rate(b) > 0:
        print(f"{what:<50} {rate(a) / rate(b):>10,.2f}x")
PY
