"""Writing a finished report where the user asked: the report to stdout or `--output`, the
summary line to stderr, and for the github format the markdown report appended to the job
summary file (`$GITHUB_STEP_SUMMARY`) when Actions provides one."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

import click

from factcheck.models import Report
from factcheck.report import Format, chunks, renderer, summary_line


def wants_colour(
    stream: TextIO, environ: Mapping[str, str] | None = None, choice: str = "auto"
) -> bool:
    """Whether to colour what goes to `stream`: `choice` (--color) `always` or `never` wins;
    `auto`: FORCE_COLOR set and not empty forces it, NO_COLOR set and not empty refuses it
    (no-color.org, force-color.org), else colour on a terminal only."""
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("FORCE_COLOR"):
        return True
    return stream.isatty() and not env.get("NO_COLOR")


def table_width(stream: TextIO, environ: Mapping[str, str] | None = None) -> int:
    """Columns for the table: COLUMNS when set to a number, else the terminal's width when
    `stream` is a terminal, else 100."""
    import shutil

    env = os.environ if environ is None else environ
    if env.get("COLUMNS", "").strip().isdigit():
        return int(env["COLUMNS"])
    if stream.isatty():
        return shutil.get_terminal_size().columns
    return 100


def render_for(report: Report, fmt: Format, colour: bool = False, width: int = 100) -> str:
    """The report in `fmt`; only the table takes colour and a width."""
    if fmt is Format.TABLE:
        from factcheck.report.table import render as render_table

        return render_table(report, colour=colour, width=width)
    return renderer(fmt)(report)


def emit(
    report: Report, fmt: Format, output: str | None, color: str = "auto", quiet: bool = False
) -> None:
    """Write the report (stdout unless `output`), then the summary line on stderr.

    `color`: --color (auto, always, never); `quiet`: the table shows only failing claims."""
    colour = output is None and wants_colour(sys.stdout, choice=color)
    full = report
    if quiet and fmt in (Format.TABLE, Format.MARKDOWN, Format.HTML):
        report = failing_only(report)
    if output:
        with Path(output).open("w", encoding="utf-8") as target:
            target.writelines(chunks(fmt, report))
    else:
        text = render_for(report, fmt, colour, table_width(sys.stdout))
        click.echo(text, nl=False, color=colour or None)
    if fmt is Format.GITHUB:
        append_step_summary(report)
    if not report.errors:  # a refused run's problems are on stderr already, one line each
        click.echo(summary_line(full), err=True)


def append_step_summary(report: Report, environ: Mapping[str, str] | None = None) -> bool:
    """Append the markdown report to `$GITHUB_STEP_SUMMARY`; False when it is not set."""
    path = (os.environ if environ is None else environ).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(renderer(Format.MARKDOWN)(report) + "\n")
    return True


def failing_only(report: Report) -> Report:
    """`report` with only the claims that have a failing citation (--quiet, for the formats
    people read; the summary line still counts every citation)."""
    from dataclasses import replace

    kept = tuple(
        claim
        for claim in report.claims
        if any(result.status.fails(report.strict) for result in claim.citations)
    )
    return replace(report, claims=kept)
