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
from functools import cache

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
_QUOTE_MARKS = (
    "'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb"
    "\u2039\u203a\u00b4`\u300c\u300d\u300e\u300f\u301d\u301e"
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63"
_TABLE: dict[int, str | None] = dict.fromkeys(map(ord, _QUOTE_MARKS), '"')
_TABLE.update(dict.fromkeys(map(ord, _DASHES), "-"))
_TABLE.update(dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None))
_TABLE[ord("\u2026")] = "..."
# str.translate costs ~70 ns a character; a regex finds the few characters to translate.
_TABLE_CHARS = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]")
_NON_SPACE = re.compile(r"\S+")
_BREAK = re.compile(r"\s")
CHUNK = 8192
# The ASCII fold: the straight quote marks, and every other character `str.split` takes for
# whitespace made a space. `lower` plus a `replace` of each one present (a memchr scan each)
# is twice as fast as `str.translate`, and `str.split` with `join` is slower still.
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_ASCII_FOLD = (("'", '"'), ("`", '"'), *((char, " ") for char in _ASCII_SPACE))
_ASCII_WHITE = str.maketrans(dict.fromkeys(_ASCII_SPACE, " "))
_SPACES = re.compile("  +")


def normalise(text: str) -> str:
    """Return `text` folded: NFKC, case, quote marks, dashes, ellipsis, invisible characters,
    runs of whitespace (none next to a CJK character)."""
    if text.isascii():  # the common chunk
        text = text.lower()
        for char, replacement in _ASCII_FOLD:
            if char in text:
                text = text.replace(char, replacement)
        return (_SPACES.sub(" ", text) if "  " in text else text).strip(" ")
    if not unicodedata.is_normalized("NFKC", text):  # superscripts are never NFKC
        text = unicodedata.normalize("NFKC", text.translate(_PRE))
    if _TABLE_CHARS.search(text):
        text = _TABLE_CHARS.sub(_fold_char, text)
    text = " ".join(text.casefold().split())
    return _cjk_gap().sub("", text) if _cjk_char().search(text) else text


def _fold_char(found: re.Match[str]) -> str:
    return _TABLE[ord(found.group())] or ""


def is_unspaced(char: str) -> bool:
    """True for a character of a script written without spaces (CJK, Thai...)."""
    return bool(_unspaced_char().match(char))


# The three regexes of whole Unicode ranges cost ~10 ms to compile: built on first use, so
# that `factcheck --help` and runs whose pages are all ASCII never pay for them.
@cache
def _cjk_gap() -> re.Pattern[str]:
    return re.compile(f"(?<=[{CJK}]) | (?=[{CJK}])")


@cache
def _unspaced_char() -> re.Pattern[str]:
    return re.compile(f"[{UNSPACED}]")


@cache
def _cjk_char() -> re.Pattern[str]:
    return re.compile(f"[{CJK}]")


def _joiner(left: str, right: str) -> str:
    """What separates two normalised pieces that whitespace separated in the original."""
    if not left or not right:
        return ""
    cjk = _cjk_char()
    return "" if cjk.match(left[-1]) or cjk.match(right[0]) else " "


