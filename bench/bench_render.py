"""Rendering cost: renders per second and the browser's peak memory for N script-built
pages, at several --render-concurrency settings, in the system's headless Chromium.

    .venv/bin/python bench/bench_render.py [--pages 50] [--concurrency 1 2 4] [--paragraphs 40]

Each page is a shell whose script builds an article of `--paragraphs` paragraphs from a JSON
endpoint (as tests/render does), served on 127.0.0.1. For each concurrency a fresh browser
(one per run, as factcheck starts it) renders every page through the guarded proxy: load,
settle, innerText, quote matched, passage highlighted, screenshot taken. The browser's
process tree (Chromium and its renderers, GPU and utility processes, not Playwright's
driver) is sampled every 50 ms for its summed proportional set size (Pss, shared pages
shared out) and resident set size (Rss, shared pages counted in every process); the peaks
are reported.
The first start of the browser is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.demo.server import serve
from factcheck.models import VerifyOptions
from factcheck.render.browser import Browser
from factcheck.render.rendered import render

SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Loading</title></head>
<body><div id="app">Loading…</div><script>
fetch("{n}.json").then(r => r.json()).then(a => {{
  const root = document.getElementById("app"); root.textContent = "";
  for (const t of a.paragraphs) {{
    const p = document.createElement("p"); p.textContent = t; root.appendChild(p);
  }}
}});
</script></body></html>"""
FILLER = "The committee met again on Thursday to review the flood defences along the river."


def write_site(folder: Path, pages: int, paragraphs: int) -> None:
    for n in range(pages):
        body = [f"{FILLER} Paragraph {i} of page {n}." for i in range(paragraphs)]
        body[paragraphs // 2] = f"Page {n} says the levees were raised by two metres in May."
        (folder / f"{n}.html").write_text(SHELL.format(n=n), encoding="utf-8")
        (folder / f"{n}.json").write_text(json.dumps({"paragraphs": body}), encoding="utf-8")


def memory_kib(pids: list[int]) -> tuple[int, int]:
    """(summed Rss, summed Pss) of `pids` in KiB: Rss counts shared pages once per process,
    Pss shares them out, so the Pss sum is what the tree really holds."""
    rss = pss = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss, pss


async def sample(browser: Browser, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        rss, pss = memory_kib(browser.process_ids())
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
        try:
            await asyncio.wait_for(stop.wait(), 0.05)
        except TimeoutError:
            pass


async def one_run(base: str, pages: int, concurrency: int) -> dict[str, float]:
    options = VerifyOptions(
        allow_hosts=frozenset({urlsplit(base).netloc}), render_concurrency=concurrency
    )
    async with Browser(options) as browser:
        started = time.perf_counter()
        async with browser.context():
            pass  # the browser's start, timed apart
        start_s = time.perf_counter() - started
        peak, stop = [0, 0], asyncio.Event()
        sampler = asyncio.create_task(sample(browser, peak, stop))
        began = time.perf_counter()
        rendered = await asyncio.gather(
            *(
                render(browser, f"{base}/{n}.html", (f"Page {n} says the levees were raised",))
                for n in range(pages)
            )
        )
        elapsed = time.perf_counter() - began
        stop.set()
        await sampler
    found = sum(1 for r in rendered if next(iter(r.quotes.values())).status.value == "found")
    assert found == pages, f"only {found} of {pages} quotes found"
    return {
        "start": start_s, "elapsed": elapsed, "rate": pages / elapsed,
        "rss": peak[0], "pss": peak[1],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--paragraphs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_site(Path(tmp), args.pages, args.paragraphs)
        with serve(Path(tmp)) as base:
            print(f"{args.pages} script-built pages, {args.paragraphs} paragraphs each")
            print("concurrency  browser start  total s  renders/s  peak Pss / Rss (browser tree)")
            for concurrency in args.concurrency:
                r = asyncio.run(one_run(base, args.pages, concurrency))
                print(
                    f"{concurrency:>11}  {r['start']:>11.2f} s  {r['elapsed']:>7.2f}"
                    f"  {r['rate']:>9.2f}  {r['pss'] / 1024:>6.0f} / {r['rss'] / 1024:.0f} MiB"
                )


if __name__ == "__main__":
    main()
