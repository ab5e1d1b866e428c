"""Checking citations: one fetch per distinct URL, then every citation judged.

The loop that `verify` runs in one process and that each worker process runs on its share of
the hosts (`workers`). Imports the stages below it (fetch, quotes, judge, evidence); never
`verify` or `workers`.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from factcheck.evidence.snapshots import Evidence, Fetches, open_evidence
from factcheck.evidence.store import StoreShare
from factcheck.fetch.client import (
    Fetcher,
    FetchOutcome,
    FetchResult,
    probe,
    strip_fragment,
    url_host,
)
from factcheck.fetch.schedule import run_per_host
from factcheck.judge import judge, judge_with_archive
from factcheck.models import (
    Citation,
    CitationResult,
    CitationStatus,
    VerifyOptions,
)
from factcheck.progress import Progress
from factcheck.quotes.pagecheck import PageCheck, ReadPage, check_quotes, read_page
from factcheck.reading import Readers
from factcheck.render.browser import Browser
from factcheck.rendering import Renders, with_note

# Seconds between two progress calls while no citation finishes: a run waiting on slow
# hosts still shows it is alive (the printer decides how often it writes).
TICK = 0.5


@dataclass
class _Tally:
    """How the fetches went, for telling "network unreachable" from dead links."""

    answered: int = 0  # got an HTTP answer of any kind
    network_failures: int = 0  # failed before any answer (DNS, refused, connect)

    def add(self, result: FetchResult) -> None:
        if result.network_failure and result.outcome is not FetchOutcome.OK:
            self.network_failures += 1
        else:
            self.answered += 1


@dataclass
class _Run:
    options: VerifyOptions
    fetcher: Fetches
    progress: Progress | None
    total: int
    readers: Readers
    done: int = 0
    failed: int = 0
    last_url: str = ""
    fetches: dict[str, asyncio.Task[FetchResult]] = field(default_factory=dict)
    pages: dict[str, ReadPage] = field(default_factory=dict)  # read on the loop, by URL
    evidence: Evidence | None = None  # the snapshot store's dates, drift and archive look-ups
    tally: _Tally = field(default_factory=_Tally)

    def fetch(self, url: str) -> asyncio.Task[FetchResult]:
        key = strip_fragment(url)
        if key not in self.fetches:
            self.fetches[key] = asyncio.create_task(self._fetch(key))
        return self.fetches[key]

    async def _fetch(self, url: str) -> FetchResult:
        result = await self.fetcher.fetch(url)
        self.tally.add(result)
        return result

    async def page(self, url: str, quotes: tuple[str, ...]) -> PageCheck:
        """The page at `url` checked for `quotes`; text is extracted once per URL on the
        loop, or for each call in a reading process (a PDF or a large page: reading.py)."""
        fetched = await self.fetch(url)
        if not quotes:
            return PageCheck(fetched)
        if self.readers.off_loop(fetched):
            return await self.readers.check_quotes(fetched, quotes)
        key = strip_fragment(url)
        if key not in self.pages:
            self.pages[key] = read_page(fetched)
        return check_quotes(self.pages[key], quotes)

    def release(self, url: str) -> None:
        """Forget a URL's body and text once every citation of it is judged."""
        self.fetches.pop(url, None)
        self.pages.pop(url, None)

    async def live_checks(self, url: str, citations: list[Citation]) -> list[PageCheck]:
        """The live page of `url` checked for each citation's quotes (read once; not at all
        when the store has every quote's result for the same body)."""
        fetched = await self.fetch(url)
        quote_sets = [c.quotes for c in citations]
        if self.evidence is None:
            return await self.readers.check_page(fetched, quote_sets)
        return await self.evidence.check_page(url, fetched, quote_sets, self.readers.check_page)

    async def conclude(
        self, citation: Citation, live_check: PageCheck, note: str | None = None
    ) -> CitationResult:
        """The citation's result: the live page's verdict (with the rendering's `note`),
        else its archived copy's."""
        live = with_note(judge(citation, live_check), note)
        if live.status is CitationStatus.OK or not citation.archive_url:
            result = live
        else:
            archive = await self.page(citation.archive_url, citation.quotes)
            result = judge_with_archive(citation, live, archive)
        if self.evidence:
            result = await self.evidence.review(citation, result, self.page)
        self.done += 1
        self.failed += result.status.fails(self.options.strict)
        self.last_url = citation.url
        self.show_progress(citation.url)
        return result

    def show_progress(self, url: str) -> None:
        if self.progress:
            self.progress(self.done, self.total, url, self.failed)

    def in_flight(self) -> str:
        """A URL being fetched now, else the last one judged ('' before the first)."""
        busy = (url for url, task in reversed(self.fetches.items()) if not task.done())
        return next(busy, self.last_url)

    async def tick(self) -> None:
        """Progress every TICK seconds, also while every request is waiting."""
        while True:
            await asyncio.sleep(TICK)
            self.show_progress(self.in_flight())


