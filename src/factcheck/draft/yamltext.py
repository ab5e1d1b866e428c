"""Untrusted text (from an article or a cited page) written into YAML or onto a terminal.

A page is hostile: a line break in a comment would start a YAML line of the page's choosing,
an escape sequence would drive the terminal, a `::` line would command a CI log. `scalar`
writes a value that YAML reads back as exactly the same string; `comment_text` and
`one_line` make text that cannot leave its line.
"""

from __future__ import annotations

import json
import re
import unicodedata

import yaml

from factcheck.text import shorten

# Characters YAML does not allow raw in a stream, plus the ones it reads as line breaks.
_NOT_YAML_PRINTABLE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x85\u2028\u2029\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_START = re.compile(r"[A-Za-z0-9\u00a0-\U0010ffff(]")
_PLAIN_BAD = re.compile(r": |:$| #|[\t\n\r]|\s$")
COMMENT_WIDTH = 160
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def scalar(text: str) -> str:
    """`text` as a YAML scalar on one line: plain when YAML reads it back unchanged, else
    double-quoted with every awkward character escaped."""
    text = _SURROGATE.sub("\ufffd", text)
    if _plain(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(_escape, quoted)


def _plain(text: str) -> bool:
    if not text or not _PLAIN_START.match(text) or _PLAIN_BAD.search(text):
        return False
    if _NOT_YAML_PRINTABLE.search(text):
        return False
    # Read plain, would YAML take it for text, or for a number, a date, a boolean, null?
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def one_line(text: str, width: int = COMMENT_WIDTH) -> str:
    """`text` on one line: control, format and line-break characters made spaces, runs of
    white space folded, cut in the middle past `width` characters."""
    cleaned = "".join(" " if _unsafe(char) else char for char in text)
    return shorten(cleaned, width)


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def comment_text(text: str, width: int = COMMENT_WIDTH) -> str:
    """`text` as a double-quoted passage for a YAML comment (one line, quotes escaped)."""
    return '"' + one_line(text, width).replace("\\", "\\\\").replace('"', '\\"') + '"'
