"""Quote matching: a pure function over strings, no I/O.

Both sides are normalised the same way; a quote is `found` only when its words stand on the
page, `altered` when a close passage stands there instead, `missing` otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from factcheck.models import QuoteResult, QuoteStatus

ALTERED_THRESHOLD = 80.0  # below this score a quote is missing, not altered

_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'")
_QUOTES.update(dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'))
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_REMOVE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TABLE = {**_QUOTES, **_DASHES, **_REMOVE, ord("\u2026"): "..."}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold what does not change meaning: Unicode form, case, quote marks, dashes, spacing."""
    text = unicodedata.normalize("NFKC", text).translate(_TABLE).casefold()
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class PreparedPage:
    """A page normalised once, to search for many quotes."""

    original: str
    normalised: str
    script_text: str = ""


def prepare_page(text: str, script_text: str = "") -> PreparedPage:
    """Normalise a page's text once so that every quote searches the same string."""
    return PreparedPage(original=text, normalised=normalise(text), script_text=script_text)


def match_quote(quote: str, page: PreparedPage, url: str | None = None) -> QuoteResult:
    """Where `quote` stands on `page`: found, altered (with the closest passage) or missing."""
    needle = normalise(quote)
    occurrences = page.normalised.count(needle) if needle else 0
    if occurrences:
        return QuoteResult(text=quote, status=QuoteStatus.FOUND, score=100.0,
                           occurrences=occurrences)
    from rapidfuzz import fuzz

    alignment = fuzz.partial_ratio_alignment(needle, page.normalised)
    closest = page.normalised[alignment.dest_start:alignment.dest_end] if alignment else None
    score = round(alignment.score, 1) if alignment else 0.0
    status = QuoteStatus.ALTERED if score >= ALTERED_THRESHOLD else QuoteStatus.MISSING
    return QuoteResult(text=quote, status=status, score=score, closest=closest)
