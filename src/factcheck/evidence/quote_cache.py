"""Quote results kept across runs: the same quote, the same bytes, the same matcher.

Matching is a pure function of the page's bytes (and how they are read: media type and
charset), the URL its fragment links point at, the quote and the matcher's code. When all of
those are what an earlier run judged, its stored QuoteResult is the result, and a warm re-run
of an unchanged page neither extracts nor matches it again.

The matcher's version is not a number anyone bumps: `matcher_version()` (in codec.py) hashes
the source of every module between the bytes and the QuoteResult, and the versions of the
libraries they parse with, so any change to them leaves the old results unread.
"""

from __future__ import annotations

from collections.abc import Mapping

from factcheck.evidence.codec import MATCHER_MODULES, decode, encode, matcher_version
from factcheck.evidence.store import PageKey, Snapshot, SnapshotStore
from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.models import QuoteResult
from factcheck.quotes.pagecheck import PageCheck


def page_key(fetched: FetchResult, snapshot: Snapshot | None) -> PageKey | None:
    """The key of `fetched`'s quote results, when `snapshot` holds exactly its body; or None
    (a failed fetch, or a snapshot without a content hash)."""
    if (
        snapshot is None
        or fetched.outcome is not FetchOutcome.OK
        or snapshot.content_hash is None
        or snapshot.url != fetched.url
    ):
        return None
    return PageKey(
        snapshot.content_hash,
        fetched.final_url or fetched.url,
        fetched.media_type or "",
        fetched.charset or "",
        matcher_version(),
    )


def load(store: SnapshotStore, url: str, page: PageKey) -> dict[str, QuoteResult]:
    """quote -> the QuoteResult an earlier run stored for `page` (rows that no longer
    decode are left out, to be matched again)."""
    known = {}
    for quote, text in store.quote_results(url, page).items():
        result = decode(text)
        if result is not None and result.text == quote:
            known[quote] = result
    return known


def keep(
    store: SnapshotStore,
    page: PageKey,
    checks: list[PageCheck],
    known: Mapping[str, QuoteResult],
) -> None:
    """Queue the results in `checks` that were not loaded from the store (writer thread)."""
    new = {q.text: q for check in checks for q in check.quotes if q.text not in known}
    store.keep_quote_results(page, [(text, encode(q)) for text, q in new.items()])


__all__ = ["MATCHER_MODULES", "decode", "encode", "keep", "load", "matcher_version", "page_key"]
