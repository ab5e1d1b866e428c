"""Where a project keeps its evidence: one snapshot store per project, found as git finds `.git`.

Every command (`verify`, `lint`, `snapshots`) and every fix a report prints asks the same
question from the working folder, so they all land on the same store whatever paths are
named on the command line:

1. `--store DIR`;
2. `store = "DIR"` in the configuration file (relative to that file's folder);
3. the nearest `.factcheck/` folder in the working folder or a parent (not above the
   repository's top, the folder holding `.git`);
4. a new `.factcheck/` beside the nearest configuration file, `pyproject.toml` or `.git`;
5. a new `.factcheck/` in the working folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

STORE_DIR = ".factcheck"
PROJECT_MARKERS = ("factcheck.toml", "pyproject.toml", ".git")


def parents_of(start: Path) -> Iterator[Path]:
    """`start` (made absolute) and each of its parents, nearest first."""
    here = start.absolute()
    yield here
    yield from here.parents


def project_root(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the working folder) upward holding a
    factcheck.toml, a pyproject.toml or a .git; None when no parent has one."""
    for folder in parents_of(start or Path.cwd()):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None


def find_store(
    explicit: str | None = None, configured: Path | None = None, start: Path | None = None
) -> Path:
    """The project's store folder by the rule above (it may not exist yet).

    `explicit` is `--store` (relative to the working folder), `configured` the config file's
    `store` already resolved against the file's folder.
    """
    if explicit:
        return Path(explicit)
    if configured is not None:
        return configured
    start = start or Path.cwd()
    for folder in parents_of(start):
        if (folder / STORE_DIR).is_dir():
            return _shown(folder / STORE_DIR, start)
        if (folder / ".git").exists():
            break
    root = project_root(start)
    return _shown(root / STORE_DIR, start) if root else Path(STORE_DIR)


def _shown(path: Path, start: Path) -> Path:
    """`path` relative to `start` when it is below it (shorter in messages), else absolute."""
    try:
        return path.relative_to(start.absolute())
    except ValueError:
        return path
