"""Pages read as a browser shows them, quotes as reporters copy them: `factcheck verify` on
fixture pages (fixtures/reader/) served on 127.0.0.1, every pattern with a quote that must pass
and one that must not (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from factcheck.demo.server import serve
from tests.conftest import FIXTURES, Run, run_cli

READER = FIXTURES / "reader"
FAST = ("--allow-private", "--timeout", "2", "--retries", "0", "--no-store", "--workers", "1")
PUNCTUATION = "punctuation differs"
HIDDEN = "found in text hidden until shown"
SCRIPTS = "found in text the page shows only through its scripts"

# id: (page, quote, status ("not ok": altered or missing), text the reason must contain)
CASES: dict[str, tuple[str, str, str, str | None]] = {
    # <noscript> is raw text with scripting on: the article stays, the fallback is not shown
    "noscript-article": (
        "noscript-wrapper.html",
        "The council approved the new footbridge on Tuesday after a long debate.",
        "ok",
        None,
    ),
    "noscript-article-misquoted": (
        "noscript-wrapper.html",
        "The council approved the new footbridge on Monday after a long debate.",
        "quote_altered",
        None,
    ),
    "noscript-fallback": (
        "noscript-wrapper.html",
        "Please turn on JavaScript to read the attachments.",
        "quote_missing",
        None,
    ),
    # ruby readings are not part of the sentence
    "ruby": ("ruby.html", "市役所は新しい橋を作ります", "ok", None),
    "ruby-reading": ("ruby.html", "市役所しやくしょは", "quote_missing", None),
    # element boundaries with no space: an optional space, a word boundary at the ends
    "badge-headline": ("glued.html", "Police Identify Man Found Near River", "ok", None),
    "badge-and-headline": ("glued.html", "Updated Police Identify Man", "ok", None),
    "headline-misquoted": (
        "glued.html",
        "Police Identify Woman Found Near River",
        "quote_altered",
        None,
    ),
    "flex-items": ("glued.html", "291kcal Carbohydrates: 31g", "ok", None),
    "flex-items-number": ("glued.html", "291kcal Carbohydrates: 13g", "quote_altered", None),
    "headline-and-source": (
        "glued.html",
        "What Readers Think of the New Timetable",
        "ok",
        None,
    ),
    "headline-word-cut": ("glued.html", "What Readers Think of the New Timetab", "not ok", None),
    "word-in-inline-tags": ("glued.html", "the problem was fixed by noon", "ok", None),
    "word-split-in-a-text-node": ("glued.html", "Police Ident ify Man", "not ok", None),
    # punctuation between words is not wording; words, numbers and negations are
    "trailing-punctuation": (
        "punctuation.html",
        "We will finish the tunnel before the next election.",
        "ok",
        "punctuation differs: ',' on the page where the quote has '.'",
    ),
    "missing-comma": (
        "punctuation.html",
        "The plant will close in June with the loss of 300 jobs.",
        "ok",
        "punctuation differs: ',' on the page, not in the quote",
    ),
    "own-quote-marks": ("punctuation.html", '"We will not raise income tax"', "ok", PUNCTUATION),
    "space-at-quote-mark": (
        "punctuation.html",
        "blamed on \u201ctechnical challenges and supply delays \u201d.",
        "ok",
        None,
    ),
    "negation-dropped": ("punctuation.html", '"We will raise income tax"', "quote_altered", None),
    "word-changed": (
        "punctuation.html",
        "We will finish the tunnel after the next election.",
        "quote_altered",
        None,
    ),
    "4.5-is-not-45": ("punctuation.html", "Growth was 45 percent last year", "not ok", None),
    "45-is-not-4.5": (
        "punctuation.html",
        "Growth was 4. 5 percent last year",
        "quote_altered",
        None,
    ),
    "1,500-is-not-1-500": ("punctuation.html", "and 1 500 homes were built", "quote_altered", None),
    "1,500-is-not-1.500": ("punctuation.html", "and 1.500 homes were built", "quote_altered", None),
    "1,500-is-not-1": ("punctuation.html", "last year and 1", "quote_altered", None),
    # hidden until shown, and built by scripts: found with a note, never over what is shown
    "hidden-slide": (
        "hidden-slide.html",
        "The second slide shows the flooded market square at dawn.",
        "ok",
        HIDDEN,
    ),
    "visible-altered-hidden-exact": (
        "hidden-slide.html",
        "The mayor said the river would flood the town again.",
        "quote_altered",
        "an exact copy is in text the page does not show",
    ),
    "comment": (
        "hidden-slide.html",
        "The budget for the flood wall was secretly doubled.",
        "quote_missing",
        None,
    ),
    "template": (
        "hidden-slide.html",
        "The stadium will be demolished next spring.",
        "quote_missing",
        None,
    ),
    "json-data-blob": (
        "script-built.html",
        'The tram line will open in 2027, "if funding holds", officials said.',
        "ok",
        SCRIPTS,
    ),
    "json-ld-article-body": (
        "script-built.html",
        "The new ferry route will carry 2,000 passengers a day",
        "ok",
        SCRIPTS,
    ),
    "json-data-blob-misquoted": (
        "script-built.html",
        "The tram line will open in 2026, if funding holds, officials said.",
        "quote_missing",
        None,
    ),
    "string-in-script-code": (
        "script-built.html",
        "The tram line will never open, critics said.",
        "quote_missing",
        None,
    ),
    # editorial marks
    "pure-insertion-in-a-word": ("editorial.html", "the [fire]walls held firm", "ok", None),
    "transcript-gap": (
        "editorial.html",
        "I think [unintelligible] we should wait for the survey",
        "ok",
        None,
    ),
    "transcript-gap-negated": (
        "editorial.html",
        "I think (inaudible) we should not wait for the survey",
        "quote_altered",
        None,
    ),
    # a refresh in a conditional comment, a periodic reload, a reload of the same page
    "refresh-in-conditional-comment": (
        "refresh-ie.html",
        "The harbour will reopen to ferries in the first week of May.",
        "ok",
        None,
    ),
    "refresh-target-not-read": (
        "refresh-ie.html",
        "Your browser is no longer supported by this site.",
        "quote_missing",
        None,
    ),
    "refresh-long-delay": (
        "refresh-reload.html",
        "The home side scored twice in the last ten minutes.",
        "ok",
        None,
    ),
    "refresh-long-delay-url": (
        "refresh-reload-url.html",
        "Polls close at eight in the evening across the region.",
        "ok",
        None,
    ),
    "refresh-same-page": (
        "refresh-same-page.html",
        "The ticker reloads itself every few seconds with new prices.",
        "ok",
        None,
    ),
}


@pytest.fixture(scope="module")
def reader_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One `factcheck verify` over every case, one claim (one citation) each."""
    folder = tmp_path_factory.mktemp("reader")
    with serve(READER) as base:
        claims = [
            {"id": name, "claim": name, "citations": [{"url": f"{base}/{page}", "quote": quote}]}
            for name, (page, quote, _, _) in CASES.items()
        ]
        path = folder / "reader.yaml"
        path.write_text(yaml.safe_dump({"claims": claims}, allow_unicode=True), encoding="utf-8")
        return run_cli("verify", *FAST, "--format", "json", str(path))


