"""A latency-injecting HTTP server on loopback, posing as several hosts.

One port, bound on 127.0.0.2 ... 127.0.0.(1+H) (Linux routes all of 127/8 to lo), so
clients see H distinct hosts and apply their per-host limits. Every answer to
`GET|HEAD /page/<id>` waits `--latency-ms` (asyncio.sleep: the wait costs no CPU) and then
returns the page from `pages.render`. Prints `READY <port>` on stdout once listening.

    python bench/server.py --hosts 20 --latency-ms 50 --page-kib 60

With `--spec FILE` (written by `web.py`), each host has a latency of its own and each page a
size of its own, every page carries an ETag and a Last-Modified, a conditional request that
matches gets a 304, and `GET /__stats` answers (and resets) the requests seen since the last
call: per request its host, start and end (wall clock), and whether it was a 304.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import sys
import time
from pathlib import Path

from pages import render


def host_addresses(hosts: int) -> list[str]:
    """The loopback addresses the server binds: 127.0.0.2 onwards."""
    if not 1 <= hosts <= 250:
        raise ValueError("hosts must be between 1 and 250")
    return [f"127.0.0.{2 + i}" for i in range(hosts)]


class PageServer(asyncio.Protocol):
    """Minimal HTTP/1.1 with keep-alive: GET and HEAD of /page/<id>, nothing else.

    Hand-written on asyncio.Protocol because aiohttp's server spent about 0.4 ms of CPU per
    60 KiB page, which capped it near 2,500 pages/s on one core: the rate the checkers need.
    The latency is a `call_later` timer, so a waiting request costs no task and no CPU.
    """

    def __init__(self, latency: float, page_bytes: int, spec: WebSpec | None = None) -> None:
        self.latency = latency
        self.page_bytes = page_bytes
        self.spec = spec
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.host = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.host = transport.get_extra_info("sockname")[0]
        if self.spec is not None:
            self.spec.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            loop = asyncio.get_running_loop()
            if self.spec is None:
                loop.call_later(self.latency, self.respond, head)
            else:
                stats = head.startswith(b"GET /__stats ")
                latency = 0.0 if stats else self.spec.latency.get(self.host, self.latency)
                loop.call_later(latency, self.respond, head, time.time())

    def respond(self, head: bytes, started: float = 0.0) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, version = (request_line.split(" ") + ["", "", ""])[:3]
        lowered = [line.lower().replace(" ", "") for line in header_lines]
        close = version == "HTTP/1.0" or "connection:close" in lowered
        extra = ""
        if self.spec is not None:
            if target == "/__stats":
                status, body = "200 OK", self.spec.take_stats()
            else:
                status, body, extra = self.spec.answer(target, lowered)
                self.spec.seen(self.host, started, status)
        else:
            status, body = self.page(target)
        headers = (
            f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n{extra}"
            f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
        ).encode()
        self.transport.write(headers if method == "HEAD" else headers + body)
        if close:
            self.transport.close()

    def page(self, target: str) -> tuple[str, bytes]:
        prefix, _, page_id = target.partition("/page/")
        if prefix or not page_id.isdigit():
            return "404 Not Found", b"<!DOCTYPE html><title>Not found</title>\n"
        return "200 OK", render(int(page_id), self.page_bytes)


class WebSpec:
    """The `web` scenario's hosts and pages (from web.py's spec file), and what was asked."""

    LAST_MODIFIED = "Wed, 01 Jul 2026 12:00:00 GMT"

    def __init__(self, path: Path) -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        pairs = zip(spec["hosts"], spec["latency_ms"], strict=True)
        self.latency = {host: ms / 1000 for host, ms in pairs}
        self.page_bytes: list[int] = spec["page_bytes"]
        self.events: list[tuple[str, float, float, bool]] = []
        self.connections = 0  # TCP connections accepted

    def answer(self, target: str, lowered: list[str]) -> tuple[str, bytes, str]:
        """Status, body and validator headers for `target`; a 304 when the request's
        If-None-Match or If-Modified-Since matches the page's."""
        prefix, _, page_id = target.partition("/page/")
        if prefix or not page_id.isdigit() or int(page_id) >= len(self.page_bytes):
            return "404 Not Found", b"<!DOCTYPE html><title>Not found</title>\n", ""
        size = self.page_bytes[int(page_id)]
        etag = f'"{page_id}-{size}"'
        validators = f"ETag: {etag}\r\nLast-Modified: {self.LAST_MODIFIED}\r\n"
        if f"if-none-match:{etag}" in lowered or (
            f"if-modified-since:{self.LAST_MODIFIED.lower().replace(' ', '')}" in lowered
        ):
            return "304 Not Modified", b"", validators
        return "200 OK", render(int(page_id), size), validators

    def seen(self, host: str, started: float, status: str) -> None:
        self.events.append((host, started, time.time(), status.startswith("304")))

    def take_stats(self) -> bytes:
        events, self.events = self.events, []
        connections, self.connections = self.connections - 1, 0  # this one is the runner's
        return json.dumps({"events": events, "connections": connections}).encode()


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


async def serve(
    hosts: int, port: int, latency: float, page_bytes: int, spec: WebSpec | None = None
) -> None:
    loop = asyncio.get_running_loop()
    addresses = host_addresses(hosts)
    port = port or free_port(addresses[0])
    servers = [
        await loop.create_server(
            lambda: PageServer(latency, page_bytes, spec), address, port, backlog=4096
        )
        for address in addresses
    ]
    print(f"READY {port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for server in servers:
            server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--page-kib", type=float, default=60.0)
    parser.add_argument("--spec", type=Path, help="the web scenario's hosts and pages (web.py)")
    args = parser.parse_args(argv)
    spec = WebSpec(args.spec) if args.spec else None
    try:
        import uvloop  # optional: a faster event loop when installed

        run = uvloop.run
    except ImportError:
        run = asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(args.hosts, args.port, args.latency_ms / 1000, int(args.page_kib * 1024), spec))


if __name__ == "__main__":
    sys.exit(main())
