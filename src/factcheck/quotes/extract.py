"""Bytes and a media type in, the text a reader sees out: HTML, PDF or plain text.

HTML, parsed as a browser with scripting on parses it: block elements and <br> separate words
(a line break in the text marks each block boundary), inline elements do not (`<b>prob</b>lem`
is "problem"), but where two inline elements meet with no space between them a style sheet may
set them apart (a badge and a headline, flex items), so `marked` keeps that place as an
optional space (MARK); script, style, template, comments, ruby readings (<rt>, <rp>), hidden
elements and footnote markers are dropped; <noscript> is raw text, never shown; <q> gets the
quote marks a browser draws. What a page hides until a click (display:none, `hidden`) and the
text its data scripts carry (JSON, JSON-LD, `__NEXT_DATA__`) are kept apart, as places where a
quote may be shown later, never as what the page shows.
PDF: pages in order, line-end hyphenation joined ("imple-\\nmentation" is "implementation").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import methodcaller
from typing import Any

from factcheck.quotes.nesting import cap_nesting

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
PDF_TYPES = frozenset({"application/pdf"})
SUPPORTED_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES

# Block elements, spelled as a trie: a plain alternation of 50 names is 6x slower.
_BLOCKS = (
    "a(?:ddress|rticle|side)|b(?:lockquote|ody|r)|c(?:aption|enter)|d(?:[dlt]|etails|ialog|iv)"
    "|f(?:ieldset|ig(?:caption|ure)|o(?:oter|rm))|h(?:[1-6r]|eader|group|tml)|iframe"
    "|l(?:egend|i)|m(?:ain|enu)|nav|o(?:l|ption)|p(?:re)?|s(?:ection|ummary)"
    "|t(?:able|body|[dhr]|foot|head|itle)|ul"
)
_BLOCK_TAG = re.compile(rf"<(?=/?(?:{_BLOCKS})[\s/>])")
_BLOCK_START = re.compile(rf"<(?:{_BLOCKS})[\s/>]")
_BLOCK_TAG_ANY_CASE = re.compile(_BLOCK_TAG.pattern, re.I)  # twice as slow: only if needed
_UPPER_TAG = re.compile(r"</?[A-Z]")
# One scan for what needs the slower passes: an upper-case tag or a <q> (most pages have none).
_UPPER_OR_Q_TAG = re.compile(r"</?(?:[A-Z]|q[\s/>])")
_Q_OPEN = re.compile(r"<q(?:\s[^>]*)?>", re.I)
_Q_CLOSE = re.compile(r"</q\s*>", re.I)
_DROPPED = ("script", "style", "template", "noscript", "head", "textarea", "svg", "rt", "rp")
# With scripting on (as in every browser a reader uses), <noscript> is raw text up to its end
# tag and never shown: `<noscript><div></noscript>` must not swallow the rest of the page.
_NOSCRIPT_ANY_CASE = re.compile("<noscript", re.I)
# Comments and scripts are read past as they stand (a "<noscript>" in them is not one).
_NOSCRIPT = re.compile(
    r"(<!--.*?(?:-->|\Z)|<script(?:[\s/][^>]*)?>.*?(?:</script\s*>|\Z))"
    r"|<noscript(?:[\s/][^>]*)?>.*?(?:</noscript\s*>|\Z)",
    re.I | re.S,
)
MARK = "\x01"  # an element boundary with no space: an optional space (see `marked_text`)
_INLINE = (
    "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|label|mark|s|samp|small|span"
    "|strong|sub|time|u|var"
)
# One inline element ending where the next begins, no space between (`</span><a ...>`), or a
# lower-case letter and a capital on either side of an inline tag (`Gig<span>Aol.com`: a
# headline and its source); never a word an element starts or ends inside (`un<b>known`).
_TAG_NAME = f"(?i:{_INLINE})"
_SIBLINGS = re.compile(
    rf"</{_TAG_NAME}\s*>(?=<{_TAG_NAME}[\s/>])"
    rf"|(?<=[a-z])(?=<{_TAG_NAME}(?:\s[^<>]*)?>[A-Z])"
    rf"|(?<=[a-z])</{_TAG_NAME}\s*>(?=[A-Z])"
)
# What `str.strip()` strips (every character `str.isspace` takes), and MARK: a marked line
# trimmed of both is the plain line trimmed, so the marked text less its marks is the text.
_BLANK_OR_MARK = methodcaller(
    "strip",
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + MARK,
)
_HIDDEN = '[hidden], input[type=hidden], [style*="display:none"], [style*="display: none"]'
_FOOTNOTE_LINK = 'sup > a[href^="#"]'
DATA_SCRIPT_TYPES = frozenset(("application/json", "application/ld+json", "text/json"))
# A script that only hands a data blob to the page (`window.__INITIAL_STATE__ = {...}`): its
# JSON is text the page shows; a string literal inside other code is not.
_DATA_ASSIGNMENT = re.compile(r"\s*(?:window\.|self\.)?[\w$.]{1,80}\s*=\s*[{\[]")


class UnreadableContentError(Exception):
    """The body claims a supported type but its text cannot be read (a corrupt PDF, say)."""


@dataclass(frozen=True)
class PageText:
    """The visible text of a page, plus the text of its scripts (to tell a JS-rendered page).

    `html` is the page's source (to read its `marked_text` when a quote needs it); `hidden`
    the text of hidden elements; `data` the raw text of the page's data scripts (JSON),
    decoded only when a quote is looked for there.
    """

    text: str
    kind: str  # "html", "pdf" or "text"
    script_text: str = ""
    title: str | None = None
    html: str | None = None
    hidden: str = ""
    data: tuple[str, ...] = ()


def extract(
    body: bytes, media_type: str, charset: str | None = None, decoded: str | None = None
) -> PageText:
    """Return the visible text of `body`; refuses (UnreadableContentError) what it cannot read.

    `media_type` is the bare type ("text/html"); `charset` the declared one, if any;
    `decoded` the body already decoded, when the caller has it (HTML and text).
    """
    if media_type in PDF_TYPES:
        return PageText(text=pdf_text(body), kind="pdf")
    from factcheck.fetch.decode import decode_body

    text = (
        decoded
        if decoded is not None
        else decode_body(body, charset, sniff_html=media_type in HTML_TYPES)
    )
    if media_type in HTML_TYPES:
        return html_text(text)
    return PageText(text=text, kind="text")


def marked_text(html: str) -> str:
    """The visible text of an HTML document with MARK wherever one inline element ends and
    the next begins with no space between (`</span><a>`): a style sheet may set them apart
    (a badge and a headline, flex items), so that place is an optional space. Less its
    marks, it is `html_text(html).text`."""
    return html_text(html, marks=True).text


def html_text(html: str, marks: bool = False) -> PageText:
    """Visible text of an HTML document, one line per block; scripts' text kept apart."""
    from selectolax.lexbor import LexborHTMLParser

    source = html
    # Source line breaks are spaces to a reader; the line breaks of the text mark blocks.
    html = html.replace("\r", " ").replace("\n", " ")
    if marks:
        html = _SIBLINGS.sub(f"\\g<0>{MARK}", html)
    upper_or_q = _UPPER_OR_Q_TAG.search(html) is not None
    upper = upper_or_q and _UPPER_TAG.search(html) is not None
    # One scan for "<noscript" (a 60 KiB page costs ~20 us a scan); other cases only on the
    # rare pages with upper-case tags.
    if "<noscript" in html or (upper and _NOSCRIPT_ANY_CASE.search(html)):
        html = _NOSCRIPT.sub(_without_noscript, html)
    if not upper_or_q:
        html = _BLOCK_TAG.sub("\n<", html)
    else:
        blocks = _BLOCK_TAG_ANY_CASE if upper else _BLOCK_TAG
        html = _Q_CLOSE.sub("\u201d\\g<0>", _Q_OPEN.sub("\\g<0>\u201c", blocks.sub("\n<", html)))
    tree = LexborHTMLParser(cap_nesting(html))  # a deep page cannot hold the run (nesting.py)
    scripts, data = _scripts(tree)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    tree.strip_tags(list(_DROPPED))
    hidden = _hidden_text(tree)
    for link in tree.css(_FOOTNOTE_LINK):  # "investigation¹": a quote leaves the marker out
        if link.parent is not None:
            link.parent.decompose()
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root else ""
    return PageText(
        text=_tidy(text, _BLANK_OR_MARK) if marks else _tidy(text),
        kind="html",
        script_text=scripts,
        title=title,
        html=source,
        hidden=hidden,
        data=data,
    )


