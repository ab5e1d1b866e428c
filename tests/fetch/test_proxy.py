"""The environment's proxy (HTTP_PROXY, NO_PROXY) is used, and the address guard still holds."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from factcheck.demo.server import serve_app
from tests.conftest import run_cli
from tests.proxy_site import forward_proxy

CLAIMS = """claims:
  - id: through-the-proxy
    claim: the article says so
    citations:
      - url: http://fixtures.test/article.html
        quote: "kept its human rights investigation report secret for 2 years"
"""


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[str]]]:
    """A forward proxy on 127.0.0.1 named by HTTP_PROXY; yields its URL and what it was
    asked for."""
    seen: list[str] = []
    with serve_app(forward_proxy(seen)) as base:
        monkeypatch.setenv("HTTP_PROXY", base)
        yield base, seen


def allow(site: str) -> list[str]:
    """The fixture site let past the guard (not --allow-private: the proxy is let through
    only because the environment names it)."""
    return ["--allow-host", urlsplit(site).netloc]


def test_requests_go_through_the_environments_proxy(
    proxy: tuple[str, list[str]], claims_file: Any, site: str
) -> None:
    _, seen = proxy
    run = run_cli("verify", *allow(site), "--format", "json", str(claims_file(CLAIMS)))
    assert run.code == 0, run.stdout + run.stderr
    assert run.statuses() == {"through-the-proxy": ["ok"]}
    assert seen == [f"{site}/article.html"]


def test_no_proxy_hosts_are_reached_directly(
    proxy: tuple[str, list[str]], claims_file: Any, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, seen = proxy
    monkeypatch.setenv("NO_PROXY", urlsplit(site).hostname or "")
    run = run_cli("verify", *allow(site), "--format", "json", str(claims_file(CLAIMS)))
    assert run.statuses() == {"through-the-proxy": ["ok"]}
    assert seen == []


def test_a_name_that_resolves_to_a_private_address_is_refused_before_the_proxy(
    proxy: tuple[str, list[str]], claims_file: Any, site: str
) -> None:
    # The proxy resolves the name itself; the guard checks what it resolves to here first.
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 80)}
    except OSError:
        pytest.skip(f"this machine's name ({name}) does not resolve")
    if any(ipaddress.ip_address(a).is_global for a in addresses):
        pytest.skip(f"this machine's name ({name}) resolves to a public address")
    _, seen = proxy
    port = urlsplit(site).port
    claims = claims_file(CLAIMS.replace("http://fixtures.test", f"http://{name}:{port}"))
    run = run_cli("verify", *allow(site), "--format", "json", str(claims))
    assert run.code == 1
    (citation,) = run.json()["claims"][0]["citations"]
    assert citation["status"] == "error"
    assert citation["reason"].startswith(f"refused: {name} resolves to ")
    assert seen == []
