"""Reading the matcher's word diff (`quote [-removed-] {+added+}`) for display."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_CHANGE = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)

Kind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class DiffPart:
    """A run of words the quote and the page share, or that only one of them has."""

    kind: Kind
    text: str


def diff_parts(diff: str) -> list[DiffPart]:
    """The parts of a word diff in order; `removed` words are the quote's, `added` the page's.

    Text outside the markers is shared by both sides, spaces kept as written; the space
    between a removal and the addition right after it only separates the marks.
    """
    parts: list[DiffPart] = []
    at = 0
    for change in _CHANGE.finditer(diff):
        between = diff[at : change.start()]
        separator = between.isspace() and bool(parts) and parts[-1].kind == "removed"
        if between and not separator:
            parts.append(DiffPart("same", between))
        removed, added = change.group(1), change.group(2)
        parts.append(
            DiffPart("removed", removed) if removed is not None else DiffPart("added", added)
        )
        at = change.end()
    if at < len(diff):
        parts.append(DiffPart("same", diff[at:]))
    return parts
