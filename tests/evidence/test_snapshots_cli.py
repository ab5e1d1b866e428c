"""`factcheck snapshots` on a missing or damaged store: one line, exit 2, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


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
    assert run.stderr.startswith(f"factcheck: {store}: not a snapshot store (index.sqlite: ")
    assert len(run.stderr.splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_an_unreachable_network_leaves_nothing_in_the_store(
    claims_file,  # type: ignore[no-untyped-def]
    site: str,
    tmp_path: Path,
) -> None:
    from tests.test_interrupt import closed_port

    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: http://nothing.invalid/\n"
    )
    store = tmp_path / "store"
    base = ["verify", "--retries", "0", "--store", str(store), str(path)]
    offline = run_cli(*base, "--probe-url", f"http://127.0.0.1:{closed_port()}/")
    assert offline.code == 3
    listed = run_cli("snapshots", "list", "http://nothing.invalid/", "--store", str(store))
    assert (listed.code, listed.stderr) == (2, f"factcheck: no snapshot store at {store}\n")

    online = run_cli(*base, "--probe-url", f"{site}/status/204")
    assert online.code == 1  # the host is unknown, and the network works: broken, and kept
    listed = run_cli("snapshots", "list", "http://nothing.invalid/", "--store", str(store))
    assert listed.code == 0
    assert "broken" in listed.stdout


def test_a_failure_retried_twice_is_one_snapshot_however_long_the_tries(
    claims_file,  # type: ignore[no-untyped-def]
    site: str,
    tmp_path: Path,
) -> None:
    """The reason says how long the tries took ('after 2 attempts over 0.7 s'); that time
    differs from run to run, the answer does not: the store keeps one snapshot."""
    url = "http://fixtures.test/status/503?t=one-snapshot"
    path = claims_file(f"claims:\n  - id: c\n    claim: x\n    citations:\n      - url: {url}\n")
    store = tmp_path / "store"
    base = ["verify", "--allow-private", "--retries", "1", "--store", str(store), str(path)]
    for _ in range(2):
        assert run_cli(*base).code == 1
    listed = run_cli(
        "snapshots", "list", url.replace("http://fixtures.test", site), "--store", str(store)
    )
    assert listed.code == 0
    rows = [line for line in listed.stdout.splitlines() if "error" in line]
    assert len(rows) == 1, listed.stdout
