"""Drift: a quote found in an earlier snapshot and gone now is reported with both dates."""

from __future__ import annotations

import shlex
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Run, run_cli
from tests.snapshot_site import write_claims, write_site

QUOTE = "approved the budget on Tuesday"
ARTICLE = (
    "<html><body><p>The council approved the budget on Tuesday by seven votes to two."
    "</p><p>Turnout was 41 percent.</p></body></html>"
)
EARLIER = "2026-10-02T08:30:00Z"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"article.html": ARTICLE})


def _first_run_on(day: str, claims: Path, store: Path) -> None:
    """Run once, then date that run's snapshots and checks to `day` (as if run back then)."""
    assert run_cli("verify", str(claims), "--allow-private", "--store", str(store)).code == 0
    with sqlite3.connect(store / "index.sqlite") as db:
        db.execute("UPDATE snapshots SET fetched_at = ?, last_seen_at = ?", (day, day))
        db.execute("UPDATE quote_checks SET checked_at = ?", (day,))


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_dropped_quote_is_drift_with_both_dates_and_the_stored_copy(
    tmp_path: Path, pages: Path, live: str
) -> None:
    url = f"{live}/article.html"
    claims = write_claims(tmp_path / "claims.yaml", [(url, [QUOTE])])
    store = tmp_path / "store"
    _first_run_on(EARLIER, claims, store)
    (pages / "article.html").write_text(
        "<html><body><p>The budget vote was postponed.</p></body></html>", encoding="utf-8"
    )

    run = run_cli(
        "verify", str(claims), "--allow-private", "--store", str(store), "--format", "json"
    )
    assert run.code == 1
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "quote_missing"
    assert citation["reason"].startswith(f"quote found 2026-10-02, missing since {_today()}; ")
    assert citation["suggestion"] == (
        f"the stored copy of 2026-10-02 has the quote: factcheck snapshots export --url {url} "
        f"--warc FILE --store {store}; or add an archive_url"
    )

    # the offered command, run as printed from the same folder, exports the copy with the words
    out = tmp_path / "evidence.warc.gz"
    assert run_printed_fix(citation["suggestion"], out, cwd=claims.parent).code == 0
    with open(out, "rb") as fh:
        bodies = [
            r.content_stream().read() for r in ArchiveIterator(fh) if r.rec_type == "response"
        ]
    assert len(bodies) == 2
    assert b"approved the budget on Tuesday" in bodies[0]
    assert b"approved the budget" not in bodies[1]


def run_printed_fix(suggestion: str, out: Path, cwd: Path) -> Run:
    """The `factcheck ...` command of a suggestion, run as printed with FILE set to `out`."""
    command = shlex.split(suggestion.split(": ", 1)[1].split(";")[0])
    assert command[:3] == ["factcheck", "snapshots", "export"]
    return run_cli(*[str(out) if arg == "FILE" else arg for arg in command[1:]], cwd=cwd)


def test_the_printed_fix_needs_no_store_option_when_the_project_finds_the_store(
    tmp_path: Path, pages: Path, live: str
) -> None:
    url = f"{live}/article.html?q=1&r=2"  # '&' would end a shell command: the URL is quoted
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    claims = write_claims(project / "claims.yaml", [(url, [QUOTE])])
    _first_run_on(EARLIER, claims, project / ".factcheck")
    (pages / "article.html").write_text("<html><body><p>Postponed.</p></body></html>")
    run = run_cli("verify", str(claims), "--allow-private", "--format", "json", cwd=project)
    suggestion = run.json()["claims"][0]["citations"][0]["suggestion"]
    assert f"export --url '{url}' --warc FILE;" in suggestion
    out = tmp_path / "evidence.warc.gz"
    assert run_printed_fix(suggestion, out, cwd=project).code == 0
    assert out.stat().st_size > 0


def test_drift_keeps_its_first_missing_date_on_later_runs(
    tmp_path: Path, pages: Path, live: str
) -> None:
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/article.html", [QUOTE])])
    store = tmp_path / "store"
    _first_run_on(EARLIER, claims, store)
    (pages / "article.html").write_text("<p>Postponed.</p>", encoding="utf-8")
    assert run_cli("verify", str(claims), "--allow-private", "--store", str(store)).code == 1
    with sqlite3.connect(store / "index.sqlite") as db:
        db.execute(
            "UPDATE quote_checks SET checked_at = ? WHERE status != 'found'",
            ("2026-11-28T10:00:00Z",),
        )

    run = run_cli(
        "verify", str(claims), "--allow-private", "--store", str(store), "--format", "json"
    )
    reason = run.json()["claims"][0]["citations"][0]["reason"]
    assert reason.startswith("quote found 2026-10-02, missing since 2026-11-28; ")


def test_page_changed_around_the_quote_is_still_ok_and_noted(
    tmp_path: Path, pages: Path, live: str
) -> None:
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/article.html", [QUOTE])])
    store = tmp_path / "store"
    _first_run_on(EARLIER, claims, store)
    (pages / "article.html").write_text(
        ARTICLE.replace("41 percent", "43 percent"), encoding="utf-8"
    )

    run = run_cli(
        "verify", str(claims), "--allow-private", "--store", str(store), "--format", "json"
    )
    assert run.code == 0
    citation = run.json()["claims"][0]["citations"][0]
    assert citation["status"] == "ok"
    assert citation["reason"] == (
        "quote found; the page changed since the snapshot of 2026-10-02, the quotes are unaffected"
    )


def test_unchanged_page_has_no_drift_note(tmp_path: Path, live: str) -> None:
    claims = write_claims(tmp_path / "claims.yaml", [(f"{live}/article.html", [QUOTE])])
    store = tmp_path / "store"
    _first_run_on(EARLIER, claims, store)
    run = run_cli(
        "verify", str(claims), "--allow-private", "--store", str(store), "--format", "json"
    )
    assert run.json()["claims"][0]["citations"][0]["reason"] == "quote found"


def test_quote_never_found_is_not_called_drift(tmp_path: Path, live: str) -> None:
    claims = write_claims(
        tmp_path / "claims.yaml", [(f"{live}/article.html", ["rejected the budget"])]
    )
    store = tmp_path / "store"
    for _ in range(2):
        run = run_cli(
            "verify", str(claims), "--allow-private", "--store", str(store), "--format", "json"
        )
        assert run.code == 1
        assert "missing since" not in run.json()["claims"][0]["citations"][0]["reason"]
