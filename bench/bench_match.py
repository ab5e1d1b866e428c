"""Benchmark of extraction and quote matching (a script, not a test): prints timings.

    .venv/bin/python bench/bench_match.py

    .venv/bin/python bench/bench_match.py --pipeline-only --pages 2000

Targets (issue 3): 20 quotes that are on a 2 MB page found in < 20 ms together; one quote
that is not on it (closest-passage search included) in < 100 ms; extraction of a 1 MB HTML
page in < 30 ms. Pages are built from the real article in fixtures/matcher. Each figure is
the best of several runs (the machine is shared).

Pipeline (issue 6): the pages of bench/run.py (`pages.py`: 60 KiB, one unique sentence each)
each go through `extract` -> `prepare_page` -> `match_quote(sentence)`, as `pagecheck` runs
them when a quote is not in the source word for word (the full path); the CPU seconds of
each stage over all pages, the best of a few rounds, next to the floor: lexbor's own parse
and `.text()` of the same pages. Then the cheap path a run tries first on the same pages:
`verbatim.find_verbatim` on the decoded source (these quotes are all copied word for word).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

from factcheck.fetch.decode import decode_body
from factcheck.models import QuoteStatus
from factcheck.quotes.extract import extract, html_text
from factcheck.quotes.match import match_quote, prepare_page
from factcheck.quotes.verbatim import Source, find_verbatim

ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "matcher" / "ipvm-article.txt"


def page_text(size: int) -> str:
    """`size` characters of shuffled paragraphs of the real article."""
    paragraphs = [p for p in ARTICLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng, out, length = random.Random(3), [], 0
    while length < size:
        paragraph = rng.choice(paragraphs)
        out.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(out)


def page_html(size: int) -> str:
    """An HTML page of about `size` bytes: scripts, navigation, paragraphs with inline tags."""
    script = "<script>window.__DATA__ = " + '{"k": "v"}, ' * 4000 + "</script>"
    paragraphs = [
        f'<p class="c">{p.replace("Hikvision", "<b>Hikvision</b>")} <a href="/r/{i}">more</a></p>'
        for i, p in enumerate(page_text(size).split("\n\n"))
    ]
    body, out = "", []
    for paragraph in paragraphs:
        out.append(paragraph)
        if len(out) % 20 == 0:
            out.append('<div class="ad"><span>Advertisement</span></div>')
    body = "\n".join(out)
    return (
        f"<html><head><title>T</title>{script}</head><body><article>{body}</article></body></html>"
    )


def best(func: object, repeat: int = 7) -> float:
    return min(timeit.repeat(func, number=1, repeat=repeat)) * 1000  # type: ignore[arg-type]


def pipeline(count: int, rounds: int) -> None:
    """CPU seconds of extract, prepare_page and match_quote over `count` benchmark pages."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pages  # bench/pages.py, as the server renders them
    from selectolax.lexbor import LexborHTMLParser

    bodies = [pages.render(i, 60 * 1024) for i in range(count)]
    sentences = [pages.sentence(i) for i in range(count)]
    floor = min(
        _cpu(lambda: [LexborHTMLParser(b.decode("utf-8")).body.text(deep=True) for b in bodies])
        for _ in range(rounds)
    )
    stages: dict[str, float] = {}
    for _ in range(rounds):
        took = {"extract": 0.0, "prepare_page": 0.0, "match_quote": 0.0}
        for body, sentence in zip(bodies, sentences, strict=True):
            t0 = time.process_time()
            page = extract(body, "text/html", "utf-8")
            t1 = time.process_time()
            prepared = prepare_page(page.text, page.script_text)
            t2 = time.process_time()
            result = match_quote(sentence, prepared, "https://127.0.0.2/page")
            t3 = time.process_time()
            assert result.status is QuoteStatus.FOUND, result
            took["extract"] += t1 - t0
            took["prepare_page"] += t2 - t1
            took["match_quote"] += t3 - t2
        if not stages or sum(took.values()) < sum(stages.values()):
            stages = took
    figures = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items())
    print(
        f"full path, {count} pages of 60 KiB: {sum(stages.values()):.2f} s CPU ({figures}); "
        f"floor (lexbor parse + .text()) {floor:.2f} s"
    )
    cheap = min(_cpu(lambda: _verbatim_all(bodies, sentences)) for _ in range(rounds))
    print(
        f"cheap path (verbatim.find_verbatim, decode included), the same {count} pages: "
        f"{cheap:.2f} s CPU"
    )


def _verbatim_all(bodies: list[bytes], sentences: list[str]) -> None:
    """What a run does first for a page: look for each quote word for word in the source."""
    for body, sentence in zip(bodies, sentences, strict=True):
        source = Source(decode_body(body, "utf-8", sniff_html=True))
        spans = find_verbatim(source, sentence)
        assert spans, sentence


def _cpu(func: Callable[[], object]) -> float:
    start = time.process_time()
    func()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages in the pipeline case")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the pipeline case")
    parser.add_argument("--pipeline-only", action="store_true")
    args = parser.parse_args()
    pipeline(args.pages, args.rounds)
    if not args.pipeline_only:
        single_page()


def single_page() -> None:
    html = page_html(1_000_000)
    print(
        f"extract 1 MB HTML ({len(html.encode()) / 1e6:.2f} MB): "
        f"{best(lambda: html_text(html)):.1f} ms"
    )

    text = page_text(2_000_000)
    print(
        f"prepare_page 2 MB ({len(text.encode()) / 1e6:.2f} MB): "
        f"{best(lambda: prepare_page(text), 3):.1f} ms (once per page)"
    )
    page = prepare_page(text)
    rng = random.Random(7)
    quotes: list[str] = []
    while len(quotes) < 20:  # passages of the page, minus its own literal [brackets]
        words = text[rng.randrange(len(text) - 2000) :].split()[1:]
        quote = " ".join(words[: rng.randrange(8, 30)])
        if "[" not in quote and "]" not in quote and "..." not in quote:
            quotes.append(quote)
    assert all(match_quote(q, page).status is QuoteStatus.FOUND for q in quotes)
    print(
        f"20 found quotes on 2 MB: {best(lambda: [match_quote(q, page) for q in quotes]):.1f} ms"
        " together (target < 20 ms)"
    )
    missing = (
        "Hikvision did knowingly abuse human rights in Xinjiang, the attorney told "
        "the conference in Hangzhou"
    )
    result = match_quote(missing, page)
    print(
        f"1 missing quote on 2 MB: {best(lambda: match_quote(missing, page)):.1f} ms "
        f"(target < 100 ms) -> {result.status.value} {result.score}: {result.closest!r}"
    )
    altered = quotes[0].replace(" the ", " a ", 1) if " the " in quotes[0] else quotes[0] + " x"
    result = match_quote(altered, page)
    print(
        f"1 altered quote on 2 MB: {best(lambda: match_quote(altered, page)):.1f} ms "
        f"-> {result.status.value} {result.score}"
    )


if __name__ == "__main__":
    main()
