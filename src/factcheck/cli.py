"""The command line: parse options, call the library core, render, set the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from factcheck.errors import ClaimFileError, ClaimFilesError, ConfigError, FactcheckError
from factcheck.exitcodes import ExitStatus
from factcheck.models import Report, VerifyOptions
from factcheck.report import Format
from factcheck.version import __version__

if TYPE_CHECKING:
    from factcheck.evidence.store import SnapshotStore


def _fail(message: str, status: ExitStatus) -> None:
    click.echo(message, err=True)
    sys.exit(int(status))


def _load(paths: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    from factcheck.claims.files import load_claims

    try:
        return load_claims(paths or ("claims",))
    except ClaimFilesError as exc:
        _fail(str(exc), ExitStatus.INVALID_INPUT)
    except ClaimFileError as exc:
        _fail(str(exc), ExitStatus.INVALID_INPUT)
    raise AssertionError("unreachable")


@contextmanager
def _importing(module: str) -> Iterator[None]:
    """Import `module` on another thread while the block runs (the claims load).

    aiohttp spends ~0.1 s of its import building SSL contexts: reading the system's
    certificates, without the GIL. Only the block's own modules must be imported before it
    starts (two threads importing one module cycle could deadlock). Joined at the end, so a
    run never forks with the thread alive.
    """
    import threading
    from importlib import import_module

    def load() -> None:
        try:
            import_module(module)
        except BaseException:  # noqa: BLE001 - the main thread's import raises it again
            pass

    thread = threading.Thread(target=load, name=f"factcheck-import-{module}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factcheck")
def main() -> None:
    """Check that every cited source works and still says what the claim quotes."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TABLE.value,
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds per request (connect, read); a request's total deadline is 3x.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Requests in flight at most.",
)
@click.option(
    "--per-host",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Requests in flight to one host at most.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes a big run is split between, by host (default: one per CPU core, "
    "at most 4; 1 keeps every run in one process).",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Retries for timeouts, resets, 408, 429 and 5xx.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="Largest body read, counted after decompression.",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow loopback, private and link-local addresses (refused by default).",
)
@click.option("--strict", is_flag=True, help="Blocked citations fail the run too.")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Let this one host (and port) past the address guard; repeatable.",
)
@click.option(
    "--max-retry-after",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Longest Retry-After honoured, in seconds; a longer "
    "one ends the citation blocked or error with the reason.",
)
@click.option("--user-agent", help="User-Agent header (default: factcheck/VERSION (+URL)).")
@click.option("--probe-url", help="URL fetched to tell 'network unreachable' from dead links.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="Configuration file (default: ./factcheck.toml, else [tool.factcheck] in "
    "./pyproject.toml).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    help="Snapshot store folder (default: .factcheck/ beside the claims).",
)
@click.option(
    "--no-store", is_flag=True, help="Keep no snapshots and send no conditional requests."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Re-check against the latest stored snapshots, without any network.",
)
@click.option(
    "--find-archive",
    is_flag=True,
    help="Ask the Internet Archive for broken "
    "citations and missing quotes; suggest the archive_url line.",
)
@click.option(
    "--archive-endpoint",
    default="https://web.archive.org",
    show_default=True,
    help="Wayback Machine (CDX API and replay) base URL.",
)
def verify(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    timeout: float,
    concurrency: int,
    per_host: int,
    workers: int | None,
    retries: int,
    max_bytes: int,
    allow_private: bool,
    strict: bool,
    store: str | None,
    no_store: bool,
    offline: bool,
    find_archive: bool,
    archive_endpoint: str,
    **network: Any,
) -> None:
    """Fetch every cited URL and check every quote (PATHS: files or folders; default claims/).

    Exit codes: 0 every citation ok, archived or blocked; 1 some citation failed;
    2 invalid input or usage; 3 the network is unreachable; 130 interrupted.
    """
    import factcheck.claims.files  # noqa: F401 - before the thread imports: see _importing

    with _importing("aiohttp"):
        files = _load(paths)
    from factcheck.workers import default_workers

    _check_output(output)
    options = VerifyOptions(
        timeout=timeout,
        concurrency=concurrency,
        per_host=per_host,
        workers=workers or default_workers(),
        retries=retries,
        max_bytes=max_bytes,
        allow_private=allow_private,
        strict=strict,
        **_store_settings(paths, store, no_store, offline),
        find_archive=find_archive,
        archive_endpoint=archive_endpoint,
    )
    options = _network_settings(options, **network)
    report = _run(files, options)
    _emit(report, Format(fmt), output)
    sys.exit(int(exit_status(report, options.strict)))


def _check_output(output: str | None) -> None:
    """Refuse an --output that cannot be written before any request is sent (exit 2)."""
    if output is None:
        return
    folder = Path(output).resolve().parent
    if not folder.is_dir():
        _fail(f"factcheck: --output {output}: no such folder {folder}", ExitStatus.INVALID_INPUT)
    if not os.access(folder, os.W_OK):
        _fail(
            f"factcheck: --output {output}: folder {folder} is not writable",
            ExitStatus.INVALID_INPUT,
        )


def _network_settings(
    options: VerifyOptions,
    allow_hosts: tuple[str, ...],
    max_retry_after: float,
    user_agent: str | None,
    probe_url: str | None,
    config_path: str | None,
) -> VerifyOptions:
    """`options` with the network options and the configuration file (the command line
    wins over the file, the file over the built-in defaults)."""
    from click.core import ParameterSource

    from factcheck.claims.config import load_config

    ctx = click.get_current_context()
    explicit = {
        name for name in ctx.params if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
    }
    try:
        config = load_config(Path(config_path) if config_path else None)
    except ConfigError as exc:
        _fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)
    options = replace(
        options,
        allow_hosts=frozenset(allow_hosts),
        max_retry_after=max_retry_after,
        user_agent=user_agent or options.user_agent,
        probe_url=probe_url or options.probe_url,
    )
    return config.apply(options, explicit)


