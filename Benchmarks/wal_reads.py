#!/usr/bin/env python3
"""What a WAL left behind by a trickle of writes costs feed reads.

    python3 Benchmarks/wal_reads.py [BINARY] [--rounds 5] [--trickle 300] [--seconds 3]

Fills a feed with 100,000 messages, then in each round: writes --trickle single-recipient
creates to it, waits 1.5 s (longer than the server's idle checkpoint, 1 s), reads the
wal-index, and measures feed reads (page of 50 with counts, mark_seen=false, wrk with 8
connections) in that state ("left"); then copies the WAL with an outside passive checkpoint
and measures again ("copied"). Reports the server CPU per read (from /proc) in each state.

With a server that never copies a WAL below its checkpoint threshold, "left" shows frames
not yet copied (`backfilled` < `frames`) and the cost of reading through them; with the
idle checkpoint, both states are the same. Needs wrk (`apt-get install wrk`).
"""

import argparse
import glob
import http.client
import json
import os
import sqlite3
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import ceiling  # noqa: E402
import servers  # noqa: E402


def wal_index(server):
    """(frames in the WAL, frames copied into the database): `mxFrame` of the wal-index
    header and `nBackfill` after its two copies."""
    with open(glob.glob(os.path.join(server.dir, "data", "*.sqlite-shm"))[0], "rb") as f:
        head = f.read(100)
    return struct.unpack_from("<I", head, 16)[0], struct.unpack_from("<I", head, 96)[0]


def trickle(server, count):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for n in range(count):
        connection.request("POST", "/v1/channels/in-app/messages", json.dumps(bench.create_body(["bulk-user"], n)),
                           {**bench.AUTH, "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"create answered {response.status}")
    connection.close()


def main():
    release = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build-release", "release")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary", nargs="?", default=os.path.join(release, "tidings"))
    p.add_argument("--cli", default=os.path.join(release, "tidings-cli"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--trickle", type=int, default=300, help="creates written before each round")
    p.add_argument("--seconds", type=int, default=3, help="seconds of reads per state")
    p.add_argument("--out", help="every round as JSON")
    args = p.parse_args()
    server = servers.Tidings(args.binary, bench.API_KEY).start()
    try:
        ceiling.fill_feed(args.cli, server)
        rounds = []
        for number in range(args.rounds):
            trickle(server, args.trickle)
            time.sleep(1.5)  # the state the server leaves a second after the writes stop
            left_wal = wal_index(server)
            left = ceiling.wrk_reads(server, ceiling.FEED, args.seconds)
            database = sqlite3.connect(glob.glob(os.path.join(server.dir, "data", "*.sqlite"))[0])
            database.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            database.close()
            copied_wal = wal_index(server)
            copied = ceiling.wrk_reads(server, ceiling.FEED, args.seconds)
            rounds.append({"left": {**left, "frames": left_wal[0], "backfilled": left_wal[1]},
                           "copied": {**copied, "frames": copied_wal[0], "backfilled": copied_wal[1]}})
            print(f"round {number + 1}: left {left_wal[1]}/{left_wal[0]} frames copied, {left['requests_per_s']:.0f} "
                  f"req/s, {left['server_cpu_us']} µs/read | copied {copied_wal[1]}/{copied_wal[0]}, "
                  f"{copied['requests_per_s']:.0f} req/s, {copied['server_cpu_us']} µs/read", flush=True)
        summary = {state: statistics.median(r[state]["server_cpu_us"] for r in rounds) for state in ("left", "copied")}
        print(f"median server CPU per read: left {summary['left']:.1f} µs, copied {summary['copied']:.1f} µs")
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"rounds": rounds, "median_server_cpu_us": summary, "trickle": args.trickle}, f, indent=1)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
