"""Recent verdicts, reused: a citation found `ok` within `--max-age` is not fetched again.

Every citation judged live leaves its verdict in the store, under a key made of what decides
it: the URL as cited, its quotes, its archive URL, the matcher's version and the settings that
change what a page says or whether it may be read (`VERDICT_SETTINGS`). A later run with
`max_age` reports a citation whose key has an `ok` verdict that recent straight from the
store, with no request ("verified 3 h ago, not re-fetched"). Anything else is checked again:
a verdict that was not `ok` is never reused (a later `ok`, `quote_missing` or error replaces
it), and an added or changed quote or setting makes a new key. lychee's cache shows what goes
wrong otherwise: errors replayed without a retry, exclusions not applied to cached entries.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factcheck.evidence.codec import INDEX, decode, encode, matcher_version
from factcheck.models import Citation, CitationResult, CitationStatus, VerifyOptions

# The options a verdict depends on. A reused verdict was reached with the same values; add
# here any new option that changes what is fetched, how it is read or how it is judged.
VERDICT_SETTINGS = (
    "accept",
    "exclude",
    "include",
    "allow_private",
    "allow_hosts",
    "max_bytes",
    "user_agent",
    "host_headers",
    "headers",
    "render",  # whether a page may be read in Chromium: what it says may differ
)
# Fields of an ok CitationResult kept with its verdict (the citation is the one cited now).
_KEPT = ("http_status", "final_url", "checked_url", "suggestion", "snapshot_date")


def verdict_context(options: VerifyOptions) -> str:
    """What every verdict key of a run shares: the matcher's version and the settings."""
    settings = {name: _canonical(getattr(options, name)) for name in VERDICT_SETTINGS}
    return json.dumps([matcher_version(), settings], sort_keys=True, ensure_ascii=False)


def verdict_key(citation: Citation, context: str) -> str:
    """The key of `citation`'s verdict in a run of `context` (verdict_context; 64 hex digits)."""
    parts = [citation.url, citation.quotes, citation.archive_url, context]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    """`value` in a form that serialises the same in every process (sets sorted)."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    return value


def encode_ok(result: CitationResult) -> str | None:
    """What is kept of `result` for reuse (JSON), or None when it is not `ok`."""
    if result.status is not CitationStatus.OK:
        return None
    kept: dict[str, Any] = {name: getattr(result, name) for name in _KEPT}
    kept["quotes"] = [encode(q) for q in result.quotes]
    return json.dumps(kept, ensure_ascii=False)


def recent_verdicts(
    citations: Sequence[Citation], options: VerifyOptions, now: float | None = None
) -> dict[int, CitationResult]:
    """index -> the reused `ok` result of each citation of `citations` verified within
    `options.max_age` seconds; {} without `max_age`, without a store, or offline."""
    if options.max_age is None or options.store is None or options.offline:
        return {}
    now = time.time() if now is None else now
    stored = _read(Path(options.store) / INDEX, now - options.max_age)
    if not stored:
        return {}
    context = verdict_context(options)
    reused = {}
    for index, citation in enumerate(citations):
        found = stored.get(verdict_key(citation, context))
        result = found and _reused(citation, found[1], now - found[0])
        if result:
            reused[index] = result
    return reused


def _read(index: Path, since: float) -> dict[str, tuple[float, str]]:
    """key -> (checked_at, kept result) of the verdicts checked at `since` or later."""
    if not index.is_file():
        return {}
    try:
        db = sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = db.execute(
                "SELECT key, checked_at, result FROM verdicts WHERE checked_at >= ?", (since,)
            ).fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError:  # an older store without the table, or not an index
        return {}
    return {key: (checked_at, result) for key, checked_at, result in rows}


def _reused(citation: Citation, text: str, age: float) -> CitationResult | None:
    """The `ok` result kept as `text`, now `age` seconds old; None if it does not decode."""
    try:
        kept: dict[str, Any] = json.loads(text)
        quotes = [decode(q) for q in kept.pop("quotes")]
        found = tuple(q for q in quotes if q is not None)
        if len(found) != len(quotes) or tuple(q.text for q in found) != citation.quotes:
            return None
        reason = f"verified {describe_age(age)} ago, not re-fetched"
        return CitationResult(citation, CitationStatus.OK, reason, quotes=found, **kept)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def describe_age(seconds: float) -> str:
    """`42 s`, `5 min`, `3 h`, `2 d`: an age as a person reads it (rounded down)."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{max(0, int(seconds))} s"


__all__ = [
    "VERDICT_SETTINGS",
    "describe_age",
    "encode_ok",
    "recent_verdicts",
    "verdict_context",
    "verdict_key",
]
