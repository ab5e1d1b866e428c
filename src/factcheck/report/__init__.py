"""Report formats: one module per format, each with `render(report) -> str`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module

from factcheck.models import CitationStatus, ClaimFile, ClaimResult, Report
from factcheck.text import redact, safe_line


class Format(StrEnum):
    """The output formats of `factcheck verify --format`."""

    TABLE = "table"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"


Renderer = Callable[[Report], str]

_MODULES = {
    Format.TABLE: "factcheck.report.table",
    Format.MARKDOWN: "factcheck.report.markdown",
    Format.HTML: "factcheck.report.html",
    Format.JSON: "factcheck.report.json_report",
    Format.JUNIT: "factcheck.report.junit",
    Format.GITHUB: "factcheck.report.github",
}

SUMMARY_ORDER = (
    CitationStatus.OK,
    CitationStatus.ARCHIVED,
    CitationStatus.BLOCKED,
    CitationStatus.BROKEN,
    CitationStatus.ERROR,
    CitationStatus.QUOTE_ALTERED,
    CitationStatus.QUOTE_MISSING,
    CitationStatus.NOT_CHECKED,
    CitationStatus.EXCLUDED,
)
"""Statuses in the order the summary lists them: fine, then warnings, then failures."""


def chunks(fmt: Format, report: Report) -> Iterator[str]:
    """The report in pieces that join to `render(report)`: a format may define
    `render_chunks(report)` so a large report is written without being held whole."""
    module = import_module(_MODULES[fmt])
    render_chunks: Callable[[Report], Iterator[str]] | None = getattr(module, "render_chunks", None)
    if render_chunks is None:
        yield renderer(fmt)(report)
    else:
        yield from render_chunks(report)


def renderer(fmt: Format) -> Renderer:
    """The `render(report) -> str` function of a format (modules load on demand)."""
    render: Renderer = import_module(_MODULES[fmt]).render
    return render


def status_label(status: CitationStatus) -> str:
    """The status as a person reads it: 'quote altered' for `quote_altered`."""
    return status.value.replace("_", " ")


def summary_line(report: Report) -> str:
    """'12 claims, 19 citations: 15 ok, 1 archived, 1 blocked, 1 broken, 1 quote altered'.

    Statuses with no citation are left out; an interrupted run says so at the end, and a
    --changed-since run how many claims it left out as unchanged.
    """
    if report.errors:
        return f"{_plural(len(report.errors), 'problem')}: nothing checked"
    if report.changed_since is not None and not report.claims:
        since, unchanged = safe_line(report.changed_since), _plural(report.unchanged, "claim")
        return f"no claim changed since {since}: {unchanged} unchanged, none checked"
    counts = report.counts()
    parts = [
        f"{counts[status]} {status_label(status)}" for status in SUMMARY_ORDER if counts[status]
    ]
    total = sum(counts.values())
    head = f"{_plural(len(report.claims), 'claim')}, {_plural(total, 'citation')}"
    tail = f": {', '.join(parts)}" if parts else ""
    note = " (interrupted)" if report.interrupted else ""
    return f"{head}{tail}{note}{_unchanged_note(report)}"


def _unchanged_note(report: Report) -> str:
    """'; 12 claims unchanged since origin/main, not checked' after a --changed-since run."""
    if report.changed_since is None:
        return ""
    since = safe_line(report.changed_since)
    return f"; {_plural(report.unchanged, 'claim')} unchanged since {since}, not checked"


def problem_lines(report: Report) -> list[str]:
    """Each of the report's errors as one line, `path:line:column: what`, made inert."""
    return [safe_line(redact(str(error))) for error in report.errors]


@dataclass(frozen=True)
class FileSection:
    """The claims of one claim file, with the file's title and article URL when known."""

    path: str
    title: str | None
    source: str | None
    claims: tuple[ClaimResult, ...]


def sections(report: Report) -> list[FileSection]:
    """The report's claims grouped by claim file, files in run order."""
    headers: dict[str, ClaimFile] = {f.path: f for f in report.files}
    groups: dict[str, list[ClaimResult]] = {}
    for claim in report.claims:
        groups.setdefault(claim.claim.file, []).append(claim)
    return [
        FileSection(
            path,
            getattr(headers.get(path), "title", None),
            getattr(headers.get(path), "source", None),
            tuple(claims),
        )
        for path, claims in groups.items()
    ]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
