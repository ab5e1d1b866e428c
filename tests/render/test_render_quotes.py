"""A quote on a rendered page is checked as on a fetched page (`pagecheck.check_text`):
punctuation forgiven with a note, a quote only in what the browser did not render found with
the hidden-text note, and a changed word never passed. Real headless Chromium, pages on
127.0.0.1, the CLI run as a user runs it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Run, run_cli
from tests.render.conftest import needs_chromium
from tests.render.test_render_cli import only, verify

pytestmark = needs_chromium

RENDERED = "checked on the rendered page"


def test_a_punctuation_difference_is_ok_with_its_note(tmp_path: Path, pages: str) -> None:
    quote = "nitrate levels fell, by a third, over the decade."
    run = verify(tmp_path, f"{pages}/article-js.html", quote)
    found = only(run)
    assert (run.code, found["status"]) == (0, "ok")
    assert found["reason"] == (
        f"quote found (punctuation differs: the quote has ', .' where the page has none) "
        f"({RENDERED})"
    )


@pytest.mark.parametrize(
    "quote",
    [
        "nitrate levels fell by a half over the decade",
        "nitrate levels rose by a third over the decade",
        "nitrate levels fell, by a third, over the century.",
    ],
)
def test_a_changed_word_on_a_rendered_page_is_not_found(
    tmp_path: Path, pages: str, quote: str
) -> None:
    run = verify(tmp_path, f"{pages}/article-js.html", quote)
    assert (run.code, only(run)["status"]) == (1, "quote_altered"), run.stdout
    assert RENDERED in only(run)["reason"]


def test_a_quote_in_a_collapsed_section_is_found_with_the_hidden_note(
    tmp_path: Path, pages: str
) -> None:
    quote = "The council voted to close the Elm Street depot by the end of the year."
    run = verify(tmp_path, f"{pages}/collapsed.html", quote)
    found = only(run)
    assert (run.code, found["status"]) == (0, "ok"), run.stdout
    assert found["reason"] == f"quote found (found in text hidden until shown) ({RENDERED})"
    assert found["quotes"][0]["fragment_url"] is None  # no link into text a reader must open


def test_hidden_text_never_overrides_the_passage_in_sight(tmp_path: Path, pages: str) -> None:
    run = verify(tmp_path, f"{pages}/collapsed.html", "growth would reach five percent next year")
    found = only(run)
    assert (run.code, found["status"]) == (1, "quote_altered"), run.stdout
    assert found["quotes"][0]["closest"] == "Growth would reach two percent next year"


def stored(tmp_path: Path, url: str, quote: str, *args: str) -> Run:
    """Verify one citation of `url` with a snapshot store in `tmp_path`, as JSON."""
    claims = tmp_path / "claims.yaml"
    citation = f"      - url: {url}\n        quote: {quote!r}\n"
    claims.write_text(f"claims:\n  - id: c\n    claim: c\n    citations:\n{citation}")
    return run_cli(
        "verify", "--allow-host", urlsplit(url).netloc, "--retries", "0", "--format", "json",
        "--store", str(tmp_path / "store"), *args, str(claims),
    )  # fmt: skip


def test_offline_re_checks_the_hidden_text_it_kept(
    tmp_path: Path, pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote = "The council voted to close the Elm Street depot by the end of the year."
    url = f"{pages}/collapsed.html"
    online = stored(tmp_path, url, quote)
    assert (online.code, only(online)["status"]) == (0, "ok"), online.stdout
    (warc,) = (tmp_path / "store" / "warc").glob("*-rendered.warc.gz")
    with warc.open("rb") as fh:
        kept = [
            record.content_stream().read().decode("utf-8")
            for record in ArchiveIterator(fh)
            if record.rec_headers.get_header("Factcheck-Text") == "hidden"
        ]
    assert len(kept) == 1 and quote in kept[0]

    monkeypatch.setenv("FACTCHECK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    offline = stored(tmp_path, url, quote, "--offline")
    found = only(offline)
    assert (offline.code, found["status"]) == (0, "ok"), offline.stdout
    assert found["reason"].startswith(
        f"quote found (found in text hidden until shown) ({RENDERED}) (offline: "
    )
