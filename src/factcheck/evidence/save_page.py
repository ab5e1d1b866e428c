"""`--archive`: ask the Internet Archive's Save Page Now to capture a cited page.

`GET {endpoint}/save/{url}` asks for a capture; the Wayback Machine answers with the capture's
address in `Content-Location` (`/web/{timestamp}/{url}`), or redirects to it. The request goes
through the normal fetcher (the address guard decides it like any other), and the endpoint is
configurable so tests use a local server speaking the API. A failure is a reason, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from factcheck.fetch.client import FetchOutcome, FetchResult, strip_fragment

_CAPTURE_PATH = re.compile(r"^/web/\d{14}/")


class _Fetches(Protocol):
    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult: ...


@dataclass(frozen=True)
class SavedPage:
    """The capture's URL, or why there is none."""

    archive_url: str | None
    reason: str = ""


def save_request(endpoint: str, url: str) -> str:
    """The Save Page Now URL for `url` (its fragment dropped: the archive keeps pages)."""
    return f"{endpoint.rstrip('/')}/save/{strip_fragment(url)}"


async def save_page(fetcher: _Fetches, endpoint: str, url: str) -> SavedPage:
    """Ask Save Page Now for a capture of `url`; its address, or the reason there is none."""
    answer = await fetcher.fetch(save_request(endpoint, url))
    if answer.outcome is not FetchOutcome.OK:
        return SavedPage(None, f"Save Page Now failed: {answer.reason or answer.outcome.value}")
    capture = capture_url(answer, endpoint)
    if capture is None:
        return SavedPage(None, "Save Page Now answered without naming a capture")
    return SavedPage(capture)


def capture_url(answer: FetchResult, endpoint: str) -> str | None:
    """The capture named by an answer: its Content-Location, else the URL it redirected to,
    when that is an archived page (`/web/<14 digits>/...`) of the endpoint's host."""
    final = answer.final_url or answer.url
    for candidate in (answer.headers.get("content-location"), final):
        if not candidate:
            continue
        absolute = urljoin(final, candidate.strip())
        parts = urlsplit(absolute)
        if parts.netloc == urlsplit(endpoint).netloc and _CAPTURE_PATH.match(parts.path):
            return absolute
    return None
