"""Fetching cited URLs: async httpx on an aiohttp transport, one client per host.

One client per host gives per-host connection limits for free and avoids httpcore's pool
scan that makes one large shared pool slow (see bench/). Redirects are followed by hand so
that every hop passes the address guard and loops are caught. A failure is never raised:
it comes back as a `FetchResult` whose outcome and reason a person can act on.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from factcheck import __version__
from factcheck.guard import BlockedAddressError, GuardedResolver, address_refusal
from factcheck.models import VerifyOptions

PROJECT_URL = "https://github.com/factcheck/factcheck"
DEFAULT_USER_AGENT = f"factcheck/{__version__} (+{PROJECT_URL})"
MAX_REDIRECTS = 10
BLOCKED_CODES = frozenset({401, 403, 429, 999})
RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
PERMANENT_REDIRECTS = frozenset({301, 308})
CHALLENGE_MARKERS = (
    "cf-browser-verification", "challenge-platform", "cf_chl_opt", "just a moment...",
    "enable javascript and cookies to continue", "checking your browser before accessing",
    "px-captcha", "_incapsula_resource", "ddos protection by",
)


class FetchOutcome(str, Enum):
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


class _Retryable(Exception):
    def __init__(self, result: FetchResult, retry_after: float | None = None) -> None:
        self.result = result
        self.retry_after = retry_after


class _BodyTooLarge(Exception):
    pass


def strip_fragment(url: str) -> str:
    """The URL as sent: the `#fragment` is a browser's business, never sent to a server."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """('text/html', 'utf-8') from a Content-Type header value; (None, None) when absent."""
    if not value:
        return None, None
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    """Fetches URLs under a global and a per-host limit, with retries and deadlines.

    Use as `async with Fetcher(options) as fetcher: result = await fetcher.fetch(url)`.
    """

    def __init__(self, options: VerifyOptions) -> None:
        self.options = options
        self._global = asyncio.Semaphore(options.concurrency)
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._ssl = ssl.create_default_context()
        self.on_progress: Callable[[str], None] | None = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(c.aclose() for c in self._clients.values()),
                             return_exceptions=True)

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult:
        """Fetch `url` (fragment dropped), following redirects; never raises for the network.

        `headers` are added to the request (e.g. If-None-Match for a conditional request;
        a 304 answer comes back as FetchOutcome.NOT_MODIFIED).
        """
        return await self._with_retries(strip_fragment(url), dict(headers or {}))

    async def _with_retries(self, url: str, headers: dict[str, str]) -> FetchResult:
        attempt = 0
        while True:
            try:
                return await self._follow(url, headers)
            except _Retryable as retry:
                if attempt >= self.options.retries:
                    return retry.result
                delay = self._backoff(attempt, retry.retry_after)
                if delay is None:
                    return _capped(retry.result, retry.retry_after, self.options.max_retry_after)
                attempt += 1
                await asyncio.sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.options.max_retry_after else None
        return min(0.5 * 2**attempt, 8.0) * (0.5 + random.random())

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        seen = [url]
        permanent: str | None = None
        all_permanent = True
        for hops in range(MAX_REDIRECTS + 1):
            refusal = self._refusal(url)
            if refusal:
                return FetchResult(seen[0], FetchOutcome.ERROR, f"refused: {refusal}",
                                   final_url=url, redirects=hops)
            result, location = await self._request(url, seen[0], hops, headers)
            if location is None:
                return _with_redirect(result, permanent if all_permanent else None)
            all_permanent = all_permanent and result.http_status in PERMANENT_REDIRECTS
            url = strip_fragment(urljoin(url, location))
            if url in seen:
                return FetchResult(seen[0], FetchOutcome.BROKEN,
                                   f"redirect loop after {hops + 1} redirects (back to {url})",
                                   http_status=result.http_status, final_url=url,
                                   redirects=hops + 1)
            seen.append(url)
            permanent = url
        return FetchResult(seen[0], FetchOutcome.BROKEN,
                           f"too many redirects (more than {MAX_REDIRECTS})",
                           final_url=url, redirects=MAX_REDIRECTS)

    def _refusal(self, url: str) -> str | None:
        if self.options.allow_private:
            return None
        host = urlsplit(url).hostname or ""
        if host == "localhost" or host.endswith(".localhost"):
            return f"{host} is a loopback address (use --allow-private to allow it)"
        return address_refusal(host)

    async def _request(self, url: str, original: str, hops: int,
                       headers: dict[str, str]) -> tuple[FetchResult, str | None]:
        """One HTTP exchange: (result, redirect location or None). Raises _Retryable."""
        host = urlsplit(url).netloc
        async with self._host_limit(host), self._global:
            if self.on_progress:
                self.on_progress(host)
            try:
                async with asyncio.timeout(self.options.timeout * 3):
                    return await self._exchange(url, original, hops, headers)
            except TimeoutError:
                raise _Retryable(_network_error(
                    original, url, hops,
                    f"timed out: no complete answer within {self.options.timeout * 3:g} s",
                    network=False)) from None
            except httpx.TimeoutException as exc:
                raise _Retryable(_network_error(
                    original, url, hops, f"timed out ({type(exc).__name__})",
                    network=isinstance(exc, httpx.ConnectTimeout))) from None
            except (httpx.TransportError, OSError) as exc:
                result, retryable = _transport_failure(original, url, hops, exc)
                if retryable:
                    raise _Retryable(result) from None
                return result, None

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_limits:
            self._host_limits[host] = asyncio.Semaphore(self.options.per_host)
        return self._host_limits[host]

    async def _exchange(self, url: str, original: str, hops: int,
                        headers: dict[str, str]) -> tuple[FetchResult, str | None]:
        client = self._client(url)
        request = client.build_request("GET", url, headers={**self._headers(url), **headers})
        response = await client.send(request, stream=True)
        try:
            status = response.status_code
            if 300 <= status < 400 and "location" in response.headers:
                return (FetchResult(original, FetchOutcome.OK, http_status=status),
                        response.headers["location"])
            body = await self._read_body(response)
        except _BodyTooLarge:
            return FetchResult(original, FetchOutcome.ERROR,
                               f"body too large (over {self.options.max_bytes:,} bytes)",
                               http_status=response.status_code, final_url=url,
                               redirects=hops), None
        finally:
            await response.aclose()
        return _judge_response(original, url, hops, response, body), None

    async def _read_body(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.options.max_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _headers(self, url: str) -> dict[str, str]:
        headers = {
            "User-Agent": self.options.user_agent or DEFAULT_USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate, br",
        }
        host = urlsplit(url).hostname or ""
        headers.update(self.options.host_headers.get(host, {}))
        return headers

    def _client(self, url: str) -> httpx.AsyncClient:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._clients:
            self._clients[key] = self._new_client()
        return self._clients[key]

    def _new_client(self) -> httpx.AsyncClient:
        import aiohttp
        from httpx_aiohttp import AiohttpTransport

        options = self.options
        allow_private = options.allow_private
        per_host = options.per_host
        ssl_context = self._ssl

        def session() -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(
                limit=per_host, ssl=ssl_context,
                resolver=None if allow_private else GuardedResolver(),
            )
            return aiohttp.ClientSession(connector=connector, auto_decompress=False)

        timeout = httpx.Timeout(options.timeout)
        return httpx.AsyncClient(transport=AiohttpTransport(client=session), timeout=timeout,
                                 follow_redirects=False)


def _judge_response(original: str, url: str, hops: int, response: httpx.Response,
                    body: bytes) -> FetchResult:
    status = response.status_code
    media_type, charset = parse_content_type(response.headers.get("content-type"))
    headers = {k.lower(): v for k, v in response.headers.items()}
    if status == 304:
        return FetchResult(original, FetchOutcome.NOT_MODIFIED, "HTTP 304 Not Modified",
                           http_status=304, final_url=url, redirects=hops, headers=headers)
    base = FetchResult(original, FetchOutcome.OK, http_status=status, final_url=url,
                       media_type=media_type, charset=charset, body=body, redirects=hops,
                       headers=headers)
    challenge = _challenge(headers, body, status)
    if challenge:
        return _replace(base, outcome=FetchOutcome.BLOCKED, reason=challenge, body=b"")
    if 200 <= status < 300:
        return base
    if status in RETRY_CODES:
        outcome = FetchOutcome.BLOCKED if status == 429 else FetchOutcome.ERROR
        retry_after = parse_retry_after(headers.get("retry-after"))
        raise _Retryable(_replace(base, outcome=outcome, reason=_http_reason(status, response),
                                  body=b""), retry_after)
    if status in BLOCKED_CODES:
        return _replace(base, outcome=FetchOutcome.BLOCKED, body=b"",
                        reason=f"{_http_reason(status, response)}: the site refused the request")
    outcome = FetchOutcome.ERROR if status >= 500 else FetchOutcome.BROKEN
    return _replace(base, outcome=outcome, reason=_http_reason(status, response), body=b"")


def _challenge(headers: dict[str, str], body: bytes, status: int) -> str | None:
    if headers.get("cf-mitigated") == "challenge":
        return f"HTTP {status}: bot challenge (cf-mitigated: challenge)"
    if status in (200, 403, 503) and len(body) < 64 * 1024:
        head = body[:64 * 1024].decode("utf-8", errors="ignore").lower()
        marker = next((m for m in CHALLENGE_MARKERS if m in head), None)
        if marker:
            return f"HTTP {status}: bot challenge page ({marker!r})"
    return None


def _http_reason(status: int, response: httpx.Response) -> str:
    phrase = response.reason_phrase or ""
    return f"HTTP {status} {phrase}".strip()


def _replace(result: FetchResult, **changes: Any) -> FetchResult:
    from dataclasses import replace

    return replace(result, **changes)


def _with_redirect(result: FetchResult, permanent: str | None) -> FetchResult:
    if permanent and result.outcome is FetchOutcome.OK:
        return _replace(result, permanent_redirect=permanent)
    return result


def _capped(result: FetchResult, retry_after: float | None, cap: float) -> FetchResult:
    return _replace(result, reason=f"{result.reason}; Retry-After {retry_after:g} s exceeds "
                                   f"the {cap:g} s cap, not waiting")


def _network_error(original: str, url: str, hops: int, reason: str,
                   network: bool) -> FetchResult:
    return FetchResult(original, FetchOutcome.ERROR, reason, final_url=url, redirects=hops,
                       network_failure=network)


def _transport_failure(original: str, url: str, hops: int,
                       exc: BaseException) -> tuple[FetchResult, bool]:
    """The result for a failure below HTTP, and whether trying again could help."""
    cause = _root_cause(exc)
    if isinstance(cause, BlockedAddressError):
        return FetchResult(original, FetchOutcome.ERROR, f"refused: {cause}", final_url=url,
                           redirects=hops), False
    text = str(cause) or type(cause).__name__
    if isinstance(cause, ssl.SSLError | ssl.CertificateError):
        return FetchResult(original, FetchOutcome.ERROR, f"TLS failure: {text}",
                           final_url=url, redirects=hops), False
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or \
            "temporary failure in name resolution" in lowered or "no address" in lowered:
        host = urlsplit(url).hostname
        return FetchResult(original, FetchOutcome.BROKEN, f"unknown host {host}",
                           final_url=url, redirects=hops, network_failure=True), False
    if isinstance(cause, ConnectionRefusedError) or "connection refused" in lowered:
        return FetchResult(original, FetchOutcome.BROKEN, "connection refused",
                           final_url=url, redirects=hops, network_failure=True), False
    return FetchResult(original, FetchOutcome.ERROR, f"connection failed: {text}",
                       final_url=url, redirects=hops,
                       network_failure=isinstance(exc, httpx.ConnectError)), True


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        nxt = exc.__cause__ or getattr(exc, "os_error", None) or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc


async def probe(url: str, timeout: float) -> bool:
    """True when the connectivity probe URL answers at all (any HTTP status)."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            await client.get(url)
    except httpx.HTTPError:
        return False
    return True

