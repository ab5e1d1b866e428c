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
Progress = Callable[[int, int, str], None]


def progress_printer(
    stream: TextIO | None = None, every: float | None = None, quiet: bool = False
) -> Progress | None:
    """A callback drawing '[#####.....] 7/17 host' in place on `stream` (default stderr).

    When the stream is not a terminal or `CI` is set: a line 'progress: 7/17 done, now
    example.org' at most every `every` seconds (none when the run is over sooner), so a CI
    log shows a long run is alive. None (no progress at all) when `quiet`.
    """
    out = stream or sys.stderr
    if quiet:
        return None
    if not out.isatty() or os.environ.get("CI"):
        return log_progress(out, every if every is not None else _log_every())

    def show(done: int, total: int, current: str) -> None:
        if done >= total:
            out.write("\r\x1b[2K")
        else:
            out.write(f"\r\x1b[2K{progress_bar(done, total, current)}")
        out.flush()

    return show


def progress_bar(done: int, total: int, url: str) -> str:
    """'[##########..............] 7/17 example.org': the bar, the count and the host of the
    citation that just finished."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    host = urlsplit(redact(url)).netloc or url
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {safe_line(host[:40])}"


def _log_every() -> float:
    try:
        return max(0.0, float(os.environ.get("FACTCHECK_PROGRESS_SECONDS", LOG_EVERY)))
    except ValueError:
        return LOG_EVERY


def log_progress(out: TextIO, every: float) -> Progress:
    """Plain progress lines for a log, the first after `every` seconds, then every `every`."""
    next_at = time.monotonic() + every

    def show(done: int, total: int, current: str) -> None:
        nonlocal next_at
        now = time.monotonic()
        if now < next_at or done >= total:
            return
        next_at = now + every
        host = urlsplit(redact(current)).netloc or current
        out.write(f"progress: {done}/{total} done, now {safe_line(host[:60])}\n")
        out.flush()

    return show
