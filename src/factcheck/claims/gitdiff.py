"""Which lines of which files differ from a git revision (for `verify --changed-since REF`).

git runs as a subprocess (no library needed for five plumbing commands). The comparison is
with the merge base of REF and HEAD, against the working tree: what this branch changed since
it left REF, uncommitted edits included, and nothing REF gained since (a pull request's own
changes, as GitHub shows them). A file absent at that base, or not tracked, is new: every
line of it counts. Renames are not followed (`--no-renames`): a moved file is new, so no claim
is ever skipped on the strength of a similarity guess.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from factcheck.errors import FactcheckError
from factcheck.text import safe_line

GIT_TIMEOUT = 120.0  # seconds for one git command: a huge repository, a slow disk
# A hunk header of `git diff --unified=0`: old start[,count] and new start[,count].
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_SHALLOW_HINT = (
    "fetch it first (git fetch); in GitHub Actions, check out with fetch-depth: 0 "
    "(a shallow clone lacks the base commit)"
)


class GitError(FactcheckError):
    """git cannot say what changed: not installed, not a repository, an unknown revision."""


@dataclass(frozen=True)
class FileChanges:
    """How one file differs from the base: `new` (every line counts), else the lines added
    or modified (numbered in the file as it is now) and, for each run of deleted lines, the
    line they followed (0: the top of the file)."""

    new: bool = False
    lines: frozenset[int] = field(default_factory=frozenset)
    deleted_after: frozenset[int] = field(default_factory=frozenset)


NEW_FILE = FileChanges(new=True)


def changes_since(
    ref: str, files: Sequence[Path], cwd: Path | None = None
) -> dict[Path, FileChanges]:
    """The changes of each of `files` that differs from `ref` (files absent: unchanged).

    Raises GitError (one line, made inert) when git is missing, `cwd` is not inside a git
    repository, `ref` is not a commit or shares no history with HEAD, or a file lies outside
    the repository.
    """
    refuse_option_like(ref)
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).rstrip("\n")).resolve()
    base = merge_base(ref, root)
    if not files:
        return {}
    names = {_repo_path(path, root): path for path in files}
    old = _names(["ls-tree", "-r", "-z", "--name-only", base, "--", *names], root)
    tracked = _names(["ls-files", "-z", "--", *names], root)
    known = old & tracked  # the others are new: absent at the base, or untracked
    changes = {path: NEW_FILE for name, path in names.items() if name not in known}
    kept = [name for name in names if name in known]
    listed = ["diff", "--name-only", "-z", "--no-renames", base, "--", *kept]
    differing = [name for name in _git(listed, root).split("\0") if name] if kept else []
    for name, found in _file_changes(base, differing, root).items():
        changes[names[name]] = found
    return changes


def refuse_option_like(ref: str) -> None:
    """Raise GitError for a REF git would read as an option (`--output=x`) or nothing."""
    if not ref.strip():
        raise GitError("--changed-since: the revision is empty")
    if ref.startswith("-"):
        raise GitError(
            f"--changed-since: '{safe_line(ref)}' is not a revision (it starts with '-')"
        )


def merge_base(ref: str, root: Path) -> str:
    """The commit where HEAD's history left `ref` (`ref` itself when HEAD descends from it)."""
    found = _run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if found.returncode != 0:
        raise GitError(f"--changed-since: unknown revision '{safe_line(ref)}': {_hint(root)}")
    commit = found.stdout.strip()
    base = _run(["merge-base", commit, "HEAD"], root)
    if base.returncode != 0:
        raise GitError(
            f"--changed-since: '{safe_line(ref)}' and HEAD share no history: {_hint(root)}"
        )
    return base.stdout.strip()


def _hint(root: Path) -> str:
    shallow = _run(["rev-parse", "--is-shallow-repository"], root).stdout.strip() == "true"
    return ("this clone is shallow; " if shallow else "") + _SHALLOW_HINT


def _file_changes(base: str, names: list[str], root: Path) -> dict[str, FileChanges]:
    """The changes of each of `names` (in the order git listed them), from one patch split
    at its `diff --git` lines; file by file when the sections do not match the names."""
    if not names:
        return {}
    sections = re.split(r"^diff --git ", _patch(base, names, root), flags=re.MULTILINE)[1:]
    if len(sections) != len(names):  # never pair a patch with the wrong file
        return {name: hunks(_patch(base, [name], root)) for name in names}
    return {name: hunks(section) for name, section in zip(names, sections, strict=True)}


def _patch(base: str, names: list[str], root: Path) -> str:
    # --text: a .gitattributes marking YAML binary must not hide every change;
    # --no-textconv/--no-ext-diff: the line numbers must be those of the file itself.
    options = ["--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--text"]
    return _git(["diff", *options, "--no-renames", base, "--", *names], root)


def hunks(patch: str) -> FileChanges:
    """The lines a `git diff --unified=0` patch of one file adds or modifies, and where it
    deletes lines, from its hunk headers (`@@ -a,b +c,d @@`)."""
    lines: set[int] = set()
    deleted_after: set[int] = set()
    for match in _HUNK.finditer(patch):
        start, count = int(match[1]), int(match[2] or "1")
        if count == 0:  # only deletions: they followed line `start` of the new file
            deleted_after.add(start)
        lines.update(range(start, start + count))
    return FileChanges(False, frozenset(lines), frozenset(deleted_after))


def _repo_path(path: Path, root: Path) -> str:
    """`path` as git names it inside `root` (POSIX, relative); GitError when outside."""
    try:
        # The folder resolved, not the file: a symlinked claim file is the link git tracks.
        return (path.absolute().parent.resolve() / path.name).relative_to(root).as_posix()
    except ValueError:
        raise GitError(
            f"--changed-since: {safe_line(str(path))} is outside the git repository at "
            f"{safe_line(str(root))}"
        ) from None


def _names(args: list[str], root: Path) -> set[str]:
    return {name for name in _git(args, root).split("\0") if name}


def _git(args: list[str], cwd: Path | None) -> str:
    """git's output for `args`; GitError with git's first line of complaint when it fails."""
    done = _run(args, cwd)
    if done.returncode != 0:
        complaint = next(iter(done.stderr.strip().splitlines()), f"exit {done.returncode}")
        if "not a git repository" in complaint:
            raise GitError("--changed-since: not inside a git repository")
        raise GitError(f"--changed-since: git {args[0]} failed: {safe_line(complaint)}")
    return done.stdout


def _run(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
    # Paths are literal (a claim file named '*.yaml' or ':(exclude)x' is that file) and no
    # optional lock is taken: a concurrent git command in the repository is never disturbed.
    # LC_ALL=C: git's complaints in English, as matched in `_git` (names come with -z, as bytes).
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "--changed-since needs git, and git is not installed (not on PATH)"
        ) from None
    except subprocess.TimeoutExpired:
        raise GitError(
            f"--changed-since: git {args[0]} took more than {GIT_TIMEOUT:.0f} s"
        ) from None
    except OSError as exc:
        raise GitError(f"--changed-since: cannot run git ({exc.strerror})") from None


__all__ = ["NEW_FILE", "FileChanges", "GitError", "changes_since", "hunks", "merge_base"]
