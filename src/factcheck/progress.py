"""Progress on stderr while checking: only on a terminal, never in CI logs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def progress_printer() -> Callable[[int, int, str], None] | None:
    """A callback printing 'done/total host' in place, or None when stderr is not a terminal."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int, current: str) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r\x1b[2Kchecking {done}/{total} {current[:60]}{end}")
        sys.stderr.flush()

    return show
