"""Find a quote word for word in a page's source, where it is certainly text a reader sees.

Most quotes are copied from the page, so they stand in its HTML exactly as written, between
two tags. Finding them there costs a few scans of the source; the full path (parse the page,
extract every visible word, normalise the whole text) costs about four times more CPU on the
benchmark's pages (`bench/bench_match.py`: 0.45 s against 1.90 s for 2,000 pages of 60 KiB).

This module only ever answers "found here": when every copy of the quote's words in the
source is certainly visible text on word boundaries, the result is exactly what the full path
gives. Whenever it cannot be sure it answers `None` and the full path decides: an entity or a
tag inside the quote, an inline tag or entity right next to it, a copy inside a comment,
script, style, template, <noscript>, <svg>, <sup>, <rt>, <rp> or hidden element, a page
without <body>, or a page with markup inside an attribute value (where "outside a tag" cannot
be told without a parser). Absence proves nothing here: a quote not found verbatim goes to the full
path, which normalises quote marks, dashes, spacing and case and finds the closest passage.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from factcheck.quotes.editorial import is_bounded, parse_quote
from factcheck.quotes.extract import block_starts_within, block_tag_at
from factcheck.quotes.normalise import normalise

# Elements whose content is raw text (no tags inside, up to their end tag).
_RAW_TEXT = frozenset(
    ("script", "style", "textarea", "title", "iframe", "noembed", "noframes", "noscript", "xmp")
)
# Elements dropped with their content, which may nest. <sup> stands for footnote markers,
# which are dropped, <rt> and <rp> for ruby readings; <head> is covered by the copy having to
# follow <body>. The end tag of an inline one does not close it past an open block
# (<sup><div></sup>: the sup stays open).
_INLINE_DROPPED = frozenset(("sup", "rt", "rp"))
# Where a comment or one of those elements begins or ends (a trie of the names).
_MARKER = re.compile(
    r"<(?:!--|(/?)(s(?:cript|tyle|vg|up)|t(?:extarea|itle|emplate)|iframe|r[pt]"
    r"|no(?:embed|frames|script)|xmp|plaintext)(?=[\s/>]))"
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_HIDDEN_OPEN = re.compile(
    r"<([a-z][a-z0-9-]*)\s[^>]*?(?:(?<=\s)hidden(?=[\s=/>])|display\s*:\s*none)"
)
# An attribute value holding a "<": markup inside an attribute (data-content="<p>...")
# defeats the cheap "outside any tag" test, so such pages go to the full path.
_MARKUP_IN_ATTRIBUTE = re.compile(r"""=\s*(?:"[^"]*<|'[^']*<|<)""")
_CLOSE_END = frozenset(" \t\n\f\r/>")
# Inline elements that show their text as it is: a reader's text runs on through their tags.
# Not <q> (it adds quote marks) nor <sup> (footnote markers are dropped).
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|s|samp|small|span"
    r"|strong|sub|time|u|var)[\s/>]"
)
# A character reference: "&ldquo;", "&#8220;", "&#x201c;" (and the legacy forms without ";").
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
MAX_REFERENCE = 40
MAX_TAGS_SKIPPED = 6
MAX_COPIES = 200  # anchor-word hits examined before leaving a page to the full path

Span = tuple[int, int]


class Source:
    """A decoded page source, searched as it is (`html=False` for plain text).

    What the checks need to know of the markup (comments, raw text, dropped and hidden
    elements, markup inside attributes) is read once, from the start of the source up to
    the furthest copy looked at (`scan`): a quote near the top costs less than one near the
    end.
    """

    def __init__(self, text: str, html: bool = True) -> None:
        self.text, self.html = text, html
        low = text.lower()
        # None when lower-casing moves offsets (a few rare letters): left to the full path.
        self.lower = low if len(low) == len(text) else None
        self.scanned = 0
        self.raw: list[Span] = []  # comments and raw-text elements (where a "<" is text)
        # those and dropped elements, and from any doubt to the end
        self.unseen: list[Span] = []
        self.hidden: list[tuple[int, str]] = []  # (offset, tag) of hidden elements' start
        self.body_start = -1
        self.markup_in_attribute = False

    def scan(self, limit: int) -> None:
        """Read the markup of text[:limit] (again, when `limit` goes further than before)."""
        low = self.lower
        if low is None or not self.html or limit <= self.scanned:
            return
        self.raw, dropped = _unseen_spans(low, limit)
        self.unseen = self.raw + dropped
        body = low.find("<body", 0, limit)
        self.body_start = body if body >= 0 and not self.is_unseen(body) else -1
        begin = max(self.body_start, 0)
        self.markup_in_attribute = any(
            not self.is_unseen(found.start(), raw_text_only=True)
            for found in _MARKUP_IN_ATTRIBUTE.finditer(low, begin, limit)
        )
        self.hidden = _hidden_opens(low, begin, limit)
        self.scanned = limit

    def searchable(self) -> bool:
        """False for pages the cheap tests cannot read safely (see the module docstring),
        as far as `scan` has read."""
        if self.lower is None:
            return False
        return not self.html or (self.body_start >= 0 and not self.markup_in_attribute)

    def is_unseen(self, pos: int, raw_text_only: bool = False) -> bool:
        """True when `pos` falls in a comment, script, template... (see `scan`)."""
        spans = self.raw if raw_text_only else self.unseen
        return any(start <= pos < end for start, end in spans)


def _hidden_opens(low: str, begin: int, end: int) -> list[tuple[int, str]]:
    """(offset, tag) of every non-void element begun with `hidden` or display:none."""
    if low.find(" hidden", begin, end) < 0 and (  # str.find first: most pages have neither
        low.find("display", begin, end) < 0 or not _DISPLAY_NONE.search(low, begin, end)
    ):
        return []
    return [
        (found.start(), found.group(1))
        for found in _HIDDEN_OPEN.finditer(low, begin, end)
        if found.group(1) not in _VOID
    ]


# A quote is looked for again soon after, if at all (the archived copy right after the live
# page, the same quote cited for another URL of the claim): 256 are plenty. 4,096 held
# ~3.5 MiB of word tuples per process in a 20,000-citation run, for quotes never seen again.
@lru_cache(maxsize=256)
def verbatim_words(quote: str) -> tuple[str, ...] | None:
    """The quote's words in lower case, when the quote can be looked for verbatim at all:
    no editorial marks (ellipsis, [insertion], [sic])."""
    segments = parse_quote(quote)
    if len(segments) != 1 or segments[0].insertions or segments[0].plain != normalise(quote):
        return None
    words = tuple(quote.lower().split())
    return words if words and len(" ".join(words)) == len(" ".join(quote.split())) else None


def find_verbatim(source: Source, quote: str) -> list[Span] | None:
    """Every copy of `quote` in the source, as (start, end) offsets of `source.text`, when
    all of them are certainly visible, word-bounded text; None when unsure or when there is
    no copy (the full path decides)."""
    words, low = verbatim_words(quote), source.lower
    if words is None or low is None:
        return None
    if source.html and any(char in quote for char in "<>&"):  # written escaped in HTML
        return None
    copies = _copies(low, words)
    if not copies:
        return None
    # The markup up to the tag after the last copy: enough to tell where each copy stands.
    after = low.find(">", copies[-1][1])
    source.scan(len(low) if after < 0 else after + 1)
    if not source.searchable():
        return None
    wanted = normalise(quote)
    for start, end in copies:
        if normalise(source.text[start:end]) != wanted:
            return None
        if not _bounded(source, start, end, wanted):
            return None
        if source.html and not _visible(source, start, end):
            return None
    return copies


def _copies(low: str, words: tuple[str, ...]) -> list[Span] | None:
    """Every (overlapping) copy of `words` in `low`, separated by any run of whitespace;
    None when the anchor word is too common to look at every copy."""
    anchor = max(range(len(words)), key=lambda i: len(words[i]))
    spans: list[Span] = []
    pos, seen = low.find(words[anchor]), 0
    while pos >= 0:
        seen += 1
        if seen > MAX_COPIES:
            return None
        start = _back(low, pos, words[:anchor])
        end = _forward(low, pos + len(words[anchor]), words[anchor + 1 :])
        if start >= 0 and end >= 0:
            spans.append((start, end))
        pos = low.find(words[anchor], pos + 1)
    return spans


def _back(low: str, pos: int, words: tuple[str, ...]) -> int:
    """Start of `words` ending, whitespace apart, just before `pos`; -1 if they do not."""
    for word in reversed(words):
        gap = pos
        while gap > 0 and low[gap - 1].isspace():
            gap -= 1
        if gap == pos or not low.endswith(word, 0, gap):
            return -1
        pos = gap - len(word)
    return pos


def _forward(low: str, pos: int, words: tuple[str, ...]) -> int:
    """End of `words` starting, whitespace apart, just after `pos`; -1 if they do not."""
    for word in words:
        gap = pos
        while gap < len(low) and low[gap].isspace():
            gap += 1
        if gap == pos or not low.startswith(word, gap):
            return -1
        pos = gap + len(word)
    return pos


def _bounded(source: Source, start: int, end: int, wanted: str) -> bool:
    """True when the copy starts and ends on word boundaries of the text a reader sees.

    The reader's characters next to the copy (two, when the first is a mark: "1" is not a
    word of "1,500") are found past inline tags (a block tag is a line break) and read through
    character references; anything else next to it (a tag that drops or adds text, a
    character normalisation drops) makes it unsure: False.
    """
    before = _reader_chars(source, start, -1)
    after = _reader_chars(source, end, 1)
    if "?" in before + after:
        return False
    probe = f"{before}{wanted}{after}"
    return is_bounded(probe, len(before), len(probe) - len(after))


def _reader_chars(source: Source, pos: int, step: int) -> str:
    """The reader's character next to source offset `pos` (before it when `step` is -1),
    and the one beyond when that is a mark; normalised, "?" when unsure."""
    chars = []
    for _ in range(2):
        if source.html:
            char, pos = _char_before(source, pos) if step < 0 else _char_after(source, pos)
        else:
            at = pos - 1 if step < 0 else pos
            char = source.text[at] if 0 <= at < len(source.text) else " "
            pos = at if step < 0 else at + 1
        if not char.isspace():
            char = (normalise(char)[-1:] if step < 0 else normalise(char)[:1]) or "?"
        chars.append(char)
        if char.isspace() or char.isalnum() or char == "?":
            break
    return "".join(reversed(chars)) if step < 0 else "".join(chars)


def _char_before(source: Source, pos: int) -> tuple[str, int]:
    """The character a reader sees just before source offset `pos` ("?" when unsure), and
    the offset just before it."""
    text, low = source.text, source.lower
    assert low is not None
    for _ in range(MAX_TAGS_SKIPPED):
        if pos <= 0:
            return " ", 0
        char = text[pos - 1]
        if char == ";":
            amp = text.rfind("&", max(0, pos - MAX_REFERENCE), pos)
            found = _REFERENCE.fullmatch(text, amp, pos) if amp >= 0 else None
            if found:
                return unescape(found.group())[-1:] or "?", amp
            return char, pos - 1
        if char != ">":
            return char, pos - 1
        if low.endswith("-->", 0, pos):  # a comment shows nothing: look before it
            comment = low.rfind("<!--", 0, pos - 3)
            if (comment, pos) not in source.raw:
                return "?", pos
            pos = comment
            continue
        opened = low.rfind("<", 0, pos)
        if opened < 0 or low.find(">", opened, pos - 1) >= 0:
            return "?", pos
        if block_tag_at(low, opened):
            return "\n", opened
        if not _INLINE_TAG.match(low, opened):
            return "?", pos
        pos = opened
    return "?", pos


def _char_after(source: Source, pos: int) -> tuple[str, int]:
    """The character a reader sees at source offset `pos` ("?" when unsure), and the
    offset just after it."""
    text, low = source.text, source.lower
    assert low is not None
    for _ in range(MAX_TAGS_SKIPPED):
        if pos >= len(text):
            return " ", pos
        char = text[pos]
        if char == "&":
            found = _REFERENCE.match(text, pos, pos + MAX_REFERENCE)
            if found:
                return unescape(found.group())[:1] or "?", found.end()
            return char, pos + 1
        if char != "<":
            return char, pos + 1
        if low.startswith("<!--", pos):  # a comment shows nothing: look after it
            closed = low.find("-->", pos + 2)
            pos = closed + 3 if closed >= 0 else len(low) + 1
            continue
        if block_tag_at(low, pos):
            return "\n", pos
        closed = low.find(">", pos)
        if not _INLINE_TAG.match(low, pos) or closed < 0 or not _plain_tag(low, pos, closed):
            return "?", pos
        pos = closed + 1
    return "?", pos


def _plain_tag(low: str, start: int, end: int) -> bool:
    """True when low[start:end + 1] is a whole tag: its attribute quotes are balanced, so the
    ">" at `end` is not inside an attribute value."""
    return low.count('"', start, end) % 2 == 0 and low.count("'", start, end) % 2 == 0


def _visible(source: Source, start: int, end: int) -> bool:
    """True when a copy in the HTML source is text in <body>, outside any tag, comment,
    raw-text element, dropped element or hidden element."""
    low = source.lower
    assert low is not None
    if start < source.body_start or low.rfind("<", 0, start) > low.rfind(">", 0, start):
        return False
    opened, closed = low.find("<", end), low.find(">", end)
    if closed >= 0 and not 0 <= opened < closed:
        return False
    if source.is_unseen(start):
        return False
    return not any(
        _still_open(source, tag, pos, start) for pos, tag in source.hidden if pos < start
    )


def _unseen_spans(low: str, limit: int) -> tuple[list[Span], list[Span]]:
    """Comments, raw-text elements and dropped elements of an HTML source (lower case), taken
    in order as a tokenizer would (nothing inside a comment or a script counts as a tag),
    up to `limit`."""
    raw: list[Span] = []
    spans: list[Span] = []
    depth: dict[str, int] = {}
    opened: dict[str, int] = {}
    found = _MARKER.search(low, 0, limit)
    while found:
        start, pos, tag = found.start(), found.end(), found.group(2)
        if tag is None:  # a comment, to its "-->" ("<!-->" is an empty one)
            close = low.find("-->", start + 2)
            pos = len(low) if close < 0 else close + 3
            raw.append((start, pos))
        elif found.group(1):  # an end tag; one with no element open is ignored
            if depth.get(tag):
                depth[tag] -= 1
                if not depth[tag]:
                    outer = opened[tag]
                    unsure = tag in _INLINE_DROPPED and block_starts_within(low, outer, start)
                    spans.append((outer, len(low) if unsure else pos))
        elif tag == "plaintext":
            raw.append((start, len(low)))
            break
        elif tag in _RAW_TEXT:
            pos = _end_tag(low, tag, pos)
            if tag == "script" and low.find("<!--", start, pos) >= 0:
                # "<!--" in a script lets a "</script>" after a nested "<script>" not end it
                # (the HTML standard's escaped states): unsure from here on.
                pos = len(low)
            raw.append((start, pos))
        else:
            if not depth.get(tag):
                opened[tag] = start
            depth[tag] = depth.get(tag, 0) + 1
        found = _MARKER.search(low, pos, limit)
    spans.extend((opened[tag], len(low)) for tag, count in depth.items() if count)
    return raw, spans


def _still_open(source: Source, tag: str, begin: int, end: int) -> bool:
    """True when the (hidden) element `tag` opened at `begin` is still open at `end`.

    Start and end tags are taken in order, nesting counted, skipping those in comments and
    scripts. Any "<tag..." counts as a start tag but only "</tag" then a space, "/" or ">"
    as an end tag: a doubt leaves the copy inside (unsure).
    """
    low = source.lower
    assert low is not None
    opener, closer = "<" + tag, "</" + tag
    pos, depth = begin, 0
    while True:
        closing = low.find(closer, pos, end)
        opening = low.find(opener, pos, end)
        if opening >= 0 and not 0 <= closing < opening:
            depth += not source.is_unseen(opening)
            pos = opening + len(opener)
        elif closing >= 0:
            after = closing + len(closer)
            if depth and after < len(low) and low[after] in _CLOSE_END:
                depth -= not source.is_unseen(closing)
                if depth == 0 and not block_tag_at(low, begin):
                    if block_starts_within(low, begin, closing):
                        return True  # an inline end tag past an open block: unsure
            pos = after
        else:
            return depth > 0


def _end_tag(low: str, tag: str, pos: int) -> int:
    """Where the end tag of raw-text element `tag` (begun before `pos`) ends its text: just
    after its name; the end of the source when there is none."""
    end_tag = "</" + tag
    found = low.find(end_tag, pos)
    while found >= 0:
        after = found + len(end_tag)
        if after >= len(low) or low[after] in _CLOSE_END:
            return after
        found = low.find(end_tag, after)
    return len(low)