def _by_url(citations: list[Citation]) -> dict[str, list[int]]:
    """Indexes of the citations of each distinct URL (fragment dropped), in file order."""
    groups: dict[str, list[int]] = {}
    for index, citation in enumerate(citations):
        groups.setdefault(strip_fragment(citation.url), []).append(index)
    return groups


@dataclass(repr=False)
class Checked:
    """What checking some citations gave: a result per citation (None where the run was
    interrupted before it), and whether it was. `unreachable` counts the requests that
    failed before any answer when none had one and the connectivity probe failed too: the
    network is down, and the caller refuses the run (`refuse_if_unreachable`)."""

    results: list[CitationResult | None]
    interrupted: bool
    unreachable: int = 0

    def __repr__(self) -> str:
        # Short: asyncio.run formats the repr of its main task, result included, when it
        # puts the SIGINT handler back (Python 3.11): every result's repr took 75 ms at
        # N=2,000.
        return f"Checked({len(self.results)} results, interrupted={self.interrupted})"


async def check_citations(
    citations: list[Citation],
    options: VerifyOptions,
    progress: Progress | None = None,
    share: StoreShare | None = None,
    judged: Callable[[int, CitationResult], None] | None = None,
) -> Checked:
    """Fetch every URL of `citations` once and judge each citation (results in order).

    `share` names the store's run and WARC file when this is one worker's share of a run
    (see workers.py); by default the run is a new one of its own. With `judged`, each
    citation's result is handed to `judged(index, result)` as soon as it is known instead of
    being kept (a worker sends it on): the results of the Checked returned are then None.
    """
    results: list[CitationResult | None] = [None] * len(citations)
    groups = _by_url(citations)
    async with (
        Fetcher(options) as fetcher,
        open_evidence(options, fetcher, share) as evidence,
        Browser(options) as browser,
        Readers(options) as readers,
    ):
        run = _Run(options, evidence.source, progress, len(citations), readers, evidence=evidence)
        renders = Renders(options, browser, fetcher, evidence)

        async def check_url(group: tuple[str, list[int]]) -> None:
            url, indexes = group
            of_url = [citations[i] for i in indexes]
            checks = await run.live_checks(url, of_url)
            checks, shot, notes = await renders.checked(url, await run.fetch(url), of_url, checks)
            for index, check, note in zip(indexes, checks, notes, strict=True):
                result = await run.conclude(citations[index], check, note)
                result = replace(result, screenshot=shot) if shot else result
                if judged is None:
                    results[index] = result
                else:
                    judged(index, result)
            run.release(url)

        by_host = [(url_host(url), (url, idx)) for url, idx in groups.items()]
        interrupted = False
        ticker = asyncio.create_task(run.tick()) if progress else None
        try:
            await run_per_host(by_host, check_url, options.concurrency, options.per_host)
        except asyncio.CancelledError:
            interrupted = True
            hold_interrupts()
        finally:
            if ticker:
                ticker.cancel()
        offline = not interrupted and await _offline(run.tally, options)
        if not offline:
            evidence.network_reachable()
    return Checked(results, interrupted, run.tally.network_failures if offline else 0)


async def _offline(tally: _Tally, options: VerifyOptions) -> bool:
    """True when no request got an answer, some failed before one, and the probe fails."""
    if tally.answered or not tally.network_failures or not options.check_connectivity:
        return False
    return not await probe(options.probe_url, options)


def hold_interrupts() -> None:
    """Ignore Ctrl-C from the first one on, while the partial report is assembled and written
    (a second one raised KeyboardInterrupt through it: click's "Aborted!", exit 1, no report).
    Main thread only, where signal handlers live; `verify` puts the handler back."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
