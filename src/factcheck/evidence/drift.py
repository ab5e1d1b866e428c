"""Drift: a quote that an earlier snapshot carried and the current one does not.

The store remembers every quote check (quote, found or not, which snapshot, when). A quote
now missing or altered that was found before is reported with both dates ("found
2026-10-02, missing since 2026-11-28") and the stored copy that still has it is offered.
A page whose body changed while every quote is still found stays `ok`, with a note.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from factcheck.claims.project import find_store
from factcheck.evidence.store import QuoteCheck, Snapshot, SnapshotStore
from factcheck.models import CitationResult, CitationStatus, QuoteResult, QuoteStatus

_WORD = {QuoteStatus.MISSING: "missing", QuoteStatus.ALTERED: "altered"}


def compare(
    result: CitationResult, store: SnapshotStore, url: str, snapshot: Snapshot
) -> CitationResult:
    """`result` with drift against earlier runs noted; unchanged when there is no history."""
    if result.status in (CitationStatus.QUOTE_MISSING, CitationStatus.QUOTE_ALTERED):
        return _drifted(result, store, url, snapshot)
    if result.status is CitationStatus.OK and result.quotes:
        return _changed_page(result, store, url, snapshot)
    return result


def last_found(store: SnapshotStore, url: str, quotes: Iterable[str]) -> QuoteCheck | None:
    """The latest earlier check that found one of `quotes` at `url`, or None."""
    found = [c for q in quotes for c in store.quote_checks(url, q) if c.status == "found"]
    return max(found, key=lambda c: c.checked_at) if found else None


def _drifted(
    result: CitationResult, store: SnapshotStore, url: str, snapshot: Snapshot
) -> CitationResult:
    for quote in result.quotes:
        if quote.status is QuoteStatus.FOUND:
            continue
        dates = _drift_dates(store, url, quote, snapshot)
        if dates is None:
            continue
        found, since, stored = dates
        reason = f"quote found {found}, {_WORD[quote.status]} since {since}; {result.reason}"
        suggestion = (
            f"the stored copy of {stored.date} has the quote: "
            f"{export_command(store.root, url)}; "
            "or add an archive_url"
        )
        return replace(result, reason=reason, suggestion=suggestion)
    return result


def _drift_dates(
    store: SnapshotStore, url: str, quote: QuoteResult, snapshot: Snapshot
) -> tuple[str, str, Snapshot] | None:
    """(last day found, first day not found, the snapshot that had it), or None."""
    checks = store.quote_checks(url, quote.text)
    found = [c for c in checks if c.status == "found"]
    if not found:
        return None
    last = found[-1]
    later = [c for c in checks if c.checked_at > last.checked_at and c.status != "found"]
    since = later[0].checked_at if later else snapshot.fetched_at
    stored = store.snapshot(last.snapshot_id)
    if stored is None:
        return None
    return last.checked_at[:10], since[:10], stored


def _changed_page(
    result: CitationResult, store: SnapshotStore, url: str, snapshot: Snapshot
) -> CitationResult:
    previous = store.last_check(url)
    if previous is None:
        return result
    _, earlier = previous
    if earlier.content_hash is None or earlier.content_hash == snapshot.content_hash:
        return result
    return replace(
        result,
        reason=f"{result.reason}; the page changed since the snapshot of "
        f"{earlier.date}, the quotes are unaffected",
    )


__all__ = ["compare", "last_found"]


def export_command(store: Path, url: str) -> str:
    """The command that exports `url`'s stored copies, run from the working folder: with
    `--store` when the project's rule would not find `store` from there (a run given
    `--store` elsewhere, or one with `store =` in its configuration file)."""
    command = f"factcheck snapshots export --url {shlex.quote(url)} --warc FILE"
    if find_store().absolute().resolve() == store.absolute().resolve():
        return command
    return f"{command} --store {shlex.quote(str(store))}"
