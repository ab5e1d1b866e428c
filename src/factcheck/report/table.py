"""The terminal table: one row per citation under its claim."""

from __future__ import annotations

from tabulate import tabulate

from factcheck.judge import shorten
from factcheck.models import Report


def render(report: Report) -> str:
    rows = []
    for claim in report.claims:
        for i, result in enumerate(claim.citations):
            rows.append([
                f"{claim.claim.id} [{claim.verdict.value}]" if i == 0 else "",
                result.status.value,
                result.http_status or "",
                shorten(result.citation.url, 50),
                shorten(result.reason, 70),
            ])
    headers = ["claim", "status", "http", "url", "reason"]
    return tabulate(rows, headers=headers, tablefmt="simple") + "\n"
