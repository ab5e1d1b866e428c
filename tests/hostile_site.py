"""A hostile web site for the security tests: it counts every request (so a test can prove
that a refused address was never contacted), redirects anywhere it is told, echoes what it
was sent, answers with a reason phrase it is given and serves the hostile files that
fixtures/make_hostile.py builds."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from factcheck.demo.server import serve_app

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
TYPES = {".pdf": "application/pdf", ".html": "text/html", ".txt": "text/plain"}


def hostile_app() -> web.Application:
    """The application; `GET /_hits` gives every path (with its query) and its count."""
    hits: Counter[str] = Counter()

    @web.middleware
    async def count(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
        if request.path != "/_hits":
            hits[request.path_qs] += 1
        return await handler(request)

    async def go(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({k.lower(): v for k, v in request.headers.items()})

    async def reason(request: web.Request) -> web.Response:
        return web.Response(status=int(request.query.get("code", "404")), reason=request.query["r"])

    async def file(request: web.Request) -> web.Response:
        path = HOSTILE / request.match_info["name"]
        kind = TYPES.get(path.suffix, "application/octet-stream")
        return web.Response(body=path.read_bytes(), content_type=kind)

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<p>a page anyone could write</p>", content_type="text/html")

    async def hits_of(request: web.Request) -> web.Response:
        return web.json_response(dict(hits))

    app = web.Application(middlewares=[count])
    app.router.add_get("/_hits", hits_of)
    app.router.add_get("/go", go)
    app.router.add_get("/echo", echo)
    app.router.add_get("/reason", reason)
    app.router.add_get("/file/{name}", file)
    app.router.add_get("/{path:.*}", page)
    return app


@contextmanager
def hostile_site(host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the hostile site on a free port of `host`; yields its base URL."""
    with serve_app(hostile_app(), host) as base:
        yield base


def hits(base: str) -> dict[str, int]:
    """What the site at `base` was asked for so far: path and query -> count."""
    with urllib.request.urlopen(f"{base}/_hits") as answer:
        counts: dict[str, int] = json.load(answer)
    return counts


@contextmanager
def raw_status_site(status_line: bytes) -> Iterator[str]:
    """A server answering every request with `status_line` (e.g. a reason phrase holding
    an escape sequence, which aiohttp's own server refuses to send) and an empty body."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                conn.recv(65536)
                conn.sendall(status_line + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=answer, name="raw-status-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
