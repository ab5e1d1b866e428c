"""How long a deeply nested page holds extraction, and what the nesting cap costs real pages.

    python bench/bench_nesting.py [DEPTH ...] [--corpus DIR] [--rounds N]

Builds 10,000 to 100,000 nested <div>s around a sentence (fixtures/make_hostile.py) and
times quotes.extract.html_text on each: `capped` as factcheck runs it, `uncapped` with the
cap switched off (lexbor alone). Then the pages that hide their depth from a count of tags
(fixtures/make_hostile.py's HIDDEN_DEPTH, 30,000 times each, then 3,000 sibling <div>s):
html_text capped, and lexbor alone. Then the cap's cost on a flat page of a megabyte dense
with tags, the price every large page pays. With --corpus (a folder of saved real pages,
`*.html` or `*/source.html`, such as mozilla/readability's test pages; kept outside the
repository), the cap's cost per megabyte on the whole corpus and on its largest page, and
html_text's per megabyte with the cap and without (best of --rounds, 5).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

from make_hostile import HIDDEN_DEPTH, nested_divs  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from factcheck.quotes import extract  # noqa: E402
from factcheck.quotes.nesting import cap_nesting  # noqa: E402

FLAT = "<html><body>" + "<div><p>para <b>bold</b> <a href='x'>l</a><br></p></div>" * 20_000


def seconds(html: str, capped: bool) -> float:
    started = time.perf_counter()
    if capped:
        extract.html_text(html)
    else:
        with mock.patch.object(extract, "cap_nesting", lambda text: text):
            extract.html_text(html)
    return time.perf_counter() - started


def best_of(rounds: int, work: Callable[[], object]) -> float:
    """The shortest of `rounds` runs of `work`, in seconds (the machine is shared)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def deep_pages(depths: list[int]) -> None:
    for depth in depths:
        html = nested_divs(depth).decode()
        capped = seconds(html, True)
        uncapped = seconds(html, False) if depth <= 50_000 else float("nan")
        print(f"depth {depth:>7,}: capped {capped:6.2f} s   uncapped {uncapped:6.2f} s")


def hidden_depth_pages() -> None:
    print("pages that hide their depth, 30,000 times each, then 3,000 <div>s side by side:")
    for label, unit in HIDDEN_DEPTH.items():
        # Depth alone is cheap to build; each block element on top of it walks it all.
        html = "<body>" + unit * 30_000 + "<div>x</div>" * 3_000
        capped = seconds(html, True)
        started = time.perf_counter()
        LexborHTMLParser(html)
        alone = time.perf_counter() - started
        print(f"  {label:36} capped {capped:5.2f} s   lexbor alone {alone:6.2f} s")


def corpus_pages(folder: Path, rounds: int) -> None:
    paths = sorted(folder.glob("*.html")) + sorted(folder.glob("*/source.html"))
    pages = [path.read_text(encoding="utf-8", errors="replace") for path in paths]
    megabytes = sum(map(len, pages)) / 1e6
    largest = max(pages, key=len)

    def per_mb(work: Callable[[str], object], of: list[str], size: float) -> float:
        return best_of(rounds, lambda: [work(page) for page in of]) * 1000 / size

    flattened = sum(cap_nesting(page) is not page for page in pages)
    print(f"corpus: {len(pages)} pages, {megabytes:.1f} MB, {flattened} flattened")
    print(
        f"  cap check: {per_mb(cap_nesting, pages, megabytes):5.2f} ms/MB on the corpus, ", end=""
    )
    print(
        f"{per_mb(cap_nesting, [largest], len(largest) / 1e6):5.2f} ms/MB on its largest page",
        end="",
    )
    print(f" ({len(largest) / 1e6:.1f} MB)")
    capped = per_mb(extract.html_text, pages, megabytes)
    with mock.patch.object(extract, "cap_nesting", lambda text: text):
        uncapped = per_mb(extract.html_text, pages, megabytes)
    print(f"  html_text: {capped:5.1f} ms/MB capped, {uncapped:5.1f} ms/MB uncapped", end="")
    print(f" ({capped / uncapped:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("depths", nargs="*", type=int)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    deep_pages(options.depths or [10_000, 25_000, 50_000, 100_000])
    hidden_depth_pages()
    best = best_of(options.rounds, lambda: cap_nesting(FLAT))
    print(f"cap check on a flat page of {len(FLAT) / 1e6:.1f} MB: {best * 1000:.1f} ms")
    if options.corpus:
        corpus_pages(options.corpus, options.rounds)


if __name__ == "__main__":
    main()
