"""`verify --changed-since REF`: only the claims whose lines differ from REF are fetched.

Each test builds a real git repository in tmp_path and runs the CLI in it against the
loopback site, whose hit counter shows which pages were really fetched.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.claims.gitrepo import git, isolated_git  # noqa: F401 - an autouse fixture
from tests.conftest import ROOT, Run, run_cli
from tests.fetch.test_fetch import FAST, hits
from tests.test_schemas import errors as schema_errors

ARGS = (*FAST, "--no-store")
NEWS = """title: news
claims:
  - id: a
    claim: first
    citations:
      - url: {site}/counted/enc/utf8.html
        quote: "Die Straße führt über die Brücke nach München"
  - id: b
    claim: second
    citations:
      - url: {site}/counted/enc/cp1252.html
        quote: "We will not renegotiate the contract"
  - id: c
    claim: third
    citations:
      - url: {site}/counted/data.json
"""
# Pages no other test counts (the site's hit counter lives for the whole session).
PAGES = {"a": "/counted/enc/utf8.html", "b": "/counted/enc/cp1252.html", "c": "/counted/data.json"}


@pytest.fixture
def repo(tmp_path: Path, site: str) -> Iterator[Path]:
    """A repository on `main` with one commit: claims/news.yaml, claims a, b and c."""
    root = tmp_path / "repo"
    (root / "claims").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "claims" / "news.yaml").write_text(NEWS.format(site=site))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "claims")
    yield root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def changed_run(repo: Path, site: str, *args: str) -> tuple[Run, set[str]]:
    """The run in `repo`, and the claims (a, b, c) whose page it fetched."""
    before = hits(site)
    run = run_cli("verify", *ARGS, *args, cwd=repo)
    after = hits(site)
    fetched = {claim for claim, page in PAGES.items() if after.get(page, 0) > before.get(page, 0)}
    return run, fetched


def summary(run: Run) -> str:
    return run.stderr.strip().splitlines()[-1]


def test_an_edited_quote_is_checked_and_the_other_claims_are_not_fetched(
    repo: Path, site: str
) -> None:
    edit(repo / "claims/news.yaml", "We will not renegotiate", "We will renegotiate")
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD", "claims")
    assert run.code == 1, run.stderr  # the misquote still fails the run
    assert fetched == {"b"}
    assert run.statuses() == {"b": ["quote_altered"]}
    assert run.json()["summary"]["unchanged"] == {"since": "HEAD", "claims": 2}
    assert schema_errors("report.schema.json", run.json()) == []
    assert summary(run) == (
        "1 claim, 1 citation: 1 quote altered; 2 claims unchanged since HEAD, not checked"
    )


def test_a_committed_change_counts_against_an_older_ref(repo: Path, site: str) -> None:
    edit(repo / "claims/news.yaml", "claim: third", "claim: the third")
    git(repo, "commit", "-q", "-am", "reword c")
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD~1")
    assert run.code == 0, run.stderr
    assert fetched == {"c"}
    assert run.statuses() == {"c": ["ok"]}


def test_an_added_claim_is_checked_alone(repo: Path, site: str) -> None:
    added = f"""  - id: d
    claim: a new claim between a and b
    citations:
      - url: {site}/counted/enc/utf8.html
        quote: "München"
