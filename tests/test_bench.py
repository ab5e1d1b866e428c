"""The benchmark runs as its README says: every tool against the latency server, every
citation ok, and the quote-checking floor (`baseline.py --quotes --processes 2`) finds every
sentence with factcheck's own check. A small N: this checks the bench works, not its speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_benchmark_runs_every_tool_and_each_finds_every_citation_ok(tmp_path: Path) -> None:
    command = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--n", "60", "--rounds", "1",
        "--warmup", "0", "--baseline", "--baseline-args=--quotes --processes 2",
        "--work-dir", str(tmp_path),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in run.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| tool")
    }
    assert sorted(rows) == ["baseline", "factcheck", "lychee"]
    assert {tool: cells[4] for tool, cells in rows.items()} == dict.fromkeys(rows, "yes")
    # the floor checked all 60 pages in two processes, with factcheck's quote check
    assert (tmp_path / "baseline.stdout").read_text(encoding="utf-8").split() == ["60", "60"]


def test_the_web_scenario_runs_cold_and_warm_and_serves_304s_to_the_warm_run(
    tmp_path: Path,
) -> None:
    command = [
        sys.executable, str(ROOT / "bench" / "web.py"), "--n", "60", "--hosts", "8",
        "--slow-ms", "300", "--rounds", "1", "--work-dir", str(tmp_path),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    rows = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in run.stdout.splitlines()
        if line.startswith("| ") and "wall s" not in line and "|---" not in line
    }
    runs = {name: cells for name, cells in rows.items() if name.startswith(("factcheck", "lychee"))}
    assert sorted(runs) == [
        "factcheck cold",
        "factcheck warm",
        "lychee cold",
        "lychee warm --cache",
    ]
    assert {name: cells[8] for name, cells in runs.items()} == dict.fromkeys(runs, "yes")
    # requests and 304s the server counted: every page fetched cold, revalidated warm
    assert (runs["factcheck cold"][4], runs["factcheck cold"][5]) == ("60", "0")
    assert (runs["factcheck warm"][4], runs["factcheck warm"][5]) == ("60", "60")
    assert "per-host timeline" in run.stdout
