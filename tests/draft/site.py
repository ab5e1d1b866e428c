"""A news site on 127.0.0.1 for the draft tests: fixtures/articles/ served with the
placeholder host replaced by the server's own, and a stand-in for Save Page Now."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from aiohttp import web

from factcheck.demo.server import PLACEHOLDER

CAPTURE_TIME = "20261204120000"
_TYPES = {".html": "text/html", ".md": "text/markdown", ".pdf": "application/pdf"}


def news_site(
    folder: Path, saves: Counter[str], agents: Counter[str] | None = None
) -> web.Application:
    """Serve `folder` (the placeholder replaced), /save/URL answering as Save Page Now does
    (a redirect to /web/TIMESTAMP/URL; /save/ of a URL with 'fail' in it answers 523), and
    the captures under /web/. `agents` counts the User-Agent of every page request."""
    app = web.Application()

    async def page(request: web.Request) -> web.Response:
        if agents is not None:
            agents[request.headers.get("User-Agent", "")] += 1
        path = (folder / request.match_info["path"]).resolve()
        if not path.is_file() or folder.resolve() not in path.parents:
            raise web.HTTPNotFound()
        base = f"{request.scheme}://{request.host}"
        body = path.read_bytes().replace(PLACEHOLDER.encode(), base.encode())
        content_type = _TYPES.get(path.suffix, "application/octet-stream")
        return web.Response(body=body, content_type=content_type, charset="utf-8")

    async def save(request: web.Request) -> web.Response:
        target = request.path_qs.removeprefix("/save/")
        saves[target] += 1
        if "fail" in target or "police" in target:
            return web.Response(status=523, reason="Origin Is Unreachable")
        return web.Response(status=302, headers={"Location": f"/web/{CAPTURE_TIME}/{target}"})

    async def capture(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>a capture</body></html>", content_type="text/html")

    app.router.add_get("/save/{url:.*}", save)
    app.router.add_get("/web/{rest:.*}", capture)
    app.router.add_get("/{path:.*}", page)
    return app
