"""The article a draft is made from: a URL (fetched with the normal fetcher), an HTML file or a
Markdown file, read into its title, its canonical URL and the blocks of its main text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from factcheck.claims.files import url_problem
from factcheck.draft.maintext import Block, html_blocks, markdown_blocks
from factcheck.errors import FactcheckError
from factcheck.fetch.client import Fetcher, FetchOutcome
from factcheck.fetch.decode import decode_body
from factcheck.quotes.extract import HTML_TYPES
from factcheck.quotes.pagecheck import sniff_media_type

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")
_SPACE = re.compile(r"\s+")
MAX_ARTICLE = 10_000_000  # characters: a longer page is no article, and would hold the run


class ArticleError(FactcheckError):
    """The article cannot be read (not HTML or Markdown, unreadable): bad input, exit 2."""


class ArticleUnreachableError(FactcheckError):
    """The article's URL gave no answer (the network, DNS, a refused connection): exit 3."""


@dataclass(frozen=True)
class Article:
    """An article's title, its own URL (None for a file with no canonical link), the URL its
    relative links are read against, and the blocks of its main text."""

    location: str  # as the user named it: a URL or a path
    title: str | None
    url: str | None
    base: str | None
    blocks: tuple[Block, ...]


async def fetch_article(fetcher: Fetcher, url: str) -> Article:
    """The article at `url`; refuses an unreachable URL, an HTTP error and a page not HTML."""
    answer = await fetcher.fetch(url)
    if answer.outcome is not FetchOutcome.OK:
        error = ArticleUnreachableError if answer.network_failure else ArticleError
        raise error(f"{url}: {answer.reason or answer.outcome.value}")
    media_type = answer.media_type or sniff_media_type(answer.body)
    if media_type not in HTML_TYPES:
        raise ArticleError(f"{url}: not an HTML page ({media_type})")
    html = decode_body(answer.body, answer.charset, sniff_html=True)
    return html_article(html, url, answer.final_url or url)


def read_article_file(path: Path) -> Article:
    """The article in an HTML or Markdown file; refuses any other kind of file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_ARTICLE:
        raise ArticleError(f"{path}: {len(data):,} bytes, too large for an article")
    suffix = path.suffix.lower()
    is_html = suffix in HTML_SUFFIXES or (
        suffix not in MARKDOWN_SUFFIXES and sniff_media_type(data) == "text/html"
    )
    if b"\x00" in data[:8192] or not (is_html or suffix in MARKDOWN_SUFFIXES):
        raise ArticleError(f"{path}: not an HTML or Markdown article")
    try:
        text = data.decode("utf-8-sig") if not is_html else decode_body(data, None, True)
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 text") from exc
    if is_html:
        return html_article(text, str(path), None)
    title, blocks = markdown_blocks(text)
    return Article(str(path), title, None, None, tuple(blocks))


def html_article(html: str, location: str, fetched_url: str | None) -> Article:
    """An article from its HTML: the canonical URL (else the URL it was fetched from) is its
    own; relative links are read against <base href>, else that URL."""
    from selectolax.lexbor import LexborHTMLParser

    if len(html) > MAX_ARTICLE:
        raise ArticleError(f"{location}: {len(html):,} characters, too large for an article")
    tree = LexborHTMLParser(html)
    base = _attribute(tree, "base[href]", "href")
    base = urljoin(fetched_url, base) if base and fetched_url else base or fetched_url
    canonical = _attribute(tree, "link[rel=canonical]", "href")
    canonical = urljoin(base, canonical) if canonical and base else canonical
    own = canonical if canonical and url_problem(canonical) is None else fetched_url
    title = _attribute(tree, "meta[property='og:title']", "content")
    if not title:
        node = tree.css_first("title")
        title = node.text(strip=True) if node is not None else None
    title = _SPACE.sub(" ", title).strip() if title else None
    blocks = html_blocks(html, own)
    return Article(location, title or None, own, base or own, tuple(blocks))


def _attribute(tree: object, selector: str, name: str) -> str | None:
    node = tree.css_first(selector)  # type: ignore[attr-defined]
    value = node.attributes.get(name) if node is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None
