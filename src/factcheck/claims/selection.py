"""Which citations a run checks: `--exclude` and `--include` URL patterns, as lychee has them.

A citation whose URL matches an `exclude` pattern (a regular expression, searched anywhere in
the URL) is not fetched: it is reported `excluded`, and never fails the run. An `include`
pattern wins over every exclude (lychee's rule): `--exclude '^https://www\\.ft\\.com/'
--include '/content/'` skips the FT except its articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from factcheck.models import Citation, CitationResult, CitationStatus, VerifyOptions


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a usable regular expression, or None when it is."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a regular expression: {pattern!r} ({exc})"
    return None


def excluded(citations: Sequence[Citation], options: VerifyOptions) -> dict[int, CitationResult]:
    """The result of every citation left out by `options.exclude` (index -> `excluded`)."""
    if not options.exclude:
        return {}
    exclude = _compiled(options.exclude)
    include = _compiled(options.include)
    results = {}
    for index, citation in enumerate(citations):
        rule = _first_match(exclude, citation.url)
        if rule is not None and _first_match(include, citation.url) is None:
            results[index] = CitationResult(
                citation=citation,
                status=CitationStatus.EXCLUDED,
                reason=f"excluded: the URL matches the exclude pattern {rule.pattern!r}",
            )
    return results


def _compiled(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


def _first_match(patterns: list[re.Pattern[str]], url: str) -> re.Pattern[str] | None:
    return next((p for p in patterns if p.search(url)), None)


__all__ = ["excluded", "pattern_problem"]
