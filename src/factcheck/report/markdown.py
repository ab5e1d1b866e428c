"""The markdown report: a table an editor can paste into a document or a pull request."""

from __future__ import annotations

from factcheck.judge import shorten
from factcheck.models import Report
from factcheck.report import summary_line


def render(report: Report) -> str:
    lines = ["# Verification report", "", summary_line(report), "",
             "| claim | verdict | status | url | reason |",
             "|---|---|---|---|---|"]
    for claim in report.claims:
        for result in claim.citations:
            cells = [claim.claim.id, claim.verdict.value, result.status.value,
                     result.citation.url, shorten(result.reason, 200)]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