def _without_noscript(found: re.Match[str]) -> str:
    return found.group(1) or ""


def _scripts(tree: Any) -> tuple[str, tuple[str, ...]]:
    """The text of the page's executable scripts, and that of its data scripts (JSON)."""
    code: list[str] = []
    data: list[str] = []
    for node in tree.css("script"):
        text = node.text(deep=True).replace(MARK, "")
        kind = (node.attributes.get("type") or "").strip().lower()
        (data if kind in DATA_SCRIPT_TYPES or _DATA_ASSIGNMENT.match(text) else code).append(text)
    return "\n".join(code), tuple(data)


def _hidden_text(tree: Any) -> str:
    """The text of hidden elements (a slide until opened), removed from the tree."""
    texts = []
    for node in tree.css(_HIDDEN):
        texts.append(node.text(deep=True, separator=""))
        node.decompose()
    return _tidy("\n".join(texts)) if texts else ""


def block_tag_at(html: str, pos: int) -> bool:
    """True when the start or end tag of a block element (a line break to a reader) begins
    at `html[pos]`; `html` in lower case."""
    return _BLOCK_TAG.match(html, pos) is not None


def block_starts_within(html: str, start: int, end: int) -> bool:
    """True when a block element starts in `html[start:end]`; `html` in lower case."""
    return _BLOCK_START.search(html, start, end) is not None


