"""Which text of a rendered page to check quotes on: the browser's innerText, or the rendered
DOM read by factcheck's HTML extraction (as a fetched page is read)?

    .venv/bin/python bench/render_text.py /work/corpus/readability

Each saved page of the corpus (see bench/realpages.py) is served on 127.0.0.1 and rendered
in headless Chromium (every request but the page itself refused). From the page factcheck
reads: `document.body.innerText` with the text of the elements the browser did not render
(render/page.py's READ_HIDDEN), and the DOM with those elements marked `hidden`
(MARKED_DOM, here). Positives (sentences and runs of words a reader sees, some restyled as
a reporter copies them) and misquotes (a word dropped, a number changed, "not" inserted,
each absent from what a reader sees) are sampled as bench/realpages.py does, and checked
both ways:

- innerText: `pagecheck.check_text(innerText, quotes, url, hidden)`, what --render does;
- extraction: `pagecheck.check_page` on the marked DOM, what a fetched page goes through.

Prints each way's misses and `<way>: positives P/N ok, negatives M/K caught`. Not part of CI
(it needs a corpus); the figures are in the closing note of the render-fidelity work.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from realpages import (  # noqa: E402
    CHROMIUM_ARGS,
    Sample,
    only_the_page,
    pages_of,
    sample_page,
    serve,
)

from factcheck.fetch.client import FetchOutcome, FetchResult  # noqa: E402
from factcheck.models import QuoteResult, QuoteStatus  # noqa: E402
from factcheck.quotes.pagecheck import check_page, check_text  # noqa: E402
from factcheck.render.page import READ_HIDDEN, READ_TEXT, UNRENDERED  # noqa: E402

# The DOM with the elements the browser did not render marked `hidden`, which factcheck's
# extraction reads as hidden text (the page itself is left as it was).
MARKED_DOM = f"""(() => {{
  const marked = {UNRENDERED};
  marked.forEach((element) => element.setAttribute("data-factcheck-unrendered", ""));
  const copy = document.documentElement.cloneNode(true);
  marked.forEach((element) => element.removeAttribute("data-factcheck-unrendered"));
  copy.querySelectorAll("[data-factcheck-unrendered]").forEach((element) => {{
    element.removeAttribute("data-factcheck-unrendered");
    element.setAttribute("hidden", "");
  }});
  return "<!DOCTYPE html>" + copy.outerHTML;
}})()"""


def read_all(urls: list[str], chromium: str) -> dict[str, tuple[str, str, str]]:
    """URL -> (innerText, hidden text, marked DOM); ('', '', '') when it did not render."""
    from playwright.sync_api import sync_playwright

    read: dict[str, tuple[str, str, str]] = {}
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for url in urls:
                read[url] = _read(browser, url)
        finally:
            browser.close()
    return read


def _read(browser: Any, url: str) -> tuple[str, str, str]:
    page = browser.new_page()
    page.route("**/*", lambda route: only_the_page(route, url))
    try:
        page.goto(url, wait_until="load", timeout=20_000)
        page.wait_for_timeout(300)
        text = str(page.evaluate(READ_TEXT))
        return text, str(page.evaluate(READ_HIDDEN)), str(page.evaluate(MARKED_DOM))
    except Exception as exc:
        print(f"render failed: {url}: {type(exc).__name__}", file=sys.stderr)
        return "", "", ""
    finally:
        page.close()


def by_text(url: str, text: str, hidden: str, quotes: list[str]) -> list[QuoteResult]:
    return list(check_text(text, tuple(quotes), url, hidden))


def by_extraction(url: str, dom: str, quotes: list[str]) -> list[QuoteResult]:
    fetched = FetchResult(
        url,
        FetchOutcome.OK,
        http_status=200,
        body=dom.encode("utf-8"),
        media_type="text/html",
        charset="utf-8",
    )
    return list(check_page(fetched, [tuple(quotes)])[0].quotes)


def score(way: str, samples: list[Sample], results: list[QuoteResult]) -> None:
    """Print the misses and the one-line summary of one way."""
    ok = caught = 0
    for sample, result in zip(samples, results, strict=True):
        found = result.status is QuoteStatus.FOUND
        if sample.positive and found:
            ok += 1
        elif not sample.positive and not found:
            caught += 1
        else:
            what = "positive not found" if sample.positive else f"misquote passed ({sample.kind})"
            print(f"{way}: {what}: {sample.page}: {result.status.value} {result.note or ''}")
            print(f"    quote: {sample.quote[:200]}")
            print(f"    page:  {(result.closest or '')[:200]}")
    positives = sum(s.positive for s in samples)
    print(
        f"{way}: positives {ok}/{positives} ok, negatives {caught}/{len(samples) - positives} "
        "caught"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--positives", type=int, default=10)
    parser.add_argument("--negatives", type=int, default=6)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    pages = pages_of(args.corpus)[: args.limit or None]
    server, base = serve(args.corpus)
    try:
        names = [str(p.relative_to(args.corpus)) for p in pages]
        read = read_all([f"{base}/{n}" for n in names], args.chromium)
    finally:
        server.shutdown()
    rng = random.Random(args.seed)
    samples: list[Sample] = []
    text_results: list[QuoteResult] = []
    dom_results: list[QuoteResult] = []
    for name in names:
        url = f"{base}/{name}"
        text, hidden, dom = read[url]
        mine = sample_page(name, text, rng, args.positives, args.negatives)
        quotes = [s.quote for s in mine]
        samples += mine
        text_results += by_text(url, text, hidden, quotes) if quotes else []
        dom_results += by_extraction(url, dom, quotes) if quotes else []
    print(f"pages: {len(names)} ({sum(bool(read[f'{base}/{n}'][0]) for n in names)} with text)")
    score("innerText", samples, text_results)
    score("extraction", samples, dom_results)


if __name__ == "__main__":
    main()
