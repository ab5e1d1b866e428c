"""--exclude and --include (and their configuration keys): which citations a run checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.fetch.test_fetch import FAST, QUOTE, hits

CLAIMS = f"""claims:
  - id: mixed
    claim: a claim
    citations:
      - url: http://fixtures.test/counted/notes.txt?skip=1
      - url: http://fixtures.test/counted/article.html?keep=1
        quote: "{QUOTE}"
      - url: http://fixtures.test/article.html
        quote: "{QUOTE}"
  - id: all-excluded
    claim: another claim
    citations:
      - url: http://fixtures.test/counted/report.pdf?skip=2
"""


def test_an_excluded_citation_is_never_fetched_and_never_fails_the_run(
    claims_file: Any, site: str
) -> None:
    run = run_cli("verify", *FAST, "--exclude", r"skip=\d", str(claims_file(CLAIMS)))
    assert run.code == 0, run.stderr
    assert run.statuses() == {"mixed": ["excluded", "ok", "ok"], "all-excluded": ["excluded"]}
    first = run.json()["claims"][0]["citations"][0]
    assert first["reason"] == "excluded: the URL matches the exclude pattern 'skip=\\\\d'"
    assert [c["verdict"] for c in run.json()["claims"]] == ["verified", "unverifiable"]
    assert run.json()["summary"]["statuses"]["excluded"] == 2
    seen = hits(site)
    assert "/counted/notes.txt" not in seen
    assert "/counted/report.pdf" not in seen
    assert seen["/counted/article.html"] == 1  # the control: the counter counts


def test_an_include_wins_over_every_exclude_as_in_lychee(claims_file: Any, site: str) -> None:
    args = ("--exclude", "/counted/", "--include", "keep=")
    run = run_cli("verify", *FAST, *args, str(claims_file(CLAIMS)))
    assert run.statuses() == {"mixed": ["excluded", "ok", "ok"], "all-excluded": ["excluded"]}


def test_the_table_names_excluded_citations_and_counts_them(claims_file: Any) -> None:
    path = claims_file(CLAIMS)
    run = run_cli("verify", "--allow-private", "--timeout", "1", "--exclude", "skip=", str(path))
    assert run.code == 0
    assert "excluded: the URL matches the exclude pattern 'skip='" in run.stdout
    assert run.stderr.strip().splitlines()[-1].endswith("2 ok, 2 excluded")


def test_a_pattern_that_is_not_a_regular_expression_is_a_usage_error(claims_file: Any) -> None:
    run = run_cli("verify", *FAST, "--exclude", "(unclosed", str(claims_file(CLAIMS)))
    assert run.code == 2
    assert "--exclude" in run.stderr
    assert "not a regular expression: '(unclosed'" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_configuration_file_excludes_and_includes_too(claims_file: Any, tmp_path: Path) -> None:
    (tmp_path / "factcheck.toml").write_text(
        'exclude = [\n  "/counted/",  # a comment per entry says why\n]\ninclude = ["keep="]\n',
        encoding="utf-8",
    )
    run = run_cli("verify", *FAST, str(claims_file(CLAIMS)))
    assert run.statuses() == {"mixed": ["excluded", "ok", "ok"], "all-excluded": ["excluded"]}


def test_a_bad_pattern_in_the_configuration_is_its_path_and_line(
    claims_file: Any, tmp_path: Path
) -> None:
    config = tmp_path / "factcheck.toml"
    config.write_text('timeout = 5\nexclude = ["ok", "[bad"]\n', encoding="utf-8")
    run = run_cli("verify", *FAST, str(claims_file(CLAIMS)))
    assert run.code == 2
    line = run.stderr.strip().splitlines()[0]
    assert line.startswith(f"{config}:2: exclude: not a regular expression: '[bad'"), line
