"""The report registry, the summary line, the terminal table, colour and progress: real runs
of the CLI against the fixture site (in-process, and in a real pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from factcheck.demo.server import PLACEHOLDER
from factcheck.models import Citation, CitationResult, CitationStatus, Claim, ClaimResult, Report
from factcheck.progress import progress_bar, progress_printer
from factcheck.report import Format, renderer, summary_line
from tests.conftest import Run, fixture_claims, run_cli

FAST = ("--allow-private", "--timeout", "1", "--retries", "0")
SUMMARY = (
    "10 claims, 17 citations: 5 ok, 1 archived, 2 blocked, 3 broken, 3 error, "
    "1 quote altered, 2 quote missing"
)


@pytest.fixture(scope="module")
def table_run(tmp_path_factory: pytest.TempPathFactory, site: str) -> Run:
    path = fixture_claims("demo.yaml", tmp_path_factory.mktemp("table"), site)
    return run_cli("verify", *FAST, str(path))


def placeheld(text: str, site: str) -> str:
    """Output with the fixture server's random address replaced by http://fixtures.test."""
    return text.replace(site, PLACEHOLDER)


def test_every_format_has_a_renderer() -> None:
    empty = Report(claims=())
    for fmt in Format:
        assert isinstance(renderer(fmt)(empty), str), fmt


def test_format_option_offers_every_format() -> None:
    choices = "|".join(f.value for f in Format)
    assert choices == "table|markdown|html|json|junit|github"
    assert f"[{choices}]" in run_cli("verify", "--help").stdout


def test_summary_line_reads_like_the_issue() -> None:
    statuses = [CitationStatus.OK] * 15 + [
        CitationStatus.ARCHIVED,
        CitationStatus.BLOCKED,
        CitationStatus.BROKEN,
        CitationStatus.QUOTE_ALTERED,
    ]
    citations = [
        CitationResult(Citation(f"https://example.org/{i}"), status, "r")
        for i, status in enumerate(statuses)
    ]
    claims = [ClaimResult(Claim(f"c{i}", "text", (), "x.yaml"), ()) for i in range(11)]
    claims.append(ClaimResult(Claim("c11", "text", (), "x.yaml"), tuple(citations)))
    assert summary_line(Report(claims=tuple(claims))) == (
        "12 claims, 19 citations: 15 ok, 1 archived, 1 blocked, 1 broken, 1 quote altered"
    )


def test_table_summary_goes_to_stderr_only(table_run: Run) -> None:
    assert table_run.code == 1
    assert table_run.stderr == SUMMARY + "\n"
    assert SUMMARY not in table_run.stdout


def test_table_groups_citations_under_their_claim(table_run: Run, site: str) -> None:
    out = placeheld(table_run.stdout, site)
    assert out.startswith("  status         http  url / reason\n\nesg-conference  verified\n")
    assert (
        "dead-links  failed\n"
        "  Dead links are reported as broken.\n"
        "  broken          404  http://fixtures.test/status/404\n"
        "                       HTTP 404 Not Found\n"
        "                       fix: find the page's new address, or add an archive_url to an "
        "archived copy\n"
        "  broken          410  http://fixtures.test/status/410\n"
        "                       HTTP 410 Gone\n"
    ) in out
    assert (
        "bot-walls  unverifiable\n"
        "  Sources behind bot protection cannot be verified automatically.\n"
        "  blocked         403  http://fixtures.test/status/403\n"
        "                       HTTP 403 Forbidden: the site refused the request\n"
    ) in out


def test_table_shows_the_altered_words(table_run: Run, site: str) -> None:
    lines = placeheld(table_run.stdout, site).splitlines()
    at = lines.index("conclusion-misquoted  failed")
    block = "\n".join(lines[at : at + 8])
    assert "  quote altered   200  http://fixtures.test/article.html\n" in block
    assert "                       words: stating that Hikvision did {+not+} “knowingly”" in block
    assert "fix: correct the quote to the page's words, or cite a source that says it" in block


def test_table_fits_100_columns_and_has_no_colour_when_piped(table_run: Run) -> None:
    lines = table_run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "\x1b[" not in table_run.stdout


