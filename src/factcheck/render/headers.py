"""What the browser sends: the run's headers, with the fetcher's per-origin rule.

`--header` and `[headers."*"]` go with every request the page makes, as the fetcher sends
them with every request it makes (the browser context's extra headers, `browser.py`).
`--header-for` and `[headers."HOST"]` go to their one origin only (scheme, host and port:
`fetch/credentials.py`): every request of the page is paused in the browser (Chromium's
`Fetch` domain on the page's own target) and continued with that origin's headers added, or
with no change. A redirect is a request of its own, paused again: one to another origin
gets none of them, and a value this run adds for one origin is taken off any request to
another. `user:password@` in the cited URL is sent as Basic authorization to that URL's
documents only, as the fetcher sends it to that URL only (a configured Authorization for
the origin wins).

What is not paused gets only the every-host headers: requests of a cross-site frame (its
own process), of workers and of popups. That loses a header, never sends one too far.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factcheck.fetch.credentials import origin_headers, origin_of, split_credentials
from factcheck.models import VerifyOptions

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, CDPSession, Page

Headers = dict[str, str]


@dataclass(frozen=True)
class OriginHeaders:
    """The headers of one render for one origin each, and the Basic authorization of the
    cited URL's credentials (for that URL's documents); `secret_values`, every (name, value)
    of theirs, to be taken off a request to any other origin."""

    by_origin: dict[str, Headers]
    documents: tuple[str, Headers] | None = None  # (bare URL, its Authorization)
    secret_values: frozenset[tuple[str, str]] = field(default=frozenset())

    def for_request(self, url: str, document: bool) -> Headers:
        """The headers this run adds to a request for `url` (names as configured)."""
        added = dict(self.by_origin.get(origin_of(url) or "", {}))
        if document and self.documents is not None and _bare(url) == self.documents[0]:
            if not any(name.lower() == "authorization" for name in added):
                added.update(self.documents[1])
        return added


def origin_rules(options: VerifyOptions, url: str) -> tuple[str, OriginHeaders]:
    """(the URL to load, with any `user:password@` taken out; the headers of its render)."""
    by_origin = origin_headers(options.host_headers)
    bare, with_auth = split_credentials(url, None)
    documents = (str(bare), with_auth) if with_auth else None
    values = {(k.lower(), v) for h in [*by_origin.values(), with_auth or {}] for k, v in h.items()}
    values -= {(k.lower(), v) for k, v in options.headers.items()}  # those go everywhere
    rules = OriginHeaders(by_origin, documents, frozenset(values))
    return str(bare), rules


def _bare(url: str) -> str:
    return url.split("#", 1)[0]


async def send_headers(context: BrowserContext, page: Page, rules: OriginHeaders) -> None:
    """Make `page` send each origin's own headers on that origin's requests only. Call
    before the page loads anything."""
    if not rules.by_origin and rules.documents is None:
        return  # nothing per origin: no request needs pausing
    session = await context.new_cdp_session(page)
    pausing = _Pausing(session, rules)
    session.on("Fetch.requestPaused", pausing.paused)
    await session.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})


class _Pausing:
    """Continues each paused request with its origin's headers (kept alive by the session)."""

    def __init__(self, session: CDPSession, rules: OriginHeaders) -> None:
        self.session = session
        self.rules = rules
        self.tasks: set[asyncio.Task[None]] = set()

    def paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._continue(event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _continue(self, event: dict[str, Any]) -> None:
        params: dict[str, Any] = {"requestId": event.get("requestId")}
        try:
            request = event.get("request") or {}
            url = str(request.get("url", ""))
            sent = {str(k): str(v) for k, v in (request.get("headers") or {}).items()}
            added = self.rules.for_request(url, event.get("resourceType") == "Document")
            headers = await self._headers(url, sent, added)
        except Exception:  # a request never stays paused: it goes on without our headers
            headers = None
        if headers is not None:
            params["headers"] = [{"name": k, "value": v} for k, v in headers.items()]
        with contextlib.suppress(Exception):  # the page closed under the request
            await self.session.send("Fetch.continueRequest", params)

    async def _headers(self, url: str, sent: Headers, added: Headers) -> Headers | None:
        """The request's headers with this origin's added and any other origin's secret
        values taken off; None when nothing changes (the request goes on as it is)."""
        kept = {k: v for k, v in sent.items() if (k.lower(), v) not in self.rules.secret_values}
        if not added and len(kept) == len(sent):
            return None
        names = {name.lower() for name in added}
        merged = {k: v for k, v in kept.items() if k.lower() not in names | {"cookie"}}
        if "cookie" in names:
            added = await self._with_page_cookies(url, added)
        return {**merged, **added}

    async def _with_page_cookies(self, url: str, added: Headers) -> Headers:
        """A configured Cookie replaces the browser's own cookies in Chromium: send both
        (the page's first, as a challenge's cookie must still reach the server)."""
        name = next(n for n in added if n.lower() == "cookie")
        try:
            found = await self.session.send("Network.getCookies", {"urls": [url]})
        except Exception:
            return added
        own = "; ".join(f"{c['name']}={c['value']}" for c in found.get("cookies", []))
        return {**added, name: f"{own}; {added[name]}" if own else added[name]}
