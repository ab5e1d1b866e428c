"""Real local servers for the snapshot tests: a site that honours conditional requests and
serves an editable folder, and an archive that speaks the Wayback CDX and `id_` replay API."""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

_TYPES = {".html": "text/html", ".txt": "text/plain", ".pdf": "application/pdf"}


def conditional_site(folder: Path) -> web.Application:
    """Serves `folder` (read on every request, so tests can edit it) with ETag and
    Last-Modified; answers 304 to a matching If-None-Match. `/_counts` says how many 200s,
    304s and conditional requests it saw; `/slow?seconds=N` answers late."""
    counts: Counter[str] = Counter()
    app = web.Application()

    async def page(request: web.Request) -> web.StreamResponse:
        path = folder / request.match_info["path"]
        if not path.is_file():
            counts["404"] += 1
            raise web.HTTPNotFound()
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        modified = format_datetime(
            datetime.fromtimestamp(int(path.stat().st_mtime), UTC), usegmt=True
        )
        headers = {"ETag": etag, "Last-Modified": modified}
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            counts["conditional"] += 1
        if request.headers.get("If-None-Match") == etag:
            counts["304"] += 1
            return web.Response(status=304, headers=headers)
        counts["200"] += 1
        return web.Response(
            body=body,
            headers=headers,
            content_type=_TYPES.get(path.suffix, "application/octet-stream"),
            charset="utf-8" if path.suffix in (".html", ".txt") else None,
        )

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("seconds", "30")))
        return web.Response(text="too late")

    async def counts_of(request: web.Request) -> web.Response:
        return web.json_response(dict(counts))

    app.router.add_get("/_counts", counts_of)
    app.router.add_get("/slow", slow)
    app.router.add_get("/{path:.*}", page)
    return app


# url -> [(14-digit timestamp, HTTP status, body)]
Captures = dict[str, list[tuple[str, int, bytes]]]


def archive_app(captures: Captures) -> web.Application:
    """A Wayback Machine in miniature: `/cdx/search/cdx` (output=json, fl, filter=statuscode:,
    closest with sort=closest, limit) and raw captures at `/web/{timestamp}id_/{url}`."""
    app = web.Application()

    async def cdx(request: web.Request) -> web.Response:
        rows = [
            (ts, url, status)
            for url in [request.query["url"]]
            for ts, status, _ in captures.get(url, [])
        ]
        wanted = request.query.get("filter", "")
        if wanted.startswith("statuscode:"):
            rows = [r for r in rows if str(r[2]) == wanted.split(":", 1)[1]]
        if request.query.get("sort") == "closest" and "closest" in request.query:
            target = int(request.query["closest"])
            rows.sort(key=lambda r: abs(int(r[0]) - target))
        rows = rows[: int(request.query.get("limit", "10000"))]
        fields = request.query.get("fl", "timestamp,original,statuscode").split(",")
        table = [fields] + [
            [{"timestamp": ts, "original": url, "statuscode": str(status)}[f] for f in fields]
            for ts, url, status in rows
        ]
        return web.json_response(table if rows else [])

    async def raw(request: web.Request) -> web.Response:
        url = request.match_info["url"]
        if request.query_string:
            url += "?" + request.query_string
        for ts, status, body in captures.get(url, []):
            if ts == request.match_info["ts"]:
                return web.Response(
                    status=status, body=body, content_type="text/html", charset="utf-8"
                )
        raise web.HTTPNotFound()

    app.router.add_get("/cdx/search/cdx", cdx)
    app.router.add_get("/web/{ts:\\d{14}}id_/{url:.*}", raw)
    return app


def write_site(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A folder of pages for `conditional_site` (text written as UTF-8); returns `folder`."""
    folder.mkdir()
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def write_claims(path: Path, citations: list[tuple[str, list[str]]]) -> Path:
    """A claim file with one claim per citation (url, quotes); returns `path`."""
    lines = ["claims:"]
    for i, (url, quotes) in enumerate(citations):
        lines += [
            f"  - id: claim-{i}",
            f"    claim: Claim number {i}",
            "    citations:",
            f"      - url: {url}",
        ]
        if quotes:
            lines.append("        quotes:")
            lines += [f"          - {quote}" for quote in quotes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
