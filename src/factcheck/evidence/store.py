"""The snapshot store: every fetched page kept as evidence, in formats other tools open.

A store is a folder (the project's `.factcheck/` by default: claims/project.py) holding
`index.sqlite` (one row per stored snapshot and one per quote checked against it) and `warc/`, one
gzipped WARC file per run. Every write goes through one background thread
(`store_writer.StoreWriter`), so the event loop never waits on disk or zlib. Crash safety
comes from the order of its writes: a batch of WARC records (each its own gzip member) is
flushed and fsynced first; only then are the batch's index rows committed, in one
transaction (SQLite in WAL mode). A killed run loses at most the records queued or in the
batch being written; a partial gzip member at the end of a WARC file is never indexed.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import itertools
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from factcheck.errors import FactcheckError
from factcheck.evidence.codec import INDEX
from factcheck.evidence.store_writer import (
    Checks,
    NewSnapshot,
    QuoteResults,
    Seen,
    StoreWriter,
    Verdict,
    gzip_member,
    warcinfo_record,
)
from factcheck.fetch.retry import untried_reason
from factcheck.text import redact

if TYPE_CHECKING:  # the fetcher loads aiohttp: a run that fetches nothing does without it
    from factcheck.fetch.client import FetchResult

STORE_VERSION = 1  # PRAGMA user_version of the index; a newer one is refused, never rewritten

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
CREATE TABLE IF NOT EXISTS quote_results (
    content_hash TEXT NOT NULL,
    link TEXT NOT NULL,
    media_type TEXT NOT NULL,
    charset TEXT NOT NULL,
    matcher TEXT NOT NULL,
    quote TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (content_hash, link, media_type, charset, matcher, quote)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verdicts (
    key TEXT PRIMARY KEY,
    checked_at REAL NOT NULL,
    result TEXT NOT NULL
) WITHOUT ROWID;
"""


