"""Reading pages off the event loop (reading.py): a page slow to read (fixtures/hostile/
slow-text.pdf: 5 kB that pypdf reads for seconds) holds neither the other citations nor the
run, against the real loopback sites."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.fetch.client import FetchOutcome, FetchResult
from factcheck.models import QuoteStatus, VerifyOptions
from factcheck.quotes.pagecheck import PageCheck, check_page, check_quotes, read_page
from factcheck.reading import Readers
from tests.conftest import DEMO, FIXTURES, run_cli
from tests.hostile_site import HOSTILE, hostile_site
from tests.test_process_lifetime import gone_within
from tests.test_workers import children

SLOW_QUOTE = "a line of a page that takes long to read"
REPORT_QUOTE = "release all individuals arbitrarily deprived of their liberty"
TYPES = {".html": "text/html", ".txt": "text/plain", ".pdf": "application/pdf"}
FIXTURE_PAGES = [
    path
    for folder in ("reader", "render", "articles", "articles/pages", "matcher", "hostile")
    for path in (FIXTURES / folder).iterdir()
    if path.suffix in TYPES and not path.name.endswith("-text.pdf")
] + [path for path in (DEMO / "site").rglob("*") if path.suffix in TYPES]


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with hostile_site() as base:
        yield base


def claims(tmp_path: Path, citations: list[tuple[str, str]]) -> Path:
    lines = "".join(f"      - url: {url}\n        quote: {quote}\n" for url, quote in citations)
    path = tmp_path / "claims.yaml"
    path.write_text(f"claims:\n  - id: c\n    claim: x\n    citations:\n{lines}")
    return path


def test_a_pdf_slow_to_read_times_out_no_other_citation(
    tmp_path: Path, site: str, hostile: str
) -> None:
    """Three healthy pages answering in 0.1 s are in flight while a PDF is read for seconds:
    read on the event loop, the PDF held them past their 1.5 s deadline ('timed out', a
    false alarm); read off the loop, every citation is ok, the PDF's too."""
    slow = [(f"{site}/slow?seconds=0.1&n={n}", "too late") for n in range(3)]
    path = claims(tmp_path, [(f"{hostile}/file/slow-text.pdf", SLOW_QUOTE), *slow])
    run = run_cli(
        "verify", "--allow-private", "--timeout", "0.5", "--retries", "0",
        "--format", "json", str(path),
    )  # fmt: skip
    found = run.json()["claims"][0]["citations"]
    assert [(c["status"], c["reason"]) for c in found] == [("ok", found[0]["reason"])] + [
        ("ok", "quote found") for _ in slow
    ]
    assert run.code == 0


@pytest.mark.parametrize("where", ["option", "config"])
def test_a_page_read_past_read_timeout_is_its_citations_error(
    tmp_path: Path, site: str, hostile: str, where: str
) -> None:
    """The PDF's reader is killed at --read-timeout (or the configuration's read_timeout),
    the citation says so and what to do, and the next PDF is read as ever."""
    pdfs = [(f"{hostile}/file/slower-text.pdf", SLOW_QUOTE), (f"{site}/report.pdf", REPORT_QUOTE)]
    path = claims(tmp_path, pdfs)
    limit = ["--read-timeout", "1"] if where == "option" else []
    if where == "config":
        (tmp_path / "factcheck.toml").write_text("read_timeout = 1\n")
    run = run_cli("verify", "--allow-private", *limit, "--format", "json", str(path))
    found = run.json()["claims"][0]["citations"]
    assert [(c["status"], c["reason"]) for c in found] == [
        (
            "error",
            "the PDF's text could not be read within 1 s (18 kB): raise --read-timeout, "
            "or cite an archived text",
        ),
        ("ok", "quote found"),
    ]
    assert run.code == 1


def fetched(path: Path, media_type: str | None = None) -> FetchResult:
    """`path` as a fetch of it would give it (its media type from its suffix)."""
    kind = media_type or TYPES.get(path.suffix, "application/octet-stream")
    url = f"http://pages.test/{path.name}"
    charset = "utf-8" if kind != "application/pdf" and path.parent.name != "enc" else None
    return FetchResult(
        url, FetchOutcome.OK, "HTTP 200", final_url=url, http_status=200,
        media_type=kind, charset=charset, body=path.read_bytes(),
    )  # fmt: skip


def test_a_reader_that_dies_is_that_citations_error_and_is_replaced() -> None:
    """A crash in a parser (SIGSEGV sent to the reader mid-page) is the page's error with
    the reason; the next page is read by a new reader."""

    async def crash_then_read() -> tuple[list[PageCheck], list[PageCheck], bool]:
        async with Readers(VerifyOptions(), size=1) as readers:
            slow = asyncio.create_task(
                readers.check_page(fetched(HOSTILE / "slower-text.pdf"), [(SLOW_QUOTE,)])
            )
            while not readers._started:  # the reader is up and has the page
                await asyncio.sleep(0.05)
            first = readers._started[0].process
            await asyncio.sleep(0.3)
            os.kill(first.pid, signal.SIGSEGV)
            crashed = await slow
            report = fetched(DEMO / "site" / "report.pdf")
            read = await readers.check_page(report, [(REPORT_QUOTE,)])
            return crashed, read, readers._started[-1].process is not first

    crashed, report, replaced = asyncio.run(crash_then_read())
    assert crashed[0].unreadable == (
        "the PDF's text could not be read: the reading process was killed by SIGSEGV (18 kB);"
        " cite an archived text"
    )
    assert [q.status for q in report[0].quotes] == [QuoteStatus.FOUND]
    assert replaced


