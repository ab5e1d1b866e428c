"""Quote results re-used across runs: a warm re-run of unchanged pages matches nothing again,
and reports exactly what the cold run reported."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from factcheck.claims.files import load_claims
from factcheck.evidence import codec, quote_cache
from factcheck.models import QuoteResult, QuoteStatus, Report, VerifyOptions
from factcheck.quotes import pagecheck
from factcheck.verify import verify
from tests.conftest import run_cli
from tests.snapshot_site import write_claims, write_site

ARTICLE = (
    "<html><body><h1>Council news</h1><p>The council approved the budget on Tuesday "
    "by seven votes to two.</p><p>Turnout at the meeting was 41 percent.</p>"
    "<p>The mayor said the library would stay open on Sundays.</p></body></html>"
)
NOTES = "Minutes. The mayor abstained from the vote on the library.\n"
FOUND = "approved the budget on Tuesday"
ALTERED = "approved the budget on Monday by seven votes to two"
MISSING = "the harbour will be dredged next spring"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    data = b"\x00\x01 not a readable page"
    return write_site(
        tmp_path / "site", {"article.html": ARTICLE, "notes.txt": NOTES, "data.bin": data}
    )


@pytest.fixture
def matched(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each quote was matched (from the page source or its text), and pages
    read, in this process."""
    counts: Counter[str] = Counter()
    match, read, verbatim = pagecheck.match_quote, pagecheck.read_page, pagecheck.find_verbatim

    def counting_match(quote: str, *args: Any, **kwargs: Any) -> QuoteResult:
        counts[quote] += 1
        return match(quote, *args, **kwargs)

    def counting_verbatim(source: Any, quote: str) -> Any:
        spans = verbatim(source, quote)
        counts[quote] += bool(spans)
        return spans

    def counting_read(*args: Any, **kwargs: Any) -> pagecheck.ReadPage:
        counts["<read page>"] += 1
        return read(*args, **kwargs)

    monkeypatch.setattr(pagecheck, "match_quote", counting_match)
    monkeypatch.setattr(pagecheck, "read_page", counting_read)
    monkeypatch.setattr(pagecheck, "find_verbatim", counting_verbatim)
    return counts


def _claims(tmp_path: Path, base: str, article_quotes: list[str] | None = None) -> Path:
    return write_claims(
        tmp_path / "claims.yaml",
        [
            (f"{base}/article.html", article_quotes or [FOUND, ALTERED]),
            (f"{base}/notes.txt", ["The mayor abstained from the vote"]),
            (f"{base}/article.html#later", [MISSING, "the library would stay open ... Sundays"]),
            (f"{base}/data.bin", ["not a readable page"]),
            (f"{base}/gone.html", [FOUND]),
        ],
    )


def _verify(claims: Path, tmp_path: Path, **options: Any) -> Report:
    return verify(
        load_claims((str(claims),)),
        VerifyOptions(
            store=str(tmp_path / ".factcheck"),
            allow_private=True,
            check_connectivity=False,
            **options,
        ),
    )


def _counts(base: str) -> dict[str, int]:
    counts: dict[str, int] = httpx.get(f"{base}/_counts").json()
    return counts


def test_warm_run_reports_what_the_cold_run_did_without_matching_again(
    tmp_path: Path, live: str, matched: Counter[str]
) -> None:
    claims = _claims(tmp_path, live)
    cold = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert matched[FOUND] == matched[ALTERED] == matched[MISSING] == 1
    matched.clear()

    warm = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert _counts(live)["304"] == 3  # article (cited twice), notes, data.bin; gone.html 404
    # The unreadable page has no results to keep, so it alone is read again.
    assert matched == {"<read page>": 1}
    assert warm.code == cold.code == 1
    cold_claims, warm_claims = cold.json().pop("claims"), warm.json().pop("claims")
    assert warm.json() == cold.json()
    assert len(warm_claims) == len(cold_claims) == 5
    for cold_claim, warm_claim in zip(cold_claims, warm_claims, strict=True):
        assert warm_claim == cold_claim  # every field: status, reason, scores, diffs, links
    statuses = [c["citations"][0]["status"] for c in warm_claims]
    assert statuses == ["quote_altered", "ok", "quote_missing", "error", "broken"]
    fragment = warm_claims[0]["citations"][0]["quotes"][0]["fragment_url"]
    assert fragment.startswith(f"{live}/article.html#:~:text=")


