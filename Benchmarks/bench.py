#!/usr/bin/env python3
"""Tidings benchmark suite: fan-out, single-poll latency, memory per poll, ingest, feed
reads, bulk operations, and the Nchan fan-out comparison (issues 4, 5 and 8).

    python3 Benchmarks/bench.py --tidings .build-release/release/tidings [--quick] [--only poll,bulk]

Every server it starts listens on 127.0.0.1, gets a fresh temporary directory, and is
stopped by pid when the run ends (also on Ctrl-C). Every phase is bounded in time and
count. Results go to --out (JSON) and a summary table to stdout.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import re
import resource
import secrets
import subprocess
import sys
import time
from time import perf_counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpclient as hc  # noqa: E402
import servers  # noqa: E402

API_KEY = "sk_bench_" + secrets.token_hex(16)
AUTH = {"Authorization": f"Bearer {API_KEY}"}
CHANNEL = "in-app"


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


# ---------------------------------------------------------------- statistics

def pct(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def stats_ms(seconds):
    v = sorted(x * 1000.0 for x in seconds)
    if not v:
        return {"n": 0}
    return {"n": len(v), "min": round(v[0], 3), "median": round(pct(v, 50), 3), "p99": round(pct(v, 99), 3),
            "max": round(v[-1], 3), "mean": round(sum(v) / len(v), 3)}


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if v else None


# ---------------------------------------------------------------- machine noise

def system_busy_seconds():
    """CPU seconds spent busy by the whole machine (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


QUIET = {"max_wait": 0.0, "threshold": 0.35}


@contextlib.contextmanager
def client_gc_paused():
    """The client's cyclic garbage collector off for a measured window, the same for every
    server. With 10,000 connections alive, one of its full collections stops the client for
    40-60 ms (8 ms with 1,000), and where that pause fell decided a round: run S found them in
    the windows of both servers' rounds (BENCHMARKS.md). What the window leaves is collected
    before the next one; reference counting still frees everything that is not a cycle."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def wait_quiet(label):
    """The machine is shared (other builds, tests): wait, at most QUIET["max_wait"] seconds, until
    it has been nearly idle (< threshold cores busy) for two consecutive seconds. Returns what
    was seen, for the record; the measurement goes ahead either way."""
    t0 = perf_counter()
    calm = 0
    busy = None
    while True:
        b0 = system_busy_seconds()
        await asyncio.sleep(1.0)
        busy = system_busy_seconds() - b0
        calm = calm + 1 if busy < QUIET["threshold"] else 0
        if calm >= 2 or perf_counter() - t0 >= QUIET["max_wait"]:
            break
    waited = round(perf_counter() - t0, 1)
    if calm < 2:
        log(f"  machine busy before {label}: {busy:.2f} cores in use after waiting {waited} s; measuring anyway")
    return {"waited_s": waited, "busy_cores": round(busy, 2), "quiet": calm >= 2}


# ---------------------------------------------------------------- helpers

def create_body(recipients, n, channel_note=""):
    return {"recipients": recipients, "source": "bench",
            "blocks": [{"type": "markdown", "name": "body", "content": f"**bench** message {n}{channel_note}"}]}


def create_raw(port, recipients, n, channel=CHANNEL):
    return hc.request_bytes("POST", f"/v1/channels/{channel}/messages", f"127.0.0.1:{port}", AUTH,
                            create_body(recipients, n))


def poll_raw(port, user, cursor, timeout=60, channel=CHANNEL):
    return hc.request_bytes("GET", f"/v1/users/{user}/feeds/{channel}/updates?since={cursor}&timeout={timeout}",
                            f"127.0.0.1:{port}", AUTH)


async def tidings_open_polls(client):
    r = await client.request("GET", "/metrics", timeout=10)
    m = re.search(rb"^tidings_open_polls(?:\{[^}]*\})? (\S+)", r.body, re.M)
    return int(float(m.group(1))) if m else 0


async def nchan_subscribers(client):
    r = await client.request("GET", "/nchan_status", timeout=10)
    m = re.search(rb"^subscribers: (\d+)", r.body, re.M)
    return int(m.group(1)) if m else 0


async def wait_for_count(probe, client, target, timeout, interval=0.005):
    """Polls probe(client) until it reports `target`; returns (reached, last value, seconds)."""
    t0 = perf_counter()
    value = None
    while perf_counter() - t0 < timeout:
        value = await probe(client)
        if value == target:
            return True, value, perf_counter() - t0
        await asyncio.sleep(interval)
    return False, value, perf_counter() - t0


async def fetch_cursors(port, users, concurrency=16, channel=CHANNEL):
    """Each user's current update cursor, from a poll without `since` (answers at once)."""
    cursors = {}
    queue = list(users)
    errors = []

    async def worker():
        client = hc.Client(port, AUTH)
        while queue:
            user = queue.pop()
            r = await client.request("GET", f"/v1/users/{user}/feeds/{channel}/updates", timeout=30)
            if r.status != 200:
                errors.append(r.status)
                continue
            cursors[user] = r.json()["cursor"]
        client.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if errors:
        raise RuntimeError(f"cursor fetch: {len(errors)} non-200 answers, e.g. {errors[:5]}")
    return cursors


async def open_many(port, raws, connect_concurrency=256):
    """Opens one connection per request and sends it; returns (conns, futures)."""
    conns = [None] * len(raws)
    futs = [None] * len(raws)
    sem = asyncio.Semaphore(connect_concurrency)
    failures = []

    async def one(i):
        async with sem:
            try:
                c = await hc.connect(port)
            except OSError as error:
                failures.append(str(error))
                return
        conns[i] = c
        futs[i] = c.send(raws[i])

    await asyncio.gather(*(one(i) for i in range(len(raws))))
    return conns, futs, failures


def close_all(conns):
    for c in conns:
        if c is not None:
            c.close()


async def settle(seconds):
    await asyncio.sleep(seconds)


# ---------------------------------------------------------------- profiling

class Perf:
    """`perf record` of one process over a window, then text reports (by library, by symbol,
    inclusive by symbol) next to the results. Only with --perf: sampling costs CPU."""

    def __init__(self, outdir, name, pid, max_seconds=15):
        self.outdir, self.name, self.pid, self.max_seconds = outdir, name, pid, max_seconds
        self.proc = None

    async def start(self, delay=0.0):
        """Starts recording now (after a 1 s warm-up of perf itself), or `delay` seconds from
        now in the background, for at most max_seconds."""
        if not self.outdir:
            return self
        os.makedirs(self.outdir, exist_ok=True)
        self.data = os.path.join(self.outdir, f"{self.name}.perf.data")
        if delay > 0:
            self.task = asyncio.ensure_future(self._later(delay))
            return self
        self._spawn()
        await asyncio.sleep(1.0)
        return self

    async def _later(self, delay):
        await asyncio.sleep(delay)
        self._spawn()

    def _spawn(self):
        self.proc = subprocess.Popen(["perf", "record", "-F", "499", "--call-graph", "dwarf,16384", "-p", str(self.pid),
                                      "-o", self.data, "--", "sleep", str(self.max_seconds)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def stop(self):
        task = getattr(self, "task", None)
        if task is not None and not task.done():
            task.cancel()
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(2)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        report = os.path.join(self.outdir, f"{self.name}.perf.txt")
        with open(report, "w") as f:
            for title, extra in (("self time by library", ["--no-children", "--sort", "dso"]),
                                 ("self time by symbol", ["--no-children", "--sort", "dso,symbol",
                                                          "--percent-limit", "0.7"]),
                                 ("inclusive time by symbol", ["--children", "--sort", "symbol",
                                                               "--percent-limit", "4"])):
                f.write(f"==== {title}\n")
                f.flush()
                cmd = ["perf", "report", "-i", self.data, "--stdio", "-g", "none"] + extra
                text = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
                try:
                    text = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True,
                                          text=True, timeout=120).stdout
                except (OSError, subprocess.TimeoutExpired):
                    pass
                f.write("\n".join(line[:240] for line in text.splitlines() if line and not line.startswith("#")))
                f.write("\n\n")
        os.remove(self.data)
        log(f"  profile: {report}")


# ---------------------------------------------------------------- fan-out

async def tidings_fanout(srv, users, cursors, wait_s=30.0, measure_memory=False, perf_dir=None):
    port = srv.port
    n = len(users)
    admin = hc.Client(port, AUTH)
    batches = [users[i:i + 1000] for i in range(0, n, 1000)]
    creators = [await hc.connect(port) for _ in batches]
    for c in creators:  # warm the keep-alive connections
        r = await c.send(hc.request_bytes("GET", "/healthz", f"127.0.0.1:{port}"))
        assert r.status == 200
    create_raws = [create_raw(port, b, k) for k, b in enumerate(batches)]
    result = {"n": n}
    if measure_memory:
        await settle(1.0)
        result["rss_before_kib"] = srv.rss_kib()
    t_open = perf_counter()
    raws = [poll_raw(port, u, cursors[u]) for u in users]
    conns, futs, failures = await open_many(port, raws)
    reached, value, _ = await wait_for_count(tidings_open_polls, admin, n, timeout=90)
    result["open_seconds"] = round(perf_counter() - t_open, 3)
    result["all_waiting"] = reached
    result["connect_failures"] = len(failures)
    if not reached:
        result["open_polls_seen"] = value
    early = [f for f in futs if f is not None and f.done()]
    result["answered_before_publish"] = len(early)
    if measure_memory:
        await settle(1.0)
        result["rss_waiting_kib"] = srv.rss_kib()
        result["kib_per_poll"] = round((result["rss_waiting_kib"] - result["rss_before_kib"]) / n, 2)
    perf = await Perf(perf_dir, f"fanout{n}-tidings", srv.proc.pid).start()
    # fire: ten (n/1000) creates written back to back on warm connections
    with client_gc_paused():
        server_cpu0, client_cpu0, busy0 = srv.cpu_seconds(), time.process_time(), system_busy_seconds()
        t0 = perf_counter()
        create_futs = [c.send(raw) for c, raw in zip(creators, create_raws)]
        pending = [f for f in futs if f is not None and not f.done()]
        await asyncio.wait(pending + create_futs, timeout=wait_s)
        result["server_cpu_s"] = round(srv.cpu_seconds() - server_cpu0, 3)
        result["client_cpu_s"] = round(time.process_time() - client_cpu0, 3)
        result["window_s"] = round(perf_counter() - t0, 3)
        busy = system_busy_seconds() - busy0
    result["other_cpu_s"] = round(busy - result["server_cpu_s"] - result["client_cpu_s"], 2)
    await perf.stop()
    latencies, statuses, empty, errors, lost = [], {}, 0, 0, 0
    per_batch = {}
    for i, f in enumerate(futs):
        if f is None:
            lost += 1
            continue
        if not f.done():
            lost += 1
            continue
        if f.exception() is not None:
            errors += 1
            continue
        r = f.result()
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if r.status != 200:
            continue
        body = r.json()
        cursors[users[i]] = body["cursor"]
        if not body["events"]:
            empty += 1
            continue
        latencies.append(r.t_done - t0)
        per_batch.setdefault(i // 1000, []).append(r.t_done - t0)
    create_stats = []
    for f in create_futs:
        if f.done() and f.exception() is None:
            create_stats.append((f.result().status, round((f.result().t_done - t0) * 1000, 2)))
        else:
            create_stats.append(("no answer", None))
    close_all(conns)
    close_all(creators)
    admin.close()
    s = stats_ms(latencies)
    result.update({"answered": len(latencies), "median_ms": s.get("median"), "p99_ms": s.get("p99"),
                   "last_ms": s.get("max"), "lost": lost, "closed_without_answer": errors, "empty_answers": empty,
                   "statuses": statuses, "creates": create_stats,
                   "per_create_first_median_last_ms": [
                       [stats_ms(per_batch[b])["min"], stats_ms(per_batch[b])["median"], stats_ms(per_batch[b])["max"]]
                       for b in sorted(per_batch)]})
    # lost polls need fresh cursors for the next round
    missing = [u for u in users if u not in cursors]
    if missing:
        cursors.update(await fetch_cursors(port, missing))
    return result


async def nchan_fanout(srv, n, channel, wait_s=30.0, measure_memory=False, perf_dir=None):
    port = srv.port
    admin = hc.Client(port)
    publisher = await hc.connect(port)
    r = await publisher.send(hc.request_bytes("GET", "/nchan_status", f"127.0.0.1:{port}"))
    assert r.status == 200
    result = {"n": n}
    if measure_memory:
        await settle(1.0)
        result["rss_before_kib"] = srv.rss_kib()
    t_open = perf_counter()
    raw = hc.request_bytes("GET", f"/sub/{channel}", f"127.0.0.1:{port}")
    conns, futs, failures = await open_many(port, [raw] * n)
    reached, value, _ = await wait_for_count(nchan_subscribers, admin, n, timeout=90)
    result["open_seconds"] = round(perf_counter() - t_open, 3)
    result["all_waiting"] = reached
    result["connect_failures"] = len(failures)
    if not reached:
        result["subscribers_seen"] = value
    result["answered_before_publish"] = sum(1 for f in futs if f is not None and f.done())
    if measure_memory:
        await settle(1.0)
        result["rss_waiting_kib"] = srv.rss_kib()
        result["kib_per_poll"] = round((result["rss_waiting_kib"] - result["rss_before_kib"]) / n, 2)
    message = json.dumps({"type": "message.created", "text": "**bench** message", "pad": "x" * 64})
    perf = await Perf(perf_dir, f"fanout{n}-nchan", srv.worker_pid).start()
    with client_gc_paused():
        server_cpu0, client_cpu0, busy0 = srv.cpu_seconds(), time.process_time(), system_busy_seconds()
        t0 = perf_counter()
        pub = publisher.send(hc.request_bytes("POST", f"/pub/{channel}", f"127.0.0.1:{port}", None, message))
        pending = [f for f in futs if f is not None and not f.done()]
        await asyncio.wait(pending + [pub], timeout=wait_s)
        result["server_cpu_s"] = round(srv.cpu_seconds() - server_cpu0, 3)
        result["client_cpu_s"] = round(time.process_time() - client_cpu0, 3)
        result["window_s"] = round(perf_counter() - t0, 3)
        busy = system_busy_seconds() - busy0
    result["other_cpu_s"] = round(busy - result["server_cpu_s"] - result["client_cpu_s"], 2)
    await perf.stop()
    latencies, statuses, errors, lost = [], {}, 0, 0
    for f in futs:
        if f is None or not f.done():
            lost += 1
            continue
        if f.exception() is not None:
            errors += 1
            continue
        r = f.result()
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if r.status == 200:
            latencies.append(r.t_done - t0)
    close_all(conns)
    publisher.close()
    admin.close()
    s = stats_ms(latencies)
    result.update({"answered": len(latencies), "median_ms": s.get("median"), "p99_ms": s.get("p99"),
                   "last_ms": s.get("max"), "lost": lost, "closed_without_answer": errors, "statuses": statuses,
                   "publish": (pub.result().status if pub.done() and pub.exception() is None else "no answer")})
    return result


# ---------------------------------------------------------------- shutdown

async def tidings_shutdown(srv, users, cursors, wait_s=30.0):
    """N polls waiting, then SIGTERM: how fast every poll is answered and the process exits
    (issue 5: every waiting poll answered 200 with no events, exit 0 within a few seconds)."""
    port = srv.port
    n = len(users)
    admin = hc.Client(port, AUTH)
    conns, futs, failures = await open_many(port, [poll_raw(port, u, cursors[u]) for u in users])
    reached, value, _ = await wait_for_count(tidings_open_polls, admin, n, timeout=90)
    admin.close()
    t0 = perf_counter()
    srv.proc.send_signal(15)
    pending = [f for f in futs if f is not None]
    await asyncio.wait(pending, timeout=wait_s)
    exit_deadline = perf_counter() + wait_s
    while srv.proc.poll() is None and perf_counter() < exit_deadline:
        await asyncio.sleep(0.005)
    t_exit = perf_counter() - t0 if srv.proc.poll() is not None else None
    latencies, statuses, with_events, errors, unanswered = [], {}, 0, 0, 0
    for f in futs:
        if f is None or not f.done():
            unanswered += 1
        elif f.exception() is not None:
            errors += 1
        else:
            r = f.result()
            statuses[r.status] = statuses.get(r.status, 0) + 1
            latencies.append(r.t_done - t0)
            if r.status == 200 and r.json().get("events"):
                with_events += 1
    close_all(conns)
    s = stats_ms(latencies)
    return {"n": n, "all_waiting": reached, "answered": len(latencies), "statuses": statuses,
            "answers_with_events": with_events, "closed_without_answer": errors, "unanswered": unanswered,
            "median_ms": s.get("median"), "last_ms": s.get("max"),
            "exit_s": round(t_exit, 3) if t_exit is not None else None, "exit_code": srv.proc.returncode}


# ---------------------------------------------------------------- single poll

async def tidings_single(srv, reps):
    port = srv.port
    user = "single-user"
    admin = hc.Client(port, AUTH)
    cursor = (await fetch_cursors(port, [user]))[user]
    creator = await hc.connect(port)
    lat, create_lat, failures = [], [], []
    with client_gc_paused():  # one collection before the 300 rounds, none inside
        for i in range(reps):
            if creator.closed:
                creator = await hc.connect(port)
            conn = await hc.connect(port)
            fut = conn.send(poll_raw(port, user, cursor, timeout=30))
            reached, value, _ = await wait_for_count(tidings_open_polls, admin, 1, timeout=10, interval=0.001)
            if not reached:
                failures.append(f"rep {i}: open_polls={value}")
                conn.close()
                continue
            t0 = perf_counter()
            cf = creator.send(create_raw(port, [user], i))
            try:
                r = await asyncio.wait_for(fut, 10)
                c = await asyncio.wait_for(cf, 10)
            except (asyncio.TimeoutError, ConnectionError) as error:
                failures.append(f"rep {i}: {type(error).__name__}")
                conn.close()
                cursor = (await fetch_cursors(port, [user]))[user]
                continue
            conn.close()
            if r.status != 200 or not r.json()["events"]:
                failures.append(f"rep {i}: status {r.status} body {r.body[:200]!r}")
            else:
                lat.append(r.t_done - t0)
                create_lat.append(c.t_done - t0)
            cursor = r.json()["cursor"] if r.status == 200 else (await fetch_cursors(port, [user]))[user]
            await asyncio.sleep(0.005)
    creator.close()
    admin.close()
    return {"reps": reps, "poll_answer": stats_ms(lat), "create_response": stats_ms(create_lat),
            "failures": failures[:20], "failure_count": len(failures)}


async def nchan_single(srv, reps, prefix):
    port = srv.port
    admin = hc.Client(port)
    publisher = await hc.connect(port)
    lat, pub_lat, failures = [], [], []
    with client_gc_paused():  # one collection before the 300 rounds, none inside
        for i in range(reps):
            channel = f"{prefix}{i}"
            if publisher.closed:
                publisher = await hc.connect(port)
            conn = await hc.connect(port)
            fut = conn.send(hc.request_bytes("GET", f"/sub/{channel}", f"127.0.0.1:{port}"))
            reached, value, _ = await wait_for_count(nchan_subscribers, admin, 1, timeout=10, interval=0.001)
            if not reached:
                failures.append(f"rep {i}: subscribers={value}")
                conn.close()
                continue
            t0 = perf_counter()
            pf = publisher.send(hc.request_bytes("POST", f"/pub/{channel}", f"127.0.0.1:{port}", None, "bench message"))
            try:
                r = await asyncio.wait_for(fut, 10)
                p = await asyncio.wait_for(pf, 10)
            except (asyncio.TimeoutError, ConnectionError) as error:
                failures.append(f"rep {i}: {type(error).__name__}")
                conn.close()
                continue
            conn.close()
            if r.status != 200:
                failures.append(f"rep {i}: status {r.status}")
            else:
                lat.append(r.t_done - t0)
                pub_lat.append(p.t_done - t0)
            await asyncio.sleep(0.005)
    publisher.close()
    admin.close()
    return {"reps": reps, "poll_answer": stats_ms(lat), "publish_response": stats_ms(pub_lat),
            "failures": failures[:20], "failure_count": len(failures)}


# ---------------------------------------------------------------- ingest, feeds, bulk

async def closed_loop(port, concurrency, make_request, max_requests, max_seconds, headers=AUTH):
    """`concurrency` keep-alive clients each send requests back to back. make_request(k) ->
    (method, path, body). Returns per-request (t_start, t_end, status) and the wall time."""
    samples = []
    counter = iter(range(max_requests))
    t_start = perf_counter()
    deadline = t_start + max_seconds
    errors = []

    async def worker():
        client = hc.Client(port, headers)
        for k in counter:
            if perf_counter() > deadline:
                break
            method, path, body = make_request(k)
            t = perf_counter()
            try:
                r = await client.request(method, path, body, timeout=60)
                samples.append((t, r.t_done, r.status))
            except (ConnectionError, asyncio.TimeoutError) as error:
                errors.append(type(error).__name__)
                samples.append((t, perf_counter(), 0))
        client.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples, perf_counter() - t_start, errors


def loop_summary(samples, wall, per_request=1):
    ok = [s for s in samples if 200 <= s[2] < 300]
    statuses = {}
    for s in samples:
        statuses[s[2]] = statuses.get(s[2], 0) + 1
    lat = stats_ms([s[1] - s[0] for s in ok])
    # throughput and median latency over the run, in tenths (in completion order): does it degrade as data grows?
    by_end = sorted(ok, key=lambda s: s[1])
    tenths = []
    if len(by_end) >= 20:
        k = len(by_end) // 10
        for i in range(10):
            part = by_end[i * k:(i + 1) * k]
            span = part[-1][1] - (by_end[i * k - 1][1] if i else min(s[0] for s in samples))
            tenths.append({"items_per_s": round(len(part) * per_request / span, 1) if span > 0 else None,
                           "median_ms": stats_ms([s[1] - s[0] for s in part])["median"]})
    return {"requests": len(samples), "ok": len(ok), "statuses": statuses, "seconds": round(wall, 3),
            "requests_per_s": round(len(ok) / wall, 1), "items_per_s": round(len(ok) * per_request / wall, 1),
            "latency_ms": lat, "by_tenth": tenths}


async def ingest_multi(srv, channel, users, requests, concurrency):
    body = create_body(users, 0)
    summary = loop_summary(*(await closed_loop(
        srv.port, concurrency, lambda k: ("POST", f"/v1/channels/{channel}/messages", body), requests, 900))[:2],
        per_request=len(users))
    summary.update({"recipients_per_request": len(users), "concurrency": concurrency, "channel": channel})
    return summary


async def ingest_single(srv, channel, user_of, requests, concurrency, max_seconds):
    summary = loop_summary(*(await closed_loop(
        srv.port, concurrency,
        lambda k: ("POST", f"/v1/channels/{channel}/messages", create_body([user_of(k)], k)),
        requests, max_seconds))[:2])
    summary.update({"recipients_per_request": 1, "concurrency": concurrency, "channel": channel})
    return summary


async def interleaved_reads(targets, concurrency=8, seconds=5.0, slices=5):
    """Closed-loop reads of each (name, server, path, headers) target for `seconds` in all,
    taken in `slices` turns round-robin, so a drift of the machine falls on every target
    alike and their ratio holds. Each target's summary spans all its turns; `per_slice_rps`
    shows the drift, `server_cpu_us` what the target's server spent per answered request."""
    runs = {name: {"samples": [], "wall": 0.0, "per_slice_rps": [], "cpu": 0.0} for name, _, _, _ in targets}
    for _ in range(slices):
        for name, srv, path, headers in targets:
            cpu0 = srv.cpu_seconds()
            samples, wall, _ = await closed_loop(srv.port, concurrency, lambda k: ("GET", path, None), 10_000_000,
                                                 seconds / slices, headers)
            run = runs[name]
            run["cpu"] += srv.cpu_seconds() - cpu0
            run["samples"] += samples
            run["wall"] += wall
            run["per_slice_rps"].append(round(sum(1 for s in samples if 200 <= s[2] < 300) / wall, 1))
    out = {}
    for name, srv, path, _ in targets:
        run = runs[name]
        summary = loop_summary(run["samples"], run["wall"])
        del summary["by_tenth"]  # the turns' samples are not one continuous run
        answered = sum(1 for s in run["samples"] if 200 <= s[2] < 300)
        summary.update({"server": srv.name, "path": path, "concurrency": concurrency, "slices": slices,
                        "per_slice_rps": run["per_slice_rps"],
                        "server_cpu_us": round(1e6 * run["cpu"] / answered, 1) if answered else None})
        out[name] = summary
    return out


async def bulk_under_load(srv, user, channel, reader_paths, creator_channel, readers=4, writers=2,
                          read_interval=0.02, write_interval=0.05, baseline_s=5.0, after_s=2.0, max_bulk_s=300.0):
    """Mark-all-read of one big feed while other clients read feeds and create messages."""
    port = srv.port
    samples = []  # (kind, t_start, t_end, status)
    stop = asyncio.Event()

    async def paced(kind, interval, make):
        """One client, one request every `interval` seconds (or right after the previous answer
        when that took longer): a light, steady load, so latency shows waiting, not self-queueing."""
        client = hc.Client(port, AUTH)
        k = 0
        next_at = perf_counter()
        while not stop.is_set():
            method, path, body = make(k)
            k += 1
            t = perf_counter()
            try:
                r = await client.request(method, path, body, timeout=60)
                samples.append((kind, t, r.t_done, r.status))
            except (ConnectionError, asyncio.TimeoutError):
                samples.append((kind, t, perf_counter(), 0))
            next_at += interval
            delay = next_at - perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                next_at = perf_counter()
        client.close()

    def reader(j):
        return paced("feed_read", read_interval,
                     lambda k: ("GET", reader_paths[(j * 7919 + k) % len(reader_paths)], None))

    def writer(j):
        return paced("create", write_interval,
                     lambda k: ("POST", f"/v1/channels/{creator_channel}/messages",
                                create_body([f"other-{j}-{k % 500}"], k)))

    tasks = [asyncio.ensure_future(reader(j)) for j in range(readers)] + \
            [asyncio.ensure_future(writer(j)) for j in range(writers)]
    await asyncio.sleep(baseline_s)
    admin = hc.Client(port, AUTH)
    t_bulk0 = perf_counter()
    r = await admin.request("POST", f"/v1/channels/{channel}/messages/bulk/read", {"user_ids": [user]}, timeout=120)
    t_post = r.t_done
    op = r.json()
    result = {"post_status": r.status, "post_ms": round((t_post - t_bulk0) * 1000, 2),
              "estimated_total_rows": op.get("estimated_total_rows")}
    trajectory = []
    status_lat = []
    while op.get("status") in ("queued", "processing") and perf_counter() - t_bulk0 < max_bulk_s:
        await asyncio.sleep(0.02)
        t = perf_counter()
        s = await admin.request("GET", f"/v1/bulk_operations/{op['id']}", timeout=60)
        status_lat.append(s.t_done - t)
        op = s.json()
        trajectory.append((round(s.t_done - t_bulk0, 3), op.get("processed_rows")))
    t_bulk1 = perf_counter()
    await asyncio.sleep(after_s)
    stop.set()
    await asyncio.gather(*tasks)
    feed = await admin.request("GET", f"/v1/users/{user}/feeds/{channel}?mark_seen=false&page_size=1")
    admin.close()
    result.update({"final_status": op.get("status"), "processed_rows": op.get("processed_rows"),
                   "duration_s": round(t_bulk1 - t_bulk0, 3),
                   "load": f"{readers} readers every {read_interval * 1000:.0f} ms, {writers} creators every "
                           f"{write_interval * 1000:.0f} ms",
                   "server_inserted_at": op.get("inserted_at"), "server_completed_at": op.get("completed_at"),
                   "unread_after": feed.json()["meta"]["unread_count"] if feed.status == 200 else None,
                   "status_request_ms": stats_ms(status_lat), "trajectory": trajectory[::max(1, len(trajectory) // 40)]})
    for kind in ("feed_read", "create", "all"):
        chosen = [s for s in samples if kind == "all" or s[0] == kind]
        during = [s for s in chosen if s[1] < t_bulk1 and s[2] > t_bulk0]
        before = [s for s in chosen if s[2] <= t_bulk0]
        result[kind] = {
            "baseline": stats_ms([s[2] - s[1] for s in before]),
            "during": stats_ms([s[2] - s[1] for s in during]),
            "during_over_50ms": sum(1 for s in during if s[2] - s[1] > 0.050),
            "during_non_2xx": sum(1 for s in during if not 200 <= s[3] < 300),
        }
    return result


async def channel_bulk(srv, channel, max_s=600.0):
    admin = hc.Client(srv.port, AUTH)
    t0 = perf_counter()
    r = await admin.request("POST", f"/v1/channels/{channel}/messages/bulk/read", {}, timeout=120)
    op = r.json()
    result = {"post_status": r.status, "post_ms": round((r.t_done - t0) * 1000, 2),
              "estimated_total_rows": op.get("estimated_total_rows")}
    trajectory = []
    while op.get("status") in ("queued", "processing") and perf_counter() - t0 < max_s:
        await asyncio.sleep(0.1)
        s = await admin.request("GET", f"/v1/bulk_operations/{op['id']}", timeout=60)
        op = s.json()
        trajectory.append((round(s.t_done - t0, 3), op.get("processed_rows")))
    t1 = perf_counter()
    admin.close()
    rows = op.get("processed_rows") or 0
    result.update({"final_status": op.get("status"), "processed_rows": rows, "seconds": round(t1 - t0, 3),
                   "rows_per_s": round(rows / (t1 - t0), 1),
                   "server_inserted_at": op.get("inserted_at"), "server_completed_at": op.get("completed_at"),
                   "trajectory": trajectory[::max(1, len(trajectory) // 40)]})
    return result


# ---------------------------------------------------------------- phases

async def phase_poll(args, out):
    """Fan-out (Tidings vs Nchan, interleaved), memory per waiting poll, single-poll latency."""
    tid = servers.Tidings(args.tidings, API_KEY).start()
    nchan = servers.Nchan().start() if not args.no_nchan else None
    out["poll_server"] = {"tidings_command": " ".join(tid.command).replace(API_KEY, "KEY"),
                          "nchan_command": " ".join(nchan.command) if nchan else None}
    try:
        big, small = args.fanout_big, args.fanout_small
        users_big = [f"fan-{i}" for i in range(big)]
        t = perf_counter()
        log(f"fetching {big} cursors")
        cursors = await fetch_cursors(tid.port, users_big)
        out["cursor_fetch_seconds"] = round(perf_counter() - t, 2)
        out["rss_idle_kib"] = {"tidings": tid.rss_kib(), "nchan_worker": nchan.rss_kib() if nchan else None}
        for label, n, reps in (("big", big, args.reps_big), ("small", small, args.reps_small)):
            runs = []
            for rep in range(reps):
                first = label == "big" and rep == 0
                quiet_t = await wait_quiet(f"tidings fan-out {n}")
                log(f"fan-out {n}: tidings rep {rep + 1}/{reps}")
                tr = await tidings_fanout(tid, users_big[:n], cursors, measure_memory=first,
                                          perf_dir=args.perf if first else None)
                log(f"  tidings: last {tr['last_ms']} ms, median {tr['median_ms']} ms, lost {tr['lost']}, "
                    f"answered {tr['answered']}/{n}, cpu server {tr['server_cpu_s']} s client {tr['client_cpu_s']} s" + (f", {tr['kib_per_poll']} KiB/poll" if first else ""))
                nr = None
                if nchan:
                    await asyncio.sleep(1.0)
                    quiet_n = await wait_quiet(f"nchan fan-out {n}")
                    log(f"fan-out {n}: nchan rep {rep + 1}/{reps}")
                    nr = await nchan_fanout(nchan, n, f"fan{label}{rep}", measure_memory=first)
                    log(f"  nchan:   last {nr['last_ms']} ms, median {nr['median_ms']} ms, lost {nr['lost']}, "
                        f"cpu server {nr['server_cpu_s']} s client {nr['client_cpu_s']} s"
                        + (f", {nr['kib_per_poll']} KiB/subscriber" if first else ""))
                tr["machine_before"] = quiet_t
                if nr:
                    nr["machine_before"] = quiet_n
                runs.append({"tidings": tr, "nchan": nr})
                await asyncio.sleep(1.0)
            out[f"fanout_{n}"] = runs
        out["machine_before_single"] = await wait_quiet("single poll")
        log(f"single poll: tidings x{args.single_reps}")
        out["single_tidings"] = await tidings_single(tid, args.single_reps)
        log(f"  {out['single_tidings']['poll_answer']}")
        if nchan:
            log(f"single poll: nchan x{args.single_reps}")
            out["single_nchan"] = await nchan_single(nchan, args.single_reps, "single")
            log(f"  {out['single_nchan']['poll_answer']}")
        out["rss_end_kib"] = {"tidings": tid.rss_kib(), "nchan_worker": nchan.rss_kib() if nchan else None}
        out["poll_server_log_tail"] = tid.log_tail()
        log(f"shutdown: SIGTERM with {big} polls waiting")
        out["shutdown"] = await tidings_shutdown(tid, users_big, cursors)
        sd = out["shutdown"]
        log(f"  answered {sd['answered']}/{big} {sd['statuses']}, last {sd['last_ms']} ms, exit {sd['exit_code']} "
            f"after {sd['exit_s']} s")
    finally:
        tid.stop()
        if nchan:
            nchan.stop()
        out["poll_server_exit"] = {"tidings": getattr(tid, "exit_code", None),
                                   "nchan": getattr(nchan, "exit_code", None) if nchan else None}


async def phase_bulk(args, out):
    """Ingest (1,000-recipient and single), feed reads, mark-all-read under load, channel-wide bulk."""
    tid = servers.Tidings(args.tidings, API_KEY).start()
    out["bulk_server"] = {"tidings_command": " ".join(tid.command).replace(API_KEY, "KEY")}
    try:
        wide_users = [f"w-{i}" for i in range(1000)]
        log(f"ingest: {args.wide_requests} creates x 1000 recipients on channel 'wide', 4 clients")
        out["machine_before_ingest"] = await wait_quiet("ingest")
        perf = await Perf(args.perf, "ingest-1000-early", tid.proc.pid).start()
        perf_late = await Perf(args.perf, "ingest-1000-late", tid.proc.pid).start(delay=args.perf_late_ingest)
        out["ingest_1000"] = await ingest_multi(tid, "wide", wide_users, args.wide_requests, 4)
        await perf.stop()
        await perf_late.stop()
        log(f"  {out['ingest_1000']['items_per_s']} messages/s, {out['ingest_1000']['requests_per_s']} creates/s")
        if not args.bulk_only:
            log("ingest: single-recipient creates to distinct users, 32 clients")
            out["ingest_single"] = await ingest_single(tid, "ingest", lambda k: f"s-{k}", args.single_creates, 32, 60)
            log(f"  {out['ingest_single']['requests_per_s']} creates/s")
        log(f"setup: {args.big_feed} single-recipient creates to one user (bulk-user), 32 clients")
        out["setup_big_feed"] = await ingest_single(tid, CHANNEL, lambda k: "bulk-user", args.big_feed, 32, 600)
        log(f"  {out['setup_big_feed']['requests_per_s']} creates/s, {out['setup_big_feed']['ok']} created")
        if not args.bulk_only:
            out["machine_before_reads"] = await wait_quiet("feed reads")
            log("feed reads: Hummingbird hello (tidings-hello), /healthz, 1k-message feed, big feed (page 50, "
                "mark_seen=false), 8 clients, 5 s each in five 1-s turns, round-robin")
            big_feed = "/v1/users/bulk-user/feeds/in-app?mark_seen=false&page_size=50"
            hello = servers.Hello(args.hello).start()
            try:
                out["feed_reads"] = await interleaved_reads([
                    ("hello", hello, "/hello", {}),
                    ("healthz", tid, "/healthz", {}),
                    ("feed_1k", tid, "/v1/users/w-0/feeds/wide?mark_seen=false&page_size=50", AUTH),
                    ("feed_big", tid, big_feed, AUTH),
                ])
            finally:
                hello.stop()
            if args.perf:  # a profile of the big feed's reads alone, after the measured turns
                perf = await Perf(args.perf, "feed-read-big", tid.proc.pid).start()
                await closed_loop(tid.port, 8, lambda k: ("GET", big_feed, None), 10_000_000, 5)
                await perf.stop()
            for k, v in out["feed_reads"].items():
                log(f"  {k}: {v['requests_per_s']} req/s, p99 {v['latency_ms'].get('p99')} ms")
        log("mark-all-read of bulk-user while 4 clients read feeds (each every 20 ms) and 2 create (every 50 ms)")
        out["machine_before_bulk_user"] = await wait_quiet("mark-all-read")
        paths = [f"/v1/users/w-{i}/feeds/wide?mark_seen=false&page_size=50" for i in range(0, 1000, 7)]
        out["bulk_user"] = await bulk_under_load(tid, "bulk-user", CHANNEL, paths, "load")
        b = out["bulk_user"]
        log(f"  bulk {b['final_status']} {b['processed_rows']} rows in {b['duration_s']} s; reads during: "
            f"{b['feed_read']['during']}; creates during: {b['create']['during']}")
        log("channel-wide bulk read over channel 'wide'")
        out["machine_before_bulk_channel"] = await wait_quiet("channel-wide bulk")
        perf = await Perf(args.perf, "bulk-channel", tid.proc.pid).start()
        out["bulk_channel"] = await channel_bulk(tid, "wide")
        await perf.stop()
        c = out["bulk_channel"]
        log(f"  {c['final_status']} {c['processed_rows']} rows in {c['seconds']} s = {c['rows_per_s']} rows/s")
        out["bulk_server_rss_end_kib"] = tid.rss_kib()
        out["bulk_server_db_bytes"] = sum(
            os.path.getsize(os.path.join(tid.dir, "data", f)) for f in os.listdir(os.path.join(tid.dir, "data")))
        out["bulk_server_log_tail"] = tid.log_tail()
    finally:
        tid.stop()
        out["bulk_server_exit"] = getattr(tid, "exit_code", None)


# ---------------------------------------------------------------- report

def machine_info(binary):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as error:
            return f"({error})"
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f.readline().split(":")[1].strip()
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
            "swift": run(["swift", "--version"]).splitlines()[0] if run(["which", "swift"]) else None,
            "nginx": run(["/usr/sbin/nginx", "-v"]) or subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True,
                                                                       text=True).stderr.strip(),
            "nchan": run(["dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-nchan"]),
            "python": platform.python_version(), "event_loop": type(asyncio.get_event_loop_policy()).__module__,
            "tidings_binary": os.path.abspath(binary),
            "git_head": run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "log", "-1", "--format=%h %s"]),
            "git_dirty_sources": run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "status", "--short",
                                      "--", "../Sources", "../Package.swift"]).splitlines(),
            "binary_mtime": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(binary))), "loadavg_start": open("/proc/loadavg").read().strip(),
            "fd_limit": resource.getrlimit(resource.RLIMIT_NOFILE)}


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, float):
        v = round(v, 2)
    return f"{v}{unit}"


def summary(out):
    rows = summary_rows(out)
    width = [max(len(str(r[i])) for r in rows + [("what", "measured", "target", "met")]) for i in range(4)]
    lines = []
    for r in [("what", "measured", "target", "met")] + rows:
        lines.append("  ".join(str(r[i]).ljust(width[i]) for i in range(4)).rstrip())
    return "\n".join(lines)


def summary_rows(out):
    """(what, measured, target, met) for every headline figure of a results dict."""
    rows = []

    def row(what, value, target, ok=None):
        mark = "" if ok is None else ("yes" if ok else "NO")
        rows.append((what, value, target, mark))

    for key, target_ratio, label in (("fanout_%d" % out.get("_big", 10000), 1.0, "fan-out %d"),
                                     ("fanout_%d" % out.get("_small", 1000), 2.0, "fan-out %d")):
        runs = out.get(key)
        if not runs:
            continue
        n = runs[0]["tidings"]["n"]
        t_last = [r["tidings"]["last_ms"] for r in runs if r["tidings"]["last_ms"] is not None]
        t_med = [r["tidings"]["median_ms"] for r in runs if r["tidings"]["median_ms"] is not None]
        lost = sum(r["tidings"]["lost"] + r["tidings"]["closed_without_answer"] + r["tidings"]["empty_answers"]
                   for r in runs)
        row(f"fan-out {n}: Tidings last answer", fmt(median(t_last), " ms") + f" (median of {len(runs)} runs)", "",
            None)
        row(f"fan-out {n}: Tidings median answer", fmt(median(t_med), " ms"), "", None)
        if runs[0]["nchan"]:
            n_last = [r["nchan"]["last_ms"] for r in runs if r["nchan"]["last_ms"] is not None]
            ratios = [r["tidings"]["last_ms"] / r["nchan"]["last_ms"] for r in runs
                      if r["tidings"]["last_ms"] and r["nchan"]["last_ms"]]
            row(f"fan-out {n}: Nchan last delivery (same runs)", fmt(median(n_last), " ms"), "", None)
            limit = "<= 1.0x (never > 1.5x)" if target_ratio == 1.0 else "<= 2x"
            ok = bool(ratios) and median(ratios) <= target_ratio and (target_ratio != 1.0 or max(ratios) <= 1.5)
            row(f"fan-out {n}: ratio Tidings/Nchan, last (median; worst)",
                f"{median(ratios):.2f}x; {max(ratios):.2f}x" if ratios else "-", limit, ok)
        row(f"fan-out {n}: lost answers (all runs)", str(lost), "0", lost == 0)
    first = (out.get("fanout_%d" % out.get("_big", 10000)) or [{}])[0]
    if first.get("tidings", {}).get("kib_per_poll") is not None:
        kib = first["tidings"]["kib_per_poll"]
        row("memory per waiting poll (RSS growth)", f"{kib} KiB ({first['tidings']['n']} polls)", "<= 10 KiB",
            kib <= 10)
        if first.get("nchan"):
            row("  Nchan, same client, same run", f"{first['nchan']['kib_per_poll']} KiB", "(10.0 KiB)", None)
    st = out.get("single_tidings")
    if st:
        p = st["poll_answer"]
        row("single poll publish->answer, median", fmt(p.get("median"), " ms") + f" ({p.get('n')} reps)", "<= 1 ms",
            p.get("median") is not None and p["median"] <= 1)
        row("single poll publish->answer, p99", fmt(p.get("p99"), " ms"), "<= 5 ms",
            p.get("p99") is not None and p["p99"] <= 5)
    sn = out.get("single_nchan")
    if sn:
        p = sn["poll_answer"]
        row("  Nchan single, median / p99", f"{fmt(p.get('median'))} / {fmt(p.get('p99'))} ms", "(0.28 / 1.2 ms)", None)
    sd = out.get("shutdown")
    if sd:
        ok = sd["answered"] == sd["n"] and {str(k) for k in sd["statuses"]} == {"200"}
        row("SIGTERM with polls waiting: all answered 200, exit 0, time to exit",
            f"{sd['answered']}/{sd['n']} answered, last {fmt(sd['last_ms'])} ms, exit {sd['exit_code']} after "
            f"{fmt(sd['exit_s'])} s", "all 200, exit 0 within a few s",
            ok and sd["exit_code"] == 0 and (sd["exit_s"] or 99) <= 5)
    ing = out.get("ingest_1000")
    if ing:
        row("ingest, 1,000-recipient creates (4 clients)", f"{ing['items_per_s']} msg/s", ">= 20,000 msg/s",
            ing["items_per_s"] >= 20000)
    ing = out.get("ingest_single")
    if ing:
        row("ingest, single-recipient creates (32 clients)", f"{ing['requests_per_s']} creates/s", ">= 3,000/s",
            ing["requests_per_s"] >= 3000)
    fr = out.get("feed_reads")
    if fr:
        h, big, small = fr["hello"], fr["feed_big"], fr["feed_1k"]
        share = big["requests_per_s"] / h["requests_per_s"] if h["requests_per_s"] else 0
        row("feed read, page 50, big feed: req/s vs Hummingbird hello", f"{big['requests_per_s']} vs "
            f"{h['requests_per_s']} ({share * 100:.0f} %)", ">= 25 %", share >= 0.25)
        if "healthz" in fr:
            hz = fr["healthz"]["requests_per_s"]
            row("  the same vs Tidings' /healthz", f"{big['requests_per_s']} vs {hz} "
                f"({(big['requests_per_s'] / hz if hz else 0) * 100:.0f} %)", "", None)
        row("feed read, big feed, p99 at 8 connections", fmt(big["latency_ms"].get("p99"), " ms"), "<= 10 ms",
            (big["latency_ms"].get("p99") or 1e9) <= 10)
        ratio = small["requests_per_s"] / big["requests_per_s"] if big["requests_per_s"] else 0
        row("feed read req/s: 1k-message feed / big feed", f"{ratio:.2f}x", "(1M vs 1k within 20 %)", None)
    b = out.get("bulk_user")
    if b:
        row("mark-all-read of one user's unread: duration", f"{b['duration_s']} s for "
            f"{b.get('estimated_total_rows')} rows ({b['final_status']})", "completes", b["final_status"] == "completed")
        d = b["all"]["during"]
        row("  other requests during it: median / p99 / max",
            f"{fmt(d.get('median'))} / {fmt(d.get('p99'))} / {fmt(d.get('max'))} ms", "none > 50 ms; p99 <= 50 ms",
            (d.get("max") or 0) <= 50)
        row("  of which > 50 ms", f"{b['all']['during_over_50ms']} of {d.get('n')}", "0",
            b["all"]["during_over_50ms"] == 0)
    c = out.get("bulk_channel")
    if c:
        row("channel-wide bulk read", f"{c['rows_per_s']} rows/s ({c.get('estimated_total_rows')} rows, "
            f"{c['final_status']}, {c['seconds']} s)", ">= 100,000 rows/s", c["rows_per_s"] >= 100000)
    return rows


async def amain(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "args": vars(args), "_big": args.fanout_big,
           "_small": args.fanout_small}
    out["machine"] = machine_info(args.tidings)
    QUIET["max_wait"] = args.quiet_wait
    phases = args.only.split(",")
    t0 = perf_counter()
    try:
        if "poll" in phases:
            out["loadavg_poll_phase"] = open("/proc/loadavg").read().strip()
            await asyncio.wait_for(phase_poll(args, out), args.phase_timeout)
        if "bulk" in phases:
            out["loadavg_bulk_phase"] = open("/proc/loadavg").read().strip()
            await asyncio.wait_for(phase_bulk(args, out), args.phase_timeout)
    finally:
        out["total_seconds"] = round(perf_counter() - t0, 1)
        out["loadavg_end"] = open("/proc/loadavg").read().strip()
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1, default=str)
        log(f"results written to {args.out} ({out['total_seconds']} s)")
    print()
    print(summary(out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tidings", default=".build-release/release/tidings", help="the tidings binary")
    p.add_argument("--hello", help="the tidings-hello binary, Hummingbird's plain-HTTP ceiling (default: next to "
                   "--tidings)")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "latest.json"))
    p.add_argument("--only", default="poll,bulk", help="phases: poll (fan-out, memory, single), bulk (ingest, reads, bulk)")
    p.add_argument("--no-nchan", action="store_true", help="skip the Nchan comparison")
    p.add_argument("--uvloop", action="store_true", help="run the client on uvloop instead of asyncio's loop")
    p.add_argument("--perf", metavar="DIR", help="profile the server with perf during the first 10k fan-out, the "
                   "big-feed reads, the 1,000-recipient ingest and the channel-wide bulk; reports go to DIR")
    p.add_argument("--quiet-wait", type=float, default=60.0, metavar="S",
                   help="before each measurement wait up to S seconds for the shared machine to go idle (0: don't)")
    p.add_argument("--perf-late-ingest", type=float, default=120.0, metavar="S",
                   help="with --perf: also profile the 1,000-recipient ingest from S seconds in (a big database)")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke test of the harness")
    p.add_argument("--fanout-big", type=int, default=10000)
    p.add_argument("--fanout-small", type=int, default=1000)
    p.add_argument("--reps-big", type=int, default=3)
    p.add_argument("--reps-small", type=int, default=5)
    p.add_argument("--single-reps", type=int, default=300)
    p.add_argument("--wide-requests", type=int, default=1000, help="1,000-recipient creates on channel 'wide'")
    p.add_argument("--single-creates", type=int, default=30000, help="cap of the single-recipient ingest run")
    p.add_argument("--big-feed", type=int, default=100000, help="messages in bulk-user's feed")
    p.add_argument("--phase-timeout", type=float, default=1800.0)
    p.add_argument("--bulk-only", action="store_true",
                   help="bulk phase: only its setup (1,000-recipient ingest, big feed) and the two bulk operations")
    args = p.parse_args()
    if args.quick:
        args.fanout_big, args.fanout_small, args.reps_big, args.reps_small = 2000, 200, 1, 2
        args.single_reps, args.wide_requests, args.single_creates, args.big_feed = 30, 20, 2000, 6000
    if not os.access(args.tidings, os.X_OK):
        sys.exit(f"no tidings binary at {args.tidings}; build it with "
                 "swift build -c release --product tidings --scratch-path .build-release")
    args.hello = args.hello or os.path.join(os.path.dirname(args.tidings), "tidings-hello")
    if "bulk" in args.only and not args.bulk_only and not os.access(args.hello, os.X_OK):
        sys.exit(f"no tidings-hello binary at {args.hello}; build it with "
                 "swift build -c release --product tidings-hello --scratch-path .build-release")
    if args.uvloop:
        import uvloop  # pip install uvloop; not used by default (issue 8's Nchan figures used plain asyncio)
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(amain(args))


if __name__ == "__main__":
    main()
