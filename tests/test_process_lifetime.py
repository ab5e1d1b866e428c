"""Processes end when they should: a forked worker dies with its parent (kill -9 or
SIGTERM), and a second Ctrl-C while the partial report is written still gets the report
and exit 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fetch.test_fetch import hits
from tests.test_interrupt import CLAIMS
from tests.test_workers import children, second_site, start_stuck_run

__all__ = ["second_site"]  # the fixture, used by the tests below


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":  # ended, waiting to be reaped
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_worker_dies_with_its_parent(
    tmp_path: Path, site: str, second_site: str, how: signal.Signals
) -> None:
    process = start_stuck_run(tmp_path, site, second_site, f"orphan-{how.name}")
    (worker,) = children(process.pid)
    os.kill(process.pid, how)
    process.communicate(timeout=10)
    stopped = gone_within(worker, 5)
    if not stopped:
        os.kill(worker, signal.SIGKILL)
    assert stopped, "the worker outlived its parent"


def test_a_second_ctrl_c_still_writes_the_partial_report(claims_file: Any, site: str) -> None:
    path = claims_file(CLAIMS.replace("t=interrupt", "t=twice"))
    process = subprocess.Popen(
        [sys.executable, "-m", "factcheck", "verify", "--allow-private", "--timeout", "60",
         "--format", "json", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=path.parent, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while "/slow?seconds=60&t=twice" not in hits(site) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    assert "Aborted" not in stderr and "Traceback" not in stderr
    statuses = {
        c["id"]: [x["status"] for x in c["citations"]] for c in json.loads(stdout)["claims"]
    }
    assert statuses == {
        "fast": ["ok"],
        "slow": ["not_checked"],
        "mixed": ["broken", "not_checked"],
    }
