"""Ctrl-C during a render: the run exits 130 and leaves no browser process behind (checked
by PID: every process the run had started is gone)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.render.conftest import needs_chromium

pytestmark = needs_chromium


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_bytes()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit():
            parents[int(entry.name)] = int(stat.rsplit(b")", 1)[1].split()[1])
    tree, grown = {pid}, True
    while grown:
        children = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sorted(tree - {pid})


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state != b"Z"


def chromium_in(pids: list[int]) -> list[int]:
    found = []
    for pid in pids:
        try:
            if b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("to", ["process", "group"])
def test_ctrl_c_closes_the_browser(tmp_path: Path, pages: str, to: str) -> None:
    """SIGINT to factcheck alone, and to its whole process group as a terminal sends it."""
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        f"claims:\n  - id: c\n    claim: c\n    citations:\n      - url: {pages}/never.html\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "factcheck", "verify", "--allow-host", urlsplit(pages).netloc,
         "--render", "always", "--render-timeout", "60", "--no-store", "--format", "json",
         str(claims)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    started: list[int] = []
    while time.monotonic() < deadline and len(chromium_in(started)) < 2:
        time.sleep(0.2)
        started = descendants(process.pid)
    assert chromium_in(started), "the browser never started"
    time.sleep(1)  # the page is loading and polling now
    started = descendants(process.pid)
    if to == "group":
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert json.loads(stdout)["claims"][0]["citations"][0]["status"] == "not_checked"
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert [pid for pid in started if alive(pid)] == []
