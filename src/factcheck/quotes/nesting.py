"""A cap on how deep a page's elements nest, applied before the HTML parser sees it.

lexbor's tree building slows down with the depth of open elements: 10,000 nested <div>s took
0.4 s to parse, 50,000 took 11 s and 100,000 19 s (bench/bench_nesting.py), on the event
loop, holding every other citation. Browsers cap the depth too (Blink's parser stops
nesting at 512 and adds deeper elements as siblings), so no real page goes deeper.

Past `MAX_DEPTH` open elements, further start tags (and the end tags that close them) are
dropped; their text stays, a block tag leaving a line break as the parser would. A page
within the cap is returned unchanged, and most are told apart without scanning their tags.
"""

from __future__ import annotations

import re

MAX_DEPTH = 512
# Elements that have no end tag, or whose end tag is usually left out (closed implicitly):
# they do not count towards the depth.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp".split()
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
# Start tags of common elements that do not nest (a bound may count too many start tags,
# never too few).
_FLAT_START = re.compile(r"<(?:p|li|br|img|td|tr|th|input|meta|link|hr|option)[\s/>]")
_CHUNK = 8192


def cap_nesting(html: str, limit: int = MAX_DEPTH) -> str:
    """`html` with the elements nested deeper than `limit` flattened into their parent."""
    if not _may_exceed(html, limit) or _max_depth(html, limit) <= limit:
        return html
    return _flatten(html, limit)


def _may_exceed(html: str, limit: int) -> bool:
    """False when `html` certainly nests no deeper than `limit`, counted a chunk at a time
    with str.count and one regex: start tags less end tags and self-closing ones before
    the chunk, plus every start tag in it. The bound costs 10-20 ms on a megabyte of
    markup, where walking the tags one by one in Python costs a quarter of a second."""
    if html.count("<") <= limit:
        return False
    balance = 0
    for start in range(0, len(html), _CHUNK):
        chunk = html[start : start + _CHUNK]
        opened = chunk.count("<") - chunk.count("</") - chunk.count("<!")
        opened -= len(_FLAT_START.findall(chunk))
        if balance + opened > limit:
            return True
        balance = max(balance + opened - chunk.count("</") - chunk.count("/>"), 0)
    return False


def _max_depth(html: str, limit: int) -> int:
    """The nesting depth of `html`, counted until it passes `limit`."""
    depth = 0
    for found in _TAG.finditer(html):
        closing, name, self_closing = found.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > limit:
            return depth
    return depth


def _flatten(html: str, limit: int) -> str:
    depth = 0
    dropped: dict[str, int] = {}
    out: list[str] = []
    last = 0
    for found in _TAG.finditer(html):
        closing, name, self_closing = found.groups()
        name = name.lower()
        if self_closing or name in _NOT_NESTING:
            continue
        if closing and dropped.get(name, 0):
            dropped[name] -= 1
        elif closing:
            depth = max(depth - 1, 0)
            continue
        elif depth < limit:
            depth += 1
            continue
        else:
            dropped[name] = dropped.get(name, 0) + 1
        out.append(html[last : found.start()])
        out.append("\n")  # where a block boundary may have been; blank lines are tidied
        last = found.end()
    out.append(html[last:])
    return "".join(out)
