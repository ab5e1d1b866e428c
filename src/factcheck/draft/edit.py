"""Adding to a claim file as text: a citation after a claim's last one, or a claim after the
last claim, every other byte of the file left as it was (comments, order, quoting style,
line endings).

The file is composed (not loaded) with PyYAML to know where each node starts; the lines of
the last item run on while they are blank, comments indented under it, or content indented
past its dash. The new lines go right after them, at the dash's column.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from factcheck.draft.plan import CitationDraft, ClaimDraft
from factcheck.draft.writer import citation_lines, claim_lines
from factcheck.errors import ClaimFileError

_DASH = re.compile(r"( *)-( +|$)")
Lines = Callable[[str], list[str]]  # the lines of a new item, given its indent


def add_citation(text: str, path: str, claim_id: str, citation: CitationDraft) -> str:
    """`text` with `citation` after the last citation of claim `claim_id`."""
    claim = _claim(_claims(text, path), claim_id, path)
    citations = _block_sequence(_value(claim, "citations", path), "citations", path)
    return _append_item(text, path, citations, lambda indent: citation_lines(citation, indent))


def add_claim(text: str, path: str, claim: ClaimDraft) -> str:
    """`text` with `claim` after its last claim (a blank line between them when the file
    separates its claims so)."""
    return _append_item(
        text, path, _claims(text, path), lambda indent: claim_lines(claim, indent), spaced=True
    )


def _claims(text: str, path: str) -> yaml.SequenceNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # the caller validated the file; a race, or a bug
        raise ClaimFileError(path, None, f"invalid YAML: {exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise ClaimFileError(path, 1, "expected a mapping with a 'claims' list")
    return _block_sequence(_value(root, "claims", path), "claims", path)


def _value(mapping: yaml.Node, key: str, path: str) -> yaml.Node:
    for key_node, value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value  # type: ignore[no-any-return]
    raise ClaimFileError(path, mapping.start_mark.line + 1, f"no '{key}' here")


def _block_sequence(node: yaml.Node, what: str, path: str) -> yaml.SequenceNode:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise ClaimFileError(path, line, f"'{what}' is not a list with items")
    if node.flow_style:
        raise ClaimFileError(path, line, f"'{what}' is written [in flow style]: add it by hand")
    return node


def _claim(claims: yaml.SequenceNode, claim_id: str, path: str) -> yaml.Node:
    for item in claims.value:
        found = _value(item, "id", path)
        if isinstance(found, yaml.ScalarNode) and found.value == claim_id:
            return item  # type: ignore[no-any-return]
    raise ClaimFileError(path, None, f"no claim with id '{claim_id}'")


def _append_item(
    text: str, path: str, sequence: yaml.SequenceNode, make: Lines, spaced: bool = False
) -> str:
    """`text` with the lines `make(indent)` after the last item of a block `sequence`."""
    lines = text.splitlines(keepends=True)
    last = sequence.value[-1]
    first_line = last.start_mark.line
    dash = _DASH.match(lines[first_line][: last.start_mark.column])
    if dash is None:
        raise ClaimFileError(path, first_line + 1, "list item written in a way add cannot follow")
    column = len(dash.group(1))
    end = _item_end(lines, first_line, column)
    newline = "\r\n" if text.endswith("\r\n") or "\r\n" in lines[first_line] else "\n"
    before = "".join(lines[:end])
    if before and not before.endswith(("\n", "\r")):
        before += newline
    blank = spaced and _spaced(lines, sequence)
    added = ([""] if blank else []) + make(" " * column)
    return before + "".join(line + newline for line in added) + "".join(lines[end:])


def _spaced(lines: list[str], sequence: yaml.SequenceNode) -> bool:
    """True when a blank line stands between the last two items of `sequence`."""
    if len(sequence.value) < 2:
        return False
    start, stop = sequence.value[-2].start_mark.line, sequence.value[-1].start_mark.line
    return any(not line.strip() for line in lines[start:stop])


def _item_end(lines: list[str], first: int, column: int) -> int:
    """The index of the line after the item starting at line `first` whose dash stands at
    `column`: its content and the comments indented under it, not the blank lines after."""
    end = first + 1
    for n in range(first + 1, len(lines)):
        stripped = lines[n].strip()
        if not stripped:
            continue
        if len(lines[n]) - len(lines[n].lstrip(" ")) <= column:
            break
        end = n + 1
    return end
