"""Bytes and a media type in, the text a reader sees out: HTML, PDF or plain text."""

from __future__ import annotations

import io
from dataclasses import dataclass

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
PDF_TYPES = frozenset({"application/pdf"})
SUPPORTED_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES


class UnreadableContentError(Exception):
    """The body claims a supported type but its text cannot be read (a corrupt PDF, say)."""


@dataclass(frozen=True)
class PageText:
    """The visible text of a page, plus the text of its scripts (to tell a JS-rendered page)."""

    text: str
    kind: str  # "html", "pdf" or "text"
    script_text: str = ""
    title: str | None = None


def extract(body: bytes, media_type: str, charset: str | None = None) -> PageText:
    """Return the visible text of `body`; refuses (UnreadableContentError) what it cannot read.

    `media_type` is the bare type ("text/html"); `charset` the declared one, if any.
    """
    if media_type in PDF_TYPES:
        return PageText(text=pdf_text(body), kind="pdf")
    from factcheck.decode import decode_body

    text = decode_body(body, charset, sniff_html=media_type in HTML_TYPES)
    if media_type in HTML_TYPES:
        return html_text(text)
    return PageText(text=text, kind="text")


def html_text(html: str) -> PageText:
    """Visible text of an HTML document (no script, style, template or comments)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    scripts = " ".join(node.text(deep=True) for node in tree.css("script"))
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    tree.strip_tags(["script", "style", "template", "noscript", "head"])
    body = tree.body or tree.root
    text = body.text(deep=True, separator=" ") if body else ""
    return PageText(text=text, kind="html", script_text=scripts, title=title)


def pdf_text(body: bytes) -> str:
    """Text of a PDF, pages in order."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableContentError(f"unreadable PDF: {exc}") from exc
