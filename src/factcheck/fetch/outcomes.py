"""What one fetch gave, and how an HTTP answer or a network failure becomes an outcome.

Bot walls are told apart from dead links here: 401, 403, 429, 999 and challenge pages are
`blocked` (the source refused us, nothing is known), never `broken`.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field, replace
from email.message import Message
from enum import StrEnum
from functools import lru_cache
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from factcheck.fetch.guard import BlockedAddressError
from factcheck.text import safe_line

BLOCKED_CODES = frozenset({401, 403, 429, 999})
RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
CHALLENGE_MARKERS = (
    b"cf-browser-verification",
    b"challenge-platform",
    b"cf_chl_opt",
    b"just a moment...",
    b"enable javascript and cookies to continue",
    b"checking your browser before accessing",
    b"px-captcha",
    b"_incapsula_resource",
    b"ddos protection by",
)
# A challenge page is small, and it is nothing but the challenge: its markers sit in the
# <title> and the first lines of <body>. Scanning only its start costs a quarter of a full
# scan of a 60 KiB page (nine substring passes were the fetcher's largest CPU cost), and a
# long article quoting "just a moment..." far down is no longer taken for a wall. The markers
# are ASCII, so the bytes are searched as they are (lower-cased) rather than decoded first.
CHALLENGE_PAGE_MAX = 64 * 1024
CHALLENGE_WINDOW = 16 * 1024
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_REFRESH = re.compile(rb"""http-equiv\s*=\s*["']?refresh""", re.I)
_REFRESH_CONTENT = re.compile(
    rb"""content\s*=\s*["']?\s*(\d+)[\d.]*\s*(?:[;,]\s*(?:url\s*=\s*)?["']?([^"'>\s]+))?""",
    re.I,
)
# A conditional comment (`<!--[if lte IE 9]><meta http-equiv="refresh" ...><![endif]-->`) is a
# comment: nothing in it is followed.
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
# A refresh this soon is "this page has moved, you will be taken there"; a later one is a
# periodic reload of the page (content="1800"), never a redirect.
REDIRECT_REFRESH_MAX_DELAY = 15


class FetchOutcome(StrEnum):
    OK = "ok"  # 2xx with a body
    BLOCKED = "blocked"  # the source refused us (bot wall, auth, rate limit)
    BROKEN = "broken"  # the link is dead: 4xx, unknown host, refused, redirect loop
    ERROR = "error"  # timeout, 5xx, TLS, body too large
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request: the stored copy stands


@dataclass(frozen=True, slots=True)
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
    note: str | None = None  # something the reader should know beside the verdict


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer as the fetcher reads it: the status line, the header fields by
    lower-cased name (a repeated field joined with ", "), and the body, raw (still
    compressed), in chunks as they arrive."""

    url: str
    status: int
    reason: str  # the phrase the server sent, else the standard one
    headers: dict[str, str]
    body: AsyncIterator[bytes]


def header_fields(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Header fields by lower-cased name, a repeated field joined with ", " (RFC 9110 5.3).

    Decoded as ASCII, else UTF-8, else ISO-8859-1 (which decodes any byte), all fields alike.
    """
    fields = list(raw)
    for encoding in ("ascii", "utf-8"):
        try:
            return _decoded_fields(fields, encoding)
        except UnicodeDecodeError:
            continue
    return _decoded_fields(fields, "iso-8859-1")


def _decoded_fields(raw: list[tuple[bytes, bytes]], encoding: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in raw:
        key, text = name.lower().decode(encoding), value.decode(encoding)
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    return fields


def reason_phrase(status: int, sent: str | None) -> str:
    """The reason phrase the server sent (ASCII only), else the standard one for `status`."""
    if sent:  # made inert: an escape sequence here would reach the terminal
        return safe_line(sent.encode("ascii", "ignore").decode("ascii"))
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


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
    original: str, hops: int, answer: Answer, body: bytes, accept: frozenset[int] = frozenset()
) -> FetchResult:
    """The outcome of one final (non-redirect) answer; raises Retryable for 408/429/5xx.

    A status in `accept` (`--accept`) is a reachable page, as 2xx is: its body is kept and
    its quotes are checked, and it is never retried."""
    from factcheck.fetch.retry import parse_retry_after

    status, url, headers = answer.status, answer.url, answer.headers
    media_type, charset = parse_content_type(headers.get("content-type"))
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
        # A small challenge page keeps its body: a browser may pass it (render/)
        kept = body if len(body) < CHALLENGE_PAGE_MAX else b""
        return replace(base, outcome=FetchOutcome.BLOCKED, reason=challenge, body=kept)
    if 200 <= status < 300:
        return base
    reason = http_reason(answer)
    if status in accept:
        return replace(base, note=f"{reason}, accepted (--accept)")
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
        head = body[:CHALLENGE_WINDOW].lower()
        marker = next((m for m in CHALLENGE_MARKERS if m in head), None)
        if marker:
            return f"HTTP {status}: bot challenge page ({marker.decode()!r})"
    return None


def http_reason(answer: Answer) -> str:
    """'HTTP 404 Not Found' (the phrase as the server sent it)."""
    return f"HTTP {answer.status} {answer.reason}".strip()


def meta_refresh(result: FetchResult) -> str | None:
    """The other page an HTML page's <meta http-equiv="refresh"> soon sends the reader to
    (any host: the client's address guard checks that hop as every other); None for a
    reload of the same page, a long delay, or a refresh inside a comment."""
    if (
        result.outcome is not FetchOutcome.OK
        or result.media_type not in ("text/html", "application/xhtml+xml")
        or not result.final_url
    ):
        return None
    head = result.body[: 16 * 1024]
    if b"refresh" not in head.lower():  # most pages: skip the tag scan
        return None
    if b"<!--" in head:
        head = _COMMENT.sub(b"", head)
    for tag in _META_TAG.findall(head):
        found = _REFRESH_CONTENT.search(tag) if _REFRESH.search(tag) else None
        if found:
            return _refresh_target(result.final_url, int(found.group(1)), found.group(2))
    return None


def _refresh_target(here: str, delay: int, url: bytes | None) -> str | None:
    """Where a refresh after `delay` seconds to `url` goes, when it is a redirect."""
    if url is None or delay > REDIRECT_REFRESH_MAX_DELAY:
        return None
    target = urljoin(here, url.decode("ascii", "replace"))
    old, new = urlsplit(here), urlsplit(target)
    if new.scheme not in ("http", "https") or (old.netloc, old.path) == (new.netloc, new.path):
        return None  # a reload of this very page (`url=?refresh=1`), or not a web page
    return target


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
    # Any other failure to connect (network unreachable, reset before an answer): worth a
    # retry, and a network failure, so that a run where every request ends this way is told
    # apart as "network unreachable" (exit 3) rather than as that many dead links.
    return FetchResult(
        original,
        FetchOutcome.ERROR,
        f"connection failed: {text}",
        final_url=url,
        redirects=hops,
        network_failure=True,
    ), True


def root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (e.g. the OSError under aiohttp's error)."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = exc.__cause__ or getattr(exc, "os_error", None) or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc
