"""Editorial marks in a quote: ellipses, bracketed insertions, [sic], (emphasis added).

A quote becomes segments that must stand on the page in order, each close to the one before;
a bracketed insertion ("[Hikvision]" for "they") matches its own text or a few other words.
Search runs on normalised text: exact pieces with `str.find`, a bounded regex around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.quotes.normalise import is_unspaced, normalise

MAX_GAP = 1500  # normalised characters an ellipsis may stand for
MAX_INSERTION_WORDS = 6  # words of the page a bracketed insertion may stand for
_IGNORED = re.compile(
    r"\s*[\[(]\s*(?:sic!?|emphasis (?:added|mine|ours|in (?:the )?original)|"
    r"italics (?:added|mine|in original))\s*[\])]",
    re.I,
)
_ELLIPSIS = re.compile(r"\s*(?:[\[(]\s*(?:…|\.(?:\s?\.){2,})\s*[\])]|…|\.(?:\s?\.){2,})\s*")
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_SLOT = "\x00"
_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "n't",
        "none",
        "nor",
        "neither",
        "cannot",
        "without",
        "nothing",
        "nobody",
        "nowhere",
        "不",
        "没",
        "没有",
        "未",
        "无",
    }
)


@dataclass(frozen=True)
class Segment:
    """A run of the quote without ellipsis: literal pieces around insertion slots."""

    pieces: tuple[str, ...]  # normalised; one more than `insertions`
    insertions: tuple[str, ...]  # the normalised own text of each bracketed insertion

    @property
    def plain(self) -> str:
        """The segment with each insertion read as its own text."""
        out = self.pieces[0]
        for own, piece in zip(self.insertions, self.pieces[1:], strict=True):
            out += own + piece
        return out.strip()


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def parse_quote(quote: str) -> list[Segment]:
    """Split `quote` at its ellipses into segments, ignoring [sic] and (emphasis added)."""
    text = _IGNORED.sub("", quote)
    segments = []
    for part in _ELLIPSIS.split(text):
        segment = _segment(part)
        if segment.plain:
            segments.append(segment)
    return segments


def readable(quote: str) -> str:
    """The quote as a diff shows it: ellipses as spaces, insertions as their own text."""
    text = _ELLIPSIS.sub(" ", _IGNORED.sub("", quote))
    return _BRACKET.sub(r"\1", text).strip()


def _segment(part: str) -> Segment:
    insertions: list[str] = []

    def slot(found: re.Match[str]) -> str:
        before = part[found.start() - 1] if found.start() else " "
        after = part[found.end()] if found.end() < len(part) else " "
        if before.isalnum() or after.isalnum():  # "[t]he", "Hikvision['s]": part of a word
            return found.group(1)
        insertions.append(normalise(found.group(1)))
        return f" {_SLOT} "

    template = normalise(_BRACKET.sub(slot, part))
    pieces = template.split(_SLOT)
    return Segment(tuple(pieces), tuple(insertions))


def is_bounded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] neither starts nor ends inside a word (alphabetic scripts)."""
    if start > 0 and _wordy(text[start - 1]) and _wordy(text[start]):
        return False
    return not (end < len(text) and _wordy(text[end]) and _wordy(text[end - 1]))


def _wordy(char: str) -> bool:
    return char.isalnum() and (char < "\u0e00" or not is_unspaced(char))


def find_exact(needle: str, text: str, start: int = 0, stop: int | None = None) -> list[Span]:
    """Every word-bounded occurrence of `needle` in text[start:stop], by `str.find`."""
    spans: list[Span] = []
    stop = len(text) if stop is None else stop
    pos = text.find(needle, start, stop)
    while pos >= 0:
        if is_bounded(text, pos, pos + len(needle)):
            spans.append(Span(pos, pos + len(needle)))
        pos = text.find(needle, pos + 1, stop)
    return spans


def find_segment(
    segment: Segment, text: str, start: int = 0, stop: int | None = None
) -> list[Span]:
    """Every occurrence of `segment` in text[start:stop], insertions read generously."""
    if not segment.insertions:
        return find_exact(segment.plain, text, start, stop)
    if not segment.pieces[0].strip() and segment.pieces[1].strip():
        # A leading insertion would let a regex reach back six words: read it as its own
        # text when that stands just before the rest, else as the one word before.
        rest = Segment((segment.pieces[1].lstrip(),) + segment.pieces[2:], segment.insertions[1:])
        own = segment.insertions[0]
        return [
            Span(_word_before(text, span.start, own), span.end)
            for span in find_segment(rest, text, start, stop)
            if _word_before(text, span.start, own) >= start
        ]
    stop = len(text) if stop is None else stop
    pattern = _pattern(segment)
    anchor = max(segment.pieces, key=lambda p: len(p.strip())).strip()
    reach = sum(map(len, segment.pieces)) + len(segment.insertions) * 50 * MAX_INSERTION_WORDS
    spans: list[Span] = []
    for hit in find_exact(anchor, text, start, stop) if anchor else []:
        lo, hi = max(start, hit.start - reach), min(stop, hit.end + reach)
        for found in pattern.finditer(text, lo, hi):
            span = Span(found.start(), found.end())
            if (
                found.start() <= hit.start < found.end()
                and span not in spans
                and is_bounded(text, span.start, span.end)
            ):
                spans.append(span)
    return spans


def _word_before(text: str, pos: int, own: str) -> int:
    """Where the insertion before `pos` starts: its own text if there, else one word."""
    before = text[max(pos - len(own) - 1, 0) : pos]
    if before.rstrip().endswith(own):
        return pos - len(before) + len(before.rstrip()) - len(own)
    space = text.rfind(" ", 0, max(pos - 1, 0))
    return space + 1


def _pattern(segment: Segment) -> re.Pattern[str]:
    words = rf"[^ ]{{1,50}}(?: [^ ]{{1,50}}){{0,{MAX_INSERTION_WORDS - 1}}}"
    parts = [re.escape(segment.pieces[0].lstrip())]
    last = len(segment.insertions) - 1
    for index, (own, piece) in enumerate(zip(segment.insertions, segment.pieces[1:], strict=True)):
        parts.append(f"(?:{re.escape(own)}|{words}?)")
        parts.append(re.escape(piece.rstrip() if index == last else piece))
    return re.compile("".join(parts))


def find_quote(segments: list[Segment], text: str) -> list[list[Span]]:
    """Each way the segments stand on `text` in order, each within MAX_GAP of the one before
    (the earliest next segment for each place the first one stands)."""
    if not segments:
        return []
    chains = []
    for first in find_segment(segments[0], text):
        chain = [first]
        for segment in segments[1:]:
            nexts = find_segment(
                segment, text, chain[-1].end, min(len(text), chain[-1].end + MAX_GAP)
            )
            if not nexts:
                break
            chain.append(nexts[0])
        else:
            chains.append(chain)
    return chains


def elided_negation(chain: list[Span], text: str) -> str | None:
    """The negation an ellipsis leaves out, when the words it stands for are only a few
    and one of them negates ("did [...] knowingly" for "did not knowingly")."""
    for left, right in zip(chain, chain[1:], strict=False):  # nothing for a single segment
        words = re.findall(r"n't|\w+", text[left.end : right.start])
        if 0 < len(words) <= 3 and _NEGATIONS.intersection(words):
            return " ".join(words)
    return None
