"""Normalised offsets map back to the page exactly as a word-by-word reading of it would."""

from __future__ import annotations

import re
from bisect import bisect_right

from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.quotes import normalise as module
from factcheck.quotes.normalise import NormalisedText, normalise

_WORD = re.compile(r"\S+")


def reference_to_original(index: NormalisedText, pos: int, end: bool = False) -> int:
    """The mapping by its definition: each chunk read word by word, each word normalised."""
    if not index.chunks:
        return 0
    chunk = index.chunks[max(bisect_right(index._starts, pos - end) - 1, 0)]
    text = index.original[chunk.orig_start : chunk.orig_end]
    tokens: list[tuple[int, int, int, int]] = []
    length, last = 0, ""
    for found in _WORD.finditer(text):
        norm = normalise(found.group())
        if norm:
            length += len(module._joiner(last, norm)) if tokens else 0
            tokens.append((length, length + len(norm), found.start(), found.end()))
            length, last = length + len(norm), norm
    if length != chunk.norm_end - chunk.norm_start or not tokens:
        tokens = [(0, chunk.norm_end - chunk.norm_start, 0, len(text))]
    rel = pos - chunk.norm_start
    n_s, n_e, o_s, o_e = tokens[max(bisect_right([t[0] for t in tokens], rel - end) - 1, 0)]
    rel = min(max(rel, n_s), n_e)
    if n_e - n_s == o_e - o_s:
        return chunk.orig_start + o_s + (rel - n_s)
    if rel in (n_s, n_e):
        return chunk.orig_start + (o_s if rel == n_s else o_e)
    return chunk.orig_start + o_s + round((rel - n_s) / (n_e - n_s) * (o_e - o_s))


PIECES = [
    "word",
    "Word",
    "it's",
    "`x`",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    " \r\n ",
    "\x1c",
    "“q”",
    "—",
    "ﬁne",
    "10²",
    "\u00a0",
    "\u200b",
    "中文",
    "海康",
    "…",
    "ß",
    "İ",
    "\u00a8",
]


def check_every_offset(text: str) -> None:
    index = NormalisedText.build(text)
    for pos in range(-1, len(index.text) + 2):
        for end in (False, True):
            assert index.to_original(pos, end) == reference_to_original(index, pos, end), (
                text,
                pos,
                end,
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_offsets_match_the_word_by_word_reading(pieces: list[str]) -> None:
    check_every_offset("".join(pieces))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=200, max_size=400))
def test_offsets_match_across_chunks(pieces: list[str]) -> None:
    module_chunk = module.CHUNK
    module.CHUNK = 64  # many chunks, some ASCII and some not
    try:
        check_every_offset("".join(pieces))
    finally:
        module.CHUNK = module_chunk


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_fold_is_the_documented_one(text: str) -> None:
    folded = text.replace("'", '"').replace("`", '"').lower()
    assert normalise(text) == " ".join(folded.split())
