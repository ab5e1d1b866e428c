"""The matcher against a corpus of real markup patterns and real quoted passages.

Each case extracts the page as `extract` would (HTML, plain text or the committed PDF), then
matches the quote: the status must be exactly the expected one, since a misquote called
`found` is the failure a fact-checker can least afford.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.models import QuoteStatus
from factcheck.quotes.extract import extract
from factcheck.quotes.match import PreparedPage, match_quote, prepare_extracted

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "matcher"
DATA: dict[str, Any] = yaml.safe_load((CORPUS / "corpus.yaml").read_text(encoding="utf-8"))


@cache
def page(name: str) -> PreparedPage:
    source: str = DATA["pages"][name]
    if source.endswith(".pdf"):
        text = extract((CORPUS / source).read_bytes(), "application/pdf")
    elif source.lstrip().startswith("<"):
        text = extract(source.encode(), "text/html", "utf-8")
    else:
        text = extract(source.encode(), "text/plain", "utf-8")
    return prepare_extracted(text)


def test_corpus_is_large_enough() -> None:
    assert len(DATA["cases"]) >= 40


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: f"{c['page']}:{c['quote'][:40]}")
def test_corpus_case(case: dict[str, Any]) -> None:
    result = match_quote(case["quote"], page(case["page"]), url="https://example.org/a")
    expected = case["expect"]
    if expected == "not_found":
        assert result.status is not QuoteStatus.FOUND, result
    else:
        assert result.status is QuoteStatus(expected), result
    if "closest" in case:
        assert result.closest is not None and case["closest"] in result.closest, result
    if "note" in case:
        assert result.note is not None and case["note"] in result.note, result
    if expected == "found":
        assert result.occurrences == case.get("occurrences", 1)
        if case.get("link", True):
            assert result.fragment_url and result.fragment_url.startswith(
                "https://example.org/a#:~:text="
            )
        else:  # found where the page does not show it: no passage to highlight
            assert result.fragment_url is None
    if expected == "altered":
        assert result.diff and ("{+" in result.diff or "[-" in result.diff)
        assert result.score is not None and result.score < 100
