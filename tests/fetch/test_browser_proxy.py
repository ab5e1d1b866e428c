"""The browser's guarded proxy spoken to directly: what it refuses, and what it forwards.
(tests/render/test_browser_guard.py drives it from real Chromium.)"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from factcheck.demo.server import serve_app
from factcheck.fetch.browser_proxy import GuardedProxy, Refused, parse_head
from tests.render_site import secret_site


@pytest.fixture(scope="module")
def secret() -> Iterator[tuple[str, Counter[str]]]:
    hits: Counter[str] = Counter()
    with serve_app(secret_site(hits)) as base:
        yield base, hits


async def ask(proxy: GuardedProxy, head: str) -> bytes:
    """Send one request head to the proxy; the whole answer."""
    reader, writer = await asyncio.open_connection(*proxy.address.split(":"))
    writer.write(head.encode())
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return answer


def exchange(head: str, allow_hosts: frozenset[str] = frozenset()) -> tuple[bytes, list[str]]:
    async def run() -> tuple[bytes, list[str]]:
        async with GuardedProxy(allow_hosts=allow_hosts) as proxy:
            return await ask(proxy, head), proxy.refused

    return asyncio.run(run())


def test_connect_to_a_loopback_port_is_refused(secret: tuple[str, Counter[str]]) -> None:
    base, hits = secret
    hits.clear()
    netloc = urlsplit(base).netloc
    answer, refused = exchange(f"CONNECT {netloc} HTTP/1.1\r\nHost: {netloc}\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert refused == [
        f"{netloc}: 127.0.0.1 is a loopback address (use --allow-private to allow it)"
    ]
    assert sum(hits.values()) == 0


def test_a_legacy_spelling_of_loopback_is_refused() -> None:
    answer, refused = exchange("CONNECT 2130706433:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert refused == [
        "2130706433:443: 2130706433 is a loopback address (use --allow-private to allow it)"
    ]


def test_a_name_for_loopback_is_refused_before_any_lookup() -> None:
    answer, refused = exchange("GET http://localhost:9/x HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert refused == [
        "localhost:9: localhost is a loopback address (use --allow-private to allow it)"
    ]


def test_an_allowed_host_is_forwarded_one_request_per_connection(
    secret: tuple[str, Counter[str]],
) -> None:
    base, hits = secret
    hits.clear()
    netloc = urlsplit(base).netloc
    head = (
        f"GET {base}/x?via=proxy HTTP/1.1\r\nHost: {netloc}\r\nProxy-Connection: keep-alive\r\n\r\n"
    )
    answer, refused = exchange(head, frozenset({netloc}))
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"the secret")
    assert (refused, hits["proxy"]) == ([], 1)


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (b"GET ftp://example.com/ HTTP/1.1\r\n\r\n", "only http and https are proxied"),
        (b"GET /relative HTTP/1.1\r\n\r\n", "only http and https are proxied"),
        (b"CONNECT example.com HTTP/1.1\r\n\r\n", "bad CONNECT target"),
        (b"CONNECT example.com:443\r\n\r\n", "not an HTTP/1 proxy request"),
        (b"CONNECT user@example.com:443 HTTP/1.1\r\n\r\n", "bad CONNECT target"),
    ],
)
def test_what_is_not_a_plain_proxy_request_is_refused(head: bytes, why: str) -> None:
    with pytest.raises(Refused, match=why):
        parse_head(head)


def test_the_upstream_head_drops_proxy_fields_and_closes() -> None:
    head = (
        b"GET http://example.com:8080/a?b=1 HTTP/1.1\r\nHost: example.com\r\n"
        b"Proxy-Authorization: x\r\nConnection: keep-alive\r\n\r\n"
    )
    method, url, upstream = parse_head(head)
    assert (method, url) == (b"GET", "http://example.com:8080/a?b=1")
    assert upstream == b"GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"
