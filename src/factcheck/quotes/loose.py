"""Punctuation is not wording: find a quote whose words stand on the page in order and which
differs only in the punctuation between them, the spacing around punctuation, or a space where
two elements meet.

Both sides become a "core": words (letters and digits, with the punctuation inside them:
"4.5", "1,500", "don't", "e-mail" stay one word, compared exactly), other punctuation marks
one by one, commas, full stops, colons and semicolons between words dropped, one space between
any two units. On the page, two words whose elements meet with no space (MARK) are joined by
an optional space: the quote may run them together or not ("UpdatedPolice", "prob|lem"), and
at the quote's first and last word that place is a word boundary. The quote may also carry its
own quote marks, or other end punctuation, at its ends. Words, numbers, names and negations
stay exactly as strict as in the exact search: a word is never split, joined, added or lost.

This runs only for a quote the exact search did not find and whose closest passage is near:
on a small window of the page, never on the whole page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from factcheck.quotes.extract import MARK
from factcheck.quotes.normalise import is_unspaced, normalise

FORGIVEN = frozenset(",.;:")  # between words: not wording
AT_ENDS = FORGIVEN | frozenset('"!?')  # also forgiven at the quote's first and last place
# A run of the text between spaces, or between MARKs standing between two letters or digits
# (the optional spaces); a MARK next to a mark is inside the run.
_RUN = re.compile(f"(?:[^\\s{MARK}]|(?<![^\\W_]){MARK}|{MARK}(?![^\\W_]))+")
_UNIT = re.compile(r"\w+(?:[^\w\s]\w+)*|[^\w\s]")
_SKELETON = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Unit:
    """A word or a punctuation mark of the core, with its span in the original text."""

    text: str
    start: int
    end: int
    word: bool


@dataclass(frozen=True)
class LooseMatch:
    """Where a quote stands on a text, punctuation apart, and what differs (None: spacing)."""

    start: int
    end: int
    note: str | None


def units(text: str) -> list[tuple[Unit, bool]]:
    """The units of `text` in order, each with whether only a MARK joins it to the one
    before (a MARK next to a mark, as in "Queens.|Credit", joins nothing: it is dropped)."""
    out: list[tuple[Unit, bool]] = []
    last_end = -1
    for run in _RUN.finditer(text):
        base = run.start()
        glued = last_end >= 0 and set(text[last_end:base]) == {MARK}
        raw = run.group()
        kept = [i for i, char in enumerate(raw) if char != MARK] if MARK in raw else None
        raw = raw.replace(MARK, "") if kept else raw
        norm = normalise(raw)
        exact = len(norm) == len(raw)  # offsets inside the run map one to one
        for found in _UNIT.finditer(norm):
            start, end = (found.start(), found.end()) if exact else (0, len(raw))
            if kept:
                start, end = kept[start], kept[end - 1] + 1
            word = found.group()[0].isalnum() or found.group()[0] == "_"
            out.append((Unit(found.group(), base + start, base + end, word), glued))
            glued = False
        last_end = run.end()
    return out


def skeleton(text: str) -> str:
    """Letters and digits only, marks and all: a quote found loosely has its skeleton inside
    the page's (the cheap test before the real one)."""
    return bare(normalise(text.replace(MARK, "")))


def bare(normalised: str) -> str:
    """`skeleton` of a text already normalised."""
    return _SKELETON.sub("", normalised)


def find_loose(quote: str, text: str) -> LooseMatch | None:
    """Where `quote` (one passage, no editorial marks) stands on `text` (the page's original
    text, MARKs included), punctuation apart; None when its words are not there in order."""
    quote_units = [unit for unit, _ in units(quote)]
    core = _trim(quote_units)
    if not any(unit.word for unit in core):
        return None
    page_units = [(u, glued) for u, glued in units(text) if u.word or u.text not in FORGIVEN]
    page_core, starts = _core(page_units)
    found = _pattern(core).search(page_core)
    if found is None:
        return None
    first = bisect_right(starts, found.start()) - 1
    last = bisect_right(starts, found.end() - 1) - 1
    start, end = page_units[first][0].start, page_units[last][0].end
    near = units_near(text, start, end, quote_units)
    return LooseMatch(start, end, punctuation_note(quote_units, near))


def _trim(quote_units: list[Unit]) -> list[Unit]:
    """The quote's units less forgiven punctuation, and less what may differ at its ends."""
    core = [u for u in quote_units if u.word or u.text not in FORGIVEN]
    while core and not core[0].word and core[0].text in AT_ENDS:
        core.pop(0)
    while core and not core[-1].word and core[-1].text in AT_ENDS:
        core.pop()
    return core


def _core(page_units: list[tuple[Unit, bool]]) -> tuple[str, list[int]]:
    """The page's core text (units joined by a space, or MARK where only marks join two
    words) and where each unit starts in it."""
    pieces: list[str] = []
    starts: list[int] = []
    length = 0
    previous: Unit | None = None
    for unit, glued in page_units:
        if previous is not None:
            joiner = MARK if glued and unit.word and previous.word else " "
            pieces.append(joiner)
            length += 1
        starts.append(length)
        pieces.append(unit.text)
        length += len(unit.text)
        previous = unit
    return "".join(pieces), starts


def _pattern(core: list[Unit]) -> re.Pattern[str]:
    """The quote's core as a pattern: a MARK may split any word of the page, a MARK or a
    space separates units, and the match starts and ends on a unit boundary."""
    optional = re.escape(MARK) + "?"
    parts = [optional.join(map(re.escape, u.text)) if u.word else re.escape(u.text) for u in core]
    body = f"[ {MARK}]".join(parts)
    before = "" if is_unspaced(core[0].text[0]) else f"(?<![^ {MARK}])"
    after = "" if is_unspaced(core[-1].text[-1]) else f"(?![^ {MARK}])"
    return re.compile(before + body + after)


def units_near(text: str, start: int, end: int, quote: list[Unit]) -> list[Unit]:
    """The units of text[start:end], with as many punctuation marks right before and after
    it as the quote has at its ends (the page's "election," for a quote ending "election.")."""
    lead = next((i for i, u in enumerate(quote) if u.word), 0)
    trail = next((i for i, u in enumerate(reversed(quote)) if u.word), 0)
    lo, hi = start, end
    while lo > 0 and _mark_or_punctuation(text[lo - 1]):
        lo -= 1
    while hi < len(text) and _mark_or_punctuation(text[hi]):
        hi += 1
    before = [u for u, _ in units(text[lo:start])][-lead:] if lead else []
    after = [u for u, _ in units(text[end:hi])][:trail]
    return before + [u for u, _ in units(text[start:end])] + after


def _mark_or_punctuation(char: str) -> bool:
    return not char.isspace() and not char.isalnum()


def punctuation_note(quote: list[Unit], page: list[Unit]) -> str | None:
    """What differs in punctuation ("',' on the page where the quote has '.'"); None when
    only spacing or element boundaries differ."""
    ours = [u.text for u in quote if not u.word and u.text != MARK]
    theirs = [u.text for u in page if not u.word and u.text != MARK]
    if ours == theirs:
        return None
    changes = []
    for tag, a0, a1, b0, b1 in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        quoted, shown = " ".join(ours[a0:a1]), " ".join(theirs[b0:b1])
        if tag == "replace":
            changes.append(f"'{shown}' on the page where the quote has '{quoted}'")
        elif tag == "delete":
            changes.append(f"the quote has '{quoted}' where the page has none")
        elif tag == "insert":
            changes.append(f"'{shown}' on the page, not in the quote")
    return "punctuation differs: " + "; ".join(changes)
