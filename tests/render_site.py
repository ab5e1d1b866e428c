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
