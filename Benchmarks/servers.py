"""Start and stop the servers under test: a Tidings release binary and an nginx + Nchan.

Each server gets a fresh temporary directory, listens on 127.0.0.1 only, runs in its own
session, and is stopped by the pid this module started (SIGTERM, then SIGKILL after a
grace period). `stop_all()` runs at exit and on SIGINT/SIGTERM.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_started = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    """Whether something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def rss_kib(pid):
    """VmRSS of a process, in KiB, from /proc/PID/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); look at its state
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class Server:
    name = "server"

    def __init__(self):
        self.proc = None
        self.dir = None
        self.port = None
        self.extra_pids = []

    def _launch(self, command, log):
        """Starts `command` in a session of its own, its output to `log`; stop_all() stops it."""
        self.command = command
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        _started.append(self)

    def stop(self, grace=15.0):
        if self.proc is None:
            return
        pids = [self.proc.pid] + list(self.extra_pids) + children(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for pid in pids[1:]:
            deadline = time.time() + 5
            while _alive(pid) and time.time() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.exit_code = self.proc.returncode
        self.proc = None
        if self.dir and os.environ.get("BENCH_KEEP_DATA") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        if self in _started:
            _started.remove(self)


class Tidings(Server):
    name = "tidings"

    def __init__(self, binary, api_key, max_polls=20000, max_polls_per_user=16):
        super().__init__()
        self.binary = binary
        self.api_key = api_key
        self.max_polls = max_polls
        self.max_polls_per_user = max_polls_per_user

    def start(self, timeout=60.0):
        self.dir = tempfile.mkdtemp(prefix="tidings-bench-")
        data = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "server.log")
        log = open(self.log_path, "wb")
        self._launch([self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data,
                      "--api-key", self.api_key, "--max-polls", str(self.max_polls),
                      "--max-polls-per-user", str(self.max_polls_per_user)], log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
            m = re.search(r"tidings listening on http://127\.0\.0\.1:(\d+)", text)
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"tidings exited with {self.proc.returncode}:\n{text}")
            time.sleep(0.02)
        raise RuntimeError("tidings did not say it was listening within %.0f s" % timeout)

    def rss_kib(self):
        return rss_kib(self.proc.pid)

    def cpu_seconds(self):
        return cpu_seconds(self.proc.pid)

    def log_tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace").splitlines()[-n:]
        except OSError:
            return []


class Hello(Server):
    """Hummingbird's plain-HTTP ceiling (`tidings-hello`, Benchmarks/Hello): one route, `GET /hello`."""
    name = "hello"

    def __init__(self, binary):
        super().__init__()
        self.binary = binary

    def start(self, timeout=20.0):
        self.dir = tempfile.mkdtemp(prefix="hello-bench-")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        self._launch([self.binary, str(self.port)], open(self.log_path, "wb"))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                with open(self.log_path) as f:
                    raise RuntimeError(f"tidings-hello exited with {self.proc.returncode}: {f.read()}")
            if accepts(self.port):
                return self
            time.sleep(0.02)
        raise RuntimeError("tidings-hello did not start")

    def cpu_seconds(self):
        return cpu_seconds(self.proc.pid)


class Nchan(Server):
    name = "nchan"

    def __init__(self, nginx="/usr/sbin/nginx", module="/usr/lib/nginx/modules/ngx_nchan_module.so"):
        super().__init__()
        self.nginx = nginx
        self.module = module

    def start(self, timeout=20.0):
        self.dir = tempfile.mkdtemp(prefix="nchan-bench-")
        self.port = free_port()
        with open(os.path.join(HERE, "nchan.conf.in")) as f:
            conf = f.read()
        conf = conf.replace("@MODULE@", self.module).replace("@PORT@", str(self.port)).replace("@DIR@", self.dir)
        path = os.path.join(self.dir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.log_path = os.path.join(self.dir, "error.log")
        self._launch([self.nginx, "-p", self.dir, "-c", path, "-g", "daemon off;"],
                     open(os.path.join(self.dir, "stderr.log"), "wb"))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                with open(os.path.join(self.dir, "stderr.log")) as f:
                    raise RuntimeError(f"nginx exited with {self.proc.returncode}: {f.read()}")
            workers = children(self.proc.pid)
            if workers and accepts(self.port):
                self.extra_pids = workers
                return self
            time.sleep(0.02)
        raise RuntimeError("nginx did not start")

    @property
    def worker_pid(self):
        return self.extra_pids[0]

    def rss_kib(self):
        return rss_kib(self.worker_pid)

    def cpu_seconds(self):
        return cpu_seconds(self.worker_pid)


def stop_all():
    for server in list(_started):
        try:
            server.stop(grace=10.0)
        except Exception as error:  # keep stopping the others
            print(f"stopping {server.name}: {error}")


def _on_signal(signum, frame):
    stop_all()
    raise SystemExit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)
