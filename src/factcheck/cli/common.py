"""What the commands share: one-line failures with their exit code, loading claims, running
the core and writing its report."""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from factcheck.claims.config import Config
from factcheck.claims.discovery import LOOKS_LIKE_CLAIMS
from factcheck.errors import ClaimFileError, ConfigError, FactcheckError
from factcheck.exitcodes import ExitStatus
from factcheck.models import ClaimFile, Report, RunError, VerifyOptions
from factcheck.report import Format
from factcheck.text import safe_block, safe_line

REPORT_TARGET = "factcheck.report"  # click context meta: where a refusal writes its report
DEFAULT_PATH = "claims"  # what verify and lint read when no path is named


def fail(message: str, status: ExitStatus) -> NoReturn:
    """Print `message` on stderr, made inert (it may quote a claim file), and exit; for exit
    2 or 3 the command's report (`report_problems_to`) says it too."""
    click.echo(safe_block(message), err=True)
    if status in (ExitStatus.INVALID_INPUT, ExitStatus.CANNOT_RUN):
        write_problems([RunError(message.removeprefix("factcheck: "), exit_code=int(status))])
    sys.exit(int(status))


def report_problems_to(fmt: Format, output: str | None) -> None:
    """From now on, a run refused with exit 2 or 3 still writes its report in `fmt`, listing
    the problems: to `output`, or to stdout for every format but the table (whose lines
    are on stderr already), so CI publishes what went wrong."""
    click.get_current_context().meta[REPORT_TARGET] = (fmt, output)


def write_problems(errors: list[RunError]) -> None:
    """The report of a refused run, where `report_problems_to` said (nowhere if unset)."""
    from factcheck.report.output import emit

    context = click.get_current_context(silent=True)
    target = context.meta.pop(REPORT_TARGET, None) if context else None
    if target is None or (target == (Format.TABLE, None)):
        return
    fmt, output = target
    try:
        emit(Report(claims=(), errors=tuple(errors)), fmt, output)
    except OSError:
        pass  # the output is what failed: the lines on stderr say it all


class _InertLog(logging.Handler):
    """Library log records (warnings and worse) on stderr, each on one line made inert:
    their text can come from a page or a file."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record whose arguments do not format
            message = str(record.msg)
        sys.stderr.write(f"factcheck: {record.name}: {safe_line(message)}\n")


def route_library_logs() -> None:
    """Send every library's log records through `safe_line` to stderr (once per process),
    in place of logging's last-resort handler that printed them raw."""
    root = logging.getLogger()
    if not any(isinstance(handler, _InertLog) for handler in root.handlers):
        root.addHandler(_InertLog(logging.WARNING))


def load_input(
    paths: tuple[str, ...],
    config_path: str | None = None,
    verbose: bool = False,
    max_claims_bytes: int | None = None,
) -> tuple[list[ClaimFile], Config]:
    """The claim files under `paths` (default claims/; `-` reads one from stdin) and the
    configuration. Every problem of every file, the configuration's too, is printed as one
    `path:line: what` line, sorted by file and line, then exit 2. A claim file larger than
    `max_claims_bytes` (else the configuration's, else 10 MiB) is refused unread."""
    from factcheck.claims.config import load_config
    from factcheck.claims.discovery import STDIN
    from factcheck.claims.files import MAX_CLAIMS_BYTES, load_all

    errors: list[ClaimFileError] = []
    try:
        config = load_config(Path(config_path) if config_path else None)
    except ConfigError as exc:
        config = Config()
        errors.extend(
            exc.errors or [ClaimFileError(config_path or "configuration", None, str(exc))]
        )
    limit = max_claims_bytes or config.max_claims_bytes or MAX_CLAIMS_BYTES
    stdin = read_stdin(limit) if STDIN in paths else None
    loaded = load_all(paths or (DEFAULT_PATH,), config.exclude_paths, stdin, limit)
    tell_files(loaded.read, loaded.skipped, verbose)
    errors.extend(loaded.errors if paths else [_default_missing(e) for e in loaded.errors])
    if errors:
        refuse_input(sorted(errors, key=ClaimFileError.sort_key))
    return loaded.files, config


