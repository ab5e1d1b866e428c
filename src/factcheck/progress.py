"""Progress on stderr while checking: a bar on a terminal, nothing in CI logs or pipes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlsplit

from factcheck.text import redact, safe_line

BAR_WIDTH = 24
Progress = Callable[[int, int, str], None]


def progress_printer(stream: TextIO | None = None) -> Progress | None:
    """A callback drawing '[#####.....] 7/17 host' in place on `stream` (default stderr).

    None (no progress at all) when the stream is not a terminal or `CI` is set, so logs and
    pipes only ever get the report and the summary line. The bar erases itself when done.
    """
    out = stream or sys.stderr
    if not out.isatty() or os.environ.get("CI"):
        return None

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
