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
