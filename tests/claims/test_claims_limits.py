"""Claim files larger than --max-claims-bytes (default 10 MiB) are refused before they are
read: a 200 MB file once took 190 s and 10 GB of memory to parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

SMALL = "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: https://example.com/\n"


@pytest.mark.parametrize("command", ["lint", "verify"])
def test_a_file_over_the_default_limit_is_refused_unread(tmp_path: Path, command: str) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as huge:
        huge.truncate(10 * 1024 * 1024 + 1)  # sparse: its size, without writing 10 MB
    run = run_cli(command, str(path))
    assert run.code == 2
    assert run.stderr == (
        f"{path}: too large: 10,485,761 bytes (the limit is 10,485,760: --max-claims-bytes)\n"
    )


def test_the_limit_is_an_option_and_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(SMALL, encoding="utf-8")
    size = len(SMALL)
    assert run_cli("lint", "--max-claims-bytes", str(size), str(path)).code == 0
    run = run_cli("lint", "--max-claims-bytes", str(size - 1), str(path))
    assert (run.code, run.stderr) == (
        2,
        f"{path}: too large: {size:,} bytes (the limit is {size - 1:,}: --max-claims-bytes)\n",
    )
    config = tmp_path / "factcheck.toml"
    config.write_text(f"max_claims_bytes = {size - 1}\n", encoding="utf-8")
    assert run_cli("lint", "--config", str(config), str(path)).code == 2
    wins = run_cli("lint", "--config", str(config), "--max-claims-bytes", str(size), str(path))
    assert wins.code == 0  # the command line wins over the file


def test_standard_input_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "factcheck", "lint", "--max-claims-bytes", "100", "-"],
        input=SMALL * 10,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stderr) == (
        2,
        "<stdin>: too large: more than 100 bytes (--max-claims-bytes)\n",
    )
