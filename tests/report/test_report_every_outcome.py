"""A report on every outcome: with --output (and on stdout for the machine formats), a run
refused for invalid input (exit 2) or one that could not run (exit 3) still writes its
report, listing the problems, so a CI step that publishes it has something to publish."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import run_cli
from tests.test_interrupt import closed_port
from tests.test_schemas import errors as schema_errors

UNKNOWN_KEY = (
    "claims:\n  - id: a\n    claim: x\n    citations:\n"
    "      - url: https://example.org/\n        qoute: y\n"
)
TAB = "claims:\n  - id: b\n\tclaim: x\n"


def invalid_project(tmp_path: Path) -> Path:
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.yaml").write_text(UNKNOWN_KEY, encoding="utf-8")
    (tmp_path / "claims" / "b.yaml").write_text(TAB, encoding="utf-8")
    return tmp_path


UNKNOWN_KEY_MESSAGE = (
    "unknown key 'qoute' in citation (did you mean 'quote'?); "
    "allowed: url, quote, quotes, archive_url, note, accessed"
)


def test_invalid_input_writes_the_json_report_with_every_error(tmp_path: Path) -> None:
    project = invalid_project(tmp_path)
    run = run_cli("verify", "--format", "json", "--output", "r.json", cwd=project)
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"claims/a.yaml:6: {UNKNOWN_KEY_MESSAGE}",
        "claims/b.yaml:3:1: a tab at line 3, column 1: indent with spaces",
    ]
    document = json.loads((project / "r.json").read_text(encoding="utf-8"))
    assert schema_errors("report.schema.json", document) == []
    assert document["claims"] == []
    assert document["errors"] == [
        {
            "file": "claims/a.yaml",
            "line": 6,
            "column": None,
            "message": UNKNOWN_KEY_MESSAGE,
            "exit_code": 2,
        },
        {
            "file": "claims/b.yaml",
            "line": 3,
            "column": 1,
            "message": "a tab at line 3, column 1: indent with spaces",
            "exit_code": 2,
        },
    ]


def test_invalid_input_is_one_junit_error_testcase_per_problem(tmp_path: Path) -> None:
    project = invalid_project(tmp_path)
    run = run_cli("verify", "--format", "junit", "--output", "factcheck.xml", cwd=project)
    assert run.code == 2
    root = ET.parse(project / "factcheck.xml").getroot()
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("2", "2", "0")
    cases = root.findall("./testsuite/testcase")
    assert [(c.get("file"), c.get("line")) for c in cases] == [
        ("claims/a.yaml", "6"),
        ("claims/b.yaml", "3"),
    ]
    assert [c.find("error").get("message") for c in cases] == [  # type: ignore[union-attr]
        f"claims/a.yaml:6: {UNKNOWN_KEY_MESSAGE}",
        "claims/b.yaml:3:1: a tab at line 3, column 1: indent with spaces",
    ]


def test_invalid_input_is_annotated_in_the_github_format(tmp_path: Path) -> None:
    project = invalid_project(tmp_path)
    run = run_cli("verify", "--format", "github", cwd=project)
    assert run.code == 2
    assert run.stdout.splitlines() == [
        "::error file=claims/a.yaml,line=6,title=invalid input::unknown key 'qoute' in citation "
        "(did you mean 'quote'?); allowed: url, quote, quotes, archive_url, note, accessed",
        "::error file=claims/b.yaml,line=3,col=1,title=invalid input::a tab at line 3, "
        "column 1: indent with spaces",
    ]


def test_the_table_goes_to_the_output_file_too(tmp_path: Path) -> None:
    project = invalid_project(tmp_path)
    run = run_cli("verify", "--output", "report.txt", cwd=project)
    assert run.code == 2
    assert (project / "report.txt").read_text(encoding="utf-8").splitlines() == [
        "nothing checked:",
        f"  claims/a.yaml:6: {UNKNOWN_KEY_MESSAGE}",
        "  claims/b.yaml:3:1: a tab at line 3, column 1: indent with spaces",
    ]
    without = run_cli("verify", cwd=project)  # no --output: the lines are on stderr only
    assert (without.code, without.stdout) == (2, "")


def test_a_store_problem_is_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: https://example.org/\n",
        encoding="utf-8",
    )
    run = run_cli("verify", "--store", "/proc/nope", "--format", "json", "c.yaml", cwd=tmp_path)
    assert run.code == 2
    assert run.json()["errors"] == [
        {
            "file": None,
            "line": None,
            "column": None,
            "message": "cannot create the snapshot store /proc/nope: no such file or directory",
            "exit_code": 2,
        }
    ]


def test_an_unreachable_network_writes_the_report_and_exits_3(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: http://nothing.invalid/\n",
        encoding="utf-8",
    )
    probe = f"http://127.0.0.1:{closed_port()}/"
    run = run_cli(
        "verify", "--probe-url", probe, "--retries", "0", "--no-store",
        "--format", "junit", "--output", "factcheck.xml", "c.yaml", cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 3
    case = ET.parse(tmp_path / "factcheck.xml").getroot().find("./testsuite/testcase")
    assert case is not None
    error = case.find("error")
    assert error is not None and error.get("type") == "cannot_run"
    assert error.get("message") == (
        "network unreachable: all 1 requests failed before any answer and the "
        f"connectivity probe ({probe}) failed too"
    )
