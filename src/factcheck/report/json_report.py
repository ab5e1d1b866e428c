"""The JSON report: `{"version": 1, ...}`, stable, documented in the README and in
schemas/report.schema.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from factcheck.models import CitationResult, ClaimResult, QuoteResult, Report, RunError
from factcheck.text import redact

VERSION = 1


def render(report: Report) -> str:
    """The report as UTF-8 JSON, one claim per line; the shape is `schemas/report.schema.json`.

    One line per claim keeps diffs and `grep` readable and lets the json module's C encoder
    do the work (`indent` would force its pure-Python encoder: 10x slower on large runs).
    """
    return "".join(render_chunks(report))


def render_chunks(report: Report) -> Iterator[str]:
    """`render(report)` line by line, so a large report is never held whole."""
    yield f'{{\n  "version": {VERSION},\n  "summary": {_dumps(_summary(report))},\n'
    yield '  "claims": ['
    for index, claim in enumerate(report.claims):
        yield f"{',' if index else ''}\n    {_dumps(_claim(claim))}"
    yield f'\n  ],\n  "errors": {_dumps([_error(e) for e in report.errors])}\n}}\n'


def _error(error: RunError) -> dict[str, Any]:
    return {
        "file": error.file,
        "line": error.line,
        "column": error.column,
        "message": redact(error.message),
        "exit_code": error.exit_code,
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _summary(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "claims": len(report.claims),
        "citations": sum(counts.values()),
        "statuses": {status.value: n for status, n in counts.items()},
        "verdicts": _verdicts(report),
        "interrupted": report.interrupted,
        **_unchanged(report),
    }


def _unchanged(report: Report) -> dict[str, Any]:
    """--changed-since: the revision, and how many claims were left out as unchanged."""
    if report.changed_since is None:
        return {}
    return {"unchanged": {"since": report.changed_since, "claims": report.unchanged}}


def _verdicts(report: Report) -> dict[str, int]:
    verdicts: dict[str, int] = {}
    for claim in report.claims:
        verdicts[claim.verdict.value] = verdicts.get(claim.verdict.value, 0) + 1
    return verdicts


def _claim(result: ClaimResult) -> dict[str, Any]:
    claim = result.claim
    return {
        "id": claim.id,
        "claim": claim.claim,
        "file": claim.file,
        "line": claim.line,
        "verdict": result.verdict.value,
        "citations": [_citation(c) for c in result.citations],
    }


def _citation(result: CitationResult) -> dict[str, Any]:
    return {
        "url": redact(result.citation.url),
        "line": result.citation.line,
        "final_url": _redacted(result.final_url),
        "http_status": result.http_status,
        "status": result.status.value,
        "reason": redact(result.reason),
        "suggestion": _redacted(result.suggestion),
        "archive_url": _redacted(result.citation.archive_url),
        "checked_url": _redacted(result.checked_url),
        "note": result.citation.note,
        "quotes": [_quote(q) for q in result.quotes],
    }


def _quote(quote: QuoteResult) -> dict[str, Any]:
    return {
        "text": quote.text,
        "status": quote.status.value,
        "score": quote.score,
        "closest": quote.closest,
        "occurrences": quote.occurrences,
        "fragment_url": _redacted(quote.fragment_url),
        "diff": quote.diff,
    }


def _redacted(text: str | None) -> str | None:
    """`text` with the credentials of its URLs redacted (`user:password@` is `***@`)."""
    return None if text is None else redact(text)
