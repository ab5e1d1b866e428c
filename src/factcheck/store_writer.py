"""The snapshot store's writer: one background thread that owns every write to disk.

The event loop hands it operations (a new snapshot with its body, a "still current" update,
quote checks) through a bounded queue and goes on. The thread takes whatever is queued, up to
`BATCH` operations, and writes them as one batch in this order:

1. every new body as a WARC record (its own gzip member, compressed here, off the loop);
2. one flush and one fsync of the WARC file;
3. every index row of the batch in one SQLite transaction, then the commit.

So an index row only ever points at WARC bytes already on disk, and a killed run loses at
most the operations queued or in the batch being written; a partial gzip member left at the
end of a WARC file is never indexed. Operations refer to snapshots of the same run by the
negative "pending id" the store handed out; the thread maps those to the rows it inserted.
"""

from __future__ import annotations

import io
import os
import queue
import sqlite3
import threading
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factcheck import __version__
from factcheck.fetch import FetchResult

BATCH = 256  # operations per batch at most: one fsync and one commit each
# Bodies queued and not yet written, at most: past it `put` waits (the disk is slower than the
# network), so memory follows what is in flight rather than what the disk has not caught up.
QUEUE_BYTES = 32 * 1024 * 1024
# zlib level for the gzip members: level 1 is ~4x faster than warcio's 9 on HTML pages and
# the file ~15% larger; readers do not care which level wrote a member.
GZIP_LEVEL = 1
# Headers that describe the transfer, not the stored payload (the fetcher decodes bodies).
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_INSERT = (
    "INSERT INTO snapshots (url, fetched_at, last_seen_at, outcome, reason, http_status,"
    " final_url, permanent_redirect, media_type, charset, etag, last_modified,"
    " content_hash, warc_file, warc_offset, warc_length)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SEEN = "UPDATE snapshots SET last_seen_at = ?, etag = ?, last_modified = ? WHERE id = ?"
_CHECK = (
    "INSERT INTO quote_checks (run_id, url, quote, status, checked_at, snapshot_id)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_RESULT = (
    "INSERT OR REPLACE INTO quote_results"
    " (content_hash, link, media_type, charset, matcher, quote, result)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# Results of other matcher versions are never read again: dropped once per run.
_PRUNE = "DELETE FROM quote_results WHERE matcher != ?"


@dataclass(frozen=True)
class NewSnapshot:
    """A snapshot row to insert (every column but the WARC location), and its answer when
    the body is to be kept."""

    pending_id: int
    row: tuple[Any, ...]
    answer: FetchResult | None


@dataclass(frozen=True)
class Seen:
    """A stored snapshot confirmed as current: new last-seen date and validators."""

    snapshot_id: int
    last_seen_at: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Checks:
    """Quote checks of one run against one snapshot: (quote, status) pairs."""

    run_id: str
    url: str
    snapshot_id: int
    checked_at: str
    statuses: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class QuoteResults:
    """Quote results worth keeping for later runs: (quote, QuoteResult JSON) pairs checked
    against one page key (content hash, link, media type, charset, matcher version)."""

    page: tuple[str, str, str, str, str]
    results: tuple[tuple[str, str], ...]


@dataclass
class Barrier:
    """Set once every operation queued before it is on disk (or the writer has failed)."""

    done: threading.Event = field(default_factory=threading.Event)


Operation = NewSnapshot | Seen | Checks | QuoteResults | Barrier


class StoreWriter:
    """The thread writing one run's WARC file (`warc_name` under `root`) and index rows."""

    def __init__(self, root: Path, index: Path, warc_name: str) -> None:
        self.root = root
        self.index = index
        self.warc_name = warc_name
        self.error: BaseException | None = None  # the first write that failed
        self.ids: dict[int, int] = {}  # pending id -> row id; read it after a Barrier
        self._queue: queue.Queue[Operation | None] = queue.Queue()
        self._queued_bytes = 0
        self._room = threading.Condition()
        self._warc: IO[bytes] | None = None
        self._pruned: set[str] = set()  # matcher versions whose rivals are deleted
        self._thread = threading.Thread(target=self._run, name="factcheck-store", daemon=True)
        self._thread.start()

    def put(self, operation: Operation) -> None:
        """Queue `operation`; waits only while QUEUE_BYTES of bodies are queued already."""
        size = _body_size(operation)
        with self._room:
            while self._queued_bytes and self._queued_bytes + size > QUEUE_BYTES:
                self._room.wait()
            self._queued_bytes += size
        self._queue.put(operation)

    def flush(self) -> None:
        """Wait until everything queued so far is written and committed."""
        barrier = Barrier()
        self._queue.put(barrier)
        barrier.done.wait()

    def close(self) -> None:
        """Write what is queued, then stop the thread and close the files."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def resolve(self, snapshot_id: int) -> int:
        """The row id of `snapshot_id` (itself when it is not a pending id); -1 unknown."""
        return snapshot_id if snapshot_id > 0 else self.ids.get(snapshot_id, -1)

    # --- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        db = sqlite3.connect(self.index, isolation_level=None, timeout=30)
        try:
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against a killed process
            stop = False
            while not stop:
                batch = self._next_batch()
                stop = None in batch
                operations = [op for op in batch if op is not None]
                if self.error is None:
                    try:
                        self._write(db, operations)
                    except Exception as exc:  # kept; the store raises it from flush and close
                        self.error = exc
                with self._room:
                    self._queued_bytes -= sum(_body_size(op) for op in operations)
                    self._room.notify_all()
                for op in operations:
                    if isinstance(op, Barrier):
                        op.done.set()
        finally:
            db.close()
            if self._warc is not None:
                self._warc.close()

    def _next_batch(self) -> list[Operation | None]:
        batch = [self._queue.get()]
        while len(batch) < BATCH and batch[-1] is not None:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write(self, db: sqlite3.Connection, batch: list[Operation]) -> None:
        """WARC records first, flushed and synced once; then the index rows, one commit."""
        located = {
            op.pending_id: self._append(op.answer)
            for op in batch
            if isinstance(op, NewSnapshot) and op.answer is not None
        }
        if located:
            assert self._warc is not None
            self._warc.flush()
            os.fsync(self._warc.fileno())
        if not any(not isinstance(op, Barrier) for op in batch):
            return
        db.execute("BEGIN")
        try:
            for op in batch:
                self._index(db, op, located)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _index(
        self, db: sqlite3.Connection, op: Operation, located: dict[int, tuple[str, int, int]]
    ) -> None:
        if isinstance(op, NewSnapshot):
            where = located.get(op.pending_id, (None, None, None))
            cursor = db.execute(_INSERT, (*op.row, *where))
            self.ids[op.pending_id] = int(cursor.lastrowid or 0)
        elif isinstance(op, Seen):
            db.execute(
                _SEEN, (op.last_seen_at, op.etag, op.last_modified, self.resolve(op.snapshot_id))
            )
        elif isinstance(op, Checks):
            snapshot_id = self.resolve(op.snapshot_id)
            db.executemany(
                _CHECK,
                [
                    (op.run_id, op.url, quote, status, op.checked_at, snapshot_id)
                    for quote, status in op.statuses
                ],
            )
        elif isinstance(op, QuoteResults):
            matcher = op.page[4]
            if matcher not in self._pruned:
                db.execute(_PRUNE, (matcher,))
                self._pruned.add(matcher)
            db.executemany(_RESULT, [(*op.page, quote, json) for quote, json in op.results])

    def _append(self, answer: FetchResult) -> tuple[str, int, int]:
        """Append one response record as its own gzip member (not yet synced)."""
        fh = self._warc_file()
        offset = fh.tell()
        fh.write(gzip_member(_response_record(answer)))
        return self.warc_name, offset, fh.tell() - offset

    def _warc_file(self) -> IO[bytes]:
        if self._warc is None:
            path = self.root / self.warc_name
            path.parent.mkdir(parents=True, exist_ok=True)
            self._warc = open(path, "ab")
            if self._warc.tell() == 0:
                self._warc.write(gzip_member(warcinfo_record(self.warc_name)))
        return self._warc


def _body_size(operation: Operation) -> int:
    if isinstance(operation, NewSnapshot) and operation.answer is not None:
        return len(operation.answer.body)
    return 0


def gzip_member(record: Any) -> bytes:
    """`record` serialised by warcio, as one gzip member compressed at GZIP_LEVEL."""
    raw = io.BytesIO()
    WARCWriter(raw, gzip=False).write_record(record)
    return zlib.compress(raw.getbuffer(), GZIP_LEVEL, wbits=31)


def _response_record(result: FetchResult) -> Any:
    status = result.http_status or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    headers = [(k, v) for k, v in result.headers.items() if k not in _TRANSFER_HEADERS]
    headers.append(("content-length", str(len(result.body))))
    http_headers = StatusAndHeaders(f"{status} {phrase}".strip(), headers, protocol="HTTP/1.1")
    writer = WARCWriter(io.BytesIO(), gzip=True)
    return writer.create_warc_record(
        result.final_url or result.url,
        "response",
        payload=io.BytesIO(result.body),
        length=len(result.body),
        http_headers=http_headers,
    )


def warcinfo_record(filename: str) -> Any:
    """The warcinfo record that opens every WARC file factcheck writes."""
    writer = WARCWriter(io.BytesIO(), gzip=True)
    info = {
        "software": f"factcheck/{__version__}",
        "format": "WARC File Format 1.0",
        "description": "evidence kept by factcheck verify",
    }
    return writer.create_warcinfo_record(filename, info)


__all__ = [
    "BATCH",
    "GZIP_LEVEL",
    "Barrier",
    "Checks",
    "NewSnapshot",
    "QuoteResults",
    "Seen",
    "StoreWriter",
    "gzip_member",
    "warcinfo_record",
]
