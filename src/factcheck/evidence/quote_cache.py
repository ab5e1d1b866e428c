"""Quote results kept across runs: the same quote, the same bytes, the same matcher.

Matching is a pure function of the page's bytes (and how they are read: media type and
charset), the URL its fragment links point at, the quote and the matcher's code. When all of
those are what an earlier run judged, its stored QuoteResult is the result, and a warm re-run
of an unchanged page neither extracts nor matches it again.

The matcher's version is not a number anyone bumps: `matcher_version()` hashes the source of
every module between the bytes and the QuoteResult, and the versions of the libraries they
parse with, so any change to them leaves the old results unread.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import fields
from functools import cache
from importlib import metadata, resources
from typing import Any

from factcheck.evidence.store import PageKey, Snapshot, SnapshotStore
from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.models import QuoteResult, QuoteStatus
from factcheck.quotes.pagecheck import PageCheck

# Everything that turns a body and a quote into a QuoteResult: the whole quotes/ package, and
# these modules beside it (paths inside the factcheck package).
MATCHER_PACKAGE = "quotes"
MATCHER_MODULES = ("fetch/decode.py", "models.py")
MATCHER_LIBRARIES = ("selectolax", "pypdf", "rapidfuzz")
_FIELDS = tuple(field.name for field in fields(QuoteResult))


@cache
def matcher_version() -> str:
    """A hash of the matcher's source files and parsing libraries' versions (16 hex digits),
    computed once per process."""
    digest = hashlib.sha256()
    package = resources.files("factcheck")
    quotes = package.joinpath(MATCHER_PACKAGE)
    names = sorted(
        f"{MATCHER_PACKAGE}/{f.name}" for f in quotes.iterdir() if f.name.endswith(".py")
    )
    for name in (*names, *MATCHER_MODULES):
        digest.update(f"\0{name}\0".encode())
        digest.update(package.joinpath(name).read_bytes())
    for library in MATCHER_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{library}=={version}".encode())
    return digest.hexdigest()[:16]


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


def encode(result: QuoteResult) -> str:
    """`result` as JSON, every field (as `asdict` gives them: QuoteResult holds no containers,
    so the deep copy `asdict` makes, 2/3 of the time on the event loop, is skipped)."""
    return json.dumps({name: getattr(result, name) for name in _FIELDS}, ensure_ascii=False)


def decode(text: str) -> QuoteResult | None:
    """The QuoteResult `encode` wrote, or None when `text` is not one (another shape)."""
    try:
        fields: dict[str, Any] = json.loads(text)
        fields["status"] = QuoteStatus(fields["status"])
        return QuoteResult(**fields)
    except (ValueError, TypeError, KeyError):
        return None


__all__ = ["MATCHER_MODULES", "decode", "encode", "keep", "load", "matcher_version", "page_key"]
