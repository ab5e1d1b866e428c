"""The README stays true: its options table is `verify --help`'s options, its configuration
example loads as a user's factcheck.toml and as [tool.factcheck], it names every setting, its
claim file example lints clean, and its demo table is what `factcheck demo` prints (the port
and the retry timings aside)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from factcheck.claims.config import SETTINGS
from factcheck.cli.verify import verify
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
CLAIM = "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: https://example.org/\n"


def section(start: str, end: str) -> str:
    """The README's text from `start` up to the next `end` after it."""
    return README.split(start, 1)[1].split(end, 1)[0]


def options_table() -> set[str]:
    """The long options named in the first column of the verify options table."""
    table = section("The options of `verify`", "\n\nClaim files arrive")
    cells = (row.split(" | ")[0] for row in table.splitlines() if row.startswith("| `"))
    return {name for cell in cells for name in re.findall(r"`(--[a-z-]+)", cell)}


def test_the_options_table_is_verify_help() -> None:
    helped = {
        next(o for o in param.opts if o.startswith("--"))
        for param in verify.params
        if isinstance(param, click.Option)
    }
    assert helped - options_table() == set(), "in verify --help, not in the README table"
    assert options_table() - helped == set(), "in the README table, not in verify --help"


def config_example() -> str:
    return section("<!-- config:start -->\n```toml\n", "```")


def test_the_configuration_example_loads_in_factcheck_toml(tmp_path: Path) -> None:
    (tmp_path / "factcheck.toml").write_text(config_example(), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(CLAIM, encoding="utf-8")
    run = run_cli("lint", "c.yaml", cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "1 file, 1 claim, 1 citation: valid\n")


def test_the_configuration_example_loads_in_pyproject_toml(tmp_path: Path) -> None:
    tool = config_example().replace('[headers."', '[tool.factcheck.headers."')
    pyproject = f'[project]\nname = "x"\n\n[tool.factcheck]\n{tool}'
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(CLAIM, encoding="utf-8")
    run = run_cli("lint", "c.yaml", cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "1 file, 1 claim, 1 citation: valid\n")
    bogus = pyproject.replace("[tool.factcheck]\n", "[tool.factcheck]\nbogus = 1\n")
    (tmp_path / "pyproject.toml").write_text(bogus, encoding="utf-8")
    assert run_cli("lint", "c.yaml", cwd=tmp_path).code == 2  # the section was read


def test_the_configuration_section_names_every_setting() -> None:
    text = section("## Configuration", "### How pages are fetched")
    assert [name for name in SETTINGS if f"`{name}`" not in text] == []


def test_the_claim_file_example_is_valid(tmp_path: Path) -> None:
    example = section("## Claim files\n\n```yaml\n", "```")
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    run = run_cli("lint", "example.yaml", cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "1 file, 1 claim, 2 citations: valid\n")


def normalised(text: str) -> list[str]:
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return re.sub(r"over \d+(\.\d+)? s", "over N s", text).splitlines()


def test_the_demo_table_is_what_factcheck_demo_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    run = run_cli("demo")
    documented = section("<!-- demo-table:start -->", "<!-- demo-table:end -->")
    table = documented.split("```\n", 1)[1].split("```", 1)[0]
    assert normalised(run.stdout) == normalised(table)
    assert run.stderr.splitlines()[-1] in documented
