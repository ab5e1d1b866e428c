"""`factcheck demo`: the demo site served on 127.0.0.1 and its claims verified (no network)."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.cli.common import FORMAT_OPTION, emit, fail, run_verify
from factcheck.errors import ClaimFileError, ClaimFilesError
from factcheck.exitcodes import ExitStatus
from factcheck.models import VerifyOptions
from factcheck.report import Format


@click.command()
@FORMAT_OPTION
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
            fail(str(exc), ExitStatus.INVALID_INPUT)
        options = VerifyOptions(
            timeout=2.0, retries=1, allow_private=True, check_connectivity=False
        )
        report = run_verify(files, options)
    emit(report, Format(fmt), None)
