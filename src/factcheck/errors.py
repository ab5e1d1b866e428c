"""The one small exception tree: raised only when factcheck cannot run at all.

A dead link or a misquote is never an exception: it is a row in the report.
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Base of every error factcheck raises on purpose."""


class ClaimFileError(FactcheckError):
    """A claim file is invalid; carries the place so the user can fix it."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class ClaimFilesError(FactcheckError):
    """Several claim files are invalid: every problem is listed, none is dropped."""

    def __init__(self, errors: list[ClaimFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class NetworkUnreachableError(FactcheckError):
    """Every request failed at the network level and the connectivity probe failed too."""


class ConfigError(FactcheckError):
    """The configuration file (factcheck.toml or [tool.factcheck]) is invalid."""
