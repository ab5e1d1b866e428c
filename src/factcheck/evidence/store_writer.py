"""The snapshot store's writer: one background thread that owns every write to disk.

The event loop hands it operations (a new snapshot with its body, a "still current" update,
quote checks) through a bounded queue and goes on. The thread takes whatever is queued, up to
`BATCH` operations (after a smaller batch it waits `LINGER` for more), and writes them as one
batch in this order:

1. every new body as a WARC record (its own gzip member, deflated without the GIL), all in
   one write;
2. one flush and one fsync of the WARC file;
3. every index row of the batch in one SQLite transaction, then the commit.

So an index row only ever points at WARC bytes already on disk, and a killed run loses at
most the operations queued or in the batch being written; a partial gzip member left at the
end of a WARC file is never indexed. Operations refer to snapshots of the same run by the
negative "pending id" the store handed out; the thread maps those to the rows it inserted.
"""

from __future__ import annotations

import base64
import io
import os
import queue
import random
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from isal import isal_zlib

if TYPE_CHECKING:  # the fetcher loads aiohttp: a run that fetches nothing does without it
    from factcheck.fetch.client import FetchResult
from factcheck.version import __version__

BATCH = 256  # operations per batch at most: one fsync and one commit each
# After a batch smaller than BATCH the writer waits this long for more operations (unless
# a flush, the close or a full queue is waiting): pages arrive a few milliseconds apart, and
# every batch costs an fsync, a commit and GIL hand-overs that make the event loop wait.
LINGER = 0.025
# Random record ids (uuid4) drawn without os.urandom, which lets go of the GIL; the generator
# is seeded from os.urandom.
_RECORD_IDS = random.Random()
# Bodies queued and not yet written, at most: past it `put` waits (the writer is slower than
# the network), so memory follows what is in flight rather than what the writer has not caught
# up. At N=2,000 a process's queue peaks at 8-12 MiB; in a long run (N=20,000) the writer
# falls behind and a 32 MiB queue filled, ~10 MB more per process for no gain in time.
QUEUE_BYTES = 16 * 1024 * 1024
# The gzip members are compressed with ISA-L (isal), level 1: the same gzip format, about 4x
# faster than zlib's level 1 on HTML pages and a little smaller (zlib level 1 was itself ~4x
# faster than warcio's 9); readers do not care what wrote a member.
GZIP_LEVEL = 1
# A NewSnapshot's row ends with the body's content hash (see store._columns).
_CONTENT_HASH = -1
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
_VERDICT = "INSERT OR REPLACE INTO verdicts (key, checked_at, result) VALUES (?, ?, ?)"
_FORGET = "DELETE FROM verdicts WHERE key = ?"
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


@dataclass(frozen=True)
class Verdict:
    """A citation's verdict (evidence/verdicts.py): its kept `ok` result, or None to forget
    an earlier one."""

    key: str
    checked_at: float
    result: str | None


@dataclass
class Barrier:
    """Set once every operation queued before it is on disk (or the writer has failed)."""

    done: threading.Event = field(default_factory=threading.Event)


Operation = NewSnapshot | Seen | Checks | QuoteResults | Verdict | Barrier


