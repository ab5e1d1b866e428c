"""The orchestration: one fetch per distinct URL, then every citation judged.

`verify(files, options) -> Report` is the library entry point: it never prints and never
exits; the CLI decides what to show and which exit code to use.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from factcheck.claims.selection import excluded
from factcheck.errors import NetworkUnreachableError
from factcheck.evidence.verdicts import recent_verdicts
from factcheck.models import (
    Citation,
    CitationResult,
    CitationStatus,
    ClaimFile,
    ClaimResult,
    Report,
    VerifyOptions,
)
from factcheck.progress import Progress

if TYPE_CHECKING:  # checking and workers load aiohttp: not needed when nothing is fetched
    from factcheck.checking import Checked

YOUNG_OBJECTS = 10_000  # the collector's first threshold during a run (see verify)
# Workers by default: one per core, at most this many (each share needs enough hosts).
MAX_DEFAULT_WORKERS = 4


def verify(
    files: list[ClaimFile], options: VerifyOptions | None = None, progress: Progress | None = None
) -> Report:
    """Check every citation of `files`; returns the Report (claims in file order).

    Raises NetworkUnreachableError when every request failed at the network level and the
    connectivity probe fails too. On Ctrl-C the report covers what finished, the rest
    marked not checked, and `Report.interrupted` is set.

    With `options.workers` above 1, a run with enough URLs on enough hosts is split between
    worker processes, each checking the URLs of its own share of the hosts (workers.py).
    With `options.max_age`, citations verified ok that recently are reported from the store
    without a request (evidence/verdicts.py).
    """
    options = options or VerifyOptions()
    with _interrupt_handler_kept():
        return _verify(files, options, progress)


def _verify(files: list[ClaimFile], options: VerifyOptions, progress: Progress | None) -> Report:
    started = time.monotonic()
    citations = cited(files)
    reused = decided(citations, options)
    if len(reused) == len(citations):  # every verdict from the store: nothing to fetch
        return _report(files, [reused[i] for i in range(len(citations))], False, options, started)
    import asyncio

    from factcheck.checking import check_citations
    from factcheck.workers import can_fork, check_in_workers, plan_shares

    live = [c for i, c in enumerate(citations) if i not in reused]
    shares = plan_shares(live, options.workers)
    with _young_collections_rarer():
        if len(shares) < 2 or not can_fork():
            checked = asyncio.run(check_citations(live, options, progress))
        else:
            checked = check_in_workers(live, shares, options, progress)
    checked = refuse_if_unreachable(with_reused(checked, reused, len(citations)), options)
    return assemble(files, citations, checked, options, started)


def decided(citations: list[Citation], options: VerifyOptions) -> dict[int, CitationResult]:
    """index -> the result of each citation settled without a request: excluded by a URL
    pattern, or verified ok within `max_age`. An excluded citation is never reported from
    the store (lychee #1770: exclusions not applied to cached entries)."""
    return {**recent_verdicts(citations, options), **excluded(citations, options)}


def default_workers() -> int:
    """One worker per CPU core this process may run on, at most MAX_DEFAULT_WORKERS."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_WORKERS)


def with_reused(checked: Checked, reused: dict[int, CitationResult], total: int) -> Checked:
    """The results of all `total` citations: `reused` (index -> result) where given, the
    results of `checked` (those checked live, in order) everywhere else."""
    from factcheck.checking import Checked

    if not reused:
        return checked
    live = iter(checked.results)
    results = [reused[i] if i in reused else next(live) for i in range(total)]
    return Checked(results, checked.interrupted, checked.unreachable)


@contextmanager
def _interrupt_handler_kept() -> Iterator[None]:
    """Ctrl-C's handler as it was before the run, whatever the run did with it (a run
    ignores Ctrl-C once interrupted: see checking.hold_interrupts)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _young_collections_rarer() -> Iterator[None]:
    """The cyclic collector's first threshold at YOUNG_OBJECTS for the run, then back.

    A run makes many short-lived objects and keeps a result per citation; at the default
    (700) the collections that walk everything kept came so often that, at 20,000 citations,
    each process spent 0.4-0.7 s in them; 0.04-0.2 s with this threshold. Cyclic garbage
    (tasks, exceptions) waits a little longer to be freed.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


async def verify_async(
    files: list[ClaimFile], options: VerifyOptions, progress: Progress | None = None
) -> Report:
    """The async core of `verify`, for callers that already run an event loop."""
    from factcheck.checking import Checked, check_citations

    started = time.monotonic()
    citations = cited(files)
    reused = decided(citations, options)
    live = [c for i, c in enumerate(citations) if i not in reused]
    checked = await check_citations(live, options, progress) if live else Checked([], False)
    checked = refuse_if_unreachable(with_reused(checked, reused, len(citations)), options)
    return assemble(files, citations, checked, options, started)


def cited(files: list[ClaimFile]) -> list[Citation]:
    """Every citation of `files`, in file order."""
    return [c for f in files for claim in f.claims for c in claim.citations]


def assemble(
    files: list[ClaimFile],
    citations: list[Citation],
    checked: Checked,
    options: VerifyOptions,
    started: float,
) -> Report:
    """The Report of `files` from the results of their `citations` (`cited(files)`)."""
    results = zip(checked.results, citations, strict=True)
    every = [r or _not_checked(c) for r, c in results]
    return _report(files, every, checked.interrupted, options, started)


def _report(
    files: list[ClaimFile],
    results: list[CitationResult],
    interrupted: bool,
    options: VerifyOptions,
    started: float,
) -> Report:
    """The Report of `files` from a result for each of their citations, in file order."""
    results_iter = iter(results)
    claims = tuple(
        ClaimResult(claim, tuple(next(results_iter) for _ in claim.citations))
        for f in files
        for claim in f.claims
    )
    return Report(
        claims=claims,
        files=tuple(files),
        interrupted=interrupted,
        elapsed_seconds=time.monotonic() - started,
        strict=options.strict,
    )


def _not_checked(citation: Citation) -> CitationResult:
    return CitationResult(
        citation=citation,
        status=CitationStatus.NOT_CHECKED,
        reason="not checked: the run was interrupted",
    )


def refuse_if_unreachable(checked: Checked, options: VerifyOptions) -> Checked:
    """`checked`, unless it found the network down: then NetworkUnreachableError."""
    if checked.unreachable:
        raise NetworkUnreachableError(
            f"network unreachable: all {checked.unreachable} requests failed before any "
            f"answer and the connectivity probe ({options.probe_url}) failed too"
        )
    return checked
