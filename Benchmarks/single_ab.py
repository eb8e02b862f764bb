#!/usr/bin/env python3
"""The single-poll latency (publish → answer) of two or more Tidings builds, alternated.

    python3 Benchmarks/single_ab.py NAME=BINARY NAME=BINARY ... [--rounds 3] [--reps 300]

Starts one server per build and runs the poll phase's single-poll measurement
(bench.tidings_single: a poll waits, one create, the time to its answer) on each in turn,
--reps times per round. Prints each round's median and p99 per build: the poll phase runs
it once per build and run, after the fan-outs, where the machine's noise can double it.
"""

import argparse
import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import servers  # noqa: E402


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("builds", nargs="+", metavar="NAME=BINARY")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--reps", type=int, default=300)
    args = p.parse_args()
    started = {}
    try:
        for name, binary in (build.split("=", 1) for build in args.builds):
            started[name] = servers.Tidings(binary, bench.API_KEY).start()
        for number in range(args.rounds):
            for name, server in started.items():
                result = await bench.tidings_single(server, args.reps)
                answer = result["poll_answer"]
                print(f"round {number + 1} {name}: median {answer['median']} ms, p99 {answer['p99']} ms, "
                      f"failures {result['failure_count']}", flush=True)
    finally:
        for server in started.values():
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
