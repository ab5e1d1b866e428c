"""Time `factcheck init` on a generated 3,000-word article with 40 links.

The article (paragraphs, a list and a table, quotes in curly and straight marks) and its cited
pages are served on 127.0.0.1 with a set latency; 30 pages hold their quote, 5 hold it
altered, 5 answer 404. `factcheck init` runs as a user runs it (a subprocess), several
rounds; the median is printed, with the parts measured apart in this process: importing
trafilatura, reading the article's main text, and checking the quotes.

    .venv/bin/python bench/bench_draft.py [--rounds 5] [--latency-ms 50] [--links 40]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from factcheck.demo.server import serve_app  # noqa: E402

WORDS = (
    "council river dam engineers report budget water inspection county state repairs "
    "residents flood wall north south night morning police mayor agency record funds "
    "survey contract cracks warning years million study valley bridge road office"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def quote_of(n: int, rng: random.Random) -> str:
    return f"the {rng.choice(WORDS)} {rng.choice(WORDS)} of site {n} was {rng.choice(WORDS)}"


def make_site(links: int, words: int, seed: int = 7) -> tuple[str, dict[str, str]]:
    """The article's HTML (with {BASE} for the server) and the pages, by path."""
    rng = random.Random(seed)
    pages: dict[str, str] = {}
    blocks: list[str] = []
    per_block = max(1, words // links - 14)  # filler words around each ~14-word citation
    for n in range(links):
        quote = quote_of(n, rng)
        kind = "404" if n % 8 == 7 else "altered" if n % 8 == 3 else "ok"
        said = quote.replace(" was ", " is ") if kind == "altered" else quote
        body = "".join(f"<p>{sentence(rng, 18)}</p>" for _ in range(60))
        if kind != "404":
            pages[f"p{n}.html"] = (
                f"<html><head><title>Page {n}</title></head><body><h1>Source {n}</h1>{body}"
                f"<p>Officials said {said} in the end.</p>{body}</body></html>"
            )
        mark = ("\u201c", "\u201d") if n % 2 else ('"', '"')
        cited = (
            f'The office said {mark[0]}{quote}{mark[1]} in a <a href="{{BASE}}/p{n}.html">'
            f"statement</a>."
        )
        filler = " ".join(sentence(rng, 12) for _ in range(round(per_block / 12)))
        if n % 10 == 5:
            blocks.append(f"<p>{filler}</p><ul><li>{cited}</li></ul>")
        elif n % 10 == 9:
            blocks.append(f"<p>{filler}</p><table><tr><td>{n}</td><td>{cited}</td></tr></table>")
        else:
            blocks.append(f"<p>{filler} {cited}</p>")
    article = (
        "<html><head><title>A long article</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>A long article</h1>{''.join(blocks)}</article></body></html>"
    )
    return article, pages


def site_app(article: str, pages: dict[str, str], latency: float) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        name = request.match_info["name"]
        base = f"http://{request.host}"
        if name == "article.html":
            return web.Response(text=article.replace("{BASE}", base), content_type="text/html")
        if name in pages:
            return web.Response(text=pages[name], content_type="text/html")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/{name}", answer)
    return app


def time_init(base: str, folder: Path) -> float:
    out = folder / "draft.yaml"
    command = [sys.executable, "-m", "factcheck", "init", f"{base}/article.html", "-o", str(out)]
    started = time.perf_counter()
    subprocess.run([*command, "--allow-private", "--force"], check=True, capture_output=True)
    return time.perf_counter() - started


def parts(article: str, base: str) -> dict[str, float]:
    """Importing trafilatura and reading the main text, timed apart (in this process)."""
    started = time.perf_counter()
    import trafilatura  # noqa: F401

    imported = time.perf_counter() - started
    from factcheck.draft.maintext import html_blocks

    started = time.perf_counter()
    blocks = html_blocks(article.replace("{BASE}", base), f"{base}/article.html")
    return {
        "import trafilatura": imported,
        "main text": time.perf_counter() - started,
        "blocks": float(len(blocks)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--links", type=int, default=40)
    parser.add_argument("--words", type=int, default=3000)
    args = parser.parse_args()
    article, pages = make_site(args.links, args.words)
    words = len(re.sub(r"<[^>]+>", " ", article).split())
    with (
        serve_app(site_app(article, pages, args.latency_ms / 1000)) as base,
        tempfile.TemporaryDirectory() as tmp,
    ):
        times = [time_init(base, Path(tmp)) for _ in range(args.rounds)]
        draft = (Path(tmp) / "draft.yaml").read_text("utf-8")
        measured = parts(article, base)
    print(f"article: ~{words:,} words, {args.links} links, latency {args.latency_ms:.0f} ms")
    print(
        f"factcheck init: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {args.rounds} rounds)"
    )
    print(f"  {draft.splitlines()[1].lstrip('# ')}")
    print(
        f"  import trafilatura {measured['import trafilatura']:.2f} s, main text "
        f"{measured['main text']:.3f} s ({measured['blocks']:.0f} blocks)"
    )


if __name__ == "__main__":
    main()
