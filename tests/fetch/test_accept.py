"""--accept CODES (config `accept`): statuses read as reachable pages, quotes still checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from factcheck.claims.config import parse_accept
from tests.conftest import run_cli
from tests.fetch.test_fetch import FAST, check, citation, hits


def test_parse_accept_reads_codes_and_ranges_as_lychee_writes_them() -> None:
    codes = parse_accept("200..=299, 429")
    assert {200, 250, 299, 429} <= codes
    assert not {199, 300, 428} & codes
    assert 300 not in parse_accept("200..300")  # `a..b` leaves b out
    assert parse_accept("404") == frozenset({404})


@pytest.mark.parametrize("text", ["abc", "200-299", "99..=200", "500..=600", "300..200"])
def test_parse_accept_refuses_what_is_not_a_status_list(text: str) -> None:
    with pytest.raises(ValueError, match=r"status"):
        parse_accept(text)


def test_an_accepted_429_is_reachable_and_never_retried(claims_file: Any, site: str) -> None:
    run = check(claims_file, "http://fixtures.test/status/429", args=(*FAST, "--accept", "429"))
    assert (run.code, citation(run)["status"]) == (0, "ok")
    assert citation(run)["http_status"] == 429
    assert citation(run)["reason"] == (
        "link works (no quote to check); HTTP 429 Too Many Requests, accepted (--accept)"
    )
    assert hits(site)["/status/429"] == 1


def test_an_accepted_status_still_has_its_quote_checked(claims_file: Any) -> None:
    args = (*FAST, "--accept", "400..=499")
    run = check(claims_file, "http://fixtures.test/status/404", args=args, quote="a sentence")
    assert (run.code, citation(run)["status"]) == (1, "quote_missing")


def test_a_bad_accept_list_is_a_usage_error(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/article.html", args=(*FAST, "--accept", "2xx"))
    assert run.code == 2
    assert "not a status code or range: '2xx'" in run.stderr


def test_the_configuration_accepts_too_and_a_bad_value_is_its_path_and_line(
    claims_file: Any, tmp_path: Path
) -> None:
    config = tmp_path / "factcheck.toml"
    config.write_text('accept = "429"\n', encoding="utf-8")
    path = claims_file("claims:\n  - id: c\n    claim: x\n    citations:\n"
                       "      - url: http://fixtures.test/status/429\n")  # fmt: skip
    assert run_cli("verify", *FAST, str(path)).statuses() == {"c": ["ok"]}
    config.write_text('timeout = 5\naccept = "lots"\n', encoding="utf-8")
    run = run_cli("verify", *FAST, str(path))
    assert run.code == 2
    assert run.stderr.startswith(f"{config}:2: accept: not a status code or range: 'lots'")
