"""The command line: parse options, call the library core, render, set the exit code.

One module per command (`verify`, `lint`, `demo`, `snapshots`, `init`, `add`), what they
share in `common` (and `drafting`, for `init` and `add`).
The top of the pipeline: may import every stage, and nothing imports it.
"""

from __future__ import annotations

import click

from factcheck.cli.add import add
from factcheck.cli.check import check
from factcheck.cli.common import route_library_logs
from factcheck.cli.demo import demo
from factcheck.cli.init import init
from factcheck.cli.lint import lint
from factcheck.cli.snapshots import snapshots
from factcheck.cli.verify import verify
from factcheck.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factcheck")
def main() -> None:
    """Check that every cited source works and still says what the claim quotes."""
    route_library_logs()


for command in (verify, check, lint, init, add, demo, snapshots):
    main.add_command(command)

__all__ = ["main"]
