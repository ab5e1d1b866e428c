"""The snapshot store: every fetched page kept as evidence, in formats other tools open.

A store is a folder (`.factcheck/` beside the claims by default) holding `index.sqlite`
(one row per stored snapshot and one per quote checked against it) and `warc/`, one
gzipped WARC file per run. Crash safety comes from the order of writes: a WARC record is
appended as its own gzip member and flushed to disk first; only then is its index row
committed (SQLite in WAL mode, one commit per record). A killed run loses at most the
records in flight; a partial gzip member at the end of a WARC file is never indexed.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factcheck import __version__
from factcheck.errors import FactcheckError
from factcheck.fetch import FetchOutcome, FetchResult

INDEX = "index.sqlite"
# Headers that describe the transfer, not the stored payload (the fetcher decodes bodies).
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    http_status INTEGER,
    final_url TEXT,
    permanent_redirect TEXT,
    media_type TEXT,
    charset TEXT,
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER
);
CREATE INDEX IF NOT EXISTS snapshots_url ON snapshots (url, last_seen_at);
CREATE TABLE IF NOT EXISTS quote_checks (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    url TEXT NOT NULL,
    quote TEXT NOT NULL,
    status TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id)
);
CREATE INDEX IF NOT EXISTS quote_checks_url ON quote_checks (url, quote, checked_at);
"""


class StoreError(FactcheckError):
    """The snapshot store cannot be opened or read (not a store, corrupt index)."""