def test_warm_quote_results_equal_cold_ones_field_by_field(
    tmp_path: Path, live: str, matched: Counter[str]
) -> None:
    claims = _claims(tmp_path, live)
    cold = _verify(claims, tmp_path)
    warm = _verify(claims, tmp_path)
    offline = _verify(claims, tmp_path, offline=True)
    assert matched[FOUND] == matched[ALTERED] == 1  # the warm and offline runs re-used them
    for cold_claim, warm_claim in zip(cold.claims, warm.claims, strict=True):
        assert warm_claim == cold_claim  # QuoteResult notes and snapshot dates included
    assert [c.quotes for claim in offline.claims for c in claim.citations] == [
        c.quotes for claim in cold.claims for c in claim.citations
    ]


def test_a_changed_page_is_matched_again(
    tmp_path: Path, pages: Path, live: str, matched: Counter[str]
) -> None:
    claims = _claims(tmp_path, live)
    assert _verify(claims, tmp_path).claims[0].citations[0].quotes[1].status is (
        QuoteStatus.ALTERED
    )
    (pages / "article.html").write_text(
        ARTICLE.replace("on Tuesday", "on Monday"), encoding="utf-8"
    )
    matched.clear()

    second = _verify(claims, tmp_path)
    assert matched[FOUND] == matched[ALTERED] == matched[MISSING] == 1
    assert matched["The mayor abstained from the vote"] == 0  # notes.txt did not change
    first, altered = second.claims[0].citations[0].quotes
    assert first.status is QuoteStatus.ALTERED  # "on Monday" now
    assert altered.status is QuoteStatus.FOUND


def test_a_changed_quote_is_matched_and_the_others_are_not(
    tmp_path: Path, live: str, matched: Counter[str]
) -> None:
    _verify(_claims(tmp_path, live), tmp_path)
    matched.clear()
    new_quote = "Turnout at the meeting was 41 percent"

    report = _verify(_claims(tmp_path, live, [FOUND, new_quote]), tmp_path)
    # The new quote stands word for word in article.html's source: found there, so only the
    # unreadable data.bin (which has no results to keep) is read again.
    assert matched == {"<read page>": 1, new_quote: 1}
    assert [q.status for q in report.claims[0].citations[0].quotes] == [
        QuoteStatus.FOUND,
        QuoteStatus.FOUND,
    ]


def test_results_of_another_matcher_version_are_ignored(
    tmp_path: Path, live: str, matched: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = _claims(tmp_path, live)
    cold = _verify(claims, tmp_path)
    monkeypatch.setattr(quote_cache, "matcher_version", lambda: "another-matcher")
    matched.clear()

    warm = _verify(claims, tmp_path)
    assert matched[FOUND] == matched[ALTERED] == matched[MISSING] == 1
    assert warm.claims == cold.claims
    matched.clear()
    _verify(claims, tmp_path)  # the new version's results are kept in turn
    assert matched[FOUND] == 0


def test_matcher_version_follows_the_matcher_source(monkeypatch: pytest.MonkeyPatch) -> None:
    version = quote_cache.matcher_version()
    assert len(version) == 16 and int(version, 16) >= 0
    assert quote_cache.matcher_version.__wrapped__() == version
    monkeypatch.setattr(codec, "MATCHER_MODULES", codec.MATCHER_MODULES[:-1])
    assert quote_cache.matcher_version.__wrapped__() != version


def test_quote_results_round_trip_through_json() -> None:
    result = QuoteResult(
        text="did knowingly",
        status=QuoteStatus.ALTERED,
        score=91.5,
        closest="did not knowingly",
        occurrences=0,
        fragment_url=None,
        diff="did [+not+] knowingly",
        note="the page is rendered by JavaScript",
    )
    assert quote_cache.decode(quote_cache.encode(result)) == result
    # the rows earlier versions wrote (with dataclasses.asdict) and this one's are the same text
    assert quote_cache.encode(result) == json.dumps(asdict(result), ensure_ascii=False)
    assert quote_cache.decode('{"text": "x", "status": "gone"}') is None
    assert quote_cache.decode('{"text": "x"}') is None
    assert quote_cache.decode("[1, 2]") is None
