"""Reading pages off the event loop: pages that can be slow to read go to reading processes.

The run's one event loop fetches every page. Reading a page on it (extracting the text,
matching the quotes) stops every other request meanwhile, and each request's total deadline
(3x --timeout) keeps running: a PDF that pypdf reads for 10 s (5 kB can hold that:
bench/bench_reading.py) made healthy pages in flight `error: timed out`. So every PDF, and
HTML or text over OFF_LOOP_BYTES, is read in a reading process: at most READERS per run (or
per worker share), started when first needed, each one page at a time, with a time limit
(--read-timeout) that starts once a reader has the page. Small HTML pages, nearly every
page, are read on the loop as before: they cost ~2 ms, a round trip to a process more.

- A page whose reading overruns its limit, or whose reader dies (a crash in a C parser, the
  kernel's out-of-memory killer), is that citation's `error` with the reason; the reader is
  killed and another started for the next page. Never a crashed run.
- A reader runs the same functions (quotes/pagecheck.py) on the same bytes, so its results
  are the ones the loop would give (tests/test_reading.py compares both).
- Readers die with the run: SIGKILL from the kernel when the process that started them
  ends (PR_SET_PDEATHSIG), killed, never waited for, when the run ends or is interrupted.
  Out of memory, the kernel kills a reader first (oom_score_adj 1000), not the run.
  They ignore Ctrl-C (the run decides) and print nothing (stdout carries the answers;
  stderr goes nowhere: a page's text must not reach a terminal).
- Answers are unpickled with only factcheck's own types allowed: a reader is not a sandbox,
  but what a page makes it send back is data.

Imports quotes and fetch; `checking` owns the Readers of a run.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import pickle
import signal
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.lifetime import die_with_parent
from factcheck.models import QuoteResult, VerifyOptions
from factcheck.quotes.extract import HTML_TYPES, PDF_TYPES
from factcheck.quotes.pagecheck import (
    PageCheck,
    check_page,
    check_quotes,
    read_page,
    sniff_media_type,
)
from factcheck.text import shorten

# HTML and text bodies from this size are read in a reading process (PDFs always are).
# bench/bench_reading.py, a loaded 2-core machine: on the loop, 60 KiB of ordinary HTML took
# 3 ms, 1 MiB 39 ms (harmless beside deadlines of seconds), 16 MiB 584 ms; a reader's round
# trip costs the loop 0.9 ms of CPU for 1 MiB, 6 ms for 16 MiB, and its start ~210 ms once.
OFF_LOOP_BYTES = 1024 * 1024
READERS = 2  # reading processes per run (or worker share) at most
# Seconds a new reader may take to start (Python, its imports) before it counts as failed:
# not the page's time, and generous, as a loaded machine starts Python slowly.
START_TIMEOUT = 30.0
_CHUNK = 1024 * 1024  # a body is written to a reader this much at a time (no second copy)
_HEADER = struct.Struct("!Q")
_READY = b"ready"

Known = Mapping[str, QuoteResult] | None


def off_loop(fetched: FetchResult, threshold: int = OFF_LOOP_BYTES) -> bool:
    """Whether the page is read in a reading process: a PDF, or an HTML or text body of
    `threshold` bytes or more."""
    if fetched.outcome is not FetchOutcome.OK:
        return False
    media_type = fetched.media_type or sniff_media_type(fetched.body)
    return media_type in PDF_TYPES or len(fetched.body) >= threshold


class ReaderDied(Exception):
    """A reading process ended before it answered; the message says how."""


@dataclass
class Readers:
    """The run's reading processes (see the module's docstring): `check_page` and
    `check_quotes` as in quotes/pagecheck.py, read off the loop when `off_loop` (with
    `threshold`: 0 reads every page there, as the tests comparing both ways do)."""

    options: VerifyOptions
    size: int = READERS
    threshold: int = OFF_LOOP_BYTES
    _idle: list[Reader] = field(default_factory=list, init=False)
    _started: list[Reader] = field(default_factory=list, init=False)
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.size)

    async def __aenter__(self) -> Readers:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def check_page(
        self, fetched: FetchResult, quote_sets: list[tuple[str, ...]], known: Known = None
    ) -> list[PageCheck]:
        """`pagecheck.check_page`, in a reading process when the page needs reading there."""
        wanted = any(q not in (known or {}) for quotes in quote_sets for q in quotes)
        if not wanted or not off_loop(fetched, self.threshold):
            return check_page(fetched, quote_sets, known)
        light = replace(fetched, body=b"")
        answer = await self._ask(fetched, ("check_page", quote_sets, known))
        if isinstance(answer, str):
            return [PageCheck(light, unreadable=answer if q else None) for q in quote_sets]
        checks: list[PageCheck] = answer
        return checks

    def off_loop(self, fetched: FetchResult) -> bool:
        """Whether `fetched` is read in a reading process (see `off_loop`)."""
        return off_loop(fetched, self.threshold)

    async def check_quotes(self, fetched: FetchResult, quotes: tuple[str, ...]) -> PageCheck:
        """`check_quotes(read_page(fetched), quotes)`, read in a reading process (call it
        for a page `self.off_loop`)."""
        answer = await self._ask(fetched, ("check_quotes", quotes))
        if isinstance(answer, str):
            return PageCheck(fetched, unreadable=answer)
        check: PageCheck = answer
        return replace(check, fetch=fetched)

    async def _ask(self, fetched: FetchResult, question: tuple[Any, ...]) -> Any:
        """The answer of a reader to `question` about `fetched`, or why there is none."""
        async with self._slots:
            try:
                reader = await self._reader()
            except ReaderDied as exc:
                return _died(fetched, str(exc))
            except (OSError, ValueError) as exc:  # out of processes or memory
                return _died(fetched, f"no reading process could be started ({exc})")
            try:
                async with asyncio.timeout(self.options.read_timeout):
                    answer = await reader.ask(fetched, question)
            except TimeoutError:
                reader.kill()
                return _too_slow(fetched, self.options.read_timeout)
            except ReaderDied as exc:
                reader.kill()
                return _died(fetched, str(exc))
            except BaseException:  # interrupted mid-page: the reader's state is unknown
                reader.kill()
                raise
            self._idle.append(reader)
            return answer

    async def _reader(self) -> Reader:
        """An idle reader still alive, else a new one once it is ready (its start is not
        counted in the page's time)."""
        while self._idle:
            reader = self._idle.pop()
            if reader.process.returncode is None:
                return reader
        reader = await Reader.start()
        self._started.append(reader)  # killed at the end, even if it never gets ready
        limit = max(START_TIMEOUT, self.options.read_timeout)
        try:
            async with asyncio.timeout(limit):
                await reader.ready()
        except TimeoutError:
            reader.kill()
            raise ReaderDied(f"the reading process was not ready within {limit:g} s") from None
        return reader

    async def close(self) -> None:
        """Kill every reader (the run is over: nothing they hold is needed)."""
        for reader in self._started:
            reader.kill()
        for reader in self._started:
            await reader.process.wait()
        self._started.clear()
        self._idle.clear()


class Reader:
    """One reading process, one page at a time: a question and a body in on its stdin, the
    answer out on its stdout, each a length-prefixed frame."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls) -> Reader:
        """A new reading process (`ready` once it has imported what it reads with)."""
        process = await asyncio.create_subprocess_exec(
            *_command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to the run, which decides
        )
        return cls(process)

    async def ready(self) -> None:
        """Return once the reader says it is ready; ReaderDied if it ends first."""
        if await self._frame() != _READY:
            raise ReaderDied("the reading process did not start")

    async def ask(self, fetched: FetchResult, question: tuple[Any, ...]) -> Any:
        """Send the question and the body; the answer (the result, or an unreadable reason)."""
        assert self.process.stdin is not None
        writer = self.process.stdin
        asked = pickle.dumps((replace(fetched, body=b""), *question), pickle.HIGHEST_PROTOCOL)
        body = memoryview(fetched.body)
        try:
            writer.write(_HEADER.pack(len(asked)) + asked + _HEADER.pack(len(body)))
            for start in range(0, len(body), _CHUNK):
                writer.write(body[start : start + _CHUNK])
                await writer.drain()
            await writer.drain()
        except (ConnectionError, BrokenPipeError) as exc:
            raise await self._died() from exc
        frame = await self._frame()
        try:
            return _loads(frame)
        except Exception as exc:  # noqa: BLE001 - whatever a reader sends is not trusted
            why = f"the reading process's answer could not be read ({type(exc).__name__})"
            raise ReaderDied(why) from exc

    async def _frame(self) -> bytes:
        assert self.process.stdout is not None
        try:
            (size,) = _HEADER.unpack(await self.process.stdout.readexactly(_HEADER.size))
            return await self.process.stdout.readexactly(size)
        except asyncio.IncompleteReadError as exc:
            raise await self._died() from exc

    async def _died(self) -> ReaderDied:
        code = await self.process.wait()
        if code < 0:
            name = signal.Signals(-code).name
            why = " (out of memory?)" if name == "SIGKILL" else ""
            return ReaderDied(f"the reading process was killed by {name}{why}")
        return ReaderDied(f"the reading process ended with exit code {code}")

    def kill(self) -> None:
        """Kill the process now; `Readers.close` reaps it."""
        if self.process.returncode is None:
            self.process.kill()


def _too_slow(fetched: FetchResult, limit: float) -> str:
    return (
        f"{_what(fetched)} could not be read within {limit:g} s ({_size(len(fetched.body))}):"
        " raise --read-timeout, or cite an archived text"
    )


def _died(fetched: FetchResult, how: str) -> str:
    return (
        f"{_what(fetched)} could not be read: {how} ({_size(len(fetched.body))});"
        " cite an archived text"
    )


def _what(fetched: FetchResult) -> str:
    media_type = fetched.media_type or sniff_media_type(fetched.body)
    if media_type in PDF_TYPES:
        return "the PDF's text"
    return "the page's text" if media_type in HTML_TYPES else "the text"


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{count / 1000:.0f} kB"


def _command() -> list[str]:
    """The reader's command line: this Python, isolated from the working folder (-I: a
    module there must not shadow one of ours), with this process's import path."""
    code = (
        "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
        "from factcheck.reading import serve; serve(int(sys.argv[2]))"
    )
    path = [os.path.abspath(entry or os.curdir) for entry in sys.path]
    return [sys.executable, "-I", "-c", code, json.dumps(path), str(os.getpid())]


