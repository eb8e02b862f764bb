#!/bin/bash
# The run behind the JSON files in this folder: a release `tidings serve` on a fresh data
# directory, loaded by a release `tidings-cli bench`, one benchmark after the other.
#   bash Benchmarks/results/cli-2026-11-23/run.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${1:-Benchmarks/results/cli-2026-11-23}
SERVER=${TIDINGS_BIN:-.build-release/release/tidings}
CLI=${TIDINGS_CLI_BIN:-.build-cli/release/tidings-cli}
PORT=${PORT:-18500}
DATA=$(mktemp -d /tmp/tidings-cli-bench.XXXXXX)
ulimit -n "$(ulimit -Hn)"
export TIDINGS_URL=http://127.0.0.1:$PORT TIDINGS_API_KEY=sk_cli_bench
TIDINGS_API_KEYS=$TIDINGS_API_KEY "$SERVER" serve --port "$PORT" --data-dir "$DATA" --log-level warning \
  2> "$OUT/server.log" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$TIDINGS_URL/readyz" > /dev/null; do
  kill -0 $SERVER_PID  # stop here if the server died
  sleep 0.1
done

step() {  # step NAME ARGS...: one benchmark, its JSON in OUT/NAME.json, the load average before it
  local name=$1; shift
  echo "$(date -u +%FT%TZ) $name: tidings-cli bench $* (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/steps.log"
  "$CLI" bench "$@" --json > "$OUT/$name.json" || echo "  exit status $?" | tee -a "$OUT/steps.log"
}

: > "$OUT/steps.log"
echo "server $SERVER (sha256 $(sha256sum "$SERVER" | cut -c1-16), built $(stat -c %y "$SERVER" | cut -c1-19))," \
  "cli $CLI, repository at $(git rev-parse --short HEAD), $(nproc) cores" | tee -a "$OUT/steps.log"
step fanout-10000 fanout --polls 10000 --single 300
step fanout-1000 fanout --polls 1000 --single 0 --prefix bench-fan-1k
step ingest-1000-recipients ingest --recipients 1000 --messages 1000000 --concurrency 4 --prefix w
step ingest-single ingest --concurrency 32 --duration 20
step feed-100k feed --messages 100000 --duration 10
step feed-100k-mark-seen feed --messages 100000 --no-fill --mark-seen --duration 10
step feed-1k feed --user bench-feed-1k --messages 1000 --duration 10
step bulk-100k bulk --messages 100000 --readers 4
