"""The fetcher against the real fixture site: retries, deadlines, redirects, bot walls."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from typing import Any

import pytest

from factcheck.fetch.client import DEFAULT_USER_AGENT, Fetcher, FetchOutcome, FetchResult
from factcheck.models import VerifyOptions
from tests.conftest import Run, run_cli

QUOTE = "its police contracts targeted Uyghurs"
FAST = ("--allow-private", "--timeout", "1", "--format", "json")


def hits(site: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{site}/_hits") as answer:
        counts: dict[str, int] = json.load(answer)
    return counts


def check(
    claims_file: Any, *urls: str, args: tuple[str, ...] = FAST, quote: str | None = None
) -> Run:
    """Verify one claim citing `urls` (with `quote` when given); the CLI run."""
    lines = ["claims:", "  - id: c", "    claim: a claim", "    citations:"]
    for url in urls:
        lines.append(f"      - url: {url}")
        if quote:
            lines.append(f'        quote: "{quote}"')
    return run_cli("verify", *args, str(claims_file("\n".join(lines) + "\n")))


def citation(run: Run, index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = run.json()["claims"][0]["citations"][index]
    return found


def fetch(url: str, **options: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(VerifyOptions(allow_private=True, **options)) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_article_quote_is_on_the_page(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/article.html", quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")


def test_a_429_with_retry_after_1_then_200_ends_ok(claims_file: Any, site: str) -> None:
    url = "http://fixtures.test/flaky/article.html?times=1&code=429&retry_after=1&t=a"
    started = time.monotonic()
    run = check(claims_file, url, quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")
    assert time.monotonic() - started >= 1.0  # the Retry-After was honoured
    assert hits(site)["/flaky/article.html?times=1&code=429&retry_after=1&t=a"] == 2


def test_a_503_then_200_ends_ok(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/flaky/article.html?times=1&t=b", quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")


def test_retry_after_as_an_http_date_is_honoured(claims_file: Any) -> None:
    url = "http://fixtures.test/flaky/article.html?times=1&code=503&retry_after=date%2B2&t=c"
    started = time.monotonic()
    run = check(claims_file, url, quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")
    assert 0.5 <= time.monotonic() - started < 5


def test_retry_after_past_the_cap_stops_with_the_reason(claims_file: Any) -> None:
    url = "http://fixtures.test/flaky/article.html?times=1&code=429&retry_after=120&t=d"
    started = time.monotonic()
    run = check(claims_file, url, args=(*FAST, "--max-retry-after", "5"))
    found = citation(run)
    assert found["status"] == "blocked"
    assert found["reason"] == (
        "HTTP 429 Too Many Requests; Retry-After 120 s exceeds the 5 s cap, not waiting"
    )
    assert time.monotonic() - started < 3
    assert run.code == 0  # blocked is a warning unless --strict


def test_503_retries_run_out_as_error(claims_file: Any, site: str) -> None:
    url = "http://fixtures.test/flaky/article.html?times=9&t=e"
    run = check(claims_file, url, args=(*FAST, "--retries", "2"))
    assert citation(run)["status"] == "error"
    assert re.fullmatch(
        r"HTTP 503 Service Unavailable after 3 attempts over \d\.\d s", citation(run)["reason"]
    )
    assert hits(site)["/flaky/article.html?times=9&t=e"] == 3


def test_a_timeout_after_retries_says_what_was_tried(claims_file: Any, site: str) -> None:
    url = "http://fixtures.test/slow?seconds=30&t=tried"
    started = time.monotonic()
    run = check(claims_file, url, args=(*FAST, "--retries", "1"))
    elapsed = time.monotonic() - started
    found = re.fullmatch(
        r"timed out after 2 attempts over (\d\.\d) s \(ReadTimeout\)", citation(run)["reason"]
    )
    assert found, citation(run)["reason"]
    # two 1 s timeouts and the backoff between; the figure is rounded to 0.1 s
    assert 2.0 <= float(found[1]) <= elapsed + 0.05
    assert hits(site)["/slow?seconds=30&t=tried"] == 2


@pytest.mark.parametrize("code", [404, 410])
def test_404_and_410_are_never_retried(claims_file: Any, site: str, code: int) -> None:
    run = check(
        claims_file,
        f"http://fixtures.test/status/{code}?t=never-retried",
        args=(*FAST, "--retries", "3"),
    )
    assert (run.code, citation(run)["status"]) == (1, "broken")
    assert hits(site)[f"/status/{code}?t=never-retried"] == 1


def test_a_route_that_never_answers_ends_error_within_the_timeout(claims_file: Any) -> None:
    started = time.monotonic()
    run = check(claims_file, "http://fixtures.test/slow?seconds=30", args=(*FAST, "--retries", "0"))
    assert citation(run)["status"] == "error"
    assert citation(run)["reason"].startswith("timed out")
    assert time.monotonic() - started < 3


def test_a_trickling_server_is_cut_at_the_total_deadline(claims_file: Any) -> None:
    """One byte a second never trips the read timeout; the 3x total deadline stops it."""
    started = time.monotonic()
    run = check(
        claims_file,
        "http://fixtures.test/trickle?seconds=60",
        args=(*FAST, "--timeout", "1.5", "--retries", "0"),
    )
    elapsed = time.monotonic() - started
    assert citation(run)["status"] == "error"
    assert citation(run)["reason"] == "timed out: no complete answer within 4.5 s"
    assert 4.4 <= elapsed < 6.5


def test_a_url_cited_three_times_is_fetched_once(claims_file: Any, site: str) -> None:
    url = "http://fixtures.test/counted/article.html"
    before = hits(site).get("/counted/article.html", 0)  # the site is shared by the session
    run = check(claims_file, url, f"{url}#section", url, quote=QUOTE)
    assert [c["status"] for c in run.json()["claims"][0]["citations"]] == ["ok"] * 3
    assert hits(site)["/counted/article.html"] == before + 1


def test_permanent_redirect_is_noted_and_final_url_reported(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/redirect/permanent/article.html", quote=QUOTE)
    found = citation(run)
    assert found["status"] == "ok"
    assert found["final_url"].endswith("/article.html")
    assert "permanent" in found["reason"] or "moved" in found["reason"].lower()


def test_redirect_loop_is_broken(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/loop/a")
    assert citation(run)["status"] == "broken"
    assert citation(run)["reason"].startswith("redirect loop after 2 redirects")


def test_meta_refresh_to_a_same_site_page_is_followed_once(site: str) -> None:
    result = fetch(f"{site}/meta-refresh/article.html")
    assert result.outcome is FetchOutcome.OK
    assert result.final_url == f"{site}/article.html"
    assert QUOTE.encode() in result.body


def test_a_head_405_does_not_matter_because_head_is_never_sent(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/no-head/article.html", quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/401", "HTTP 401 Unauthorized: the site refused the request"),
        ("/status/403", "HTTP 403 Forbidden: the site refused the request"),
        ("/status/999", "HTTP 999 Request denied: the site refused the request"),
        ("/challenge", "HTTP 403: bot challenge (cf-mitigated: challenge)"),
        ("/js-challenge", "HTTP 200: bot challenge page ('challenge-platform')"),
    ],
)
def test_bot_walls_are_blocked_never_broken(claims_file: Any, path: str, reason: str) -> None:
    # The fetcher's verdict (a browser's try at the challenge: tests/render/)
    args = (*FAST, "--render", "never")
    run = check(claims_file, f"http://fixtures.test{path}", args=args, quote=QUOTE)
    assert (citation(run)["status"], citation(run)["reason"]) == ("blocked", reason)


def test_429_after_retries_is_blocked(claims_file: Any) -> None:
    run = check(claims_file, "http://fixtures.test/status/429", args=(*FAST, "--retries", "1"))
    assert citation(run)["status"] == "blocked"
    assert re.fullmatch(
        r"HTTP 429 Too Many Requests after 2 attempts over \d\.\d s", citation(run)["reason"]
    )


def test_user_agent_is_honest_and_configurable(site: str) -> None:
    sent = json.loads(fetch(f"{site}/_echo").body)
    assert sent["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("factcheck/0.") and "(+https://" in DEFAULT_USER_AGENT
    sent = json.loads(fetch(f"{site}/_echo", user_agent="newsroom-bot/2").body)
    assert sent["User-Agent"] == "newsroom-bot/2"


def test_per_host_headers_go_to_that_host_only(site: str) -> None:
    headers = {site: {"Cookie": "session=abc"}, "other.example": {"X-Token": "t"}}
    sent = json.loads(fetch(f"{site}/_echo", host_headers=headers).body)
    assert sent["Cookie"] == "session=abc"
    assert "X-Token" not in sent


def test_fragment_is_never_sent(site: str) -> None:
    result = fetch(f"{site}/_echo#secret")
    assert result.final_url == f"{site}/_echo"


def test_per_host_limit_holds(site: str) -> None:
    """Six 1-second requests to one host with --per-host 2 take three rounds."""

    async def go() -> list[FetchResult]:
        options = VerifyOptions(allow_private=True, per_host=2, retries=0, timeout=5)
        async with Fetcher(options) as fetcher:
            urls = [f"{site}/slow?seconds=1&n={n}" for n in range(6)]
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

    started = time.monotonic()
    results = asyncio.run(go())
    assert {r.outcome for r in results} == {FetchOutcome.OK}
    assert 2.9 <= time.monotonic() - started < 4.5


def test_unsupported_content_type_is_an_error_only_when_a_quote_is_asked(claims_file: Any) -> None:
    quoted = check(claims_file, "http://fixtures.test/data.json", quote="x")
    assert citation(quoted)["status"] == "error"
    assert citation(quoted)["reason"].startswith("unsupported content type application/json")
    bare = check(claims_file, "http://fixtures.test/data.json")
    assert citation(bare)["status"] == "ok"


def test_a_connection_that_fails_before_any_answer_is_a_network_failure() -> None:
    """ENETUNREACH (no route, cable out) counts towards "network unreachable" like an unknown
    host does, and is worth a retry; an unknown host is a dead link and is not."""
    import errno

    from factcheck.fetch.outcomes import transport_failure

    unreachable = OSError(errno.ENETUNREACH, "Network is unreachable")
    result, retry = transport_failure("https://a.example/", "https://a.example/", 0, unreachable)
    assert (result.outcome, result.network_failure, retry) == (FetchOutcome.ERROR, True, True)
    assert result.reason == "connection failed: [Errno 101] Network is unreachable"
    unknown = OSError(-2, "Name or service not known")
    result, retry = transport_failure("https://b.example/", "https://b.example/", 0, unknown)
    assert (result.outcome, result.network_failure, retry) == (FetchOutcome.BROKEN, True, False)
