"""The pages that only a browser reads: served on 127.0.0.1 for the rendering tests.

`secret_site` is the internal service a page must never reach: it counts every request.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web


def secret_site(hits: Counter[str]) -> web.Application:
    """Answers anything with "the secret", counting each request by its query."""

    async def secret(request: web.Request) -> web.Response:
        hits[request.query.get("via", "?")] += 1
        return web.Response(text="the secret", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", secret)
    return app


CHALLENGE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<noscript>Enable JavaScript and cookies to continue</noscript>
<script>
  setTimeout(() => { document.cookie = "passed=1; path=/"; location.reload(); }, 300);
</script></body></html>"""

ARTICLE = """<!DOCTYPE html><html><head><title>Port traffic</title></head><body>
<h1>Port traffic</h1><p>Container traffic through the port rose by eight percent in March.</p>
</body></html>"""


def challenge_site() -> web.Application:
    """`/article` answers a JavaScript challenge (503) until the browser carries the cookie
    the challenge's script sets, then the article."""

    async def article(request: web.Request) -> web.Response:
        if request.cookies.get("passed") == "1":
            return web.Response(text=ARTICLE, content_type="text/html")
        return web.Response(status=503, text=CHALLENGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/article", article)
    return app


MEMBERS = """<!DOCTYPE html><html><head><title>Members</title></head><body>
<h1>Members' report</h1><p id="report">Loading…</p>
<img src="{other}/pixel.gif" alt="">
<script>
  document.cookie = "seen=1; path=/";
  fetch("{api}").then(r => r.text()).then(t => {{
    document.getElementById("report").textContent = t;
  }});
</script></body></html>"""
REPORT = "Membership of the cooperative doubled, to 4,000 households, within two years."
BASIC_READER = "Basic cmVhZGVyOnB3"  # reader:pw


def header_site(seen: list[tuple[str, str, dict[str, str]]], other: list[str]) -> web.Application:
    """A members' site that records every request it gets as (host, path, headers).

    `/members` builds its report from `/api/report`, which gives it only to a request
    carrying `X-Token: s3cret`; `/private` is the report as served, only with Basic
    authorization `reader:pw` (401 otherwise); `/cookies` shows the cookies its script's
    request carried. Each loads an image from the origin in `other[0]`, where `/hop`
    redirects.
    """

    def page(api: str) -> web.Response:
        text = MEMBERS.format(other=other[0] if other else "", api=api)
        return web.Response(text=text, content_type="text/html")

    async def record(request: web.Request) -> web.StreamResponse:
        seen.append((request.host, request.path, dict(request.headers)))
        headers = request.headers
        if request.path in ("/members", "/cookies"):
            return page("/api/report" if request.path == "/members" else "/api/cookies")
        if request.path == "/api/report":
            return web.Response(text=REPORT if headers.get("X-Token") == "s3cret" else "None.")
        if request.path == "/api/cookies":
            return web.Response(text=f"Cookies sent: {headers.get('Cookie', 'none')}.")
        if request.path == "/private" and headers.get("Authorization") != BASIC_READER:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="m"'})
        if request.path == "/private":
            return page("/api/cookies")
        if request.path == "/hop":
            raise web.HTTPFound(f"{other[0]}/landed")
        return web.Response(text="<p>Nothing here.</p>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    return app
