"""What the snapshot store costs the event loop: N pages kept, their quote checks recorded.

Makes the store calls `verify` makes for each page (the latest snapshot for the validators,
the answer kept, the drift look-up, the quote check recorded), from a coroutine per page,
and prints the seconds the event loop spent inside store calls, the time until the store
was closed (everything on disk), and the CPU time of the process, split between the event
loop's thread and the store's writer thread.
Pages come from `bench/pages.py`, as in the `run.py` benchmark.

    .venv/bin/python bench/bench_store.py [--n 2000] [--page-kib 60] [--rate 500]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from pages import render

from factcheck.evidence.store import SnapshotStore
from factcheck.fetch.client import FetchOutcome, FetchResult


def answer(i: int, page_kib: float) -> FetchResult:
    url = f"http://127.0.0.{2 + i % 20}:8000/page/{i}"
    return FetchResult(
        url,
        FetchOutcome.OK,
        http_status=200,
        final_url=url,
        media_type="text/html",
        charset="utf-8",
        body=render(i, int(page_kib * 1024)),
        headers={"content-type": "text/html; charset=utf-8", "etag": f'"{i}"'},
    )


async def feed(store: SnapshotStore, answers: list[FetchResult], rate: float) -> float:
    """Seconds spent in store calls on the loop, `rate` pages arriving per second."""
    keep = getattr(store, "keep", store.record)  # before the writer thread: `record`
    blocked = 0.0

    async def one(i: int, result: FetchResult) -> None:
        nonlocal blocked
        await asyncio.sleep(i / rate)
        started = time.perf_counter()
        store.latest(result.url, with_body=True)  # the validators for the request
        snapshot = keep(result)
        store.last_check(result.url)  # drift: was the page checked before?
        store.record_checks(result.url, snapshot.id, [("the sentence", "found")])
        blocked += time.perf_counter() - started

    await asyncio.gather(*(one(i, a) for i, a in enumerate(answers)))
    return blocked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--page-kib", type=float, default=60)
    parser.add_argument("--rate", type=float, default=500, help="pages arriving per second")
    args = parser.parse_args()
    answers = [answer(i, args.page_kib) for i in range(args.n)]
    with tempfile.TemporaryDirectory() as tmp:
        cpu, loop, wall = time.process_time(), time.thread_time(), time.perf_counter()
        store = SnapshotStore(Path(tmp) / ".factcheck")
        blocked = asyncio.run(feed(store, answers, args.rate))
        store.close()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        loop = time.thread_time() - loop
        size = sum(f.stat().st_size for f in (Path(tmp) / ".factcheck").rglob("*"))
    print(
        f"{args.n} pages of {args.page_kib:g} KiB: event loop in the store {blocked:.2f} s, "
        f"until closed {wall:.2f} s, process CPU {cpu:.2f} s (loop thread {loop:.2f} s, "
        f"writer thread {cpu - loop:.2f} s), store {size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