def _default_missing(error: ClaimFileError) -> ClaimFileError:
    """The error of a missing default folder says that no path was named."""
    if error.path != DEFAULT_PATH or error.line is not None:
        return error
    return ClaimFileError(
        DEFAULT_PATH,
        None,
        f"{error.message}: with no path named, the claims/ folder of the working folder is "
        "read; name claim files or folders on the command line",
    )


def load_files(paths: tuple[str, ...]) -> list[ClaimFile]:
    """The claim files under `paths`, as `load_input` loads them (exit 2 on any problem)."""
    return load_input(paths)[0]


def read_stdin(limit: int) -> bytes:
    """Standard input's bytes (the claim file named `-`), one byte past `limit` at most:
    enough to tell it is too large without holding all of it."""
    return sys.stdin.buffer.read(limit + 1)


def tell_files(read: list[str], skipped: list[tuple[Path, str]], verbose: bool) -> None:
    """--verbose: which files were read as claim files, which were skipped and why. Without
    it, only a warning for each skipped file that looks like a claim file."""
    for name in read if verbose else ():
        click.echo(f"read {safe_line(name)}", err=True)
    for path, reason in skipped:
        if verbose:
            click.echo(f"skipped {safe_line(str(path))}: {reason}", err=True)
        elif LOOKS_LIKE_CLAIMS in reason:
            click.echo(f"warning: skipped {safe_line(str(path))}: {reason}", err=True)


def refuse_input(errors: list[ClaimFileError]) -> NoReturn:
    """Every input problem on its own line, then exit 2."""
    for error in errors:
        click.echo(safe_line(str(error)), err=True)
    write_problems([RunError(e.message, e.path, e.line, e.column) for e in errors])
    sys.exit(int(ExitStatus.INVALID_INPUT))


@contextmanager
def importing(module: str) -> Iterator[None]:
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


def check_output(output: str | None) -> None:
    """Refuse an --output that cannot be written before any request is sent (exit 2)."""
    if output is None:
        return
    folder = Path(output).resolve().parent
    if not folder.is_dir():
        fail(f"factcheck: --output {output}: no such folder {folder}", ExitStatus.INVALID_INPUT)
    if not os.access(folder, os.W_OK):
        fail(
            f"factcheck: --output {output}: folder {folder} is not writable",
            ExitStatus.INVALID_INPUT,
        )


def project_config(config_path: str | None = None) -> Config:
    """The configuration file named, or found as git finds .git (exit 2 when invalid)."""
    from factcheck.claims.config import load_config

    try:
        return load_config(Path(config_path) if config_path else None)
    except ConfigError as exc:
        fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)


def usable_store(explicit: str | None, config: Config, write: bool = True) -> Path:
    """The project's store folder (claims/project.py), checked before any request: exit 2
    with one line when it cannot be created, written or read as a store."""
    from factcheck.claims.project import find_store
    from factcheck.evidence.store import StoreError, check_store

    folder = find_store(explicit, config.store)
    try:
        check_store(folder, write=write)
    except StoreError as exc:
        fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)
    return folder


def run_verify(files: list[ClaimFile], options: VerifyOptions, quiet: bool = False) -> Report:
    from factcheck.evidence.store import StoreError
    from factcheck.progress import progress_printer
    from factcheck.verify import verify as verify_claims

    try:
        return verify_claims(files, options, progress=progress_printer(quiet=quiet))
    except StoreError as exc:  # a store that failed mid-run (a full disk): the user's to fix
        fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)
    except FactcheckError as exc:
        fail(f"factcheck: {exc}", ExitStatus.CANNOT_RUN)


def emit(report: Report, fmt: Format, output: str | None, display: Display | None = None) -> None:
    """Write the report; exit 2 with one line when --output cannot be written (a full disk)."""
    from factcheck.report.output import emit

    display = display or Display()
    try:
        emit(report, fmt, output, display.color, display.quiet)
    except OSError as exc:
        fail(
            f"factcheck: --output {output}: cannot write the report: "
            f"{(exc.strerror or str(exc)).lower()}",
            ExitStatus.INVALID_INPUT,
        )


