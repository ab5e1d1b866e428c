"""A small real web site on 127.0.0.1: the fixture pages plus the answers real sites give
(redirects, 403/404/410/429/500/999, bot challenges, slow and trickling routes, compressed
bodies and decompression bombs, pages in legacy charsets, redirects towards internal
addresses). `factcheck demo` and the tests run against it, so every status can be seen
without a network.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path

import brotli
from aiohttp import web

from factcheck.models import ClaimFile

PLACEHOLDER = "http://fixtures.test"  # the host fixture claim files cite; replaced on serving
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".json": "application/json",
}


DEMO = Path(__file__).resolve().parent  # site/ and claims/, installed with the package


def default_fixtures() -> Path:
    """The demo's own folder (package data): `site/` to serve and `claims/` to check."""
    return DEMO


def build_app(site: Path) -> web.Application:
    """The aiohttp application serving `site` and the special routes."""
    hits: Counter[str] = Counter()
    app = web.Application()

    async def page(request: web.Request) -> web.StreamResponse:
        path = (site / request.match_info["path"]).resolve()
        if not path.is_file() or site.resolve() not in path.parents:
            raise web.HTTPNotFound()
        # enc/ holds pages in legacy charsets: no charset header, the page must be sniffed
        utf8 = path.suffix in (".html", ".txt") and path.parent.name != "enc"
        charset = "utf-8" if utf8 else None
        content_type = _TYPES.get(path.suffix, "application/octet-stream")
        return web.Response(body=path.read_bytes(), content_type=content_type, charset=charset)

    async def status(request: web.Request) -> web.Response:
        hits[request.path_qs] += 1
        code = int(request.match_info["code"])
        reason = "Request denied" if code == 999 else None  # as LinkedIn says it
        return web.Response(status=code, reason=reason, text=f"status {code}", headers=_extra(code))

    async def redirect(request: web.Request) -> web.Response:
        code = 301 if request.match_info["kind"] == "permanent" else 302
        target = "/" + request.match_info["path"]
        return web.Response(status=code, headers={"Location": target})

    async def loop(request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        return web.Response(status=302, headers={"Location": f"/loop/{other}"})

    async def slow(request: web.Request) -> web.Response:
        hits[request.path_qs] += 1
        await asyncio.sleep(float(request.query.get("seconds", "30")))
        return web.Response(text="too late")

    async def challenge(request: web.Request) -> web.Response:
        return web.Response(
            status=403,
            text="<html><title>Just a moment...</title></html>",
            content_type="text/html",
            headers={"cf-mitigated": "challenge"},
        )

    async def flaky(request: web.Request) -> web.StreamResponse:
        """Fails `times` times (503, or 429 with Retry-After), then serves the page."""
        key = request.path_qs
        hits[key] += 1
        if hits[key] <= int(request.query.get("times", "1")):
            code = int(request.query.get("code", "503"))
            headers = (
                {"Retry-After": _retry_after(request.query["retry_after"])}
                if "retry_after" in request.query
                else {}
            )
            return web.Response(status=code, text="try later", headers=headers)
        return await page(request)

    async def count(request: web.Request) -> web.StreamResponse:
        hits[request.path] += 1
        return await page(request)

    _add_hardening_routes(app, site, hits)
    app.router.add_get("/status/{code:\\d+}", status)
    app.router.add_get("/redirect/{kind:permanent|temporary}/{path:.*}", redirect)
    app.router.add_get("/loop/{name:a|b}", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/challenge", challenge)
    app.router.add_get("/flaky/{path:.*}", flaky)
    app.router.add_get("/counted/{path:.*}", count)
    app.router.add_get("/{path:.*}", page)
    return app


def _add_hardening_routes(app: web.Application, site: Path, hits: Counter[str]) -> None:
    """Routes for the fetcher's defences: encodings, bombs, deadlines, walls, the guard."""

    async def encoded(request: web.Request) -> web.Response:
        body = (site / request.match_info["path"]).read_bytes()
        name = request.match_info["encoding"]
        return web.Response(
            body=_compress(name, body),
            content_type="text/html",
            charset="utf-8",
            headers={"Content-Encoding": name.split("-")[0]},
        )

    async def bomb(request: web.Request) -> web.StreamResponse:
        name = request.match_info["encoding"]
        response = web.StreamResponse(
            headers={"Content-Type": "text/html", "Content-Encoding": name}
        )
        await response.prepare(request)
        data = _bomb(name)
        for start in range(0, len(data), 64 * 1024):
            await response.write(data[start : start + 64 * 1024])
        await response.write_eof()
        return response

    async def trickle(request: web.Request) -> web.StreamResponse:
        """A page sent one byte a second: never idle long enough for a read timeout."""
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        for _ in range(int(request.query.get("seconds", "60"))):
            await response.write(b".")
            await asyncio.sleep(1)
        return response

    async def js_challenge(request: web.Request) -> web.Response:
        return web.Response(text=_JS_CHALLENGE, content_type="text/html")

    async def head_refused(request: web.Request) -> web.Response:
        return web.Response(status=405, headers={"Allow": "GET"})

    async def refresh(request: web.Request) -> web.Response:
        target = "/" + request.match_info["path"]
        return web.Response(
            content_type="text/html",
            text=(
                f'<html><head><meta http-equiv="refresh" content="0; url={target}">'
                f'</head><body>Moved to <a href="{target}">{target}</a></body></html>'
            ),
        )

    async def to_internal(request: web.Request) -> web.Response:
        where = request.match_info["where"]
        target = (
            "http://169.254.169.254/latest/meta-data/"
            if where == "metadata"
            else f"http://127.0.0.1:{request.query['port']}/{request.query.get('path', '')}"
        )
        return web.Response(status=302, headers={"Location": target})

    async def needs_header(request: web.Request) -> web.Response:
        """403 unless the request carries header `name` with `value` (a cookie, a token)."""
        if request.headers.get(request.query["name"]) != request.query["value"]:
            return web.Response(status=403, text="who are you?")
        return web.Response(text="<p>members only</p>", content_type="text/html")

    async def echo(request: web.Request) -> web.Response:
        return web.json_response(dict(request.headers))

    async def hits_of(request: web.Request) -> web.Response:
        return web.json_response(dict(hits))

    app.router.add_get("/encoded/{encoding:gzip|deflate|deflate-raw|br}/{path:.*}", encoded)
    app.router.add_get("/bomb/{encoding:gzip|br}", bomb)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/js-challenge", js_challenge)
    app.router.add_route("HEAD", "/no-head/{path:.*}", head_refused)
    app.router.add_get("/no-head/{path:.*}", _page_of(site), allow_head=False)
    app.router.add_get("/meta-refresh/{path:.*}", refresh)
    app.router.add_get("/redirect/to/{where:loopback|metadata}", to_internal)
    app.router.add_get("/_echo", echo)
    app.router.add_get("/needs-header", needs_header)
    app.router.add_get("/_hits", hits_of)


def _page_of(site: Path) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def page(request: web.Request) -> web.Response:
        path = site / request.match_info["path"]
        return web.Response(body=path.read_bytes(), content_type="text/html", charset="utf-8")

    return page


_JS_CHALLENGE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<noscript>Enable JavaScript and cookies to continue</noscript>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>"""


def _retry_after(value: str) -> str:
    """`date+N` becomes an HTTP date N seconds from now; anything else is sent as given."""
    if value.startswith("date+"):
        return formatdate(time.time() + float(value[5:]), usegmt=True)
    return value


def _compress(name: str, body: bytes) -> bytes:
    if name == "br":
        return bytes(brotli.compress(body))
    if name == "deflate-raw":  # raw deflate sent as "deflate", as some servers do
        raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return raw.compress(body) + raw.flush()
    wbits = zlib.MAX_WBITS | 16 if name == "gzip" else zlib.MAX_WBITS
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return packer.compress(body) + packer.flush()


@functools.cache
def _bomb(name: str, mib: int = 2048) -> bytes:
    """`mib` MiB of zeros compressed to a few hundred KiB, built without holding them."""
    zeros = bytes(1 << 20)
    if name == "br":
        packer = brotli.Compressor(quality=1)
        return b"".join([*(packer.process(zeros) for _ in range(mib)), packer.finish()])
    # After a full flush deflate starts afresh, so every further MiB compresses to the same
    # block: compress two, repeat the second, and write the gzip trailer for the whole.
    gzip = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    head = gzip.compress(zeros) + gzip.flush(zlib.Z_FULL_FLUSH)
    block = gzip.compress(zeros) + gzip.flush(zlib.Z_FULL_FLUSH)
    end = gzip.flush()[:-8]
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    trailer = crc.to_bytes(4, "little") + ((mib << 20) & 0xFFFFFFFF).to_bytes(4, "little")
    return head + block * (mib - 1) + end + trailer


def _extra(code: int) -> dict[str, str]:
    return {"WWW-Authenticate": 'Basic realm="fixtures"'} if code == 401 else {}


@contextmanager
def serve(site: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `site` on a free port of `host` in a background thread; yields the base URL."""
    with serve_app(build_app(site), host) as base:
        yield base


@contextmanager
def serve_app(app: web.Application, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve any aiohttp `app` on a free port in a background thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, host, 0).start())
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


def demo_claims(claims: Path, base: str) -> list[ClaimFile]:
    """The fixture claim files, citing `base` instead of the placeholder host.

    Parsed in memory, so reports name the real files and lines: the demo's own relative to the
    installed package (factcheck/demo/claims/demo.yaml:9), others relative to the working folder.
    """
    from factcheck.claims.files import find_claim_files, parse_claim_file

    files = []
    for path in find_claim_files([claims]):
        data = path.read_bytes().replace(PLACEHOLDER.encode(), base.encode())
        files.append(parse_claim_file(data, _display_path(path)))
    return files


def _display_path(path: Path) -> str:
    for base in (DEMO.parent.parent, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base))
        except ValueError:
            continue
    return str(path)


__all__ = ["PLACEHOLDER", "build_app", "default_fixtures", "demo_claims", "serve", "serve_app"]
