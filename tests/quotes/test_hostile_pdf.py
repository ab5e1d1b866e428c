"""PDFs built to break the reader (fixtures/make_hostile.py): each ends as that citation's
`error` with a reason, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from factcheck.quotes.extract import UnreadableContentError, extract
from tests.conftest import FIXTURES, run_cli
from tests.hostile_site import hostile_site

HOSTILE = FIXTURES / "hostile"
REASONS = {
    "unknown-handler.pdf": "unreadable PDF: not supported by the PDF reader "
    "(only Standard PDF encryption handler is available)",
    "encryption-v7.pdf": "unreadable PDF: not supported by the PDF reader "
    "(Encryption V=7 NOT supported)",
    "flate-bomb.pdf": "unreadable PDF: too large once decompressed",
}


@pytest.mark.parametrize("name", sorted(REASONS))
def test_a_hostile_pdf_is_unreadable_with_a_reason(name: str) -> None:
    with pytest.raises(UnreadableContentError) as raised:
        extract((HOSTILE / name).read_bytes(), "application/pdf")
    assert str(raised.value).startswith(REASONS[name])


def test_garbage_that_claims_to_be_a_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableContentError, match="^unreadable PDF: "):
        extract(b"%PDF-1.7\n" + bytes(range(256)) * 8, "application/pdf")


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with hostile_site() as base:
        yield base


def test_every_hostile_pdf_is_its_citations_error(tmp_path: Path, hostile: str) -> None:
    names = sorted(REASONS)
    citations = "".join(
        f"      - url: {hostile}/file/{name}\n        quote: a quote\n" for name in names
    )
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: c\n    claim: x\n    citations:\n{citations}")
    run = run_cli("verify", "--allow-host", urlsplit(hostile).netloc, "--format", "json", str(path))
    assert run.code == 1
    found = run.json()["claims"][0]["citations"]
    assert [
        (c["status"], c["reason"][: len(REASONS[n])]) for c, n in zip(found, names, strict=True)
    ] == [("error", REASONS[n]) for n in names]
    assert "Traceback" not in run.stderr
