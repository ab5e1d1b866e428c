"""A cap on how deep a page's elements nest, applied before the HTML parser sees it.

lexbor's tree building slows down with the depth of open elements: 10,000 nested <div>s took
0.5 s to parse, 50,000 took 13 s (bench/bench_nesting.py), on the event loop, holding every
other citation. Browsers cap the depth too (Blink's parser stops nesting at 512 and adds
deeper elements as siblings), so no real page goes deeper.

Past `MAX_DEPTH` open elements, further start tags (and the end tags that close them) are
dropped; their text stays, a block tag leaving a line break as the parser would. A page
within the cap is returned unchanged.

A hostile page must not pass for shallower than the parser will build it, so the depth is
that of `OpenElements` (never shallower than the parser's) over the tags as the tokenizer
reads them (quotes/tagscan.py: none in comments, attribute values or scripts). Walking every
tag in Python would cost a quarter of a second a megabyte, so the walk is left with little:
the tags are read in one regex pass into a short stream of names, and regex passes over that
stream take out what closes at once, a level at a time (`<a>text</a>`, then its parent...),
void elements, and whole SVG/MathML islands (`<svg><path/></svg>`) once their tags are seen
to balance; these steps hold only in HTML content, so from the first SVG, MathML or frameset
left in the stream on, the tags are walked as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from factcheck.quotes.openelements import BREAKOUT, INTEGRATION, OpenElements
from factcheck.quotes.tagscan import RAW_MARK, tag_stream, tags_at

MAX_DEPTH = 512
# VOID as a trie (a plain alternation of its 19 names is slower).
_VOID_TAG = re.compile(
    ">/?(?:area|b(?:ase(?:font)?|gsound|r)|col|embed|frame|hr|i(?:m(?:g|age)|nput)|keygen|link"
    "|meta|param|source|track|wbr)/?(?=>|\\Z)"
)
_CLOSED_AT_ONCE = re.compile(">([^>/]++)/?>/\\1/?(?=>|\\Z)")
_MAX_PASSES = 64
# An SVG or MathML element and what follows it up to the first end tag of its name, if no
# HTML tag, other SVG or MathML element or raw-text mark comes first: a try that fails
# stops there, so that the passes stay linear in the stream.
_NOT_IN_ISLAND = "|".join(sorted(BREAKOUT | {"svg", "math", "font", RAW_MARK}))
_ISLAND = re.compile(
    f">(svg|math)(?=>|\\Z)(?:>(?!/?(?:{_NOT_IN_ISLAND})/?(?:>|\\Z))[^>]*+)*?>/\\1/?(?=>|\\Z)"
)
_FOREIGN_OR_FRAMESET = re.compile(">(?:svg|math|frameset)(?=[>/]|\\Z)")
_ANY_START_TAG = re.compile("<[A-Za-z][^>]*+>?")


def cap_nesting(html: str, limit: int = MAX_DEPTH) -> str:
    """`html` with the elements nested deeper than `limit` flattened into their parent; the
    same object when it nests no deeper."""
    if html.count("<") <= limit or _depth(_skeleton(tag_stream(html)), limit) <= limit:
        return html
    return _flatten(html, limit)


def _skeleton(stream: str) -> list[str]:
    """The tokens of a tag stream less what certainly closes at once (see the module)."""
    stream = _ISLAND.sub(_without_balanced_island, stream)
    found = _FOREIGN_OR_FRAMESET.search(stream)
    cut = found.start() if found else len(stream)
    html_part = _VOID_TAG.sub("", stream[:cut].replace(">" + RAW_MARK, ""))
    for _ in range(_MAX_PASSES):
        size = len(html_part)
        html_part, removed = _CLOSED_AT_ONCE.subn("", html_part)
        # Passes that take out little (a deep or hostile page) stop: the walk does the rest.
        if not removed or (size > 4096 and len(html_part) > size * 15 // 16):
            break
    return (html_part + stream[cut:]).split(">")[1:]


def _without_balanced_island(found: re.Match[str]) -> str:
    """'' for SVG or MathML whose tags balance with no HTML in it (the parser opens and
    closes it as it stands); else the island as it is."""
    space = found.group(1)
    open_names: list[str] = []
    for token in found.group().split(">")[2:-1]:
        name = token.strip("/")
        if name in BREAKOUT or name in INTEGRATION[space] or name in ("font", RAW_MARK):
            return found.group()
        if token.startswith("/"):
            if not open_names or open_names.pop() != name:
                return found.group()
        elif not token.endswith("/"):
            open_names.append(name)
    return "" if not open_names else found.group()


def _depth(tokens: Iterable[str], limit: int) -> int:
    """The depth the tokens reach, counted until it passes `limit` (past it at once where a
    raw-text element's text may be markup: see `_flatten`)."""
    elements = OpenElements()
    for token in tokens:
        if token == RAW_MARK:
            if elements.raw_text_may_be_markup():
                return limit + 1
        elif token.startswith("/"):
            elements.end(token[1:].rstrip("/"))
        else:
            elements.start(token.rstrip("/"), token.endswith("/"))
            if len(elements.names) > limit:
                break
    return len(elements.names)


def _flatten(html: str, limit: int) -> str:
    """`html` with the start tags past `limit` open elements dropped, and the end tags of
    the elements dropped. From a raw-text element whose text may be markup (in SVG or
    MathML, or after a frameset), where the tags cannot be read for sure, every start tag
    is dropped: an unlikely page reads as text, never as a deep one."""
    elements = OpenElements()
    dropped: dict[str, int] = {}
    out: list[str] = []
    last = 0
    for start, end, token, self_closing in tags_at(html):
        name = token.lstrip("/")
        if token == RAW_MARK and elements.raw_text_may_be_markup():
            out.append(html[last:start])
            out.append(_ANY_START_TAG.sub("\n", html[start:]))
            return "".join(out)
        if token == RAW_MARK:
            continue
        if token.startswith("/") and dropped.get(name, 0):
            dropped[name] -= 1
        elif token.startswith("/"):
            elements.end(name)
            continue
        elif len(elements.names) < limit:
            elements.start(name, self_closing)
            continue
        else:
            dropped[name] = dropped.get(name, 0) + 1
        out.append(html[last:start])
        out.append("\n")  # where a block boundary may have been; blank lines are tidied
        last = end
    out.append(html[last:])
    return "".join(out)
