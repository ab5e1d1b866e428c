"""Fair scheduling of work over hosts: a global limit, a per-host limit, hosts in turn.

Work for a host is started only when that host has a free slot, so a run with many citations
of one big host neither bursts it nor holds every global slot waiting for it, and only the
work in flight is alive at any time: memory follows the limits, not the number of URLs.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def run_per_host(
    items: Iterable[tuple[str, T]],
    work: Callable[[T], Awaitable[None]],
    limit: int,
    per_host: int,
) -> None:
    """Await `work(item)` for every `(host, item)`: at most `limit` at once, `per_host` per host.

    Hosts take turns (round-robin), items of one host keep their order. If a `work` call
    raises, the others are cancelled and the exception propagates; cancelling this coroutine
    cancels every call in flight.
    """
    queues: dict[str, deque[T]] = {}
    for host, item in items:
        queues.setdefault(host, deque()).append(item)
    ready = deque(queues)
    running: Counter[str] = Counter()
    active: dict[asyncio.Task[None], str] = {}
    try:
        while ready or active:
            while ready and len(active) < limit:
                host = ready.popleft()
                active[asyncio.ensure_future(work(queues[host].popleft()))] = host
                running[host] += 1
                if queues[host] and running[host] < per_host:
                    ready.append(host)
            done, _ = await asyncio.wait(active, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                host = active.pop(task)
                running[host] -= 1
                task.result()  # re-raise a failure of the work itself
                if queues[host] and running[host] == per_host - 1 and host not in ready:
                    ready.append(host)
    finally:
        for task in active:
            task.cancel()
        if active:
            await asyncio.gather(*active, return_exceptions=True)
