"""Warm vs cold: the same claims verified twice against a local site with latency.

The cold run fetches every page and stores it; the warm run sends If-None-Match and gets
304s, judging the stored bodies. The site models a remote server: every answer waits
`--latency` seconds before its first byte, and bodies stream at `--bandwidth` bytes/s.

    .venv/bin/python bench/bench_snapshots.py [--pages 60] [--latency 0.08] [--kb 120]
        [--rounds 5]

Each round uses a fresh store (cold, then warm, then offline, in that order); the figures are
medians over the rounds, and the ratio is taken within each round (other processes on the
machine slow both runs of a round alike).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from factcheck.claims.files import load_claims
from factcheck.models import VerifyOptions
from factcheck.verify import verify

FILLER = (
    "The committee met again on Thursday to review the flood defences along the lower "
    "river, where residents have reported water in cellars since the spring. "
)


def page(i: int, kb: int) -> bytes:
    """An HTML page of about `kb` KiB carrying the sentence the claims quote."""
    paragraphs = [f"<p>{FILLER * 3} Paragraph {n}.</p>" for n in range(kb * 1024 // 700)]
    paragraphs.insert(
        len(paragraphs) // 2, f"<p>Gauge {i} recorded a rise of {i} centimetres in one night.</p>"
    )
    return f"<html><body><h1>Report {i}</h1>{''.join(paragraphs)}</body></html>".encode()


def site(bodies: dict[str, bytes], latency: float, bandwidth: float) -> web.Application:
    app = web.Application()
    counts = {"200": 0, "304": 0}

    async def handler(request: web.Request) -> web.StreamResponse:
        body = bodies[request.match_info["name"]]
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        await asyncio.sleep(latency)
        if request.headers.get("If-None-Match") == etag:
            counts["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        counts["200"] += 1
        response = web.StreamResponse(
            headers={"ETag": etag, "Content-Type": "text/html; charset=utf-8"}
        )
        response.content_length = len(body)
        await response.prepare(request)
        chunk = 16 * 1024
        for start in range(0, len(body), chunk):
            await response.write(body[start : start + chunk])
            await asyncio.sleep(chunk / bandwidth)
        return response

    app.router.add_get("/{name}", handler)
    app["counts"] = counts
    return app


@contextmanager
def serve(app: web.Application) -> Iterator[str]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def claims_file(folder: Path, base: str, pages: int) -> Path:
    lines = ["claims:"]
    for i in range(pages):
        lines += [
            f"  - id: gauge-{i}",
            f"    claim: Gauge {i} rose {i} cm",
            "    citations:",
            f"      - url: {base}/report-{i}.html",
            f"        quote: Gauge {i} recorded a rise of {i} centimetres in one night",
        ]
    path = folder / "claims.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(path: Path, options: VerifyOptions) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    report = verify(load_claims((str(path),)), options)
    counts = {s.value: n for s, n in report.counts().items() if n}
    return time.perf_counter() - started, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.08, help="seconds to first byte")
    parser.add_argument("--bandwidth", type=float, default=2e6, help="bytes per second")
    parser.add_argument("--kb", type=int, default=120, help="page size in KiB")
    parser.add_argument("--rounds", type=int, default=5, help="fresh stores, medians reported")
    args = parser.parse_args()
    bodies = {f"report-{i}.html": page(i, args.kb) for i in range(args.pages)}
    app = site(bodies, args.latency, args.bandwidth)
    times: dict[str, list[float]] = {"plain": [], "cold": [], "warm": [], "offline": []}
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, serve(app) as base:
        path = claims_file(Path(tmp), base, args.pages)
        common = {"allow_private": True, "check_connectivity": False, "per_host": 8, "retries": 0}
        for n in range(args.rounds):
            store = str(Path(tmp) / f".factcheck-{n}")
            plain, _ = timed(path, VerifyOptions(**common))
            cold, cold_counts = timed(path, VerifyOptions(store=store, **common))
            warm, warm_counts = timed(path, VerifyOptions(store=store, **common))
            offline, _ = timed(path, VerifyOptions(store=store, offline=True, **common))
            for name, value in zip(times, (plain, cold, warm, offline), strict=True):
                times[name].append(value)
            ratios.append(warm / cold)
            print(
                f"round {n + 1}: no store {plain:.2f} s, cold {cold:.2f} s {cold_counts}, "
                f"warm {warm:.2f} s {warm_counts}, offline {offline:.2f} s, "
                f"warm/cold {warm / cold:.2f}"
            )
    size = sum(len(b) for b in bodies.values()) / 1e6
    med = {name: statistics.median(values) for name, values in times.items()}
    ratio = statistics.median(ratios)
    print(
        f"{args.pages} pages, {size:.1f} MB, latency {args.latency * 1000:.0f} ms, "
        f"{args.bandwidth / 1e6:g} MB/s, 8 per host; medians of {args.rounds} rounds"
    )
    print(f"no store (cold)  {med['plain']:6.2f} s")
    print(f"cold, storing    {med['cold']:6.2f} s")
    print(f"warm (304s)      {med['warm']:6.2f} s  server, all rounds: {app['counts']}")
    print(f"offline          {med['offline']:6.2f} s")
    print(f"warm/cold ratio  {ratio:.2f}  (warm is {1 / ratio:.1f}x faster)")


if __name__ == "__main__":
    main()
