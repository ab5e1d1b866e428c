"""safe_line and safe_block: the one function between untrusted text and a terminal or log."""

from __future__ import annotations

import pytest

from factcheck.text import safe_block, safe_line, shorten


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("title\x1b]0;pwned\x07", "title\\x1b]0;pwned\\x07"),  # OSC: sets a terminal's title
        ("\x9b31m", "\\x9b31m"),  # the one-byte C1 CSI
        ("a\u2028b\u2029c\x85d", "a\\u2028b\\u2029c\\x85d"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # right-to-left override
        ("::error file=x::forged", "\\x3a:error file=x::forged"),
        ("  ::add-mask::x", "  \\x3a:add-mask::x"),
        ("##[error]forged", "\\x23#[error]forged"),
        ("a::b and ## not at the start", "a::b and ## not at the start"),
        ("plain text, ‘quoted’ — é", "plain text, ‘quoted’ — é"),
    ],
)
def test_safe_line_leaves_one_inert_line(raw: str, shown: str) -> None:
    assert safe_line(raw) == shown


def test_a_newline_then_a_command_cannot_start_a_line() -> None:
    shown = safe_line("fine\n::error::forged\n##[warning]forged")
    assert "\n" not in shown
    assert shown == "fine\\n::error::forged\\n##[warning]forged"


def test_safe_block_keeps_line_breaks_and_defuses_every_line() -> None:
    shown = safe_block("one\n::error::x\n\t##[group]y\nthree\x1b[2J")
    assert shown.split("\n") == ["one", "\\x3a:error::x", "\\t##[group]y", "three\\x1b[2J"]
    assert not any(line.lstrip().startswith(("::", "##[")) for line in shown.split("\n"))


def test_shorten_is_inert_too() -> None:
    assert shorten("::error::x\x1b[31m") == "\\x3a:error::x\\x1b[31m"
