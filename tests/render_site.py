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
