"""`factcheck init`'s core: an article in, a draft claim file's text out (never printing,
never exiting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.draft.article import Article, ArticleError, fetch_article, read_article_file
from factcheck.draft.pages import fetch_pages
from factcheck.draft.plan import CitationDraft, ClaimDraft, check_claim, draft_claims
from factcheck.draft.writer import Counts, render
from factcheck.draft.yamltext import one_line
from factcheck.evidence.save_page import save_page
from factcheck.fetch.client import Fetcher
from factcheck.models import VerifyOptions


@dataclass(frozen=True)
class Draft:
    """A draft claim file: its text and what it holds."""

    text: str
    counts: Counts
    title: str | None


def is_url(article: str) -> bool:
    return urlsplit(article).scheme in ("http", "https")


async def make_draft(
    article: str, options: VerifyOptions, today: date, archive_endpoint: str | None = None
) -> Draft:
    """The draft for `article` (a URL or a file). Raises ArticleError for an article that
    cannot be read or cites nothing, ArticleUnreachableError when its URL gives no answer."""
    async with Fetcher(options) as fetcher:
        read = await _read(fetcher, article)
        claims = draft_claims(read)
        if not claims:
            raise ArticleError(f"{article}: no outbound links in the article's main text")
        pages = await fetch_pages(fetcher, (c.url for claim in claims for c in claim.citations))
        for claim in claims:
            check_claim(claim, pages, today)
        if archive_endpoint:
            await archive(fetcher, archive_endpoint, claims)
    text = render(claims, article, read.title, read.url, today)
    return Draft(text, Counts.of(claims), read.title)


async def _read(fetcher: Fetcher, article: str) -> Article:
    if is_url(article):
        return await fetch_article(fetcher, article)
    return read_article_file(Path(article))


async def archive(fetcher: Fetcher, endpoint: str, claims: list[ClaimDraft]) -> None:
    """Ask Save Page Now once per page whose quotes were found, one page at a time (the
    service limits each client); each capture becomes the citations' archive_url, each
    failure a comment."""
    chosen: dict[str, list[CitationDraft]] = {}
    for citation in (c for claim in claims for c in claim.citations):
        if citation.quotes:
            chosen.setdefault(citation.url, []).append(citation)
    for url, citations in chosen.items():
        saved = await save_page(fetcher, endpoint, url)
        for citation in citations:
            if saved.archive_url:
                citation.archive_url = saved.archive_url
            else:
                citation.notes.append(f"archive: {one_line(saved.reason)}")
