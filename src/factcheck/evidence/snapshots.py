"""Fetching through the snapshot store: conditional requests, stored bodies, offline runs.

`SnapshotFetcher` wraps a `Fetcher`. Online, it sends If-None-Match / If-Modified-Since from
the latest stored snapshot of a URL, turns a 304 into the stored body and keeps every new
answer. Offline, it answers from the latest stored snapshot and never touches the network.
`Evidence` is the hook `verify` calls once per judged citation: it dates the verdict by its
snapshot, detects drift, keeps which quotes were found, and asks the Internet Archive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Protocol

from factcheck.evidence import drift, quote_cache, wayback
from factcheck.evidence.store import DamagedRecordError, Snapshot, SnapshotStore, StoreShare
from factcheck.evidence.verdicts import encode_ok, verdict_context, verdict_key
from factcheck.fetch.client import FetchOutcome, FetchResult, strip_fragment
from factcheck.models import Citation, CitationResult, CitationStatus, QuoteResult, VerifyOptions
from factcheck.quotes.pagecheck import PageCheck

PageFn = Callable[[str, tuple[str, ...]], Awaitable[PageCheck]]
# `pagecheck.check_page(fetched, quote_sets, known)` as the run calls it (reading.Readers)
PageChecker = Callable[
    [FetchResult, list[tuple[str, ...]], Mapping[str, QuoteResult] | None],
    Awaitable[list[PageCheck]],
]
NO_SNAPSHOT = "offline: no stored snapshot of this URL (run once online first)"
DAMAGED = "stored copy damaged"  # a snapshot whose WARC record cannot be read back as kept
RESTORED = f"{DAMAGED}, re-fetched and stored again"
# Citations worth an Internet Archive look-up: the link is dead or the words are gone.
RESCUABLE = frozenset({CitationStatus.BROKEN, CitationStatus.QUOTE_MISSING})


class Fetches(Protocol):
    """Anything that fetches a URL the way `Fetcher.fetch` does."""

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult: ...


def conditional_headers(snapshot: Snapshot | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for `snapshot`'s validators; {} without a body."""
    if snapshot is None or not snapshot.has_body:
        return {}
    headers = {}
    if snapshot.etag:
        headers["If-None-Match"] = snapshot.etag
    if snapshot.last_modified:
        headers["If-Modified-Since"] = snapshot.last_modified
    return headers


class SnapshotFetcher:
    """A `Fetcher` that keeps every answer in `store` and re-uses it on a 304 (or offline).

    `used` maps each fetched URL (fragment dropped) to the snapshot its result came from.
    """

    def __init__(self, fetcher: Fetches, store: SnapshotStore, offline: bool = False) -> None:
        self.fetcher = fetcher
        self.store = store
        self.offline = offline
        self.used: dict[str, Snapshot] = {}
        self.not_modified = 0
        # Failures before any answer (DNS, refused) are kept only once the run is known not
        # to be offline: "network unreachable" says nothing about the pages.
        self.network_failures: list[FetchResult] = []

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult:
        """The answer for `url`: live (kept in the store), stored on a 304, stored offline."""
        key = strip_fragment(url)
        if self.offline:
            return await self._offline(key)
        stored = self.store.latest(key, with_body=True)
        answer = await self.fetcher.fetch(key, {**(headers or {}), **conditional_headers(stored)})
        if answer.outcome is FetchOutcome.NOT_MODIFIED:
            if stored is None:
                return replace(
                    answer,
                    outcome=FetchOutcome.ERROR,
                    reason="HTTP 304 to a request that was not conditional",
                )
            self.not_modified += 1
            snapshot = self.store.confirm(stored, answer)
            self.used[key] = snapshot
            read = await self._read_stored(snapshot)
            if read.reason.startswith(DAMAGED):
                return await self._refetch(key, headers, read.reason)
            return read
        if answer.network_failure and answer.outcome is not FetchOutcome.OK:
            self.network_failures.append(answer)
            return answer
        snapshot = self.store.keep(answer)  # written by the store's thread
        self.used[key] = snapshot
        if stored is not None and self._restored(stored, snapshot):
            return replace(answer, note=RESTORED)
        return answer

    def _restored(self, stored: Snapshot, kept: Snapshot) -> bool:
        """True when `kept` re-writes the body of `stored` because its record was damaged
        (the same body, a new record)."""
        return (
            kept.pending
            and stored.content_hash is not None
            and stored.content_hash == kept.content_hash
            and not self.store.record_intact(stored)
        )

    async def _refetch(
        self, key: str, headers: Mapping[str, str] | None, damaged: str
    ) -> FetchResult:
        """The stored copy is damaged: fetch the page again (no conditional request) and
        store the body anew, even when it is the same as the one indexed."""
        answer = await self.fetcher.fetch(key, headers)
        if answer.outcome is not FetchOutcome.OK:
            return replace(answer, reason=f"{damaged}, re-fetching: {answer.reason}")
        self.used[key] = self.store.keep(answer, fresh=True)
        return replace(answer, note=RESTORED)

    def keep_network_failures(self) -> None:
        """Store the run's failures before any answer (the network was reachable)."""
        for answer in self.network_failures:
            self.used[answer.url] = self.store.keep(answer)
        self.network_failures.clear()

    async def _read_stored(self, snapshot: Snapshot) -> FetchResult:
        """`stored_result`, the WARC record read and gunzipped off the event loop."""
        try:
            if snapshot.pending:  # kept earlier in this run: the store waits for its writer
                return self.stored_result(snapshot)
            body = await asyncio.to_thread(self.store.body, snapshot)
        except DamagedRecordError as exc:
            return FetchResult(snapshot.url, FetchOutcome.ERROR, f"{DAMAGED} ({exc})")
        return self.stored_result(snapshot, body)

    async def _offline(self, key: str) -> FetchResult:
        snapshot = self.store.latest(key)
        if snapshot is None:
            return FetchResult(key, FetchOutcome.ERROR, NO_SNAPSHOT)
        self.used[key] = snapshot
        return await self._read_stored(snapshot)

    def stored_result(self, snapshot: Snapshot, body: bytes | None = None) -> FetchResult:
        """The FetchResult `snapshot` was made from, body read back from its WARC record
        unless given."""
        return FetchResult(
            snapshot.url,
            FetchOutcome(snapshot.outcome),
            snapshot.reason,
            http_status=snapshot.http_status,
            final_url=snapshot.final_url,
            media_type=snapshot.media_type,
            charset=snapshot.charset,
            body=self.store.body(snapshot) if body is None else body,
            permanent_redirect=snapshot.permanent_redirect,
        )


