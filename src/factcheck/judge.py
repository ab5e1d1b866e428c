"""Judging one citation: a fetched page and its quote results in, a status and reason out."""

from __future__ import annotations

from dataclasses import replace

from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.models import Citation, CitationResult, CitationStatus, QuoteResult, QuoteStatus
from factcheck.quotes.pagecheck import PageCheck
from factcheck.text import passage

_FETCH_STATUS = {
    FetchOutcome.BLOCKED: CitationStatus.BLOCKED,
    FetchOutcome.BROKEN: CitationStatus.BROKEN,
    FetchOutcome.ERROR: CitationStatus.ERROR,
}


def judge(citation: Citation, page: PageCheck) -> CitationResult:
    """The citation's status against one page (live or archived), with an actionable reason."""
    fetched = page.fetch
    base = CitationResult(
        citation=citation,
        status=CitationStatus.OK,
        reason="",
        http_status=fetched.http_status,
        final_url=fetched.final_url,
        checked_url=fetched.url,
    )
    if fetched.outcome is not FetchOutcome.OK:
        return replace(
            base,
            status=_FETCH_STATUS[fetched.outcome],
            reason=fetched.reason,
            suggestion=_fetch_suggestion(fetched),
        )
    if page.unreadable:
        return replace(base, status=CitationStatus.ERROR, reason=page.unreadable)
    status, reason = _quote_verdict(page.quotes)
    return replace(
        base,
        status=status,
        reason=_with_redirect_note(reason, fetched),
        quotes=page.quotes,
        suggestion=_quote_suggestion(status, fetched),
    )


def judge_with_archive(
    citation: Citation, live: CitationResult, archive: PageCheck
) -> CitationResult:
    """Use the archived copy when the live page failed and the copy carries every quote."""
    from_archive = judge(citation, archive)
    if from_archive.status is CitationStatus.OK:
        return CitationResult(
            citation=citation,
            status=CitationStatus.ARCHIVED,
            reason=f"live URL: {live.reason}; the archived copy has every quote"
            if citation.quotes
            else f"live URL: {live.reason}; the archived copy answers",
            http_status=live.http_status,
            final_url=live.final_url,
            quotes=from_archive.quotes,
            checked_url=archive.fetch.url,
            suggestion=f"link the archived copy: {archive.fetch.url}",
        )
    return CitationResult(
        citation=citation,
        status=live.status,
        reason=f"{live.reason}; archived copy: {from_archive.status.value} ({from_archive.reason})",
        http_status=live.http_status,
        final_url=live.final_url,
        quotes=live.quotes,
        checked_url=live.checked_url,
        suggestion=live.suggestion,
    )


def _quote_verdict(quotes: tuple[QuoteResult, ...]) -> tuple[CitationStatus, str]:
    missing = [q for q in quotes if q.status is QuoteStatus.MISSING]
    altered = [q for q in quotes if q.status is QuoteStatus.ALTERED]
    of = (
        f" ({len(quotes) - len(missing) - len(altered)} of {len(quotes)} found)"
        if len(quotes) > 1
        else ""
    )
    if missing:
        return CitationStatus.QUOTE_MISSING, _missing_reason(missing[0]) + of
    if altered:
        first = altered[0]
        note = f"; {first.note}" if first.note else ""
        return (
            CitationStatus.QUOTE_ALTERED,
            f"quote altered ({first.score:.0f}%): the page says "
            f"\u201c{passage(first.closest or '')}\u201d{of}{note}",
        )
    if not quotes:
        return CitationStatus.OK, "link works (no quote to check)"
    found = "every quote found" if len(quotes) > 1 else "quote found"
    # What was forgiven, or where the quote stands if not in sight, goes with the verdict.
    notes = list(dict.fromkeys(q.note for q in quotes if q.note))
    return CitationStatus.OK, f"{found} ({'; '.join(notes)})" if notes else found


def _missing_reason(quote: QuoteResult) -> str:
    if quote.note:
        return f"quote not found: {quote.note}"
    if quote.closest and quote.score:
        return (
            f"quote not found; closest passage {quote.score:.0f}%: "
            f"\u201c{passage(quote.closest)}\u201d"
        )
    return "quote not found on the page"


def _with_redirect_note(reason: str, fetched: FetchResult) -> str:
    if fetched.permanent_redirect:
        reason = f"{reason}; permanently redirected to {fetched.permanent_redirect}"
    if fetched.note:
        reason = f"{reason}; {fetched.note}"
    return reason


def _quote_suggestion(status: CitationStatus, fetched: FetchResult) -> str | None:
    if status is CitationStatus.QUOTE_ALTERED:
        return "correct the quote to the page's words, or cite a source that says it"
    if status is CitationStatus.QUOTE_MISSING:
        return "check the quote against the page; if the page changed, add an archive_url"
    if fetched.permanent_redirect:
        return f"update the URL to {fetched.permanent_redirect}"
    return None


def _fetch_suggestion(fetched: FetchResult) -> str | None:
    if fetched.outcome is FetchOutcome.BROKEN:
        return "find the page's new address, or add an archive_url to an archived copy"
    if fetched.outcome is FetchOutcome.BLOCKED:
        return "check by hand in a browser; add an archive_url so CI can verify the quote"
    return None