@dataclass
class _Chunk:
    orig_start: int
    orig_end: int
    norm_start: int
    norm_end: int
    ascii: bool = False
    # ASCII chunks: (normalised start of the word after a run of spaces, spaces removed so far)
    shifts: tuple[list[int], list[int]] | None = None
    # Other chunks: (norm_start, norm_end, o_s, o_e) of each word, and the norm_starts alone
    tokens: list[tuple[int, int, int, int]] | None = None
    starts: list[int] | None = None


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
            piece = original[start:end]
            norm = normalise(piece)
            if not norm:
                continue
            sep = _joiner(last, norm) if pieces else ""
            pieces.append(sep + norm)
            length += len(sep)
            chunks.append(_Chunk(start, end, length, length + len(norm), piece.isascii()))
            length += len(norm)
            last = norm
        return cls(original, "".join(pieces), chunks, [c.norm_start for c in chunks])

    def to_original(self, pos: int, end: bool = False) -> int:
        """The original offset of normalised offset `pos` (an exclusive end when `end`).

        A position inside a word maps into the same word of the original; one between words
        maps to the end of the word before (the start of the first word, before any).
        """
        if not self.chunks:
            return 0
        index = max(bisect_right(self._starts, pos - (1 if end else 0)) - 1, 0)
        chunk = self.chunks[index]
        if chunk.ascii:
            return self._ascii_to_original(chunk, pos, end)
        tokens, starts = self._tokens(chunk)
        rel = pos - chunk.norm_start
        t_index = max(bisect_right(starts, rel - (1 if end else 0)) - 1, 0)
        n_s, n_e, o_s, o_e = tokens[t_index]
        rel = min(max(rel, n_s), n_e)
        if n_e - n_s == o_e - o_s:
            return chunk.orig_start + o_s + (rel - n_s)
        if rel in (n_s, n_e):
            return chunk.orig_start + (o_s if rel == n_s else o_e)
        share = (rel - n_s) / (n_e - n_s)
        return chunk.orig_start + o_s + round(share * (o_e - o_s))

    def _ascii_to_original(self, chunk: _Chunk, pos: int, end: bool) -> int:
        """`to_original` in an ASCII chunk, where each word keeps its length: find the word
        in the normalised text, then add the whitespace the original has before it."""
        text, lo, hi = self.text, chunk.norm_start, chunk.norm_end
        at = min(max(pos - (1 if end else 0), lo), hi)
        word_start = max(text.rfind(" ", lo, at) + 1, lo)
        word_end = text.find(" ", word_start, hi)
        word_end = hi if word_end < 0 else word_end
        norms, removed = self._shifts(chunk)
        runs_before = bisect_right(norms, word_start - lo)
        shift = removed[runs_before - 1] if runs_before else 0
        return chunk.orig_start + shift + min(max(pos, word_start), word_end) - lo

    def _shifts(self, chunk: _Chunk) -> tuple[list[int], list[int]]:
        """Where an ASCII chunk's original has more whitespace than one space, and how much
        normalisation has removed by the word after it."""
        if chunk.shifts is None:
            text = self.original[chunk.orig_start : chunk.orig_end]
            norms, removed, total = [], [], 0
            lead = len(text) - len(text.lstrip())
            if lead:
                norms.append(0)
                removed.append(total := lead)
            # Whitespace normalisation removed beyond the chunk's two ends is in longer runs.
            inner = len(text) - (chunk.norm_end - chunk.norm_start) - lead
            if inner > len(text) - len(text.rstrip()):
                text = text.translate(_ASCII_WHITE)
                for run in _SPACES.finditer(text, lead):
                    total += run.end() - run.start() - 1
                    norms.append(run.end() - total)
                    removed.append(total)
            chunk.shifts = (norms, removed)
        return chunk.shifts

    def _tokens(self, chunk: _Chunk) -> tuple[list[tuple[int, int, int, int]], list[int]]:
        """Per-word offsets of a chunk, computed the first time the chunk is needed."""
        if chunk.tokens is None or chunk.starts is None:
            text = self.original[chunk.orig_start : chunk.orig_end]
            tokens: list[tuple[int, int, int, int]] = []
            length, last, last_ascii = 0, "", False
            for found in _NON_SPACE.finditer(text):
                word = found.group()
                # An ASCII word folds to its own length, and neither side of it is CJK.
                is_ascii = word.isascii()
                norm = word if is_ascii else normalise(word)
                if not norm:
                    continue
                if tokens:
                    length += 1 if is_ascii and last_ascii else len(_joiner(last, norm))
                tokens.append((length, length + len(norm), found.start(), found.end()))
                length, last, last_ascii = length + len(norm), norm, is_ascii
            if length != chunk.norm_end - chunk.norm_start or not tokens:
                # Normalising word by word disagrees with the chunk: map the chunk linearly.
                tokens = [(0, chunk.norm_end - chunk.norm_start, 0, len(text))]
            chunk.tokens, chunk.starts = tokens, [t[0] for t in tokens]
        return chunk.tokens, chunk.starts


def _chunk_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    while start < len(text):
        cut = _BREAK.search(text, start + CHUNK) if start + CHUNK < len(text) else None
        end = cut.start() if cut else len(text)
        bounds.append((start, end))
        start = end
    return bounds
