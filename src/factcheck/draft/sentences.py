"""Sentences of an article's blocks, each with its links and the passages it quotes.

A paragraph is cut after a full stop, question or exclamation mark followed by a space and a
capital, a digit or an opening quotation mark (or after 。！？), but never inside a quoted
passage or a link, nor after a common abbreviation ("Mr.", "U.S."). A list item or a table row
is one sentence as it stands. Quoted passages: between straight or curly double quotation
marks, « », 「」 or 『』.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from factcheck.draft.maintext import Block, Link

QUOTED = re.compile(
    r"\u201c([^\u201c\u201d]+)\u201d"  # “ ”
    r'|"([^"]+)"'
    r"|\u00ab([^\u00ab\u00bb]+)\u00bb"  # « »
    r"|\u300c([^\u300c\u300d]+)\u300d"  # 「 」
    r"|\u300e([^\u300e\u300f]+)\u300f"  # 『 』
)
_END = re.compile(
    r"[.!?][\"\u201d\u2019\u00bb)\]]*\s+(?=[\"\u201c\u2018\u00ab(\[\d\w])"
    r"|[\u3002\uff01\uff1f][\u300d\u300f\u201d)]*\s*(?=\S)"
)
_LAST_WORD = re.compile(r"(\S+)$")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen gov sen rep col lt sgt inc corp co ltd vs etc no nos fig"
    " e.g i.e u.s u.k u.n jan feb mar apr jun jul aug sep sept oct nov dec approx est dept".split()
)
_TRIM = " \t,;:.\u3001\u3002"
MIN_QUOTE = 2  # characters: a quoted letter is no passage


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list item, or table row) with its links and quoted passages."""

    text: str
    links: tuple[Link, ...]
    quotes: tuple[str, ...]


def sentences(block: Block) -> list[Sentence]:
    """The sentences of `block` in order, with the links and quotes inside each."""
    quote_spans = [(m.start(), m.end()) for m in QUOTED.finditer(block.text)]
    if block.whole:
        return [_sentence(block, 0, len(block.text))]
    link_spans = sorted((link.start, link.end) for link in block.links)
    cuts = [0]
    for end in _END.finditer(block.text):
        cut = end.end()
        if _inside(cut, quote_spans) or _inside(cut, link_spans):
            continue
        if not _abbreviation(block.text, end.start()):
            cuts.append(cut)
    cuts.append(len(block.text))
    found = [_sentence(block, a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
    return [s for s in found if s.text]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """True when `pos` falls strictly inside one of `spans` (sorted, not overlapping: a
    bisection, so a page of many quotes costs no more than one of few)."""
    index = bisect.bisect_left(spans, (pos, pos)) - 1
    return index >= 0 and spans[index][0] < pos < spans[index][1]


def _abbreviation(text: str, pos: int) -> bool:
    """True when the full stop at `pos` ends an abbreviation or an initial, not a sentence."""
    if text[pos] != ".":
        return False
    word = _LAST_WORD.search(text, 0, pos)
    if word is None:
        return False
    token = word.group(1).lstrip('("\u201c').lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _sentence(block: Block, start: int, end: int) -> Sentence:
    raw = block.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    begin = start + lead
    links = tuple(
        Link(link.start - begin, link.end - begin, link.target)
        for link in block.links
        if begin <= link.start < begin + len(text)
    )
    return Sentence(text, links, quoted_passages(text))


def quoted_passages(text: str) -> tuple[str, ...]:
    """The passages between quotation marks in `text`, in order, each once."""
    passages = []
    for found in QUOTED.finditer(text):
        passage = next(g for g in found.groups() if g is not None).strip(_TRIM)
        if len(passage) >= MIN_QUOTE and any(c.isalnum() for c in passage):
            passages.append(passage)
    return tuple(dict.fromkeys(passages))
