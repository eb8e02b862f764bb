#!/usr/bin/env python3
"""Repeated fan-out rounds against one Tidings server, as bench.py measures them, for A/B
comparisons of two builds and for profiles of the answer path alone.

    python3 Benchmarks/fanout_rounds.py BINARY [--n 10000] [--rounds 3] [--perf FILE] [--freq 999]
    python3 Benchmarks/fanout_rounds.py BINARY --serial-creates 100 [--perf FILE]

Each round opens N polls on N distinct users, waits until all are registered, then writes
N/1,000 creates of 1,000 recipients (bench.tidings_fanout). With --perf, `perf record`
(DWARF call graphs) samples the server only inside the rounds' measured windows: it is
started disabled and switched on and off through a control FIFO, so opening the polls is
not in the profile.

--serial-creates K instead writes K creates of 1,000 recipients one after another on one
connection, with no poll waiting, and reports the time and server CPU of each (with --perf,
the whole loop is profiled): the cost of the step a fan-out round cannot start without.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import servers  # noqa: E402


class WindowPerf:
    """Stands in for bench.Perf: enables the running `perf record` for each window."""

    def __init__(self, control, ack):
        self.control, self.ack = control, ack

    def __call__(self, *args):
        return self

    async def start(self):
        self.control.write("enable\n")
        self.control.flush()
        self.ack.readline()
        return self

    async def stop(self):
        self.control.write("disable\n")
        self.control.flush()
        self.ack.readline()


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--perf", metavar="FILE", help="perf.data to write (sampled inside the windows only)")
    p.add_argument("--freq", default="999")
    p.add_argument("--serial-creates", type=int, metavar="K")
    args = p.parse_args()
    server = servers.Tidings(args.binary, bench.API_KEY).start()
    perf = None
    try:
        if args.serial_creates:
            await serial_creates(server, args)
            return
        users = [f"fan-{i}" for i in range(args.n)]
        cursors = await bench.fetch_cursors(server.port, users)
        await bench.tidings_fanout(server, users, cursors)  # warm-up, not reported
        if args.perf:
            fifo_dir = tempfile.mkdtemp(prefix="fanout-perf-")
            control_path, ack_path = os.path.join(fifo_dir, "control"), os.path.join(fifo_dir, "ack")
            os.mkfifo(control_path)
            os.mkfifo(ack_path)
            perf = subprocess.Popen(
                ["perf", "record", "-F", args.freq, "--call-graph", "dwarf,32768", "-D", "-1",
                 "--control", f"fifo:{control_path},{ack_path}", "-p", str(server.proc.pid), "-o", args.perf],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            bench.Perf = WindowPerf(open(control_path, "w"), open(ack_path, "r"))
        rounds = []
        for r in range(args.rounds):
            result = await bench.tidings_fanout(server, users, cursors, perf_dir=args.perf and "unused")
            rounds.append(result)
            print(f"round {r + 1}: last {result['last_ms']} ms, median {result['median_ms']} ms, "
                  f"lost {result['lost']}, server cpu {result['server_cpu_s']} s, client cpu {result['client_cpu_s']} s, "
                  f"creates answered at {sorted(c[1] for c in result['creates'])} ms", flush=True)
        print(json.dumps({"n": args.n, "rounds": args.rounds,
                          "last_ms_median": statistics.median(r["last_ms"] for r in rounds),
                          "median_ms_median": statistics.median(r["median_ms"] for r in rounds),
                          "server_cpu_s_median": statistics.median(r["server_cpu_s"] for r in rounds),
                          "lost": sum(r["lost"] for r in rounds)}))
    finally:
        if perf:
            perf.send_signal(2)
            perf.wait()
        server.stop()


async def serial_creates(server, args):
    connection = await bench.hc.connect(server.port)
    users = [f"serial-{i}" for i in range(1000)]
    for k in range(3):  # warm-up: the feeds exist from here on
        assert (await connection.send(bench.create_raw(server.port, users, k))).status == 201
    perf = None
    if args.perf:
        perf = subprocess.Popen(
            ["perf", "record", "-F", args.freq, "--call-graph", "dwarf,32768", "-p", str(server.proc.pid),
             "-o", args.perf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await asyncio.sleep(1.0)
    cpu0, t0 = server.cpu_seconds(), bench.perf_counter()
    for k in range(args.serial_creates):
        assert (await connection.send(bench.create_raw(server.port, users, k))).status == 201
    seconds, cpu = bench.perf_counter() - t0, server.cpu_seconds() - cpu0
    if perf:
        perf.send_signal(2)
        perf.wait()
    connection.close()
    print(json.dumps({"creates": args.serial_creates, "recipients": 1000,
                      "ms_each": round(seconds * 1000 / args.serial_creates, 2),
                      "server_cpu_ms_each": round(cpu * 1000 / args.serial_creates, 2)}))


asyncio.run(main())
