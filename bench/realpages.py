"""Differential harness: factcheck against what headless Chromium shows, on real saved pages.

    .venv/bin/pip install playwright      # the harness only; it drives Debian's chromium
    .venv/bin/python bench/realpages.py /work/corpus/readability

The corpus is a folder of saved real web pages (`*.html`, or `*/source.html` as in the test
pages of mozilla/readability), kept outside the repository: third-party pages are never
committed. Each page is served raw on 127.0.0.1 and rendered in headless Chromium with every
request that is not the page itself refused (no network, no external resources), to read
`document.body.innerText`: what a reader sees. From that text the harness samples positives
(sentences and runs of words copied as they stand, and a few restyled as a reporter copies
them: in quote marks, the end punctuation changed) and makes misquote negatives (one word
dropped, a number changed, "not" inserted), each checked absent from the text a reader sees
(punctuation and spacing aside). Then `factcheck verify --format json` checks them all
against the served pages. Every positive not found and every negative found is printed with
its reason; the last line is `real pages: positives P/N ok, negatives M/K caught`.

Not part of CI (it needs a corpus and Playwright). Options: `--limit N` pages, `--seed`,
`--positives` and `--negatives` per page, `--work-dir` (keep the claims and the report),
`--chromium PATH`, `--compare-reading` (also check every page's samples read on the event
loop and in a reading process, reading.py, and print any difference: the two must agree).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
WORD = re.compile(r"\S+")
LETTERS = re.compile(r"[^\W\d_]")
NUMBER = re.compile(r"\d")
EDITORIAL = re.compile(r"[\[\]…]|\.\.\.")
# What may differ between a quote and the page without changing a word (the check of absence).
LOOSE_DROP = re.compile(r"[\s\"'“”‘’«»,.;:!?()\[\]\-–—…]+")


@dataclass(frozen=True)
class Sample:
    page: str
    quote: str
    kind: str  # "sentence", "run", or the misquote kind
    positive: bool


def pages_of(corpus: Path) -> list[Path]:
    """The saved pages of a corpus folder, sorted (`*.html` or `*/source.html`)."""
    found = sorted(corpus.glob("*.html")) + sorted(corpus.glob("*/source.html"))
    return found


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the corpus folder as it is, every page as UTF-8 HTML, logging nothing."""

    extensions_map = {".html": "text/html; charset=utf-8", "": "application/octet-stream"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve `folder` on 127.0.0.1 (an ephemeral port) in a thread; (server, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def render_all(urls: list[str], chromium: str, user_data: Path) -> dict[str, str]:
    """URL -> document.body.innerText in headless Chromium ('' when it failed to render)."""
    from playwright.sync_api import sync_playwright

    texts: dict[str, str] = {}
    with sync_playwright() as play:
        browser = play.chromium.launch_persistent_context(
            str(user_data), executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for url in urls:
                texts[url] = _inner_text(browser, url)
        finally:
            browser.close()
    return texts


def _inner_text(browser: Any, url: str) -> str:
    """One page's innerText; every request but the page itself is refused."""
    page = browser.new_page()
    page.route("**/*", lambda route: only_the_page(route, url))
    try:
        page.goto(url, wait_until="load", timeout=20_000)
        page.wait_for_timeout(300)
        return str(page.evaluate("document.body ? document.body.innerText : ''"))
    except Exception as exc:  # a page that never loads is left out, with its reason
        print(f"render failed: {url}: {type(exc).__name__}", file=sys.stderr)
        return ""
    finally:
        page.close()


def only_the_page(route: Any, url: str) -> None:
    """Let the page itself through, refuse every other request (no network)."""
    if route.request.url.split("#")[0] == url:
        route.continue_()
    else:
        route.abort()


def loose(text: str) -> str:
    """Text with case, punctuation and spacing folded: to check a misquote is absent."""
    return " " + LOOSE_DROP.sub(" ", text.lower()).strip() + " "


def candidates(text: str) -> list[tuple[str, str]]:
    """(kind, passage) pairs a reporter could copy: whole sentences and runs of words."""
    out: list[tuple[str, str]] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        for sentence in SENTENCE_END.split(line):
            words = sentence.split(" ")
            if 6 <= len(words) <= 40 and len(LETTERS.findall(sentence)) > len(sentence) / 2:
                out.append(("sentence", sentence))
            if len(words) >= 14:
                start = len(words) // 3
                out.append(("run", " ".join(words[start : start + 9])))
    return out


def restyled(quote: str) -> str:
    """The passage as a reporter copies it: in its own quote marks, its end punctuation
    changed (a full stop for a comma, or none for one)."""
    body = quote.rstrip(".,;:")
    end = "," if quote.endswith(".") else "."
    return f"\u201c{body}{end}\u201d"


def misquotes(quote: str, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, variant): one word dropped, a number changed, "not" inserted. None for a
    passage with brackets or an ellipsis: those are editorial marks in a quote, and a variant
    would mean something else than a misquote."""
    if EDITORIAL.search(quote):
        return []
    words = quote.split(" ")
    out = []
    if len(words) > 4:
        drop = rng.randrange(1, len(words) - 1)
        out.append(("word dropped", " ".join(words[:drop] + words[drop + 1 :])))
        at = rng.randrange(1, len(words) - 1)
        out.append(("not inserted", " ".join(words[:at] + ["not"] + words[at:])))
    digits = [m.start() for m in NUMBER.finditer(quote)]
    if digits:
        pos = rng.choice(digits)
        changed = str((int(quote[pos]) + rng.randrange(1, 9)) % 10)
        out.append(("number changed", quote[:pos] + changed + quote[pos + 1 :]))
    return out


def sample_page(
    name: str, text: str, rng: random.Random, positives: int, negatives: int
) -> list[Sample]:
    """Positives copied from the text a reader sees, misquotes that are certainly not in it."""
    pool = candidates(text)
    rng.shuffle(pool)
    chosen = pool[:positives]
    samples = [Sample(name, quote, kind, True) for kind, quote in chosen]
    plain = [quote for _, quote in chosen if not EDITORIAL.search(quote)]
    samples += [Sample(name, restyled(quote), "restyled", True) for quote in plain[:2]]
    seen = loose(text)
    variants = [v for _, quote in chosen for v in misquotes(quote, rng)]
    rng.shuffle(variants)
    for kind, variant in variants[:negatives]:
        if loose(variant) not in seen:
            samples.append(Sample(name, variant, kind, False))
    return samples


def compare_reading(corpus: Path, samples: list[Sample]) -> None:
    """Every page's samples checked twice, read on the loop and in a reading process (as a
    PDF or a page of 1 MiB or more is): print each page whose results differ, then a count."""
    import asyncio

    from factcheck.fetch.client import FetchOutcome, FetchResult
    from factcheck.models import VerifyOptions
    from factcheck.quotes.pagecheck import check_page
    from factcheck.reading import Readers

    by_page: dict[str, list[tuple[str, ...]]] = {}
    for sample in samples:
        by_page.setdefault(sample.page, []).append((sample.quote,))

    async def both() -> list[str]:
        differ = []
        async with Readers(VerifyOptions(), threshold=0) as readers:
            for name, quote_sets in by_page.items():
                url = f"http://corpus.test/{name}"
                body = (corpus / name).read_bytes()
                page = FetchResult(url, FetchOutcome.OK, "HTTP 200", final_url=url,
                                   http_status=200, media_type="text/html", charset="utf-8",
                                   body=body)  # fmt: skip
                if check_page(page, quote_sets) != await readers.check_page(page, quote_sets):
                    differ.append(name)
        return differ

    differ = asyncio.run(both())
    for name in differ:
        print(f"read differently on the loop and in a reader: {name}")
    print(
        f"reading compared: {len(by_page)} pages, {len(samples)} quotes, "
        f"{len(by_page) - len(differ)} pages identical"
    )


def claim_file(samples: list[Sample], base: str) -> str:
    """A claim file with one citation per sample (JSON is YAML)."""
    claims = [
        {
            "id": f"s{i}",
            "claim": f"{s.kind} from {s.page}",
            "citations": [{"url": f"{base}/{s.page}", "quote": s.quote}],
        }
        for i, s in enumerate(samples)
    ]
    return json.dumps({"claims": claims}, ensure_ascii=False, indent=1)


def verify(claims: Path, report: Path) -> dict[str, dict[str, Any]]:
    """Run `factcheck verify` as a user does; claim id -> its citation's JSON result."""
    command = [
        sys.executable, "-m", "factcheck", "verify", str(claims), "--format", "json",
        "--output", str(report), "--allow-private", "--no-store", "--retries", "0",
        "--workers", "1",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if run.returncode not in (0, 1):
        sys.exit(f"factcheck verify exited {run.returncode}: {run.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    return {c["id"]: c["citations"][0] for c in data["claims"]}


def judge(samples: list[Sample], results: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Print every miss; (positives ok, negatives caught)."""
    ok = caught = 0
    for i, sample in enumerate(samples):
        result = results[f"s{i}"]
        passed = result["status"] == "ok"
        if sample.positive and passed:
            ok += 1
        elif not sample.positive and not passed:
            caught += 1
        else:
            what = "positive not ok" if sample.positive else f"misquote passed ({sample.kind})"
            print(f"{what}: {sample.page}: {result['status']}: {result['reason'][:300]}")
            print(f"    quote: {sample.quote[:300]}")
    return ok, caught


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--positives", type=int, default=10)
    parser.add_argument("--negatives", type=int, default=6)
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--compare-reading", action="store_true")
    args = parser.parse_args()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="realpages-"))
    work.mkdir(parents=True, exist_ok=True)
    pages = pages_of(args.corpus)[: args.limit or None]
    server, base = serve(args.corpus)
    try:
        names = [str(p.relative_to(args.corpus)) for p in pages]
        texts = render_all([f"{base}/{n}" for n in names], args.chromium, work / "chromium")
        rng = random.Random(args.seed)
        samples = [
            s
            for n in names
            for s in sample_page(n, texts[f"{base}/{n}"], rng, args.positives, args.negatives)
        ]
        (work / "claims.yaml").write_text(claim_file(samples, base), encoding="utf-8")
        results = verify(work / "claims.yaml", work / "report.json")
    finally:
        server.shutdown()
    ok, caught = judge(samples, results)
    positives = sum(s.positive for s in samples)
    rendered = sum(bool(texts[f"{base}/{n}"]) for n in names)
    print(f"pages: {len(names)} ({rendered} rendered with text); work dir: {work}")
    negatives = len(samples) - positives
    print(f"real pages: positives {ok}/{positives} ok, negatives {caught}/{negatives} caught")
    if args.compare_reading:
        compare_reading(args.corpus, samples)


if __name__ == "__main__":
    main()