class Evidence:
    """What the store adds to one run: snapshot dates, drift, quote history, archive look-ups.

    Without a store (`store` None) `source` is the plain fetcher and `review` changes nothing.
    """

    def __init__(
        self, fetcher: Fetches, options: VerifyOptions, store: SnapshotStore | None
    ) -> None:
        self.fetcher = fetcher
        self.options = options
        self.store = store
        self.snapshots = SnapshotFetcher(fetcher, store, options.offline) if store else None
        self.source: Fetches = self.snapshots or fetcher
        self.forget: list[str] = []  # keys of verdicts not ok: forgotten if the network was up
        self.verdict_context = verdict_context(options) if store else ""

    async def check_page(
        self,
        url: str,
        fetched: FetchResult,
        quote_sets: list[tuple[str, ...]],
        check: PageChecker,
    ) -> list[PageCheck]:
        """`check` (`pagecheck.check_page`, or the run's way of calling it) for the live page
        of `url` (fragment dropped), re-using the quote results an earlier run stored for the
        same body and keeping the new ones."""
        snapshot = self.snapshots.used.get(url) if self.snapshots else None
        page = quote_cache.page_key(fetched, snapshot)
        if page is None or self.store is None or not any(quote_sets):
            return await check(fetched, quote_sets, None)
        known = quote_cache.load(self.store, url, page)
        checks = await check(fetched, quote_sets, known)
        if not self.options.offline:  # an offline run leaves the store as it found it
            quote_cache.keep(self.store, page, checks, known)
        return checks

    async def review(
        self, citation: Citation, result: CitationResult, page: PageFn
    ) -> CitationResult:
        """`result` dated by its snapshot, with drift noted, quote checks and the verdict
        kept (an `ok` one for reuse within --max-age, any other forgets the last)."""
        if self.snapshots is not None and self.store is not None:
            key = strip_fragment(result.checked_url or citation.url)
            snapshot = self.snapshots.used.get(key)
            if snapshot is not None:
                result = self._with_snapshot(result, snapshot, key)
        if self.options.find_archive and not self.options.offline and result.status in RESCUABLE:
            when = self._found_date(citation) or datetime.now(UTC)
            result = await wayback.rescue(
                citation, result, page, self.fetcher, self.options.archive_endpoint, when
            )
        if self.store is not None and not self.options.offline:
            self._keep_verdict(citation, result)
        return result

    def _keep_verdict(self, citation: Citation, result: CitationResult) -> None:
        """Keep an `ok` verdict now (its page was read); forget the last verdict of any other
        citation once the run is known to have reached the network (`network_reachable`):
        a run that finds the network down leaves the store as it was."""
        assert self.store is not None
        key, kept = verdict_key(citation, self.verdict_context), encode_ok(result)
        if kept is None:
            self.forget.append(key)
        else:
            self.store.record_verdict(key, kept)

    def _with_snapshot(
        self, result: CitationResult, snapshot: Snapshot, key: str
    ) -> CitationResult:
        assert self.store is not None
        result = replace(result, snapshot_date=snapshot.date)
        if self.options.offline:
            return replace(result, reason=f"{result.reason} (offline: snapshot of {snapshot.date})")
        result = drift.compare(result, self.store, key, snapshot)
        self.store.record_checks(
            key, snapshot.id, [(q.text, q.status.value) for q in result.quotes]
        )
        return result

    def _found_date(self, citation: Citation) -> datetime | None:
        """When the quotes were last seen on the page: the last check that found them in
        the store, else the day the citation says it was read (`accessed`, at noon UTC)."""
        found = None
        if self.store is not None:
            found = drift.last_found(self.store, strip_fragment(citation.url), citation.quotes)
        if found:
            return datetime.strptime(found.checked_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if citation.accessed:
            return datetime.combine(citation.accessed, time(12), tzinfo=UTC)
        return None

    def network_reachable(self) -> None:
        """The run reached the network: its failures before any answer are real, keep them."""
        if self.snapshots is not None:
            self.snapshots.keep_network_failures()
        if self.store is not None:
            for key in self.forget:
                self.store.record_verdict(key, None)
        self.forget.clear()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


@asynccontextmanager
async def open_evidence(
    options: VerifyOptions, fetcher: Fetches, share: StoreShare | None = None
) -> AsyncIterator[Evidence]:
    """The Evidence for one run, or one worker's `share` of it (a store at `options.store`,
    or none); closes the store."""
    run_id, part = share or (None, 0)
    store = SnapshotStore(Path(options.store), run_id, part) if options.store else None
    evidence = Evidence(fetcher, options, store)
    try:
        yield evidence
    finally:
        evidence.close()


__all__ = [
    "Evidence",
    "Fetches",
    "PageChecker",
    "SnapshotFetcher",
    "conditional_headers",
    "open_evidence",
]
