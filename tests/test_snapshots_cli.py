"""`factcheck snapshots` on a missing or damaged store: one line, exit 2, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli


@pytest.mark.parametrize("command", [["list", "https://example.org/"], ["export", "--warc"]])
def test_a_missing_store_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    store = tmp_path / "nowhere"
    args = [*command, str(tmp_path / "out.warc.gz")] if command[-1] == "--warc" else command
    run = run_cli("snapshots", *args, "--store", str(store))
    assert run.code == 2
    assert run.stderr == f"factcheck: no snapshot store at {store}\n"
    assert not store.exists()


def test_a_damaged_index_is_one_line_and_exit_2(tmp_path: Path) -> None:
    store = tmp_path / ".factcheck"
    store.mkdir()
    (store / "index.sqlite").write_bytes(b"this is not a database" * 100)
    run = run_cli("snapshots", "list", "https://example.org/", "--store", str(store))
    assert run.code == 2
    assert run.stderr.startswith(f"factcheck: cannot read the snapshot store at {store}: ")
    assert len(run.stderr.splitlines()) == 1
    assert "Traceback" not in run.stderr