def utc_now() -> str:
    """The current time as the store writes it: `2026-10-02T09:30:00Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Snapshot:
    """One stored answer for a URL; `warc_file` is None when there was no body to keep."""

    id: int
    url: str
    fetched_at: str
    last_seen_at: str
    outcome: str
    reason: str
    http_status: int | None
    final_url: str | None
    permanent_redirect: str | None
    media_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None

    @property
    def date(self) -> str:
        """The day the body was first fetched, `YYYY-MM-DD`."""
        return self.fetched_at[:10]

    @property
    def has_body(self) -> bool:
        return self.warc_file is not None


@dataclass(frozen=True)
class QuoteCheck:
    """One quote checked against one snapshot in one run."""

    run_id: str
    quote: str
    status: str
    checked_at: str
    snapshot_id: int


class SnapshotStore:
    """The store folder at `root`; nothing is created on disk until the first record.

    Refuses (StoreError) a `root` that exists and is not a folder, or a corrupt index.
    """

    def __init__(self, root: Path | str, run_id: str | None = None) -> None:
        self.root = Path(root)
        self.run_id = run_id or _new_run_id()
        self._db: sqlite3.Connection | None = None
        self._warc: IO[bytes] | None = None
        self._warc_name: str | None = None
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is not a folder, cannot hold snapshots")

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._warc is not None:
            self._warc.close()
            self._warc = None
        if self._db is not None:
            self._db.close()
            self._db = None

    def exists(self) -> bool:
        return (self.root / INDEX).is_file()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is None:
            if not create and not self.exists():
                return None
            self.root.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.root / INDEX, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against a killed process
                db.executescript(_SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.root / INDEX}: not a readable index ({exc})") from exc
            db.row_factory = sqlite3.Row
            self._db = db
        return self._db

    # --- reading --------------------------------------------------------------------------

    def latest(self, url: str, with_body: bool = False) -> Snapshot | None:
        """The most recently seen snapshot of `url` (with a stored body, if asked); or None."""
        db = self._connect(create=False)
        if db is None:
            return None
        where = " AND warc_file IS NOT NULL" if with_body else ""
        row = db.execute(f"SELECT * FROM snapshots WHERE url = ?{where} "
                         "ORDER BY last_seen_at DESC, id DESC LIMIT 1", (url,)).fetchone()
        return _snapshot(row) if row else None

    def history(self, url: str | None = None) -> list[Snapshot]:
        """Every snapshot of `url` (of every URL when None), oldest first."""
        db = self._connect(create=False)
        if db is None:
            return []
        if url is None:
            rows = db.execute("SELECT * FROM snapshots ORDER BY fetched_at, id")
        else:
            rows = db.execute("SELECT * FROM snapshots WHERE url = ? ORDER BY fetched_at, id",
                              (url,))
        return [_snapshot(r) for r in rows]

    def snapshot(self, snapshot_id: int) -> Snapshot | None:
        db = self._connect(create=False)
        row = db.execute("SELECT * FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone() \
            if db else None
        return _snapshot(row) if row else None

    def body(self, snapshot: Snapshot) -> bytes:
        """The stored payload of `snapshot` read back from its WARC record (b"" if none)."""
        if snapshot.warc_file is None or snapshot.warc_offset is None:
            return b""
        with open(self.root / snapshot.warc_file, "rb") as fh:
            fh.seek(snapshot.warc_offset)
            for record in ArchiveIterator(io.BytesIO(fh.read(snapshot.warc_length or 0))):
                if record.rec_type == "response":
                    return bytes(record.content_stream().read())
        raise StoreError(f"{snapshot.warc_file}@{snapshot.warc_offset}: no response record")

    def quote_checks(self, url: str, quote: str, before_run: bool = True) -> list[QuoteCheck]:
        """Checks of `quote` at `url`, oldest first; those of this run left out by default."""
        db = self._connect(create=False)
        if db is None:
            return []
        rows = db.execute("SELECT * FROM quote_checks WHERE url = ? AND quote = ? AND run_id != ?"
                          " ORDER BY checked_at, id",
                          (url, quote, self.run_id if before_run else ""))
        return [QuoteCheck(r["run_id"], r["quote"], r["status"], r["checked_at"],
                           r["snapshot_id"]) for r in rows]

    def last_check(self, url: str) -> tuple[QuoteCheck, Snapshot] | None:
        """The latest check at `url` from an earlier run, with the snapshot it judged."""
        db = self._connect(create=False)
        if db is None:
            return None
        row = db.execute("SELECT * FROM quote_checks WHERE url = ? AND run_id != ? "
                         "ORDER BY checked_at DESC, id DESC LIMIT 1",
                         (url, self.run_id)).fetchone()
        if row is None:
            return None
        check = QuoteCheck(row["run_id"], row["quote"], row["status"], row["checked_at"],
                           row["snapshot_id"])
        snapshot = self.snapshot(check.snapshot_id)
        return (check, snapshot) if snapshot else None

    # --- writing --------------------------------------------------------------------------

    def record(self, result: FetchResult) -> Snapshot:
        """Keep `result`: its body as a WARC record (flushed first), then its index row.

        An unchanged body (same hash as the latest stored one) is not written again: the
        stored snapshot is marked as seen now, with the new validators.
        """
        db = self._connect(create=True)
        assert db is not None
        now = utc_now()
        has_body = result.outcome is FetchOutcome.OK
        digest = "sha256:" + hashlib.sha256(result.body).hexdigest() if has_body else None
        previous = self.latest(result.url, with_body=has_body)
        if previous and _same_answer(previous, result, digest):
            return self.confirm(previous, result)
        location: tuple[str, int, int] | None = self._append(result) if has_body else None
        warc_file, offset, length = location or (None, None, None)
        cursor = db.execute(
            "INSERT INTO snapshots (url, fetched_at, last_seen_at, outcome, reason, http_status,"
            " final_url, permanent_redirect, media_type, charset, etag, last_modified,"
            " content_hash, warc_file, warc_offset, warc_length)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (result.url, now, now, result.outcome.value, result.reason, result.http_status,
             result.final_url, result.permanent_redirect, result.media_type, result.charset,
             result.headers.get("etag"), result.headers.get("last-modified"), digest,
             warc_file, offset, length))
        snapshot = self.snapshot(int(cursor.lastrowid or 0))
        assert snapshot is not None
        return snapshot

    def confirm(self, snapshot: Snapshot, answer: FetchResult) -> Snapshot:
        """Mark `snapshot` as still current (a 304, or the same body again); returns it."""
        db = self._connect(create=True)
        assert db is not None
        etag = answer.headers.get("etag") or snapshot.etag
        modified = answer.headers.get("last-modified") or snapshot.last_modified
        db.execute("UPDATE snapshots SET last_seen_at = ?, etag = ?, last_modified = ? "
                   "WHERE id = ?", (utc_now(), etag, modified, snapshot.id))
        updated = self.snapshot(snapshot.id)
        assert updated is not None
        return updated

    def record_checks(self, url: str, snapshot_id: int, statuses: list[tuple[str, str]]) -> None:
        """Keep which quotes were found (quote, status) in `snapshot_id` during this run."""
        if not statuses:
            return
        db = self._connect(create=True)
        assert db is not None
        now = utc_now()
        with db:
            db.execute("BEGIN")
            db.executemany("INSERT INTO quote_checks (run_id, url, quote, status, checked_at,"
                           " snapshot_id) VALUES (?, ?, ?, ?, ?, ?)",
                           [(self.run_id, url, q, s, now, snapshot_id) for q, s in statuses])

    def _append(self, result: FetchResult) -> tuple[str, int, int]:
        """Append one response record as its own gzip member, flushed and synced."""
        fh, name = self._warc_file()
        offset = fh.seek(0, os.SEEK_END)
        WARCWriter(fh, gzip=True).write_record(_response_record(result))
        fh.flush()
        os.fsync(fh.fileno())
        return name, offset, fh.tell() - offset

    def _warc_file(self) -> tuple[IO[bytes], str]:
        if self._warc is None or self._warc_name is None:
            folder = self.root / "warc"
            folder.mkdir(parents=True, exist_ok=True)
            self._warc_name = f"warc/factcheck-{self.run_id}.warc.gz"
            self._warc = open(self.root / self._warc_name, "ab")
            if self._warc.tell() == 0:
                WARCWriter(self._warc, gzip=True).write_record(_warcinfo(self._warc_name))
                self._warc.flush()
        return self._warc, self._warc_name

    # --- export ---------------------------------------------------------------------------

    def export_warc(self, dest: Path | str, url: str | None = None) -> int:
        """Write every indexed record (of `url` only, if given) to one WARC file at `dest`.

        Gzip members are copied byte for byte after a fresh warcinfo record; returns the
        number of response records written. Unindexed tails of killed runs are left out.
        """
        snapshots = [s for s in self.history(url) if s.has_body]
        with open(dest, "wb") as out:
            WARCWriter(out, gzip=True).write_record(_warcinfo(Path(dest).name))
            for snapshot in snapshots:
                out.write(self._raw_record(snapshot))
        return len(snapshots)

    def _raw_record(self, snapshot: Snapshot) -> bytes:
        assert snapshot.warc_file is not None and snapshot.warc_offset is not None
        with open(self.root / snapshot.warc_file, "rb") as fh:
            fh.seek(snapshot.warc_offset)
            return fh.read(snapshot.warc_length or 0)


def _same_answer(snapshot: Snapshot, result: FetchResult, digest: str | None) -> bool:
    """True when `result` says what `snapshot` says: the same body, or the same failure."""
    if digest is not None:
        return snapshot.content_hash == digest
    return (not snapshot.has_body and snapshot.outcome == result.outcome.value
            and snapshot.http_status == result.http_status and snapshot.reason == result.reason)


def _new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _snapshot(row: sqlite3.Row) -> Snapshot:
    return Snapshot(**{key: row[key] for key in row.keys()})


def _response_record(result: FetchResult) -> Any:
    status = result.http_status or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    headers = [(k, v) for k, v in result.headers.items() if k not in _TRANSFER_HEADERS]
    headers.append(("content-length", str(len(result.body))))
    http_headers = StatusAndHeaders(f"{status} {phrase}".strip(), headers,
                                    protocol="HTTP/1.1")
    writer = WARCWriter(io.BytesIO(), gzip=True)
    return writer.create_warc_record(result.final_url or result.url, "response",
                                     payload=io.BytesIO(result.body), length=len(result.body),
                                     http_headers=http_headers)


def _warcinfo(filename: str) -> Any:
    writer = WARCWriter(io.BytesIO(), gzip=True)
    info = {"software": f"factcheck/{__version__}", "format": "WARC File Format 1.0",
            "description": "evidence kept by factcheck verify"}
    return writer.create_warcinfo_record(filename, info)


def iter_records(path: Path) -> Iterator[tuple[str, str]]:
    """(record type, target URI) of every record in the WARC file at `path`."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            yield record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or ""


__all__ = ["QuoteCheck", "Snapshot", "SnapshotStore", "StoreError", "iter_records",
           "utc_now"]
