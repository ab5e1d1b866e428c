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
# The gap markers of transcripts ("[inaudible]", "(crosstalk 00:12:03)") stand, like "[...]",
# for words left out: the quote splits there.
_GAPS = (
    r"unintelligible|inaudible|indiscernible|crosstalk|cross-talk|laughter|laughs|applause"
    r"|silence|pause|overlapping(?: voices| speech)?|audio (?:cuts out|gap)|garbled|unclear"
)
_ELLIPSIS = re.compile(
    r"\s*(?:[\[(]\s*(?:…|\.(?:\s?\.){2,})\s*[\])]|…|\.(?:\s?\.){2,}"
    rf"|[\[(]\s*(?:{_GAPS})(?:[\s,:]+[\d:.]{{1,12}})?\s*[\])])\s*",
    re.I,
)
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_SLOT = "\x00"
# An insertion inside a word ("[fire]walls" for "walls") is its own text or nothing: it is kept
# between these two marks in a segment's pieces and read as an optional group.
_OPTIONAL_OPEN, _OPTIONAL_CLOSE = "\x02", "\x03"
_OPTIONAL = re.compile("\x02([^\x02\x03]*)\x03")
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
        return _OPTIONAL.sub(r"\1", out).strip()

    @property
    def literal(self) -> bool:
        """True when the segment is one exact piece of text (no insertion of any kind)."""
        return not self.insertions and _OPTIONAL_OPEN not in self.pieces[0]


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
            own = found.group(1)
            # "[fire]walls": a pure insertion, its own text or nothing ("[t]he": a letter
            # changed, always there).
            optional = len(own) > 1 and own.isalpha() and own.islower()
            return f"{_OPTIONAL_OPEN}{own}{_OPTIONAL_CLOSE}" if optional else own
        insertions.append(normalise(found.group(1)))
        # Spaced only as the quote spaces it: "capital [of Warsaw], they" has none before ",".
        return (" " if before.isspace() else "") + _SLOT + (" " if after.isspace() else "")

    template = normalise(_BRACKET.sub(slot, part))
    pieces = template.split(_SLOT)
    return Segment(tuple(pieces), tuple(insertions))


def is_bounded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] neither starts nor ends inside a word (alphabetic scripts).

    A mark between two letters or digits is inside the word: "1" is not on a page saying
    "1,500", nor "I can" on one saying "I can't".
    """
    if start > 0 and _wordy(text[start]) and _wordy_or_joined(text, start - 1, -1):
        return False
    return not (end < len(text) and _wordy(text[end - 1]) and _wordy_or_joined(text, end, 1))


def _wordy_or_joined(text: str, pos: int, step: int) -> bool:
    """True when text[pos] is a letter or digit, or a mark with one just beyond it."""
    char = text[pos]
    if _wordy(char):
        return True
    beyond = pos + step
    return not char.isspace() and 0 <= beyond < len(text) and _wordy(text[beyond])


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
    """Every occurrence of `segment` in text[start:stop], insertions read generously: a
    bracketed insertion is its own text (bracketed or not), a few words, or nothing."""
    if segment.literal:
        return find_exact(segment.plain, text, start, stop)
    if segment.insertions and not segment.pieces[0].strip() and segment.pieces[1].strip():
        # A leading insertion would let a regex reach back six words: read it as its own
        # text when that stands just before the rest, else as nothing (a pure insertion).
        rest = Segment((segment.pieces[1].lstrip(),) + segment.pieces[2:], segment.insertions[1:])
        own = segment.insertions[0]
        return [
            Span(_own_before(text, span.start, own, start), span.end)
            for span in find_segment(rest, text, start, stop)
        ]
    stop = len(text) if stop is None else stop
    literal = " ".join(_OPTIONAL.sub(" ", piece) for piece in segment.pieces)
    if not literal.strip() and len(segment.insertions) == 1:
        # a quote that is all one bracketed passage ("[figure 5: ...]"): the page's own
        return find_exact(f"[{segment.insertions[0]}]", text, start, stop)
    pattern = _pattern(segment)
    anchor = max(literal.split(), key=len, default="")
    reach = sum(map(len, segment.pieces)) + len(segment.insertions) * 50 * MAX_INSERTION_WORDS
    spans: list[Span] = []
    for hit in _find_all(anchor, text, start, stop) if anchor else []:
        lo, hi = max(start, hit - reach), min(stop, hit + len(anchor) + reach)
        for found in pattern.finditer(text, lo, hi):
            span = Span(found.start(), found.end())
            if (
                found.start() <= hit < found.end()
                and span not in spans
                and is_bounded(text, span.start, span.end)
            ):
                spans.append(span)
    return spans


def _find_all(needle: str, text: str, start: int, stop: int) -> list[int]:
    """Every offset of `needle` in text[start:stop] (word boundaries left to the caller)."""
    hits: list[int] = []
    pos = text.find(needle, start, stop)
    while pos >= 0:
        hits.append(pos)
        pos = text.find(needle, pos + 1, stop)
    return hits


def _own_before(text: str, pos: int, own: str, start: int) -> int:
    """Where a leading insertion before `pos` starts: its own text if there, else `pos`."""
    before = text[max(pos - len(own) - 1, start) : pos]
    if own and before.rstrip().endswith(own):
        return pos - len(before) + len(before.rstrip()) - len(own)
    return pos


def _pattern(segment: Segment) -> re.Pattern[str]:
    words = rf"[^ ]{{1,50}}(?: [^ ]{{1,50}}){{0,{MAX_INSERTION_WORDS - 1}}}"
    parts = [_escape(segment.pieces[0].rstrip())]
    for index, own in enumerate(segment.insertions):
        space = " " if segment.pieces[index].endswith(" ") else ""
        mine = re.escape(own)
        parts.append(rf"(?: ?\[{mine}\]|{space}(?:{mine}|{words}?))?")
        parts.append(_escape(segment.pieces[index + 1].rstrip()))
    return re.compile("".join(parts))


def _escape(piece: str) -> str:
    """A piece of a segment as a pattern: "\x02fire\x03walls" is "(?:fire)?walls"."""
    out, at = [], 0
    for found in _OPTIONAL.finditer(piece):
        out.append(re.escape(piece[at : found.start()]))
        out.append(f"(?:{re.escape(found.group(1))})?")
        at = found.end()
    out.append(re.escape(piece[at:]))
    return "".join(out)


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
