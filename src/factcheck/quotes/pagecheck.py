"""From a fetched body to quote results: look for each quote word for word in the decoded
source first (`verbatim`), else extract and normalise the text once per page and match the
remaining quotes against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.fetch.decode import decode_body
from factcheck.models import QuoteResult
from factcheck.quotes.extract import (
    HTML_TYPES,
    SUPPORTED_TYPES,
    TEXT_TYPES,
    UnreadableContentError,
    extract,
)
from factcheck.quotes.match import (
    PreparedPage,
    found_verbatim,
    match_quote,
    prepare_extracted,
    prepare_page,
)
from factcheck.quotes.verbatim import Source, find_verbatim


@dataclass(frozen=True)
class PageCheck:
    """A fetched page and, when it could be read, the result of every quote asked of it."""

    fetch: FetchResult
    quotes: tuple[QuoteResult, ...] = ()
    unreadable: str | None = None  # why the content could not be read, if it could not


@dataclass(frozen=True)
class ReadPage:
    """A fetched page with its text ready for matching, or the reason it cannot be read."""

    fetch: FetchResult
    prepared: PreparedPage | None = None
    unreadable: str | None = None


def read_page(fetched: FetchResult, decoded: str | None = None) -> ReadPage:
    """Extract and normalise the text of a fetched page; never raises for bad content.

    `decoded`: the body already decoded (an HTML or text page), so as not to decode it twice.
    """
    if fetched.outcome is not FetchOutcome.OK:
        return ReadPage(fetched)
    media_type = fetched.media_type or sniff_media_type(fetched.body)
    if media_type not in SUPPORTED_TYPES:
        return ReadPage(
            fetched,
            unreadable=f"unsupported content type {media_type}: "
            "quotes can be checked in HTML, PDF and plain text",
        )
    try:
        page = extract(fetched.body, media_type, fetched.charset, decoded)
    except UnreadableContentError as exc:
        return ReadPage(fetched, unreadable=str(exc))
    return ReadPage(fetched, prepare_extracted(page))


def check_quotes(page: ReadPage, quotes: tuple[str, ...]) -> PageCheck:
    """Match every quote against a read page (links to the page's final URL)."""
    if page.prepared is None:
        return PageCheck(page.fetch, unreadable=page.unreadable)
    link = page.fetch.final_url or page.fetch.url
    return PageCheck(page.fetch, tuple(match_quote(q, page.prepared, link) for q in quotes))


def check_text(
    text: str, quotes: tuple[str, ...], url: str | None = None, hidden: str = ""
) -> tuple[QuoteResult, ...]:
    """Every quote matched against a page's visible text as given (a browser's
    `document.body.innerText`, say), with the matcher a fetched page goes through: the same
    normalisation, editorial marks, punctuation forgiven with a note; `hidden`, text the page
    does not show at first. Links (text fragments) point at `url` when given."""
    page = prepare_page(text, hidden=hidden)
    return tuple(match_quote(quote, page, url) for quote in quotes)


def check_page(
    fetched: FetchResult,
    quote_sets: list[tuple[str, ...]],
    known: Mapping[str, QuoteResult] | None = None,
) -> list[PageCheck]:
    """One PageCheck per citation of a fetched page (each distinct quote matched once).

    A quote found word for word in the page source, where that is certainly visible text,
    is answered from the source (`verbatim`); the others from the page's text, extracted
    and normalised once.

    `known` holds results already known for this very body (an earlier run's, see
    `quote_cache`): those quotes are not matched again, and when it covers every quote the
    page is not even extracted. The PageChecks carry the fetch without its body: it is not
    needed past this point.
    """
    light = replace(fetched, body=b"")
    if not any(quote_sets) or fetched.outcome is not FetchOutcome.OK:
        return [PageCheck(light) for _ in quote_sets]
    results = dict(known or {})
    link = fetched.final_url or fetched.url
    wanted = [q for q in dict.fromkeys(q for qs in quote_sets for q in qs) if q not in results]
    source = _source(fetched) if wanted else None
    if source is not None:
        results.update(_verbatim(source, wanted, link))
        wanted = [q for q in wanted if q not in results]
    if wanted:
        page = read_page(fetched, source.text if source is not None else None)
        if page.prepared is None:
            return [PageCheck(light, unreadable=page.unreadable if q else None) for q in quote_sets]
        for quote in wanted:
            results[quote] = match_quote(quote, page.prepared, link)
    return [PageCheck(light, tuple(results[q] for q in quotes)) for quotes in quote_sets]


def _source(fetched: FetchResult) -> Source | None:
    """The decoded source of an HTML or text page (None for other types)."""
    media_type = fetched.media_type or sniff_media_type(fetched.body)
    if media_type not in HTML_TYPES and media_type not in TEXT_TYPES:
        return None
    html = media_type in HTML_TYPES
    return Source(decode_body(fetched.body, fetched.charset, sniff_html=html), html=html)


def _verbatim(source: Source, quotes: list[str], link: str) -> dict[str, QuoteResult]:
    """The quotes found word for word in the source (the cheap path, see `verbatim`); the
    others are left to the full path."""
    found = {}
    for quote in quotes:
        spans = find_verbatim(source, quote)
        if spans:
            found[quote] = found_verbatim(quote, source, spans, link)
    return found


def sniff_media_type(body: bytes) -> str:
    """A media type guessed from the first bytes, for servers that send none."""
    head = body[:512].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "text/html"
    return "application/octet-stream"
