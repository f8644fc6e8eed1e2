#!/usr/bin/env bash
# Sustained rate of POST /api/v1/reports on loopback with SQLite and durable writes
# (WAL, synchronous=FULL, group commit): wrk in a second process, 16 connections.
#
#   bench/post_reports.sh [SECONDS] [CONNECTIONS]      (defaults: 30 16)
#
# Needs wrk (apt-get install wrk). Builds the release binary, starts `scamtrace serve` on a free
# port with a fresh database and the rate limit off, posts realistic demo reports, and prints
# wrk's report plus the number of reports the server says it stored.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
connections="${2:-16}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p scamtrace
bin=target/release/scamtrace
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" demo generate --reports 5000 --seed 1 > "$work/reports.jsonl"
SCAMTRACE_LOG=warn SCAMTRACE_RATE_LIMIT_PER_MINUTE=0 SCAMTRACE_KEY_FILE="$work/key" \
  "$bin" serve --listen "127.0.0.1:$port" --database "sqlite://$work/bench.db" 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "synchronous: $(python3 - "$work/bench.db" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("pragma journal_mode").fetchone()[0])
PY
) journal, synchronous=FULL set by the server"
REPORTS_FILE="$work/reports.jsonl" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/post_reports.lua "http://127.0.0.1:$port"
stored=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^scamtrace_reports /{print $2}')
echo "reports stored by the server: $stored"
