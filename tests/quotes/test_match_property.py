"""Property: any passage cut from an extracted page, restyled as a reporter might copy it, is
found; the same passage with one word replaced or a "not" inserted is never found."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from factcheck.models import QuoteStatus
from factcheck.quotes.extract import extract
from factcheck.quotes.match import PreparedPage, match_quote, prepare_page
from factcheck.quotes.normalise import normalise

MATCHER = Path(__file__).resolve().parents[2] / "fixtures" / "matcher"
WORD = re.compile(r"\S+")
QUOTES = ['"', "\u201c", "\u201d", "\u00ab"]
APOSTROPHES = ["'", "\u2019", "\u2018"]
DASHES = ["-", "\u2013", "\u2014", "\u2212"]
EDITORIAL = re.compile(r"[\[\]…]|\.\s?\.\s?\.|\bsic\b|emphasis", re.I)


@cache
def pages() -> list[tuple[str, PreparedPage]]:
    """(original text, prepared page) for a real article (text), a page (HTML), a PDF."""
    sources = [
        extract((MATCHER / "ipvm-article.txt").read_bytes(), "text/plain", "utf-8"),
        extract((MATCHER / "report.pdf").read_bytes(), "application/pdf"),
        extract(_html(), "text/html", "utf-8"),
    ]
    return [(page.text, prepare_page(page.text)) for page in sources]


def _html() -> bytes:
    paragraphs = (MATCHER / "ipvm-article.txt").read_text(encoding="utf-8").split("\n\n")
    body = "".join(f"<p>{p.replace('Hikvision', '<b>Hik</b>vision')}</p>\n" for p in paragraphs)
    return f"<html><body><article>{body}</article></body></html>".encode()


@st.composite
def passages(draw: st.DrawFn) -> tuple[PreparedPage, list[str]]:
    """A run of 4 to 24 words of a page, without editorial marks of its own."""
    text, page = draw(st.sampled_from(pages()))
    words = [m.group() for m in WORD.finditer(text)]
    size = draw(st.integers(4, 24))
    start = draw(st.integers(0, len(words) - size))
    cut = words[start : start + size]
    assume(not EDITORIAL.search(" ".join(cut)))
    return page, cut


def restyle(draw: st.DrawFn, words: list[str]) -> str:
    """The words re-cased, their quote marks and dashes restyled, re-wrapped."""
    out = []
    for word in words:
        case = draw(st.sampled_from([str.lower, str.upper, str.title, str]))
        word = re.sub(r"[\"\u201c\u201d]", lambda _: draw(st.sampled_from(QUOTES)), case(word))
        word = re.sub(r"['\u2019]", lambda _: draw(st.sampled_from(APOSTROPHES)), word)
        word = re.sub(r"[-\u2013\u2014]", lambda _: draw(st.sampled_from(DASHES)), word)
        out.append(word)
    spaces = [draw(st.sampled_from([" ", "\n", "  ", " \n  ", "\t"])) for _ in out]
    return "".join(w + s for w, s in zip(out, spaces, strict=True)).strip()


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_restyled_passage_is_found(data: st.DataObject) -> None:
    page, words = data.draw(passages())
    quote = restyle(data.draw, words)
    result = match_quote(quote, page)
    assert result.status is QuoteStatus.FOUND, (quote, result)
    # The passage shown ends with the quote's last word. It may be another copy of the
    # words than the one they were cut from (a headline repeated in the text, cased
    # differently): the same once normalised.
    assert result.closest is not None
    assert normalise(result.closest.split()[-1]) == normalise(words[-1])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_one_word_replaced_is_not_found(data: st.DataObject) -> None:
    page, words = data.draw(passages())
    index = data.draw(st.integers(0, len(words) - 1))
    replacement = data.draw(st.sampled_from(["zebra", "never", "$35m", "1999", "Pyongyang"]))
    assume(words[index].casefold() != replacement.casefold())
    changed = words[:index] + [replacement] + words[index + 1 :]
    result = match_quote(restyle(data.draw, changed), page)
    assert result.status is not QuoteStatus.FOUND, (changed, result)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_not_inserted_is_not_found(data: st.DataObject) -> None:
    page, words = data.draw(passages())
    index = data.draw(st.integers(1, len(words) - 1))
    changed = words[:index] + ["not"] + words[index:]
    result = match_quote(restyle(data.draw, changed), page)
    assert result.status is not QuoteStatus.FOUND, (changed, result)
