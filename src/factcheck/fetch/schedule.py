"""Scheduling work over hosts: a global limit, a per-host limit, the longest queue first.

Work for a host is started only when that host has a free slot, so a run with many citations
of one big host neither bursts it nor holds every global slot waiting for it, and only the
work in flight is alive at any time: memory follows the limits, not the number of URLs.

A free global slot goes to the host with the most work waiting (among those below their
per-host limit). The run's wall time is set by its biggest hosts (their work divided by the
per-host limit, times their latency): in strict turns, one slot per host per turn, a host with
40 waiting items got its next slot only after every other host with work had had one, and
trickled along below its limit while small hosts took the slots.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Hosts(Generic[T]):
    """Each host's waiting items and running count; which hosts may start one now."""

    def __init__(self, items: Iterable[tuple[str, T]], per_host: int) -> None:
        self.queues: dict[str, deque[T]] = {}
        for host, item in items:
            self.queues.setdefault(host, deque()).append(item)
        self.per_host = per_host
        self.running = dict.fromkeys(self.queues, 0)
        self.order = {host: i for i, host in enumerate(self.queues)}  # ties: file order
        # (-waiting, order, host) for every host with work waiting and a free slot, once
        self.ready: list[tuple[int, int, str]] = []
        for host in self.queues:
            self._offer(host)

    def _offer(self, host: str) -> None:
        waiting = len(self.queues[host])
        if waiting and self.running[host] < self.per_host:
            heapq.heappush(self.ready, (-waiting, self.order[host], host))

    def start(self) -> tuple[str, T]:
        """The next item of the host with the longest queue that has a free slot."""
        _, _, host = heapq.heappop(self.ready)
        self.running[host] += 1
        item = self.queues[host].popleft()
        self._offer(host)
        return host, item

    def finish(self, host: str) -> None:
        self.running[host] -= 1
        if self.running[host] == self.per_host - 1:  # it was full, so it is not in `ready`
            self._offer(host)


async def run_per_host(
    items: Iterable[tuple[str, T]],
    work: Callable[[T], Awaitable[None]],
    limit: int,
    per_host: int,
) -> None:
    """Await `work(item)` for every `(host, item)`: at most `limit` at once, `per_host` per host.

    A free slot goes to the host with the most items waiting (ties: the host met first);
    items of one host keep their order. If a `work` call raises, the others are cancelled
    and the exception propagates; cancelling this coroutine cancels every call in flight.
    """
    hosts: _Hosts[T] = _Hosts(items, per_host)
    active: dict[asyncio.Future[None], str] = {}
    try:
        while hosts.ready or active:
            while hosts.ready and len(active) < limit:
                host, item = hosts.start()
                active[asyncio.ensure_future(work(item))] = host
            done, _ = await asyncio.wait(active, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                hosts.finish(active.pop(task))
                task.result()  # re-raise a failure of the work itself
    finally:
        for task in active:
            task.cancel()
        if active:
            await asyncio.gather(*active, return_exceptions=True)
