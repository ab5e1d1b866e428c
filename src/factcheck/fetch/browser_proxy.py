"""The address guard for a browser: a small forward proxy every request of a rendered page
goes through.

A browser told to use it (`--proxy-server`, loopback not bypassed) sends each request here
with the host name unresolved: `CONNECT host:443` for https, `GET http://host/path` for http.
The proxy resolves the name once, asks the guard about every address it resolved to
(`guard.refusal_for_url`, `guard.address_refusal`), and connects to the address it checked,
so there is no window between the check and the connection for a DNS answer to change
(rebinding). Anything else (other methods in origin form, other schemes, a request head that
is too long or too slow) is refused. A refusal is answered 403 and remembered in `refused`.

One request per connection for plain http (the request goes upstream with
`Connection: close`): a browser's next request, perhaps to another host, comes on a new
connection and is checked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from factcheck.fetch.guard import address_refusal, host_allowed, refusal_for_url

HEAD_LIMIT = 64 * 1024  # bytes of request line and header fields
HEAD_TIMEOUT = 10.0  # seconds for the browser to send a request head
CONNECT_TIMEOUT = 10.0  # seconds to resolve and connect upstream
_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization", b"te"}
)


class Refused(Exception):
    """The guard (or the proxy's own rules) refuses this request; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where one proxied request goes: host and port as the browser named them."""

    host: str
    port: int
    scheme: str  # "https" for a CONNECT tunnel, "http" for a forwarded request

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}/"


@dataclass
class GuardedProxy:
    """A forward proxy on 127.0.0.1 that lets through only what the address guard allows.

    Use as `async with GuardedProxy(allow_private, allow_hosts) as proxy:` and point the
    browser at `proxy.address` ("127.0.0.1:PORT"). `refused` lists "host:port: why" for each
    refused request; `requests` counts the requests let through.
    """

    allow_private: bool = False
    allow_hosts: Collection[str] = ()
    refused: list[str] = field(default_factory=list)
    requests: int = 0
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def __aenter__(self) -> GuardedProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=HEAD_LIMIT)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def address(self) -> str:
        """`127.0.0.1:PORT`, for the browser's --proxy-server."""
        assert self._server is not None, "use the proxy as an async context manager"
        port = self._server.sockets[0].getsockname()[1]
        return f"127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the browser or the server went away, or sent nonsense: nothing to answer
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async with asyncio.timeout(HEAD_TIMEOUT):
            head = await reader.readuntil(b"\r\n\r\n")
        try:
            method, target, rest = parse_head(head)
            upstream = await self._open(target)
        except Refused as refusal:
            self.refused.append(str(refusal))
            await _answer(writer, 403, f"refused by factcheck's address guard: {refusal}")
            return
        self.requests += 1
        up_reader, up_writer = upstream
        if method == b"CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            up_writer.write(rest)
        await _relay(reader, writer, up_reader, up_writer)

    async def _open(self, target: Target) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Resolve the target once, check every address, connect to the one checked."""
        where = f"{target.host}:{target.port}"
        refusal = refusal_for_url(target.url, self.allow_private, self.allow_hosts)
        if refusal:
            raise Refused(f"{where}: {refusal}")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
                address = self._checked_address(target, [str(i[4][0]) for i in infos])
                return await asyncio.open_connection(address, target.port)
        except (OSError, TimeoutError) as exc:
            raise Refused(f"{where}: cannot connect ({exc.__class__.__name__})") from exc

    def _checked_address(self, target: Target, addresses: list[str]) -> str:
        """The first resolved address, once the guard passes every one of them."""
        if not addresses:
            raise Refused(f"{target.host}: resolves to no address")
        if self.allow_private or host_allowed(target.host, target.port, self.allow_hosts):
            return addresses[0]
        for address in addresses:
            refusal = address_refusal(address)
            if refusal:
                raise Refused(f"{target.host}:{target.port}: resolves to {refusal}")
        return addresses[0]


def parse_head(head: bytes) -> tuple[bytes, Target, bytes]:
    """(method, target, the request head to send upstream) of a proxy request head.

    Refuses what is not `CONNECT host:port` or a request for an absolute `http://` URL.
    """
    line, _, fields = head.partition(b"\r\n")
    parts = line.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        raise Refused("not an HTTP/1 proxy request")
    method, uri, version = parts
    text = uri.decode("ascii", "replace")
    if method == b"CONNECT":
        return method, _authority(text), b""
    split = urlsplit(text)
    if split.scheme != "http" or not split.hostname:
        raise Refused(f"only http and https are proxied, not {text[:80]!r}")
    target = Target(split.hostname, split.port or 80, "http")
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    upstream = b" ".join((method, path.encode("ascii", "replace"), version))
    kept = [f for f in fields.split(b"\r\n") if f and _field_name(f) not in _HOP_BY_HOP]
    return method, target, b"\r\n".join([upstream, *kept, b"Connection: close", b"", b""])


def _authority(text: str) -> Target:
    """host:port of a CONNECT request (IPv6 in brackets)."""
    split = urlsplit(f"//{text}")
    try:
        port = split.port
    except ValueError:
        port = None
    if not split.hostname or port is None:
        raise Refused(f"bad CONNECT target {text[:80]!r}")
    return Target(split.hostname, port, "https")


def _field_name(field_line: bytes) -> bytes:
    return field_line.split(b":", 1)[0].strip().lower()


async def _answer(writer: asyncio.StreamWriter, status: int, text: str) -> None:
    body = text.encode("utf-8", "replace")
    writer.write(
        f"HTTP/1.1 {status} Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("ascii")
        + body
    )
    with contextlib.suppress(OSError):
        await writer.drain()


async def _relay(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    """Copy bytes both ways until either side closes, then close both."""
    pipes = {
        asyncio.ensure_future(_pipe(reader, up_writer)),
        asyncio.ensure_future(_pipe(up_reader, writer)),
    }
    try:
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pipe in pipes:
            pipe.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)
        up_writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while chunk := await source.read(64 * 1024):
            sink.write(chunk)
            await sink.drain()
