"""Runs that cannot finish normally: Ctrl-C (exit 130, partial report) and offline (exit 3)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.fetch.test_fetch import hits
from tests.test_schemas import errors

CLAIMS = """claims:
  - id: fast
    claim: the article is there
    citations:
      - url: http://fixtures.test/article.html
  - id: slow
    claim: the slow page is there
    citations:
      - url: http://fixtures.test/slow?seconds=60&t=interrupt
  - id: mixed
    claim: a dead link and a slow page
    citations:
      - url: http://fixtures.test/status/404?t=interrupt
      - url: http://fixtures.test/slow?seconds=60&t=interrupt-2
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_ctrl_c_stops_promptly_prints_what_finished_and_exits_130(
    claims_file: Any, site: str
) -> None:
    path = claims_file(CLAIMS)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factcheck",
            "verify",
            "--allow-private",
            "--timeout",
            "60",
            "--format",
            "json",
            str(path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=path.parent,
        text=True,
    )
    deadline = time.monotonic() + 20
    while "/slow?seconds=60&t=interrupt" not in hits(site) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the fast page is done by now
    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert time.monotonic() - interrupted_at < 3
    assert process.returncode == 130, stderr
    report = json.loads(stdout)
    statuses = {c["id"]: [x["status"] for x in c["citations"]] for c in report["claims"]}
    assert statuses == {
        "fast": ["ok"],
        "slow": ["not_checked"],
        "mixed": ["broken", "not_checked"],
    }
    # an unfinished check says nothing either way; a failure already seen still counts
    verdicts = {c["id"]: c["verdict"] for c in report["claims"]}
    assert verdicts == {"fast": "verified", "slow": "not_checked", "mixed": "failed"}
    assert report["summary"]["verdicts"] == {"verified": 1, "not_checked": 1, "failed": 1}
    assert errors("report.schema.json", report) == []  # the partial report is a valid report
    assert "Traceback" not in stderr


def test_offline_exits_3_with_network_unreachable(claims_file: Any, tmp_path: Path) -> None:
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        "      - url: http://nothing.invalid/\n"
        "      - url: https://nothing.invalid/other\n"
    )
    probe = f"http://127.0.0.1:{closed_port()}/"
    run = run_cli("verify", "--probe-url", probe, "--retries", "0", str(path))
    assert run.code == 3
    assert "network unreachable" in run.stderr
    assert probe in run.stderr
    assert run.stdout == ""


def test_dead_hosts_with_a_working_probe_are_broken_not_offline(
    claims_file: Any, site: str
) -> None:
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: http://nothing.invalid/\n"
    )
    run = run_cli(
        "verify",
        "--probe-url",
        f"{site}/status/204",
        "--retries",
        "0",
        "--format",
        "json",
        str(path),
    )
    assert run.code == 1
    found = run.json()["claims"][0]["citations"][0]
    assert (found["status"], found["reason"]) == ("broken", "unknown host nothing.invalid")
