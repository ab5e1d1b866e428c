"""The configuration file: `factcheck.toml`, or `[tool.factcheck]` in pyproject.toml.

It sets the User-Agent, headers for hosts that need a cookie or a token, the connectivity
probe URL and defaults for the command-line options; an option given on the command line
wins. The address guard cannot be opened from here (no `allow_private`): the file can
arrive in the same pull request as the claims, and the guard is what protects CI from them.

    user_agent = "factcheck/0.1 (+https://newsroom.example/factcheck)"
    probe_url = "https://www.example.com/"
    timeout = 20
    retries = 2
    max_retry_after = 60
    store = ".factcheck"          # the snapshot store, relative to this file
    max_age = "1d"
    render = "auto"               # or "always", "never"; the browser is never chosen here
    exclude = [
        "^https://www\\.linkedin\\.com/",  # answers 999 to every client that is not a browser
    ]
    include = []                  # URLs checked even when an exclude matches them
    accept = "200..=299,429"      # statuses read as reachable pages (beside 2xx)

    [headers."www.ft.com"]            # https://www.ft.com:443 only
    Cookie = "session=..."
    [headers."http://wiki.internal:8080"]
    Authorization = "Bearer ..."
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from factcheck.claims.project import parents_of
from factcheck.claims.selection import pattern_problem
from factcheck.errors import ClaimFileError, ConfigError
from factcheck.models import RENDER_MODES, VerifyOptions

CONFIG_NAME = "factcheck.toml"
# setting -> the types it accepts (bool is excluded from numbers on purpose)
SETTINGS: dict[str, tuple[type, ...]] = {
    "user_agent": (str,),
    "probe_url": (str,),
    "timeout": (int, float),
    "concurrency": (int,),
    "per_host": (int,),
    "workers": (int,),
    "retries": (int,),
    "max_retry_after": (int, float),
    "max_bytes": (int,),
    "read_timeout": (int, float),
    "strict": (bool,),
    "store": (str,),
    "max_age": (str,),
    "exclude_paths": (list,),
    "max_claims_bytes": (int,),
    "color": (str,),
    "quiet": (bool,),
    "render": (str,),
    "render_timeout": (int, float),
    "render_concurrency": (int,),
    "accept": (str,),
    "exclude": (list,),
    "include": (list,),
}
# settings with a fixed set of values
CHOICES: dict[str, tuple[str, ...]] = {"render": RENDER_MODES}
# settings that are lists of strings; and those that are not VerifyOptions fields
LISTS = frozenset({"exclude_paths", "exclude", "include"})
PATTERNS = frozenset({"exclude", "include"})  # lists of regular expressions
NOT_OPTIONS = frozenset({"store", "exclude_paths", "max_claims_bytes", "color", "quiet"})
# settings written as text and read into the value VerifyOptions takes
CONVERT: dict[str, Callable[[str], Any]] = {
    "max_age": lambda text: parse_duration(text),
    "accept": lambda text: parse_accept(text),
}
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?[smhdw])+")

# the least value that lets a run work (a concurrency of 0 would wait forever)
MINIMUM: dict[str, float] = {
    "timeout": 0.1,
    "concurrency": 1,
    "per_host": 1,
    "workers": 1,
    "retries": 0,
    "max_retry_after": 0,
    "max_bytes": 1,
    "read_timeout": 0.1,
    "max_claims_bytes": 1,
    "render_timeout": 1,
    "render_concurrency": 1,
}


@dataclass(frozen=True)
class Config:
    """What a configuration file says: option defaults and per-host headers."""

    path: Path | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    host_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def exclude_paths(self) -> tuple[str, ...]:
        """Globs of files that are never claim files (`exclude_paths`)."""
        return tuple(self.settings.get("exclude_paths", ()))

    @property
    def max_claims_bytes(self) -> int | None:
        """The largest claim file read (`max_claims_bytes`), None when the file says not."""
        value = self.settings.get("max_claims_bytes")
        return int(value) if value is not None else None

    @property
    def store(self) -> Path | None:
        """The `store` setting, relative to this file's folder; None when unset."""
        value = self.settings.get("store")
        if value is None or self.path is None:
            return None
        return self.path.parent / str(value)

    def apply(self, options: VerifyOptions, explicit: Collection[str] = ()) -> VerifyOptions:
        """`options` with this file's settings, except those in `explicit` (given on the
        command line, which wins)."""
        chosen: dict[str, Any] = {
            k: tuple(v) if k in LISTS else v
            for k, v in self.settings.items()
            if k not in explicit and k not in NOT_OPTIONS
        }
        headers = {host: dict(values) for host, values in self.host_headers.items()}
        everywhere = headers.pop("*", {})  # [headers."*"]: every host, as --header
        return replace(
            options,
            **chosen,
            host_headers={**headers, **options.host_headers},
            headers={**everywhere, **options.headers},
        )


def find_config(folder: Path) -> Path | None:
    """The nearest factcheck.toml, else pyproject.toml with [tool.factcheck], in `folder` or
    a parent, as git finds `.git` (not above the repository's top, the folder with .git)."""
    for here in parents_of(folder):
        found = _config_in(here)
        if found is not None or (here / ".git").exists():
            return found
    return None


def _config_in(folder: Path) -> Path | None:
    own = folder / CONFIG_NAME
    if own.is_file():
        return own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "factcheck" in _read(pyproject).get("tool", {}):
        return pyproject
    return None