def _tidy(text: str, strip: Callable[[str], str] = str.strip) -> str:
    """Trim each line and drop empty ones (the blank text between blocks)."""
    return "\n".join(filter(None, map(strip, text.split("\n"))))


def pdf_text(body: bytes) -> str:
    """Text of a PDF (quotes/pdf.py); refuses (UnreadableContentError) what it cannot read."""
    from factcheck.quotes.pdf import UnreadablePDF, read_pdf

    try:
        return read_pdf(body)
    except UnreadablePDF as exc:
        raise UnreadableContentError(str(exc)) from exc


def data_text(blobs: tuple[str, ...]) -> str:
    """The text a page's data scripts carry: every string of their JSON, escapes read, one a
    line (HTML in a string read as a page's text). Scripts that are not JSON give nothing."""
    lines: list[str] = []
    for blob in blobs:
        value = _json_value(blob)
        if value is not None:
            lines.extend(_strings(value))
    return "\n".join(lines)


def _json_value(blob: str) -> object | None:
    """The JSON in a data script (a whole JSON text, or the value a script assigns)."""
    start = next((i for i, char in enumerate(blob) if char in "{["), -1)
    if start < 0:
        return None
    try:
        value: object = json.JSONDecoder().raw_decode(blob, start)[0]
    except (ValueError, RecursionError):  # not JSON, or nested past what json reads
        return None
    return value


def _strings(value: object) -> list[str]:
    """Every string in a JSON value, depth first, without recursion (a page may nest deep)."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if " " in item:  # a sentence, not an identifier or a URL
                out.append(html_text(item).text if "<" in item else item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out
