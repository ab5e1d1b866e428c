"""What one fetch gave, and how an HTTP answer or a network failure becomes an outcome.

Bot walls are told apart from dead links here: 401, 403, 429, 999 and challenge pages are
`blocked` (the source refused us, nothing is known), never `broken`.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field, replace
from email.message import Message
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import httpx

from factcheck.guard import BlockedAddressError

BLOCKED_CODES = frozenset({401, 403, 429, 999})
RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
CHALLENGE_MARKERS = (
    "cf-browser-verification",
    "challenge-platform",
    "cf_chl_opt",
    "just a moment...",
    "enable javascript and cookies to continue",
    "checking your browser before accessing",
    "px-captcha",
    "_incapsula_resource",
    "ddos protection by",
)
# A challenge page is small, and it is nothing but the challenge: its markers sit in the
# <title> and the first lines of <body>. Scanning only its start costs a quarter of a full
# scan of a 60 KiB page (nine substring passes were the fetcher's largest CPU cost), and a
# long article quoting "just a moment..." far down is no longer taken for a wall.
CHALLENGE_PAGE_MAX = 64 * 1024
CHALLENGE_WINDOW = 16 * 1024
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_REFRESH = re.compile(rb"""http-equiv\s*=\s*["']?refresh""", re.I)
_REFRESH_URL = re.compile(
    rb"""content\s*=\s*["']?\s*[\d.]*\s*[;,]\s*url\s*=\s*["']?([^"'>\s]+)""", re.I
)


class FetchOutcome(StrEnum):
    OK = "ok"  # 2xx with a body
    BLOCKED = "blocked"  # the source refused us (bot wall, auth, rate limit)
    BROKEN = "broken"  # the link is dead: 4xx, unknown host, refused, redirect loop
    ERROR = "error"  # timeout, 5xx, TLS, body too large
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request: the stored copy stands


@dataclass(frozen=True)
class FetchResult:
    """What one URL gave: the body on success, otherwise the reason it failed."""

    url: str
    outcome: FetchOutcome
    reason: str = ""
    http_status: int | None = None
    final_url: str | None = None
    media_type: str | None = None
    charset: str | None = None
    body: bytes = b""
    permanent_redirect: str | None = None  # where a 301/308 chain ends, to update the link
    redirects: int = 0
    network_failure: bool = False  # failed before any HTTP answer (DNS, refused, connect)
    headers: dict[str, str] = field(default_factory=dict)


class Retryable(Exception):
    """An answer that trying again could change (timeout, reset, 408, 429, 5xx)."""

    def __init__(self, result: FetchResult, retry_after: float | None = None) -> None:
        self.result = result
        self.retry_after = retry_after


@lru_cache(maxsize=256)  # a run sees a handful of distinct values; email.Message is slow
def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """('text/html', 'utf-8') from a Content-Type header value; (None, None) when absent."""
    if not value:
        return None, None
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def judge_response(
    original: str, url: str, hops: int, response: httpx.Response, body: bytes
) -> FetchResult:
    """The outcome of one final (non-redirect) answer; raises Retryable for 408/429/5xx."""
    from factcheck.retry import parse_retry_after

    status = response.status_code
    media_type, charset = parse_content_type(response.headers.get("content-type"))
    headers = {k.lower(): v for k, v in response.headers.items()}
    if status == 304:
        return FetchResult(
            original,
            FetchOutcome.NOT_MODIFIED,
            "HTTP 304 Not Modified",
            http_status=304,
            final_url=url,
            redirects=hops,
            headers=headers,
        )
    base = FetchResult(
        original,
        FetchOutcome.OK,
        http_status=status,
        final_url=url,
        media_type=media_type,
        charset=charset,
        body=body,
        redirects=hops,
        headers=headers,
    )
    challenge = _challenge(headers, body, status)
    if challenge:
        return replace(base, outcome=FetchOutcome.BLOCKED, reason=challenge, body=b"")
    if 200 <= status < 300:
        return base
    reason = http_reason(response)
    if status in RETRY_CODES:
        outcome = FetchOutcome.BLOCKED if status == 429 else FetchOutcome.ERROR
        retry_after = parse_retry_after(headers.get("retry-after"))
        raise Retryable(replace(base, outcome=outcome, reason=reason, body=b""), retry_after)
    if status in BLOCKED_CODES:
        return replace(
            base,
            outcome=FetchOutcome.BLOCKED,
            body=b"",
            reason=f"{reason}: the site refused the request",
        )
    outcome = FetchOutcome.ERROR if status >= 500 else FetchOutcome.BROKEN
    return replace(base, outcome=outcome, reason=reason, body=b"")


