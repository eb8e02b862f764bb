#!/usr/bin/env bash
# `make bench`: install what the suite needs, build the release server in its own scratch
# path, and run every benchmark on fresh temporary data directories. Extra arguments go to
# bench.py (e.g. `make bench BENCH_ARGS=--quick`). Bounded: the whole run is killed after
# BENCH_TIMEOUT (default 75 minutes); bench.py stops the servers it started on its own.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${BENCH_SCRATCH:-.build-release}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-75m}

# nginx-light + Nchan (the comparison) and python3 (the load client), from Debian's packages.
missing=""
for package in nginx-light libnginx-mod-nchan python3; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    # Where an init system runs, the package also starts its default site on :80; the suite
    # neither uses nor stops it: it runs its own nginx from Benchmarks/nchan.conf.in.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

echo "building: $SWIFT build -c release --product tidings (and tidings-hello) --scratch-path $SCRATCH"
start=$(date +%s)
$SWIFT build -c release --product tidings --scratch-path "$SCRATCH"
# Hummingbird's bare "hello" server, the plain-HTTP ceiling the feed reads are compared with.
$SWIFT build -c release --product tidings-hello --scratch-path "$SCRATCH"
echo "release build: $(( $(date +%s) - start )) s"

BIN="$SCRATCH/release/tidings"
# Polls and subscribers need one descriptor each: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" || true
echo "fd limit: $(ulimit -n); loadavg: $(cat /proc/loadavg)"
exec timeout --signal=TERM --kill-after=30s "$BENCH_TIMEOUT" python3 Benchmarks/bench.py --tidings "$BIN" "$@"
