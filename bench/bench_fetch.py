"""Time the fetcher alone against bare aiohttp, on the bench server, in one process.

Starts `server.py` (as `run.py` does), warms it, then times, alternately for several rounds,
`Fetcher.fetch` over N URLs (`VerifyOptions(concurrency, per_host, allow_private=True)`) and
the bare-aiohttp floor of `baseline.py` (a semaphore per host and a global one in front of
one `ClientSession`). Every round runs in a fresh event loop, so both start cold. Prints the
per-round times, the medians and the ratio fetcher / aiohttp.

    .venv/bin/python bench/bench_fetch.py --n 2000 --rounds 5
    .venv/bin/python bench/bench_fetch.py --only fetcher --profile prof.html
    .venv/bin/python bench/bench_fetch.py --fetcher mymodule:OtherFetcher   # a variant
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import baseline
from pages import sentence
from run import Workload, start_server, warm_server
from server import host_addresses

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from factcheck.fetch.client import Fetcher, FetchOutcome  # noqa: E402
from factcheck.models import VerifyOptions  # noqa: E402


def links(w: Workload, port: int) -> list[tuple[str, int]]:
    """Page i on host i mod H, as generate.py lays them out."""
    addresses = host_addresses(w.hosts)
    return [(f"http://{addresses[i % w.hosts]}:{port}/page/{i}", i) for i in range(w.n)]


FETCHER: type[Fetcher] = Fetcher


async def run_fetcher(w: Workload, urls: list[tuple[str, int]]) -> int:
    """Pages that came back OK with their sentence in the body.

    Each body is dropped once checked, as the baseline does, so neither holds N pages.
    """
    options = VerifyOptions(concurrency=w.concurrency, per_host=w.per_host, allow_private=True)
    async with FETCHER(options) as fetcher:

        async def check(url: str, page_id: int) -> bool:
            result = await fetcher.fetch(url)
            return result.outcome is FetchOutcome.OK and sentence(page_id).encode() in result.body

        return sum(await asyncio.gather(*(check(url, i) for url, i in urls)))


async def run_aiohttp(w: Workload, urls: list[tuple[str, int]]) -> int:
    return await baseline.check_all(urls, w.concurrency, w.per_host)


RUNNERS: dict[str, Callable[[Workload, list[tuple[str, int]]], Awaitable[int]]] = {
    "fetcher": run_fetcher,
    "aiohttp": run_aiohttp,
}


def timed(name: str, w: Workload, urls: list[tuple[str, int]]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `name`."""
    start, cpu = time.perf_counter(), time.process_time()
    ok = asyncio.run(RUNNERS[name](w, urls))  # type: ignore[arg-type]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if ok != len(urls):
        raise SystemExit(f"{name}: only {ok} of {len(urls)} pages ok")
    return seconds, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--page-kib", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=sorted(RUNNERS), action="append")
    parser.add_argument(
        "--profile", type=Path, help="pyinstrument HTML of one run of the first --only"
    )
    parser.add_argument("--fetcher", help="module:Class to time instead of Fetcher")
    args = parser.parse_args(argv)
    if args.fetcher:
        global FETCHER
        module, _, name = args.fetcher.partition(":")
        FETCHER = getattr(importlib.import_module(module), name)
    w = Workload(
        args.n, args.hosts, args.latency_ms, args.page_kib, args.concurrency, args.per_host
    )
    names = args.only or list(RUNNERS)
    server, port = start_server(w)
    try:
        warm_server(w, port)
        urls = links(w, port)
        for name in names:  # warm-up, untimed
            timed(name, w, urls)
        if args.profile:
            profile(names[0], w, urls, args.profile)
            return
        times: dict[str, list[float]] = {name: [] for name in names}
        cpus: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            order = names if round_ % 2 == 0 else names[::-1]
            for name in order:
                seconds, cpu = timed(name, w, urls)
                times[name].append(seconds)
                cpus[name].append(cpu)
                print(
                    f"round {round_ + 1} {name:8} {seconds:.3f} s  CPU {cpu:.3f} s", file=sys.stderr
                )
        medians = {name: statistics.median(t) for name, t in times.items()}
        for name, value in medians.items():
            print(
                f"{name:8} median {value:.3f} s  (min {min(times[name]):.3f})  "
                f"CPU median {statistics.median(cpus[name]):.3f} s"
            )
        if len(medians) == 2:
            print(f"ratio fetcher/aiohttp {medians['fetcher'] / medians['aiohttp']:.2f}")
    finally:
        server.terminate()
        server.wait()


def profile(name: str, w: Workload, urls: list[tuple[str, int]], out: Path) -> None:
    """Profile one run of `name` with pyinstrument: HTML to `out`, text to stdout."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    timed(name, w, urls)
    profiler.stop()
    out.write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