"""
    edit(repo / "claims/news.yaml", "  - id: b\n", added + "  - id: b\n")
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD")
    assert run.code == 0, run.stderr
    assert run.statuses() == {"d": ["ok"]}
    assert fetched == {"a"}  # d cites a's page; a itself is not in the report
    assert summary(run).endswith("; 3 claims unchanged since HEAD, not checked")


def test_a_deleted_line_selects_the_claim_it_was_in(repo: Path, site: str) -> None:
    edit(repo / "claims/news.yaml", '        quote: "We will not renegotiate the contract"\n', "")
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD")
    assert run.code == 0, run.stderr
    assert fetched == {"b"}
    assert run.statuses() == {"b": ["ok"]}


def test_every_claim_of_a_new_untracked_file_is_checked(repo: Path, site: str) -> None:
    (repo / "claims/more.yaml").write_text(NEWS.format(site=site).replace("id: ", "id: m"))
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD")
    assert run.code == 0, run.stderr
    assert list(run.statuses()) == ["ma", "mb", "mc"]
    assert fetched == {"a", "b", "c"}
    assert summary(run).endswith("; 3 claims unchanged since HEAD, not checked")


def test_a_renamed_file_counts_as_new(repo: Path, site: str) -> None:
    git(repo, "mv", "claims/news.yaml", "claims/renamed.yaml")
    git(repo, "commit", "-q", "-m", "rename")
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD~1")
    assert run.code == 0, run.stderr
    assert list(run.statuses()) == ["a", "b", "c"]
    assert fetched == {"a", "b", "c"}


def test_what_ref_gained_after_the_branch_left_it_is_not_checked(repo: Path, site: str) -> None:
    git(repo, "checkout", "-q", "-b", "topic")
    edit(repo / "claims/news.yaml", "claim: first", "claim: the first")
    git(repo, "commit", "-q", "-am", "topic: reword a")
    git(repo, "checkout", "-q", "main")
    edit(repo / "claims/news.yaml", "claim: third", "claim: the third")
    git(repo, "commit", "-q", "-am", "main: reword c")
    git(repo, "checkout", "-q", "topic")
    run, fetched = changed_run(repo, site, "--changed-since", "main")
    assert run.code == 0, run.stderr
    assert fetched == {"a"}  # c differs from main too, but only main changed it


def test_no_changed_claim_exits_0_with_one_clear_line(repo: Path, site: str) -> None:
    run, fetched = changed_run(repo, site, "--changed-since", "HEAD")
    assert run.code == 0, run.stderr
    assert fetched == set()
    assert run.json()["claims"] == []
    assert summary(run) == "no claim changed since HEAD: 3 claims unchanged, none checked"


def test_no_changed_claim_prints_no_empty_table(repo: Path) -> None:
    run = run_cli("verify", "--no-store", "--changed-since", "HEAD", cwd=repo)
    assert run.code == 0
    assert run.stdout == ""
    assert run.stderr == "no claim changed since HEAD: 3 claims unchanged, none checked\n"


def test_an_unknown_ref_is_exit_2_with_what_to_do(repo: Path) -> None:
    run = run_cli("verify", *ARGS, "--changed-since", "nope", cwd=repo)
    assert run.code == 2
    assert run.stderr.splitlines()[0] == (
        "factcheck: --changed-since: unknown revision 'nope': fetch it first (git fetch); "
        "in GitHub Actions, check out with fetch-depth: 0 (a shallow clone lacks the base commit)"
    )


def test_a_shallow_clone_is_named_as_the_likely_cause(repo: Path, tmp_path: Path) -> None:
    edit(repo / "claims/news.yaml", "claim: third", "claim: the third")
    git(repo, "commit", "-q", "-am", "second commit")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    run = run_cli("verify", *ARGS, "--changed-since", "HEAD~1", cwd=tmp_path / "shallow")
    assert run.code == 2
    assert "unknown revision 'HEAD~1': this clone is shallow; fetch it first" in run.stderr


def test_outside_a_repository_is_exit_2(tmp_path: Path, site: str) -> None:
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims/news.yaml").write_text(NEWS.format(site=site))
    run = run_cli("verify", *ARGS, "--changed-since", "HEAD", cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.splitlines()[0] == "factcheck: --changed-since: not inside a git repository"


def test_without_git_installed_is_exit_2(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    run = run_cli("verify", *ARGS, "--changed-since", "HEAD", cwd=repo)
    assert run.code == 2
    assert run.stderr.splitlines()[0] == (
        "factcheck: --changed-since needs git, and git is not installed (not on PATH)"
    )


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "-p"])
def test_a_ref_that_git_would_read_as_an_option_is_refused(repo: Path, ref: str) -> None:
    run = run_cli("verify", *ARGS, f"--changed-since={ref}", cwd=repo)
    assert run.code == 2
    assert f"Invalid value for '--changed-since': '{ref}' is not a revision" in run.stderr


def test_a_ref_with_control_characters_reaches_the_log_inert(repo: Path) -> None:
    run = run_cli("verify", *ARGS, "--changed-since", "x\x1b[31m\n::error::forged", cwd=repo)
    assert run.code == 2
    assert "\x1b" not in run.stderr
    assert not any(line.startswith("::") for line in run.stderr.splitlines())
    assert run.stderr.splitlines()[0].startswith(
        "factcheck: --changed-since: unknown revision 'x\\x1b[31m\\n::error::forged'"
    )


def test_from_a_subfolder_paths_are_read_as_git_names_them(repo: Path, site: str) -> None:
    edit(repo / "claims/news.yaml", "claim: third", "claim: the third")
    before = hits(site)
    run = run_cli("verify", *ARGS, "--changed-since", "HEAD", ".", cwd=repo / "claims")
    assert run.code == 0, run.stderr
    assert run.statuses() == {"c": ["ok"]}
    assert hits(site).get(PAGES["c"], 0) == before.get(PAGES["c"], 0) + 1


def test_a_ref_with_no_common_history_is_exit_2(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    git(repo, "commit", "-q", "-m", "another history")
    git(repo, "checkout", "-q", "main")
    run = run_cli("verify", *ARGS, "--changed-since", "unrelated", cwd=repo)
    assert run.code == 2
    assert run.stderr.splitlines()[0].startswith(
        "factcheck: --changed-since: 'unrelated' and HEAD share no history: fetch it first"
    )


def test_an_empty_ref_is_refused(repo: Path) -> None:
    run = run_cli("verify", *ARGS, "--changed-since", " ", cwd=repo)
    assert run.code == 2
    assert "Invalid value for '--changed-since': the revision is empty" in run.stderr


def test_stdin_has_no_history_and_is_refused(repo: Path) -> None:
    text = (repo / "claims/news.yaml").read_text()
    run = run_cli("verify", *ARGS, "--changed-since", "HEAD", "-", cwd=repo, stdin=text)
    assert run.code == 2
    assert run.stderr.splitlines()[0] == (
        "factcheck: --changed-since cannot be used with '-': claims read from standard input "
        "have no git history"
    )


def action_words(tmp_path: Path, **inputs: str) -> list[str]:
    """The words the Action's verify step passes to factcheck (a shim that prints them),
    its inputs set through the environment as the runner sets them."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    shim = bin_folder / "factcheck"
    shim.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    shim.chmod(0o755)
    step = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"][-1]
    env = {**step["env"], **inputs}
    env = {k: v for k, v in env.items() if not v.startswith("${{")}  # inputs not given: empty
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        env={"PATH": f"{bin_folder}:/usr/bin:/bin", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_the_action_passes_changed_since_as_one_word(tmp_path: Path) -> None:
    hostile = "main $(touch pwned) --output=x *"
    words = action_words(tmp_path, FACTCHECK_CHANGED_SINCE=hostile, FACTCHECK_PATHS="claims")
    assert words == ["verify", "--format", "github", f"--changed-since={hostile}", "claims"]
    assert not (tmp_path / "pwned").exists()


def test_the_action_without_changed_since_checks_every_claim(tmp_path: Path) -> None:
    words = action_words(tmp_path, FACTCHECK_PATHS="claims", FACTCHECK_CHANGED_SINCE="")
    assert words == ["verify", "--format", "github", "claims"]
