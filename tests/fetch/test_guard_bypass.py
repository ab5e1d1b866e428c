"""Spellings of an internal address that once slipped past the guard, and the probe.

Every target is a live server on 127.0.0.1 counting its requests: a refusal is proven by
the server never having been asked, not only by the reason in the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from factcheck.fetch.guard import BlockedAddressError, Guard, InvalidURLError, address_refusal
from tests.conftest import run_cli
from tests.fetch.test_fetch import check, citation
from tests.hostile_site import hits, hostile_site

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    """A live server on 127.0.0.1 that no test lets past the guard."""
    with hostile_site() as base:
        yield base


@pytest.fixture(scope="module")
def allowed() -> Iterator[str]:
    """A live server let past the guard with --allow-host (a redirect starts there)."""
    with hostile_site() as base:
        yield base


def port_of(base: str) -> int:
    return urlsplit(base).port or 0


def spellings(port: int) -> dict[str, str]:
    return {
        "fullwidth": f"http://{'127.0.0.1'.translate(FULLWIDTH)}:{port}",
        "ideographic": f"http://127。0。0。1:{port}",
        "short": f"http://127.1:{port}",
        "decimal": f"http://2130706433:{port}",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}",
    }


def json_args(*allowed_bases: str) -> tuple[str, ...]:
    allow = [a for base in allowed_bases for a in ("--allow-host", urlsplit(base).netloc)]
    return (*allow, "--timeout", "2", "--retries", "0", "--format", "json")


@pytest.mark.parametrize("spelling", ["fullwidth", "ideographic", "short", "decimal", "mapped"])
def test_a_loopback_spelling_in_a_claim_is_refused_and_never_contacted(
    claims_file: Any, target: str, spelling: str
) -> None:
    url = f"{spellings(port_of(target))[spelling]}/claim-{spelling}"
    found = citation(check(claims_file, url, args=json_args()))
    assert found["status"] == "error"
    assert found["reason"].startswith("refused: ")
    assert "loopback address" in found["reason"]
    assert f"/claim-{spelling}" not in hits(target)


@pytest.mark.parametrize("spelling", ["fullwidth", "ideographic", "short"])
def test_a_redirect_to_a_loopback_spelling_is_refused(
    claims_file: Any, target: str, allowed: str, spelling: str
) -> None:
    to = f"{spellings(port_of(target))[spelling]}/redirected-{spelling}"
    found = citation(check(claims_file, f"{allowed}/go?to={to}", args=json_args(allowed)))
    assert found["status"] == "error"
    assert "loopback address" in found["reason"]
    assert f"/redirected-{spelling}" not in hits(target)


def test_an_archive_url_in_fullwidth_digits_is_refused(
    claims_file: Any, target: str, allowed: str
) -> None:
    archive = f"{spellings(port_of(target))['fullwidth']}/archived-copy"
    text = (
        "claims:\n  - id: c\n    claim: a claim\n    citations:\n"
        f"      - url: {allowed}/reason?code=404&r=Gone\n"
        f"        archive_url: {archive}\n"
    )
    run = run_cli("verify", *json_args(allowed), str(claims_file(text)))
    assert citation(run)["status"] != "archived"
    assert "/archived-copy" not in hits(target)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://１６９.２５４.１６９.２５４/latest/meta-data/", "link-local"),
        ("http://169。254。169。254/", "link-local"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://0x7f.1/", "loopback"),
        ("http://LOCALHOST./", "loopback"),
    ],
)
def test_the_guard_refuses_the_address_the_client_will_connect_to(url: str, kind: str) -> None:
    with pytest.raises(BlockedAddressError, match=f"is an? {kind} address"):
        Guard().check_url(url)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::", "link-local"),  # 6to4 of 169.254.169.254
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("::ffff:0:7f00:1", "loopback"),  # IPv4-translated
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("2130706433", "loopback"),
    ],
)
def test_special_ranges_are_refused(address: str, kind: str) -> None:
    refusal = address_refusal(address)
    assert refusal is not None and f" {kind} address" in refusal


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::", "::ffff:8.8.8.8"])
def test_the_same_forms_of_a_global_ipv4_pass(address: str) -> None:
    assert address_refusal(address) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com:99999/", "port out of range 0-65535"),
        ("http://example.com:abc/", "port can't be converted to integer"),
        ("http://[::1/", "invalid IPv6 URL"),
        ("ftp://example.com/", "unsupported scheme 'ftp'"),
    ],
)
def test_a_url_the_client_cannot_send_is_invalid(url: str, reason: str) -> None:
    with pytest.raises(InvalidURLError, match=reason.replace("(", r"\(")):
        Guard().check_url(url)


def test_the_connector_refuses_a_loopback_peer_even_without_the_url_check(target: str) -> None:
    """The last line of defence: a session built on the guard's connector, asked directly
    for a loopback URL (no check_url before), never connects."""

    async def get() -> None:
        async with (
            aiohttp.ClientSession(connector=Guard().connector()) as session,
            session.get(f"{target}/connector-only"),
        ):
            pass

    with pytest.raises(aiohttp.ClientOSError) as raised:
        asyncio.run(get())
    assert isinstance(raised.value.__cause__, BlockedAddressError)
    assert str(raised.value.__cause__).startswith("127.0.0.1 is a loopback address")
    assert "/connector-only" not in hits(target)


def test_allowed_address_resolves_an_allowed_host_and_refuses_others(target: str) -> None:
    port = port_of(target)
    guard = Guard(allow_hosts={f"localhost:{port}"})
    assert asyncio.run(guard.allowed_address("localhost", port)) in {"127.0.0.1", "::1"}
    with pytest.raises(BlockedAddressError, match="localhost resolves to"):
        asyncio.run(guard.allowed_address("localhost", port + 1))


def offline_claims(tmp_path: Path) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: http://nothing.invalid/\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("extra", [(), ("--allow-private",)])
def test_a_probe_url_from_a_config_file_never_reaches_a_private_address(
    tmp_path: Path, target: str, extra: tuple[str, ...]
) -> None:
    config = tmp_path / "factcheck.toml"
    config.write_text(f'probe_url = "{target}/probe{len(extra)}"\n', encoding="utf-8")
    claims = offline_claims(tmp_path)
    run = run_cli("verify", "--config", str(config), "--retries", "0", *extra, str(claims))
    # no answer counts as an answer: the run says the network is down, whatever the address
    assert run.code == 3
    assert f"/probe{len(extra)}" not in hits(target)


def test_a_probe_url_given_on_the_command_line_is_the_users_own(
    tmp_path: Path, target: str
) -> None:
    claims = offline_claims(tmp_path)
    run = run_cli("verify", "--probe-url", f"{target}/own-probe", "--retries", "0", str(claims))
    assert run.code == 1  # the probe answered: the host is broken, the network is up
    assert hits(target)["/own-probe"] == 1


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("http://example.com:99999/", "invalid URL: port out of range 0-65535"),
        ("http://example.com:abc/", "invalid URL: port can't be converted to integer"),
        ("http://[::1/", "invalid redirect target: Invalid IPv6 URL"),
    ],
)
def test_a_redirect_the_client_cannot_follow_is_that_citations_error(
    claims_file: Any, allowed: str, to: str, reason: str
) -> None:
    run = check(claims_file, f"{allowed}/go?to={to}", args=json_args(allowed))
    assert (run.code, citation(run)["status"], citation(run)["reason"]) == (1, "error", reason)
    assert "Traceback" not in run.stderr
