"""`factcheck snapshots`: the evidence kept by verify, listed and exported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factcheck.cli.common import fail
from factcheck.cli.verify import STORE_DIR
from factcheck.exitcodes import ExitStatus

if TYPE_CHECKING:
    from factcheck.evidence.store import SnapshotStore


@click.group()
def snapshots() -> None:
    """The evidence kept by verify: list a URL's snapshots, export them as WARC."""


_STORE_OPTION = click.option(
    "--store",
    type=click.Path(file_okay=False),
    default=STORE_DIR,
    show_default=True,
    help="Snapshot store folder.",
)


@snapshots.command("list")
@click.argument("url")
@_STORE_OPTION
def snapshots_list(url: str, store: str) -> None:
    """Every stored snapshot of URL, oldest first: date, HTTP status, hash, WARC record."""
    from factcheck.fetch.client import strip_fragment

    with reading_store(store) as snapshot_store:
        found = snapshot_store.history(strip_fragment(url))
    if not found:
        fail(f"no snapshot of {url} in {store}", ExitStatus.FAILED)
    for s in found:
        where = f"{s.warc_file}@{s.warc_offset}" if s.warc_file else "(no body kept)"
        click.echo(
            f"{s.fetched_at}  last seen {s.last_seen_at}  {s.http_status or '-'}  "
            f"{s.outcome}  {(s.content_hash or '-')[:19]}  {where}"
        )


@contextmanager
def reading_store(store: str) -> Iterator[SnapshotStore]:
    """An existing store opened for reading; exit 2 with one line when it is missing or
    unreadable (never a traceback, never a new empty store)."""
    import sqlite3

    from factcheck.evidence.store import SnapshotStore, StoreError

    if not Path(store, "index.sqlite").is_file():
        fail(f"factcheck: no snapshot store at {store}", ExitStatus.INVALID_INPUT)
    try:
        with SnapshotStore(store) as snapshot_store:
            yield snapshot_store
    except (StoreError, sqlite3.DatabaseError) as exc:
        fail(
            f"factcheck: cannot read the snapshot store at {store}: {exc}", ExitStatus.INVALID_INPUT
        )


@snapshots.command("export")
@click.option(
    "--warc",
    "warc",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The WARC file to write (gzip members; open it in pywb, ReplayWeb.page).",
)
@click.option("--url", help="Export the snapshots of this URL only.")
@_STORE_OPTION
def snapshots_export(warc: str, url: str | None, store: str) -> None:
    """Write every stored body (or URL's only) to one WARC file."""
    from factcheck.fetch.client import strip_fragment

    with reading_store(store) as snapshot_store:
        count = snapshot_store.export_warc(warc, strip_fragment(url) if url else None)
    click.echo(f"{count} snapshots written to {warc}", err=True)