def _enter_wal(db: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch a new index to WAL mode. The switch needs the file to itself and SQLite does
    not wait for that (no busy handler), so a second process opening the same new store at
    the same moment (a run and `snapshots list`, say) gets "database is locked": retry."""
    for attempt in range(attempts):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class StoreError(FactcheckError):
    """The snapshot store cannot be opened, read or written (not a store, corrupt index, a
    folder that cannot be created, a full disk)."""


class DamagedRecordError(StoreError):
    """A stored body cannot be read back as it was kept: its WARC file is missing, or the
    record is cut, garbled or does not match the hash in the index."""


def make_store_folder(root: Path) -> None:
    """Create the store folder `root` (and its parents); StoreError saying why it cannot be."""
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is not a folder, cannot hold snapshots")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the snapshot store {root}: {_why(exc)}") from None


def check_store(root: Path | str, write: bool = True) -> None:
    """Refuse, before any request, a store a run could not use: StoreError with one line
    for a folder that cannot be created or written (`write`), an index that is not a
    store's, or a store made by a newer factcheck. Creates the folder, never the index."""
    root = Path(root)
    if write:
        make_store_folder(root)
        _check_writable(root)
    _check_index_present(root)
    if (root / INDEX).exists():
        try:
            with closing(sqlite3.connect(f"file:{root / INDEX}?mode=ro", uri=True)) as db:
                _check_version(db, root)
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{root}: not a snapshot store ({INDEX}: {exc})") from None


def _check_index_present(root: Path) -> None:
    """Refuse an index that was emptied, or lost beside the WARC files it indexed: created
    anew, it would forget every snapshot (StoreError naming the path)."""
    index = root / INDEX
    if index.exists() and index.stat().st_size == 0:
        raise StoreError(
            f"{index}: the snapshot index is empty (0 bytes), so the store's WARC files are "
            "unindexed; restore it, or move the store away to start a new one"
        )
    warcs = root / "warc"
    if not index.exists() and warcs.is_dir() and any(warcs.glob("*.warc.gz")):
        raise StoreError(
            f"{index}: no snapshot index beside the WARC files in {warcs}; restore it, or "
            "move the store away to start a new one"
        )


def _check_writable(root: Path) -> None:
    probe = root / f".write-test-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StoreError(f"cannot write to the snapshot store {root}: {_why(exc)}") from None


def _check_version(db: sqlite3.Connection, root: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > STORE_VERSION:
        raise StoreError(
            f"{root}: a snapshot store of version {version}, made by a newer factcheck "
            f"(this one reads version {STORE_VERSION}): upgrade factcheck, or use --store"
        )


def _why(exc: OSError) -> str:
    """An OSError in words, without the path the message already names."""
    return (exc.strerror or str(exc)).lower()


def utc_now() -> str:
    """The current time as the store writes it: `2026-10-02T09:30:00Z`."""
    global _formatted
    second = int(time.time())
    if _formatted[0] != second:  # formatted once a second: the loop asks twice a page
        _formatted = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
    return _formatted[1]


_formatted = (0, "")


@dataclass(frozen=True, slots=True)
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

    @property
    def pending(self) -> bool:
        """True while the writer thread has not indexed this snapshot yet (negative id)."""
        return self.id < 0


class StoreShare(NamedTuple):
    """One worker's part of a run split between processes (workers.py): the run's id, which
    every part records its quote checks under, and the part's number, which names its own
    WARC file (part 0 writes the run's usual file)."""

    run_id: str
    part: int


class PageKey(NamedTuple):
    """What a quote's result depends on besides the quote: the bytes judged, the URL its
    fragment links point at, how the bytes are read, and the matcher's version."""

    content_hash: str
    link: str
    media_type: str
    charset: str
    matcher: str


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

    def __init__(self, root: Path | str, run_id: str | None = None, part: int = 0) -> None:
        self.root = Path(root)
        self.run_id = run_id or new_run_id()
        self.part = part  # this process's part of a run split between workers (StoreShare)
        self._db: sqlite3.Connection | None = None  # reads, on the caller's thread
        self._writer: StoreWriter | None = None  # every write, on its own thread
        self._ids: dict[int, int] = {}  # pending id -> row id, once written
        self._pending = itertools.count(-1, -1)
        # this run's latest snapshot of each URL (any, and with a body): the writer may
        # not have indexed them yet
        self._recent: dict[str, Snapshot] = {}
        self._recent_body: dict[str, Snapshot] = {}
        # URLs with rows when the index was first opened: earlier runs know nothing else, so
        # a cold URL costs the event loop no query
        self._known: frozenset[str] = frozenset()
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is not a folder, cannot hold snapshots")

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write everything queued, stop the writer thread, close the index.

        Raises StoreError when a write failed: the records of that batch and later ones
        are not in the store.
        """
        writer = self._writer
        if writer is not None:
            writer.close()  # interrupted here, the atexit hook still drains the queue
            atexit.unregister(self.close)
            self._writer = None
            self._ids.update(writer.ids)
        if self._db is not None:
            self._db.close()
            self._db = None
        if writer is not None and writer.error is not None:
            raise StoreError(
                f"{self.root}: could not write snapshots ({writer.error})"
            ) from writer.error

    def warc_name(self) -> str:
        """This run's WARC file (its part's, for a run split between workers)."""
        suffix = f"-{self.part}" if self.part else ""
        return f"warc/factcheck-{self.run_id}{suffix}.warc.gz"

    def exists(self) -> bool:
        return (self.root / INDEX).is_file()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is None:
            if not create and not self.exists():
                return None
            make_store_folder(self.root)
            try:
                db = sqlite3.connect(self.root / INDEX, isolation_level=None, timeout=30)
                _check_version(db, self.root)
                _enter_wal(db)
                db.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against a killed process
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version={STORE_VERSION}")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.root}: not a snapshot store ({INDEX}: {exc})") from exc
            db.row_factory = sqlite3.Row
            self._known = frozenset(
                row[0]
                for row in db.execute(
                    "SELECT url FROM snapshots UNION SELECT url FROM quote_checks"
                )
            )
            self._db = db
        return self._db

    # --- reading --------------------------------------------------------------------------

    def latest(self, url: str, with_body: bool = False) -> Snapshot | None:
        """The most recently seen snapshot of `url` (with a stored body, if asked); or None."""
        url = redact(url)  # the index never holds user:password@
        recent = (self._recent_body if with_body else self._recent).get(url)
        if recent is not None:
            return recent
        db = self._connect(create=False)
        if db is None or url not in self._known:
            return None
        where = " AND warc_file IS NOT NULL" if with_body else ""
        row = db.execute(
            f"SELECT * FROM snapshots WHERE url = ?{where} "
            "ORDER BY last_seen_at DESC, id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return _snapshot(row) if row else None

    def history(self, url: str | None = None) -> list[Snapshot]:
        """Every snapshot of `url` (of every URL when None), oldest first."""
        url = None if url is None else redact(url)
        self.flush()
        db = self._connect(create=False)
        if db is None:
            return []
        if url is None:
            rows = db.execute("SELECT * FROM snapshots ORDER BY fetched_at, id")
        else:
            rows = db.execute(
                "SELECT * FROM snapshots WHERE url = ? ORDER BY fetched_at, id", (url,)
            )
        return [_snapshot(r) for r in rows]

    def snapshot(self, snapshot_id: int) -> Snapshot | None:
        """The snapshot with this id (a pending id waits for the writer); or None."""
        if snapshot_id < 0:
            self.flush()
            snapshot_id = self._ids.get(snapshot_id) or (
                self._writer.resolve(snapshot_id) if self._writer else -1
            )
        db = self._connect(create=False)
        row = (
            db.execute("SELECT * FROM snapshots WHERE id = ?", (snapshot_id,)).fetchone()
            if db
            else None
        )
        return _snapshot(row) if row else None

    def body(self, snapshot: Snapshot) -> bytes:
        """The stored payload of `snapshot` read back from its WARC record (b"" if none).

        An indexed snapshot's body is read without the index, so from any thread.
        """
        if snapshot.pending and snapshot.has_body:
            indexed = self.snapshot(snapshot.id)
            assert indexed is not None
            snapshot = indexed
        if snapshot.warc_file is None or snapshot.warc_offset is None:
            return b""
        where = f"{snapshot.warc_file}@{snapshot.warc_offset}"
        try:
            payload = self._payload(snapshot)
        except FileNotFoundError:
            raise DamagedRecordError(f"{where}: the WARC file is missing") from None
        except Exception as exc:  # noqa: BLE001 - a damaged file can fail any way
            raise DamagedRecordError(f"{where}: {str(exc) or type(exc).__name__}") from None
        if payload is None:
            raise DamagedRecordError(f"{where}: no response record")
        if snapshot.content_hash and content_hash(payload) != snapshot.content_hash:
            raise DamagedRecordError(f"{where}: the body does not match its hash in the index")
        return payload

    def record_intact(self, snapshot: Snapshot) -> bool:
        """True when the snapshot's WARC record is still whole: its file is there and its
        gzip member inflates with the right CRC (a flipped byte, garbage or a cut file
        fail). A pending snapshot (this run's) is taken as whole."""
        if snapshot.pending or snapshot.warc_file is None or snapshot.warc_offset is None:
            return True
        from isal import isal_zlib  # checks the gzip trailer's CRC, at twice gzip's speed

        try:
            isal_zlib.decompress(self._raw_record(snapshot), wbits=31)
        except Exception:  # noqa: BLE001 - a damaged member can fail any way
            return False
        return True

    def _payload(self, snapshot: Snapshot) -> bytes | None:
        """The response record's payload at the snapshot's place, None when there is none."""
        from warcio.archiveiterator import ArchiveIterator  # ~50 ms: only when a body is read

        assert snapshot.warc_file is not None and snapshot.warc_offset is not None
        with open(self.root / snapshot.warc_file, "rb") as fh:
            fh.seek(snapshot.warc_offset)
            for record in ArchiveIterator(io.BytesIO(fh.read(snapshot.warc_length or 0))):
                if record.rec_type == "response":
                    return bytes(record.content_stream().read())
        return None

    def quote_checks(self, url: str, quote: str, before_run: bool = True) -> list[QuoteCheck]:
        """Checks of `quote` at `url`, oldest first; those of this run left out by default."""
        url = redact(url)  # the index never holds user:password@
        if not before_run:
            self.flush()
        db = self._connect(create=False)
        if db is None or (before_run and url not in self._known):
            return []
        rows = db.execute(
            "SELECT * FROM quote_checks WHERE url = ? AND quote = ? AND run_id != ?"
            " ORDER BY checked_at, id",
            (url, quote, self.run_id if before_run else ""),
        )
        return [
            QuoteCheck(r["run_id"], r["quote"], r["status"], r["checked_at"], r["snapshot_id"])
            for r in rows
        ]

    def last_check(self, url: str) -> tuple[QuoteCheck, Snapshot] | None:
        """The latest check at `url` from an earlier run, with the snapshot it judged."""
        url = redact(url)  # the index never holds user:password@
        db = self._connect(create=False)
        if db is None or url not in self._known:
            return None
        row = db.execute(
            "SELECT * FROM quote_checks WHERE url = ? AND run_id != ? "
            "ORDER BY checked_at DESC, id DESC LIMIT 1",
            (url, self.run_id),
        ).fetchone()
        if row is None:
            return None
        check = QuoteCheck(
            row["run_id"], row["quote"], row["status"], row["checked_at"], row["snapshot_id"]
        )
        snapshot = self.snapshot(check.snapshot_id)
        return (check, snapshot) if snapshot else None

    def quote_results(self, url: str, page: PageKey) -> dict[str, str]:
        """quote -> stored QuoteResult JSON of every quote checked against `page`; one query.

        {} for a URL earlier runs never saw: its results, if any, were made under another URL
        and are not worth a query on a cold run.
        """
        url = redact(url)  # the index never holds user:password@
        db = self._connect(create=False)
        if db is None or url not in self._known:
            return {}
        rows = db.execute(
            "SELECT quote, result FROM quote_results WHERE content_hash = ? AND link = ?"
            " AND media_type = ? AND charset = ? AND matcher = ?",
            page,
        )
        return {row[0]: row[1] for row in rows}

    # --- writing --------------------------------------------------------------------------

    def keep(self, result: FetchResult, fresh: bool = False) -> Snapshot:
        """Queue `result` for the writer thread; returns its snapshot without waiting.

        A new snapshot carries a negative pending id (and no WARC offset) until its batch is
        written; every method of this store accepts it. An unchanged body (same hash as the
        latest stored one) is not written again: that snapshot is confirmed instead, unless
        `fresh` (the stored copy was found damaged: the body is written anew).
        """
        from factcheck.fetch.outcomes import FetchOutcome

        result = _redacted(result)
        has_body = result.outcome is FetchOutcome.OK
        digest = content_hash(result.body) if has_body else None
        previous = self.latest(result.url, with_body=has_body)
        if (
            previous
            and not fresh
            and _same_answer(previous, result, digest)
            and (not has_body or self.record_intact(previous))
        ):
            return self.confirm(previous, result)
        writer = self._writer_thread()
        now = utc_now()
        snapshot = Snapshot(
            next(self._pending),
            result.url,
            now,
            now,
            result.outcome.value,
            result.reason,
            result.http_status,
            result.final_url,
            result.permanent_redirect,
            result.media_type,
            result.charset,
            result.headers.get("etag"),
            result.headers.get("last-modified"),
            digest,
            writer.warc_name if has_body else None,
            None,
            None,
        )
        writer.put(NewSnapshot(snapshot.id, _columns(snapshot), result if has_body else None))
        return self._remember(snapshot)

    def record(self, result: FetchResult) -> Snapshot:
        """Keep `result` and wait until it is on disk; returns its indexed snapshot."""
        snapshot = self.keep(result)
        self.flush()
        indexed = self.snapshot(snapshot.id)
        assert indexed is not None
        return indexed

    def confirm(self, snapshot: Snapshot, answer: FetchResult) -> Snapshot:
        """Mark `snapshot` as still current (a 304, or the same body again); returns it
        updated, without waiting for the write."""
        seen = replace(
            snapshot,
            last_seen_at=utc_now(),
            etag=answer.headers.get("etag") or snapshot.etag,
            last_modified=answer.headers.get("last-modified") or snapshot.last_modified,
        )
        self._writer_thread().put(Seen(seen.id, seen.last_seen_at, seen.etag, seen.last_modified))
        return self._remember(seen)

    def _remember(self, snapshot: Snapshot) -> Snapshot:
        self._recent[snapshot.url] = snapshot
        if snapshot.has_body:
            self._recent_body[snapshot.url] = snapshot
        return snapshot

    def record_checks(self, url: str, snapshot_id: int, statuses: list[tuple[str, str]]) -> None:
        """Queue which quotes were found (quote, status) in `snapshot_id` during this run."""
        url = redact(url)  # the index never holds user:password@
        if statuses:
            self._writer_thread().put(
                Checks(self.run_id, url, snapshot_id, utc_now(), tuple(statuses))
            )

    def record_verdict(self, key: str, result: str | None) -> None:
        """Keep a citation's `ok` verdict (`result`, as verdicts.encode_ok gives it) under
        `key`, checked now; None forgets the key's verdict (it is not ok any more). The
        credentials of its URLs are redacted: the index never holds user:password@."""
        kept = None if result is None else redact(result)
        self._writer_thread().put(Verdict(key, time.time(), kept))

    def keep_quote_results(self, page: PageKey, results: list[tuple[str, str]]) -> None:
        """Queue (quote, QuoteResult JSON) pairs checked against `page`, for later runs."""
        if results:
            self._writer_thread().put(QuoteResults(page, tuple(results)))

    def flush(self) -> None:
        """Wait until everything queued is written and committed.

        Raises StoreError when a write failed (disk full, store folder removed).
        """
        if self._writer is not None:
            self._writer.flush()
            self._raise_write_error()

    def _raise_write_error(self) -> None:
        if self._writer is not None and self._writer.error is not None:
            error = self._writer.error
            raise StoreError(f"{self.root}: could not write snapshots ({error})") from error

    def _writer_thread(self) -> StoreWriter:
        if self._writer is None:
            self._connect(create=True)  # the schema exists before the thread writes rows
            self._writer = StoreWriter(self.root, self.root / INDEX, self.warc_name())
            atexit.register(self.close)
        self._raise_write_error()
        return self._writer

    # --- export ---------------------------------------------------------------------------

    def export_warc(self, dest: Path | str, url: str | None = None) -> tuple[int, list[str]]:
        """Write every indexed record (of `url` only, if given) to one WARC file at `dest`.

        Gzip members are copied byte for byte after a fresh warcinfo record, each one read
        back and checked against its hash first: a damaged record is left out, never
        exported as good. Returns (records written, why each damaged one was left out).
        Unindexed tails of killed runs are left out.
        """
        written, damaged = 0, []
        with open(dest, "wb") as out:
            out.write(gzip_member(warcinfo_record(Path(dest).name)))
            for snapshot in (s for s in self.history(url) if s.has_body):
                try:
                    self.body(snapshot)
                except DamagedRecordError as exc:
                    damaged.append(f"{snapshot.url}: {exc}")
                    continue
                out.write(self._raw_record(snapshot))
                written += 1
        return written, damaged

    def _raw_record(self, snapshot: Snapshot) -> bytes:
        assert snapshot.warc_file is not None and snapshot.warc_offset is not None
        with open(self.root / snapshot.warc_file, "rb") as fh:
            fh.seek(snapshot.warc_offset)
            return fh.read(snapshot.warc_length or 0)


def _redacted(result: FetchResult) -> FetchResult:
    """`result` with the credentials of its URLs redacted: `user:password@` is never
    written to the index or to a WARC record's target URI."""
    if "@" not in result.url and "@" not in (result.final_url or ""):
        return result
    return replace(
        result,
        url=redact(result.url),
        final_url=result.final_url and redact(result.final_url),
        permanent_redirect=result.permanent_redirect and redact(result.permanent_redirect),
        reason=redact(result.reason),
    )


def _same_answer(snapshot: Snapshot, result: FetchResult, digest: str | None) -> bool:
    """True when `result` says what `snapshot` says: the same body, or the same failure."""
    if digest is not None:
        return snapshot.content_hash == digest
    return (
        not snapshot.has_body
        and snapshot.outcome == result.outcome.value
        and snapshot.http_status == result.http_status
        and untried_reason(snapshot.reason) == untried_reason(result.reason)
    )


# hashlib lets go of the GIL for inputs of 2 KiB and more; getting it back from the store's
# writer thread takes about a millisecond each time (profiled), far longer than hashing a
# whole page while holding it (~40 us). Bodies are hashed in pieces that keep it.
_HASH_PIECE = 2047


def content_hash(body: bytes) -> str:
    """`sha256:<hex>` of `body`, hashed on the event loop without letting go of the GIL
    (see _HASH_PIECE). It is also the body's WARC-Payload-Digest."""
    digest = hashlib.sha256()
    view = memoryview(body)
    for start in range(0, len(view), _HASH_PIECE):
        digest.update(view[start : start + _HASH_PIECE])
    return "sha256:" + digest.hexdigest()


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _snapshot(row: sqlite3.Row) -> Snapshot:
    return Snapshot(**{key: row[key] for key in row.keys()})


def _columns(snapshot: Snapshot) -> tuple[Any, ...]:
    """The index columns of `snapshot` from url to content_hash (no id, no WARC location)."""
    return (
        snapshot.url,
        snapshot.fetched_at,
        snapshot.last_seen_at,
        snapshot.outcome,
        snapshot.reason,
        snapshot.http_status,
        snapshot.final_url,
        snapshot.permanent_redirect,
        snapshot.media_type,
        snapshot.charset,
        snapshot.etag,
        snapshot.last_modified,
        snapshot.content_hash,
    )


def iter_records(path: Path) -> Iterator[tuple[str, str]]:
    """(record type, target URI) of every record in the WARC file at `path`."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            yield record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or ""


__all__ = [
    "PageKey",
    "QuoteCheck",
    "Snapshot",
    "SnapshotStore",
    "StoreError",
    "iter_records",
    "utc_now",
]
