"""What a rendered page left: its DOM, its text and a picture, kept beside the snapshot of
the answer it was rendered from.

Each render adds three records to the run's `warc/factcheck-<run>-rendered.warc.gz`: the
DOM as serialized by the browser (a `resource` record, text/html), the text that was
checked (a `conversion` record, text/plain, `WARC-Refers-To` the DOM's record; a second one,
`Factcheck-Text: hidden`, holds the text of the elements the browser did not render, when
there is any) and the screenshot (a `resource` record, image/png). The DOM and the
screenshot are tied to the original answer's `response` record by `WARC-Concurrent-To`
(when the answer had a body to keep; a challenge page has none). The index's `renders`
table points at the records, and the screenshot is also written as
`screenshots/<run>-<n>.png`, the file the reports link. An offline run re-checks the stored
texts (`stored_texts`).

Renders are rare and slow (a second or more each), so they are written on the caller's
thread, in a file of their own: the store's writer thread never shares a file with them.
"""

from __future__ import annotations

import gzip
import io
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from factcheck.evidence.codec import INDEX
from factcheck.evidence.store import Snapshot, SnapshotStore, utc_now
from factcheck.render.rendered import RenderedPage
from factcheck.text import redact

HIDDEN_FIELD = "Factcheck-Text"  # WARC field of the conversion record of the unrendered text
_SCHEMA = """
CREATE TABLE IF NOT EXISTS renders (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    snapshot_id INTEGER,
    rendered_at TEXT NOT NULL,
    final_url TEXT,
    http_status INTEGER,
    settled INTEGER NOT NULL,
    warc_file TEXT NOT NULL,
    dom_offset INTEGER NOT NULL,
    text_offset INTEGER NOT NULL,
    shot_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    screenshot TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS renders_url ON renders (url, rendered_at);
"""


@dataclass(frozen=True)
class StoredRender:
    """One render in the store: where its records are and its screenshot file."""

    url: str
    rendered_at: str
    final_url: str | None
    http_status: int | None
    settled: bool
    warc_file: str
    text_offset: int
    shot_offset: int
    screenshot: str  # relative to the store folder

    @property
    def date(self) -> str:
        return self.rendered_at[:10]


def keep_render(
    store: SnapshotStore, url: str, snapshot: Snapshot | None, page: RenderedPage
) -> StoredRender:
    """Write `page`'s DOM, text and screenshot to the store; returns where they are."""
    store.flush()  # the answer's response record is on disk and indexed
    indexed = store.snapshot(snapshot.id) if snapshot is not None else None
    response_id = _response_id(store, indexed) if indexed is not None else None
    url = redact(url)
    warc_file = store.warc_name().replace(".warc.gz", "-rendered.warc.gz")
    records = _records(url, page, response_id)
    offsets = _append(store.root / warc_file, records)
    if len(records) > 3:  # the hidden text's record sits inside the text's span
        offsets = [offsets[0], offsets[1], *offsets[3:]]
    name = f"screenshots/{store.run_id}-{uuid.uuid4().hex[:8]}.png"
    (store.root / "screenshots").mkdir(exist_ok=True)
    (store.root / name).write_bytes(page.screenshot)
    loaded = page.loaded
    kept = StoredRender(
        url, utc_now(), loaded.final_url, loaded.http_status, loaded.settled,
        warc_file, offsets[1], offsets[2], name,
    )  # fmt: skip
    with _index(store) as db:
        db.execute(
            "INSERT INTO renders (url, snapshot_id, rendered_at, final_url, http_status,"
            " settled, warc_file, dom_offset, text_offset, shot_offset, end_offset, screenshot)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (url, indexed.id if indexed else None, kept.rendered_at, kept.final_url,
             kept.http_status, int(kept.settled), warc_file, *offsets, name),
        )  # fmt: skip
    return kept


def renders_of(store: SnapshotStore, url: str) -> list[StoredRender]:
    """Every render of `url` in the store, oldest first ([] when there is none)."""
    if not store.exists():
        return []
    with _index(store, create=False) as db:
        try:
            rows = db.execute(
                "SELECT url, rendered_at, final_url, http_status, settled, warc_file,"
                " text_offset, shot_offset, screenshot FROM renders WHERE url = ?"
                " ORDER BY rendered_at, id",
                (redact(url),),
            ).fetchall()
        except sqlite3.OperationalError:  # no render was ever kept: no table yet
            return []
    return [StoredRender(r[0], r[1], r[2], r[3], bool(r[4]), *r[5:]) for r in rows]


