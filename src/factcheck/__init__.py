"""factcheck: check that every cited source still works and still says what is quoted.

The library core: `load_claims(paths)` then `verify(files, options) -> Report`; it never
prints and never exits. `factcheck.cli` is the thin command line on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factcheck.errors import (
    ClaimFileError,
    ClaimFilesError,
    FactcheckError,
    NetworkUnreachableError,
)
from factcheck.models import (
    Citation,
    CitationResult,
    CitationStatus,
    Claim,
    ClaimFile,
    ClaimResult,
    QuoteResult,
    QuoteStatus,
    Report,
    Verdict,
    VerifyOptions,
)
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.claims.files import load_claims
    from factcheck.verify import verify

__all__ = [
    "Citation",
    "CitationResult",
    "CitationStatus",
    "Claim",
    "ClaimFile",
    "ClaimFileError",
    "ClaimFilesError",
    "ClaimResult",
    "FactcheckError",
    "NetworkUnreachableError",
    "QuoteResult",
    "QuoteStatus",
    "Report",
    "Verdict",
    "VerifyOptions",
    "__version__",
    "load_claims",
    "verify",
]


def __getattr__(name: str) -> Any:
    # Heavy modules (aiohttp, yaml) load on first use, so `factcheck --help` is quick.
    if name == "verify":
        from factcheck.verify import verify

        return verify
    if name == "load_claims":
        from factcheck.claims.files import load_claims

        return load_claims
    raise AttributeError(f"module 'factcheck' has no attribute {name!r}")
