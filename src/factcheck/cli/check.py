"""`factcheck check URL [--quote TEXT ...]`: one citation checked from the command line, with
the statuses, reports and exit codes of `verify`, no claim file needed."""

from __future__ import annotations

import sys

import click

from factcheck.cli.common import (
    ALLOW_HOST_OPTION,
    ALLOW_PRIVATE_OPTION,
    COLOR_OPTION,
    CONFIG_OPTION,
    FORMAT_OPTION,
    HEADER_FOR_OPTION,
    HEADER_OPTION,
    OUTPUT_OPTION,
    QUIET_OPTION,
    RETRIES_OPTION,
    TIMEOUT_OPTION,
    USER_AGENT_OPTION,
    check_output,
    display_settings,
    emit,
    exit_status,
    header_settings,
    project_config,
    refuse_input,
    report_problems_to,
    run_verify,
    usable_store,
)
from factcheck.errors import ClaimFileError
from factcheck.models import Citation, Claim, ClaimFile, VerifyOptions
from factcheck.report import Format

COMMAND_LINE = "<command line>"  # the "file" of a citation given as arguments


@click.command()
@click.argument("url")
@click.option("--quote", "quotes", multiple=True, help="A passage the page must say; repeatable.")
@FORMAT_OPTION
@OUTPUT_OPTION
@TIMEOUT_OPTION
@RETRIES_OPTION
@ALLOW_PRIVATE_OPTION
@ALLOW_HOST_OPTION
@USER_AGENT_OPTION
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="A blocked source fails too (exit 1).")
@click.option("--store", type=click.Path(), help="Snapshot store folder (default: the project's).")
@click.option("--no-store", is_flag=True, help="Keep no snapshot.")
@QUIET_OPTION
@COLOR_OPTION
@HEADER_OPTION
@HEADER_FOR_OPTION
def check(
    url: str,
    quotes: tuple[str, ...],
    fmt: str,
    output: str | None,
    timeout: float,
    retries: int,
    allow_private: bool,
    allow_hosts: tuple[str, ...],
    user_agent: str | None,
    config_path: str | None,
    strict: bool,
    store: str | None,
    no_store: bool,
    quiet: bool,
    color: str,
    header: tuple[str, ...],
    header_for: tuple[tuple[str, str], ...],
) -> None:
    """Check one URL, and each --quote on it, without a claim file.

    Exit codes as verify: 0 ok, archived or blocked; 1 failed; 2 invalid input; 3 the
    network is unreachable; 130 interrupted.
    """
    report_problems_to(Format(fmt), output)
    files = [citation_file(url, quotes)]
    check_output(output)
    config = project_config(config_path)
    folder = None if no_store else str(usable_store(store, config))
    options = VerifyOptions(
        timeout=timeout,
        retries=retries,
        allow_private=allow_private,
        allow_hosts=frozenset(allow_hosts),
        user_agent=user_agent,
        strict=strict,
        store=folder,
        workers=1,
    )
    options = config.apply(header_settings(options, header, header_for), _explicit())
    display = display_settings(config, color, quiet)
    report = run_verify(files, options, display.quiet)
    emit(report, Format(fmt), output, display)
    sys.exit(int(exit_status(report, options.strict)))


def citation_file(url: str, quotes: tuple[str, ...]) -> ClaimFile:
    """The one-citation claim file of `url` and `quotes`; exit 2 (one line) when the URL
    cannot be cited or a quote is empty."""
    from factcheck.claims.files import url_problem

    problems = [f"the URL {problem}" for problem in [url_problem(url)] if problem]
    problems += ["--quote must not be empty" for quote in quotes if not quote.strip()]
    if problems:
        refuse_input([ClaimFileError(COMMAND_LINE, None, problem) for problem in problems])
    texts = tuple(quote.strip() for quote in quotes)
    citation = Citation(url=url, quotes=texts)
    claim = Claim(id="check", claim=url, citations=(citation,), file=COMMAND_LINE)
    return ClaimFile(path=COMMAND_LINE, claims=(claim,))


def _explicit() -> set[str]:
    """The options given on the command line (they win over the configuration file)."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    return {n for n in ctx.params if ctx.get_parameter_source(n) is not ParameterSource.DEFAULT}
