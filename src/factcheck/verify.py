"""The orchestration: one fetch per distinct URL, then every citation judged.

`verify(files, options) -> Report` is the library entry point: it never prints and never
exits; the CLI decides what to show and which exit code to use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from factcheck.errors import NetworkUnreachableError
from factcheck.fetch import Fetcher, FetchOutcome, FetchResult, probe, strip_fragment
from factcheck.judge import PageCheck, judge, judge_with_archive
from factcheck.models import (
    Citation,
    CitationResult,
    CitationStatus,
    ClaimFile,
    ClaimResult,
    Report,
    VerifyOptions,
)
from factcheck.pagecheck import ReadPage, check_quotes, read_page
from factcheck.snapshots import Evidence, Fetches, open_evidence

Progress = Callable[[int, int, str], None]  # (done, total, current host)


def verify(files: list[ClaimFile], options: VerifyOptions | None = None,
           progress: Progress | None = None) -> Report:
    """Check every citation of `files`; returns the Report (claims in file order).

    Raises NetworkUnreachableError when every request failed at the network level and the
    connectivity probe fails too. On Ctrl-C the report covers what finished, the rest
    marked not checked, and `Report.interrupted` is set.
    """
    return asyncio.run(verify_async(files, options or VerifyOptions(), progress))


@dataclass
class _Run:
    options: VerifyOptions
    fetcher: Fetches
    progress: Progress | None
    total: int
    done: int = 0
    fetches: dict[str, asyncio.Task[FetchResult]] = field(default_factory=dict)
    pages: dict[str, asyncio.Task[ReadPage]] = field(default_factory=dict)
    evidence: Evidence | None = None  # the snapshot store's dates, drift and archive look-ups

    def fetch(self, url: str) -> asyncio.Task[FetchResult]:
        key = strip_fragment(url)
        if key not in self.fetches:
            self.fetches[key] = asyncio.create_task(self.fetcher.fetch(key))
        return self.fetches[key]

    async def page(self, url: str, quotes: tuple[str, ...]) -> PageCheck:
        """The page at `url` checked for `quotes`; text is extracted once per URL."""
        if not quotes:
            return PageCheck(await self.fetch(url))
        key = strip_fragment(url)
        if key not in self.pages:
            self.pages[key] = asyncio.create_task(self._read(key))
        return check_quotes(await self.pages[key], quotes)

    async def _read(self, url: str) -> ReadPage:
        return read_page(await self.fetch(url))

    async def citation(self, citation: Citation) -> CitationResult:
        live = judge(citation, await self.page(citation.url, citation.quotes))
        if live.status in (CitationStatus.OK,) or not citation.archive_url:
            result = live
        else:
            archive = await self.page(citation.archive_url, citation.quotes)
            result = judge_with_archive(citation, live, archive)
        if self.evidence:
            result = await self.evidence.review(citation, result, self.page)
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, citation.url)
        return result


async def verify_async(files: list[ClaimFile], options: VerifyOptions,
                       progress: Progress | None = None) -> Report:
    """The async core of `verify`, for callers that already run an event loop."""
    started = time.monotonic()
    citations = [c for f in files for claim in f.claims for c in claim.citations]
    async with Fetcher(options) as fetcher, open_evidence(options, fetcher) as evidence:
        run = _Run(options, evidence.source, progress, total=len(citations), evidence=evidence)
        tasks = [asyncio.create_task(run.citation(c)) for c in citations]
        interrupted = False
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            interrupted = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if not interrupted:
            await _refuse_if_offline(run, options)
    results = iter([_result_of(task, c) for task, c in zip(tasks, citations, strict=True)])
    claims = tuple(
        ClaimResult(claim, tuple(next(results) for _ in claim.citations))
        for f in files for claim in f.claims
    )
    return Report(claims=claims, files=tuple(files), interrupted=interrupted,
                  elapsed_seconds=time.monotonic() - started)


def _result_of(task: asyncio.Task[CitationResult], citation: Citation) -> CitationResult:
    if task.done() and not task.cancelled() and task.exception() is None:
        return task.result()
    return CitationResult(citation=citation, status=CitationStatus.NOT_CHECKED,
                          reason="not checked: the run was interrupted")


async def _refuse_if_offline(run: _Run, options: VerifyOptions) -> None:
    finished = [t.result() for t in run.fetches.values() if t.done() and not t.cancelled()]
    if not finished or not options.check_connectivity:
        return
    if all(f.network_failure for f in finished) and not any(
        f.outcome is FetchOutcome.OK for f in finished
    ):
        if not await probe(options.probe_url, options.timeout):
            raise NetworkUnreachableError(
                f"network unreachable: all {len(finished)} requests failed before any answer "
                f"and the connectivity probe ({options.probe_url}) failed too"
            )
