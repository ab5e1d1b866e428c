"""--max-age: a citation verified ok that recently is reported from the store with no request;
anything else (not ok then, a changed quote or setting, too old) is checked again."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import httpx
import pytest

from factcheck.claims.config import parse_duration
from factcheck.evidence import verdicts
from factcheck.models import Citation, CitationResult, VerifyOptions
from tests.conftest import run_cli
from tests.snapshot_site import write_claims, write_site

ARTICLE = (
    "<html><body><h1>Council news</h1><p>The council approved the budget on Tuesday "
    "by seven votes to two.</p><p>Turnout at the meeting was 41 percent.</p></body></html>"
)
NOTES = "Minutes. The mayor abstained from the vote on the library.\n"


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"article.html": ARTICLE, "notes.txt": NOTES})


def claims(tmp_path: Path, base: str, notes_quote: str = "The mayor abstained") -> Path:
    return write_claims(
        tmp_path / "claims.yaml",
        [
            (f"{base}/article.html", ["approved the budget on Tuesday"]),
            (f"{base}/notes.txt", [notes_quote]),
        ],
    )


def requests(base: str) -> int:
    counts: dict[str, int] = httpx.get(f"{base}/_counts").json()
    return sum(counts.get(kind, 0) for kind in ("200", "304", "404"))


def verify(path: Path, *options: str) -> dict[str, list[tuple[str, str]]]:
    run = run_cli("verify", str(path), "--allow-private", "--format", "json", *options)
    assert run.code in (0, 1), run.stderr
    return {
        claim["id"]: [(c["status"], c["reason"]) for c in claim["citations"]]
        for claim in run.json()["claims"]
    }


def test_a_warm_run_within_max_age_sends_no_request(tmp_path: Path, live: str) -> None:
    path = claims(tmp_path, live)
    cold = verify(path, "--max-age", "1d")
    assert [status for ((status, _),) in cold.values()] == ["ok", "ok"]
    assert requests(live) == 2

    warm = verify(path, "--max-age", "1d")
    assert requests(live) == 2  # not one more
    for ((status, reason),) in warm.values():
        assert status == "ok"
        assert reason.startswith("verified ") and reason.endswith(" s ago, not re-fetched")


def test_without_max_age_every_url_is_revalidated(tmp_path: Path, live: str) -> None:
    path = claims(tmp_path, live)
    verify(path)
    verify(path)
    assert requests(live) == 4
    verify(path, "--max-age", "0s")  # nothing is that recent
    assert requests(live) == 6


def test_a_citation_not_ok_then_is_checked_again(tmp_path: Path, pages: Path, live: str) -> None:
    (pages / "notes.txt").write_text("Minutes. Nothing about the mayor.\n", encoding="utf-8")
    path = claims(tmp_path, live)
    first = verify(path, "--max-age", "1d")
    assert first["claim-1"][0][0] == "quote_missing"

    second = verify(path, "--max-age", "1d")
    assert requests(live) == 3  # the missing quote's page asked again, the ok one not
    assert second["claim-1"][0][0] == "quote_missing"
    (pages / "notes.txt").write_text(NOTES, encoding="utf-8")
    assert verify(path, "--max-age", "1d")["claim-1"][0][0] == "ok"
    assert requests(live) == 4


def test_an_ok_citation_found_missing_later_is_not_reused(
    tmp_path: Path, pages: Path, live: str
) -> None:
    path = claims(tmp_path, live)
    verify(path)
    (pages / "notes.txt").write_text("Minutes. Nothing about the mayor.\n", encoding="utf-8")
    assert verify(path)["claim-1"][0][0] == "quote_missing"  # a run without --max-age
    (pages / "notes.txt").write_text(NOTES, encoding="utf-8")
    before = requests(live)
    assert verify(path, "--max-age", "1d")["claim-1"][0][0] == "ok"
    assert requests(live) == before + 1  # the notes page again, the article from the store


def test_a_changed_quote_is_checked_again(tmp_path: Path, live: str) -> None:
    verify(claims(tmp_path, live), "--max-age", "1d")
    changed = claims(tmp_path, live, notes_quote="abstained from the vote on the library")
    result = verify(changed, "--max-age", "1d")
    assert requests(live) == 3
    assert result["claim-1"][0] == ("ok", result["claim-1"][0][1])
    assert "not re-fetched" not in result["claim-1"][0][1]
    assert "not re-fetched" in result["claim-0"][0][1]


def test_a_changed_setting_is_checked_again(tmp_path: Path, live: str) -> None:
    path = claims(tmp_path, live)
    verify(path, "--max-age", "1d")
    verify(path, "--max-age", "1d", "--user-agent", "newsroom-bot/2")
    assert requests(live) == 4


def test_max_age_from_the_configuration_file(
    tmp_path: Path, live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "factcheck.toml").write_text('max_age = "12h"\n', encoding="utf-8")
    path = claims(tmp_path, live)
    verify(path)
    verify(path)
    assert requests(live) == 2


def test_a_bad_duration_is_a_usage_error(tmp_path: Path, live: str) -> None:
    run = run_cli("verify", str(claims(tmp_path, live)), "--allow-private", "--max-age", "3x")
    assert run.code == 2
    assert "Invalid value for '--max-age': not a duration: '3x'" in run.stderr
    assert requests(live) == 0


def test_a_bad_duration_in_the_configuration_file_names_it(
    tmp_path: Path, live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "factcheck.toml").write_text('max_age = "soon"\n', encoding="utf-8")
    run = run_cli("verify", str(claims(tmp_path, live)), "--allow-private")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        f"{tmp_path / 'factcheck.toml'}:1: max_age: not a duration: 'soon' "
        "(a number and a unit, s, m, h, d or w: 1d, 12h, 30m)"
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1d", 86400), ("12h", 43200), ("90m", 5400), ("1h30m", 5400), ("45s", 45), ("2w", 1209600)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1", "d", "-1d", "1x", "1 d", "1d 2h"])
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_ages_as_a_person_reads_them() -> None:
    ages = [verdicts.describe_age(s) for s in (0, 59, 60, 3599, 3 * 3600 + 5, 2 * 86400)]
    assert ages == ["0 s", "59 s", "1 min", "59 min", "3 h", "2 d"]


def test_the_verdict_key_follows_quotes_and_settings_not_set_order() -> None:
    citation = Citation("https://example.org/a", ("one quote",))
    options = VerifyOptions(allow_hosts=frozenset({"a.example", "b.example", "c.example"}))
    key = verdicts.verdict_key(citation, verdicts.verdict_context(options))
    same = VerifyOptions(allow_hosts=frozenset({"c.example", "b.example", "a.example"}))
    assert verdicts.verdict_key(citation, verdicts.verdict_context(same)) == key
    other_quote = Citation("https://example.org/a", ("one quote", "another"))
    assert verdicts.verdict_key(other_quote, verdicts.verdict_context(options)) != key
    other_setting = verdicts.verdict_context(VerifyOptions(max_bytes=10))
    assert verdicts.verdict_key(citation, other_setting) != key


def test_every_verdict_setting_and_kept_field_exists() -> None:
    assert set(verdicts.VERDICT_SETTINGS) <= {f.name for f in fields(VerifyOptions)}
    assert set(verdicts._KEPT) <= {f.name for f in fields(CitationResult)}


def test_headers_and_rendering_are_part_of_the_key() -> None:
    citation = Citation("https://example.org/a", ("one quote",))
    key = verdicts.verdict_key(citation, verdicts.verdict_context(VerifyOptions()))
    for changed in (VerifyOptions(headers={"Cookie": "a=b"}), VerifyOptions(render="never")):
        assert verdicts.verdict_key(citation, verdicts.verdict_context(changed)) != key
