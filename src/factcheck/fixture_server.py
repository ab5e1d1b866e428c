"""A small real web site on 127.0.0.1: the fixture pages plus the answers real sites give
(redirects, 403/404/410/429/500, a bot challenge, a slow route). `factcheck demo` and the
tests run against it, so every status can be seen without a network.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

PLACEHOLDER = "http://fixtures.test"  # the host fixture claim files cite; replaced on serving
_TYPES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
          ".pdf": "application/pdf", ".json": "application/json"}


def default_fixtures() -> Path:
    """The project's fixtures/ folder (beside src/ in a checkout), else ./fixtures."""
    beside = Path(__file__).resolve().parents[2] / "fixtures"
    return beside if beside.is_dir() else Path("fixtures")


def build_app(site: Path) -> web.Application:
    """The aiohttp application serving `site` and the special routes."""
    hits: Counter[str] = Counter()
    app = web.Application()

    async def page(request: web.Request) -> web.StreamResponse:
        path = (site / request.match_info["path"]).resolve()
        if not path.is_file() or site.resolve() not in path.parents:
            raise web.HTTPNotFound()
        charset = "utf-8" if path.suffix in (".html", ".txt") else None
        content_type = _TYPES.get(path.suffix, "application/octet-stream")
        return web.Response(body=path.read_bytes(), content_type=content_type, charset=charset)

    async def status(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        return web.Response(status=code, text=f"status {code}", headers=_extra(code))

    async def redirect(request: web.Request) -> web.Response:
        code = 301 if request.match_info["kind"] == "permanent" else 302
        target = "/" + request.match_info["path"]
        return web.Response(status=code, headers={"Location": target})

    async def loop(request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{other}"})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("seconds", "30")))
        return web.Response(text="too late")

    async def challenge(request: web.Request) -> web.Response:
        return web.Response(status=403, text="<html><title>Just a moment...</title></html>",
                            content_type="text/html", headers={"cf-mitigated": "challenge"})

    async def flaky(request: web.Request) -> web.StreamResponse:
        """Fails `times` times (503, or 429 with Retry-After), then serves the page."""
        key = request.path_qs
        hits[key] += 1
        if hits[key] <= int(request.query.get("times", "1")):
            code = int(request.query.get("code", "503"))
            headers = {"Retry-After": request.query["retry_after"]} \
                if "retry_after" in request.query else {}
            return web.Response(status=code, text="try later", headers=headers)
        return await page(request)

    async def hits_of(request: web.Request) -> web.Response:
        return web.json_response(dict(hits))

    async def count(request: web.Request) -> web.StreamResponse:
        hits[request.path] += 1
        return await page(request)

    app.router.add_get("/status/{code:\\d+}", status)
    app.router.add_get("/redirect/{kind:permanent|temporary}/{path:.*}", redirect)
    app.router.add_get("/loop/{name:a|b}", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/challenge", challenge)
    app.router.add_get("/flaky/{path:.*}", flaky)
    app.router.add_get("/counted/{path:.*}", count)
    app.router.add_get("/_hits", hits_of)
    app.router.add_get("/{path:.*}", page)
    return app


def _extra(code: int) -> dict[str, str]:
    return {"WWW-Authenticate": 'Basic realm="fixtures"'} if code == 401 else {}


@contextmanager
def serve(site: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `site` on a free port of `host` in a background thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(build_app(site), access_log=None, shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    tcp = web.TCPSite(runner, host, 0)
    loop.run_until_complete(tcp.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, name="fixture-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        _cancel_pending(loop)
        loop.close()


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel handlers still running (a slow route) so the loop closes cleanly."""
    pending = asyncio.all_tasks(loop)
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


@contextmanager
def demo_claims(claims: Path, base: str) -> Iterator[Path]:
    """A temporary copy of the fixture claim files citing `base` instead of the placeholder."""
    with tempfile.TemporaryDirectory(prefix="factcheck-demo-") as tmp:
        target = Path(tmp)
        for source in sorted(claims.glob("*.y*ml")):
            text = source.read_text(encoding="utf-8").replace(PLACEHOLDER, base)
            (target / source.name).write_text(text, encoding="utf-8")
        yield target


__all__ = ["PLACEHOLDER", "build_app", "default_fixtures", "demo_claims", "serve"]
