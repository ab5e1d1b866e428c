"""`factcheck lint`: claim files validated without any network (for pre-commit)."""

from __future__ import annotations

import click

from factcheck.cli.common import load_files


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
def lint(paths: tuple[str, ...]) -> None:
    """Validate claim files without any network (PATHS default: claims/). For pre-commit."""
    files = load_files(paths)
    claims = sum(len(f.claims) for f in files)
    citations = sum(len(c.citations) for f in files for c in f.claims)
    click.echo(f"{len(files)} files, {claims} claims, {citations} citations: valid", err=True)
