"""Fetching cited URLs: one shared aiohttp session, each answer read as an `Answer`.

httpx's own pool scans every connection for every queued request and does not scale to
many in flight, and an httpx client per host over the httpx-aiohttp transport spent more
CPU in request building, `send` and per-host transports than aiohttp spent on the network
(bench/bench_fetch.py: 3.5-4.0 CPU s for 2,000 pages against 0.7-0.9 s for bare aiohttp).
So requests go out on one aiohttp session, and each answer becomes a small `Answer`
(status line, header fields, the raw body stream) for the rest of the code; wrapping it as
an `httpx.Response` instead cost about 0.1 ms of CPU per request, and importing httpx for
that type alone about 40 ms at start-up.
Redirects are followed by hand so that every hop passes the address guard and loops are
caught. A failure is never raised: it comes back as a `FetchResult` whose outcome and
reason a person can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp

from factcheck.fetch.bodies import BadEncoding, BodyTooLarge, read_body
from factcheck.fetch.credentials import origin_headers, origin_of, split_credentials
from factcheck.fetch.guard import BlockedAddressError, Guard, InvalidURLError
from factcheck.fetch.outcomes import (
    Answer,
    FetchOutcome,
    FetchResult,
    Retryable,
    header_fields,
    judge_response,
    meta_refresh,
    network_error,
    parse_content_type,
    reason_phrase,
    transport_failure,
)
from factcheck.fetch.proxies import Proxies
from factcheck.fetch.retry import (
    over_cap_reason,
    parse_retry_after,
    retry_delay,
    tried_reason,
)
from factcheck.models import VerifyOptions
from factcheck.version import __version__

PROJECT_URL = "https://github.com/factcheck/factcheck"
DEFAULT_USER_AGENT = f"factcheck/{__version__} (+{PROJECT_URL})"
MAX_REDIRECTS = 10
DEADLINE_FACTOR = 3  # a request's total deadline is this many times --timeout
PERMANENT_REDIRECTS = frozenset({301, 308})
ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"


# A URL that urlsplit + urlunsplit give back unchanged, with no fragment to drop: a
# lower-case http(s) scheme, a host that starts at once, no "#", no whitespace (urlsplit
# strips it) and no empty query (a trailing "?", which urlunsplit drops). Most cited URLs;
# testing it costs ~0.3 us where the split and join cost ~15 us (0.3 s for 20,000 URLs,
# each passing here several times). tests/test_strip_fragment.py checks the equivalence.
# Its group is the netloc.
_PLAIN_URL = re.compile(r"https?://([^#\s/?]+)(?:[/?][^#\s]*)?(?<!\?)")


def strip_fragment(url: str) -> str:
    """The URL as sent: the `#fragment` is a browser's business, never sent to a server."""
    if _PLAIN_URL.fullmatch(url):
        return url
    return _split_and_join(url)


def url_host(url: str) -> str:
    """The URL's netloc (`host` or `host:port`), as urlsplit gives it: the key of the
    per-host limits and of a run's split between workers."""
    plain = _PLAIN_URL.fullmatch(url)
    return plain.group(1) if plain else urlsplit(url).netloc