def _challenge(headers: dict[str, str], body: bytes, status: int) -> str | None:
    if headers.get("cf-mitigated") == "challenge":
        return f"HTTP {status}: bot challenge (cf-mitigated: challenge)"
    if status in (200, 403, 503) and len(body) < CHALLENGE_PAGE_MAX:
        head = body[:CHALLENGE_WINDOW].decode("utf-8", errors="ignore").lower()
        marker = next((m for m in CHALLENGE_MARKERS if m in head), None)
        if marker:
            return f"HTTP {status}: bot challenge page ({marker!r})"
    return None


def http_reason(response: httpx.Response) -> str:
    """'HTTP 404 Not Found' (the phrase as the server sent it)."""
    return f"HTTP {response.status_code} {response.reason_phrase or ''}".strip()


def meta_refresh(result: FetchResult) -> str | None:
    """The same-site page an HTML page's <meta http-equiv="refresh"> sends the reader to."""
    if (
        result.outcome is not FetchOutcome.OK
        or result.media_type not in ("text/html", "application/xhtml+xml")
        or not result.final_url
    ):
        return None
    head = result.body[: 16 * 1024]
    if b"refresh" not in head.lower():  # most pages: skip the tag scan
        return None
    for tag in _META_TAG.findall(head):
        found = _REFRESH_URL.search(tag) if _REFRESH.search(tag) else None
        if found:
            target = urljoin(result.final_url, found.group(1).decode("ascii", "replace"))
            here, there = urlsplit(result.final_url), urlsplit(target)
            same_site = (here.scheme, here.netloc) == (there.scheme, there.netloc)
            return target if same_site and target != result.final_url else None
    return None


def network_error(original: str, url: str, hops: int, reason: str, network: bool) -> FetchResult:
    """An ERROR result for a failure below HTTP (`network`: before any answer)."""
    return FetchResult(
        original, FetchOutcome.ERROR, reason, final_url=url, redirects=hops, network_failure=network
    )


def transport_failure(
    original: str, url: str, hops: int, exc: BaseException
) -> tuple[FetchResult, bool]:
    """The result for a failure below HTTP, and whether trying again could help."""
    cause = root_cause(exc)
    if isinstance(cause, BlockedAddressError):
        return FetchResult(
            original, FetchOutcome.ERROR, f"refused: {cause}", final_url=url, redirects=hops
        ), False
    text = str(cause) or type(cause).__name__
    if isinstance(cause, ssl.SSLError | ssl.CertificateError):
        return FetchResult(
            original, FetchOutcome.ERROR, f"TLS failure: {text}", final_url=url, redirects=hops
        ), False
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "temporary failure in name resolution" in lowered
        or "no address" in lowered
    ):
        host = urlsplit(url).hostname
        return FetchResult(
            original,
            FetchOutcome.BROKEN,
            f"unknown host {host}",
            final_url=url,
            redirects=hops,
            network_failure=True,
        ), False
    if isinstance(cause, ConnectionRefusedError) or "connection refused" in lowered:
        return FetchResult(
            original,
            FetchOutcome.BROKEN,
            "connection refused",
            final_url=url,
            redirects=hops,
            network_failure=True,
        ), False
    return FetchResult(
        original,
        FetchOutcome.ERROR,
        f"connection failed: {text}",
        final_url=url,
        redirects=hops,
        network_failure=isinstance(exc, httpx.ConnectError),
    ), True


def root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (the OSError under aiohttp under httpx)."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = exc.__cause__ or getattr(exc, "os_error", None) or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc
