"""Quote matching: a pure function over strings, no I/O.

Both sides are normalised the same way (the page once, in `prepare_page`); a quote is `found`
only when its words stand on the page on word boundaries (its ellipsis-separated parts in
order, close together), `altered` when a close passage stands there instead, `missing`
otherwise. A near match is never `found`: "did knowingly" is altered on a page that says
"did not knowingly", whatever its score.

Punctuation is not wording: a near passage whose words are the quote's, in order, makes the
quote `found`, with a note saying what punctuation differs (`loose`). A quote not in what the
page shows but in what it hides until a click, or in the text its data scripts carry, is
`found` with a note and no text-fragment link; hidden text never overrides what the page
shows: a quote with an altered passage in sight stays altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
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
from factcheck.quotes.extract import MARK, PageText, data_text, marked_text
from factcheck.quotes.fragment import fragment_url
from factcheck.quotes.loose import LooseMatch, bare, find_loose, skeleton
from factcheck.quotes.normalise import NormalisedText, normalise
from factcheck.quotes.verbatim import Source

__all__ = [
    "ALTERED_THRESHOLD",
    "PreparedPage",
    "match_quote",
    "normalise",
    "prepare_extracted",
    "prepare_page",
]

ALTERED_THRESHOLD = 80.0  # below this score a quote is missing, not altered
NEARLY_EMPTY = 200  # normalised characters of visible text under which a page looks unrendered
HIDDEN_NOTE = "found in text hidden until shown"
SCRIPT_NOTE = "found in text the page shows only through its scripts"
UNRENDERED_NOTE = "the page's visible text is nearly empty: it is rendered by JavaScript"
COPY_UNSHOWN_NOTE = (
    "an exact copy is in text the page does not show (hidden or in its scripts), "
    "where corrections and old versions are kept"
)
# Hidden text never overrides what the page shows: a passage in sight this close to the quote
# (a headline saying "did not", the copy hidden saying "did") keeps it from being found there.
UNSHOWN_FLOOR = 65.0
LOOSE_MARGIN = 40  # characters of the page around a quote's word searched punctuation apart
MAX_LOOSE_WINDOWS = 40  # places of one of the quote's longest words looked at, at most
_WORD = re.compile(r"[^\W_]+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\"\\/])|\\[nrt]")


@dataclass(frozen=True)
class PreparedPage:
    """A page normalised once, to search for many quotes.

    `html` is the page's source (for `marked`); `hidden` the text of its hidden elements;
    `data` the raw text of its data scripts.
    """

    original: str
    normalised: str
    script_text: str = ""
    index: NormalisedText = field(
        default_factory=lambda: NormalisedText(""), repr=False, compare=False
    )
    html: str | None = field(default=None, repr=False, compare=False)
    hidden: str = field(default="", repr=False, compare=False)
    data: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def marked(self) -> str | None:
        """`original` with MARK where two inline elements meet with no space (read from the
        source again, only for a quote that needs it); None for a page without any."""
        if self.html is None:
            return None
        marked = marked_text(self.html)
        if MARK not in marked or len(marked) - marked.count(MARK) != len(self.original):
            return None  # none, or a mark changed how the page parses: read it without
        return marked

    @cached_property
    def hidden_page(self) -> PreparedPage | None:
        """The hidden elements' text, prepared (None when there is none)."""
        return prepare_page(self.hidden) if self.hidden else None

    @cached_property
    def data_page(self) -> PreparedPage | None:
        """The data scripts' text, decoded and prepared (None when there is none)."""
        text = data_text(self.data) if self.data else ""
        return prepare_page(text) if text else None

    @cached_property
    def scripts_normalised(self) -> str:
        """The scripts' text, JSON escapes read, normalised (only when a quote is missing)."""
        return normalise(_JSON_ESCAPE.sub(_unescape, self.script_text))


def _unescape(found: re.Match[str]) -> str:
    if found.group(1):
        return chr(int(found.group(1), 16))
    return found.group(2) or " "


def prepare_page(
    text: str,
    script_text: str = "",
    html: str | None = None,
    hidden: str = "",
    data: tuple[str, ...] = (),
) -> PreparedPage:
    """Normalise a page's text once so that every quote searches the same string.

    `html`, `hidden` and `data`: the page's source, hidden text and data scripts (see
    `PageText`), for quotes not in its text as it stands.
    """
    index = NormalisedText.build(text)
    return PreparedPage(
        original=text,
        normalised=index.text,
        script_text=script_text,
        index=index,
        html=html,
        hidden=hidden,
        data=data,
    )


def prepare_extracted(page: PageText) -> PreparedPage:
    """`prepare_page` for an extracted page: its text, scripts, source, hidden and data text."""
    return prepare_page(page.text, page.script_text, page.html, page.hidden, page.data)


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
    return _not_found(quote, segments, page, url)


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


