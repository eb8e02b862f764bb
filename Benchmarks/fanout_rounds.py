#!/usr/bin/env python3
"""Repeated fan-out rounds against one Tidings server, as bench.py measures them, for A/B
comparisons of two builds and for profiles of the answer path alone.

    python3 Benchmarks/fanout_rounds.py BINARY [--n 10000] [--rounds 3] [--perf FILE [--fp]] [--freq 999]
    python3 Benchmarks/fanout_rounds.py BINARY --serial-creates 100 [--recipients 1000] [--perf FILE]
    python3 Benchmarks/fanout_rounds.py - --nchan [--n 10000] [--rounds 3] [--perf FILE]

Each round opens N polls on N distinct users, waits until all are registered, then writes
N/1,000 creates of 1,000 recipients (bench.tidings_fanout). With --perf, `perf record`
(DWARF call graphs) samples the server only inside the rounds' measured windows: it is
started disabled and switched on and off through a control FIFO, so opening the polls is
not in the profile.

--serial-creates K instead writes K creates of 1,000 recipients (--recipients) one after another on one
connection, with no poll waiting, and reports the time and server CPU of each (with --perf,
the whole loop is profiled): the cost of the step a fan-out round cannot start without.

--nchan runs the same rounds against Nchan (bench.nchan_fanout: N subscribers of one channel,
one publish; BINARY is then ignored), with --perf sampling the nginx worker inside the same
windows: what the comparison server spends per answer, priced the same way.
"""

import argparse
import asyncio
import glob
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import servers  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """CPU seconds of a process's threads so far, split into its NIO event loops and the rest."""
    split = {"event_loops": 0.0, "other": 0.0}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/comm") as comm, open(f"{task}/stat") as stat:
                name, fields = comm.read(), stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        split["event_loops" if name.startswith("NIO-") else "other"] += ticks / CLOCK_TICKS
    return split


class Window:
    """Stands in for bench.Perf around each measured window: takes the server's per-thread CPU
    (from /proc, no profiler in the way) and, with --perf, enables the running `perf record`."""

    def __init__(self, pid, control=None, ack=None):
        self.pid, self.control, self.ack = pid, control, ack
        self.last = None

    def __call__(self, *args):
        return self

    async def start(self):
        if self.control:
            self.control.write("enable\n")
            self.control.flush()
            self.ack.readline()
        self.before = thread_cpu(self.pid)
        return self

    async def stop(self):
        after = thread_cpu(self.pid)
        if self.control:
            self.control.write("disable\n")
            self.control.flush()
            self.ack.readline()
        self.last = {name: after[name] - self.before[name] for name in after}


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--perf", metavar="FILE", help="perf.data to write (sampled inside the windows only)")
    p.add_argument("--freq", default="999")
    p.add_argument("--serial-creates", type=int, metavar="K")
    p.add_argument("--recipients", type=int, default=1000, help="with --serial-creates: recipients per create")
    p.add_argument("--nchan", action="store_true", help="the same rounds against Nchan")
    p.add_argument("--fp", action="store_true", help="with --perf: frame-pointer call graphs (cheap, complete "
                   "sample counts, fewer Swift frames named)")
    args = p.parse_args()
    server = servers.Nchan().start() if args.nchan else servers.Tidings(args.binary, bench.API_KEY).start()
    perf = None
    try:
        if args.serial_creates:
            await serial_creates(server, args)
            return
        if args.nchan:
            channels = itertools.count()  # a fresh channel per round: no stored message to replay

            async def fanout(**options):
                return await bench.nchan_fanout(server, args.n, f"round{next(channels)}", **options)
            pid = server.worker_pid
        else:
            users = [f"fan-{i}" for i in range(args.n)]
            cursors = await bench.fetch_cursors(server.port, users)

            async def fanout(**options):
                return await bench.tidings_fanout(server, users, cursors, **options)
            pid = server.proc.pid
        rounds = []
        await fanout()  # warm-up, not reported
        window = Window(pid)
        if args.perf:
            fifo_dir = tempfile.mkdtemp(prefix="fanout-perf-")
            control_path, ack_path = os.path.join(fifo_dir, "control"), os.path.join(fifo_dir, "ack")
            os.mkfifo(control_path)
            os.mkfifo(ack_path)
            # DWARF call graphs name Tidings' Swift frames, but copying stacks costs so much that
            # perf loses samples; frame pointers (--fp, and always for nginx) lose none.
            call_graph = ["-g"] if args.nchan or args.fp else ["--call-graph", "dwarf,32768"]
            perf = subprocess.Popen(
                ["perf", "record", "-F", args.freq, *call_graph, "-D", "-1",
                 "--control", f"fifo:{control_path},{ack_path}", "-p", str(pid), "-o", args.perf],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            window = Window(pid, open(control_path, "w"), open(ack_path, "r"))
        bench.Perf = window
        threads = {"event_loops": 0.0, "other": 0.0}
        for r in range(args.rounds):
            result = await fanout(perf_dir="unused")  # any value: bench only hands it to Perf
            rounds.append(result)
            for name in threads:
                threads[name] += window.last.get(name, 0.0)
            answered = (f"publish answered {result['publish']}" if args.nchan else
                        f"creates answered at {sorted(c[1] for c in result['creates'])} ms, per create first/median/"
                        f"last answer {result['per_create_first_median_last_ms']} ms")
            print(f"round {r + 1}: last {result['last_ms']} ms, median {result['median_ms']} ms, "
                  f"lost {result['lost']}, server cpu {result['server_cpu_s']} s, client cpu {result['client_cpu_s']} s, "
                  f"{answered}", flush=True)
        print(json.dumps({"n": args.n, "rounds": args.rounds,
                          "last_ms_median": statistics.median(r["last_ms"] for r in rounds),
                          "median_ms_median": statistics.median(r["median_ms"] for r in rounds),
                          "server_cpu_s_median": statistics.median(r["server_cpu_s"] for r in rounds),
                          # per answer, all rounds together (nginx has one thread: "other")
                          "server_cpu_us_per_answer": {name: round(1e6 * seconds / (args.rounds * args.n), 1)
                                                       for name, seconds in threads.items()},
                          "lost": sum(r["lost"] for r in rounds)}))
    finally:
        if perf:
            perf.send_signal(2)
            perf.wait()
        server.stop()


async def serial_creates(server, args):
    connection = await bench.hc.connect(server.port)
    users = [f"serial-{i}" for i in range(args.recipients)]
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
    print(json.dumps({"creates": args.serial_creates, "recipients": args.recipients,
                      "ms_each": round(seconds * 1000 / args.serial_creates, 2),
                      "server_cpu_ms_each": round(cpu * 1000 / args.serial_creates, 2)}))


asyncio.run(main())
