"""Fuzzing: random and malformed URLs, ports, status lines, headers and bodies through the
real fetcher against a real loopback server, then through the extractors and the matcher.
Whatever a claim file or a server sends, the answer is a FetchResult (and a PageCheck):
no exception escapes.

No name here can reach the internet: hosts are loopback spellings, IP literals, garbage that
does not parse, or names under `.invalid` (reserved, never resolved to anything).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.fetch.client import Fetcher, FetchResult
from factcheck.models import VerifyOptions
from factcheck.quotes.extract import UnreadableContentError, extract
from factcheck.quotes.pagecheck import check_page


class RawSite:
    """A loopback server answering `/r/N` with the raw bytes registered as response N."""

    def __init__(self) -> None:
        self.responses: dict[str, bytes] = {}
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port: int = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="fuzz-site", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                head = conn.recv(65536).split(b"\r\n", 1)[0].split(b" ")
                key = head[1].decode("latin-1") if len(head) > 1 else ""
                conn.sendall(self.responses.get(key, b"HTTP/1.1 404 Not Found\r\n\r\n"))
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture(scope="module")
def raw_site() -> Iterator[RawSite]:
    site = RawSite()
    yield site
    site.close()


def fetch(url: str, allow: str) -> FetchResult:
    options = VerifyOptions(
        allow_hosts=frozenset({allow}), timeout=1, retries=0, max_bytes=64 * 1024
    )

    async def go() -> FetchResult:
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


SPELLINGS = [
    "127.0.0.1", "１２７.０.０.１", "127。0。0。1", "127.1", "2130706433", "0x7f.1", "[::1]",
    "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "169.254.169.254", "[fe80::1%25lo]", "localhost",
    "nothing.invalid", "xn--zz.invalid", "[::1", "a@b@127.0.0.1", "user:pw@127.0.0.1", "",
    "%00.invalid", "\u202e.invalid", "host\x00.invalid",
]  # fmt: skip
PORTS = st.one_of(
    st.integers(min_value=-5, max_value=100_000).map(str), st.sampled_from(["", "abc", "0x50"])
)
PATHS = st.text(max_size=40).map(lambda s: s.replace("#", "%23"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
    host=st.one_of(st.sampled_from(SPELLINGS), st.text(max_size=12).map(lambda s: s + ".invalid")),
    port=PORTS,
    path=PATHS,
)
def test_any_url_ends_as_a_result(scheme: str, host: str, port: str, path: str) -> None:
    url = f"{scheme}://{host}{':' + port if port else ''}/{path}"
    result = fetch(url, allow="127.0.0.1:1")
    assert isinstance(result, FetchResult)
    if result.http_status is None:
        assert result.reason


STATUS_LINES = st.one_of(
    st.sampled_from(
        [b"HTTP/1.1 200 OK", b"HTTP/1.1 302 Found", b"HTTP/1.1 301", b"HTTP/1.0 404 \x1b]0;x\x07",
         b"HTTP/1.1 999 Odd", b"HTTP/1.1 000 Zero", b"HTTP/2 200", b"garbage", b""]
    ),
    st.binary(max_size=30),
)  # fmt: skip
HEADER_NAMES = st.sampled_from(
    ["Content-Type", "Content-Encoding", "Content-Length", "Location", "Refresh", "Retry-After",
     "Transfer-Encoding", "Set-Cookie", "X-Junk"]
)  # fmt: skip
HEADER_VALUES = st.one_of(
    st.sampled_from(
        ["text/html; charset=utf-8", "application/pdf", "text/plain; charset=x-unknown",
         "text/html; charset=utf-7", "gzip", "br", "deflate", "chunked", "0", "99999999",
         "-1", "http://127.0.0.1:99999/", "http://１２７.０.０.１/", "//[::1/", "0; url=/r/0",
         "Wed, 21 Oct 2015 07:28:00 GMT", "1e309"]
    ),
    st.text(max_size=30),
)  # fmt: skip
BODIES = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from([b"%PDF-1.7\n" + bytes(range(256)), b"<html><body>" + b"<div>" * 3000]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=STATUS_LINES,
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=6),
    body=BODIES,
    number=st.integers(min_value=0, max_value=10**9),
)
def test_any_answer_ends_as_a_result_and_a_page_check(
    raw_site: RawSite,
    status: bytes,
    headers: list[tuple[str, str]],
    body: bytes,
    number: int,
) -> None:
    lines = [status, *(f"{k}: {v}".encode("utf-8", "replace") for k, v in headers)]
    raw_site.responses[f"/r/{number}"] = b"\r\n".join(lines) + b"\r\n\r\n" + body
    result = fetch(f"http://127.0.0.1:{raw_site.port}/r/{number}", f"127.0.0.1:{raw_site.port}")
    assert isinstance(result, FetchResult)
    checks = check_page(result, [("a quote that is not there",)])
    assert len(checks) == 1


@settings(max_examples=300, deadline=None)
@given(
    body=BODIES,
    media_type=st.sampled_from(
        ["text/html", "application/xhtml+xml", "application/pdf", "text/plain"]
    ),
    charset=st.one_of(st.none(), st.sampled_from(["utf-8", "latin-1", "x-bogus", "utf-16", ""])),
)
def test_the_extractors_read_or_refuse_any_body(
    body: bytes, media_type: str, charset: str | None
) -> None:
    try:
        page = extract(body, media_type, charset)
    except UnreadableContentError as exc:
        assert str(exc)
    else:
        assert isinstance(page.text, str)
