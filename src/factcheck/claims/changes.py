"""`--changed-since REF`: only the claims whose lines differ from a git revision.

A claim spans its lines from its first (`- id: ...`) to the line before the next claim (the
last claim: to the end of the file). It is selected when a line of it was added or modified,
or when lines were deleted inside it (after one of its lines); every claim of a new file is
selected. What git calls a line (`\\n`) is mapped to what YAML calls one (`\\r`, U+0085,
U+2028 and U+2029 break lines too), so such a file cannot hide a change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from factcheck.claims.gitdiff import FileChanges, changes_since
from factcheck.models import Claim, ClaimFile

_YAML_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # besides "\n"
_YAML_LINE_END = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # not str.splitlines's \v, \f...


@dataclass(frozen=True)
class ChangedClaims:
    """The claim files cut down to the claims that changed (files with none left out), and
    how many claims were left out as unchanged."""

    files: list[ClaimFile]
    unchanged: int


def changed_claims(files: list[ClaimFile], ref: str, cwd: Path | None = None) -> ChangedClaims:
    """The claims of `files` whose lines differ from `ref` (gitdiff.changes_since), every
    claim of a file new since then. Raises gitdiff.GitError when git cannot tell."""
    changes = changes_since(ref, [Path(f.path) for f in files], cwd)
    kept: list[ClaimFile] = []
    for claim_file in files:
        found = changes.get(Path(claim_file.path))
        claims = _changed(claim_file, found) if found is not None else ()
        if claims:
            kept.append(replace(claim_file, claims=claims))
    total = sum(len(f.claims) for f in files)
    return ChangedClaims(kept, total - sum(len(f.claims) for f in kept))


def _changed(claim_file: ClaimFile, changes: FileChanges) -> tuple[Claim, ...]:
    if changes.new:
        return claim_file.claims
    text = Path(claim_file.path).read_bytes().decode("utf-8-sig", errors="replace")
    to_yaml = yaml_lines(text)
    touched = sorted({y for line in changes.lines for y in to_yaml(line)})
    # Deleted lines followed line `after`: they lay in the claim that holds its last part.
    touched_after = sorted({to_yaml(after)[-1] for after in changes.deleted_after if after})
    spans = claim_spans(claim_file.claims, text)
    return tuple(
        claim
        for claim, (first, last) in zip(claim_file.claims, spans, strict=True)
        if _any_within(touched, first, last) or _any_within(touched_after, first, last)
    )


def claim_spans(claims: Iterable[Claim], text: str) -> list[tuple[int, float]]:
    """(first line, last line) of each claim, in YAML's line numbers; the last claim's
    span ends at infinity. A line where the next claim starts belongs to this claim too
    unless it opens with '-' (a block list entry: the next claim's own line), so a claim in
    flow style (`{id: a, ...}, {id: b, ...}`) sharing a line with the next is never missed."""
    starts = [claim.line or 1 for claim in claims]
    lines = _YAML_LINE_END.split(text)
    spans: list[tuple[int, float]] = []
    for first, following in zip(starts, [*starts[1:], None], strict=True):
        if following is None:
            spans.append((first, float("inf")))
            continue
        own_line = following <= len(lines) and lines[following - 1].lstrip().startswith("-")
        spans.append((first, max(first, following - 1 if own_line else following)))
    return spans


def yaml_lines(text: str) -> Callable[[int], list[int]]:
    """A function from a git line number (1-based, lines ended by `\\n`) of `text` to the
    YAML line numbers it covers (one, unless the line holds another of YAML's breaks)."""
    if not any(mark in text for mark in _YAML_BREAKS):
        return lambda line: [line]
    firsts = [1]
    for part in text.split("\n"):
        firsts.append(firsts[-1] + 1 + _inner_breaks(part))

    def covered(line: int) -> list[int]:
        if line < 1 or line >= len(firsts):
            return [line]
        return list(range(firsts[line - 1], firsts[line]))

    return covered


def _inner_breaks(part: str) -> int:
    """YAML line breaks inside one git line (a `\\r` just before its `\\n` is one break with it)."""
    body = part[:-1] if part.endswith("\r") else part
    return sum(body.count(mark) for mark in _YAML_BREAKS)


def _any_within(sorted_lines: list[int], first: int, last: float) -> bool:
    at = bisect.bisect_left(sorted_lines, first)
    return at < len(sorted_lines) and sorted_lines[at] <= last


__all__ = ["ChangedClaims", "changed_claims", "claim_spans", "yaml_lines"]
