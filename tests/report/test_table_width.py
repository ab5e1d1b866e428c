"""The table fits the terminal: COLUMNS (else the terminal, else 100 columns), every line within
it, reasons wrapped at word boundaries under their column, a page's passage cut only at its
end. The real CLI on the demo's claims against the fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.report.table import TEXT_AT
from tests.conftest import fixture_claims, run_cli

FAST = ("--allow-private", "--timeout", "1", "--retries", "0", "--no-store")
SENTENCE = (
    "On March 15, Hikvision held an ESG (Environment, Social, Governance) Conference to "
    "“glean more insight into the legal landscape that Hikvision operates in and its global "
    "responsibilities that Hikvision is committed to fulfilling”: Hikvision released the "
    "conclusion of Prosper’s report in 2021, stating that Hikvision did not “knowingly” "
    "commit human rights abuses, but has not released any other details."
)


@pytest.mark.parametrize("columns", [72, 80, 100, 140])
def test_every_line_fits_columns(
    tmp_path: Path, site: str, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    run = run_cli("verify", *FAST, str(fixture_claims("demo.yaml", tmp_path, site)))
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    # wrapped reasons keep their column: no line under a citation starts left of it
    rows = [line for line in lines if line.startswith("   ")]
    assert all(line.startswith(" " * TEXT_AT) for line in rows)
    if columns == 140:
        assert max(len(line) for line in lines) > 100  # the room is used


def test_widths_differ_and_words_stay_whole(
    tmp_path: Path, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fixture_claims("demo.yaml", tmp_path, site)
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run_cli("verify", *FAST, str(path)).stdout
    monkeypatch.setenv("COLUMNS", "100")
    wide = run_cli("verify", *FAST, str(path)).stdout
    assert narrow != wide
    # the same words, only wrapped differently (nothing cut out of a reason or a fix; the
    # word diff line is fitted to the width on purpose)
    assert "".join(words(narrow)) == "".join(words(wide))  # a long URL may break


def words(table: str) -> list[str]:
    """The words of every reason and fix of a table, in order."""
    rows = [line.strip() for line in table.splitlines() if line.startswith(" " * TEXT_AT)]
    return " ".join(row for row in rows if not row.startswith("words:")).split()


def test_a_long_passage_is_cut_at_its_end_never_in_its_middle(tmp_path: Path, site: str) -> None:
    misquote = SENTENCE.replace("did not “knowingly”", "did “knowingly”")
    path = tmp_path / "c.yaml"
    path.write_text(
        "claims:\n  - id: long\n    claim: x\n    citations:\n"
        f"      - url: {site}/article.html\n        quote: '{misquote}'\n",
        encoding="utf-8",
    )
    run = run_cli("verify", *FAST, "--format", "json", str(path))
    reason = run.json()["claims"][0]["citations"][0]["reason"]
    assert reason.startswith("quote altered (")
    shown = reason.split("the page says “", 1)[1].rsplit("”", 1)[0]
    assert shown.endswith("…")
    assert SENTENCE.startswith(shown.removesuffix("…"))  # word for word, from the start
    assert SENTENCE[len(shown) - 1] == " "  # cut at a word boundary
    assert "““" not in reason
