"""`--find-archive` against a local server speaking the Wayback CDX and `id_` replay API."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from factcheck.demo.server import serve_app
from factcheck.evidence.wayback import cdx_query, parse_cdx
from tests.conftest import Run, run_cli
from tests.snapshot_site import Captures, archive_app, conditional_site, write_claims
from tests.test_interrupt import closed_port

QUOTE = "the river rose four metres overnight"
WITH_QUOTE = (
    b"<html><body><p>Witnesses said the river rose four metres overnight.</p></body></html>"
)
WITHOUT = b"<html><body><p>Page under construction.</p></body></html>"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "moved.html").write_bytes(WITHOUT)
    with serve_app(conditional_site(folder)) as base:
        yield base


@pytest.fixture
def captures() -> Captures:
    return {}


@pytest.fixture
def archive(captures: Captures) -> Iterator[str]:
    with serve_app(archive_app(captures)) as base:
        yield base


def find_archive(claims: Path, archive: str, *store: str) -> Run:
    """`factcheck verify --find-archive` against the local archive, as JSON."""
    return run_cli(
        "verify",
        str(claims),
        "--allow-private",
        *store,
        "--find-archive",
        "--archive-endpoint",
        archive,
        "--format",
        "json",
    )


def test_cdx_query_asks_for_the_closest_status_200_capture() -> None:
    url = cdx_query(
        "https://web.archive.org/",
        "https://a.test/x#frag",
        datetime(2026, 10, 2, 8, 30, tzinfo=UTC),
    )
    assert url == (
        "https://web.archive.org/cdx/search/cdx?url=https%3A%2F%2Fa.test%2Fx"
        "&output=json&fl=timestamp%2Coriginal%2Cstatuscode"
        "&filter=statuscode%3A200&closest=20261002083000&sort=closest&limit=1"
    )


def test_parse_cdx_reads_rows_after_the_header_and_nothing_from_junk() -> None:
    body = b'[["timestamp","original","statuscode"],["20240101000000","https://a.test/","200"]]'
    [capture] = parse_cdx(body, "https://web.archive.org")
    assert capture.raw_url == "https://web.archive.org/web/20240101000000id_/https://a.test/"
    assert capture.date == "2024-01-01"
    assert parse_cdx(b"[]", "e") == parse_cdx(b"<html>", "e") == []


def test_find_archive_turns_a_broken_citation_into_archived_with_the_line_to_add(
    tmp_path: Path, live: str, archive: str, captures: Captures
) -> None:
    url = f"{live}/gone.html"
    captures[url] = [
        ("20230101000000", 200, WITHOUT),
        ("20240101000000", 200, WITH_QUOTE),
        ("20250101000000", 404, b""),
    ]
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])

    plain = run_cli("verify", str(claims), "--allow-private", "--no-store", "--format", "json")
    assert plain.statuses() == {"claim-0": ["broken"]}

    run = find_archive(claims, archive, "--no-store")
    assert run.code == 0
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "archived"
    assert citation["suggestion"] == f"archive_url: {archive}/web/20240101000000id_/{url}"
    assert citation["checked_url"] == f"{archive}/web/20240101000000id_/{url}"
    assert citation["reason"] == (
        "live URL: HTTP 404 Not Found; the archived copy has every "
        "quote (Internet Archive, 2024-01-01)"
    )


def test_find_archive_rescues_a_missing_quote_from_the_capture_nearest_when_it_was_found(
    tmp_path: Path, live: str, archive: str, captures: Captures
) -> None:
    url = f"{live}/moved.html"
    captures[url] = [("20230105000000", 200, WITH_QUOTE), ("20250101000000", 200, WITHOUT)]
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])
    store = tmp_path / "store"
    run_cli("verify", str(claims), "--allow-private", "--store", str(store))
    with sqlite3.connect(store / "index.sqlite") as db:  # as if found on 2023-01-02
        db.execute(
            "UPDATE quote_checks SET status = 'found', checked_at = ?", ("2023-01-02T00:00:00Z",)
        )

    run = find_archive(claims, archive, "--store", str(store))
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "archived"
    assert citation["suggestion"] == f"archive_url: {archive}/web/20230105000000id_/{url}"


def test_find_archive_without_a_good_capture_keeps_the_failure_and_says_so(
    tmp_path: Path, live: str, archive: str, captures: Captures
) -> None:
    url = f"{live}/gone.html"
    captures[url] = [("20240101000000", 404, b"")]
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])
    run = find_archive(claims, archive, "--no-store")
    assert run.code == 1
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "broken"
    assert citation["reason"] == ("HTTP 404 Not Found; no Internet Archive capture with HTTP 200")


def test_an_unreachable_archive_is_not_called_a_missing_capture(tmp_path: Path, live: str) -> None:
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/gone.html", [QUOTE])])
    run = find_archive(claims, f"http://127.0.0.1:{closed_port()}", "--no-store")
    assert run.code == 1
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "broken"  # the live verdict stands
    assert citation["reason"].startswith("HTTP 404 Not Found; Internet Archive unreachable: ")
    assert citation["reason"].endswith(", so no capture was looked at")
    assert "no Internet Archive capture" not in citation["reason"]


def test_an_archive_answering_429_is_not_called_a_missing_capture(
    tmp_path: Path, live: str
) -> None:
    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "0"})

    app = web.Application()
    app.router.add_get("/{tail:.*}", busy)
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/gone.html", [QUOTE])])
    with serve_app(app) as archive:
        run = find_archive(claims, archive, "--no-store")
    citation = run.json()["claims"][0]["citations"][0]
    assert (run.code, citation["status"]) == (1, "broken")
    assert citation["reason"] == (
        "HTTP 404 Not Found; Internet Archive answered HTTP 429, so no capture was looked at"
    )


def test_find_archive_capture_without_the_quote_stays_missing(
    tmp_path: Path, live: str, archive: str, captures: Captures
) -> None:
    url = f"{live}/moved.html"
    captures[url] = [("20240101000000", 200, WITHOUT)]
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])
    run = find_archive(claims, archive, "--no-store")
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "quote_missing"
    assert "; Internet Archive capture of 2024-01-01: quote_missing" in citation["reason"]


def test_find_archive_without_history_takes_the_capture_closest_to_the_day_it_was_read(
    tmp_path: Path, live: str, archive: str, captures: Captures
) -> None:
    # No earlier run found the quote: the citation's `accessed` day picks the capture.
    url = f"{live}/moved.html"
    captures[url] = [
        ("20190301000000", 200, WITHOUT),
        ("20230420000000", 200, WITH_QUOTE),
        ("20260101000000", 200, WITHOUT),
    ]
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])
    without_date = find_archive(claims, archive, "--no-store")
    assert without_date.json()["claims"][0]["citations"][0]["status"] == "quote_missing"

    text = claims.read_text(encoding="utf-8").replace(
        f"      - url: {url}\n", f"      - url: {url}\n        accessed: 2023-04-17\n"
    )
    claims.write_text(text, encoding="utf-8")
    run = find_archive(claims, archive, "--no-store")
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "archived"
    assert citation["suggestion"] == f"archive_url: {archive}/web/20230420000000id_/{url}"
