"""Shared fixtures: the real fixture web site on 127.0.0.1, and running the CLI as a user."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from factcheck.cli import main
from factcheck.demo.server import PLACEHOLDER, serve, serve_app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DEMO = ROOT / "src" / "factcheck" / "demo"  # the demo's site/ and claims/ (package data)


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' requests go where they say, whatever proxy the machine names (a test of
    the proxy sets its own)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of the fixture site, served for the whole session."""
    with serve(DEMO / "site") as base:
        yield base


@dataclass
class Run:
    result: Result

    @property
    def code(self) -> int:
        return self.result.exit_code

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.result.stdout)
        return data

    def statuses(self) -> dict[str, list[str]]:
        """claim id -> the status of each of its citations, in file order."""
        return {c["id"]: [x["status"] for x in c["citations"]] for c in self.json()["claims"]}


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> Run:
    """Run `factcheck ARGS` in-process, as a user would from a shell in `cwd`: by default the
    folder above the first file or folder named by its full path (so each test's claims get
    their own project store, never the repository's)."""
    named = (Path(a) for a in args if Path(a).is_absolute() and Path(a).exists())
    folder = cwd or next((p.parent for p in named), None)
    before = Path.cwd()
    if folder is not None:
        os.chdir(folder)
    try:
        result = CliRunner().invoke(
            main, list(args), prog_name="factcheck", catch_exceptions=False, input=stdin
        )
    finally:
        os.chdir(before)
    return Run(result)


@pytest.fixture
def live(pages: Path) -> Iterator[str]:
    """A site that answers conditional requests (ETag, 304) for the module's `pages` folder."""
    from tests.snapshot_site import conditional_site

    with serve_app(conditional_site(pages)) as base:
        yield base


@pytest.fixture
def claims_file(tmp_path: Path, site: str):  # type: ignore[no-untyped-def]
    """Write a claim file (text with http://fixtures.test standing for the site); returns path."""

    def write(text: str, name: str = "claims.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
        return path

    return write


def fixture_claims(name: str, tmp_path: Path, site: str) -> Path:
    """A copy of the demo's claims/NAME citing the running fixture site."""
    text = (DEMO / "claims" / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(text.replace(PLACEHOLDER, site), encoding="utf-8")
    return path
