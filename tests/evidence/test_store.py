"""The store on disk: WARC records readable by warcio, exports, and a killed run's leftovers."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factcheck.demo.server import serve_app
from factcheck.evidence import store_writer
from factcheck.evidence.store import PageKey, SnapshotStore, StoreError
from factcheck.evidence.store_writer import BATCH, response_member
from factcheck.fetch.client import FetchOutcome, FetchResult
from tests.conftest import ROOT, run_cli
from tests.snapshot_site import conditional_site, write_claims

PAGES = {
    f"page{i}.html": f"<html><body><p>Page {i} says the river rose {i} metres.</p></body></html>"
    for i in range(3)
}


def _records(path: Path) -> list[tuple[str, str, bytes]]:
    """(type, WARC-Target-URI, payload) of every record, read by warcio."""
    with open(path, "rb") as fh:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI") or "",
                r.content_stream().read(),
            )
            for r in ArchiveIterator(fh)
        ]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with serve_app(conditional_site(folder)) as base:
        yield base


def _ok(url: str, body: bytes, etag: str = '"v1"') -> FetchResult:
    return FetchResult(
        url,
        FetchOutcome.OK,
        http_status=200,
        final_url=url,
        media_type="text/html",
        charset="utf-8",
        body=body,
        headers={
            "etag": etag,
            "content-type": "text/html; charset=utf-8",
            "content-encoding": "gzip",
            "content-length": "12",
        },
    )


def test_record_keeps_body_validators_and_a_clean_warc_record(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path / "s") as store:
        snapshot = store.record(_ok("http://a.test/x", b"<p>hello</p>"))
        assert store.body(snapshot) == b"<p>hello</p>"
        assert (snapshot.etag, snapshot.http_status) == ('"v1"', 200)
        assert snapshot.content_hash == "sha256:" + hashlib.sha256(b"<p>hello</p>").hexdigest()
        warc = tmp_path / "s" / snapshot.warc_file if snapshot.warc_file else None
    assert warc is not None
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            # the body is stored decoded, so the transfer headers must not claim otherwise
            assert record.http_headers.get_header("Content-Encoding") is None
            assert record.http_headers.get_header("Content-Length") == "12"
            assert record.rec_headers.get_header("WARC-Target-URI") == "http://a.test/x"
            assert record.content_stream().read() == b"<p>hello</p>"


def _warcio_record(result: FetchResult) -> bytes:
    """The record warcio itself writes for `result` (uncompressed), to compare against."""
    transfer = ("content-encoding", "content-length")
    headers = [(k, v) for k, v in result.headers.items() if k not in transfer]
    headers.append(("content-length", str(len(result.body))))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    record = writer.create_warc_record(
        result.url,
        "response",
        payload=io.BytesIO(result.body),
        length=len(result.body),
        http_headers=http,
    )
    writer.write_record(record)
    return out.getvalue()


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "content-disposition": 'attachment; filename="r\u00e9sum\u00e9.pdf"',
            "x-t": "\u00e9t\u00e9",
        },
    ],
    ids=["ascii", "non-ascii headers"],
)
def test_response_records_are_warcios_but_for_one_sha256_digest_and_valid(
    extra: dict[str, str],
) -> None:
    result = _ok("http://a.test/r\u00e9sum\u00e9", b"<p>caf\xc3\xa9</p>" * 5000)
    result.headers.update(extra)
    content_hash = "sha256:" + hashlib.sha256(result.body).hexdigest()
    member = response_member(result, content_hash)
    ours = zlib.decompress(member, wbits=31)
    theirs = _warcio_record(result)

    def fixed(record: bytes) -> bytes:  # the record id and date differ between any two records
        uuid = rb"<urn:uuid:[0-9a-f-]{36}>"
        date = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
        digests = rb"\r\nWARC-(?:Payload|Block)-Digest: [^\r]+"
        record, ids = re.subn(
            rb"\r\nWARC-Record-ID: " + uuid + rb"\r\n", b"\r\nID\r\n", record, count=1
        )
        record, dates = re.subn(
            rb"\r\nWARC-Date: " + date + rb"\r\n", b"\r\nDATE\r\n", record, count=1
        )
        assert (ids, dates) == (1, 1)
        return re.sub(digests, b"", record)

    assert fixed(ours) == fixed(theirs)
    # one digest, the store's content hash of the payload, in base32 as warcio writes it
    payload = base64.b32encode(hashlib.sha256(result.body).digest()).decode()
    assert re.findall(rb"WARC-\w+-Digest: [^\r]+", ours) == [
        f"WARC-Payload-Digest: sha256:{payload}".encode()
    ]
    read = [  # each record read before the iterator moves on
        (record.content_stream().read(), record.digest_checker.passed)
        for record in ArchiveIterator(io.BytesIO(member), check_digests="raise")
    ]
    assert read == [(result.body, True)]


def test_same_body_again_is_not_stored_twice_and_failures_keep_no_body(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path / "s") as store:
        first = store.record(_ok("http://a.test/x", b"same"))
        again = store.record(_ok("http://a.test/x", b"same", etag='"v2"'))
        assert again.id == first.id
        assert again.etag == '"v2"'
        gone = store.record(
            FetchResult("http://a.test/y", FetchOutcome.BROKEN, "HTTP 404", http_status=404)
        )
        assert not gone.has_body
        assert store.body(gone) == b""
        assert [s.url for s in store.history()] == ["http://a.test/x", "http://a.test/y"]


def test_reading_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    with SnapshotStore(tmp_path / "none") as store:
        assert store.latest("http://a.test/x") is None
        assert store.history() == []
    assert not (tmp_path / "none").exists()


def test_queued_records_are_all_on_disk_and_indexed_after_close(tmp_path: Path) -> None:
    urls = [f"http://a.test/{i}" for i in range(BATCH * 2 + 7)]  # several writer batches
    with SnapshotStore(tmp_path / "s", run_id="r1") as store:
        kept = [store.keep(_ok(url, f"<p>page {url}</p>".encode())) for url in urls]
        assert all(s.pending and s.warc_offset is None for s in kept)  # nothing waited for
        assert store.body(kept[3]) == b"<p>page http://a.test/3</p>"  # waits for the writer
        for snapshot in kept:
            store.record_checks(snapshot.url, snapshot.id, [("page", "found")])

    with SnapshotStore(tmp_path / "s", run_id="r2") as store:
        indexed = store.history()
        assert [s.url for s in indexed] == urls
        assert [s.fetched_at for s in indexed] == [s.fetched_at for s in kept]
        assert all(store.body(s) == f"<p>page {s.url}</p>".encode() for s in indexed)
        checks = [store.quote_checks(url, "page") for url in urls]
        assert [[c.snapshot_id for c in cs] for cs in checks] == [[s.id] for s in indexed]
    [warc] = (tmp_path / "s" / "warc").glob("*.warc.gz")
    records = _records(warc)
    assert [kind for kind, _, _ in records] == ["warcinfo"] + ["response"] * len(urls)


def test_quote_results_are_kept_per_page_key_and_read_in_one_query(tmp_path: Path) -> None:
    page = PageKey("sha256:ab", "http://a.test/x", "text/html", "utf-8", "m1")
    with SnapshotStore(tmp_path / "s", run_id="r1") as store:
        store.keep(_ok("http://a.test/x", b"<p>x</p>"))
        store.keep_quote_results(page, [("q1", '{"a": 1}'), ("q2", '{"a": 2}')])
        store.keep_quote_results(page._replace(matcher="m2"), [("q1", '{"a": 3}')])

    with SnapshotStore(tmp_path / "s", run_id="r2") as store:
        # rows of other matcher versions were dropped when m2's were written
        assert store.quote_results("http://a.test/x", page) == {}
        assert store.quote_results("http://a.test/x", page._replace(matcher="m2")) == {
            "q1": '{"a": 3}'
        }
        assert store.quote_results("http://a.test/x", page._replace(link="http://a.test/y")) == {}
        # a URL no earlier run saw costs no query and finds nothing
        assert store.quote_results("http://a.test/new", page._replace(matcher="m2")) == {}


def test_a_full_queue_waits_for_the_writer_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_writer, "QUEUE_BYTES", 3000)  # some bodies alone are larger
    bodies = {f"http://a.test/{i}": bytes([65 + i % 26]) * 1000 * (1 + i % 5) for i in range(60)}

    def run() -> None:
        with SnapshotStore(tmp_path / "s") as store:
            for url, body in bodies.items():
                store.keep(_ok(url, body))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "keeping a body bigger than the queue's budget hung"
    with SnapshotStore(tmp_path / "s") as store:
        assert {s.url: store.body(s) for s in store.history()} == bodies


def test_a_failed_write_is_raised_and_indexes_nothing(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "warc").write_text("not a folder", encoding="utf-8")
    store = SnapshotStore(tmp_path / "s")
    store.keep(_ok("http://a.test/x", b"<p>hello</p>"))
    with pytest.raises(StoreError, match="could not write snapshots"):
        store.close()
    with SnapshotStore(tmp_path / "s") as reopened:
        assert reopened.history() == []


def test_exported_warc_is_read_back_by_warcio_with_the_cited_urls(
    tmp_path: Path, live: str
) -> None:
    urls = [f"{live}/{name}" for name in PAGES]
    claims = write_claims(tmp_path / "claims.yaml", [(u, ["the river rose"]) for u in urls])
    store = tmp_path / ".factcheck"
    assert run_cli("verify", str(claims), "--allow-private").code == 0
    out = tmp_path / "out.warc.gz"

    run = run_cli("snapshots", "export", "--warc", str(out), "--store", str(store))
    assert run.code == 0
    assert run.stderr.strip() == f"3 snapshots written to {out}"
    records = _records(out)
    assert records[0][0] == "warcinfo"
    responses = {uri: body for kind, uri, body in records if kind == "response"}
    assert responses == {u: PAGES[u.rsplit("/", 1)[1]].encode() for u in urls}


def test_snapshots_list_shows_each_snapshot_of_a_url(tmp_path: Path, live: str) -> None:
    url = f"{live}/page0.html"
    claims = write_claims(tmp_path / "claims.yaml", [(url, [])])
    assert run_cli("verify", str(claims), "--allow-private").code == 0
    run = run_cli("snapshots", "list", url + "#frag", "--store", str(tmp_path / ".factcheck"))
    assert run.code == 0
    [line] = run.stdout.splitlines()
    assert "  200  ok  sha256:" in line
    assert ".warc.gz@" in line
    missing = run_cli(
        "snapshots", "list", f"{live}/other.html", "--store", str(tmp_path / ".factcheck")
    )
    assert missing.code == 1
    assert "no snapshot of" in missing.stderr


def test_a_run_leaves_every_snapshot_and_check_in_the_store(tmp_path: Path, live: str) -> None:
    urls = [f"{live}/{name}" for name in PAGES]
    claims = write_claims(
        tmp_path / "claims.yaml",
        [(u, ["the river rose"]) for u in urls] + [(f"{live}/gone.html", [])],
    )
    assert run_cli("verify", str(claims), "--allow-private").code == 1

    with SnapshotStore(tmp_path / ".factcheck") as store:
        kept = {s.url: s for s in store.history()}
        assert sorted(kept) == sorted([*urls, f"{live}/gone.html"])
        assert not kept[f"{live}/gone.html"].has_body
        for url in urls:
            assert store.body(kept[url]) == PAGES[url.rsplit("/", 1)[1]].encode()
            [check] = store.quote_checks(url, "the river rose")
            assert (check.status, check.snapshot_id) == ("found", kept[url].id)


def test_killed_run_leaves_a_readable_store(tmp_path: Path, live: str) -> None:
    urls = [f"{live}/{name}" for name in PAGES]
    claims = write_claims(
        tmp_path / "claims.yaml",
        [(u, ["the river rose"]) for u in urls] + [(f"{live}/slow?seconds=60", [])],
    )
    store_dir = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    errors = (tmp_path / "stderr.txt").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "factcheck",
            "verify",
            str(claims),
            "--allow-private",
            "--store",
            str(store_dir),
            "--timeout",
            "60",
            "--retries",
            "0",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        _wait_for_rows(store_dir, 3, proc, tmp_path / "stderr.txt")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        errors.close()
    assert proc.returncode == -signal.SIGKILL

    with SnapshotStore(store_dir) as store:
        kept = store.history()
        assert sorted(s.url for s in kept) == sorted(urls)
        for snapshot in kept:
            assert store.body(snapshot) == PAGES[snapshot.url.rsplit("/", 1)[1]].encode()
    [warc] = (store_dir / "warc").glob("*.warc.gz")
    records = _records(warc)
    assert [kind for kind, _, _ in records] == ["warcinfo"] + ["response"] * 3
    assert sorted(uri for kind, uri, _ in records if kind == "response") == sorted(urls)

    # and the next run uses it: conditional requests for what the killed run kept
    again = run_cli(
        "verify",
        str(write_claims(tmp_path / "again.yaml", [(u, ["the river rose"]) for u in urls])),
        "--allow-private",
        "--store",
        str(store_dir),
    )
    assert again.code == 0


def _wait_for_rows(store_dir: Path, rows: int, proc: subprocess.Popen[bytes], stderr: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the run ended before it could be killed: {stderr.read_text()}"
        if not (store_dir / "index.sqlite").is_file():  # let the run create its store
            time.sleep(0.05)
            continue
        with SnapshotStore(store_dir) as store:
            if len(store.history()) >= rows:
                return
        time.sleep(0.05)
    raise AssertionError(f"the store never reached {rows} snapshots")
