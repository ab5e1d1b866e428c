"""`factcheck verify`: every cited URL fetched, every quote looked for, the report written."""

from __future__ import annotations

import signal
import sys
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

import click

from factcheck.claims.config import Config
from factcheck.cli.common import (
    ALLOW_HOST_OPTION,
    ALLOW_PRIVATE_OPTION,
    COLOR_OPTION,
    CONFIG_OPTION,
    FORMAT_OPTION,
    HEADER_FOR_OPTION,
    HEADER_OPTION,
    MAX_CLAIMS_BYTES_OPTION,
    OUTPUT_OPTION,
    QUIET_OPTION,
    RETRIES_OPTION,
    TIMEOUT_OPTION,
    USER_AGENT_OPTION,
    VERBOSE_OPTION,
    check_output,
    display_settings,
    emit,
    exit_status,
    fail,
    finite,
    header_settings,
    importing,
    load_input,
    report_problems_to,
    run_verify,
    usable_store,
)
from factcheck.exitcodes import ExitStatus
from factcheck.models import RENDER_MODES, ClaimFile, VerifyOptions
from factcheck.report import Format


def accepted(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> frozenset[int] | None:
    """--accept's statuses; a usage error (exit 2) for a list that is not codes and ranges."""
    from factcheck.claims.config import parse_accept

    if value is None:
        return None
    try:
        return parse_accept(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def patterns(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """--exclude/--include patterns; a usage error (exit 2) for one that is not a regex."""
    from factcheck.claims.selection import pattern_problem

    for pattern in value:
        problem = pattern_problem(pattern)
        if problem:
            raise click.BadParameter(problem)
    return value


def revision(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--changed-since's REF; a usage error (exit 2) for one git would read as an option."""
    if value is None:
        return None
    from factcheck.claims.gitdiff import GitError, refuse_option_like

    try:
        refuse_option_like(value)
    except GitError as exc:
        raise click.BadParameter(str(exc).removeprefix("--changed-since: ")) from None
    return value


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@FORMAT_OPTION
@OUTPUT_OPTION
@TIMEOUT_OPTION
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
@RETRIES_OPTION
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="Largest body read, counted after decompression.",
)
@ALLOW_PRIVATE_OPTION
@click.option("--strict", is_flag=True, help="Blocked citations fail the run too.")
@ALLOW_HOST_OPTION
@click.option(
    "--max-retry-after",
    type=click.FloatRange(min=0),
    callback=finite,
    default=60.0,
    show_default=True,
    help="Longest Retry-After honoured, in seconds; a longer "
    "one ends the citation blocked or error with the reason.",
)
@USER_AGENT_OPTION
@click.option("--probe-url", help="URL fetched to tell 'network unreachable' from dead links.")
@CONFIG_OPTION
@MAX_CLAIMS_BYTES_OPTION
@click.option(
    "--store",
    type=click.Path(),
    help="Snapshot store folder (default: the project's, found as git finds .git: "
    "docs/snapshots.md).",
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
    "--max-age",
    metavar="DURATION",
    callback=lambda ctx, param, value: _duration(value),
    help="Report a citation verified ok within DURATION (1d, 12h, 30m) from the snapshot "
    "store, without a request; anything not ok then is checked again. Default: none.",
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
@click.option(
    "--read-timeout",
    type=click.FloatRange(min=0.1),
    callback=finite,
    default=60.0,
    show_default=True,
    help="Seconds to read one PDF or large page (text and quotes, in a process of its own); "
    "past that the citation is an error.",
)
@click.option(
    "--render",
    type=click.Choice(RENDER_MODES),
    default="auto",
    show_default=True,
    help="Check pages as headless Chromium shows them: auto (pages built by scripts, "
    "quotes only in scripts, JavaScript challenges), always (every HTML page) or never.",
)
@click.option(
    "--render-timeout",
    type=click.FloatRange(min=1),
    default=15.0,
    show_default=True,
    help="Seconds for a rendered page to load and settle; its text so far is checked then.",
)
@click.option(
    "--render-concurrency",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Pages rendered at once (one browser per run).",
)
@click.option(
    "--chromium",
    metavar="PATH",
    help="The Chromium to render with (default: $FACTCHECK_CHROMIUM, else chromium on PATH).",
)
@click.option(
    "--accept",
    metavar="CODES",
    callback=accepted,
    help="HTTP statuses read as reachable pages beside 2xx (e.g. 200..=299,429): the body's "
    "quotes are still checked; never retried.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="REGEX",
    callback=patterns,
    help="Do not check URLs matching REGEX (reported 'excluded'); repeatable.",
)
@click.option(
    "--include",
    multiple=True,
    metavar="REGEX",
    callback=patterns,
    help="Check URLs matching REGEX even when an --exclude matches them; repeatable.",
)
@click.option(
    "--changed-since",
    metavar="REF",
    callback=revision,
    help="Check only the claims whose lines differ from git REF (since HEAD's history left "
    "it; uncommitted edits count; every claim of a file new since then), e.g. for a pull "
    "request: the base branch's commit.",
)
@VERBOSE_OPTION
@QUIET_OPTION
@COLOR_OPTION
@HEADER_OPTION
@HEADER_FOR_OPTION
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
    max_age: float | None,
    read_timeout: float,
    render: str,
    render_timeout: float,
    render_concurrency: int,
    chromium: str | None,
    accept: frozenset[int] | None,
    exclude: tuple[str, ...],
    include: tuple[str, ...],
    changed_since: str | None,
    verbose: bool,
    quiet: bool,
    color: str,
    header: tuple[str, ...],
    header_for: tuple[tuple[str, str], ...],
    **network: Any,
) -> None:
    """Fetch every cited URL and check every quote (PATHS: files or folders; default claims/).

    Exit codes: 0 every citation ok, archived or blocked; 1 some citation failed;
    2 invalid input or usage; 3 the network is unreachable; 130 interrupted.
    """
    import factcheck.claims.files  # noqa: F401 - before the thread imports: see _importing

    report_problems_to(Format(fmt), output)
    if changed_since is not None and "-" in paths:
        fail(
            "factcheck: --changed-since cannot be used with '-': claims read from standard "
            "input have no git history",
            ExitStatus.INVALID_INPUT,
        )
    # With --max-age, a run may fetch nothing at all: aiohttp is imported only if needed.
    with importing("aiohttp") if max_age is None else nullcontext():
        files, config = load_input(
            paths, network.pop("config_path"), verbose, network.pop("max_claims_bytes")
        )
    files, unchanged = only_changed(files, changed_since)
    from factcheck.verify import default_workers

    check_output(output)
    options = VerifyOptions(
        timeout=timeout,
        concurrency=concurrency,
        per_host=per_host,
        workers=workers or default_workers(),
        retries=retries,
        max_bytes=max_bytes,
        allow_private=allow_private,
        strict=strict,
        **store_settings(store, no_store, offline, config),
        find_archive=find_archive,
        archive_endpoint=archive_endpoint,
        max_age=max_age,
        read_timeout=read_timeout,
        render=render,
        render_timeout=render_timeout,
        render_concurrency=render_concurrency,
        chromium=chromium,
        accept=accept or frozenset(),
        exclude=exclude,
        include=include,
    )
    options = network_settings(header_settings(options, header, header_for), config, **network)
    refuse_unrenderable(options)
    display = display_settings(config, color, quiet)
    report = run_verify(files, options, display.quiet)
    if changed_since is not None:
        report = replace(report, changed_since=changed_since, unchanged=unchanged)
    if report.interrupted:  # a second Ctrl-C must not lose the partial report
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    emit(report, Format(fmt), output, display)
    sys.exit(int(exit_status(report, options.strict)))


def only_changed(files: list[ClaimFile], ref: str | None) -> tuple[list[ClaimFile], int]:
    """`files` cut down to the claims changed since git `ref` (every claim when `ref` is
    None), and how many were left out; exit 2 with one line when git cannot tell."""
    if ref is None:
        return files, 0
    from factcheck.claims.changes import changed_claims
    from factcheck.claims.gitdiff import GitError

    try:
        changed = changed_claims(files, ref)
    except GitError as exc:
        fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)
    return changed.files, changed.unchanged


def _duration(value: str | None) -> float | None:
    """--max-age's seconds (None when not given); a usage error (exit 2) when not a duration."""
    from factcheck.claims.config import parse_duration

    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def network_settings(
    options: VerifyOptions,
    config: Config,
    allow_hosts: tuple[str, ...],
    max_retry_after: float,
    user_agent: str | None,
    probe_url: str | None,
) -> VerifyOptions:
    """`options` with the network options and the configuration file (the command line
    wins over the file, the file over the built-in defaults)."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    explicit = {
        name for name in ctx.params if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
    }
    options = replace(
        options,
        allow_hosts=frozenset(allow_hosts),
        max_retry_after=max_retry_after,
        user_agent=user_agent or options.user_agent,
        probe_url=probe_url or options.probe_url,
        probe_allowed=probe_url is not None,
    )
    return config.apply(options, explicit)


def refuse_unrenderable(options: VerifyOptions) -> None:
    """Exit 2 naming what to install when --render always cannot render (auto falls back
    to static verdicts with a note instead)."""
    if options.render != "always" or options.offline:
        return
    from factcheck.render.browser import unavailable

    missing = unavailable(options)
    if missing:
        fail(f"factcheck: --render always: {missing}", ExitStatus.INVALID_INPUT)


def store_settings(
    store: str | None, no_store: bool, offline: bool, config: Config
) -> dict[str, Any]:
    """VerifyOptions fields for the store options: the project's store (claims/project.py),
    checked before any request; exits 2 on a contradiction or a store that cannot be used."""
    if no_store and (store or offline):
        fail(
            "factcheck: --no-store cannot be combined with --store or --offline",
            ExitStatus.INVALID_INPUT,
        )
    if no_store:
        return {"store": None}
    folder = usable_store(store, config, write=not offline)
    if offline and not (folder / "index.sqlite").is_file():
        fail(
            f"factcheck: --offline needs a snapshot store; none at {folder} "
            "(run once online, or pass --store)",
            ExitStatus.INVALID_INPUT,
        )
    return {"store": str(folder), "offline": offline}
