"""A damaged evidence store: a flipped byte, garbage or a deleted WARC file is that
citation's error (offline) or re-fetched and stored again (online), never exported as good
and never a traceback; an emptied index is an error naming it, not a new empty store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run, run_cli
from tests.hostile_site import hostile_site

QUOTE = "a page anyone could write"


@pytest.fixture(scope="module")
def page_site() -> Iterator[str]:
    with hostile_site() as base:
        yield base


@pytest.fixture
def stored(tmp_path: Path, page_site: str) -> tuple[Path, Path]:
    """(claim file, store) after one online run that kept the page."""
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        f"      - url: {page_site}/kept-page\n        quote: {QUOTE}\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    run = verify(claims, store)
    assert run.code == 0, run.stdout + run.stderr
    return claims, store


def verify(claims: Path, store: Path, *extra: str) -> Run:
    return run_cli(
        "verify", "--allow-private", "--store", str(store), "--format", "json", *extra, str(claims)
    )


def warc_of(store: Path) -> tuple[Path, int, int]:
    """(WARC file, offset, length) of the stored body."""
    with sqlite3.connect(store / "index.sqlite") as db:
        name, offset, length = db.execute(
            "SELECT warc_file, warc_offset, warc_length FROM snapshots"
        ).fetchone()
    return store / name, offset, length


def flip_a_byte(store: Path) -> None:
    path, offset, length = warc_of(store)
    data = bytearray(path.read_bytes())
    data[offset + length // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def garble(store: Path) -> None:
    path, _, _ = warc_of(store)
    path.write_bytes(bytes(range(256)) * 64)


def delete(store: Path) -> None:
    warc_of(store)[0].unlink()


DAMAGE = {"flipped byte": flip_a_byte, "garbage": garble, "deleted": delete}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_offline_a_damaged_copy_is_that_citations_error(
    stored: tuple[Path, Path], damage: str
) -> None:
    claims, store = stored
    DAMAGE[damage](store)
    run = verify(claims, store, "--offline")
    assert run.code == 1, run.stderr
    found = run.json()["claims"][0]["citations"][0]
    assert found["status"] == "error"
    assert found["reason"].startswith("stored copy damaged (warc/")
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_online_a_damaged_copy_is_stored_again(stored: tuple[Path, Path], damage: str) -> None:
    claims, store = stored
    DAMAGE[damage](store)
    online = verify(claims, store)
    assert (online.code, online.statuses()) == (0, {"c": ["ok"]})
    reason = online.json()["claims"][0]["citations"][0]["reason"]
    assert reason.endswith("; stored copy damaged, re-fetched and stored again")
    again = verify(claims, store)  # the new copy is whole: nothing to say any more
    assert "damaged" not in again.json()["claims"][0]["citations"][0]["reason"]
    offline = verify(claims, store, "--offline")  # reads the copy the online run kept
    assert (offline.code, offline.statuses()) == (0, {"c": ["ok"]}), offline.stdout


def test_export_leaves_a_damaged_record_out_and_says_so(
    stored: tuple[Path, Path], tmp_path: Path, page_site: str
) -> None:
    _, store = stored
    flip_a_byte(store)
    out = tmp_path / "out.warc.gz"
    run = run_cli("snapshots", "export", "--warc", str(out), "--store", str(store))
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"factcheck: left out, stored copy damaged: {page_site}/kept-page:")
    assert lines[-1] == f"0 snapshots written to {out}"


@pytest.mark.parametrize("command", ["verify", "snapshots"])
def test_an_emptied_index_is_an_error_with_its_path(
    stored: tuple[Path, Path], command: str
) -> None:
    claims, store = stored
    (store / "index.sqlite").write_bytes(b"")
    if command == "verify":
        run = verify(claims, store)
    else:
        run = run_cli("snapshots", "list", "--store", str(store))
    assert run.code == 2
    assert f"{store / 'index.sqlite'}: the snapshot index is empty (0 bytes)" in run.stderr
    assert (store / "index.sqlite").stat().st_size == 0  # not silently created anew
    assert "Traceback" not in run.stderr


def test_a_lost_index_beside_its_warc_files_is_an_error(stored: tuple[Path, Path]) -> None:
    claims, store = stored
    (store / "index.sqlite").unlink()
    run = verify(claims, store)
    assert run.code == 2
    assert f"{store / 'index.sqlite'}: no snapshot index beside the WARC files" in run.stderr
    assert not (store / "index.sqlite").exists()
