"""The HTML report opened in a real headless Chromium (Debian package `chromium`): the rendered
text, the status filter driven by the address (#status=...), markup from claim files inert.

A screenshot of each rendering goes to test-artifacts/ and its path is printed.
Skipped only when no chromium is installed; CI installs it so this runs for real there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, fixture_claims, run_cli
from tests.report.test_report_markdown import FAST, markup_claims

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, site: str) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    demo, markup = fixture_claims("demo.yaml", folder, site), markup_claims(folder, site)
    path = folder / "report.html"
    run = run_cli(
        "verify", *FAST, "--format", "html", "--output", str(path), str(demo), str(markup)
    )
    assert run.code == 1 and path.is_file()
    return path


def chromium(tmp_path: Path, url: str, *mode: str) -> str:
    """Run headless Chromium on `url` with `mode` (--dump-dom or --screenshot=...)."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,900",
            *mode,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def rows(dom: str) -> list[tuple[str, bool]]:
    """(status, hidden) of every citation row in a dumped DOM, in document order."""
    found = []
    for tag in re.findall(r"<tr\b[^>]*\bdata-status=[^>]*>", dom):
        status = re.search(r'data-status="([a-z_]+)"', tag)
        assert status is not None
        found.append((status.group(1), re.search(r"\shidden(=|\s|>)", tag) is not None))
    return found


def test_renders_every_citation_without_a_filter(report: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, report.as_uri(), "--dump-dom")
    assert "Showing 19 of 19 citations" in dom
    assert all(not hidden for _, hidden in rows(dom))
    assert '<h3>conclusion-misquoted: <span class="verdict-failed">failed</span></h3>' in dom


def test_filter_from_the_address_shows_only_those_statuses(report: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, report.as_uri() + "#status=broken,quote_altered", "--dump-dom")
    assert "Showing 5 of 19 citations" in dom
    shown = [status for status, hidden in rows(dom) if not hidden]
    assert shown == ["quote_altered", "broken", "broken", "broken", "broken"]
    hidden_claims = re.findall(r'<article class="claim" id="claim-([a-z-]+)" hidden', dom)
    assert "esg-conference" in hidden_claims and "dead-links" not in hidden_claims


def test_markup_in_claims_never_runs(report: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, report.as_uri(), "--dump-dom")
    assert "data-pwned" not in dom
    assert dom.count("<script") == 1
    assert "<img" not in dom
    assert (
        'A claim with &lt;script&gt;document.body.dataset.pwned = "claim"&lt;/script&gt; | a pipe'
    ) in dom


def test_screenshot(report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, fragment in (("report.png", ""), ("report-broken.png", "#status=broken")):
        shot = ARTIFACTS / name
        shot.unlink(missing_ok=True)
        chromium(tmp_path, report.as_uri() + fragment, f"--screenshot={shot}")
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with capsys.disabled():  # shown in the test output, also without -s
            print(f"\nscreenshot: {shot}")
