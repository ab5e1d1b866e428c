"""`factcheck add [FILE] URL --claim ID | --new TEXT`: one citation added to a claim file,
its quotes checked on the page first, every other byte of the file kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from factcheck.cli.common import fail
from factcheck.cli.drafting import draft_options, fetch_settings, run, write_whole
from factcheck.exitcodes import ExitStatus
from factcheck.text import safe_line


@click.command()
@click.argument("file_and_url", nargs=-1, required=True, metavar="[FILE] URL")
@click.option("--claim", "claim_id", metavar="ID", help="Add the citation to this claim.")
@click.option("--new", "new_claim", metavar="TEXT", help="Add a new claim with this text.")
@click.option("--id", "new_id", metavar="ID", help="The new claim's id (default: a slug).")
@click.option("--quote", "quotes", multiple=True, help="A passage the page must hold; repeatable.")
@click.option("--force", is_flag=True, help="Add it even if a quote is not found on the page.")
@draft_options
def add(
    file_and_url: tuple[str, ...],
    claim_id: str | None,
    new_claim: str | None,
    new_id: str | None,
    quotes: tuple[str, ...],
    force: bool,
    archive: bool,
    archive_endpoint: str,
    **network: Any,
) -> None:
    """Add the citation URL to claim ID (--claim) or to a new claim (--new) of FILE.

    The page is fetched and every --quote looked for on it; the citation is added after the
    claim's last one (a new claim after the last claim), comments and formatting kept.
    FILE defaults to the one claim file under claims/ (with --claim: the one holding ID).

    Exit codes: 0 added; 1 refused: the page did not answer or a quote is not on it (unless
    --force); 2 bad input (claim file invalid, no such claim, bad URL); 3 cannot run (the
    network is unreachable); 130 interrupted.
    """
    from factcheck.draft.adding import Addition, AddRefusedError, add_to_file
    from factcheck.errors import ClaimFileError, ClaimFilesError, NetworkUnreachableError

    path, url = _file_and_url(file_and_url, claim_id)
    if (claim_id is None) == (new_claim is None):
        fail("factcheck: add needs one of --claim ID or --new TEXT", ExitStatus.INVALID_INPUT)
    addition = Addition(url, tuple(quotes), claim_id, new_claim, new_id, force)
    options = fetch_settings(**network)
    endpoint = archive_endpoint if archive else None
    try:
        done = run(add_to_file(path, addition, options, date.today(), endpoint))
    except (ClaimFileError, ClaimFilesError) as exc:
        fail(str(exc), ExitStatus.INVALID_INPUT)
    except AddRefusedError as exc:
        fail(f"factcheck: {exc}", ExitStatus.FAILED)
    except NetworkUnreachableError as exc:
        fail(f"factcheck: {exc}", ExitStatus.CANNOT_RUN)
    write_whole(path, done.text)
    click.echo(safe_line(f"factcheck: {done.summary}"), err=True)


def _file_and_url(arguments: tuple[str, ...], claim_id: str | None) -> tuple[Path, str]:
    if len(arguments) > 2:
        fail("factcheck: add takes [FILE] URL", ExitStatus.INVALID_INPUT)
    if len(arguments) == 2:
        return Path(arguments[0]), arguments[1]
    return _default_file(claim_id), arguments[0]


def _default_file(claim_id: str | None) -> Path:
    """The claim file under claims/: the only one, or the one holding `claim_id`."""
    from factcheck.cli.common import load_files

    files = load_files(("claims",))
    if claim_id is not None:
        files = [f for f in files if any(c.id == claim_id for c in f.claims)]
    if len(files) != 1:
        fail(
            f"factcheck: {len(files)} claim files under claims/ could take it; name FILE",
            ExitStatus.INVALID_INPUT,
        )
    return Path(files[0].path)
