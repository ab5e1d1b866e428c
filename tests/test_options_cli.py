"""The options link-checker users expect, run as a user runs them against the fixture site:
--color (NO_COLOR, FORCE_COLOR), --quiet, progress lines in a log, --header, --header-for,
`factcheck check URL`, and their configuration-file twins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

FAST = ("--allow-private", "--timeout", "5", "--retries", "0", "--no-store")
RED_BROKEN = "\x1b[31mbroken       \x1b[0m"


def claims(tmp_path: Path, *urls: str) -> Path:
    lines = ["claims:"]
    for n, url in enumerate(urls):
        lines += [f"  - id: c{n}", f"    claim: claim {n}", "    citations:", f"      - url: {url}"]
    path = tmp_path / "c.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, False),  # a pipe: plain
        (("--color", "always"), {}, True),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # the command line wins
        ((), {"FORCE_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color(
    tmp_path: Path,
    site: str,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    coloured: bool,
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = run_cli("verify", *FAST, *args, str(claims(tmp_path, f"{site}/status/404")))
    assert run.code == 1
    assert (RED_BROKEN in run.stdout) is coloured
    assert ("\x1b[" in run.stdout) is coloured


def test_color_from_the_configuration_file(tmp_path: Path, site: str) -> None:
    (tmp_path / "factcheck.toml").write_text('color = "always"\n', encoding="utf-8")
    run = run_cli("verify", *FAST, str(claims(tmp_path, f"{site}/status/404")))
    assert RED_BROKEN in run.stdout
    (tmp_path / "factcheck.toml").write_text('color = "sometimes"\n', encoding="utf-8")
    bad = run_cli("verify", *FAST, str(claims(tmp_path, f"{site}/status/404")))
    assert bad.code == 2
    assert bad.stderr == (
        f"{tmp_path / 'factcheck.toml'}:1: color must be auto, always or never, not 'sometimes'\n"
    )


def test_quiet_shows_only_failing_claims_and_the_whole_summary(tmp_path: Path, site: str) -> None:
    path = claims(tmp_path, f"{site}/article.html", f"{site}/status/404")
    run = run_cli("verify", *FAST, "--quiet", str(path))
    assert run.code == 1
    assert "c1  failed" in run.stdout
    assert "c0" not in run.stdout
    assert run.stderr == "2 claims, 2 citations: 1 ok, 1 broken\n"
    (tmp_path / "factcheck.toml").write_text("quiet = true\n", encoding="utf-8")
    from_config = run_cli("verify", *FAST, str(path))
    assert from_config.stdout == run.stdout


def test_quiet_with_no_failing_claim_prints_no_table(tmp_path: Path, site: str) -> None:
    """Nothing failed: no lone header line on stdout, only the summary on stderr."""
    path = claims(tmp_path, f"{site}/article.html", f"{site}/notes.txt")
    run = run_cli("verify", *FAST, "--quiet", str(path))
    assert (run.code, run.stdout, run.stderr) == (0, "", "2 claims, 2 citations: 2 ok\n")
    check = run_cli("check", f"{site}/notes.txt", *FAST, "-q")
    assert (check.code, check.stdout, check.stderr) == (0, "", "1 claim, 1 citation: 1 ok\n")


def test_progress_lines_in_a_log(
    tmp_path: Path, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the one slow page is awaited, lines keep coming: what is done, the failures so
    far (the 404) and the host under way."""
    monkeypatch.setenv("FACTCHECK_PROGRESS_SECONDS", "0.5")
    host = site.removeprefix("http://")
    path = claims(
        tmp_path,
        f"{site}/article.html",
        f"{site}/status/404?t=p0",
        f"{site}/slow?seconds=3&t=p1",
    )
    run = run_cli("verify", *FAST, str(path))
    lines = run.stderr.splitlines()
    assert lines[-1] == "3 claims, 3 citations: 2 ok, 1 broken"
    assert len(lines) >= 4, run.stderr  # at least 3 lines in the 3 s the slow page takes
    assert set(lines[:-1]) == {f"progress: 2/3 done, 1 failed so far, now {host}"}
    quiet = run_cli("verify", *FAST, "--quiet", str(path))
    assert not any(line.startswith("progress:") for line in quiet.stderr.splitlines())


