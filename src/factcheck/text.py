"""Text for people: passages shortened for a line of a report or a reason, and anything
untrusted made safe to show.

The bottom layer, beside `models` and `errors`: every stage may import it, it imports nothing
of factcheck.

Claim files, configuration files and pages are hostile, and what factcheck prints lands in
terminals (which obey escape sequences) and CI logs (GitHub Actions obeys `::command::` and
`##[command]` lines on stdout and stderr). `safe_line` and `safe_block` are the one place
that makes such text inert; every output path calls them.
"""

from __future__ import annotations

import re

SHORT = 140  # characters of a passage quoted in a reason

# C0 and C1 controls (ESC starts terminal sequences, CR and LF start new log lines), DEL,
# the Unicode line and paragraph separators, the bidirectional overrides and isolates (they
# reorder what a reader sees), lone surrogates and the two non-characters XML refuses.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_UNSAFE_BUT_NEWLINE = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A line GitHub would read as a workflow command: `::name ...::` or the older `##[name]`,
# after any leading white space.
_COMMAND_START = re.compile(r"^(\s*)(?=::|##\[)(.)", re.MULTILINE)
# The user information of a URL (`user:password@`), up to the last @ before the path.
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s]*@")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _defuse(match: re.Match[str]) -> str:
    return f"{match.group(1)}\\x{ord(match.group(2)):02x}"


def redact(text: str) -> str:
    """`text` with the credentials of every URL in it replaced: `https://***@host/...`."""
    return _CREDENTIALS.sub(r"\1***@", text) if "@" in text else text


def safe_line(text: str) -> str:
    """`text` made inert on one line of a terminal, a CI log or an XML document: control
    characters, line breaks and direction overrides become visible escapes (`\\n`, `\\x1b`,
    `\\u202e`), a leading `::` or `##[` (a workflow command) becomes `\\x3a:` / `\\x23#[`,
    and credentials in URLs are redacted (`redact`)."""
    return _COMMAND_START.sub(_defuse, _UNSAFE.sub(_visible, redact(text)))


def safe_block(text: str) -> str:
    """`text` made inert as `safe_line` does, keeping its line breaks: every line is
    defused on its own (for factcheck's own multi-line messages and reports)."""
    return _COMMAND_START.sub(_defuse, _UNSAFE_BUT_NEWLINE.sub(_visible, redact(text)))


def shorten(text: str, width: int = SHORT) -> str:
    """`text` on one line, cut in the middle with an ellipsis when longer than `width`, made
    safe to show (`safe_line`)."""
    text = safe_line(" ".join(text.split()))
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return f"{text[:half].rstrip()}\u2026{text[-half:].lstrip()}"


def excerpt(text: str, width: int = SHORT) -> str:
    """`text` on one line, made safe to show, cut at its end (at a word boundary, with an
    ellipsis) when longer than `width`: a passage of a page loses words at its end, never
    from its middle, so what is shown is what the page says, word for word."""
    text = safe_line(" ".join(text.split()))
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut and not text[width - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "\u2026"


def passage(text: str, width: int = SHORT) -> str:
    """A page's passage for a reason inside typographic quotes: `excerpt`, without quote
    marks of its own at its ends (the reason adds them: no “““ or ””)."""
    return excerpt(text.strip().strip('\u201c\u201d"').strip(), width)
