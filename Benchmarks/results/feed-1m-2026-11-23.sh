#!/bin/bash
P=18750; K=sk_bench_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
D=/tmp/exp/f1m; rm -rf $D; cp -r /tmp/exp/tpl $D; sync
B=/work/main/.build-release/release/tidings
$B serve --port $P --data-dir $D --api-key $K --log-level error & S=$!
sleep 1
CLI=/work/main/.build-cli/release/tidings-cli
$CLI bench ingest --url http://127.0.0.1:$P --key $K --recipients 1 --users 1 --messages 1000000 --concurrency 32 --channel big --prefix big 2>&1 | grep -E "messages/s"
for r in 1 2; do
for feed in "wide-0 wide" "bulk-user-0 in-app" "big-0 big"; do
  set -- $feed
  echo "feed $1/$2:"; $CLI bench feed --url http://127.0.0.1:$P --key $K --user $1 --channel $2 --no-fill --duration 5 2>&1 | grep -E "reads/s|latency"
done; done
kill -TERM $S; wait $S; rm -rf $D
