"""`--find-archive`: the Internet Archive's closest good capture of a failing citation.

The CDX API (`{endpoint}/cdx/search/cdx`) is asked for the capture with HTTP status 200
closest to a date; the raw capture is fetched with the `id_` URL form
(`{endpoint}/web/{timestamp}id_/{url}`), which returns the page as archived, without the
replay banner. The endpoint is configurable so tests use a local server speaking the API.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from factcheck.fetch.client import FetchOutcome, FetchResult, strip_fragment
from factcheck.judge import judge_with_archive
from factcheck.models import Citation, CitationResult, CitationStatus
from factcheck.quotes.pagecheck import PageCheck

PageFn = Callable[[str, tuple[str, ...]], Awaitable[PageCheck]]


class _Fetches(Protocol):
    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult: ...


@dataclass(frozen=True)
class Capture:
    """One archived capture: its 14-digit timestamp and the URL as archived."""

    timestamp: str
    original: str
    endpoint: str

    @property
    def raw_url(self) -> str:
        """The capture as archived (the `id_` form: no replay banner, no rewritten links)."""
        return f"{self.endpoint}/web/{self.timestamp}id_/{self.original}"

    @property
    def date(self) -> str:
        return f"{self.timestamp[:4]}-{self.timestamp[4:6]}-{self.timestamp[6:8]}"


def cdx_query(endpoint: str, url: str, when: datetime) -> str:
    """The CDX API URL asking for the status-200 capture of `url` closest to `when`."""
    params = {
        "url": strip_fragment(url),
        "output": "json",
        "fl": "timestamp,original,statuscode",
        "filter": "statuscode:200",
        "closest": when.strftime("%Y%m%d%H%M%S"),
        "sort": "closest",
        "limit": "1",
    }
    return f"{endpoint.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_cdx(body: bytes, endpoint: str) -> list[Capture]:
    """Captures from a CDX JSON answer (a header row, then rows); [] when unreadable."""
    try:
        rows = json.loads(body or b"[]")
    except ValueError:
        return []
    if not isinstance(rows, list) or len(rows) < 2 or not isinstance(rows[0], list):
        return []
    header = rows[0]
    captures = []
    for row in rows[1:]:
        fields = dict(zip(header, row, strict=False))
        if fields.get("statuscode", "200") == "200" and "timestamp" in fields:
            captures.append(
                Capture(
                    str(fields["timestamp"]), str(fields.get("original", "")), endpoint.rstrip("/")
                )
            )
    return captures


@dataclass(frozen=True, slots=True)
class LookupFailed:
    """The archive could not be asked: a look-up that failed says nothing about captures."""

    reason: str  # "Internet Archive unreachable: ..." / "Internet Archive answered HTTP 429"


async def closest_capture(
    fetcher: _Fetches, endpoint: str, url: str, when: datetime
) -> Capture | LookupFailed | None:
    """The status-200 capture of `url` closest to `when`; None when the archive answered
    that it has none; LookupFailed when it did not answer (network, 429, 5xx)."""
    answer = await fetcher.fetch(cdx_query(endpoint, url, when))
    if answer.outcome is not FetchOutcome.OK:
        if answer.http_status:
            return LookupFailed(f"Internet Archive answered HTTP {answer.http_status}")
        return LookupFailed(f"Internet Archive unreachable: {answer.reason}")
    captures = parse_cdx(answer.body, endpoint)
    return captures[0] if captures else None


async def rescue(
    citation: Citation,
    result: CitationResult,
    page: PageFn,
    fetcher: _Fetches,
    endpoint: str,
    when: datetime,
) -> CitationResult:
    """`result` turned `archived` when the closest capture has every quote, with the
    `archive_url:` line to add; otherwise `result` with what the archive said."""
    capture = await closest_capture(fetcher, endpoint, citation.url, when)
    if capture is None:
        return replace(result, reason=f"{result.reason}; no Internet Archive capture with HTTP 200")
    if isinstance(capture, LookupFailed):
        return replace(
            result, reason=f"{result.reason}; {capture.reason}, so no capture was looked at"
        )
    archived = judge_with_archive(citation, result, await page(capture.raw_url, citation.quotes))
    if archived.status is CitationStatus.ARCHIVED:
        return replace(
            archived,
            suggestion=f"archive_url: {capture.raw_url}",
            reason=f"{archived.reason} (Internet Archive, {capture.date})",
        )
    return replace(
        archived,
        reason=archived.reason.replace(
            "archived copy:", f"Internet Archive capture of {capture.date}:", 1
        ),
    )


__all__ = ["Capture", "LookupFailed", "cdx_query", "closest_capture", "parse_cdx", "rescue"]
