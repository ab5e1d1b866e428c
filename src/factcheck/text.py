"""Text for people: passages shortened for a line of a report or a reason.

The bottom layer, beside `models` and `errors`: every stage may import it, it imports nothing
of factcheck.
"""

from __future__ import annotations

SHORT = 140  # characters of a passage quoted in a reason


def shorten(text: str, width: int = SHORT) -> str:
    """`text` on one line, cut in the middle with an ellipsis when longer than `width`."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return f"{text[:half].rstrip()}\u2026{text[-half:].lstrip()}"
