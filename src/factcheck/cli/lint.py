"""`factcheck lint`: claim files validated without any network (for pre-commit)."""

from __future__ import annotations

import click

from factcheck.cli.common import MAX_CLAIMS_BYTES_OPTION, VERBOSE_OPTION, load_input


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True),
    help="Configuration file (default: factcheck.toml or [tool.factcheck] in pyproject.toml, "
    "in the working folder or a parent).",
)
@MAX_CLAIMS_BYTES_OPTION
@VERBOSE_OPTION
def lint(
    paths: tuple[str, ...], config_path: str | None, max_claims_bytes: int | None, verbose: bool
) -> None:
    """Validate claim files without any network (PATHS default: claims/; - reads stdin).

    Every problem of every file is listed, sorted by file and line; exit 2 when any.
    For pre-commit.
    """
    files, _ = load_input(paths, config_path, verbose, max_claims_bytes)
    claims = sum(len(f.claims) for f in files)
    citations = sum(len(c.citations) for f in files for c in f.claims)
    counts = [_count(len(files), "file"), _count(claims, "claim"), _count(citations, "citation")]
    click.echo(f"{', '.join(counts)}: valid", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