def load_config(path: Path | None = None, folder: Path | None = None) -> Config:
    """The configuration at `path`, or the one found from `folder` (default: the current
    folder) upward; an empty Config when there is none. Raises ConfigError listing every
    problem (`path:line: what`) for unreadable TOML, unknown settings or wrong types."""
    path = path or find_config(folder or Path.cwd())
    if path is None:
        return Config()
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("factcheck", {})
    if not isinstance(data, dict):
        _refuse(path, [(None, "[tool.factcheck] must be a table")])
    problems = _header_problems(data.get("headers", {}))
    problems += [(key, p) for key, value in data.items() if (p := _problem(key, value))]
    if problems:
        text = path.read_text(encoding="utf-8")
        _refuse(path, [(_line_of(text, key), message) for key, message in problems])
    _convert(path, data)
    headers = data.pop("headers", {})
    return Config(path, data, {host.lower(): dict(v) for host, v in headers.items()})


def _refuse(path: Path, problems: list[tuple[int | None, str]]) -> NoReturn:
    errors = [ClaimFileError(str(path), line, message) for line, message in problems]
    errors.sort(key=ClaimFileError.sort_key)
    raise ConfigError("\n".join(str(e) for e in errors), errors)


def _line_of(text: str, key: str | None) -> int | None:
    """The line setting `key` (its first `key =` or `[...key...]`), for messages."""
    if key is None:
        return None
    pattern = re.compile(rf"^\s*(\[[^\]]*\b{re.escape(key)}\b|\"?{re.escape(key)}\"?\s*=)")
    lines = text.splitlines()
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _convert(path: Path, data: dict[str, Any]) -> None:
    """The CONVERT settings read into their values, in place (exit through ConfigError)."""
    for key, convert in CONVERT.items():
        if key in data:
            try:
                data[key] = convert(data[key])
            except ValueError as exc:
                text = path.read_text(encoding="utf-8")
                _refuse(path, [(_line_of(text, key), f"{key}: {exc}")])


def parse_accept(text: str) -> frozenset[int]:
    """The HTTP statuses of an --accept list: codes and ranges, `200..=299,429` (`a..b`
    leaves b out, as in lychee); ValueError for anything else or a code outside 100-599."""
    codes: set[int] = set()
    for part in (p.strip() for p in text.split(",") if p.strip()):
        low, sep, high = part.partition("..")
        inclusive = high.startswith("=")
        try:
            first = int(low)
            last = int(high.lstrip("=")) + (1 if inclusive else 0) if sep else first + 1
        except ValueError:
            raise ValueError(f"not a status code or range: {part!r} (e.g. 200..=299,429)") from None
        if not 100 <= first < last <= 600:
            raise ValueError(f"not a range of HTTP statuses (100-599): {part!r}")
        codes.update(range(first, last))
    return frozenset(codes)


def parse_duration(text: str) -> float:
    """Seconds in a duration such as `1d`, `12h`, `90m`, `1h30m` or `45s` (`m` is minutes,
    `w` weeks); ValueError for anything else."""
    compact = text.strip().lower()
    if not _DURATION.fullmatch(compact):
        raise ValueError(
            f"not a duration: {text!r} (a number and a unit, s, m, h, d or w: 1d, 12h, 30m)"
        )
    pairs = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", compact)
    return sum(float(number) * DURATION_UNITS[unit] for number, unit in pairs)


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: most runs have no file to read, and it costs 15 ms

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        _refuse(path, [(None, f"cannot read the configuration ({exc})")])
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        _refuse(path, [(int(where[1]) if where else None, f"invalid TOML: {exc}")])


def _problem(key: str, value: object) -> str | None:
    """What is wrong with `key = value`; None when it is a valid setting."""
    if key == "headers":
        return None
    if key not in SETTINGS:
        known = ", ".join([*SETTINGS, "headers"])
        return f"unknown setting {key!r} (known: {known})"
    types = SETTINGS[key]
    if key in LISTS:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"{key} must be a list of strings, not {value!r}"
        bad = [pattern_problem(v) for v in value] if key in PATTERNS else []
        return next((f"{key}: {problem}" for problem in bad if problem), None)
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        names = " or ".join(t.__name__ for t in types)
        return f"{key} must be {names}, not {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{key} must be a finite number, not {value!r}"
    if key == "color" and value not in ("auto", "always", "never"):
        return f"color must be auto, always or never, not {value!r}"
    choices = CHOICES.get(key)
    if choices is not None and value not in choices:
        return f"{key} must be one of {', '.join(choices)}, not {value!r}"
    least = MINIMUM.get(key)
    if least is not None and value < least:  # type: ignore[operator]
        return f"{key} must be at least {least}, not {value!r}"
    return None


def _names_an_origin(key: str) -> bool:
    """True when a headers key is `host`, `host:port` or `http(s)://host[:port]` (the
    fetcher sends the headers to that scheme, host and port only)."""
    from yarl import URL

    try:
        url = URL(key if "://" in key else f"https://{key}")
        return url.scheme in ("http", "https") and bool(url.host) and bool(url.port)
    except (ValueError, UnicodeError):
        return False


def _header_problems(table: object) -> list[tuple[str | None, str]]:
    """What is wrong with the `[headers."host"]` tables (host -> {header: value})."""
    if not isinstance(table, dict):
        return [("headers", "headers must be a table of hosts")]
    problems: list[tuple[str | None, str]] = [
        (host, f'headers."{host}" must be a table of strings')
        for host, values in table.items()
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values())
    ]
    problems += [
        (
            host,
            f'headers."{host}" must name a host (https on 443), host:port (https) '
            "or an origin such as http://host:8080",
        )
        for host in table
        if not _names_an_origin(host)
    ]
    return problems
