"""Secrets stay where they belong: a configuration's headers go to one origin (scheme, host
and port), credentials written in a URL go to that URL only and are never printed or
stored (`https://***@host/...`)."""

from __future__ import annotations

import asyncio
import gzip
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from factcheck.evidence.store import iter_records
from factcheck.fetch.client import Fetcher
from factcheck.models import VerifyOptions
from tests.conftest import run_cli
from tests.hostile_site import hostile_site

SECRET = "s3cret-pw"


@pytest.fixture(scope="module")
def first() -> Iterator[str]:
    with hostile_site() as base:
        yield base


@pytest.fixture(scope="module")
def second() -> Iterator[str]:
    """Another port of the same host: another origin."""
    with hostile_site() as base:
        yield base


def echoed(url: str, **options: Any) -> dict[str, str]:
    """The request headers the hostile site's /echo saw for `url`."""

    async def go() -> bytes:
        async with Fetcher(VerifyOptions(allow_private=True, retries=0, **options)) as fetcher:
            return (await fetcher.fetch(url)).body

    sent: dict[str, str] = json.loads(asyncio.run(go()))
    return sent


def test_a_bare_host_key_is_https_only_so_never_sent_over_http(first: str) -> None:
    headers = {"127.0.0.1": {"Cookie": "session=1"}}
    assert "cookie" not in echoed(f"{first}/echo", host_headers=headers)


def test_an_origin_key_sends_the_headers_to_that_origin(first: str) -> None:
    headers = {first: {"Cookie": "session=1"}}
    assert echoed(f"{first}/echo", host_headers=headers)["cookie"] == "session=1"


def test_headers_do_not_follow_a_redirect_to_another_port(first: str, second: str) -> None:
    headers = {first: {"Cookie": "session=1"}}
    sent = echoed(f"{first}/go?to={second}/echo", host_headers=headers)
    assert "cookie" not in sent


def test_url_credentials_with_a_configured_authorization_do_not_crash(first: str) -> None:
    """aiohttp refuses credentials in the URL beside an Authorization header (ValueError,
    a traceback once): the configured header wins, the URL's credentials are dropped."""
    port = urlsplit(first).port
    headers = {first: {"Authorization": "Bearer configured"}}
    sent = echoed(f"http://user:{SECRET}@127.0.0.1:{port}/echo", host_headers=headers)
    assert sent["authorization"] == "Bearer configured"


def test_url_credentials_are_sent_to_that_url_only(first: str, second: str) -> None:
    port = urlsplit(first).port
    sent = echoed(f"http://user:{SECRET}@127.0.0.1:{port}/echo")
    assert sent["authorization"].startswith("Basic ")
    moved = echoed(f"http://user:{SECRET}@127.0.0.1:{port}/go?to={second}/echo")
    assert "authorization" not in moved


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html", "junit", "github"])
def test_url_credentials_are_redacted_in_every_report_and_the_store(
    tmp_path: Path, first: str, fmt: str
) -> None:
    port = urlsplit(first).port
    url = f"http://user:{SECRET}@127.0.0.1:{port}/reason?code=404&r=Gone"
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: c\n    claim: x\n    citations:\n      - url: {url}\n")
    store = tmp_path / "store"
    run = run_cli(
        "verify", "--allow-private", "--retries", "0", "--store", str(store), "--format", fmt,
        str(path),
    )  # fmt: skip
    assert run.code == 1
    assert SECRET not in run.stdout + run.stderr
    assert f"http://***@127.0.0.1:{port}/reason" in run.stdout.replace("&amp;", "&")
    with sqlite3.connect(store / "index.sqlite") as db:
        urls = [row[0] for row in db.execute("SELECT url FROM snapshots")]
    assert urls == [f"http://***@127.0.0.1:{port}/reason?code=404&r=Gone"]


def test_the_warc_target_uri_and_the_index_are_redacted(tmp_path: Path, first: str) -> None:
    port = urlsplit(first).port
    url = f"http://user:{SECRET}@127.0.0.1:{port}/a-page"
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: c\n    claim: x\n    citations:\n      - url: {url}\n")
    store = tmp_path / "store"
    run = run_cli("verify", "--allow-private", "--store", str(store), str(path))
    assert run.code == 0, run.stdout + run.stderr
    warcs = sorted(store.rglob("*.warc.gz"))
    assert warcs
    targets = [uri for warc in warcs for kind, uri in iter_records(warc) if kind == "response"]
    assert targets == [f"http://***@127.0.0.1:{port}/a-page"]
    assert SECRET.encode() not in b"".join(gzip.decompress(w.read_bytes()) for w in warcs)
    assert SECRET.encode() not in (store / "index.sqlite").read_bytes()
