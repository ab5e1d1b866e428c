"""`factcheck verify --render`: what only a browser shows, checked as a user runs it, in
the system's headless Chromium against pages served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import Run, run_cli
from tests.render.conftest import needs_chromium

pytestmark = needs_chromium

ARTICLE_QUOTE = "nitrate levels fell by a third over the decade"


def verify(tmp_path: Path, url: str, quote: str | None, *args: str) -> Run:
    """Verify one citation of `url` (its host allowed past the guard) as JSON."""
    quote_line = f"\n        quote: {quote!r}" if quote else ""
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: c\n    claim: c\n    citations:\n      - url: {url}{quote_line}\n",
        encoding="utf-8",
    )
    return run_cli(
        "verify",
        "--allow-host",
        urlsplit(url).netloc,
        "--timeout",
        "5",
        "--retries",
        "0",
        "--no-store",
        "--format",
        "json",
        *args,
        str(claims),
    )


def only(run: Run) -> dict[str, Any]:
    citation: dict[str, Any] = run.json()["claims"][0]["citations"][0]
    return citation


def test_an_article_built_from_json_is_ok_only_when_rendered(tmp_path: Path, pages: str) -> None:
    url = f"{pages}/article-js.html"
    rendered = verify(tmp_path, url, ARTICLE_QUOTE)
    found = only(rendered)
    assert (rendered.code, found["status"]) == (0, "ok")
    assert found["reason"] == "quote found (checked on the rendered page)"
    assert found["quotes"][0]["closest"] == ARTICLE_QUOTE

    static = verify(tmp_path, url, ARTICLE_QUOTE, "--render", "never")
    assert (static.code, only(static)["status"]) == (1, "quote_missing")
    assert "rendered" not in only(static)["reason"]


def test_a_script_writing_the_misquote_does_not_make_it_pass(tmp_path: Path, pages: str) -> None:
    misquote = "growth would reach five percent next year"
    run = verify(tmp_path, f"{pages}/misquote.html", misquote, "--render", "always")
    found = only(run)
    assert (run.code, found["status"]) == (1, "quote_altered")
    assert found["quotes"][0]["closest"] == "growth would reach two percent next year"
    assert found["reason"].endswith(
        "(the rendered page shows the quoted words, written by its scripts; "
        "the page as served says otherwise)"
    )


def test_a_javascript_challenge_is_passed_by_the_browser(tmp_path: Path, challenge: str) -> None:
    quote = "Container traffic through the port rose by eight percent"
    run = verify(tmp_path, f"{challenge}/article", quote)
    found = only(run)
    assert (run.code, found["status"], found["http_status"]) == (0, "ok", 200)
    assert found["reason"] == "quote found (checked on the rendered page)"

    static = verify(tmp_path, f"{challenge}/article", quote, "--render", "never")
    assert (static.code, only(static)["status"]) == (0, "blocked")
    assert only(static)["reason"] == "HTTP 503: bot challenge page ('just a moment...')"


def test_a_challenge_the_browser_cannot_pass_stays_blocked(tmp_path: Path, pages: str) -> None:
    run = verify(tmp_path, f"{pages}/js-challenge", "anything")
    assert (run.code, only(run)["status"]) == (0, "blocked")
    assert only(run)["reason"] == (
        "HTTP 200: bot challenge page ('challenge-platform') "
        "(not rendered: the browser did not pass the challenge either)"
    )


def test_a_page_that_never_settles_is_read_at_the_timeout(tmp_path: Path, pages: str) -> None:
    quote = "approved the new cycle lanes by nine votes to four"
    run = verify(
        tmp_path, f"{pages}/never.html", quote, "--render", "always", "--render-timeout", "2"
    )
    found = only(run)
    assert (run.code, found["status"]) == (0, "ok")
    assert found["reason"] == (
        "quote found (checked on the rendered page; the page did not settle within 2 s: "
        "the text it showed by then was checked)"
    )


@pytest.mark.parametrize("how", ["env", "option"])
def test_without_chromium_auto_keeps_the_static_verdict_with_a_note(
    tmp_path: Path, pages: str, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    missing = str(tmp_path / "no-such-chromium")
    args: tuple[str, ...] = ("--chromium", missing) if how == "option" else ()
    if how == "env":
        monkeypatch.setenv("FACTCHECK_CHROMIUM", missing)
    run = verify(tmp_path, f"{pages}/article-js.html", ARTICLE_QUOTE, *args)
    found = only(run)
    assert (run.code, found["status"]) == (1, "quote_missing")
    named = "--chromium" if how == "option" else "$FACTCHECK_CHROMIUM"
    assert found["reason"] == (
        "quote not found; closest passage 14%: \u201cLoading\u2026\u201d "
        f"({named} {missing}: no such program (or not executable); "
        "rendering needs chromium: apt-get install chromium)"
    )


def test_without_chromium_render_always_is_a_usage_error(
    tmp_path: Path, pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTCHECK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    run = verify(tmp_path, f"{pages}/article-js.html", ARTICLE_QUOTE, "--render", "always")
    assert run.code == 2
    assert run.stderr == (
        f"factcheck: --render always: $FACTCHECK_CHROMIUM {tmp_path / 'no-such-chromium'}: no "
        "such program (or not executable); rendering needs chromium: apt-get install chromium\n"
    )
