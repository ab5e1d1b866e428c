"""Text-fragment links (`url#:~:text=start,end`) that open a page with a passage highlighted.

Built per the WICG text-fragment rules: terms are the page's own words, each within one block
(a browser does not match a term across a block boundary; the extracted text marks blocks with
line breaks), and `-`, `,` and `&` are percent-encoded.
"""

from __future__ import annotations

import re

EDGE_WORDS = 4  # words in the start and the end term of a long passage
WHOLE_WORDS = 10  # a passage this short within one block is its own term
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACE = re.compile(r"[^\S\n]+")
# `urllib.parse.quote(term, safe="")` with "-" encoded too, as a table over UTF-8 bytes.
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~"
_PERCENT = tuple(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256))


def fragment_url(url: str, parts: list[str]) -> str | None:
    """`url` with a text directive for the passage made of `parts` (the page's own text of
    each ellipsis-separated part, in order); None when there is nothing to highlight."""
    lines = [line for part in parts for line in _lines(part)]
    if not lines:
        return None
    first, last = lines[0], lines[-1]
    if len(lines) == 1 and len(first.split()) <= WHOLE_WORDS and len(first) <= 120:
        terms = [first]
    else:
        terms = [_edge(first, start=True), _edge(last, start=False)]
    base, _, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0]
    return f"{base}#{fragment}:~:text=" + ",".join(_encode(t) for t in terms)


def _lines(text: str) -> list[str]:
    text = _SPACE.sub(" ", text.translate(_INVISIBLE))
    return [line.strip() for line in text.split("\n") if line.strip()]


def _edge(line: str, start: bool) -> str:
    words = line.split(" ")
    if len(words) == 1 and len(line) > 24:  # a script without spaces: take characters
        return line[:12] if start else line[-12:]
    return " ".join(words[:EDGE_WORDS] if start else words[-EDGE_WORDS:])


def _encode(term: str) -> str:
    return "".join(map(_PERCENT.__getitem__, term.encode()))
