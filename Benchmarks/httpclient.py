"""A minimal HTTP/1.1 client on asyncio Protocols, for load generation on loopback.

Why not aiohttp: with 10,000 concurrent long polls the Python client shares the two
cores with the server under test, so every microsecond per response counts. A bare
Protocol parses a response in `data_received` and stamps the time the last byte
arrived there, before any task is scheduled, so the recorded time is as close to the
wire as Python gets. It speaks only what the benchmarks need: one request at a time
per connection, keep-alive, Content-Length or chunked bodies, or a body that ends at
close.
"""

import asyncio
import json
from time import perf_counter


class Response:
    __slots__ = ("status", "headers", "body", "t_done")

    def __init__(self, status, headers, body, t_done):
        self.status = status
        self.headers = headers
        self.body = body
        self.t_done = t_done

    def json(self):
        return json.loads(self.body)


class Conn(asyncio.Protocol):
    """One connection. `send(raw)` returns a future that resolves to a Response, or
    raises ConnectionError when the peer closes before a full response arrived."""

    def __init__(self):
        self.transport = None
        self.buf = bytearray()
        self.fut = None
        self.closed = False
        self._head = None  # (status, headers, body_start)

    # asyncio.Protocol
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        if self.fut is not None:
            self._parse()

    def eof_received(self):
        return False  # close our side too

    def connection_lost(self, exc):
        self.closed = True
        if self.fut is not None and not self.fut.done():
            self._parse(at_close=True)
            if not self.fut.done():
                self.fut.set_exception(ConnectionError("connection closed before a full response"))

    # client side
    def send(self, raw):
        if self.closed:
            raise ConnectionError("connection is closed")
        self.fut = asyncio.get_running_loop().create_future()
        self._head = None
        self.transport.write(raw)
        return self.fut

    def close(self):
        if self.transport is not None and not self.closed:
            self.transport.close()

    def _finish(self, status, headers, body):
        fut = self.fut
        self.fut = None
        self._head = None
        if not fut.done():
            fut.set_result(Response(status, headers, body, perf_counter()))

    def _parse(self, at_close=False):
        buf = self.buf
        if self._head is None:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            self._head = (status, headers, end + 4)
        status, headers, start = self._head
        length = headers.get("content-length")
        if length is not None:
            n = int(length)
            if len(buf) - start < n:
                return
            body = bytes(buf[start:start + n])
            del buf[:start + n]
            self._finish(status, headers, body)
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            pos = start
            while True:
                line_end = buf.find(b"\r\n", pos)
                if line_end < 0:
                    return
                size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
                if size == 0:  # no trailers: the last chunk is followed by one empty line
                    if len(buf) < line_end + 4:
                        return
                    del buf[:line_end + 4]
                    self._finish(status, headers, bytes(body))
                    return
                if len(buf) < line_end + 2 + size + 2:
                    return
                body += buf[line_end + 2:line_end + 2 + size]
                pos = line_end + 2 + size + 2
        elif status in (204, 304) or 100 <= status < 200:
            del buf[:start]
            self._finish(status, headers, b"")
        elif at_close:
            body = bytes(buf[start:])
            del buf[:]
            self._finish(status, headers, body)


def request_bytes(method, path, host, headers=None, body=None):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if headers:
        for k, v in headers.items():
            lines.append(f"{k}: {v}")
    if body is not None:
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode()
            lines.append("Content-Type: application/json")
        elif isinstance(body, str):
            body = body.encode()
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return raw + body if body else raw


async def connect(port, host="127.0.0.1"):
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(Conn, host, port)
    return proto


class Client:
    """A keep-alive connection that reconnects when the server closed it."""

    def __init__(self, port, headers=None):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.headers = headers or {}
        self.conn = None

    async def request(self, method, path, body=None, headers=None, timeout=60.0):
        h = dict(self.headers)
        if headers:
            h.update(headers)
        raw = request_bytes(method, path, self.host, h, body)
        for attempt in (0, 1):
            if self.conn is None or self.conn.closed:
                self.conn = await connect(self.port)
            try:
                return await asyncio.wait_for(self.conn.send(raw), timeout)
            except ConnectionError:
                self.conn = None
                if attempt:
                    raise
            except asyncio.TimeoutError:
                self.conn.close()
                self.conn = None
                raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
