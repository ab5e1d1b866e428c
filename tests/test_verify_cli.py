"""`factcheck verify` end to end: the real CLI against the real fixture site on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run, fixture_claims, run_cli

FAST = ("--allow-private", "--timeout", "1", "--retries", "0")

EXPECTED = {
    "esg-conference": ["ok", "ok"],
    "un-assessment": ["ok"],
    "pishan-contract": ["ok"],
    "moved-report": ["ok"],
    "conclusion-misquoted": ["quote_altered"],
    "quote-not-on-page": ["quote_missing", "quote_missing"],
    "human-rights-law": ["archived"],
    "bot-walls": ["blocked", "blocked"],
    "dead-links": ["broken", "broken", "broken"],
    "server-trouble": ["error", "error", "error"],
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    path = fixture_claims("demo.yaml", tmp_path_factory.mktemp("demo"), site)
    return run_cli("verify", *FAST, "--format", "json", str(path))


def test_every_status_is_reported(demo_run: Run) -> None:
    assert demo_run.statuses() == EXPECTED


def test_failures_exit_1_and_summary_goes_to_stderr(demo_run: Run) -> None:
    assert demo_run.code == 1
    assert demo_run.stderr.splitlines()[-1] == (
        "10 claims, 17 citations: 5 ok, 1 archived, 2 blocked, 3 broken, 3 error, "
        "1 quote altered, 2 quote missing"
    )


def test_verdicts_per_claim(demo_run: Run) -> None:
    verdicts = {c["id"]: c["verdict"] for c in demo_run.json()["claims"]}
    assert verdicts["esg-conference"] == "verified"
    assert verdicts["human-rights-law"] == "verified"
    assert verdicts["bot-walls"] == "unverifiable"
    assert verdicts["conclusion-misquoted"] == "failed"


def citation(run: Run, claim_id: str, index: int = 0) -> dict:  # type: ignore[type-arg]
    claim = next(c for c in run.json()["claims"] if c["id"] == claim_id)
    result: dict = claim["citations"][index]  # type: ignore[type-arg]
    return result


def test_reasons_say_what_to_do(demo_run: Run, site: str) -> None:
    moved = citation(demo_run, "moved-report")
    assert moved["final_url"] == f"{site}/article.html"
    assert moved["reason"] == f"quote found; permanently redirected to {site}/article.html"
    assert moved["suggestion"] == f"update the URL to {site}/article.html"

    archived = citation(demo_run, "human-rights-law")
    assert archived["reason"] == "live URL: HTTP 404 Not Found; the archived copy has every quote"
    assert archived["suggestion"] == (
        f"link the archived copy: {site}/archive/hikvision-human-rights.html"
    )

    assert citation(demo_run, "dead-links", 0)["reason"] == "HTTP 404 Not Found"
    assert citation(demo_run, "dead-links", 1)["reason"] == "HTTP 410 Gone"
    loop = citation(demo_run, "dead-links", 2)["reason"]
    assert loop.startswith("redirect loop after 2 redirects")
    assert citation(demo_run, "bot-walls", 1)["reason"].startswith("HTTP 403: bot challenge")
    assert citation(demo_run, "server-trouble", 2)["reason"].startswith(
        "unsupported content type application/json"
    )


def test_a_misquote_is_never_found(demo_run: Run) -> None:
    misquote = citation(demo_run, "conclusion-misquoted")
    (quote,) = misquote["quotes"]
    assert quote["status"] == "altered"
    assert "did not" in quote["closest"]
    assert misquote["reason"].startswith("quote altered (")


def test_json_shape(demo_run: Run) -> None:
    data = demo_run.json()
    assert data["version"] == 1
    assert set(data["summary"]) >= {"claims", "citations", "statuses"}
    first = data["claims"][0]
    assert set(first) >= {"id", "claim", "file", "line", "verdict", "citations"}
    assert set(first["citations"][0]) >= {
        "url",
        "final_url",
        "http_status",
        "status",
        "reason",
        "archive_url",
        "quotes",
    }
    assert set(first["citations"][0]["quotes"][0]) >= {"text", "status", "score", "closest"}


def test_all_ok_exits_0_and_blocked_is_a_warning_unless_strict(claims_file, site: str) -> None:  # type: ignore[no-untyped-def]
    path = claims_file(
        "claims:\n"
        "  - id: fine\n    claim: ok\n    citations:\n"
        "      - url: http://fixtures.test/notes.txt\n"
        "        quote: Introduction to human rights compliance\n"
        "  - id: walled\n    claim: blocked\n    citations:\n"
        "      - url: http://fixtures.test/status/403\n"
    )
    assert run_cli("verify", *FAST, str(path)).code == 0
    strict = run_cli("verify", *FAST, "--strict", str(path))
    assert strict.code == 1


def test_loopback_is_refused_without_allow_private(claims_file) -> None:  # type: ignore[no-untyped-def]
    path = claims_file(
        "claims:\n  - id: local\n    claim: x\n    citations:\n"
        "      - url: http://fixtures.test/notes.txt\n"
    )
    run = run_cli("verify", "--format", "json", "--retries", "0", str(path))
    assert run.code == 1
    result = run.json()["claims"][0]["citations"][0]
    assert result["status"] == "error"
    assert "loopback address (use --allow-private to allow it)" in result["reason"]


def test_one_request_per_url_however_often_cited(claims_file, site: str) -> None:  # type: ignore[no-untyped-def]
    import httpx

    cite = (
        "    citations:\n      - url: http://fixtures.test/counted/article.html#section\n"
        "        quote: five Xinjiang police projects\n"
    )
    path = claims_file(
        "claims:\n" + "".join(f"  - id: c{i}\n    claim: x\n{cite}" for i in range(3))
    )
    before = httpx.get(f"{site}/_hits").json().get("/counted/article.html", 0)
    run = run_cli("verify", *FAST, "--no-store", "--format", "json", str(path))
    assert run.statuses() == {"c0": ["ok"], "c1": ["ok"], "c2": ["ok"]}
    assert httpx.get(f"{site}/_hits").json()["/counted/article.html"] == before + 1


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("verify", "--no-such-option")
    assert run.code == 2
    assert "Error: No such option '--no-such-option'" in run.stderr
    assert "Usage: factcheck verify" in run.stderr


def test_python_dash_m_and_output_file(claims_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = claims_file(
        "claims:\n  - id: fine\n    claim: ok\n    citations:\n"
        "      - url: http://fixtures.test/report.pdf\n"
        "        quote: deprived of their liberty in XUAR\n"
    )
    out = tmp_path / "report.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "factcheck",
            "verify",
            *FAST,
            "--format",
            "markdown",
            "--output",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.strip().endswith("1 claim, 1 citation: 1 ok")
    report = out.read_text()
    assert "**1 claim, 1 citation: 1 ok**" in report
    assert "/report.pdf#:~:text=deprived%20of%20their%20liberty%20in%20XUAR" in report


def test_demo_shows_every_status() -> None:
    run = run_cli("demo", "--format", "json")
    assert run.code == 0
    assert run.statuses() == EXPECTED


def test_output_into_a_missing_folder_is_refused_before_any_request(
    claims_file,  # type: ignore[no-untyped-def]
    site: str,
    tmp_path: Path,
) -> None:
    import httpx

    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        "      - url: http://fixtures.test/counted/output-check.html\n"
    )
    target = tmp_path / "missing" / "report.json"
    run = run_cli("verify", *FAST, "--output", str(target), str(path))
    assert run.code == 2
    assert run.stderr == f"factcheck: --output {target}: no such folder {target.parent}\n"
    assert "/counted/output-check.html" not in httpx.get(f"{site}/_hits").json()


def test_a_report_repr_stays_short() -> None:
    # asyncio formats the finished task's result when asyncio.run ends: a full dataclass
    # repr of a large report cost 60 MB and seconds at the end of every large run.
    from factcheck.models import Citation, CitationResult, CitationStatus, Claim, ClaimResult
    from factcheck.models import Report as ReportModel

    citation = Citation(url="https://example.org/", quotes=("x" * 500,))
    claims = tuple(
        ClaimResult(
            Claim(f"c{i}", "claim", (citation,), file="f.yaml"),
            (CitationResult(citation, CitationStatus.OK, "quote found"),),
        )
        for i in range(1000)
    )
    assert repr(ReportModel(claims)) == "Report(1000 claims: ok=1000)"
