"""Conditional requests: a second run asks If-None-Match and re-uses the stored body on 304."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import run_cli
from tests.snapshot_site import write_claims, write_site

ARTICLE = (
    "<html><body><h1>Council news</h1><p>The council approved the budget on Tuesday "
    "by seven votes to two.</p><p>Turnout at the meeting was 41 percent.</p>"
    "</body></html>"
)
NOTES = "Minutes. The mayor abstained from the vote on the library.\n"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"article.html": ARTICLE, "notes.txt": NOTES})


def _claims(tmp_path: Path, base: str) -> Path:
    return write_claims(
        tmp_path / "claims.yaml",
        [
            (f"{base}/article.html", ["approved the budget on Tuesday"]),
            (f"{base}/notes.txt", ["The mayor abstained from the vote"]),
            (f"{base}/article.html#turnout", ["Turnout at the meeting was 41 percent"]),
        ],
    )


def _counts(base: str) -> dict[str, int]:
    counts: dict[str, int] = httpx.get(f"{base}/_counts").json()
    return counts


def test_second_run_sends_conditional_requests_and_gets_304s(tmp_path: Path, live: str) -> None:
    claims = _claims(tmp_path, live)
    first = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert first.code == 0
    assert _counts(live) == {"200": 2}  # one request per distinct URL
    assert (tmp_path / ".factcheck" / "index.sqlite").is_file()

    second = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert second.code == 0
    assert _counts(live) == {"200": 2, "conditional": 2, "304": 2}
    assert (
        second.statuses()
        == first.statuses()
        == {"claim-0": ["ok"], "claim-1": ["ok"], "claim-2": ["ok"]}
    )


def test_changed_page_is_fetched_again_and_judged_on_the_new_body(
    tmp_path: Path, pages: Path, live: str
) -> None:
    claims = _claims(tmp_path, live)
    assert run_cli("verify", str(claims), "--allow-private").code == 0
    (pages / "notes.txt").write_text("Minutes. Nothing about the mayor.\n", encoding="utf-8")

    second = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert second.code == 1
    assert second.statuses()["claim-1"] == ["quote_missing"]
    assert _counts(live) == {"200": 3, "conditional": 2, "304": 1}


def test_no_store_sends_no_conditional_request_and_writes_nothing(
    tmp_path: Path, live: str
) -> None:
    claims = _claims(tmp_path, live)
    for _ in range(2):
        assert run_cli("verify", str(claims), "--allow-private", "--no-store").code == 0
    assert _counts(live) == {"200": 4}
    assert not (tmp_path / ".factcheck").exists()


def test_store_option_puts_the_store_where_asked(tmp_path: Path, live: str) -> None:
    claims = _claims(tmp_path, live)
    store = tmp_path / "evidence"
    assert run_cli("verify", str(claims), "--allow-private", "--store", str(store)).code == 0
    assert (store / "index.sqlite").is_file()
    assert len(list((store / "warc").glob("factcheck-*.warc.gz"))) == 1
    assert not (tmp_path / ".factcheck").exists()


def test_no_store_with_offline_is_a_usage_error(tmp_path: Path, live: str) -> None:
    claims = _claims(tmp_path, live)
    run = run_cli("verify", str(claims), "--no-store", "--offline")
    assert run.code == 2
    assert "--no-store cannot be combined with --store or --offline" in run.stderr
