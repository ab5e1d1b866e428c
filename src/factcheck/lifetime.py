"""A child process that dies with the process that started it (Linux).

Worker shares (workers.py) and reading processes (reading.py) ask the kernel for a signal
when their parent ends, however it ends (kill -9 included), so none keeps fetching, writing
or reading for a run that is gone.
"""

from __future__ import annotations

import os
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(sig: signal.Signals, parent: int | None) -> None:
    """Ask the kernel to send `sig` to this process when its parent ends; then exit at once
    if `parent` (its process id) has ended already, between the start and the request."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux's C library
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # nobody to work for