def _not_found(
    quote: str, segments: list[Segment], page: PreparedPage, url: str | None = None
) -> QuoteResult:
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
    loose = _loose(quote, segments, page)
    if loose is not None:
        return _found_loosely(quote, page, loose, url)
    passage = closest_passage(needle, page.normalised)
    score = passage.score if passage else 0.0
    closest = _original(page, passage.start, passage.end) if passage else None
    unshown = _unshown(quote, segments, page)
    if score >= ALTERED_THRESHOLD and closest is not None:
        return QuoteResult(
            text=quote,
            status=QuoteStatus.ALTERED,
            score=score,
            closest=closest,
            diff=word_diff(shown, closest),
            note=COPY_UNSHOWN_NOTE if unshown else None,
        )
    if unshown is not None and score < UNSHOWN_FLOOR:
        return unshown
    return QuoteResult(
        text=quote,
        status=QuoteStatus.MISSING,
        score=score,
        closest=closest,
        note=COPY_UNSHOWN_NOTE if unshown else _script_note(segments, page),
    )


def _loose(quote: str, segments: list[Segment], page: PreparedPage) -> LooseMatch | None:
    """The quote found punctuation apart (offsets of `page.marked`, or of `page.original`
    when it has no marks), looked for around each place one of its longest words stands."""
    if len(segments) != 1 or segments[0].insertions:
        return None
    normalised = page.normalised
    words = sorted(set(_WORD.findall(normalise(quote))), key=len, reverse=True)[:3]
    wanted, margin = skeleton(quote), len(quote) + LOOSE_MARGIN
    for anchor in words:  # the next word only when this one stands in too many places
        places = _places(normalised, anchor)
        if places is None:
            continue
        for pos in places:
            lo, hi = max(pos - margin, 0), pos + margin
            if wanted not in bare(normalised[lo:hi]):  # the words are not all there
                continue
            found = _loose_window(
                quote, page, page.index.to_original(lo), page.index.to_original(hi, end=True) + 1
            )
            if found is not None:
                return found
        return None
    return None


def _places(text: str, word: str) -> list[int] | None:
    """Where `word` stands in `text` (inside other words too), None past MAX_LOOSE_WINDOWS."""
    places: list[int] = []
    pos = text.find(word)
    while pos >= 0:
        if len(places) == MAX_LOOSE_WINDOWS:
            return None
        places.append(pos)
        pos = text.find(word, pos + 1)
    return places


def _loose_window(quote: str, page: PreparedPage, lo: int, hi: int) -> LooseMatch | None:
    """`find_loose` on page.original[lo:hi], its marks included when the page has any."""
    text = page.original
    if page.marked is not None:
        text, lo, hi = page.marked, _marked_offset(page, lo), _marked_offset(page, hi)
    found = find_loose(quote, text[lo:hi])
    return LooseMatch(lo + found.start, lo + found.end, found.note) if found else None


def _marked_offset(page: PreparedPage, pos: int) -> int:
    """Where offset `pos` of `page.original` stands in `page.marked` (the same text with
    MARKs): past as many marks as stand before it."""
    if page.marked is None:
        return pos
    marked, at = page.marked, pos
    while (moved := pos + marked.count(MARK, 0, at + 1)) != at:
        at = moved
    return at


def _found_loosely(
    quote: str, page: PreparedPage, loose: LooseMatch, url: str | None
) -> QuoteResult:
    passage = (page.marked or page.original)[loose.start : loose.end].replace(MARK, "")
    result = _found_result(quote, passage, [passage], 1, url)
    return replace(result, note=loose.note)


def _unshown(quote: str, segments: list[Segment], page: PreparedPage) -> QuoteResult | None:
    """The quote found in text the page does not show at first: its hidden elements, then
    its data scripts (a found result with a note and no link), else None."""
    for where, note in ((page.hidden_page, HIDDEN_NOTE), (page.data_page, SCRIPT_NOTE)):
        if where is None:
            continue
        found = _found_in(quote, segments, where)
        if found is not None:
            if where is page.data_page and len(page.normalised) < NEARLY_EMPTY:
                note = f"{note} ({UNRENDERED_NOTE})"
            return replace(found, note=f"{note}; {found.note}" if found.note else note)
    return None


def _found_in(quote: str, segments: list[Segment], page: PreparedPage) -> QuoteResult | None:
    """The quote found on `page` exactly or punctuation apart (no link), else None."""
    chains = [
        c
        for c in find_quote(segments, page.normalised)
        if len(c) == 1 or not elided_negation(c, page.normalised)
    ]
    if chains:
        return _found(quote, page, chains, None)
    loose = _loose(quote, segments, page)
    return _found_loosely(quote, page, loose, None) if loose else None


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
