"""The configuration file: factcheck.toml or [tool.factcheck], the command line winning."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.claims.config import load_config
from factcheck.errors import ConfigError
from factcheck.models import VerifyOptions
from tests.conftest import run_cli
from tests.fetch.test_fetch import citation


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def test_factcheck_toml_sets_defaults_and_host_headers(in_tmp: Path) -> None:
    (in_tmp / "factcheck.toml").write_text(
        'user_agent = "newsroom/1"\nretries = 5\nmax_retry_after = 10\n'
        '[headers."www.ft.com"]\nCookie = "session=1"\n',
        encoding="utf-8",
    )
    options = load_config().apply(VerifyOptions())
    assert (options.user_agent, options.retries, options.max_retry_after) == ("newsroom/1", 5, 10)
    assert options.host_headers == {"www.ft.com": {"Cookie": "session=1"}}


def test_pyproject_tool_table_is_read(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.factcheck]\nprobe_url = "http://probe.example/"\n',
        encoding="utf-8",
    )
    assert load_config().apply(VerifyOptions()).probe_url == "http://probe.example/"


def test_no_config_changes_nothing(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config().apply(VerifyOptions()) == VerifyOptions()


def test_the_command_line_wins_over_the_file(in_tmp: Path) -> None:
    (in_tmp / "factcheck.toml").write_text(
        "retries = 5\ntimeout = 9\nworkers = 1\n", encoding="utf-8"
    )
    options = load_config().apply(VerifyOptions(retries=1, workers=3), explicit={"retries"})
    assert (options.retries, options.timeout, options.workers) == (1, 9, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("allow_private = true\n", "unknown setting 'allow_private'"),
        ('retries = "2"\n', "retries must be int, not '2'"),
        ("concurrency = 0\n", "concurrency must be at least 1, not 0"),
        ("workers = 0\n", "workers must be at least 1, not 0"),
        ("strict = 1\n", "strict must be bool, not 1"),
        ("timeout = true\n", "timeout must be int or float, not True"),
        ('[headers]\n"a.example" = "x"\n', 'headers."a.example" must be a table of strings'),
        ("retries = \n", "invalid TOML"),
        ("timeout = inf\n", "timeout must be a finite number, not inf"),
        ("max_retry_after = nan\n", "max_retry_after must be a finite number, not nan"),
        ('render = "sometimes"\n', "render must be one of auto, always, never, not 'sometimes'"),
        ("render_timeout = 0\n", "render_timeout must be at least 1, not 0"),
        ("read_timeout = 0\n", "read_timeout must be at least 0.1, not 0"),
        ("read_timeout = nan\n", "read_timeout must be a finite number, not nan"),
        ('chromium = "/tmp/evil"\n', "unknown setting 'chromium'"),
    ],
)
def test_invalid_settings_name_the_file_and_the_setting(
    in_tmp: Path, text: str, message: str
) -> None:
    (in_tmp / "factcheck.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"factcheck.toml(:\d+)?: .*") as raised:
        load_config()
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("setting", "header", "value"),
    [
        ('user_agent = "newsroom-bot/3"', "User-Agent", "newsroom-bot/3"),
        ('[headers."SITE"]\nX-Token = "s3cret"', "X-Token", "s3cret"),
    ],
)
def test_cli_sends_what_the_config_says(
    claims_file: Any, tmp_path: Path, site: str, setting: str, header: str, value: str
) -> None:
    config = tmp_path / "conf.toml"
    config.write_text(setting.replace("SITE", site) + "\n", encoding="utf-8")
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        f"      - url: http://fixtures.test/needs-header?name={header}"
        f"&value={value}\n"
    )
    without = run_cli("verify", "--allow-private", "--format", "json", str(path))
    assert citation(without)["status"] == "blocked"
    run = run_cli(
        "verify", "--allow-private", "--config", str(config), "--format", "json", str(path)
    )
    assert (run.code, citation(run)["status"]) == (0, "ok")


def test_cli_invalid_config_exits_2(claims_file: Any, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("retrys = 2\n", encoding="utf-8")
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n"
        "      - url: http://fixtures.test/article.html\n"
    )
    run = run_cli("verify", "--allow-private", "--config", str(config), str(path))
    assert run.code == 2
    assert run.stderr.startswith(f"{config}:1: unknown setting 'retrys'")
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("config", "args", "line"),
    [
        ("timeout = inf\n", (), "timeout must be a finite number, not inf"),
        ("", ("--timeout", "inf"), "Invalid value for '--timeout': inf is not a finite number"),
        ("", ("--timeout", "nan"), "Invalid value for '--timeout': nan is not a finite number"),
        ("", ("--max-retry-after", "inf"), "'--max-retry-after': inf is not a finite number"),
    ],
)
def test_an_infinite_timeout_exits_2_without_a_traceback(
    claims_file: Any, tmp_path: Path, config: str, args: tuple[str, ...], line: str
) -> None:
    """An infinite timeout once crashed aiohttp (OverflowError) after the claims loaded."""
    conf = tmp_path / "inf.toml"
    conf.write_text(config, encoding="utf-8")
    path = claims_file(
        "claims:\n  - id: c\n    claim: x\n    citations:\n      - url: http://nothing.invalid/\n"
    )
    run = run_cli("verify", "--config", str(conf), "--no-store", *args, str(path))
    assert run.code == 2
    assert line in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "command",
    [("check", "http://nothing.invalid/"), ("init", "article.html"), ("add", "x.yaml", "u")],
)
def test_every_command_that_fetches_refuses_an_infinite_timeout(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """check, init and add share verify's --timeout (check crashed with OverflowError)."""
    run = run_cli(*command, "--timeout", "inf", cwd=tmp_path)
    assert run.code == 2
    assert "Invalid value for '--timeout': inf is not a finite number" in run.stderr