# Classes an answer may hold besides factcheck's own (copyreg rebuilds a dataclass).
_ALLOWED = frozenset({("copyreg", "_reconstructor"), ("builtins", "object")})


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("factcheck.") or (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a reader's answer may not hold {module}.{name}")


def _loads(frame: bytes) -> Any:
    """A reader's answer: ("ok", result) or ("unreadable", reason)."""
    kind, value = _Unpickler(io.BytesIO(frame)).load()
    return value if kind == "ok" else str(value)


# The reading process's side.


def serve(parent: int) -> None:
    """Answer questions on stdin until it closes (the reading process's main)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # a library's print must not break the answers
    questions = sys.stdin.buffer
    import pypdf  # noqa: F401 - imported before the first page, whose time it would take
    import selectolax.lexbor  # noqa: F401

    _send(answers, _READY)
    while True:
        head = questions.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        fetched, kind, *args = pickle.loads(questions.read(_HEADER.unpack(head)[0]))
        body = questions.read(_HEADER.unpack(questions.read(_HEADER.size))[0])
        _send(answers, pickle.dumps(_answer(replace(fetched, body=body), kind, args)))


def _answer(fetched: FetchResult, kind: str, args: list[Any]) -> tuple[str, Any]:
    try:
        if kind == "check_page":
            return "ok", check_page(fetched, *args)
        check = check_quotes(read_page(fetched), *args)
        return "ok", replace(check, fetch=replace(fetched, body=b""))
    except Exception as exc:  # noqa: BLE001 - a page must not end the reader unexplained
        why = f"{_what(fetched)} could not be read: {type(exc).__name__}: {exc}"
        return "unreadable", shorten(why, 300)


def _send(out: io.BufferedWriter, frame: bytes) -> None:
    out.write(_HEADER.pack(len(frame)) + frame)
    out.flush()


def _die_with(parent: int) -> None:
    """SIGKILL from the kernel when the process that started this one ends (Linux); exit
    now if it has ended already. Out of memory, the kernel kills this process first, not
    the run (a page's error, not a lost report)."""
    die_with_parent(signal.SIGKILL, parent)
    try:
        with open("/proc/self/oom_score_adj", "w") as adjust:
            adjust.write("1000")
    except OSError:  # not Linux
        pass


__all__ = ["OFF_LOOP_BYTES", "READERS", "Readers", "off_loop"]
