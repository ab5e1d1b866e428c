"""The address guard, on every redirect hop and on resolved addresses.

The fixture site itself is on 127.0.0.1, so these tests let exactly its host:port past the
guard with `--allow-host` (never `--allow-private`): a redirect from it to a second live
server on another loopback port, or to the cloud metadata address, must still be refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from factcheck.demo.server import serve
from factcheck.fetch.guard import BlockedAddressError, GuardedResolver, address_refusal
from tests.conftest import DEMO
from tests.fetch.test_fetch import check, citation, hits


@pytest.fixture(scope="module")
def other_site() -> Iterator[str]:
    """A second live server on 127.0.0.1 (another port), not on the allow-list."""
    with serve(DEMO / "site") as base:
        yield base


def only(site: str) -> tuple[str, ...]:
    return (
        "--allow-host",
        urlsplit(site).netloc,
        "--timeout",
        "1",
        "--retries",
        "0",
        "--format",
        "json",
    )


def test_a_redirect_to_127_0_0_1_is_refused_without_allow_private(
    claims_file: Any, site: str, other_site: str
) -> None:
    port = urlsplit(other_site).port
    url = f"http://fixtures.test/redirect/to/loopback?port={port}&path=counted/article.html"
    run = check(claims_file, url, args=only(site))
    found = citation(run)
    assert (run.code, found["status"]) == (1, "error")
    assert found["reason"] == (
        "refused: 127.0.0.1 is a loopback address (use --allow-private to allow it)"
    )
    assert found["final_url"] == f"{other_site}/counted/article.html"
    assert "/counted/article.html" not in hits(other_site)  # never contacted


def test_the_same_redirect_is_followed_with_allow_private(
    claims_file: Any, other_site: str
) -> None:
    port = urlsplit(other_site).port
    url = f"http://fixtures.test/redirect/to/loopback?port={port}&path=counted/notes.txt"
    run = check(claims_file, url, args=("--allow-private", "--format", "json"))
    assert citation(run)["status"] == "ok"
    assert hits(other_site)["/counted/notes.txt"] == 1


def test_a_redirect_to_cloud_metadata_is_refused(claims_file: Any, site: str) -> None:
    run = check(claims_file, "http://fixtures.test/redirect/to/metadata", args=only(site))
    assert citation(run)["reason"] == (
        "refused: 169.254.169.254 is a link-local address (use --allow-private to allow it)"
    )


def test_the_site_itself_is_refused_without_any_allowance(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/article.html", args=("--format", "json"))
    assert citation(run)["status"] == "error"
    assert citation(run)["reason"].startswith("refused: 127.0.0.1 is a loopback address")


def test_a_name_is_refused_by_what_it_resolves_to(claims_file: Any, site: str) -> None:
    """`localhost` resolves to loopback; the resolver refuses it, not only the name check."""

    async def resolve() -> None:
        await GuardedResolver().resolve("localhost", 80)

    with pytest.raises(BlockedAddressError, match="localhost resolves to .* loopback"):
        asyncio.run(resolve())


def test_an_allowed_host_resolves(site: str) -> None:
    port = urlsplit(site).port

    async def resolve() -> list[Any]:
        return await GuardedResolver({f"localhost:{port}"}).resolve("localhost", port)

    assert asyncio.run(resolve())


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-global"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_non_global_addresses_are_refused(address: str, kind: str) -> None:
    refusal = address_refusal(address)
    assert refusal is not None and f" {kind} address" in refusal


def test_global_addresses_and_names_pass() -> None:
    assert address_refusal("93.184.215.14") is None
    assert address_refusal("2606:4700::1111") is None
    assert address_refusal("example.com") is None  # names are checked after resolution
