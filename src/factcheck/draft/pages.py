"""The cited pages of a draft: fetched once each with the normal fetcher (address guard, limits,
retries), quotes looked for with the normal matcher, and the page's sentence closest to a claim
found for a page where no quote was."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from factcheck.draft.maintext import Block
from factcheck.draft.sentences import sentences
from factcheck.fetch.client import Fetcher, FetchOutcome, FetchResult, strip_fragment
from factcheck.models import QuoteResult
from factcheck.quotes.pagecheck import check_page, read_page

MAX_TEXT = 500_000  # characters of a page searched for the sentence closest to a claim
MIN_SENTENCE = 20  # characters: shorter lines are menus and labels, no starting point


@dataclass(frozen=True)
class Closest:
    """The page's sentence nearest to a claim, and how near (0-100)."""

    text: str
    score: float


class CitedPages:
    """Every cited page's answer, by URL without its fragment."""

    def __init__(self, answers: dict[str, FetchResult]) -> None:
        self.answers = answers

    def answer(self, url: str) -> FetchResult:
        return self.answers[strip_fragment(url)]

    def answered(self, url: str) -> bool:
        """True when the page was read (HTTP success, after redirects)."""
        return self.answer(url).outcome is FetchOutcome.OK

    def check(self, url: str, quotes: tuple[str, ...]) -> tuple[QuoteResult, ...]:
        """Each quote looked for on the page, as `verify` looks for it (() when unread)."""
        if not quotes or not self.answered(url):
            return ()
        [page] = check_page(self.answer(url), [quotes])
        return page.quotes

    def closest_sentence(self, url: str, claim: str) -> Closest | None:
        """The page's sentence most like `claim` (None for an unread or empty page)."""
        if not self.answered(url):
            return None
        page = read_page(self.answer(url))
        if page.prepared is None:
            return None
        # A starting point, not a search: the first MAX_TEXT characters are enough, and a
        # huge page must not hold the draft.
        lines = page.prepared.original[:MAX_TEXT].splitlines()
        found = [s.text for line in lines for s in sentences(Block(" ".join(line.split()), ()))]
        choices = [s for s in found if len(s) >= MIN_SENTENCE]
        best = process.extractOne(
            claim, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process
        )
        return Closest(best[0], best[1]) if best else None


async def fetch_pages(fetcher: Fetcher, urls: Iterable[str]) -> CitedPages:
    """Fetch every distinct URL once (fragments dropped), all at once within the fetcher's
    global and per-host limits."""
    distinct = list(dict.fromkeys(strip_fragment(url) for url in urls))
    answers = await asyncio.gather(*(fetcher.fetch(url) for url in distinct))
    return CitedPages(dict(zip(distinct, answers, strict=True)))