def _run(files: list, options: VerifyOptions) -> Report:  # type: ignore[type-arg]
    from factcheck.progress import progress_printer
    from factcheck.verify import verify as verify_claims

    try:
        return verify_claims(files, options, progress=progress_printer())
    except FactcheckError as exc:
        _fail(f"factcheck: {exc}", ExitStatus.CANNOT_RUN)
    raise AssertionError("unreachable")


def _emit(report: Report, fmt: Format, output: str | None) -> None:
    from factcheck.report.output import emit

    emit(report, fmt, output)


def exit_status(report: Report, strict: bool) -> ExitStatus:
    """The documented exit code for a finished (or interrupted) run."""
    if report.interrupted:
        return ExitStatus.INTERRUPTED
    return ExitStatus.FAILED if report.failed(strict) else ExitStatus.OK


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
def lint(paths: tuple[str, ...]) -> None:
    """Validate claim files without any network (PATHS default: claims/). For pre-commit."""
    files = _load(paths)
    claims = sum(len(f.claims) for f in files)
    citations = sum(len(c.citations) for f in files for c in f.claims)
    click.echo(f"{len(files)} files, {claims} claims, {citations} citations: valid", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TABLE.value,
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fixtures",
    type=click.Path(file_okay=False, exists=True),
    help="A folder with site/ and claims/ to use instead of the demo's own.",
)
def demo(fmt: str, fixtures: str | None) -> None:
    """Serve the demo site on 127.0.0.1 and verify the demo claims against it (no network).

    Shows every status; exits 0 when the demonstration ran.
    """
    from factcheck.demo.server import default_fixtures, demo_claims, serve

    folder = Path(fixtures) if fixtures else default_fixtures()
    with serve(folder / "site") as base:
        try:
            files = demo_claims(folder / "claims", base)
        except (ClaimFileError, ClaimFilesError) as exc:
            _fail(str(exc), ExitStatus.INVALID_INPUT)
        options = VerifyOptions(
            timeout=2.0, retries=1, allow_private=True, check_connectivity=False
        )
        report = _run(files, options)
    _emit(report, Format(fmt), None)


# --- the snapshot store: verify's store options and `factcheck snapshots` -----------------

STORE_DIR = ".factcheck"


def _store_settings(
    paths: tuple[str, ...], store: str | None, no_store: bool, offline: bool
) -> dict[str, Any]:
    """VerifyOptions fields for the store options; exits 2 on a contradiction."""
    if no_store and (store or offline):
        _fail(
            "factcheck: --no-store cannot be combined with --store or --offline",
            ExitStatus.INVALID_INPUT,
        )
    if no_store:
        return {"store": None}
    folder = store or str(Path(paths[0] if paths else "claims").parent / STORE_DIR)
    if offline and not (Path(folder) / "index.sqlite").is_file():
        _fail(
            f"factcheck: --offline needs a snapshot store; none at {folder} "
            "(run once online, or pass --store)",
            ExitStatus.INVALID_INPUT,
        )
    return {"store": folder, "offline": offline}


@main.group()
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

    with _reading_store(store) as snapshot_store:
        found = snapshot_store.history(strip_fragment(url))
    if not found:
        _fail(f"no snapshot of {url} in {store}", ExitStatus.FAILED)
    for s in found:
        where = f"{s.warc_file}@{s.warc_offset}" if s.warc_file else "(no body kept)"
        click.echo(
            f"{s.fetched_at}  last seen {s.last_seen_at}  {s.http_status or '-'}  "
            f"{s.outcome}  {(s.content_hash or '-')[:19]}  {where}"
        )


@contextmanager
def _reading_store(store: str) -> Iterator[SnapshotStore]:
    """An existing store opened for reading; exit 2 with one line when it is missing or
    unreadable (never a traceback, never a new empty store)."""
    import sqlite3

    from factcheck.evidence.store import SnapshotStore, StoreError

    if not Path(store, "index.sqlite").is_file():
        _fail(f"factcheck: no snapshot store at {store}", ExitStatus.INVALID_INPUT)
    try:
        with SnapshotStore(store) as snapshot_store:
            yield snapshot_store
    except (StoreError, sqlite3.DatabaseError) as exc:
        _fail(
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

    with _reading_store(store) as snapshot_store:
        count = snapshot_store.export_warc(warc, strip_fragment(url) if url else None)
    click.echo(f"{count} snapshots written to {warc}", err=True)
