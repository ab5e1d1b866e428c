"""An article's main text as blocks (paragraphs, list items, table rows, headings), each with
the positions of its links.

A web page's main text is found by trafilatura (made for exactly this: it leaves out the
navigation, share buttons, footers and comments, and can keep the links of what it keeps);
a Markdown article is all main text and is rendered to HTML by markdown-it-py. Both are walked
the same way. The libraries are imported here only, when an article is read: trafilatura's
import takes 0.3 s, which `factcheck --help` must not pay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from factcheck.errors import FactcheckError

# Blocks: trafilatura's XML names, then HTML's (a Markdown article).
SPLIT_BLOCKS = frozenset({"p", "head", "quote", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
WHOLE_BLOCKS = frozenset({"item", "row", "li", "tr"})  # one claim each, never split
LINK_TAGS = {"ref": "target", "a": "href"}
CELL_TAGS = frozenset({"cell", "td", "th"})
_SPACE = re.compile(r"\s+")


class MissingExtraError(FactcheckError):
    """The libraries that read articles are not installed (the `draft` extra)."""


@dataclass(frozen=True)
class Link:
    """A link inside a block: its characters [start, end) and its target, as written."""

    start: int
    end: int
    target: str


@dataclass(frozen=True)
class Block:
    """One block of the main text, whitespace folded. `whole`: a list item or table row,
    one claim as it stands; otherwise a paragraph to cut into sentences."""

    text: str
    links: tuple[Link, ...]
    whole: bool = False


def _require(module: str) -> Any:
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"reading articles needs the 'draft' extra ({module} is not installed): "
            "pip install 'factcheck[draft]'"
        ) from exc


def html_blocks(html: str, url: str | None = None) -> list[Block]:
    """The main text of a web page as blocks; [] when trafilatura finds none."""
    trafilatura = _require("trafilatura")
    etree = _require("lxml.etree")
    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        include_links=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not xml:
        return []
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:  # trafilatura writes well-formed XML; if not, no main text
        return []
    main = root.find("main")
    return walk(main if main is not None else root)


def markdown_blocks(markdown: str) -> tuple[str | None, list[Block]]:
    """The title (the first heading) and the blocks of a Markdown article."""
    markdown_it = _require("markdown_it")
    lxml_html = _require("lxml.html")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    if not html.strip():
        return None, []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    heading = next(iter(root.iter("h1", "h2")), None)
    title = _SPACE.sub(" ", heading.text_content()).strip() if heading is not None else None
    return title or None, walk(root)


def walk(root: Any) -> list[Block]:
    """Every block under `root` in document order (a block inside a block stands alone)."""
    blocks = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SPLIT_BLOCKS or tag in WHOLE_BLOCKS:
            builder = _Builder()
            builder.add_element(element, top=True)
            block = builder.block(whole=tag in WHOLE_BLOCKS)
            if block.text:
                blocks.append(block)
    return blocks


class _Builder:
    """Folds a block's text and records where its links stand."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.links: list[Link] = []

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if text.startswith(" ") and (not self.parts or self.parts[-1].endswith(" ")):
            text = text[1:]
        if text:
            self.parts.append(text)
            self.size += len(text)

    def add_element(self, element: Any, top: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not top and (tag in SPLIT_BLOCKS or tag in WHOLE_BLOCKS):
            return  # a nested block is a block of its own; its tail is not this block's
        if tag in CELL_TAGS and self.size:
            self.add_text(" | ")
        start = self.size
        self.add_text(element.text)
        for child in element:
            self.add_element(child)
            self.add_text(child.tail)
        target = element.get(LINK_TAGS[tag]) if tag in LINK_TAGS else None
        if target and self.size > start:
            self.links.append(Link(start, self.size, target.strip()))

    def block(self, whole: bool) -> Block:
        text = "".join(self.parts)
        stripped = text.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        links = tuple(
            Link(max(0, link.start - lead), min(len(stripped), link.end) - lead, link.target)
            for link in self.links
            if link.start < len(stripped)
        )
        return Block(stripped.lstrip(), links, whole)