def test_header_and_header_for(tmp_path: Path, site: str) -> None:
    path = claims(tmp_path, f"{site}/needs-header?name=X-Token&value=s3cret")
    without = run_cli("verify", *FAST, "--format", "json", str(path))
    assert without.statuses() == {"c0": ["blocked"]}
    everywhere = run_cli(
        "verify", *FAST, "--format", "json", "--header", "X-Token: s3cret", str(path)
    )
    assert everywhere.statuses() == {"c0": ["ok"]}
    one_host = run_cli(
        "verify", *FAST, "--format", "json", "--header-for", site, "X-Token: s3cret", str(path)
    )
    assert one_host.statuses() == {"c0": ["ok"]}
    other_host = run_cli(
        "verify", *FAST, "--format", "json",
        "--header-for", "http://elsewhere.example", "X-Token: s3cret", str(path),
    )  # fmt: skip
    assert other_host.statuses() == {"c0": ["blocked"]}
    (tmp_path / "factcheck.toml").write_text(
        '[headers."*"]\nX-Token = "s3cret"\n', encoding="utf-8"
    )
    from_config = run_cli("verify", *FAST, "--format", "json", str(path))
    assert from_config.statuses() == {"c0": ["ok"]}


def test_a_header_that_is_not_one_is_refused(tmp_path: Path, site: str) -> None:
    path = claims(tmp_path, f"{site}/article.html")
    run = run_cli("verify", *FAST, "--header", "no colon here", str(path))
    assert (run.code, run.stderr) == (
        2,
        "factcheck: --header 'no colon here': expected 'Name: value' (a header name, a colon, "
        "a value on one line)\n",
    )


def test_check_one_url_from_the_command_line(tmp_path: Path, site: str) -> None:
    url = f"{site}/article.html"
    found = run_cli(
        "check", url, "--quote", "glean more insight into the legal landscape", *FAST, cwd=tmp_path
    )
    assert found.code == 0, found.stderr
    assert found.stdout.splitlines()[2:5] == [
        "check  verified",
        f"  {url}",
        f"  ok              200  {url}",
    ]
    missing = run_cli(
        "check", url, "--quote", "a sentence this page never had", *FAST, "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert missing.code == 1
    assert missing.statuses() == {"check": ["quote_missing"]}
    assert run_cli("check", f"{site}/status/404", *FAST, cwd=tmp_path).code == 1
    bad = run_cli("check", "ftp://x", "--format", "json", cwd=tmp_path)
    assert bad.code == 2
    assert bad.stderr == (
        "<command line>: the URL must be an http or https URL, not 'ftp:': ftp://x\n"
    )
    assert json.loads(bad.stdout)["errors"][0]["file"] == "<command line>"


def test_check_takes_allow_host_user_agent_and_config(tmp_path: Path, site: str) -> None:
    """As verify does: one host past the address guard, the User-Agent, a configuration file."""
    host = site.removeprefix("http://")
    quick = ("--timeout", "5", "--retries", "0", "--no-store", "--format", "json")
    refused = run_cli("check", f"{site}/article.html", *quick, cwd=tmp_path)
    assert refused.statuses() == {"check": ["error"]}  # loopback: refused by the guard
    allowed = run_cli("check", f"{site}/article.html", "--allow-host", host, *quick, cwd=tmp_path)
    assert (allowed.code, allowed.statuses()) == (0, {"check": ["ok"]})
    agent = f"{site}/needs-header?name=User-Agent&value=desk%2F1"
    guarded = ("--allow-host", host, *quick)
    assert run_cli("check", agent, *guarded, cwd=tmp_path).statuses() == {"check": ["blocked"]}
    sent = run_cli("check", agent, *guarded, "--user-agent", "desk/1", cwd=tmp_path)
    assert sent.statuses() == {"check": ["ok"]}
    config = tmp_path / "elsewhere" / "desk.toml"
    config.parent.mkdir()
    config.write_text('user_agent = "desk/1"\n', encoding="utf-8")
    from_config = run_cli("check", agent, *guarded, "--config", str(config), cwd=tmp_path)
    assert from_config.statuses() == {"check": ["ok"]}
