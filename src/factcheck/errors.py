"""The one small exception tree: raised only when factcheck cannot run at all.

A dead link or a misquote is never an exception: it is a row in the report.
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Base of every error factcheck raises on purpose."""


class ClaimFileError(FactcheckError):
    """A claim file (or the configuration file) is invalid; carries the place, down to the
    column when it is known, so the user can fix it."""

    def __init__(
        self, path: str, line: int | None, message: str, column: int | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        where = path if line is None else f"{path}:{line}"
        if line is not None and column is not None:
            where += f":{column}"
        super().__init__(f"{where}: {message}")

    def sort_key(self) -> tuple[str, int, int]:
        """Problems are listed by file, then line, then column."""
        return (self.path, self.line or 0, self.column or 0)


class ClaimFilesError(FactcheckError):
    """Several claim files are invalid: every problem is listed, none is dropped."""

    def __init__(self, errors: list[ClaimFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class NetworkUnreachableError(FactcheckError):
    """Every request failed at the network level and the connectivity probe failed too."""


class ConfigError(FactcheckError):
    """The configuration file (factcheck.toml or [tool.factcheck]) is invalid; `errors` lists
    every problem found with its place, when they are known."""

    def __init__(self, message: str, errors: list[ClaimFileError] | None = None) -> None:
        self.errors = errors or []
        super().__init__(message)
