"""The terminal table: claims in file order, each with one row per citation.

Fits 100 columns: the URL and the reason sit in one column under each other, long URLs and
passages are shortened in the middle, and the reason wraps onto a second line at most.
Status words are coloured only when the caller asks (a terminal without NO_COLOR).
"""

from __future__ import annotations

import textwrap

import click

from factcheck.models import (
    CitationResult,
    CitationStatus,
    ClaimResult,
    QuoteStatus,
    Report,
    Verdict,
)
from factcheck.report import problem_lines, status_label
from factcheck.report.diff import diff_parts
from factcheck.text import safe_line, shorten

WIDTH = 100
STATUS_WIDTH = 13  # "quote altered"
HTTP_WIDTH = 4
INDENT = "  "
TEXT_AT = len(INDENT) + STATUS_WIDTH + 2 + HTTP_WIDTH + 2
TEXT_WIDTH = WIDTH - TEXT_AT

STATUS_COLOURS: dict[CitationStatus, str] = {
    CitationStatus.OK: "green",
    CitationStatus.ARCHIVED: "cyan",
    CitationStatus.BLOCKED: "yellow",
    CitationStatus.NOT_CHECKED: "bright_black",
}
VERDICT_COLOURS = {Verdict.VERIFIED: "green", Verdict.FAILED: "red", Verdict.UNVERIFIABLE: "yellow"}


def render(report: Report, *, colour: bool = False) -> str:
    """The table as text, at most 100 columns wide; ANSI colours only when `colour`."""
    if report.errors:
        problems = [f"{INDENT}{line}" for line in problem_lines(report)]
        return "\n".join(["nothing checked:", *problems]) + "\n"
    header = f"{INDENT}{'status':<{STATUS_WIDTH}}  {'http':>{HTTP_WIDTH}}  url / reason"
    blocks = [header] + [_claim(claim, colour) for claim in report.claims]
    return "\n\n".join(blocks) + "\n"


def _claim(claim: ClaimResult, colour: bool) -> str:
    verdict = _style(claim.verdict.value, VERDICT_COLOURS[claim.verdict], colour, bold=True)
    lines = [
        f"{safe_line(claim.claim.id)}  {verdict}",
        INDENT + shorten(claim.claim.claim, WIDTH - len(INDENT)),
    ]
    for result in claim.citations:
        lines.extend(_citation(result, colour))
    return "\n".join(lines)


def _citation(result: CitationResult, colour: bool) -> list[str]:
    word = f"{status_label(result.status):<{STATUS_WIDTH}}"
    word = _style(word, STATUS_COLOURS.get(result.status, "red"), colour)
    http = f"{result.http_status or '':>{HTTP_WIDTH}}"
    lines = [f"{INDENT}{word}  {http}  {shorten(result.citation.url, TEXT_WIDTH)}"]
    text = _wrapped(result.reason)
    text += [
        _diff_line(q.diff, colour)
        for q in result.quotes
        if q.status is QuoteStatus.ALTERED and q.diff
    ]
    if result.suggestion:
        text += _wrapped(f"fix: {result.suggestion}")
    return lines + [" " * TEXT_AT + line for line in text]


def _wrapped(text: str) -> list[str]:
    """`text` on two lines of the text column at most, shortened in the middle beyond that."""
    return textwrap.wrap(
        shorten(text, 2 * TEXT_WIDTH - 4), TEXT_WIDTH, break_long_words=True, break_on_hyphens=False
    )


def _diff_line(diff: str, colour: bool) -> str:
    """The quote's words against the page's, shared words shortened around the changes:
    coloured on a terminal (quote's words struck out red, page's green), else [-x-] {+y+}."""
    parts = diff_parts(diff)
    room = max(
        12,
        (TEXT_WIDTH - 7 - sum(len(p.text) + 4 for p in parts if p.kind != "same"))
        // max(1, sum(p.kind == "same" for p in parts)),
    )
    out = []
    for i, part in enumerate(parts):
        text = safe_line(part.text)
        if part.kind == "same":
            out.append(_context(text, room, first=i == 0, last=i == len(parts) - 1))
        elif not colour:
            out.append(f"[-{text}-]" if part.kind == "removed" else f"{{+{text}+}}")
        elif part.kind == "removed":
            out.append(click.style(text, fg="red", strikethrough=True))
        else:
            out.append(click.style(text, fg="green", underline=True))
    return "words: " + "".join(out)


def _context(text: str, room: int, first: bool, last: bool) -> str:
    """Shared words beside a change, cut to `room` characters away from the change."""
    if len(text) <= room:
        return text
    if first:
        return "\u2026" + text[-(room - 1) :]
    if last:
        return text[: room - 1] + "\u2026"
    return text[: room // 2] + "\u2026" + text[-(room // 2) :]


def _style(text: str, fg: str, colour: bool, bold: bool = False) -> str:
    return click.style(text, fg=fg, bold=bold or None) if colour else text