def exit_status(report: Report, strict: bool) -> ExitStatus:
    """The documented exit code for a finished (or interrupted) run."""
    if report.interrupted:
        return ExitStatus.INTERRUPTED
    return ExitStatus.FAILED if report.failed(strict) else ExitStatus.OK


def finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A click callback refusing inf and nan (click's FloatRange lets both through; an
    infinite timeout crashed aiohttp, a nan one timed every request out)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r} is not a finite number")
    return value


# Options that verify, check, init and add share, spelled once.
OUTPUT_OPTION = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE instead of standard output.",
)
TIMEOUT_OPTION = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    callback=finite,
    default=20.0,
    show_default=True,
    help="Seconds per request (connect, read); a request's total deadline is 3x.",
)
RETRIES_OPTION = click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Retries for timeouts, resets, 408, 429 and 5xx.",
)
ALLOW_PRIVATE_OPTION = click.option(
    "--allow-private",
    is_flag=True,
    help="Allow loopback, private and link-local addresses (refused by default).",
)
ALLOW_HOST_OPTION = click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Let this one host (and port) past the address guard; repeatable.",
)

USER_AGENT_OPTION = click.option(
    "--user-agent", help="User-Agent header (default: factcheck/VERSION (+URL))."
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="Configuration file (default: ./factcheck.toml, else [tool.factcheck] in "
    "./pyproject.toml).",
)


MAX_CLAIMS_BYTES_OPTION = click.option(
    "--max-claims-bytes",
    type=click.IntRange(min=1),
    help="Refuse (exit 2) a claim file larger than this, before reading it "
    "(default 10485760; config max_claims_bytes).",
)

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TABLE.value,
    show_default=True,
    help="Report format.",
)

VERBOSE_OPTION = click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also say which files were read as claim files and which were skipped, and why.",
)


@dataclass(frozen=True)
class Display:
    """How a report is shown: --color (auto, always, never) and --quiet."""

    color: str = "auto"
    quiet: bool = False


def display_settings(config: Config, color: str, quiet: bool) -> Display:
    """--color and --quiet, else the configuration's `color` and `quiet`."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    if ctx.get_parameter_source("color") is ParameterSource.DEFAULT:
        color = config.settings.get("color", color)
    return Display(color, quiet or bool(config.settings.get("quiet", False)))


def header_settings(
    options: VerifyOptions, header: tuple[str, ...], header_for: tuple[tuple[str, str], ...]
) -> VerifyOptions:
    """`options` with --header (every host) and --header-for HOST (that host only)."""
    from dataclasses import replace

    everywhere = dict(parse_header(text, "--header") for text in header)
    per_host: dict[str, dict[str, str]] = {}
    for host, text in header_for:
        name, value = parse_header(text, "--header-for")
        per_host.setdefault(host.lower(), {})[name] = value
    return replace(
        options,
        headers={**options.headers, **everywhere},
        host_headers={**options.host_headers, **per_host},
    )


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def parse_header(text: str, option: str) -> tuple[str, str]:
    """('Name', 'value') from 'Name: value'; exit 2 for anything HTTP would not carry."""
    name, colon, value = text.partition(":")
    value = value.strip()
    if not colon or not _TOKEN.fullmatch(name.strip()) or any(c in value for c in "\r\n\0"):
        fail(
            f"factcheck: {option} {text!r}: expected 'Name: value' (a header name, a colon, "
            "a value on one line)",
            ExitStatus.INVALID_INPUT,
        )
    return name.strip(), value


COLOR_OPTION = click.option(
    "--color",
    "--colour",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the table: auto is on a terminal unless NO_COLOR is set (FORCE_COLOR forces).",
)
QUIET_OPTION = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Show only the claims that fail (and the summary); no progress.",
)
HEADER_OPTION = click.option(
    "--header",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="A header sent to every host; repeatable.",
)
HEADER_FOR_OPTION = click.option(
    "--header-for",
    "header_for",
    multiple=True,
    nargs=2,
    metavar="HOST 'NAME: VALUE'",
    help='A header sent to HOST only (as [headers."HOST"] in the configuration); repeatable.',
)
