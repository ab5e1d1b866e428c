"""GitHub Actions workflow commands: each failing citation annotates its line of the claim
file on the pull request (`::error file=claims/x.yaml,line=12,title=...::message`), blocked
ones as warnings (errors under --strict).

The markdown report for the job summary (`$GITHUB_STEP_SUMMARY`) is written by the CLI.
"""

from __future__ import annotations

import os

from factcheck.models import CitationResult, CitationStatus, ClaimResult, Report, RunError
from factcheck.report import status_label
from factcheck.text import safe_line

LEVELS = {
    CitationStatus.BLOCKED: "warning",
    CitationStatus.NOT_CHECKED: "warning",
    CitationStatus.EXCLUDED: "notice",
    CitationStatus.ARCHIVED: "notice",
}


def render(report: Report) -> str:
    """One workflow command per citation that needs attention (errors for failures, warnings
    for blocked sources, notices for archived copies, moved pages and quotes found with a
    note; first, one error per problem that stopped the run); '' when all is well."""
    problems = "".join(f"{problem_annotation(error)}\n" for error in report.errors)
    return problems + "".join(
        f"{command}\n"
        for claim in report.claims
        for result in claim.citations
        if (command := annotation(claim, result, report.strict))
    )


def annotation(claim: ClaimResult, result: CitationResult, strict: bool = False) -> str | None:
    """The `::error`/`::warning`/`::notice` line for one citation, None when it is ok
    (blocked sources are errors under --strict, as they fail the run)."""
    status = result.status
    noted = any(quote.note for quote in result.quotes)  # what was forgiven: a notice
    if status is CitationStatus.OK and not result.suggestion and not noted:
        return None
    level = LEVELS.get(status, "error") if status is not CitationStatus.OK else "notice"
    if strict and status is CitationStatus.BLOCKED:
        level = "error"
    props = {
        "file": safe_line(repo_path(claim.claim.file)),
        "line": str(result.citation.line or claim.claim.line or 1),
        "title": f"{safe_line(claim.claim.id)}: {status_label(status)}",
    }
    message = safe_line(f"{result.citation.url}: {result.reason}")
    if result.suggestion:
        message += f"\nfix: {safe_line(result.suggestion)}"
    prop_text = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{level} {prop_text}::{escape_data(message)}"


def problem_annotation(error: RunError) -> str:
    """The `::error` line for a problem that stopped the run, on its file and line when it
    has them (an invalid claim file is annotated where the fault is)."""
    props: dict[str, str] = {}
    if error.file is not None:
        props["file"] = safe_line(repo_path(error.file))
        props["line"] = str(error.line or 1)
        if error.column is not None:
            props["col"] = str(error.column)
    props["title"] = "invalid input" if error.exit_code == 2 else "could not run"
    prop_text = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::error {prop_text}::{escape_data(safe_line(error.message))}"


def repo_path(path: str) -> str:
    """The claim file's path relative to the working directory (the checkout in Actions),
    as GitHub needs to place the annotation; unchanged when outside it."""
    absolute = os.path.abspath(path)
    root = os.getcwd()
    if os.path.commonpath([absolute, root]) == root:
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    return path


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF percent-encoded (GitHub's rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the data rules plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
