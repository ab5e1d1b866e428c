"""Report formats: one module per format, each with `render(report) -> str`."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from importlib import import_module

from factcheck.models import CitationStatus, Report


class Format(str, Enum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"
    JUNIT = "junit"


Renderer = Callable[[Report], str]

_MODULES = {
    Format.TABLE: "factcheck.report.table",
    Format.MARKDOWN: "factcheck.report.markdown",
    Format.JSON: "factcheck.report.json_report",
    Format.JUNIT: "factcheck.report.junit",
}


def renderer(fmt: Format) -> Renderer:
    """The `render(report) -> str` function of a format (modules load on demand)."""
    render: Renderer = import_module(_MODULES[fmt]).render
    return render


def summary_line(report: Report) -> str:
    """'12 claims, 19 citations: 15 ok, 1 archived, 1 blocked, 1 broken, 1 quote altered'."""
    counts = report.counts()
    parts = [f"{n} {status.value.replace('_', ' ')}"
             for status, n in counts.items() if n]
    total = sum(counts.values())
    head = f"{_plural(len(report.claims), 'claim')}, {_plural(total, 'citation')}"
    tail = f": {', '.join(parts)}" if parts else ""
    note = " (interrupted)" if report.interrupted else ""
    return f"{head}{tail}{note}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


STATUS_ORDER = tuple(CitationStatus)
