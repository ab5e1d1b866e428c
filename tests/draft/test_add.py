"""`factcheck add`: the page checked first, the citation added as text, every other byte of the
claim file kept (comments, order, quoting, line endings)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from factcheck.demo.server import PLACEHOLDER, serve_app
from tests.conftest import FIXTURES, Run, run_cli
from tests.draft.site import CAPTURE_TIME, news_site

ARTICLES = FIXTURES / "articles"
TODAY = date.today().isoformat()


@pytest.fixture
def news() -> Iterator[str]:
    with serve_app(news_site(ARTICLES, Counter())) as base:
        yield base


@pytest.fixture
def claims(news: str, tmp_path: Path) -> Path:
    """The hand-reviewed claim file (comments, odd indents, folded text), citing the site."""
    path = tmp_path / "reviewed.yaml"
    text = (ARTICLES / "reviewed.yaml").read_text("utf-8").replace(PLACEHOLDER, news)
    path.write_bytes(text.encode("utf-8"))
    return path


def add(*args: str) -> Run:
    return run_cli("add", *args, "--allow-private")


def inserted_after(before: bytes, after: bytes, line: str) -> bytes:
    """What `after` holds that `before` does not, checking it was inserted whole after the
    line `line` of `before` and that every other byte is the same."""
    at = before.index(line.encode()) + len(line.encode())
    added = len(after) - len(before)
    assert after[:at] == before[:at]
    assert after[at + added :] == before[at:]
    return after[at : at + added]


def test_a_citation_goes_after_the_claims_last_one_and_nothing_else_moves(
    news: str, claims: Path
) -> None:
    before = claims.read_bytes()
    run = add(
        str(claims),
        f"{news}/pages/gauge.html",
        "--claim",
        "inspection-found-cracks",
        "--quote",
        "rose by 4.1 metres",
    )
    assert run.code == 0, run.stderr
    assert run.stderr == (
        f"factcheck: added {news}/pages/gauge.html to claim 'inspection-found-cracks' in {claims}\n"
    )
    added = inserted_after(before, claims.read_bytes(), "# checked by Ann on the phone too\n")
    assert added.decode() == (
        f"      - url: {news}/pages/gauge.html\n"
        "        quote: rose by 4.1 metres\n"
        f"        accessed: {TODAY}\n"
    )
    assert run_cli("lint", str(claims)).code == 0


def test_the_last_claim_of_the_file_takes_it_before_the_closing_comment(
    news: str, claims: Path
) -> None:
    before = claims.read_bytes()
    run = add(str(claims), f"{news}/pages/state.html#top", "--claim", "state-no-record")
    assert run.code == 0, run.stderr
    added = inserted_after(before, claims.read_bytes(), "- no record of any request\n")
    assert added.decode() == (
        f"      - url: {news}/pages/state.html#top\n        accessed: {TODAY}\n"
    )


def test_a_new_claim_goes_last_spaced_as_the_others(news: str, claims: Path) -> None:
    before = claims.read_bytes()
    run = add(
        str(claims),
        f"{news}/pages/jp.html",
        "--new",
        "Engineers knew of the cracks.",
        "--quote",
        "堤防の亀裂は以前から知られていた",
    )
    assert run.code == 0, run.stderr
    added = inserted_after(before, claims.read_bytes(), "- no record of any request\n")
    assert added.decode() == (
        "\n"
        "  - id: engineers-knew-of-the-cracks\n"
        "    claim: Engineers knew of the cracks.\n"
        "    citations:\n"
        f"      - url: {news}/pages/jp.html\n"
        "        quote: 堤防の亀裂は以前から知られていた\n"
        f"        accessed: {TODAY}\n"
    )
    assert run_cli("lint", str(claims)).code == 0


def test_windows_line_endings_stay_windows(news: str, claims: Path) -> None:
    claims.write_bytes(claims.read_bytes().replace(b"\n", b"\r\n"))
    before = claims.read_bytes()
    run = add(str(claims), f"{news}/pages/gauge.html", "--claim", "inspection-found-cracks")
    assert run.code == 0, run.stderr
    added = inserted_after(before, claims.read_bytes(), "on the phone too\r\n")
    assert (
        added == f"      - url: {news}/pages/gauge.html\r\n        accessed: {TODAY}\r\n".encode()
    )


def test_archive_adds_the_capture(news: str, claims: Path) -> None:
    run = add(
        str(claims),
        f"{news}/pages/gauge.html",
        "--claim",
        "state-no-record",
        "--archive",
        "--archive-endpoint",
        news,
    )
    assert run.code == 0, run.stderr
    capture = f"{news}/web/{CAPTURE_TIME}/{news}/pages/gauge.html"
    assert f"        archive_url: {capture}\n" in claims.read_text("utf-8")


def test_a_quote_not_on_the_page_is_refused_and_the_file_untouched(news: str, claims: Path) -> None:
    before = claims.read_bytes()
    run = add(
        str(claims),
        f"{news}/pages/interview.html",
        "--claim",
        "state-no-record",
        "--quote",
        "we were never told about the cracks",
    )
    assert (run.code, run.stderr) == (
        1,
        f"factcheck: {news}/pages/interview.html: quote not on the page (closest 89%: "
        '"We were never warned about the cracks"): "we were never told about the cracks"; '
        "nothing added (--force adds it)\n",
    )
    assert claims.read_bytes() == before


def test_force_adds_it_with_the_reason_as_a_comment(news: str, claims: Path) -> None:
    run = add(str(claims), f"{news}/pages/police.html", "--claim", "state-no-record", "--force")
    assert run.code == 0, run.stderr
    assert (
        f"      - url: {news}/pages/police.html\n"
        "        # added with --force: the page did not answer (HTTP 404 Not Found)\n"
    ) in claims.read_text("utf-8")
    assert run_cli("lint", str(claims)).code == 0


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "claims:\n  - id: x\n    claim: [unclosed\n",
            ("--claim", "x"),
            "{path}:3:12: a '[' opened at line 3, column 12 is never closed",
        ),
        (None, ("--claim", "nope"), "{path}: no claim with id 'nope'"),
        (
            None,
            ("--new", "A claim.", "--id", "state-no-record"),
            "{path}: claim id 'state-no-record' is taken",
        ),
        (None, (), "factcheck: add needs one of --claim ID or --new TEXT"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    news: str, claims: Path, content: str | None, args: tuple[str, ...], message: str
) -> None:
    if content is not None:
        claims.write_text(content)
    before = claims.read_bytes()
    run = add(str(claims), f"{news}/pages/gauge.html", *args)
    assert (run.code, run.stderr) == (2, message.format(path=claims) + "\n")
    assert claims.read_bytes() == before


def test_file_may_be_left_out_when_claims_holds_the_claim(
    news: str, claims: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = claims.parent / "claims"
    folder.mkdir()
    claims.rename(folder / "reviewed.yaml")
    monkeypatch.chdir(claims.parent)
    run = add(f"{news}/pages/gauge.html", "--claim", "state-no-record")
    assert run.code == 0, run.stderr
    assert run.stderr == (
        f"factcheck: added {news}/pages/gauge.html to claim 'state-no-record' in "
        "claims/reviewed.yaml\n"
    )
