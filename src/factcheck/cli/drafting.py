"""What `init` and `add` share: the network options of a draft, running its core, and
writing a claim file whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from factcheck.cli.common import ALLOW_HOST_OPTION, ALLOW_PRIVATE_OPTION, TIMEOUT_OPTION, fail
from factcheck.exitcodes import ExitStatus
from factcheck.models import VerifyOptions

T = TypeVar("T")
DEFAULT_ARCHIVE = "https://web.archive.org"


def draft_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a command that fetches cited pages (as `verify` names them)."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


_OPTIONS = (
    click.option(
        "--archive",
        is_flag=True,
        help="Ask the Internet Archive's Save Page Now for each page whose quotes were found; "
        "write the capture as archive_url (a failure is a comment).",
    ),
    click.option(
        "--archive-endpoint",
        default=DEFAULT_ARCHIVE,
        show_default=True,
        help="Wayback Machine base URL (Save Page Now is {endpoint}/save/URL).",
    ),
    TIMEOUT_OPTION,
    ALLOW_PRIVATE_OPTION,
    ALLOW_HOST_OPTION,
    click.option("--user-agent", help="User-Agent header (default: factcheck/VERSION (+URL))."),
    click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, exists=True),
        help="Configuration file (default: the nearest factcheck.toml, else [tool.factcheck] "
        "in pyproject.toml), for limits, timeouts and per-host headers, as verify reads it.",
    ),
)


def fetch_settings(
    timeout: float,
    allow_private: bool,
    allow_hosts: tuple[str, ...],
    user_agent: str | None,
    config_path: str | None,
) -> VerifyOptions:
    """The fetcher's options, as `verify` has them: the command line wins over the
    configuration file, the file over the defaults (limits per host, retries). An invalid
    file is one line a problem and exit 2."""
    from click.core import ParameterSource

    from factcheck.claims.config import load_config
    from factcheck.errors import ConfigError

    ctx = click.get_current_context()
    given = {n for n in ctx.params if ctx.get_parameter_source(n) is not ParameterSource.DEFAULT}
    try:
        config = load_config(Path(config_path) if config_path else None)
    except ConfigError as exc:
        fail(str(exc), ExitStatus.INVALID_INPUT)
    options = VerifyOptions(
        timeout=timeout,
        allow_private=allow_private,
        allow_hosts=frozenset(allow_hosts),
        user_agent=user_agent,
    )
    return config.apply(options, given)


def run(core: Coroutine[Any, Any, T]) -> T:
    """Run a draft's core; Ctrl-C ends the command with 130 and nothing written."""
    import asyncio

    try:
        return asyncio.run(core)
    except KeyboardInterrupt:
        fail("factcheck: interrupted; nothing written", ExitStatus.INTERRUPTED)


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file beside it: a reader (or a crash)
    sees the old file or the new one, never half of one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
