"""A run split between worker processes, each checking the URLs of its own hosts.

On a large run one event loop is busy: fetching, finding the quotes and keeping the evidence
of every page take more CPU than the network takes time (bench/README.md). So the run is
split by host into shares, one per worker. The workers are forked once the claims are loaded
and the modules imported; each one, and the parent with the first share, runs its own event
loop, fetcher and evidence writer, and the workers send their results back through a pipe.

- A share is made of whole hosts, so the per-host limit holds as in one process; the global
  limit is split between the shares. Archive copies (`archive_url`) and Internet Archive
  look-ups are fetched by the share whose citation needs them, so up to `workers` times the
  per-host limit may be in flight to web.archive.org.
- Every share records its quote checks under the run's one id; share k > 0 writes its
  snapshots to a WARC file of its own, `factcheck-<run>-<k>.warc.gz`.
- Only on Linux (fork), only from a process running no other thread (a fork copies only the
  calling thread: a lock another thread held would never be released), and only when every
  share gets at least MIN_URLS URLs. Otherwise the run stays in one process.
- Ctrl-C: the workers ignore SIGINT. The parent, once interrupted, sends them SIGTERM; each
  one stops as an interrupted run does and sends back what it finished.
- A worker dies with its parent: the kernel sends it SIGTERM when the parent ends, however
  it ends (SIGTERM, kill -9), through PR_SET_PDEATHSIG; before that, a worker kept fetching
  and writing for a minute after its parent was killed.
- A worker that fails sends its exception back and the parent raises it once every worker
  is done; a worker that dies without an answer is a WorkerError.
- "Network unreachable" is decided for the whole run: only when no share had an answer
  and every share's connectivity probe failed too.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from factcheck.checking import Checked, check_citations, hold_interrupts
from factcheck.errors import FactcheckError
from factcheck.evidence.store import StoreShare, new_run_id
from factcheck.fetch.client import strip_fragment, url_host
from factcheck.lifetime import die_with_parent
from factcheck.models import Citation, CitationResult, VerifyOptions
from factcheck.progress import Progress

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

# Distinct URLs a share gets at least: a worker costs a fork, a second event loop and a
# second session, worth it only when it takes real work off the first.
MIN_URLS = 32
# How long the parent waits for a worker that has answered to exit before killing it.
EXIT_WAIT = 10.0


class WorkerError(FactcheckError):
    """A worker process died before it sent its results."""


def plan_shares(citations: Sequence[Citation], workers: int) -> list[list[int]]:
    """The indexes of `citations` for each worker, in order: whole hosts, with about as many
    distinct URLs each. A single share (every index) when the run is not worth splitting."""
    every = list(range(len(citations)))
    if workers < 2:
        return [every]
    hosts = urls_by_host(citations, every)
    urls = sum(len(host_urls) for host_urls in hosts.values())
    count = min(workers, len(hosts), urls // MIN_URLS)
    by_size = sorted(hosts.values(), key=len, reverse=True)
    for shares in range(count, 1, -1):
        sizes = [0] * shares
        members: list[list[int]] = [[] for _ in range(shares)]
        for host_urls in by_size:  # the biggest host first, to the smallest share so far
            smallest = sizes.index(min(sizes))
            sizes[smallest] += len(host_urls)
            members[smallest].extend(i for indexes in host_urls.values() for i in indexes)
        if min(sizes) >= MIN_URLS:
            return [sorted(share) for share in members]
    return [every]


def urls_by_host(
    citations: Sequence[Citation], indexes: list[int]
) -> dict[str, dict[str, list[int]]]:
    """host -> distinct URL (fragment dropped) -> the indexes citing it, for `indexes`."""
    hosts: dict[str, dict[str, list[int]]] = {}
    for index in indexes:
        url = strip_fragment(citations[index].url)
        hosts.setdefault(url_host(url), {}).setdefault(url, []).append(index)
    return hosts


def can_fork() -> bool:
    """Whether this process may fork workers: Linux, and no thread besides this one."""
    return sys.platform == "linux" and threading.active_count() == 1


def check_in_workers(
    citations: list[Citation],
    shares: list[list[int]],
    options: VerifyOptions,
    progress: Progress | None = None,
) -> Checked:
    """`check_citations` of every citation, share 0 in this process and each other share in a
    forked worker (`shares` from `plan_shares`). Results come back in citation order."""
    run_id = new_run_id()
    limits = split_limit(
        options.concurrency, [capacity(citations, share, options.per_host) for share in shares]
    )
    counts = _Counts(progress, len(citations), len(shares))
    sys.stdout.flush()  # a fork copies unwritten buffers: they would be written twice
    sys.stderr.flush()
    # The collector leaves what is loaded (claims, modules) alone during the run: shorter
    # collections in every process, and fewer of the worker's pages copied on write.
    gc.freeze()
    workers: list[Worker] = []
    try:
        for k, share in enumerate(shares[1:], start=1):
            share_options = replace(options, concurrency=limits[k])
            cited = [citations[i] for i in share]
            workers.append(
                Worker.start(cited, share_options, StoreShare(run_id, k), counts.callback(k))
            )
        own_options = replace(options, concurrency=limits[0])
        own = check_citations(
            [citations[i] for i in shares[0]], own_options, counts.callback(0),
            StoreShare(run_id, 0),
        )  # fmt: skip
        parts = asyncio.run(_together(own, len(shares[0]), workers))
    except BaseException:  # a worker would not start, or a second Ctrl-C: stop the others
        _interrupt(workers)
        raise
    finally:
        for worker in workers:
            worker.finish()
        gc.unfreeze()  # what a library caller drops after the run is collectable again
    results: list[Any] = [None] * len(citations)
    for share, part in zip(shares, parts, strict=True):
        for index, result in zip(share, part.results, strict=True):
            results[index] = result
    # The network is down only when no share had an answer and every probe failed.
    down = all(part.unreachable for part in parts)
    unreachable = sum(part.unreachable for part in parts) if down else 0
    return Checked(results, any(part.interrupted for part in parts), unreachable)


def capacity(citations: Sequence[Citation], share: list[int], per_host: int) -> int:
    """Requests a share could have in flight at once: per host, the per-host limit or its
    number of distinct URLs if fewer."""
    hosts = urls_by_host(citations, share)
    return sum(min(per_host, len(urls)) for urls in hosts.values())


def split_limit(limit: int, capacities: list[int]) -> list[int]:
    """The global `limit` split between shares in proportion to what each could have in
    flight (`capacities`), each at least 1, the sum at most `limit` (or the count of shares
    when that is more): a share of one big host gets no more slots than its per-host limit
    lets it use."""
    total = sum(capacities)
    limits = [max(1, min(c, limit * c // total)) for c in capacities]
    spare = limit - sum(limits)
    for k in sorted(range(len(limits)), key=lambda k: limits[k] - capacities[k]):
        give = min(spare, capacities[k] - limits[k])  # leftover slots where they can be used
        if give > 0:
            limits[k] += give
            spare -= give
    return limits


async def _together(
    own: Coroutine[Any, Any, Checked], size: int, workers: list[Worker]
) -> list[Checked]:
    """This process's share checked while the workers check theirs; every share's Checked.

    A failure anywhere interrupts every share; the first one (this process's first) is
    raised once every worker has answered.
    """
    loop = asyncio.get_running_loop()
    mine = asyncio.ensure_future(own)
    answers = [worker.listen(loop) for worker in workers]

    def stop_all(done: asyncio.Future[Checked]) -> None:
        if not done.cancelled() and done.exception() is not None:
            mine.cancel()
            _interrupt(workers)

    for answer in answers:
        answer.add_done_callback(stop_all)
    failures: list[BaseException] = []
    parts: list[Checked] = []
    try:
        parts.append(await mine)
    except asyncio.CancelledError:  # stopped before any of its URLs was under way
        hold_interrupts()
        parts.append(Checked([None] * size, True))
    except Exception as exc:
        failures.append(exc)
    if failures or parts[0].interrupted:
        _interrupt(workers)
    try:
        await asyncio.wait(answers)
    except asyncio.CancelledError:  # Ctrl-C while this process waited for the workers
        hold_interrupts()
        _interrupt(workers)
        await asyncio.wait(answers)
        parts = [Checked(part.results, True) for part in parts]
    for answer in answers:
        failure = answer.exception()
        if failure is not None:
            failures.append(failure)
        else:
            parts.append(answer.result())
    if failures:
        raise failures[0]
    return parts


def _interrupt(workers: list[Worker]) -> None:
    for worker in workers:
        worker.interrupt()


class _Counts:
    """Progress of every share, shown as one count."""

    def __init__(self, progress: Progress | None, total: int, shares: int) -> None:
        self.progress = progress
        self.total = total
        self.done = [0] * shares
        self.failed = [0] * shares

    def callback(self, share: int) -> Progress | None:
        if self.progress is None:
            return None

        progress = self.progress

        def update(done: int, _total: int, url: str, failed: int) -> None:
            self.done[share], self.failed[share] = done, failed
            progress(sum(self.done), self.total, url, sum(self.failed))

        return update


class Worker:
    """One forked process checking one share.

    Its messages come through a pipe, pickled with its citations as references to the
    parent's own (see `_dumps`): ("results", done, failed, url, [(index, result), ...]) in batches
    while it works, then ("done", interrupted, unreachable) or ("error", exception).
    """

    def __init__(
        self,
        process: BaseProcess,
        pipe: Connection,
        citations: list[Citation],
        progress: Progress | None,
    ) -> None:
        self.process = process
        self.pipe = pipe
        self.citations = citations  # its share, in order
        self.results: list[CitationResult | None] = [None] * len(citations)
        self.progress = progress

    @classmethod
    def start(
        cls,
        citations: list[Citation],
        options: VerifyOptions,
        share: StoreShare,
        progress: Progress | None,
    ) -> Worker:
        import multiprocessing  # ~5 ms, only for a split run

        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_work,
            args=(sender, citations, options, share, progress is not None),
            name=f"factcheck-worker-{share.part}",
            daemon=True,
        )
        try:
            process.start()
        except OSError as exc:  # no fork: out of processes or memory
            raise WorkerError(f"could not start a worker process ({exc}); try --workers 1") from exc
        finally:
            sender.close()
        return cls(process, receiver, citations, progress)

    def listen(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[Checked]:
        """The worker's answer, read by `loop` as its messages arrive."""
        answer: asyncio.Future[Checked] = loop.create_future()

        def readable() -> None:
            try:
                message = _loads(self.pipe.recv_bytes(), self.citations)
            except (EOFError, OSError):
                message = ("error", self._died())
            if message[0] == "results":
                _, done, failed, url, batch = message
                for index, result in batch:
                    self.results[index] = result
                if self.progress is not None:
                    self.progress(done, len(self.citations), url, failed)
                return
            loop.remove_reader(self.pipe.fileno())
            if message[0] == "done":
                answer.set_result(Checked(self.results, *message[1:]))
            else:
                answer.set_exception(message[1])

        loop.add_reader(self.pipe.fileno(), readable)
        return answer

    def interrupt(self) -> None:
        """Ask the worker to stop and send back what it finished (SIGTERM)."""
        if self.process.is_alive() and self.process.pid is not None:
            os.kill(self.process.pid, signal.SIGTERM)

    def finish(self) -> None:
        """Wait for the worker to exit (it has answered, or the parent is giving up)."""
        self.process.join(EXIT_WAIT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.pipe.close()

    def _died(self) -> WorkerError:
        self.process.join(EXIT_WAIT)
        return WorkerError(
            f"{self.process.name} (pid {self.process.pid}) stopped without sending the results"
            f" of its {len(self.citations)} citations (exit code {self.process.exitcode})"
        )


class _Sender:
    """A worker's results, sent to the parent in batches as they are judged: every BATCH
    results, and at least every PERIOD seconds when the parent shows progress."""

    BATCH = 256
    PERIOD = 0.1

    def __init__(
        self, pipe: Connection, citations: list[Citation], live: bool, strict: bool
    ) -> None:
        self.pipe = pipe
        self.index = {id(citation): i for i, citation in enumerate(citations)}
        self.live = live
        self.strict = strict
        self.batch: list[tuple[int, CitationResult]] = []
        self.done = 0
        self.failed = 0
        self.sent_at = time.monotonic()

    def judged(self, index: int, result: CitationResult) -> None:
        self.batch.append((index, result))
        self.done += 1
        self.failed += result.status.fails(self.strict)
        if len(self.batch) >= self.BATCH or (
            self.live and time.monotonic() - self.sent_at >= self.PERIOD
        ):
            self.flush()

    def flush(self) -> None:
        if self.batch:
            url = self.batch[-1][1].citation.url
            self.send(("results", self.done, self.failed, url, self.batch))
            self.batch = []
            self.sent_at = time.monotonic()

    def send(self, message: tuple[Any, ...]) -> None:
        self.pipe.send_bytes(_dumps(message, self.index))


def _dumps(message: tuple[Any, ...], index: dict[int, int]) -> bytes:
    """`message` pickled with each citation of the share (`index`: id -> its index in the
    share) as that index: the parent has the citations already."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: index.get(id(obj)) if type(obj) is Citation else None  # type: ignore[method-assign]
    pickler.dump(message)
    return buffer.getvalue()


def _loads(data: bytes, citations: list[Citation]) -> Any:
    """A message of `_dumps`, its citation indexes replaced by the parent's `citations`."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = citations.__getitem__  # type: ignore[method-assign]
    return unpickler.load()


def _work(
    pipe: Connection,
    citations: list[Citation],
    options: VerifyOptions,
    share: StoreShare,
    live_progress: bool,
) -> None:
    """The worker process: check the share, sending results as they come, then exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which decides
    _die_with_parent()
    sender = _Sender(pipe, citations, live_progress, options.strict)
    message: tuple[Any, ...]
    try:
        checked = asyncio.run(_until_terminated(citations, options, share, sender.judged))
        message = ("done", checked.interrupted, checked.unreachable)
    except asyncio.CancelledError:  # stopped before any URL was under way
        message = ("done", True)
    except BaseException as exc:
        if not isinstance(exc, FactcheckError):
            exc.add_note(f"in worker {share.part}:\n{traceback.format_exc()}")
        message = ("error", exc)
    try:
        sender.flush()
        sender.send(message)
    except (OSError, ValueError):  # the parent is gone: nobody to tell
        pass
    except Exception as exc:  # the exception would not pickle
        failed = WorkerError(f"worker {share.part} failed: {message[1]!r} ({exc})")
        sender.send(("error", failed))
    pipe.close()


def _die_with_parent() -> None:
    """SIGTERM from the kernel when the parent process ends (then this share stops as an
    interrupted run does); exit now if it has ended already, between the fork and here."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    die_with_parent(signal.SIGTERM, parent.pid if parent is not None else None)


async def _until_terminated(
    citations: list[Citation],
    options: VerifyOptions,
    share: StoreShare,
    judged: Callable[[int, CitationResult], None],
) -> Checked:
    """`check_citations` of the share; SIGTERM interrupts it as Ctrl-C interrupts a run."""
    task = asyncio.ensure_future(check_citations(citations, options, None, share, judged))
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await task


__all__ = [
    "MIN_URLS",
    "WorkerError",
    "can_fork",
    "check_in_workers",
    "plan_shares",
    "capacity",
    "split_limit",
]