class StoreWriter:
    """The thread writing one run's WARC file (`warc_name` under `root`) and index rows."""

    def __init__(self, root: Path, index: Path, warc_name: str) -> None:
        self.root = root
        self.index = index
        self.warc_name = warc_name
        self.error: BaseException | None = None  # the first write that failed
        self.ids: dict[int, int] = {}  # pending id -> row id; read it after a Barrier
        # One thread puts (the event loop's), one takes (the writer): a SimpleQueue and two
        # byte counters, each written by one side, so a put takes no Python-level lock unless
        # QUEUE_BYTES are waiting (a contended lock costs a GIL hand-over).
        self._queue: queue.SimpleQueue[Operation | None] = queue.SimpleQueue()
        self._put_bytes = 0
        self._written_bytes = 0
        self._room = threading.Condition()
        self._hurry = threading.Event()  # someone waits for the writer: do not linger
        self._warc: IO[bytes] | None = None
        self._pruned: set[str] = set()  # matcher versions whose rivals are deleted
        self._thread = threading.Thread(target=self._run, name="factcheck-store", daemon=True)
        self._thread.start()

    def put(self, operation: Operation) -> None:
        """Queue `operation`; waits only while QUEUE_BYTES of bodies are queued already.

        Meant for one thread (the event loop's): were two to put at once, an update of the
        byte count could be lost, which lets a little more wait in memory and never blocks.
        """
        size = _body_size(operation)
        if self._full(size):
            with self._room:
                while self._full(size):
                    self._hurry.set()
                    self._room.wait()
        self._put_bytes += size
        self._queue.put(operation)

    def _full(self, size: int) -> bool:
        queued = self._put_bytes - self._written_bytes
        return queued > 0 and queued + size > QUEUE_BYTES

    def flush(self) -> None:
        """Wait until everything queued so far is written and committed."""
        barrier = Barrier()
        self._queue.put(barrier)
        self._hurry.set()
        barrier.done.wait()

    def close(self) -> None:
        """Write what is queued, then stop the thread and close the files."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._hurry.set()
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
                    self._written_bytes += sum(_body_size(op) for op in operations)
                    self._room.notify_all()
                for op in operations:
                    if isinstance(op, Barrier):
                        op.done.set()
                if not stop and len(batch) < BATCH:
                    self._hurry.wait(LINGER)
                    self._hurry.clear()
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
        """WARC records first, written, flushed and synced once; then the index rows, one
        commit."""
        located = self._append(
            [op for op in batch if isinstance(op, NewSnapshot) and op.answer is not None]
        )
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
        elif isinstance(op, Verdict):
            if op.result is None:
                db.execute(_FORGET, (op.key,))
            else:
                db.execute(_VERDICT, (op.key, op.checked_at, op.result))

    def _append(self, kept: list[NewSnapshot]) -> dict[int, tuple[str, int, int]]:
        """Append a response record per snapshot, each its own gzip member, in one write;
        then flush and fsync. Returns pending id -> (file, offset, length) of each record.

        A thread that lets go of the GIL waits to get it back until the busy event loop
        lets go of it in turn (about a millisecond): so a batch makes one write and one
        fsync, and a record one deflate.
        """
        if not kept:
            return {}
        fh = self._warc_file()
        offset = fh.tell()
        located, members = {}, []
        for op in kept:
            assert op.answer is not None
            member = response_member(op.answer, op.row[_CONTENT_HASH])
            located[op.pending_id] = (self.warc_name, offset, len(member))
            members.append(member)
            offset += len(member)
        fh.write(b"".join(members))
        fh.flush()
        os.fsync(fh.fileno())
        return located

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
    from warcio.warcwriter import WARCWriter  # warcio (~50 ms to import) only where used

    raw = io.BytesIO()
    WARCWriter(raw, gzip=False).write_record(record)
    return isal_zlib.compress(raw.getbuffer(), GZIP_LEVEL, wbits=31)


def response_member(result: FetchResult, content_hash: str) -> bytes:
    """`result` as a WARC response record in its own gzip member (GZIP_LEVEL).

    `content_hash` is the store's `sha256:<hex>` of the body, written as the record's
    WARC-Payload-Digest (base32, as warcio writes digests), so the body is hashed once per
    page. The record has no WARC-Block-Digest (optional in WARC 1.0): each record is its
    own gzip member, whose CRC-32 already catches a damaged record. Otherwise it is the
    record warcio builds, serialised here: building it with warcio held the GIL for ~120 us
    a page and let go of it a dozen times. What is left is one deflate, without the GIL.
    """
    http_head = _http_head(result)
    body = result.body
    algorithm, _, hexdigest = content_hash.partition(":")
    payload = base64.b32encode(bytes.fromhex(hexdigest)).decode("ascii")
    record_id = uuid.UUID(int=_RECORD_IDS.getrandbits(128), version=4)
    warc_head = (
        "WARC/1.0\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Target-URI: {result.final_url or result.url}\r\n"
        f"WARC-Date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\r\n"
        f"WARC-Payload-Digest: {algorithm}:{payload}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http_head) + len(body)}\r\n"
        "\r\n"
    )
    record = b"".join((warc_head.encode(), http_head, body, b"\r\n\r\n"))
    return isal_zlib.compress(record, GZIP_LEVEL, wbits=31)


def _http_head(result: FetchResult) -> bytes:
    """The stored status line and headers (transfer headers dropped, the decoded body's
    Content-Length) as warcio encodes them: ASCII, other values %-encoded (RFC 8187)."""
    status = result.http_status or 200
    from factcheck.fetch.outcomes import reason_phrase  # loaded by then: it fetched

    statusline = f"{status} {reason_phrase(status, None)}".strip()
    headers = [(k, v) for k, v in result.headers.items() if k not in _TRANSFER_HEADERS]
    headers.append(("content-length", str(len(result.body))))
    lines = [f"HTTP/1.1 {statusline}\r\n", *(f"{k}: {v}\r\n" for k, v in headers), "\r\n"]
    try:
        return "".join(lines).encode("ascii")
    except UnicodeEncodeError:  # rare: warcio %-encodes the values as it always did
        from warcio.statusandheaders import StatusAndHeaders

        http_headers = StatusAndHeaders(statusline, headers, protocol="HTTP/1.1")
        return bytes(http_headers.to_ascii_bytes())


def warcinfo_record(filename: str) -> Any:
    """The warcinfo record that opens every WARC file factcheck writes."""
    from warcio.warcwriter import WARCWriter

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
    "Verdict",
    "Seen",
    "StoreWriter",
    "gzip_member",
    "response_member",
    "warcinfo_record",
]
