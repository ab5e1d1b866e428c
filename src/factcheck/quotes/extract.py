"""Bytes and a media type in, the text a reader sees out: HTML, PDF or plain text.

HTML: block elements and <br> separate words (a line break in the text marks each block
boundary), inline elements do not (`<b>prob</b>lem` is "problem"); script, style, template,
noscript, comments, hidden elements and footnote markers are dropped; <q> gets the quote
marks a browser draws.
PDF: pages in order, line-end hyphenation joined ("imple-\\nmentation" is "implementation").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_DROPPED = ("script", "style", "template", "noscript", "head", "textarea", "svg")
_HIDDEN = '[hidden], input[type=hidden], [style*="display:none"], [style*="display: none"]'
_FOOTNOTE_LINK = 'sup > a[href^="#"]'


class UnreadableContentError(Exception):
    """The body claims a supported type but its text cannot be read (a corrupt PDF, say)."""


@dataclass(frozen=True)
class PageText:
    """The visible text of a page, plus the text of its scripts (to tell a JS-rendered page)."""

    text: str
    kind: str  # "html", "pdf" or "text"
    script_text: str = ""
    title: str | None = None


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


def html_text(html: str) -> PageText:
    """Visible text of an HTML document, one line per block; scripts' text kept apart."""
    from selectolax.lexbor import LexborHTMLParser

    # Source line breaks are spaces to a reader; the line breaks of the text mark blocks.
    html = html.replace("\r", " ").replace("\n", " ")
    if _UPPER_OR_Q_TAG.search(html) is None:
        html = _BLOCK_TAG.sub("\n<", html)
    else:
        blocks = _BLOCK_TAG_ANY_CASE if _UPPER_TAG.search(html) else _BLOCK_TAG
        html = _Q_CLOSE.sub("\u201d\\g<0>", _Q_OPEN.sub("\\g<0>\u201c", blocks.sub("\n<", html)))
    tree = LexborHTMLParser(html)
    scripts = "\n".join(node.text(deep=True) for node in tree.css("script"))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for node in tree.css(_HIDDEN):
        node.decompose()
    for link in tree.css(_FOOTNOTE_LINK):  # "investigation¹": a quote leaves the marker out
        if link.parent is not None:
            link.parent.decompose()
    tree.strip_tags(list(_DROPPED))
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root else ""
    return PageText(text=_tidy(text), kind="html", script_text=scripts, title=title)


def block_tag_at(html: str, pos: int) -> bool:
    """True when the start or end tag of a block element (a line break to a reader) begins
    at `html[pos]`; `html` in lower case."""
    return _BLOCK_TAG.match(html, pos) is not None


def block_starts_within(html: str, start: int, end: int) -> bool:
    """True when a block element starts in `html[start:end]`; `html` in lower case."""
    return _BLOCK_START.search(html, start, end) is not None


def _tidy(text: str) -> str:
    """Trim each line and drop empty ones (the blank text between blocks)."""
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))


def pdf_text(body: bytes) -> str:
    """Text of a PDF (quotes/pdf.py); refuses (UnreadableContentError) what it cannot read."""
    from factcheck.quotes.pdf import UnreadablePDF, read_pdf

    try:
        return read_pdf(body)
    except UnreadablePDF as exc:
        raise UnreadableContentError(str(exc)) from exc