def latest_render(store: SnapshotStore, url: str) -> StoredRender | None:
    """The latest render of `url` in the store, or None."""
    found = renders_of(store, url)
    return found[-1] if found else None


def stored_texts(store: SnapshotStore, kept: StoredRender) -> tuple[str, str]:
    """(the rendered text that was checked, the text of what the browser did not render),
    read back from their conversion records ('' for a render kept without the second)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(store.root / kept.warc_file, "rb") as fh:
        fh.seek(kept.text_offset)
        chunk = fh.read(kept.shot_offset - kept.text_offset)
    texts: dict[str, str] = {}
    for record in ArchiveIterator(io.BytesIO(chunk)):
        if record.rec_type == "conversion":
            kind = record.rec_headers.get_header(HIDDEN_FIELD) or "shown"
            texts[kind] = bytes(record.content_stream().read()).decode("utf-8")
    if "shown" not in texts:
        raise ValueError(f"{kept.warc_file}@{kept.text_offset}: no conversion record")
    return texts["shown"], texts.get("hidden", "")


class _index:
    """The store's index, with the renders table, as a context manager."""

    def __init__(self, store: SnapshotStore, create: bool = True) -> None:
        self.db = sqlite3.connect(store.root / INDEX, isolation_level=None, timeout=30)
        if create:
            self.db.executescript(_SCHEMA)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


def _response_id(store: SnapshotStore, snapshot: Snapshot) -> str | None:
    """The WARC-Record-ID of the response record `snapshot` points at (None without one)."""
    if snapshot.warc_file is None or snapshot.warc_offset is None:
        return None
    from warcio.archiveiterator import ArchiveIterator

    with open(store.root / snapshot.warc_file, "rb") as fh:
        fh.seek(snapshot.warc_offset)
        chunk = fh.read(snapshot.warc_length or 0)
    for record in ArchiveIterator(io.BytesIO(chunk)):
        return str(record.rec_headers.get_header("WARC-Record-ID"))
    return None


def _records(url: str, page: RenderedPage, response_id: str | None) -> list[bytes]:
    """The DOM (resource), its text (conversion), the text of what was not rendered
    (conversion, when there is any) and the screenshot (resource), each a gzip member."""
    tied = {"WARC-Concurrent-To": response_id} if response_id else {}
    dom_id = f"<urn:uuid:{uuid.uuid4()}>"
    html, png = "text/html; charset=utf-8", "image/png"
    return [
        _member("resource", url, html, page.loaded.dom.encode("utf-8"), dom_id, tied),
        _member(
            "conversion",
            url,
            "text/plain; charset=utf-8",
            page.loaded.text.encode("utf-8"),
            f"<urn:uuid:{uuid.uuid4()}>",
            {"WARC-Refers-To": dom_id},
        ),  # fmt: skip
        *_hidden_record(url, page.loaded.hidden, dom_id),
        _member("resource", url, png, page.screenshot, f"<urn:uuid:{uuid.uuid4()}>", tied),
    ]


def _hidden_record(url: str, hidden: str, dom_id: str) -> list[bytes]:
    if not hidden:
        return []
    extra = {"WARC-Refers-To": dom_id, HIDDEN_FIELD: "hidden"}
    plain, record_id = "text/plain; charset=utf-8", f"<urn:uuid:{uuid.uuid4()}>"
    return [_member("conversion", url, plain, hidden.encode("utf-8"), record_id, extra)]


def _member(
    kind: str, url: str, content_type: str, payload: bytes, record_id: str, extra: dict[str, str]
) -> bytes:
    """One WARC record in its own gzip member (as the store writes its responses)."""
    head = "".join(
        f"{name}: {value}\r\n"
        for name, value in {
            "WARC-Type": kind,
            "WARC-Record-ID": record_id,
            "WARC-Target-URI": url,
            "WARC-Date": utc_now(),
            **extra,
            "Content-Type": content_type,
            "Content-Length": str(len(payload)),
        }.items()
    )
    record = b"".join((b"WARC/1.0\r\n", head.encode("utf-8"), b"\r\n", payload, b"\r\n\r\n"))
    return gzip.compress(record, compresslevel=6)


def _append(path: Path, members: list[bytes]) -> list[int]:
    """Append the gzip `members` to the WARC file; [offset of each, end offset]."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as fh:
        start = fh.tell()
    offsets = [start]
    for member in members:
        offsets.append(offsets[-1] + len(member))
    with open(path, "ab") as fh:
        fh.write(b"".join(members))
        fh.flush()
    return offsets
