"""The page's passage closest to a quote that is not on it, and a word diff between them.

Candidates come from the quote's rarest words (found with `str.count`/`str.find`, no per-page
Python loop) and rapidfuzz's `partial_ratio_alignment` inside small windows. That alignment
never reports a passage longer than the quote (rapidfuzz issue 323), so the passage is then
re-aligned word by word over a wider window, with free ends on the page side, to report the
page's whole passage ("did not knowingly", not "did not knowing").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from factcheck.quotes.normalise import CJK, normalise

TOKEN = re.compile(f"[{CJK}]|[^\\W{CJK}]+|[^\\w\\s]")
_ANCHOR = re.compile(f"[^\\W\\d_{CJK}]{{4,}}|\\d[\\d.,]*|[{CJK}]{{2}}")
MAX_ANCHOR_HITS = 400
WINDOWS = 3


@dataclass(frozen=True)
class Passage:
    """A span of the normalised page and its similarity (0-100) to the quote."""

    start: int
    end: int
    score: float


def closest_passage(needle: str, text: str) -> Passage | None:
    """The passage of `text` nearest to `needle` (both normalised), or None on an empty page."""
    if not needle or not text:
        return None
    best: tuple[float, int, int] | None = None
    for lo, hi in _windows(needle, text):
        found = fuzz.partial_ratio_alignment(needle, text[lo:hi])
        if found and (best is None or found.score > best[0]):
            best = (found.score, lo + found.dest_start, lo + found.dest_end)
    if best is None:
        return None
    start, end = _realign(needle, text, best[1], best[2])
    return Passage(start, end, round(fuzz.ratio(needle, text[start:end]), 1))


def _windows(needle: str, text: str) -> list[tuple[int, int]]:
    """Up to WINDOWS stretches of `text` where the quote's rarer words cluster."""
    size = max(len(needle), 60)
    votes: Counter[int] = Counter()
    for word in sorted(set(_ANCHOR.findall(needle)), key=len, reverse=True)[:12]:
        if not 0 < text.count(word) <= MAX_ANCHOR_HITS:
            continue
        offset = needle.find(word)
        pos = text.find(word)
        while pos >= 0:
            votes[max(pos - offset, 0) // size] += len(word)
            pos = text.find(word, pos + 1)
    if not votes:
        # No rare word is on the page: let rapidfuzz scan it with the quote's opening.
        found = fuzz.partial_ratio_alignment(needle[:120], text)
        return [(max(found.dest_start - size, 0), found.dest_end + 2 * size)] if found else []
    return [
        (max(bucket * size - size, 0), (bucket + 2) * size + size)
        for bucket, _ in votes.most_common(WINDOWS)
    ]


def _realign(needle: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen text[start:end] to the page's whole passage: word alignment with free ends."""
    slack = len(needle) // 2 + 30
    lo, hi = max(start - slack, 0), min(end + slack, len(text))
    words = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, lo, hi)]
    # no words cut at a window's edges; the page's own start and end cut nothing
    whole = [w for w in words if (lo < w[0] or lo == 0) and (w[1] < hi or hi == len(text))]
    words = whole or words
    quote = [m.group() for m in TOKEN.finditer(needle)]
    if not words or not quote:
        return start, end
    first, last = semi_global(quote, [w[2] for w in words])
    return words[first][0], words[last - 1][1]


def semi_global(quote: list[str], page: list[str]) -> tuple[int, int]:
    """The span [first, last) of `page` tokens that `quote` aligns to at least cost
    (edit distance on tokens, leading and trailing page tokens free), on ties the one
    nearest the quote's length."""
    cols = len(page)
    cost = [0] * (cols + 1)
    origin = list(range(cols + 1))
    for i, word in enumerate(quote, 1):
        new_cost, new_origin = [i] + [0] * cols, [0] * (cols + 1)
        for j in range(1, cols + 1):
            diag = cost[j - 1] + (word != page[j - 1])
            up, left = cost[j] + 1, new_cost[j - 1] + 1
            if diag <= up and diag <= left:
                new_cost[j], new_origin[j] = diag, origin[j - 1]
            elif up <= left:
                new_cost[j], new_origin[j] = up, origin[j]
            else:
                new_cost[j], new_origin[j] = left, new_origin[j - 1]
        cost, origin = new_cost, new_origin
    best = min(range(1, cols + 1), key=lambda j: (cost[j], abs(j - origin[j] - len(quote))))
    return origin[best], max(best, origin[best] + 1)


def word_diff(quote: str, passage: str) -> str:
    """The quote's words changed into the passage's: `[-removed-] {+added+}`, in the
    original spelling of each side. A change is spaced from the words before it as its own
    first word is ('4.[-5-] {+6+}', '国家[-全-]'); the one space between a removal and the
    addition that replaces it only separates the two marks."""
    a, b = _tokens(quote), _tokens(passage)
    out = ""
    for op in Levenshtein.opcodes([t[1] for t in a], [t[1] for t in b]):
        old, new = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
        if op.tag == "equal":
            piece = _join(new)
        else:
            marks = [f"[-{_join(old)}-]"] if old else []
            piece = " ".join(marks + ([f"{{+{_join(new)}+}}"] if new else []))
        spaced = (old or new)[0][2]
        out += (" " if out and spaced else "") + piece
    return out


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(original, normalised, preceded by space) for each word or punctuation mark."""
    tokens = []
    for found in TOKEN.finditer(text):
        norm = normalise(found.group())
        if norm:
            spaced = found.start() > 0 and text[found.start() - 1].isspace()
            tokens.append((found.group(), norm, spaced))
    return tokens


def _join(tokens: list[tuple[str, str, bool]]) -> str:
    return "".join(
        (" " if spaced and i else "") + word for i, (word, _, spaced) in enumerate(tokens)
    )
