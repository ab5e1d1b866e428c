"""The closest passage a report shows is the page's own words, from the first word of the page
to its last: run as a user runs `verify`, against a real page on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.snapshot_site import write_claims, write_site

PAGE = "<html><body><p>The river level rose by 4.2 metres</p></body></html>"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"level.html": PAGE})


def test_a_passage_that_is_the_whole_page_keeps_its_first_and_last_words(
    tmp_path: Path, pages: Path, live: str
) -> None:
    """The page's first word was dropped ('the page says "river level rose by 4.2 metres"',
    diff '[-the-] river ...'), as if the page lacked the word it has."""
    quote = "the river level rose by 4.1 metres"
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/level.html", [quote])])
    run = run_cli("verify", str(claims), "--allow-private", "--no-store", "--format", "json")
    assert run.code == 1
    found = run.json()["claims"][0]["citations"][0]["quotes"][0]
    assert (found["status"], found["closest"]) == ("altered", "The river level rose by 4.2 metres")
    assert found["diff"] == "The river level rose by 4.[-1-] {+2+} metres"
