"""Exit codes of the command line, in one place (documented in the README)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0  # every citation ok, archived or blocked (blocked fails with --strict)
    FAILED = 1  # some citation broken, quote_missing, quote_altered or error
    INVALID_INPUT = 2  # bad claim file, bad option, bad usage
    CANNOT_RUN = 3  # the checks could not run: the network is unreachable
    INTERRUPTED = 130  # Ctrl-C: the report covers what finished
