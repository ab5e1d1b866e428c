"""What `verify --changed-since REF` costs before any request: git's answers and the selection.

    python bench/bench_changed_since.py [--files 200] [--claims 50] [--rounds 5]

Builds a git repository of FILES claim files of CLAIMS claims each (in a temporary folder),
commits it, then times `claims.changes.changed_claims` (every git command it runs, and the
mapping of hunks to claims) for: nothing changed, one quote edited in one file, one quote
edited in each of 20 files, and one new file. Loading the same claims (`load_claims`, which
every run pays anyway) is timed beside it for scale. Best of ROUNDS, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from factcheck.claims.changes import changed_claims
from factcheck.claims.files import load_claims

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def claim_file(index: int, claims: int) -> str:
    rows = [f"title: file {index}", "claims:"]
    for n in range(claims):
        rows += [
            f"  - id: f{index}-c{n}",
            f"    claim: claim {n} of file {index}",
            "    citations:",
            f"      - url: https://example.org/{index}/{n}",
            f'        quote: "the words of claim {n}"',
        ]
    return "\n".join(rows) + "\n"


def git(repo: Path, *args: str) -> None:
    identity = ("-c", "user.name=bench", "-c", "user.email=bench@example.com")
    subprocess.run(["git", *identity, *args], cwd=repo, env=ENV, check=True, capture_output=True)


def build(repo: Path, files: int, claims: int) -> list[Path]:
    folder = repo / "claims"
    folder.mkdir(parents=True)
    paths = [folder / f"file{i:04}.yaml" for i in range(files)]
    for index, path in enumerate(paths):
        path.write_text(claim_file(index, claims), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "claims")
    return paths


def edit_quotes(paths: list[Path]) -> None:
    for path in paths:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("the words of claim 7", "the words of claim 70"))


def best_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def scenario(repo: Path, paths: list[Path], name: str, rounds: int) -> None:
    os.environ.update(ENV)
    files = load_claims(paths)
    load = best_ms(lambda: load_claims(paths), rounds)
    selection = changed_claims(files, "HEAD", cwd=repo)
    took = best_ms(lambda: changed_claims(files, "HEAD", cwd=repo), rounds)
    kept = sum(len(f.claims) for f in selection.files)
    print(f"| {name} | {kept} | {selection.unchanged} | {took:.0f} | {load:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--claims", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-changed-since-") as folder:
        repo = Path(folder)
        paths = build(repo, args.files, args.claims)
        print(f"{args.files} files x {args.claims} claims ({args.files * args.claims:,} claims)\n")
        print("| change | claims checked | unchanged | changed_claims ms | load_claims ms |")
        print("|---|---|---|---|---|")
        scenario(repo, paths, "nothing", args.rounds)
        edit_quotes(paths[:1])
        scenario(repo, paths, "1 quote in 1 file", args.rounds)
        edit_quotes(paths[1:20])
        scenario(repo, paths, "1 quote in each of 20 files", args.rounds)
        new = repo / "claims" / "new.yaml"
        new.write_text(claim_file(99_999, args.claims), encoding="utf-8")
        scenario(repo, [*paths, new], "... and 1 new file", args.rounds)


if __name__ == "__main__":
    main()
