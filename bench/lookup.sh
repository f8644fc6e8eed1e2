#!/usr/bin/env bash
# Lookups per second and their latency, `scamtrace serve` on the demo data (SQLite), driven by
# wrk on loopback with 16 connections: single lookups (`GET /api/v1/lookup`) of values written
# as people write them, half known to the demo data (phone numbers in national, international
# and dotted forms; sites, defanged or not), half unknown; then privacy-lookup buckets
# (`GET /api/v1/hashes/{prefix}`); then full feeds (`GET /api/v1/feeds/...`). Between the single
# lookups and the buckets, batches of 100 of the same values (`POST /api/v1/lookup`).
#
#   bench/lookup.sh [SECONDS]        (default 30 for each workload)
#
# Environment: SKIP_BUILD=1 (take the binary already built), CARGO_TARGET_DIR, CONNECTIONS
# (default 16), SCAMTRACE_LOOKUP_CACHE_SECONDS=0 (the server's public answer cache off: every
# lookup computed, as for values never asked before).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
connections="${CONNECTIONS:-16}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release -q -p scamtrace
bin="${CARGO_TARGET_DIR:-target}/release/scamtrace"
work=$(mktemp -d)
pid=""
stop() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap stop EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "answer cache: ${SCAMTRACE_LOOKUP_CACHE_SECONDS:-10 (default)} seconds"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M') UTC"
export SCAMTRACE_LOG=warn SCAMTRACE_RATE_LIMIT_PER_MINUTE=0 SCAMTRACE_LOOKUP_RATE_PER_MINUTE=0 \
  SCAMTRACE_PUBLISH_INTERVAL_SECONDS=3600 SCAMTRACE_SYNC_INTERVAL_SECONDS=0 SCAMTRACE_KEY_FILE="$work/key"
port=$(free_port)
base="http://127.0.0.1:$port"
"$bin" --database "sqlite://$work/scamtrace.db" serve --listen "127.0.0.1:$port" --demo >"$work/serve.out" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null "$base/api/v1/feeds/phone.txt" && break; sleep 0.2; done
curl -s "$base/api/v1/feeds/phone.txt" > "$work/phones"
curl -s "$base/api/v1/feeds/domain.txt" > "$work/domains"
echo "demo data: $(wc -l < "$work/phones") phone numbers and $(wc -l < "$work/domains") domains judged scam"

# The values, as people write them: every scam number in three forms and every scam domain
# plain and defanged, then as many unknown numbers and names.
python3 - "$work" <<'PY'
import random, sys, urllib.parse
work = sys.argv[1]
rng = random.Random(7)
known = []
for line in open(f"{work}/phones"):
    e = line.strip()
    if not e: continue
    if e.startswith("+1") and len(e) == 12:
        d = e[2:]
        known += [f"+1 ({d[:3]}) {d[3:6]}-{d[6:]}", f"1-{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}"]
    else:
        known += [e, e[:3] + " " + e[3:]]
for line in open(f"{work}/domains"):
    d = line.strip()
    if d: known += [d, "hxxps://" + d.replace(".", "[.]") + "/support"]
areas = [212, 305, 415, 617, 702, 206, 312, 404, 713, 888, 877, 866, 855, 844, 833]
def exchange():
    while True:
        x = rng.randint(200, 999)
        if x % 100 != 11:
            return x
unknown = [f"+1 {rng.choice(areas)} {exchange()} {rng.randint(0, 9999):04d}" for _ in range(len(known) // 2)]
unknown += [f"help-desk-{rng.randint(0, 10**6)}.example.com" for _ in range(len(known) - len(unknown))]
with open(f"{work}/lookups", "w") as f:
    for v in known + unknown:
        f.write("/api/v1/lookup?value=" + urllib.parse.quote(v, safe="") + "\n")
import json
values = known + unknown
with open(f"{work}/batches", "w") as f:
    for _ in range(200):
        f.write(json.dumps({"values": rng.sample(values, 100)}) + "\n")
with open(f"{work}/buckets", "w") as f:
    for _ in range(4096):
        f.write(f"/api/v1/hashes/{rng.randrange(65536):04x}\n")
with open(f"{work}/feeds", "w") as f:
    for name in ["phone.csv", "phone.json", "domain.rpz", "url.txt", "remote_access.json"]:
        f.write(f"/api/v1/feeds/{name}\n")
print(f"lookups: {len(known)} known, {len(unknown)} unknown values")
PY

run() {
  local name=$1 paths=$2 line
  line=$(LOOKUP_PATHS="$paths" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s -s bench/lookup.lua "$base" | grep '^RESULT')
  echo "$name connections=$connections ${line#RESULT }"
}
run lookup "$work/lookups"
line=$(LOOKUP_BODIES="$work/batches" LOOKUP_BATCH=100 wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s -s bench/lookup_batch.lua "$base" | grep '^RESULT')
echo "lookup_batch_of_100 connections=$connections ${line#RESULT }"
run hash_bucket "$work/buckets"
run feed "$work/feeds"
