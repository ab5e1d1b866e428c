"""The per-host scheduler: limits hold, the longest queue goes first, failures and cancellation
propagate; through the CLI, a big host among many small ones is kept at its per-host limit."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web

from factcheck.fetch.schedule import run_per_host
from tests.conftest import run_cli


def run_tracked(
    items: list[tuple[str, int]], limit: int, per_host: int, delay: float = 0.001
) -> tuple[list[int], int, Counter[str]]:
    """Run the scheduler over `items`; returns (order started, peak overall, peak per host)."""
    started: list[int] = []
    now: Counter[str] = Counter()
    peak_host: Counter[str] = Counter()
    peak = 0
    host_of = {i: h for h, i in items}

    async def work(item: int) -> None:
        nonlocal peak
        host = host_of[item]
        started.append(item)
        now[host] += 1
        peak = max(peak, sum(now.values()))
        peak_host[host] = max(peak_host[host], now[host])
        await asyncio.sleep(delay)
        now[host] -= 1

    asyncio.run(run_per_host(items, work, limit=limit, per_host=per_host))
    return started, peak, peak_host


def test_every_item_runs_once_within_both_limits() -> None:
    items = [(f"h{i % 3}", i) for i in range(60)] + [("big", 100 + i) for i in range(40)]
    started, peak, peak_host = run_tracked(items, limit=8, per_host=2)
    assert sorted(started) == sorted(i for _, i in items)
    assert peak == 8
    assert max(peak_host.values()) == 2


def test_one_big_host_does_not_starve_the_others() -> None:
    items = [("big", i) for i in range(50)] + [("small", 100), ("other", 200)]
    started, _, peak_host = run_tracked(items, limit=4, per_host=2)
    # the two items of the small hosts start in the first round, not after the 50 of "big"
    assert {100, 200} <= set(started[:4])
    assert peak_host["big"] == 2


def test_items_of_one_host_keep_their_order() -> None:
    items = [("a", i) for i in range(10)]
    started, _, _ = run_tracked(items, limit=5, per_host=1)
    assert started == list(range(10))


def test_a_failure_propagates_and_cancels_the_rest() -> None:
    cancelled = []

    async def work(item: int) -> None:
        if item == 0:
            raise ValueError("boom")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(item)
            raise

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(run_per_host([("a", 0), ("b", 1), ("c", 2)], work, limit=3, per_host=1))
    assert sorted(cancelled) == [1, 2]


class CountingSites:
    """One aiohttp app on several ports of 127.0.0.1 (each port a host to the client's
    per-host limit) that counts requests in flight per host, in the order they arrive."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.in_flight: Counter[str] = Counter()
        self.arrivals: list[tuple[str, int]] = []  # (host, its requests in flight then)

    async def page(self, request: web.Request) -> web.Response:
        host = request.host
        self.in_flight[host] += 1
        self.arrivals.append((host, self.in_flight[host]))
        try:
            await asyncio.sleep(self.latency)
        finally:
            self.in_flight[host] -= 1
        text = f"<p>Page {request.match_info['n']} of {host} says hello.</p>"
        return web.Response(text=text, content_type="text/html")

    @contextmanager
    def serve(self, ports: int) -> Iterator[list[str]]:
        app = web.Application()
        app.router.add_get("/page/{n}", self.page)
        loop = asyncio.new_event_loop()
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        for _ in range(ports):
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            yield [f"127.0.0.1:{address[1]}" for address in runner.addresses]
        finally:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()


def citing(pages: list[tuple[str, int]]) -> str:
    lines = ["claims:", "  - id: c", "    claim: pages say hello", "    citations:"]
    for host, n in pages:
        lines.append(f"      - url: http://{host}/page/{n}")
        lines.append(f"        quote: Page {n} of {host} says hello.")
    return "\n".join(lines) + "\n"


def test_a_big_host_among_many_small_ones_is_kept_at_its_per_host_limit(tmp_path: Path) -> None:
    sites = CountingSites(latency=0.1)
    with sites.serve(ports=25) as hosts:
        big, small = hosts[0], hosts[1:]
        # the big host's 24 pages last in the file: file order does not give it the slots
        pages = [(host, n) for n in range(3) for host in small] + [(big, n) for n in range(24)]
        claims = tmp_path / "claims.yaml"
        claims.write_text(citing(pages), encoding="utf-8")
        run = run_cli(
            "verify", str(claims), "--allow-private", "--no-store", "--format", "json",
            "--concurrency", "8", "--per-host", "4", "--workers", "1",
        )  # fmt: skip
    assert run.code == 0, run.stderr
    assert run.statuses() == {"c": ["ok"] * len(pages)}
    peaks = {host: max(n for h, n in sites.arrivals if h == host) for host in hosts}
    assert peaks[big] == 4  # reached the limit, never past it
    assert max(peaks[host] for host in small) <= 3
    # a free slot goes to the longest queue: the big host took 4 of the first 8 slots
    assert [host for host, _ in sites.arrivals[:8]].count(big) == 4
