#!/usr/bin/env python3
"""Feed reads against the plain-HTTP ceiling, measured by every client at hand.

    python3 Benchmarks/ceiling.py [--tidings BIN] [--hello BIN] [--cli BIN] [--turns 5] [--seconds 2]

Issue 8 asks for feed reads (page of 50 with counts, 100,000-message feed, mark_seen=false,
8 connections) to reach 25 % of a trivial Hummingbird "hello" endpoint's requests/s. Client
and server share the two cores, so the ceiling is as high as the client is cheap: this
script measures the same three targets (`tidings-hello`'s `/hello`, Tidings' `/healthz`,
the feed) with each client in turn, in interleaved turns so a drift of the machine falls
on all of them:

- `python`: the suite's asyncio client (`httpclient.py`, as `bench.py` uses it);
- `cli`: `tidings-cli bench http` / `bench feed --no-fill` (SwiftNIO, one event loop);
- `wrk`: wrk (C, one thread), when installed (`apt-get install wrk`).

Prints, per client, the median requests/s of each target over the turns and the feed's
share of the ceiling, and with --out writes every turn as JSON.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import servers  # noqa: E402

FEED = "/v1/users/bulk-user/feeds/in-app?mark_seen=false&page_size=50"
CONNECTIONS = 8


def run_cli(cli, args):
    out = subprocess.run([cli, *args, "--json"], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"tidings-cli {' '.join(args)}: exit {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fill_feed(cli, server, messages=100_000):
    """Fills bulk-user's in-app feed (FEED) of `server` with `messages` messages; returns
    `tidings-cli bench feed`'s report."""
    return run_cli(cli, ["bench", "feed", "--url", f"http://127.0.0.1:{server.port}", "--key", bench.API_KEY,
                         "--user", "bulk-user", "--channel", "in-app", "--messages", str(messages), "--requests", "1"])


def wrk(url, seconds, headers, connections=CONNECTIONS):
    """wrk's report of `seconds` of GETs of `url` on `connections` connections; raises if any
    request failed."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk {url}: errors:\n{out}")
    return out


def run_wrk(url, seconds, headers):
    return float(re.search(r"Requests/sec:\s+([\d.]+)", wrk(url, seconds, headers)).group(1))


def wrk_reads(server, path, seconds, connections=CONNECTIONS):
    """wrk's requests/s on `path` of a Tidings server, with the server CPU per request (/proc)
    and the latency's 99th percentile in ms."""
    before = servers.cpu_seconds(server.proc.pid)
    out = wrk(f"http://127.0.0.1:{server.port}{path}", seconds, bench.AUTH, connections)
    cpu = servers.cpu_seconds(server.proc.pid) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "server_cpu_us": round(cpu / requests * 1e6, 1),
            "p99_ms": round(float(p99) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)}


async def turn(client, target, server, path, headers, seconds, cli):
    if client == "python":  # one turn of the bulk phase's reads (bench.py)
        summary = (await bench.interleaved_reads([(target, server, path, headers)], concurrency=CONNECTIONS,
                                                 seconds=seconds, slices=1))[target]
        if summary["ok"] != summary["requests"]:
            raise RuntimeError(f"{target}: {summary['requests'] - summary['ok']} requests failed")
        return summary["requests_per_s"]
    if client == "cli":
        url = f"http://127.0.0.1:{server.port}"
        if target == "feed":
            report = run_cli(cli, ["bench", "feed", "--url", url, "--key", bench.API_KEY, "--user", "bulk-user",
                                   "--channel", "in-app", "--no-fill", "--connections", str(CONNECTIONS),
                                   "--duration", str(seconds)])
            return report["reads_per_s"]
        report = run_cli(cli, ["bench", "http", path, "--url", url, "--connections", str(CONNECTIONS),
                               "--duration", str(seconds)])
        return report["requests_per_s"]
    return run_wrk(f"http://127.0.0.1:{server.port}{path}", seconds, headers)


async def main():
    here = os.path.dirname(os.path.abspath(__file__))
    release = os.path.join(here, "..", ".build-release", "release")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tidings", default=os.path.join(release, "tidings"))
    p.add_argument("--hello", default=os.path.join(release, "tidings-hello"))
    p.add_argument("--cli", default=os.path.join(release, "tidings-cli"))
    p.add_argument("--turns", type=int, default=5)
    p.add_argument("--seconds", type=int, default=2, help="seconds per target per turn")
    p.add_argument("--messages", type=int, default=100_000, help="messages in the feed read")
    p.add_argument("--out", help="every turn as JSON")
    args = p.parse_args()
    for product, binary in (("tidings", args.tidings), ("tidings-hello", args.hello), ("tidings-cli", args.cli)):
        if not os.access(binary, os.X_OK):
            sys.exit(f"no {product} binary at {binary}; build it with "
                     f"swift build -c release --product {product} --scratch-path .build-release")
    clients = ["python", "cli"] + (["wrk"] if shutil.which("wrk") else [])
    bench.QUIET["max_wait"] = 10.0  # each turn waits up to 10 s for an idle machine
    tidings = servers.Tidings(args.tidings, bench.API_KEY).start()
    hello = servers.Hello(args.hello).start()
    try:
        fill = fill_feed(args.cli, tidings, args.messages)
        print(f"feed of {fill['feed_messages']} messages; clients: {', '.join(clients)}", flush=True)
        targets = [("hello", hello, "/hello", {}), ("healthz", tidings, "/healthz", {}),
                   ("feed", tidings, FEED, bench.AUTH)]
        turns = []
        for number in range(args.turns):
            for client in clients:
                await bench.wait_quiet(f"turn {number + 1}, {client}")
                rates = {}
                for name, server, path, headers in targets:
                    rates[name] = round(await turn(client, name, server, path, headers, args.seconds, args.cli), 1)
                turns.append({"turn": number + 1, "client": client, "rps": rates})
                print(f"turn {number + 1} {client:6s} " + "  ".join(f"{k} {v:8.0f}" for k, v in rates.items())
                      + f"  feed/hello {rates['feed'] / rates['hello']:.3f}", flush=True)
        print("\nmedian req/s over the turns, and the feed's share of the ceiling:")
        summary = {}
        for client in clients:
            mine = [t["rps"] for t in turns if t["client"] == client]
            medians = {name: statistics.median(r[name] for r in mine) for name, _, _, _ in targets}
            shares = sorted(r["feed"] / r["hello"] for r in mine)
            summary[client] = {"median_rps": medians, "feed_over_hello_median": round(statistics.median(shares), 3),
                               "feed_over_hello_range": [round(shares[0], 3), round(shares[-1], 3)]}
            print(f"  {client:6s} hello {medians['hello']:7.0f}  healthz {medians['healthz']:7.0f}  "
                  f"feed {medians['feed']:6.0f}  feed/hello {statistics.median(shares):.3f} "
                  f"({shares[0]:.3f}-{shares[-1]:.3f})")
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"turns": turns, "summary": summary, "seconds": args.seconds,
                           "connections": CONNECTIONS, "feed_messages": fill["feed_messages"]}, f, indent=1)
    finally:
        hello.stop()
        tidings.stop()


if __name__ == "__main__":
    asyncio.run(main())
