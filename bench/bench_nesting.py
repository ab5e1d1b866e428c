"""How long a deeply nested page holds extraction, with and without the nesting cap.

    python bench/bench_nesting.py

Builds 10,000 to 100,000 nested <div>s around a sentence (fixtures/make_hostile.py) and
times quotes.extract.html_text on each: `capped` as factcheck runs it, `uncapped` with the
cap switched off (lexbor alone). Also times the cap's check on a flat page of a megabyte,
the price every large page pays.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from make_hostile import nested_divs  # noqa: E402

from factcheck.quotes import extract  # noqa: E402
from factcheck.quotes.nesting import cap_nesting  # noqa: E402


def seconds(html: str, capped: bool) -> float:
    started = time.perf_counter()
    if capped:
        extract.html_text(html)
    else:
        with mock.patch.object(extract, "cap_nesting", lambda text: text):
            extract.html_text(html)
    return time.perf_counter() - started


def main() -> None:
    depths = [int(a) for a in sys.argv[1:]] or [10_000, 25_000, 50_000, 100_000]
    for depth in depths:
        html = nested_divs(depth).decode()
        capped = seconds(html, True)
        uncapped = seconds(html, False) if depth <= 50_000 else float("nan")
        print(f"depth {depth:>7,}: capped {capped:6.2f} s   uncapped {uncapped:6.2f} s")
    flat = "<html><body>" + "<div><p>para <b>bold</b> <a href='x'>l</a><br></p></div>" * 20_000
    runs = [time.perf_counter()]
    for _ in range(5):
        cap_nesting(flat)
        runs.append(time.perf_counter())
    best = min(b - a for a, b in zip(runs, runs[1:], strict=False))
    print(f"cap check on a flat page of {len(flat) / 1e6:.1f} MB: {best * 1000:.1f} ms")


if __name__ == "__main__":
    main()
