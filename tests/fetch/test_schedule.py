"""The per-host scheduler: limits hold, hosts take turns, failures and cancellation propagate."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from factcheck.fetch.schedule import run_per_host


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
