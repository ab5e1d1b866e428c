"""Text from a PDF, whatever the PDF holds.

A cited PDF comes from anyone. pypdf raises more than its own errors on hostile files
(NotImplementedError for an unknown security handler or /V 7 encryption, LimitReachedError
for a stream that inflates past its limit, RecursionError, AssertionError, ...), and logs
warnings whose text comes from the file (a name holding a line feed and `::error` once
reached stderr, where GitHub Actions obeys it). Here every failure becomes
`UnreadablePDF` with a reason, and pypdf's log records are kept, not printed: the last one
is added to the reason when the PDF cannot be read.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from factcheck.text import shorten

_LINE_END_HYPHEN = re.compile(r"(\w)[-\u00ad\u2010]\n\s*(\S)")
_PYPDF_LOGGER = logging.getLogger("pypdf")


class UnreadablePDF(Exception):
    """The PDF's text cannot be read; the message says why, made safe to print."""


class _Kept(logging.Handler):
    """Keeps pypdf's log records instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _pypdf_quiet() -> Iterator[_Kept]:
    """pypdf's log records and warnings kept from stderr while the block runs."""
    kept = _Kept()
    propagate = _PYPDF_LOGGER.propagate
    _PYPDF_LOGGER.addHandler(kept)
    _PYPDF_LOGGER.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield kept
    finally:
        _PYPDF_LOGGER.removeHandler(kept)
        _PYPDF_LOGGER.propagate = propagate


def read_pdf(body: bytes) -> str:
    """Text of a PDF, pages in order, words broken at line ends joined again.

    Raises UnreadablePDF for anything pypdf cannot read (encrypted, damaged, too large once
    inflated, or a bug of pypdf's on a hostile file), never another exception."""
    with _pypdf_quiet() as kept:
        try:
            pages = _pages(body)
        except Exception as exc:  # noqa: BLE001 - a hostile file can raise anything
            raise UnreadablePDF(_reason(exc, kept.messages)) from exc
    return "\n\n".join(_LINE_END_HYPHEN.sub(_join_hyphenated, page) for page in pages)


def _pages(body: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadablePDF("encrypted PDF (a password is needed)")
    return [page.extract_text() or "" for page in reader.pages]


def _reason(exc: BaseException, logged: list[str]) -> str:
    from pypdf.errors import LimitReachedError

    if isinstance(exc, UnreadablePDF):
        return str(exc)
    if isinstance(exc, LimitReachedError):
        what = "too large once decompressed"
    elif isinstance(exc, NotImplementedError):
        what = f"not supported by the PDF reader ({exc})"
    else:
        what = str(exc) or type(exc).__name__
    note = f" (reader's last warning: {logged[-1]})" if logged else ""
    return shorten(f"unreadable PDF: {what}{note}", 300)


def _join_hyphenated(found: re.Match[str]) -> str:
    """ "imple-|mentation" is one word; "counter-|"extremism"" and "Sino-|American" keep
    their hyphen (a line end inside a compound is not a space either)."""
    before, after = found.group(1), found.group(2)
    return before + after if after.islower() else f"{before}-{after}"