@lru_cache(maxsize=4096)
def _split_and_join(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


class Fetcher:
    """Fetches URLs under a global and a per-host limit, with retries and deadlines.

    Use as `async with Fetcher(options) as fetcher: result = await fetcher.fetch(url)`.
    """

    def __init__(self, options: VerifyOptions) -> None:
        self.options = options
        self._global = asyncio.Semaphore(options.concurrency)
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self._session: aiohttp.ClientSession | None = None
        self._proxies = Proxies()  # HTTP_PROXY, HTTPS_PROXY, NO_PROXY: read once
        self._guard = Guard(options.allow_private, options.allow_hosts)
        self._origin_headers = origin_headers(options.host_headers)
        self._deadline = options.timeout * DEADLINE_FACTOR
        self._base_headers = {
            "User-Agent": options.user_agent or DEFAULT_USER_AGENT,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate, br",
            **options.headers,
        }

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> FetchResult:
        """Fetch `url` (fragment dropped), following redirects; never raises for the network.

        `headers` are added to the request (e.g. If-None-Match for a conditional request;
        a 304 answer comes back as FetchOutcome.NOT_MODIFIED).
        """
        try:
            sent = strip_fragment(url)
        except ValueError as exc:
            return FetchResult(url, FetchOutcome.ERROR, f"invalid URL: {exc}", final_url=url)
        return await self._with_retries(sent, dict(headers or {}))

    async def _with_retries(self, url: str, headers: dict[str, str]) -> FetchResult:
        cap = self.options.max_retry_after
        attempt, started = 0, time.monotonic()
        while True:
            try:
                return await self._follow(url, headers)
            except Retryable as retry:
                delay = retry_delay(attempt, retry.retry_after, cap)
                if delay is not None and attempt < self.options.retries:
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                reason = tried_reason(retry.result.reason, attempt + 1, time.monotonic() - started)
                if delay is None and retry.retry_after is not None:
                    reason = over_cap_reason(reason, retry.retry_after, cap)
                return replace(retry.result, reason=reason)

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        """Follow redirects (and one meta refresh to another page), checking every hop."""
        seen = [url]
        permanent: str | None = None
        all_permanent, refreshed = True, False
        for hops in range(MAX_REDIRECTS + 1):
            refusal = self._refusal(url)
            if refusal:
                return FetchResult(
                    seen[0], FetchOutcome.ERROR, refusal, final_url=url, redirects=hops
                )
            result, location = await self._request(url, seen[0], hops, headers)
            if location is None and not refreshed:
                location = meta_refresh(result)
                refreshed = location is not None
            if location is None:
                return _with_redirect(result, permanent if all_permanent else None)
            all_permanent = all_permanent and result.http_status in PERMANENT_REDIRECTS
            try:
                url = strip_fragment(urljoin(url, location))
            except ValueError as exc:
                return FetchResult(
                    seen[0],
                    FetchOutcome.ERROR,
                    f"invalid redirect target: {exc}",
                    http_status=result.http_status,
                    final_url=url,
                    redirects=hops + 1,
                )
            if url in seen:
                return FetchResult(
                    seen[0],
                    FetchOutcome.BROKEN,
                    f"redirect loop after {hops + 1} redirects (back to {url})",
                    http_status=result.http_status,
                    final_url=url,
                    redirects=hops + 1,
                )
            seen.append(url)
            permanent = url
        return FetchResult(
            seen[0],
            FetchOutcome.BROKEN,
            f"too many redirects (more than {MAX_REDIRECTS})",
            final_url=url,
            redirects=MAX_REDIRECTS,
        )

    async def answers(self, url: str) -> bool:
        """True when `url` answers with any HTTP status (no redirect followed); False when
        the guard refuses it or no answer comes."""
        try:
            sent = strip_fragment(url)
        except ValueError:
            return False
        if self._refusal(sent):
            return False
        try:
            result, _ = await self._request(sent, sent, 0, {})
        except Retryable as retry:
            result = retry.result
        return result.http_status is not None

    def _refusal(self, url: str) -> str | None:
        """Why the guard refuses `url` before any connection, or None."""
        try:
            self._guard.check_url(url)
        except InvalidURLError as exc:
            return f"invalid URL: {exc}"
        except BlockedAddressError as exc:
            return f"refused: {exc}"
        return None

    async def _request(
        self, url: str, original: str, hops: int, headers: dict[str, str]
    ) -> tuple[FetchResult, str | None]:
        """One HTTP exchange: (result, redirect location or None). Raises Retryable."""
        host = url_host(url)
        async with self._host_limit(host), self._global:
            try:
                async with asyncio.timeout(self._deadline):
                    proxy = self._proxies.for_url(url)
                    if proxy is not None:
                        await self._guard_proxied(url)
                    return await self._exchange(url, original, hops, headers, proxy)
            except aiohttp.ServerTimeoutError as exc:  # --timeout, to connect or between reads
                reading = isinstance(exc, aiohttp.SocketTimeoutError)
                raise Retryable(
                    network_error(
                        original,
                        url,
                        hops,
                        f"timed out ({'ReadTimeout' if reading else 'ConnectTimeout'})",
                        network=not reading,
                    )
                ) from None
            except TimeoutError:
                raise Retryable(
                    network_error(
                        original,
                        url,
                        hops,
                        f"timed out: no complete answer within {self._deadline:g} s",
                        network=False,
                    )
                ) from None
            except (aiohttp.ClientError, OSError) as exc:
                return self._transport_failure(original, url, hops, exc)
            except ValueError as exc:  # a name IDNA refuses, a header aiohttp cannot send
                reason = f"invalid URL or request: {str(exc) or type(exc).__name__}"
                return FetchResult(
                    original, FetchOutcome.ERROR, reason, final_url=url, redirects=hops
                ), None

    @staticmethod
    def _transport_failure(
        original: str, url: str, hops: int, exc: BaseException
    ) -> tuple[FetchResult, None]:
        result, retryable = transport_failure(original, url, hops, exc)
        if retryable:
            raise Retryable(result) from None
        return result, None

    @contextlib.asynccontextmanager
    async def host_slot(self, url: str) -> AsyncIterator[None]:
        """Hold one of the host's slots and a global one, as a request does: rendering the
        page in a browser is one more request to its host (per-host politeness)."""
        async with self._host_limit(url_host(url)), self._global:
            yield

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_limits:
            self._host_limits[host] = asyncio.Semaphore(self.options.per_host)
        return self._host_limits[host]

    async def _guard_proxied(self, url: str) -> None:
        """Through a proxy the connector resolves only the proxy: raise BlockedAddressError
        when the target's name resolves here to an address the guard refuses (a name that
        does not resolve here is left to the proxy)."""
        if self.options.allow_private:
            return
        target = self._guard.check_url(url)
        try:
            await self._guard.allowed_address(target.host, target.port)
        except BlockedAddressError:
            raise
        except OSError:
            return

    async def _exchange(
        self, url: str, original: str, hops: int, headers: dict[str, str], proxy: str | None
    ) -> tuple[FetchResult, str | None]:
        """GET `url` on the shared session and judge the answer; aiohttp's errors propagate."""
        extra = self._headers(url)
        if headers:
            extra = {**extra, **headers} if extra else headers
        target, extra = split_credentials(url, extra)
        response = await self._open_session().get(
            target, headers=extra, allow_redirects=False, proxy=proxy
        )
        try:
            answer = Answer(
                url,
                response.status,
                reason_phrase(response.status, response.reason),
                header_fields(response.raw_headers),
                response.content.iter_any(),
            )
            return await self._outcome(answer, original, hops)
        finally:
            response.release()  # closes the connection instead when the body is unread
            await response.wait_for_close()

    async def _outcome(
        self, answer: Answer, original: str, hops: int
    ) -> tuple[FetchResult, str | None]:
        status = answer.status
        if 300 <= status < 400 and "location" in answer.headers:
            return (
                FetchResult(original, FetchOutcome.OK, http_status=status),
                answer.headers["location"],
            )
        try:
            body = await read_body(answer, self.options.max_bytes)
        except BodyTooLarge:
            reason = f"body too large (over {self.options.max_bytes:,} bytes)"
            return self._unreadable(original, hops, answer, reason), None
        except BadEncoding as exc:
            return self._unreadable(original, hops, answer, str(exc)), None
        return judge_response(original, hops, answer, body, self.options.accept), None

    @staticmethod
    def _unreadable(original: str, hops: int, answer: Answer, reason: str) -> FetchResult:
        return FetchResult(
            original,
            FetchOutcome.ERROR,
            reason,
            http_status=answer.status,
            final_url=answer.url,
            redirects=hops,
        )

    def _headers(self, url: str) -> dict[str, str] | None:
        """This origin's extra headers from the config file (the defaults are the session's):
        the same scheme, host and port only (credentials.py)."""
        if not self._origin_headers:
            return None
        return self._origin_headers.get(origin_of(url) or "") or None

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = self._new_session()
        return self._session

    def _new_session(self) -> aiohttp.ClientSession:
        """One session for every host. The semaphores in `_request` hold the limits (waiting
        there is cheaper than in the connector's queue); the connector's equal limits are a
        backstop. It caches DNS answers for 10 s, and only answers the guard passed. The
        environment's proxies (proxies.py) are let through the guard."""
        options = self.options
        t = options.timeout
        if options.allow_private:
            connector = aiohttp.TCPConnector(
                limit=options.concurrency, limit_per_host=options.per_host
            )
        else:
            allowed = frozenset(options.allow_hosts) | self._proxies.addresses()
            connector = Guard(False, allowed).connector(
                limit=options.concurrency, limit_per_host=options.per_host
            )
        return aiohttp.ClientSession(
            connector=connector,
            headers=self._base_headers,
            auto_decompress=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # IP-literal hosts keep cookies too
            timeout=aiohttp.ClientTimeout(total=None, connect=t, sock_connect=t, sock_read=t),
        )


def _with_redirect(result: FetchResult, permanent: str | None) -> FetchResult:
    if permanent and result.outcome is FetchOutcome.OK:
        return replace(result, permanent_redirect=permanent)
    return result


async def probe(url: str, options: VerifyOptions) -> bool:
    """True when the connectivity probe URL answers at all (any HTTP status).

    A probe URL from a configuration file passes the guard like every request, even with
    --allow-private: the file can come in the same pull request as the claims, and the exit
    code (1 or 3) would tell whether an internal address answered. Only --allow-host opens
    it, or giving the URL on the command line (`probe_allowed`). The environment's proxies
    are used, as for every request.
    """
    probing = replace(options, allow_private=options.probe_allowed, host_headers={}, retries=0)
    async with Fetcher(probing) as fetcher:
        return await fetcher.answers(url)


__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchOutcome",
    "FetchResult",
    "Fetcher",
    "parse_content_type",
    "parse_retry_after",
    "probe",
    "strip_fragment",
    "url_host",
]
