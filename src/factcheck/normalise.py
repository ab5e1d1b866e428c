"""Fold what does not change meaning, on quotes and pages alike, and map offsets back.

A page is normalised once, in chunks cut at whitespace, so that a position in the normalised
text can be mapped back to the page's original text (to show the page's own passage) without
a per-character table for the whole page.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

# Scripts written without spaces between words: no word boundary is required around a match,
# and whitespace next to a CJK character is ignored (it is layout, not a word break:
# "防控体系 PPP 项目" and "防控体系PPP项目" are the same text).
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
UNSPACED = CJK + "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"

# Superscripts keep their meaning apart from plain digits ("10²" is not "102").
_PRE = {ord(c): "^" + d for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True)}
_PRE.update({ord(c): "_" + d for c, d in zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True)})
_QUOTE_MARKS = "'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb" \
    "\u2039\u203a\u00b4`\u300c\u300d\u300e\u300f\u301d\u301e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63"
_TABLE: dict[int, str | None] = dict.fromkeys(map(ord, _QUOTE_MARKS), '"')
_TABLE.update(dict.fromkeys(map(ord, _DASHES), "-"))
_TABLE.update(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None))
_TABLE[ord("\u2026")] = "..."
_CJK_GAP = re.compile(f"(?<=[{CJK}]) | (?=[{CJK}])")
# str.translate costs ~70 ns a character; a regex finds the few characters to translate.
_TABLE_CHARS = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]")
_NON_SPACE = re.compile(r"\S+")
_BREAK = re.compile(r"\s")
CHUNK = 8192


def normalise(text: str) -> str:
    """Return `text` folded: NFKC, case, quote marks, dashes, ellipsis, invisible characters,
    runs of whitespace (none next to a CJK character)."""
    if text.isascii():  # the common chunk: only straight quotes to fold
        text = text.replace("'", '"').replace("`", '"').lower()
        return " ".join(text.split())
    if not unicodedata.is_normalized("NFKC", text):  # superscripts are never NFKC
        text = unicodedata.normalize("NFKC", text.translate(_PRE))
    if _TABLE_CHARS.search(text):
        text = _TABLE_CHARS.sub(_fold_char, text)
    text = " ".join(text.casefold().split())
    return _CJK_GAP.sub("", text) if _CJK_CHAR.search(text) else text


def _fold_char(found: re.Match[str]) -> str:
    return _TABLE[ord(found.group())] or ""


def is_unspaced(char: str) -> bool:
    """True for a character of a script written without spaces (CJK, Thai...)."""
    return bool(_UNSPACED_CHAR.match(char))


_UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
_CJK_CHAR = re.compile(f"[{CJK}]")


def _joiner(left: str, right: str) -> str:
    """What separates two normalised pieces that whitespace separated in the original."""
    if not left or not right:
        return ""
    return "" if _CJK_CHAR.match(left[-1]) or _CJK_CHAR.match(right[0]) else " "


@dataclass
class _Chunk:
    orig_start: int
    orig_end: int
    norm_start: int
    norm_end: int
    tokens: list[tuple[int, int, int, int]] | None = None  # (norm_start, norm_end, o_s, o_e)


@dataclass
class NormalisedText:
    """A text normalised in chunks, with the way back from normalised to original offsets."""

    original: str
    text: str = ""
    chunks: list[_Chunk] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    @classmethod
    def build(cls, original: str) -> NormalisedText:
        """Normalise `original` chunk by chunk (each cut at whitespace)."""
        pieces: list[str] = []
        chunks: list[_Chunk] = []
        length, last = 0, ""
        for start, end in _chunk_bounds(original):
            norm = normalise(original[start:end])
            if not norm:
                continue
            sep = _joiner(last, norm) if pieces else ""
            pieces.append(sep + norm)
            length += len(sep)
            chunks.append(_Chunk(start, end, length, length + len(norm)))
            length += len(norm)
            last = norm
        return cls(original, "".join(pieces), chunks, [c.norm_start for c in chunks])

    def to_original(self, pos: int, end: bool = False) -> int:
        """The original offset of normalised offset `pos` (an exclusive end when `end`)."""
        if not self.chunks:
            return 0
        index = max(bisect_right(self._starts, pos - (1 if end else 0)) - 1, 0)
        chunk = self.chunks[index]
        tokens = self._tokens(chunk)
        rel = pos - chunk.norm_start
        starts = [t[0] for t in tokens]
        t_index = max(bisect_right(starts, rel - (1 if end else 0)) - 1, 0)
        n_s, n_e, o_s, o_e = tokens[t_index]
        rel = min(max(rel, n_s), n_e)
        if n_e - n_s == o_e - o_s:
            return chunk.orig_start + o_s + (rel - n_s)
        if rel in (n_s, n_e):
            return chunk.orig_start + (o_s if rel == n_s else o_e)
        share = (rel - n_s) / (n_e - n_s)
        return chunk.orig_start + o_s + round(share * (o_e - o_s))

    def _tokens(self, chunk: _Chunk) -> list[tuple[int, int, int, int]]:
        """Per-word offsets of a chunk, computed the first time the chunk is needed."""
        if chunk.tokens is None:
            text = self.original[chunk.orig_start:chunk.orig_end]
            tokens: list[tuple[int, int, int, int]] = []
            length, last = 0, ""
            for found in _NON_SPACE.finditer(text):
                norm = normalise(found.group())
                if not norm:
                    continue
                length += len(_joiner(last, norm)) if tokens else 0
                tokens.append((length, length + len(norm), found.start(), found.end()))
                length, last = length + len(norm), norm
            if length != chunk.norm_end - chunk.norm_start or not tokens:
                # Normalising word by word disagrees with the chunk: map the chunk linearly.
                tokens = [(0, chunk.norm_end - chunk.norm_start, 0, len(text))]
            chunk.tokens = tokens
        return chunk.tokens


def _chunk_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    while start < len(text):
        cut = _BREAK.search(text, start + CHUNK) if start + CHUNK < len(text) else None
        end = cut.start() if cut else len(text)
        bounds.append((start, end))
        start = end
    return bounds