def test_long_urls_are_shortened_in_the_middle(claims_file, site: str) -> None:  # type: ignore[no-untyped-def]
    long_url = f"{PLACEHOLDER}/status/404?" + "&".join(f"param{i}=value{i}" for i in range(30))
    path = claims_file(
        "claims:\n  - id: long\n    claim: A long address.\n    citations:\n"
        f"      - url: {long_url}\n"
    )
    run = run_cli("verify", *FAST, str(path))
    row = next(line for line in run.stdout.splitlines() if line.startswith("  broken"))
    assert len(row) == 100
    url = long_url.replace(PLACEHOLDER, site)
    assert row == f"  broken          404  {url[:38]}…{url[-38:]}"


def run_in_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[str, str]:
    """Run a command with stdout and stderr each on its own pseudo-terminal; their text."""
    masters, slaves = zip(*(pty.openpty() for _ in range(2)), strict=True)
    proc = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=slaves[0], stderr=slaves[1], env=env, cwd=cwd
    )
    for fd in slaves:
        os.close(fd)
    chunks: dict[int, bytes] = dict.fromkeys(masters, b"")
    open_fds = list(masters)
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], 60)
        assert ready, "the command stalled"
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the other side closed
                data = b""
            if data:
                chunks[fd] += data
            else:
                open_fds.remove(fd)
                os.close(fd)
    proc.wait(timeout=60)
    out, err = (chunks[fd].decode("utf-8").replace("\r\n", "\n") for fd in masters)
    return out, err


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    return {**env, "COLUMNS": "100", **extra}


def test_terminal_gets_coloured_status_words_and_a_progress_bar(tmp_path: Path, site: str) -> None:
    path = fixture_claims("demo.yaml", tmp_path, site)
    out, err = run_in_terminal(
        [sys.executable, "-m", "factcheck", "verify", *FAST, str(path)], terminal_env(), tmp_path
    )
    assert "esg-conference  \x1b[32m\x1b[1mverified\x1b[0m" in out
    assert "  \x1b[31mbroken       \x1b[0m   404  " in out
    assert "  \x1b[33mblocked      \x1b[0m   403  " in out
    host = site.removeprefix("http://")
    assert f"] 1/17 {host}" in err  # the first to finish is ok: no failures to show yet
    assert re.search(rf"\] 16/17, \d+ failed, {re.escape(host)}", err)
    assert err.endswith("\r\x1b[2K" + SUMMARY + "\n")


def test_no_colour_in_a_terminal_with_no_color_set(tmp_path: Path, site: str) -> None:
    path = fixture_claims("demo.yaml", tmp_path, site)
    out, _ = run_in_terminal(
        [sys.executable, "-m", "factcheck", "verify", *FAST, str(path)],
        terminal_env(NO_COLOR="1"),
        tmp_path,
    )
    assert "esg-conference  verified\n" in out
    assert "\x1b[" not in out


def test_piped_run_prints_only_the_summary_on_stderr(tmp_path: Path, site: str) -> None:
    path = fixture_claims("demo.yaml", tmp_path, site)
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "verify", *FAST, str(path)],
        capture_output=True,
        text=True,
        env=terminal_env(),
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr == SUMMARY + "\n"
    assert "\x1b[" not in done.stdout


def test_no_bar_but_log_lines_when_not_a_terminal_or_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = StringIO()
    show = progress_printer(log, every=0)
    assert show is not None
    for done in (1, 2, 3):
        show(done, 3, f"https://host{done}.example/page", done - 1)
    show(0, 3, "", 0)  # before any URL is under way
    # a plain line per call past the interval, none for the last (the summary follows)
    assert log.getvalue() == (
        "progress: 1/3 done, 0 failed so far, now host1.example\n"
        "progress: 2/3 done, 1 failed so far, now host2.example\n"
        "progress: 0/3 done, 0 failed so far\n"
    )
    assert progress_printer(StringIO(), quiet=True) is None
    monkeypatch.setenv("CI", "true")
    with open(os.devnull, "w") as devnull:
        ci = progress_printer(devnull, every=60)
        assert ci is not None
        ci(1, 3, "https://a.example/", 0)  # within the interval: nothing written


def test_progress_bar_shows_done_total_and_host() -> None:
    assert progress_bar(6, 24, "https://www.example.org/a/b?c=1") == (
        "[######..................] 6/24 www.example.org"
    )
    assert progress_bar(6, 24, "https://www.example.org/", failed=2) == (
        "[######..................] 6/24, 2 failed, www.example.org"
    )
