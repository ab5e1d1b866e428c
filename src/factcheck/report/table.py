"""The terminal table: claims in file order, each with one row per citation.

Fits the terminal (100 columns when not a terminal): the URL and the reason sit in one
column under each other; a long URL is shortened in the middle, the reason and the fix wrap at
word boundaries under their column (a page's passage is cut only at its end, by judge.py).
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

WIDTH = 100  # columns when the output is not a terminal and COLUMNS is not set
MIN_WIDTH = 60  # below this the columns would not fit beside each other
STATUS_WIDTH = 13  # "quote altered"
HTTP_WIDTH = 4
INDENT = "  "
TEXT_AT = len(INDENT) + STATUS_WIDTH + 2 + HTTP_WIDTH + 2

STATUS_COLOURS: dict[CitationStatus, str] = {
    CitationStatus.OK: "green",
    CitationStatus.ARCHIVED: "cyan",
    CitationStatus.BLOCKED: "yellow",
    CitationStatus.NOT_CHECKED: "bright_black",
    CitationStatus.EXCLUDED: "bright_black",
}
VERDICT_COLOURS = {
    Verdict.VERIFIED: "green",
    Verdict.FAILED: "red",
    Verdict.UNVERIFIABLE: "yellow",
    Verdict.NOT_CHECKED: "bright_black",
}


def render(report: Report, *, colour: bool = False, width: int = WIDTH) -> str:
    """The table as text, every line at most `width` columns (at least MIN_WIDTH): reasons
    wrapped at word boundaries under their column; ANSI colours only when `colour`."""
    width = max(MIN_WIDTH, width)
    if report.errors:
        problems = [f"{INDENT}{line}" for line in problem_lines(report)]
        return "\n".join(["nothing checked:", *problems]) + "\n"
    if not report.claims:
        return ""  # no claim changed, or --quiet and none failed: the summary on stderr says it
    header = f"{INDENT}{'status':<{STATUS_WIDTH}}  {'http':>{HTTP_WIDTH}}  url / reason"
    blocks = [header] + [_claim(claim, colour, width) for claim in report.claims]
    return "\n\n".join(blocks) + "\n"


def _claim(claim: ClaimResult, colour: bool, width: int) -> str:
    verdict = _style(claim.verdict.value, VERDICT_COLOURS[claim.verdict], colour, bold=True)
    lines = [
        f"{shorten(claim.claim.id, width - 16)}  {verdict}",
        INDENT + shorten(claim.claim.claim, width - len(INDENT)),
    ]
    for result in claim.citations:
        lines.extend(_citation(result, colour, width - TEXT_AT))
    return "\n".join(lines)


def _citation(result: CitationResult, colour: bool, room: int) -> list[str]:
    word = f"{status_label(result.status):<{STATUS_WIDTH}}"
    word = _style(word, STATUS_COLOURS.get(result.status, "red"), colour)
    http = f"{result.http_status or '':>{HTTP_WIDTH}}"
    lines = [f"{INDENT}{word}  {http}  {shorten(result.citation.url, room)}"]
    text = _wrapped(result.reason, room)
    text += [
        _diff_line(q.diff, colour, room)
        for q in result.quotes
        if q.status is QuoteStatus.ALTERED and q.diff
    ]
    if result.suggestion:
        text += _wrapped(f"fix: {result.suggestion}", room)
    return lines + [" " * TEXT_AT + line for line in text]


def _wrapped(text: str, room: int) -> list[str]:
    """`text` wrapped at word boundaries into lines of `room` columns (the hanging indent is
    the caller's); a word longer than a line (a URL) is broken, nothing is left out."""
    return textwrap.wrap(
        safe_line(" ".join(text.split())), room, break_long_words=True, break_on_hyphens=False
    )


def _diff_line(diff: str, colour: bool, room_for_line: int) -> str:
    """The quote's words against the page's, shared words shortened around the changes:
    coloured on a terminal (quote's words struck out red, page's green), else [-x-] {+y+}."""
    parts = diff_parts(diff)
    room = max(
        12,
        (room_for_line - 7 - sum(len(p.text) + 4 for p in parts if p.kind != "same"))
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
