"""A forward proxy for the tests: it answers requests in absolute form
(`GET http://host:port/path`) by fetching the URL itself, and records every URL it was asked
for. Enough for plain http:// targets, as a corporate proxy serves them."""

from __future__ import annotations

import aiohttp
from aiohttp import web


def forward_proxy(seen: list[str]) -> web.Application:
    async def forward(request: web.Request) -> web.StreamResponse:
        target = request.raw_path  # the absolute URL a client sends to a proxy
        seen.append(target)
        if not target.startswith("http://"):
            return web.Response(status=400, text="not a proxy request")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with (
            aiohttp.ClientSession(auto_decompress=False) as session,
            session.get(target, headers=headers, allow_redirects=False) as answer,
        ):
            body = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
            return web.Response(status=answer.status, body=body, headers=kept)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length", "host"}
)  # fmt: skip
