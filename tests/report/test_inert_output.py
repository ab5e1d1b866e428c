"""Nothing from a claim file or a page reaches a terminal or a CI log raw: no escape
sequence, no line break that starts a line of its own, no `::command::` line GitHub would
obey, and every JUnit report stays valid XML."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXTURES, run_cli
from tests.hostile_site import hostile_site, raw_status_site

OSC = b"\x1b]0;pwned\x07\x1b[2J"


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with hostile_site() as base:
        yield base


@pytest.fixture(scope="module")
def osc_site() -> Iterator[str]:
    with raw_status_site(b"HTTP/1.1 404 " + OSC + b"::error::forged") as base:
        yield base


def obeyed_lines(text: str) -> list[str]:
    """The lines GitHub Actions would read as workflow commands, or a terminal as escapes."""
    return [
        line
        for line in text.split("\n")
        if line.lstrip().startswith(("::", "##[")) or "\x1b" in line or "\x07" in line
    ]


def allow(*bases: str) -> list[str]:
    return [a for base in bases for a in ("--allow-host", urlsplit(base).netloc)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lint_echoes_a_key_with_a_newline_on_one_inert_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: https://example.com/\n"
        '        "q\\n::error title=LINT::forged": 1\n',
    )
    run = run_cli("lint", str(path))
    assert run.code == 2
    assert run.stderr.count("\n") == 1  # one line, however many line breaks the key holds
    assert run.stderr.startswith(f"{path}:6: unknown key 'q\\n::error title=LINT::forged'")
    assert obeyed_lines(run.stderr) == []


def test_lint_echoes_a_url_with_a_newline_on_one_inert_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        '      - url: "https://example.com/\\n::add-mask::x"\n',
    )
    run = run_cli("lint", str(path))
    assert (run.code, run.stderr.count("\n")) == (2, 1)
    assert "contains whitespace" in run.stderr
    assert obeyed_lines(run.stderr) == []


def hostile_claims(tmp_path: Path, url: str) -> Path:
    return write(
        tmp_path,
        "claims:\n"
        '  - id: "::error file=README.md::forged id"\n'
        '    claim: "##[warning]forged claim \\e[31m\\x01"\n'
        f"    citations:\n      - url: {url}\n",
    )


@pytest.mark.parametrize("fmt", ["table", "github", "markdown", "junit"])
def test_no_report_format_prints_what_a_terminal_or_ci_would_obey(
    tmp_path: Path, osc_site: str, fmt: str
) -> None:
    path = hostile_claims(tmp_path, f"{osc_site}/gone")
    run = run_cli("verify", *allow(osc_site), "--retries", "0", "--format", fmt, str(path))
    assert run.code == 1
    found = obeyed_lines(run.stdout) + obeyed_lines(run.stderr)
    if fmt == "github":  # factcheck's own annotation, the only command, its text inert
        assert found == [line for line in run.stdout.splitlines() if line.startswith("::")]
        assert len(found) == 1 and "\x1b" not in found[0]
        assert "\\x1b]0;pwned\\x07" in found[0]
    else:
        assert found == []


def test_the_reason_phrase_escape_is_shown_not_obeyed(tmp_path: Path, osc_site: str) -> None:
    path = hostile_claims(tmp_path, f"{osc_site}/gone")
    run = run_cli("verify", *allow(osc_site), "--retries", "0", "--format", "json", str(path))
    reason = run.json()["claims"][0]["citations"][0]["reason"]
    assert reason == "HTTP 404 \\x1b]0;pwned\\x07\\x1b[2J::error::forged"


def test_junit_with_control_characters_is_valid_xml(tmp_path: Path, osc_site: str) -> None:
    path = hostile_claims(tmp_path, f"{osc_site}/gone")
    run = run_cli("verify", *allow(osc_site), "--retries", "0", "--format", "junit", str(path))
    case = ET.fromstring(run.stdout.encode()).find("./testsuite/testcase")
    assert case is not None
    assert case.get("classname") == "\\x3a:error file=README.md::forged id"
    error = case.find("failure")
    assert error is not None and "\\x1b]0;pwned" in (error.get("message") or "")


def test_pypdf_warnings_from_a_hostile_pdf_never_reach_stderr_as_commands(
    tmp_path: Path, hostile: str
) -> None:
    path = write(
        tmp_path,
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        f"      - url: {hostile}/file/injection.pdf\n"
        '        quote: "A page with a forged encoding."\n',
    )
    # a real process: pytest's log capture would hide what logging prints on stderr
    run = subprocess.run(
        [sys.executable, "-m", "factcheck", "verify", *allow(hostile), "--format", "github"]
        + [str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert obeyed_lines(run.stderr) == []
    assert "add-mask" not in run.stderr


def test_the_hostile_pdf_fixture_holds_the_forged_commands() -> None:
    """The control: the file really carries a line feed and `::error` in a name."""
    body = (FIXTURES / "hostile" / "injection.pdf").read_bytes()
    assert b"/Forged#0A::error#20file#3DREADME.md" in body
