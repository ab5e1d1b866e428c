"""Which files are claim files: the paths named on the command line, expanded.

A file named on the command line is always read as a claim file. In a folder, a YAML file
(`*.yaml`, `*.yml`) is a claim file when its top level has a `claims:` key (block or flow
style, after a byte-order mark if any); the others (`action.yml`, `.pre-commit-hooks.yaml`,
CI workflows) are skipped with the reason, which `--verbose` shows. A skipped file that looks
like claims all the same (a `citations:` or `quote:` key) is named with a warning even
without `--verbose`: a claim file skipped in silence would leave its citations unchecked
while CI stays green. Hidden folders (`.git`, `.github`, `.factcheck`) and the
configuration's `exclude_paths` globs are skipped too.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from factcheck.errors import ClaimFileError

CLAIM_SUFFIXES = (".yaml", ".yml")
# a top-level `claims:` key, as block YAML writes it (column 0, maybe quoted); read from the
# first 64 KiB, so a folder of big unrelated YAML files costs little
_CLAIMS_KEY = re.compile(rb"""^(?:\xef\xbb\xbf)?["']?claims["']?[ \t]*:""", re.MULTILINE)
# a flow-style top level, `{claims: [...]}`, after comments, directives and `---`
_FLOW_TOP = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:#.*|---.*|%.*)?\r?\n)*[ \t]*\{")
_ANY_CLAIMS_KEY = re.compile(rb"""["']?\bclaims["']?[ \t]*:""")
_CLAIM_LIKE = re.compile(
    rb"""^[ \t-]*["']?(claims|citations|quote|quotes)["']?[ \t]*:""", re.MULTILINE | re.IGNORECASE
)
LOOKS_LIKE_CLAIMS = "though it looks like a claim file"
_URL = re.compile(r"^(https?):/+(.*)$", re.IGNORECASE)
STDIN = "-"


@dataclass
class Discovery:
    """The claim files found (in order, each once), the files passed over with the reason,
    and the paths that could not be read as claims at all."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[ClaimFileError] = field(default_factory=list)


def discover(paths: Iterable[str | Path], exclude: Iterable[str] = ()) -> Discovery:
    """Expand `paths` (files and folders) into claim files; never raises for a bad path."""
    found = Discovery()
    patterns = tuple(exclude)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, patterns, found)
        elif path.is_file():
            found.files.append(path)
        else:
            found.errors.append(ClaimFileError(str(raw), None, _missing(str(raw))))
    found.files = list(dict.fromkeys(found.files))
    return found


def _walk(folder: Path, patterns: tuple[str, ...], found: Discovery) -> None:
    yaml_files = 0
    for path in sorted(_yaml_below(folder)):
        yaml_files += 1
        reason = _skip_reason(path, folder, patterns)
        if reason:
            found.skipped.append((path, reason))
        else:
            found.files.append(path)
    if yaml_files == 0:
        found.errors.append(
            ClaimFileError(str(folder), None, "no claim files (*.yaml, *.yml) in folder")
        )


def _yaml_below(folder: Path) -> Iterator[Path]:
    """YAML files under `folder`, hidden folders left out (not walked into at all)."""
    for path in folder.iterdir():
        if path.is_dir():
            if not path.name.startswith("."):
                yield from _yaml_below(path)
        elif path.suffix in CLAIM_SUFFIXES:
            yield path


def _skip_reason(path: Path, folder: Path, patterns: tuple[str, ...]) -> str | None:
    """Why `path`, found in `folder`, is not a claim file; None when it is one."""
    if path.name.startswith("."):
        return "a hidden file"
    pattern = excluded_by(path, folder, patterns)
    if pattern:
        return f"excluded by exclude_paths {pattern!r}"
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if _CLAIMS_KEY.search(head) or (_FLOW_TOP.match(head) and _ANY_CLAIMS_KEY.search(head)):
        return None
    like = _CLAIM_LIKE.search(head)
    if like:
        return (
            f"no top-level 'claims:' key, {LOOKS_LIKE_CLAIMS} ('{like[1].decode()}:'); "
            "name it on the command line to read it as one"
        )
    return "no top-level 'claims:' key (not a claim file)"


def excluded_by(path: Path, folder: Path, patterns: Iterable[str]) -> str | None:
    """The first glob of `patterns` matching `path` (as named, or relative to `folder`): a
    pattern matches the whole path or any trailing part of it (`drafts/*.yaml`)."""
    relative = PurePath(path).relative_to(folder) if path.is_relative_to(folder) else path
    for pattern in patterns:
        for candidate in (PurePath(path), PurePath(relative)):
            if fnmatch.fnmatch(candidate.as_posix(), pattern) or candidate.match(pattern):
                return pattern
    return None


def _missing(raw: str) -> str:
    """Why `raw` names nothing: a URL gets a pointer to `factcheck check`."""
    url = _URL.match(raw)
    if url:
        return (
            "a URL, not a claim file or folder; to check one page from the command line: "
            f"factcheck check {url[1].lower()}://{url[2]} --quote TEXT"
        )
    return "no such file or folder"