def pages_and_quotes() -> list[tuple[Path, list[tuple[str, ...]]]]:
    """Every fixture page (HTML, text, PDF, legacy charsets, hostile PDFs) with quotes made
    from its own text: a line's first words (found), the same with a word left out
    (altered), and a sentence no page holds (missing)."""
    found = []
    for path in sorted(FIXTURE_PAGES):
        page = read_page(fetched(path))
        lines = page.prepared.original.split("\n") if page.prepared else []
        quotes: list[tuple[str, ...]] = [("a sentence that no fixture page holds anywhere",)]
        for line in lines[:: max(1, len(lines) // 4)][:4]:
            words = line.split()[:9]
            if len(words) >= 4:
                quotes.append((" ".join(words), " ".join(words[:2] + words[3:])))
        found.append((path, quotes))
    return found


def test_a_page_read_in_a_reader_gives_what_the_loop_gives() -> None:
    """Both ways of reading agree on every fixture page: `check_page` (the live page) and
    `check_quotes` (an archived copy), results compared whole (statuses, closest passages,
    scores, diffs, links, notes, reasons)."""

    async def both() -> list[tuple[list[PageCheck], list[PageCheck]]]:
        pairs = []
        async with Readers(VerifyOptions(), threshold=0) as readers:
            for path, quote_sets in pages_and_quotes():
                page = fetched(path)
                live = await readers.check_page(page, quote_sets)
                pairs.append((check_page(page, quote_sets), live))
                archived = await readers.check_quotes(page, quote_sets[-1])
                pairs.append(([check_quotes(read_page(page), quote_sets[-1])], [archived]))
        return pairs

    pairs = asyncio.run(both())
    assert len(pairs) == 2 * len(FIXTURE_PAGES) > 60
    for loop, reader in pairs:
        assert loop == reader
    statuses = [q.status for loop, _ in pairs for check in loop for q in check.quotes]
    assert min(statuses.count(s) for s in QuoteStatus) > 20  # every kind of result, compared


def start_reading_run(tmp_path: Path, hostile: str) -> tuple[subprocess.Popen[str], list[int]]:
    """`factcheck verify` (a process of its own) reading 20 PDFs of about a minute each, once
    both its readers have a page: the process and its readers' ids."""
    pdfs = [(f"{hostile}/file/slower-text.pdf?n={n}", SLOW_QUOTE) for n in range(20)]
    path = claims(tmp_path, pdfs)
    process = subprocess.Popen(
        [sys.executable, "-m", "factcheck", "verify", "--allow-private", "--no-store",
         "--format", "json", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while len(readers := children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the pages are on their way to the readers
    return process, readers


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_does_not_wait_for_a_reader(tmp_path: Path, hostile: str) -> None:
    """Interrupted while two readers each read a PDF and 18 more wait (minutes of reading),
    the run ends at once with its partial report (exit 130), its readers killed."""
    process, readers = start_reading_run(tmp_path, hostile)
    assert len(readers) == 2
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert {x["status"] for x in run_statuses(stdout)} == {"not_checked"}
    assert all(gone_within(pid, 5) for pid in readers)


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG and /proc: Linux")
def test_a_reader_dies_with_its_run(tmp_path: Path, hostile: str) -> None:
    """kill -9 of the run: the kernel ends its readers too (PR_SET_PDEATHSIG)."""
    process, readers = start_reading_run(tmp_path, hostile)
    assert len(readers) == 2
    # and out of memory, the kernel picks a reader first, not the run (each reader sets it
    # once started: on a loaded machine that can take a while after the process exists)
    assert all(oom_score_adj_within(pid, "1000", 30) for pid in readers)
    process.kill()
    process.communicate(timeout=10)
    stopped = [gone_within(pid, 5) for pid in readers]
    for pid, gone in zip(readers, stopped, strict=True):
        if not gone:
            os.kill(pid, signal.SIGKILL)
    assert all(stopped), "a reader outlived its run"


def oom_score_adj_within(pid: int, expected: str, seconds: float) -> bool:
    """Whether process `pid`'s oom_score_adj reads `expected` within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Path(f"/proc/{pid}/oom_score_adj").read_text().strip() == expected:
            return True
        time.sleep(0.05)
    return False


def run_statuses(stdout: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = json.loads(stdout)["claims"][0]["citations"]
    return found


def test_an_archived_pdf_is_read_in_a_reader(tmp_path: Path, site: str) -> None:
    """A dead link whose `archive_url` is a PDF: the archived copy is read off the loop (the
    run's `page` path) and its quote found there."""
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        f"      - url: {site}/status/404\n        archive_url: {site}/report.pdf\n"
        f"        quote: {REPORT_QUOTE}\n"
    )
    run = run_cli("verify", "--allow-private", "--format", "json", str(path))
    [found] = run.json()["claims"][0]["citations"]
    assert (found["status"], run.code) == ("archived", 0)
