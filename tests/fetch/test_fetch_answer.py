"""How an HTTP answer's status line and header fields are read, and a challenge page found."""

from __future__ import annotations

from collections.abc import AsyncIterator

from factcheck.fetch.outcomes import (
    Answer,
    FetchOutcome,
    header_fields,
    judge_response,
    reason_phrase,
)


def test_a_repeated_field_is_joined_and_names_are_lower_cased() -> None:
    raw = [(b"Set-Cookie", b"a=1"), (b"Content-Type", b"text/html"), (b"set-cookie", b"b=2")]
    assert header_fields(raw) == {"set-cookie": "a=1, b=2", "content-type": "text/html"}


def test_field_values_are_ascii_else_utf8_else_latin1_all_alike() -> None:
    assert header_fields([(b"X-Name", "café".encode())]) == {"x-name": "café"}
    assert header_fields([(b"X-Name", "café".encode("latin-1"))]) == {"x-name": "café"}
    # one value that is not UTF-8 makes every value Latin-1, as httpx read them
    assert header_fields([(b"X-A", "é".encode()), (b"X-B", b"\xe9")]) == {
        "x-a": "Ã©",
        "x-b": "é",
    }


def test_the_reason_phrase_is_the_servers_else_the_standard_one() -> None:
    assert reason_phrase(404, "Gone Fishing") == "Gone Fishing"
    assert reason_phrase(404, "") == "Not Found"
    assert reason_phrase(404, None) == "Not Found"
    assert reason_phrase(999, None) == ""
    assert reason_phrase(404, "Introuvable ✗") == "Introuvable "  # ASCII only


async def _unread() -> AsyncIterator[bytes]:
    yield b""


def test_a_challenge_page_with_non_ascii_text_is_blocked() -> None:
    url = "https://example.org/article"
    body = "<title>Just a moment...</title><p>请稍候，正在检查您的浏览器。</p>".encode()
    answer = Answer(url, 403, "Forbidden", {"content-type": "text/html; charset=utf-8"}, _unread())
    result = judge_response(url, 0, answer, body)
    assert result.outcome is FetchOutcome.BLOCKED
    assert result.reason == "HTTP 403: bot challenge page ('just a moment...')"
    assert result.body == body  # a small challenge page is kept: a browser may pass it
