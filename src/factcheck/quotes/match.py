"""Quote matching: a pure function over strings, no I/O.

Both sides are normalised the same way (the page once, in `prepare_page`); a quote is `found`
only when its words stand on the page on word boundaries (its ellipsis-separated parts in
order, close together), `altered` when a close passage stands there instead, `missing`
otherwise. A near match is never `found`: "did knowingly" is altered on a page that says
"did not knowingly", whatever its score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from factcheck.models import QuoteResult, QuoteStatus
from factcheck.quotes.editorial import (
    Segment,
    Span,
    elided_negation,
    find_quote,
    parse_quote,
    readable,
)
from factcheck.quotes.fragment import fragment_url
from factcheck.quotes.normalise import NormalisedText, normalise
from factcheck.quotes.verbatim import Source

__all__ = ["ALTERED_THRESHOLD", "PreparedPage", "match_quote", "normalise", "prepare_page"]

ALTERED_THRESHOLD = 80.0  # below this score a quote is missing, not altered
NEARLY_EMPTY = 200  # normalised characters of visible text under which a page looks unrendered
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\"\\/])|\\[nrt]")


@dataclass(frozen=True)
class PreparedPage:
    """A page normalised once, to search for many quotes."""

    original: str
    normalised: str
    script_text: str = ""
    index: NormalisedText = field(
        default_factory=lambda: NormalisedText(""), repr=False, compare=False
    )

    @cached_property
    def scripts_normalised(self) -> str:
        """The scripts' text, JSON escapes read, normalised (only when a quote is missing)."""
        return normalise(_JSON_ESCAPE.sub(_unescape, self.script_text))


def _unescape(found: re.Match[str]) -> str:
    if found.group(1):
        return chr(int(found.group(1), 16))
    return found.group(2) or " "


def prepare_page(text: str, script_text: str = "") -> PreparedPage:
    """Normalise a page's text once so that every quote searches the same string."""
    index = NormalisedText.build(text)
    return PreparedPage(original=text, normalised=index.text, script_text=script_text, index=index)


def match_quote(quote: str, page: PreparedPage, url: str | None = None) -> QuoteResult:
    """Where `quote` stands on `page`: found (with occurrences and a text-fragment link),
    altered (closest passage, score, word diff) or missing (closest passage, if any)."""
    segments = parse_quote(quote)
    if not segments:
        return QuoteResult(
            text=quote,
            status=QuoteStatus.MISSING,
            score=0.0,
            note="the quote is empty once editorial marks are removed",
        )
    chains = find_quote(segments, page.normalised)
    flipped = [c for c in chains if len(c) > 1 and elided_negation(c, page.normalised)]
    good = [c for c in chains if c not in flipped]
    if good:
        return _found(quote, page, good, url)
    if flipped:
        return _elided(quote, page, flipped[0])
    return _not_found(quote, segments, page)


def _original(page: PreparedPage, start: int, end: int) -> str:
    index = page.index
    return page.original[index.to_original(start) : index.to_original(end, end=True)]


def _found(
    quote: str, page: PreparedPage, chains: list[list[Span]], url: str | None
) -> QuoteResult:
    chain = chains[0]
    passage = _original(page, chain[0].start, chain[-1].end)
    parts = [_original(page, s.start, s.end) for s in chain]
    return _found_result(quote, passage, parts, len(chains), url)


def _found_result(
    quote: str, passage: str, parts: list[str], occurrences: int, url: str | None
) -> QuoteResult:
    return QuoteResult(
        text=quote,
        status=QuoteStatus.FOUND,
        score=100.0,
        closest=passage,
        occurrences=occurrences,
        fragment_url=fragment_url(url, parts) if url else None,
    )


def found_verbatim(
    quote: str, source: Source, spans: list[tuple[int, int]], url: str | None
) -> QuoteResult:
    """The result for a quote `verbatim.find_verbatim` found at `spans` of the page source:
    the same, field for field, as the full path's (the passage is the reader's text, where
    line breaks of the source are spaces)."""
    start, end = spans[0]
    passage = source.text[start:end]
    if source.html:
        passage = passage.replace("\r", " ").replace("\n", " ")
    return _found_result(quote, passage, [passage], len(spans), url)


def _elided(quote: str, page: PreparedPage, chain: list[Span]) -> QuoteResult:
    from factcheck.quotes.closest import word_diff  # rapidfuzz: only for quotes not found

    passage = _original(page, chain[0].start, chain[-1].end)
    words = elided_negation(chain, page.normalised)
    return QuoteResult(
        text=quote,
        status=QuoteStatus.ALTERED,
        score=90.0,
        closest=passage,
        diff=word_diff(readable(quote), passage),
        note=f'the ellipsis leaves out a negation ("{words}")',
    )


def _not_found(quote: str, segments: list[Segment], page: PreparedPage) -> QuoteResult:
    from factcheck.quotes.closest import closest_passage, word_diff  # rapidfuzz: only here

    needle, shown = " ".join(s.plain for s in segments), readable(quote)
    if len(segments) > 1:
        missing = [s.plain for s in segments if not find_quote([s], page.normalised)]
        if not missing:
            return QuoteResult(
                text=quote,
                status=QuoteStatus.ALTERED,
                score=90.0,
                note="each part of the quote is on the page, but not in this "
                "order or not close together",
            )
        if len(missing) == 1:
            needle = shown = missing[0]
    passage = closest_passage(needle, page.normalised)
    score = passage.score if passage else 0.0
    closest = _original(page, passage.start, passage.end) if passage else None
    if score >= ALTERED_THRESHOLD and closest is not None:
        return QuoteResult(
            text=quote,
            status=QuoteStatus.ALTERED,
            score=score,
            closest=closest,
            diff=word_diff(shown, closest),
        )
    return QuoteResult(
        text=quote,
        status=QuoteStatus.MISSING,
        score=score,
        closest=closest,
        note=_script_note(segments, page),
    )


def _script_note(segments: list[Segment], page: PreparedPage) -> str | None:
    """Why a missing quote may still be on the page: it is in the page's scripts."""
    if not page.script_text or not find_quote(segments, page.scripts_normalised):
        return None
    if len(page.normalised) < NEARLY_EMPTY:
        return (
            "the page's visible text is nearly empty but the quote appears in its "
            "scripts: the page is rendered by JavaScript"
        )
    return "the quote appears only in the page's scripts (it may be shown by JavaScript)"
