"""The github format of a real run: workflow commands on the claim file's lines, escaped by
GitHub's rules, and the markdown report appended to $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from factcheck.demo.server import PLACEHOLDER
from factcheck.models import Report
from factcheck.report.github import escape_data, escape_property
from factcheck.report.output import append_step_summary
from tests.conftest import DEMO, ROOT, Run, run_cli
from tests.report.test_report_markdown import FAST

CLAIM_FILE = "demo,v2: copy.yaml"  # a comma and a colon, which properties must escape
FILE_PROPERTY = "demo%2Cv2%3A copy.yaml"


def line_of(needle: str) -> int:
    text = (DEMO / "claims" / "demo.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(text, 1) if needle in line)


@pytest.fixture
def run(tmp_path: Path, site: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Run, Path]:
    text = (DEMO / "claims" / "demo.yaml").read_text(encoding="utf-8")
    (tmp_path / CLAIM_FILE).write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
    summary = tmp_path / "step_summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return run_cli("verify", *FAST, "--format", "github", CLAIM_FILE), summary


def test_failures_are_errors_on_their_lines(run: tuple[Run, Path], site: str) -> None:
    out = run[0].stdout.replace(site, PLACEHOLDER).splitlines()
    line = line_of("fixtures.test/status/410")
    assert (
        f"::error file={FILE_PROPERTY},line={line},title=dead-links%3A broken::"
        "http://fixtures.test/status/410: HTTP 410 Gone%0Afix: find the page's new address, "
        "or add an archive_url to an archived copy"
    ) in out
    line = line_of("fixtures.test/status/403")
    assert (
        f"::warning file={FILE_PROPERTY},line={line},title=bot-walls%3A blocked::"
        "http://fixtures.test/status/403: HTTP 403 Forbidden: the site refused the request"
        "%0Afix: check by hand in a browser; add an archive_url so CI can verify the quote"
    ) in out
    assert [o.split(" ", 1)[0] for o in out].count("::error") == 9
    assert [o.split(" ", 1)[0] for o in out].count("::warning") == 2
    assert [o.split(" ", 1)[0] for o in out].count("::notice") == 2  # archived, moved
    assert not [o for o in out if "esg-conference" in o]


def test_blocked_sources_are_errors_under_strict(tmp_path: Path, site: str) -> None:
    text = (DEMO / "claims" / "demo.yaml").read_text(encoding="utf-8")
    path = tmp_path / "demo.yaml"
    path.write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
    out = run_cli("verify", *FAST, "--strict", "--format", "github", str(path)).stdout
    blocked = [line for line in out.splitlines() if "bot-walls%3A blocked" in line]
    assert len(blocked) == 2
    assert all(line.startswith("::error ") for line in blocked)


def test_percent_in_messages_is_escaped(run: tuple[Run, Path], site: str) -> None:
    altered = next(o for o in run[0].stdout.splitlines() if "conclusion-misquoted" in o)
    message = altered.split("::", 2)[2]
    assert re.match(
        re.escape(site) + r"/article\.html: quote altered \(\d+%25\): the page says", message
    )


def test_markdown_report_is_appended_to_the_step_summary(run: tuple[Run, Path]) -> None:
    result, summary = run
    assert result.code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## earlier step\n# Verification report\n\n**10 claims, 17 citations")
    assert "### dead-links: ❌ failed" in text
    assert result.stderr.splitlines()[-1].startswith("10 claims, 17 citations: 5 ok")


def test_no_step_summary_when_the_variable_is_unset() -> None:
    assert append_step_summary(Report(claims=()), environ={}) is False


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("claims/x,y: z%.yaml\n") == "claims/x%2Cy%3A z%25.yaml%0A"


def test_action_runs_verify_with_the_github_format() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    last = action["runs"]["steps"][-1]["run"]
    assert (
        'factcheck verify --format github "${strict[@]}" "${since[@]}" $FACTCHECK_ARGS '
        "$FACTCHECK_PATHS" in last
    )
    inputs = {"paths", "strict", "changed-since", "args", "python-version"}
    assert set(action["inputs"]) == inputs


def test_pre_commit_hook_runs_lint_on_claim_files(tmp_path: Path, site: str) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "factcheck lint" and hook["language"] == "python"
    assert re.search(hook["files"], "claims/hikvision-prosper.yaml")
    text = (DEMO / "claims" / "demo.yaml").read_text(encoding="utf-8")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
    bad.write_text(text.replace("quote:", "qoute:", 1), encoding="utf-8")
    assert run_cli(*hook["entry"].split()[1:], str(good)).code == 0
    assert run_cli(*hook["entry"].split()[1:], str(good), str(bad)).code == 2
