"""What reading a page costs, on the event loop and in a reading process (reading.py).

    .venv/bin/python bench/bench_reading.py                 # the default sizes
    .venv/bin/python bench/bench_reading.py --lines 10000 30000 60000 120000

1. PDFs slow to read (fixtures/make_hostile.py `slow_text`: N identical lines of text in one
   deflated content stream): the body's size and how long `read_page` holds the loop.
2. While that PDF is read, a timer on the same loop that should fire every 10 ms: the
   longest it waited (the time every request in flight loses from its deadline), read on
   the loop and read in a reader.
3. HTML pages of the benchmark's kind (bench/pages.py) from 60 KiB to 16 MiB, one quote
   found and one missing: `check_page` on the loop, the same through a warm reader (wall),
   and the loop's own CPU for that round trip (sending the body, reading the answer); then
   the reader's peak memory (VmHWM) and this process's.
4. Starting a reader (a new Python, its imports) until it answers its first page.
5. The common case: 2,000 checks of a 60 KiB bench page, `pagecheck.check_page` called
   directly (as before reading.py) and through `Readers.check_page` (which reads it on the
   loop): the price of deciding where to read, per page.

Times are the best of --repeat runs (default 3); the machine's load moves them: compare
within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "fixtures"), str(ROOT / "bench")]

from make_hostile import SLOW_LINE, slow_text  # noqa: E402
from pages import render, sentence  # noqa: E402

from factcheck.fetch.client import FetchOutcome, FetchResult  # noqa: E402
from factcheck.models import VerifyOptions  # noqa: E402
from factcheck.quotes.pagecheck import check_page, read_page  # noqa: E402
from factcheck.reading import Readers  # noqa: E402

MISSING = "a sentence that is on none of these pages at all"


def page(body: bytes, media_type: str) -> FetchResult:
    url = "http://bench.test/page"
    return FetchResult(
        url, FetchOutcome.OK, "HTTP 200", final_url=url, http_status=200,
        media_type=media_type, charset="utf-8", body=body,
    )  # fmt: skip


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


async def longest_lag(work: Callable[[], Awaitable[object]]) -> float:
    """The longest a 10 ms timer waited past its time while `work` ran on this loop."""
    lag = 0.0
    done = False

    async def ticker() -> None:
        nonlocal lag
        while not done:
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            lag = max(lag, time.perf_counter() - due)

    timer = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    await work()
    done = True
    await timer
    return lag


async def pdfs(lines: list[int], repeat: int) -> None:
    print("PDF (N identical lines)   body   read_page   loop lag on loop   in a reader")
    async with Readers(VerifyOptions(read_timeout=600)) as readers:
        for count in lines:
            fetched = page(slow_text(count), "application/pdf")
            seconds = best(repeat, lambda f=fetched: read_page(f))

            async def on_loop(f: FetchResult = fetched) -> object:
                return check_page(f, [(SLOW_LINE,)])

            async def off(f: FetchResult = fetched) -> object:
                return await readers.check_page(f, [(SLOW_LINE,)])

            await off()  # the reader started
            lag_on, lag_off = await longest_lag(on_loop), await longest_lag(off)
            print(
                f"{count:>24,} {len(fetched.body) / 1000:>5.0f} kB {seconds:>9.2f} s"
                f" {lag_on:>16.2f} s {lag_off * 1000:>11.1f} ms"
            )


async def html(sizes_kib: list[int], repeat: int) -> None:
    print("HTML page    on the loop   in a reader (wall)   loop CPU for the round trip")
    async with Readers(VerifyOptions(), threshold=0) as readers:
        for kib in sizes_kib:
            body = b"".join(render(i, 60 * 1024) for i in range(max(1, kib // 60)))
            fetched = page(body, "text/html")
            quotes = [(sentence(0), MISSING)]
            on_loop = best(repeat, lambda f=fetched, q=quotes: check_page(f, q))
            await readers.check_page(fetched, quotes)
            walls, cpus = [], []
            for _ in range(repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                await readers.check_page(fetched, quotes)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            print(
                f"{len(body) / 1024:>7,.0f} KiB {on_loop * 1000:>9.1f} ms"
                f" {min(walls) * 1000:>16.1f} ms {min(cpus) * 1000:>22.1f} ms"
            )
        pid = readers._started[0].process.pid
        print(f"peak memory: a reader {peak_mib(pid):.0f} MiB, this process {peak_mib():.0f} MiB")


def peak_mib(pid: int | str = "self") -> float:
    """The peak resident memory of a process (Linux: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start(repeat: int) -> None:
    fetched = page(render(0, 60 * 1024), "text/html")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        async with Readers(VerifyOptions(), threshold=0) as readers:
            await readers.check_page(fetched, [(sentence(0),)])
            times.append(time.perf_counter() - started)
    print(f"a reader started and its first page read: {min(times) * 1000:.0f} ms")


async def common_case(repeat: int, count: int = 2000) -> None:
    fetched = page(render(0, 60 * 1024), "text/html")
    quotes = [(sentence(0),)]
    direct, through = [], []
    async with Readers(VerifyOptions()) as readers:
        for _ in range(repeat):
            started = time.perf_counter()
            for _ in range(count):
                check_page(fetched, quotes)
            direct.append(time.perf_counter() - started)
            started = time.perf_counter()
            for _ in range(count):
                await readers.check_page(fetched, quotes)
            through.append(time.perf_counter() - started)
        assert not readers._started, "a small page went to a reader"
    a, b = min(direct) / count * 1e6, min(through) / count * 1e6
    print(f"60 KiB page, {count:,} checks: direct {a:.1f} us, through Readers {b:.1f} us a page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[10_000, 30_000, 60_000])
    parser.add_argument("--html-kib", type=int, nargs="*", default=[60, 256, 1024, 4096, 16384])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(pdfs(args.lines, 1))
    asyncio.run(html(args.html_kib, args.repeat))
    asyncio.run(start(args.repeat))
    asyncio.run(common_case(args.repeat + 2))


if __name__ == "__main__":
    main()
