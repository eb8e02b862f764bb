#!/usr/bin/env python3
"""Feed reads of two or more Tidings builds, side by side, by page size.

    python3 Benchmarks/reads_ab.py NAME=BINARY NAME=BINARY ... [--page-sizes 1,10,50] [--connections 8]
        [--rounds 6] [--seconds 2]

Starts one server per build, fills the same 100,000-message feed in each, then measures wrk
(`mark_seen=false`, 8 connections or each number in --connections) on each build, page size
and number of connections in turn, reversing the order of the builds every round so a drift
of the machine falls on all of them. Reports, per page size, connections and build, the
median requests/s, server CPU per read (from /proc) and wrk's p99 latency over the rounds.
Needs wrk (`apt-get install wrk`).

--archive-all archives the whole feed first (a bulk `archive` of bulk-user, as a frontend's
"archive all" does) and --status adds a status filter, to measure pages that find nothing.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import ceiling  # noqa: E402
import servers  # noqa: E402


def feed_path(page_size, status=None):
    return f"/v1/users/bulk-user/feeds/in-app?mark_seen=false&page_size={page_size}" + (
        f"&status={status}" if status else "")


def archive_all(server):
    """Archives every message of bulk-user's feed with one bulk operation and waits for it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    connection.request("POST", "/v1/channels/in-app/messages/bulk/archive", json.dumps({"user_ids": ["bulk-user"]}),
                       {**bench.AUTH, "Content-Type": "application/json"})
    response = connection.getresponse()
    operation = json.loads(response.read())
    if response.status not in (200, 202):
        raise RuntimeError(f"bulk archive answered {response.status}: {operation}")
    while operation["status"] not in ("completed", "failed"):
        time.sleep(0.2)
        connection.request("GET", f"/v1/bulk_operations/{operation['id']}", headers=bench.AUTH)
        operation = json.loads(connection.getresponse().read())
    connection.close()
    if operation["status"] != "completed":
        raise RuntimeError(f"bulk archive {operation['status']}")


def main():
    release = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build-release", "release")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("builds", nargs="+", metavar="NAME=BINARY")
    p.add_argument("--cli", default=os.path.join(release, "tidings-cli"))
    p.add_argument("--page-sizes", default="1,10,50")
    p.add_argument("--connections", default=str(ceiling.CONNECTIONS), help="wrk's connections, one or a list")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--seconds", type=int, default=2, help="seconds per build, page size and round")
    p.add_argument("--archive-all", action="store_true", help="archive the whole feed before measuring")
    p.add_argument("--status", help="a status filter for every read (unread, read, unseen, seen)")
    p.add_argument("--out", help="every measurement as JSON")
    args = p.parse_args()
    builds = dict(build.split("=", 1) for build in args.builds)
    sizes = [int(size) for size in args.page_sizes.split(",")]
    counts = [int(count) for count in args.connections.split(",")]
    cases = [(size, count) for size in sizes for count in counts]
    started = {}
    try:
        for name, binary in builds.items():
            server = servers.Tidings(binary, bench.API_KEY).start()
            started[name] = server
            ceiling.fill_feed(args.cli, server)
            if args.archive_all:
                archive_all(server)
        def key(name, size, count):
            return f"{name} page {size}" + ("" if counts == [ceiling.CONNECTIONS] else f" c{count}")

        results = {key(name, size, count): [] for size, count in cases for name in builds}
        for number in range(args.rounds):
            order = list(builds) if number % 2 == 0 else list(reversed(builds))
            for size, count in cases:
                for name in order:
                    results[key(name, size, count)].append(
                        ceiling.wrk_reads(started[name], feed_path(size, args.status), args.seconds, count))
            print(f"round {number + 1} done", flush=True)
        summary = {}
        for size, count in cases:
            line = []
            for name in builds:
                runs = results[key(name, size, count)]
                medians = {metric: statistics.median(run[metric] for run in runs)
                           for metric in ("requests_per_s", "server_cpu_us", "p99_ms")}
                summary[key(name, size, count)] = medians
                line.append(f"{name} {medians['requests_per_s']:7.0f} req/s {medians['server_cpu_us']:6.1f} µs "
                            f"p99 {medians['p99_ms']:6.2f} ms")
            print(f"page {size:3d} c{count:<3d}: " + "   ".join(line))
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"builds": builds, "rounds": results, "medians": summary, "seconds": args.seconds}, f,
                          indent=1)
    finally:
        for server in started.values():
            server.stop()


if __name__ == "__main__":
    main()
