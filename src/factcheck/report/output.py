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


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """True when `stream` is a terminal and NO_COLOR is unset or empty (no-color.org)."""
    env = os.environ if environ is None else environ
    return stream.isatty() and not env.get("NO_COLOR")


def render_for(report: Report, fmt: Format, colour: bool = False) -> str:
    """The report in `fmt`; only the table takes colour."""
    if fmt is Format.TABLE:
        from factcheck.report.table import render as render_table

        return render_table(report, colour=colour)
    return renderer(fmt)(report)


def emit(report: Report, fmt: Format, output: str | None) -> None:
    """Write the report (stdout unless `output`), then the summary line on stderr."""
    colour = output is None and wants_colour(sys.stdout)
    if output:
        with Path(output).open("w", encoding="utf-8") as target:
            target.writelines(chunks(fmt, report))
    else:
        text = render_for(report, fmt, colour)
        click.echo(text, nl=False, color=colour or None)
    if fmt is Format.GITHUB:
        append_step_summary(report)
    if not report.errors:  # a refused run's problems are on stderr already, one line each
        click.echo(summary_line(report), err=True)


def append_step_summary(report: Report, environ: Mapping[str, str] | None = None) -> bool:
    """Append the markdown report to `$GITHUB_STEP_SUMMARY`; False when it is not set."""
    path = (os.environ if environ is None else environ).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(renderer(Format.MARKDOWN)(report) + "\n")
    return True