def result_of(run: Run, name: str) -> dict[str, Any]:
    claim = next(c for c in run.json()["claims"] if c["id"] == name)
    found: dict[str, Any] = claim["citations"][0]
    return found


@pytest.mark.parametrize("name", CASES)
def test_each_pattern_reads_as_a_browser_shows_it(reader_run: Run, name: str) -> None:
    page, _, status, reason = CASES[name]
    result = result_of(reader_run, name)
    if status == "not ok":  # altered or missing: the closest passage decides which
        assert result["status"] in ("quote_altered", "quote_missing"), result
    else:
        assert result["status"] == status, result
    if reason is not None:
        assert reason in result["reason"], result
    assert result["final_url"].endswith(f"/{page}"), result  # no refresh was followed


def test_found_where_the_page_does_not_show_it_has_no_link_and_a_note(reader_run: Run) -> None:
    for name, note in (("hidden-slide", HIDDEN), ("json-data-blob", SCRIPTS)):
        result = result_of(reader_run, name)
        assert result["quotes"][0]["status"] == "found"
        assert result["quotes"][0]["fragment_url"] is None
        assert result["reason"].startswith(f"quote found ({note}")
    # the page shows nothing but an empty root: the note says it is rendered by JavaScript
    assert "rendered by JavaScript" in result_of(reader_run, "json-data-blob")["reason"]


def test_the_punctuation_note_is_in_every_report_format(tmp_path: Path) -> None:
    with serve(READER) as base:
        claim = {
            "id": "trailing",
            "claim": "the tunnel",
            "citations": [
                {"url": f"{base}/punctuation.html", "quote": CASES["trailing-punctuation"][1]}
            ],
        }
        path = tmp_path / "one.yaml"
        path.write_text(yaml.safe_dump({"claims": [claim]}), encoding="utf-8")
        outputs = {
            kind: run_cli("verify", *FAST, "--format", kind, str(path))
            for kind in ("table", "markdown", "html", "json", "junit", "github")
        }
    for kind, run in outputs.items():
        assert run.code == 0, (kind, run.stdout, run.stderr)
        assert "punctuation differs" in run.stdout, (kind, run.stdout)


def test_a_meta_refresh_to_another_host_is_followed_through_the_guard(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "moved.html").write_text(
        "<html><body><p>The archive moved to its new home in March.</p></body></html>",
        encoding="utf-8",
    )
    with serve(target, host="127.0.0.2") as other:
        first = tmp_path / "first"
        first.mkdir()
        (first / "old.html").write_text(
            '<html><head><meta http-equiv="refresh" content="0; url='
            f'{other}/moved.html"></head><body><p>This page has moved.</p></body></html>',
            encoding="utf-8",
        )
        with serve(first) as base:
            claim = {
                "id": "moved",
                "claim": "moved",
                "citations": [
                    {"url": f"{base}/old.html", "quote": "The archive moved to its new home"}
                ],
            }
            path = tmp_path / "moved.yaml"
            path.write_text(yaml.safe_dump({"claims": [claim]}), encoding="utf-8")
            allowed = run_cli("verify", *FAST, "--format", "json", str(path))
            port = base.rsplit(":", 1)[1]
            guarded = run_cli(
                "verify", "--allow-host", f"127.0.0.1:{port}", *FAST[1:], "--format", "json",
                str(path),
            )  # fmt: skip
    assert (allowed.code, result_of(allowed, "moved")["status"]) == (0, "ok")
    assert result_of(allowed, "moved")["final_url"] == f"{other}/moved.html"
    refused = result_of(guarded, "moved")
    assert (guarded.code, refused["status"]) == (1, "error"), refused
    assert refused["reason"].startswith("refused"), refused
