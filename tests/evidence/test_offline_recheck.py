"""`--offline`: the last verdicts again from the stored snapshots, with no server running."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from factcheck.demo.server import serve_app
from tests.conftest import run_cli
from tests.snapshot_site import conditional_site, write_claims

ARTICLE = (
    "<html><body><p>The council approved the budget on Tuesday.</p>"
    "<p>Turnout was 41 percent.</p></body></html>"
)


def _online_then_offline(tmp_path: Path) -> tuple[Path, list[list[str]], str]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "article.html").write_text(ARTICLE, encoding="utf-8")
    with serve_app(conditional_site(folder)) as base:
        claims = write_claims(
            tmp_path / "claims.yaml",
            [
                (f"{base}/article.html", ["approved the budget on Tuesday"]),
                (f"{base}/article.html", ["Turnout was 52 percent"]),
                (f"{base}/gone.html", []),
            ],
        )
        online = run_cli("verify", str(claims), "--allow-private", "--format", "json")
    assert online.code == 1
    return claims, [list(s) for s in online.statuses().values()], base


def test_offline_reproduces_the_last_verdicts_with_the_server_gone(tmp_path: Path) -> None:
    claims, statuses, _ = _online_then_offline(tmp_path)
    assert statuses == [["ok"], ["quote_altered"], ["broken"]]

    offline = run_cli("verify", str(claims), "--offline", "--format", "json")
    assert offline.code == 1
    assert [list(s) for s in offline.statuses().values()] == statuses
    today = datetime.now(UTC).date().isoformat()
    reasons = [c["citations"][0]["reason"] for c in offline.json()["claims"]]
    assert reasons[0] == f"quote found (offline: snapshot of {today})"
    assert reasons[2] == f"HTTP 404 Not Found (offline: snapshot of {today})"
    assert all(r.endswith(f"(offline: snapshot of {today})") for r in reasons)


def test_offline_citation_never_stored_is_an_error_saying_so(tmp_path: Path) -> None:
    claims, _, base = _online_then_offline(tmp_path)
    claims.write_text(
        claims.read_text(encoding="utf-8")
        + (
            "  - id: new-claim\n    claim: New\n    citations:\n"
            f"      - url: {base}/never-fetched.html\n"
        ),
        encoding="utf-8",
    )
    offline = run_cli("verify", str(claims), "--offline", "--format", "json")
    citation = offline.json()["claims"][3]["citations"][0]
    assert citation["status"] == "error"
    assert citation["reason"] == "offline: no stored snapshot of this URL (run once online first)"


def test_offline_without_a_store_is_a_usage_error(tmp_path: Path) -> None:
    claims = write_claims(tmp_path / "claims.yaml", [("http://example.test/a.html", [])])
    run = run_cli("verify", str(claims), "--offline")
    assert run.code == 2
    assert run.stderr == (
        "factcheck: --offline needs a snapshot store; none at .factcheck "
        "(run once online, or pass --store)\n"
    )
