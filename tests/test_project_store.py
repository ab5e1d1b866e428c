"""One snapshot store per project, found as git finds `.git`, and every store or output
problem as one line and exit 2: the real CLI, real folders, the real fixture site."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fetch.test_fetch import hits

FAST = ("--allow-private", "--timeout", "2", "--retries", "0")


def claim_file(path: Path, url: str, claim_id: str = "budget") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"claims:\n  - id: {claim_id}\n    claim: x\n    citations:\n      - url: {url}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def project(tmp_path: Path, site: str) -> Path:
    """A repository (`.git`) with claims/budget.yaml in a subfolder."""
    root = tmp_path / "newsroom"
    (root / ".git").mkdir(parents=True)
    claim_file(root / "claims" / "budget.yaml", f"{site}/article.html?t=store-rule")
    return root


def test_the_store_does_not_move_with_the_argument(project: Path, site: str) -> None:
    url = f"{site}/article.html?t=store-rule"
    for args, cwd in [
        (["claims/"], project),
        (["claims/budget.yaml"], project),
        (["budget.yaml"], project / "claims"),
        ([str(project / "claims")], project / "claims"),
    ]:
        run = run_cli("verify", *FAST, *args, cwd=cwd)
        assert run.code == 0, run.stderr
    assert sorted(p.name for p in project.rglob(".factcheck")) == [".factcheck"]
    assert (project / ".factcheck" / "index.sqlite").is_file()
    # the fix verify prints (`factcheck snapshots ...`) works from the project or below it
    for cwd in (project, project / "claims"):
        listed = run_cli("snapshots", "list", url, cwd=cwd)
        assert listed.code == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 1  # one body: the later runs confirmed it


def test_the_nearest_store_upward_wins_over_a_nearer_project_file(project: Path, site: str) -> None:
    (project / ".factcheck").mkdir()
    sub = project / "desk"
    (sub / "pyproject.toml").parent.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "desk"\n', encoding="utf-8")
    claim_file(sub / "a.yaml", f"{site}/article.html?t=upward")
    assert run_cli("verify", *FAST, "a.yaml", cwd=sub).code == 0
    assert not (sub / ".factcheck").exists()
    assert (project / ".factcheck" / "index.sqlite").is_file()


def test_store_in_the_configuration_file_is_relative_to_it(project: Path, site: str) -> None:
    (project / "factcheck.toml").write_text('store = "evidence"\n', encoding="utf-8")
    run = run_cli("verify", *FAST, "budget.yaml", cwd=project / "claims")
    assert run.code == 0, run.stderr
    assert (project / "evidence" / "index.sqlite").is_file()
    listed = run_cli("snapshots", "list", cwd=project / "claims")
    assert listed.code == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "snapshots  last seen             outcome  url",
        f"        1  {listed.stdout.splitlines()[1][11:31]}  ok       "
        f"{site}/article.html?t=store-rule",
    ]


def test_without_a_project_the_store_is_in_the_working_folder(tmp_path: Path, site: str) -> None:
    path = claim_file(tmp_path / "loose" / "a.yaml", f"{site}/article.html?t=loose")
    run = run_cli("verify", *FAST, str(path), cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / ".factcheck" / "index.sqlite").is_file()
    assert not (tmp_path / "loose" / ".factcheck").exists()


def newer_store(folder: Path) -> Path:
    folder.mkdir()
    with sqlite3.connect(folder / "index.sqlite") as db:
        db.execute("PRAGMA user_version=7")
    return folder


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("/proc/nope", "cannot create the snapshot store /proc/nope: no such file or directory"),
        (
            "{tmp}/a-file/store",
            "cannot create the snapshot store {tmp}/a-file/store: not a directory",
        ),
        ("{tmp}/a-file", "{tmp}/a-file is not a folder, cannot hold snapshots"),
        ("{tmp}/junk", "{tmp}/junk: not a snapshot store (index.sqlite: file is not a database)"),
        (
            "{tmp}/newer",
            "{tmp}/newer: a snapshot store of version 7, made by a newer factcheck "
            "(this one reads version 1): upgrade factcheck, or use --store",
        ),
    ],
)
def test_a_store_that_cannot_be_used_is_one_line_exit_2_and_no_request(
    tmp_path: Path, site: str, store: str, message: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "index.sqlite").write_bytes(b"not a database" * 100)
    newer_store(tmp_path / "newer")
    url = f"{site}/article.html?t=bad-store-{len(store)}-{len(message)}"
    path = claim_file(tmp_path / "c.yaml", url)
    run = run_cli("verify", *FAST, "--store", store.format(tmp=tmp_path), str(path))
    assert (run.code, run.stderr) == (2, f"factcheck: {message.format(tmp=tmp_path)}\n")
    assert f"/article.html?t=bad-store-{len(store)}-{len(message)}" not in hits(site)


def test_snapshots_refuse_a_newer_store_in_one_line(tmp_path: Path) -> None:
    store = newer_store(tmp_path / "newer")
    run = run_cli("snapshots", "list", "--store", str(store))
    assert run.code == 2
    assert run.stderr.startswith(f"factcheck: {store}: a snapshot store of version 7")
    assert len(run.stderr.splitlines()) == 1


def test_a_full_disk_for_the_report_is_one_line_and_exit_2(tmp_path: Path, site: str) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    path = claim_file(tmp_path / "c.yaml", f"{site}/article.html?t=dev-full")
    run = run_cli("verify", *FAST, "--output", "/dev/full", str(path))
    assert run.code == 2
    assert run.stderr == (
        "factcheck: --output /dev/full: cannot write the report: no space left on device\n"
    )


def test_export_of_a_url_never_stored_exits_1_and_writes_nothing(project: Path, site: str) -> None:
    assert run_cli("verify", *FAST, "claims/", cwd=project).code == 0
    warc = project / "out.warc.gz"
    run = run_cli(
        "snapshots", "export", "--url", f"{site}/never.html", "--warc", str(warc), cwd=project
    )
    assert (run.code, run.stderr) == (1, f"no snapshot of {site}/never.html in .factcheck\n")
    assert not warc.exists()
    listed = run_cli("snapshots", "list", f"{site}/never.html", cwd=project)
    assert (listed.code, listed.stderr) == (1, f"no snapshot of {site}/never.html in .factcheck\n")


def test_claims_in_a_read_only_folder_are_one_line_exit_2_and_no_request(
    tmp_path: Path, site: str
) -> None:
    """The store goes beside the claims (the folder holds .git) and that folder cannot be
    written. Root writes through permission bits, so as root the folder is made immutable."""
    folder = tmp_path / "read-only"
    (folder / ".git").mkdir(parents=True)
    url = f"{site}/article.html?t=read-only"
    claim_file(folder / "c.yaml", url)
    why = read_only(folder)
    try:
        run = run_cli("verify", *FAST, "c.yaml", cwd=folder)
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
        folder.chmod(0o755)
    assert (run.code, run.stderr) == (
        2,
        f"factcheck: cannot create the snapshot store .factcheck: {why}\n",
    )
    assert "/article.html?t=read-only" not in hits(site)


def read_only(folder: Path) -> str:
    """Make `folder` unwritable for this process; the error creating in it will say."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return "permission denied"
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: no way to make a folder read-only")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i refused here: {made.stderr.decode().strip()}")
    return "operation not permitted"
