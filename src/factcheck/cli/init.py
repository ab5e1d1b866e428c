"""`factcheck init ARTICLE`: a draft claim file from an article's links and quotes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from factcheck.cli.common import fail
from factcheck.cli.drafting import draft_options, fetch_settings, run, write_whole
from factcheck.exitcodes import ExitStatus
from factcheck.text import safe_line


@click.command()
@click.argument("article")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="The claim file to write (default: claims/NAME.yaml, NAME from the article's).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@draft_options
def init(
    article: str,
    output: str | None,
    force: bool,
    archive: bool,
    archive_endpoint: str,
    **network: Any,
) -> None:
    """Draft a claim file from ARTICLE (a URL, an HTML file or a Markdown file).

    One claim per sentence, list item or table row of the main text that links out; one
    citation per link, with the article's quoted passages that were found on the cited page.
    Passages not found are comments, never quotes.

    Exit codes: 0 draft written; 2 bad input (unreadable article, no outbound links, output
    exists without --force); 3 cannot run (the article's URL unreachable, or the 'draft'
    extra not installed); 130 interrupted.
    """
    from factcheck.draft.article import ArticleError, ArticleUnreachableError
    from factcheck.draft.maintext import MissingExtraError
    from factcheck.draft.make import make_draft

    target = Path(output) if output else Path("claims") / f"{default_name(article)}.yaml"
    check_target(target, force)
    options = fetch_settings(**network)
    endpoint = archive_endpoint if archive else None
    try:
        draft = run(make_draft(article, options, date.today(), endpoint))
    except ArticleUnreachableError as exc:
        fail(f"factcheck: cannot read the article: {exc}", ExitStatus.CANNOT_RUN)
    except MissingExtraError as exc:
        fail(f"factcheck: {exc}", ExitStatus.CANNOT_RUN)
    except ArticleError as exc:
        fail(f"factcheck: {exc}", ExitStatus.INVALID_INPUT)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_whole(target, draft.text)
    except OSError as exc:
        fail(f"factcheck: cannot write {target}: {exc.strerror or exc}", ExitStatus.INVALID_INPUT)
    click.echo(safe_line(f"factcheck: wrote {target}: {draft.counts.summary()}"), err=True)


def default_name(article: str) -> str:
    """A file name for the draft: the URL's last path segment (else its host) or the file's
    stem, as a slug."""
    from factcheck.draft.plan import slug

    parts = urlsplit(article)
    if parts.scheme in ("http", "https"):
        segments = [s for s in parts.path.split("/") if s]
        name = segments[-1].rsplit(".", 1)[0] if segments else parts.hostname or ""
    else:
        name = Path(article).stem
    return slug(name.replace("_", " ").replace(".", " "))


def check_target(target: Path, force: bool) -> None:
    """Refuse, before any request, an output that exists (without --force) or is a folder."""
    if target.is_dir():
        fail(f"factcheck: {target} is a folder; name a file with -o", ExitStatus.INVALID_INPUT)
    if target.exists() and not force:
        fail(f"factcheck: {target} exists; pass --force to replace it", ExitStatus.INVALID_INPUT)
