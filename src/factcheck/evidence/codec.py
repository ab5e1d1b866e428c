"""What the store keeps for later runs to read back, with no import of the fetcher or the
matcher: the index's file name, QuoteResults as JSON and the matcher's version.

`factcheck verify --max-age` reads recent verdicts with only this (evidence/verdicts.py): a
run whose every citation is reused imports neither aiohttp nor the parsers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from functools import cache
from importlib import metadata, resources
from typing import Any

from factcheck.models import QuoteResult, QuoteStatus

INDEX = "index.sqlite"

# Everything that turns a body and a quote into a QuoteResult: the whole quotes/ package, and
# these modules beside it (paths inside the factcheck package).
MATCHER_PACKAGE = "quotes"
MATCHER_MODULES = ("fetch/decode.py", "models.py")
MATCHER_LIBRARIES = ("selectolax", "pypdf", "rapidfuzz")
_FIELDS = tuple(field.name for field in fields(QuoteResult))


@cache
def matcher_version() -> str:
    """A hash of the matcher's source files and parsing libraries' versions (16 hex digits),
    computed once per process."""
    digest = hashlib.sha256()
    package = resources.files("factcheck")
    quotes = package.joinpath(MATCHER_PACKAGE)
    names = sorted(
        f"{MATCHER_PACKAGE}/{f.name}" for f in quotes.iterdir() if f.name.endswith(".py")
    )
    for name in (*names, *MATCHER_MODULES):
        digest.update(f"\0{name}\0".encode())
        digest.update(package.joinpath(name).read_bytes())
    for library in MATCHER_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{library}=={version}".encode())
    return digest.hexdigest()[:16]


def encode(result: QuoteResult) -> str:
    """`result` as JSON, every field (as `asdict` gives them: QuoteResult holds no containers,
    so the deep copy `asdict` makes, 2/3 of the time on the event loop, is skipped)."""
    return json.dumps({name: getattr(result, name) for name in _FIELDS}, ensure_ascii=False)


def decode(text: str) -> QuoteResult | None:
    """The QuoteResult `encode` wrote, or None when `text` is not one (another shape)."""
    try:
        fields: dict[str, Any] = json.loads(text)
        fields["status"] = QuoteStatus(fields["status"])
        return QuoteResult(**fields)
    except (ValueError, TypeError, KeyError):
        return None


__all__ = ["INDEX", "MATCHER_MODULES", "decode", "encode", "matcher_version"]
