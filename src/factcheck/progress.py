"""Progress on stderr while checking: a bar on a terminal; elsewhere (CI logs, pipes) one
plain line every LOG_EVERY seconds, so a long run shows it is alive."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlsplit

from factcheck.text import redact, safe_line

BAR_WIDTH = 24
LOG_EVERY = 10.0  # seconds between two progress lines in a log (FACTCHECK_PROGRESS_SECONDS)
# (citations done, total, the URL being checked or last checked, citations failed so far)
Progress = Callable[[int, int, str, int], None]


def progress_printer(
    stream: TextIO | None = None, every: float | None = None, quiet: bool = False
) -> Progress | None:
    """A callback drawing '[#####.....] 7/17, 2 failed, host' in place on `stream` (default
    stderr).

    When the stream is not a terminal or `CI` is set: a line 'progress: 7/17 done, 2 failed
    so far, now example.org' at most every `every` seconds (none when the run is over
    sooner), so a CI log shows a long run is alive. None (no progress at all) when `quiet`.
    """
    out = stream or sys.stderr
    if quiet:
        return None
    if not out.isatty() or os.environ.get("CI"):
        return log_progress(out, every if every is not None else _log_every())

    def show(done: int, total: int, current: str, failed: int) -> None:
        if done >= total:
            out.write("\r\x1b[2K")
        else:
            out.write(f"\r\x1b[2K{progress_bar(done, total, current, failed)}")
        out.flush()

    return show


def progress_bar(done: int, total: int, url: str, failed: int = 0) -> str:
    """'[##########..............] 7/17, 2 failed, example.org': the bar, the count, the
    failures so far (when there are any) and the host being checked."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    failures = f", {failed} failed," if failed else ""
    bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}{failures}"
    return f"{bar} {safe_line(_host(url)[:40])}"


def _host(url: str) -> str:
    return urlsplit(redact(url)).netloc or url


def _log_every() -> float:
    try:
        return max(0.0, float(os.environ.get("FACTCHECK_PROGRESS_SECONDS", LOG_EVERY)))
    except ValueError:
        return LOG_EVERY


def log_progress(out: TextIO, every: float) -> Progress:
    """Plain progress lines for a log, the first after `every` seconds, then every `every`."""
    next_at = time.monotonic() + every

    def show(done: int, total: int, current: str, failed: int) -> None:
        nonlocal next_at
        now = time.monotonic()
        if now < next_at or done >= total:
            return
        next_at = now + every
        where = f", now {safe_line(_host(current)[:60])}" if current else ""
        out.write(f"progress: {done}/{total} done, {failed} failed so far{where}\n")
        out.flush()

    return show
