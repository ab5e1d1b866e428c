"""`factcheck snapshots`: the evidence kept by verify, listed and exported."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from factcheck.cli.common import fail
from factcheck.exitcodes import ExitStatus
from factcheck.text import safe_line

if TYPE_CHECKING:
    from factcheck.evidence.store import Snapshot, SnapshotStore


@click.group()
def snapshots() -> None:
    """The evidence kept by verify: list a URL's snapshots, export them as WARC."""


_STORE_OPTION = click.option(
    "--store",
    type=click.Path(),
    help="Snapshot store folder (default: the project's, found as verify finds it).",
)


@snapshots.command("list")
@click.argument("url", required=False)
@_STORE_OPTION
def snapshots_list(url: str | None, store: str | None) -> None:
    """Every stored snapshot of URL, oldest first: date, HTTP status, hash, WARC record.

    Without URL: every stored URL, with its number of snapshots and the last time it was
    seen. Exits 1 when the store has no snapshot of URL.
    """
    from factcheck.evidence.renders import renders_of
    from factcheck.fetch.client import strip_fragment

    with reading_store(store) as (folder, snapshot_store):
        found = snapshot_store.history(strip_fragment(url) if url else None)
        renders = renders_of(snapshot_store, strip_fragment(url)) if url else []
    if url is None:
        _list_urls(found)
        return
    if not found:
        fail(f"no snapshot of {safe_line(url)} in {folder}", ExitStatus.FAILED)
    for s in found:
        where = f"{s.warc_file}@{s.warc_offset}" if s.warc_file else "(no body kept)"
        click.echo(
            safe_line(
                f"{s.fetched_at}  last seen {s.last_seen_at}  {s.http_status or '-'}  "
                f"{s.outcome}  {(s.content_hash or '-')[:19]}  {where}"
            )
        )
    for r in renders:
        click.echo(
            safe_line(
                f"{r.rendered_at}  rendered  {r.http_status or '-'}  "
                f"screenshot {folder / r.screenshot}  {r.warc_file}@{r.text_offset}"
            )
        )


def _list_urls(found: list[Snapshot]) -> None:
    """One row per stored URL under a header row: snapshots, last seen, last outcome, URL."""
    latest: dict[str, tuple[int, Snapshot]] = {}
    for s in found:
        count = latest.get(s.url, (0, s))[0]
        previous = latest.get(s.url, (0, s))[1]
        latest[s.url] = (count + 1, s if s.last_seen_at >= previous.last_seen_at else previous)
    click.echo(f"{'snapshots':>9}  {'last seen':<20}  {'outcome':<7}  url")
    for url, (count, s) in sorted(latest.items()):
        click.echo(f"{count:>9}  {s.last_seen_at:<20}  {s.outcome:<7}  {safe_line(url)}")


@contextmanager
def reading_store(store: str | None) -> Iterator[tuple[Path, SnapshotStore]]:
    """The project's store (or `store`) opened for reading, with its folder; exit 2 with one
    line when it is missing or unreadable (never a traceback, never a new empty store)."""
    import sqlite3

    from factcheck.cli.common import project_config, usable_store
    from factcheck.evidence.store import SnapshotStore, StoreError

    folder = usable_store(store, project_config(), write=False)
    if not (folder / "index.sqlite").is_file():
        fail(f"factcheck: no snapshot store at {folder}", ExitStatus.INVALID_INPUT)
    try:
        with SnapshotStore(folder) as snapshot_store:
            yield folder, snapshot_store
    except (StoreError, sqlite3.DatabaseError) as exc:
        fail(
            f"factcheck: cannot read the snapshot store at {folder}: {exc}",
            ExitStatus.INVALID_INPUT,
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
def snapshots_export(warc: str, url: str | None, store: str | None) -> None:
    """Write every stored body (or URL's only) to one WARC file.

    Exits 1 when the store has no snapshot of URL (no file is written), 2 when the WARC file
    cannot be written.
    """
    from factcheck.fetch.client import strip_fragment

    with reading_store(store) as (folder, snapshot_store):
        key = strip_fragment(url) if url else None
        if url and not snapshot_store.history(key):
            fail(f"no snapshot of {safe_line(url)} in {folder}", ExitStatus.FAILED)
        try:
            count, damaged = snapshot_store.export_warc(warc, key)
        except OSError as exc:
            fail(
                f"factcheck: --warc {warc}: cannot write: {(exc.strerror or str(exc)).lower()}",
                ExitStatus.INVALID_INPUT,
            )
    for why in damaged:
        click.echo(safe_line(f"factcheck: left out, stored copy damaged: {why}"), err=True)
    click.echo(safe_line(f"{count} snapshots written to {warc}"), err=True)
    if damaged:  # the export is not the whole evidence: say so in the exit code too
        sys.exit(int(ExitStatus.FAILED))
