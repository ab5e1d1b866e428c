"""The address guard for a browser: a small forward proxy every request of a rendered page
goes through.

A browser told to use it (`--proxy-server`, loopback not bypassed) sends each request here
with the host name unresolved: `CONNECT host:443` for https, `GET http://host/path` for http.
The proxy asks the guard about the URL (`Guard.check_url`: scheme, literal addresses in
any spelling, localhost names), resolves the name once with every address it resolves to
checked (`Guard.allowed_address`), connects to that very address and checks the peer it
reached (`Guard.check_peer`), so there is no window between the check and the connection
for a DNS answer to change (rebinding). Anything else (other methods in origin form, other
schemes, a request head that is too long or too slow) is refused. A refusal is answered 403
and remembered in `refused`.

One request per connection for plain http (the request goes upstream with
`Connection: close`): a browser's next request, perhaps to another host, comes on a new
connection and is checked again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from factcheck.fetch.guard import BlockedAddressError, Guard, InvalidURLError

HEAD_LIMIT = 64 * 1024  # bytes of request line and header fields
HEAD_TIMEOUT = 10.0  # seconds for the browser to send a request head
CONNECT_TIMEOUT = 10.0  # seconds to resolve and connect upstream
_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization", b"te"}
)


class Refused(Exception):
    """The guard (or the proxy's own rules) refuses this request; the message says why."""


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

    @property
    def guard(self) -> Guard:
        return Guard(self.allow_private, self.allow_hosts)

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
            method, url, rest = parse_head(head)
            upstream = await self._open(url)
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

    async def _open(self, url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Check `url`, resolve its host once (every address checked), connect to the
        address checked and check the peer reached; raises Refused."""
        guard = self.guard
        try:
            target = guard.check_url(url)
        except (BlockedAddressError, InvalidURLError) as exc:
            raise Refused(f"{_where(url)}: {exc}") from None
        where = f"{target.host}:{target.port}"
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                address = await guard.allowed_address(target.host, target.port)
                reader, writer = await asyncio.open_connection(address, target.port)
        except BlockedAddressError as exc:
            raise Refused(f"{where}: {exc}") from None
        except (OSError, TimeoutError) as exc:
            raise Refused(f"{where}: cannot connect ({exc.__class__.__name__})") from exc
        try:
            guard.check_peer(target.host, target.port, str(writer.get_extra_info("peername")[0]))
        except BlockedAddressError as exc:
            writer.close()
            raise Refused(f"{where}: {exc}") from None
        return reader, writer


def _where(url: str) -> str:
    return urlsplit(url).netloc or url[:80]


def parse_head(head: bytes) -> tuple[bytes, str, bytes]:
    """(method, the URL asked for, the request head to send upstream) of a proxy request.

    Refuses what is not `CONNECT host:port` or a request for an absolute `http://` URL.
    `CONNECT host:port` asks for `https://host:port/`.
    """
    line, _, fields = head.partition(b"\r\n")
    parts = line.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        raise Refused("not an HTTP/1 proxy request")
    method, uri, version = parts
    text = uri.decode("ascii", "replace")
    if method == b"CONNECT":
        if not _has_port(text):
            raise Refused(f"bad CONNECT target {text[:80]!r}")
        return method, f"https://{text}/", b""
    split = urlsplit(text)
    if split.scheme != "http" or not split.netloc:
        raise Refused(f"only http and https are proxied, not {text[:80]!r}")
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    upstream = b" ".join((method, path.encode("ascii", "replace"), version))
    kept = [f for f in fields.split(b"\r\n") if f and _field_name(f) not in _HOP_BY_HOP]
    return method, text, b"\r\n".join([upstream, *kept, b"Connection: close", b"", b""])


def _has_port(authority: str) -> bool:
    """True for `host:port` (`[v6]:port`) with nothing else around it."""
    split = urlsplit(f"//{authority}")
    try:
        port = split.port
    except ValueError:
        return False
    plain = "@" not in authority and split.netloc == authority
    return plain and bool(split.hostname) and port is not None


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
