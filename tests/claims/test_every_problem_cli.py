"""Claim-file and configuration problems as `lint` and `verify` show them: the fault's own
line and column, plain words, every problem of every file in one run, sorted by file and
line; which files in a folder are claim files. The real CLI on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fetch.test_fetch import hits

GOOD = "claims:\n  - id: {id}\n    claim: x\n    citations:\n      - url: {url}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["lint", "verify"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "claims:\n  - id: a\n    claim: x\n    citations:\n"
            "      - url: https://example.org/\n\tquote: y\n",
            "6:1: a tab at line 6, column 1: indent with spaces",
        ),
        (
            "claims:\n  - id: b\n    claim: The minister said: no\n    citations:\n"
            "      - url: https://example.org/\n",
            "3:29: a colon inside a value at line 3, column 29: put the text in quotes",
        ),
        (
            'claims:\n  - id: c\n    claim: "never closed\n    citations:\n'
            "      - url: https://example.org/\n",
            "3:12: a quote opened at line 3, column 12 is never closed",
        ),
    ],
)
def test_syntax_errors_point_at_the_fault_in_plain_words(
    tmp_path: Path, command: str, text: str, message: str
) -> None:
    path = write(tmp_path / "c.yaml", text)
    run = run_cli(command, str(path))
    assert (run.code, run.stderr) == (2, f"{path}:{message}\n")


def test_every_problem_of_every_file_in_one_run_sorted(tmp_path: Path) -> None:
    write(
        tmp_path / "a.yaml",
        "claims:\n  - id: same\n    claim: x\n    colour: red\n    citations: []\n"
        "  - id: other\n    claim: y\n    citations:\n"
        '      - url: ftp://x\n        quote: ""\n        bogus: 1\n',
    )
    write(tmp_path / "b.yaml", GOOD.format(id="same", url="https://example.org/"))
    write(tmp_path / "c.yaml", "claims:\n  - id: z\n\tclaim: x\n")
    expected = [
        f"{tmp_path}/a.yaml:4: unknown key 'colour' in claim; allowed: id, claim, citations",
        f"{tmp_path}/a.yaml:5: 'citations' must not be empty",
        f"{tmp_path}/a.yaml:9: 'url' must be an http or https URL, not 'ftp:': ftp://x",
        f"{tmp_path}/a.yaml:10: 'quote' must not be empty",
        f"{tmp_path}/a.yaml:11: unknown key 'bogus' in citation; allowed: url, quote, quotes, "
        "archive_url, note, accessed",
        f"{tmp_path}/b.yaml:2: duplicate claim id 'same' (first used at {tmp_path}/a.yaml:2)",
        f"{tmp_path}/c.yaml:3:1: a tab at line 3, column 1: indent with spaces",
    ]
    for command in ("lint", "verify"):
        run = run_cli(command, str(tmp_path))
        assert run.code == 2
        assert run.stderr.splitlines() == expected


def test_config_problems_are_all_listed_with_the_claims_problems(tmp_path: Path, site: str) -> None:
    write(
        tmp_path / "factcheck.toml",
        'timeout = "slow"\nretrys = 2\nconcurrency = 0\n[headers."a.example"]\nX = 1\n',
    )
    write(tmp_path / "claims" / "a.yaml", GOOD.format(id="a", url=f"{site}/counted/cfg.html"))
    write(tmp_path / "claims" / "b.yaml", "claims: {id: one}\n")
    config = tmp_path / "factcheck.toml"
    run = run_cli("verify", "--allow-private", "claims", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.splitlines() == [  # sorted by file: the configuration's path is absolute
        f"{config}:1: timeout must be int or float, not 'slow'",
        f"{config}:2: unknown setting 'retrys' (known: {known_settings()})",
        f"{config}:3: concurrency must be at least 1, not 0",
        f'{config}:4: headers."a.example" must be a table of strings',
        "claims/b.yaml:1: 'claims' must be a list",
    ]
    assert "/counted/cfg.html" not in hits(site)


def known_settings() -> str:
    from factcheck.claims.config import SETTINGS

    return ", ".join([*SETTINGS, "headers"])


def test_a_folder_reads_only_claim_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "action.yml", "name: factcheck\nruns:\n  using: composite\n")
    write(repo / ".pre-commit-hooks.yaml", "- id: factcheck-lint\n  entry: factcheck lint\n")
    write(repo / ".github" / "workflows" / "ci.yml", "claims: [this is hidden]\n")
    write(repo / "claims" / "a.yaml", GOOD.format(id="a", url="https://example.org/"))
    write(repo / "drafts" / "wip.yaml", "claims: [not, ready]\n")
    write(repo / "factcheck.toml", 'exclude_paths = ["drafts/*"]\n')
    run = run_cli("lint", "--verbose", ".", cwd=repo)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [
        "read claims/a.yaml",
        "skipped .pre-commit-hooks.yaml: a hidden file",
        "skipped action.yml: no top-level 'claims:' key (not a claim file)",
        "skipped drafts/wip.yaml: excluded by exclude_paths 'drafts/*'",
        "1 file, 1 claim, 1 citation: valid",
    ]
    quiet = run_cli("lint", ".", cwd=repo)
    assert (quiet.code, quiet.stderr) == (0, "1 file, 1 claim, 1 citation: valid\n")
    # a file named on the command line is always read as a claim file
    named = run_cli("lint", "action.yml", cwd=repo)
    assert named.code == 2
    assert named.stderr.startswith("action.yml:1: unknown key 'name' in claim file")


def test_no_claim_file_in_a_folder_is_skipped_in_silence(tmp_path: Path) -> None:
    """A byte-order mark and a flow-style top level are claim files; a file that looks like
    one but has no top-level `claims:` is skipped with a warning that names it, since its
    citations would otherwise go unchecked while the run passes."""
    repo = tmp_path / "repo"
    (repo / "claims").mkdir(parents=True)
    (repo / "claims" / "bom.yaml").write_bytes(
        b"\xef\xbb\xbf" + GOOD.format(id="bom", url="https://example.org/").encode()
    )
    write(
        repo / "claims" / "flow.yaml",
        "# written by a script\n---\n"
        "{claims: [{id: flow, claim: x, citations: [{url: 'https://example.org/'}]}]}\n",
    )
    write(repo / "claims" / "typo.yaml", GOOD.format(id="t", url="https://example.org/").title())
    write(repo / "claims" / "other.yaml", "settings:\n  depth: 2\n")
    run = run_cli("lint", "claims", cwd=repo)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [
        "warning: skipped claims/typo.yaml: no top-level 'claims:' key, though it looks like a "
        "claim file ('Claims:'); name it on the command line to read it as one",
        "2 files, 2 claims, 2 citations: valid",
    ]


def test_a_url_instead_of_a_file_points_to_check(tmp_path: Path) -> None:
    run = run_cli("verify", "http://host.example/page", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == (
        "http://host.example/page: a URL, not a claim file or folder; to check one page "
        "from the command line: factcheck check http://host.example/page --quote TEXT\n"
    )


def test_a_claim_file_on_stdin(tmp_path: Path, site: str) -> None:
    text = GOOD.format(id="piped", url=f"{site}/article.html")
    lint = run_cli("lint", "-", stdin=text, cwd=tmp_path)
    assert (lint.code, lint.stderr) == (0, "1 file, 1 claim, 1 citation: valid\n")
    bad = run_cli("lint", "-", stdin="claims: {id: one}\n", cwd=tmp_path)
    assert (bad.code, bad.stderr) == (2, "<stdin>:1: 'claims' must be a list\n")
    run = run_cli("verify", "--allow-private", "--format", "json", "-", stdin=text, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.json()["claims"][0]["file"] == "<stdin>"


@pytest.mark.parametrize("command", ["lint", "verify"])
def test_no_path_and_no_claims_folder_says_what_was_looked_for(
    tmp_path: Path, command: str
) -> None:
    run = run_cli(command, cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == (
        "claims: no such file or folder: with no path named, the claims/ folder of the working "
        "folder is read; name claim files or folders on the command line\n"
    )
    named = run_cli(command, "claims", cwd=tmp_path)  # named: the plain message
    assert named.stderr == "claims: no such file or folder\n"
