"""What the reason of a retried failure says (the tries themselves run against the real
site in test_fetch.py)."""

from __future__ import annotations

import pytest

from factcheck.fetch.retry import tried_reason, untried_reason


@pytest.mark.parametrize(
    ("reason", "attempts", "seconds", "said"),
    [
        ("timed out (ReadTimeout)", 3, 61.4, "timed out after 3 attempts over 61 s (ReadTimeout)"),
        (
            "timed out: no complete answer within 4.5 s",
            2,
            9.26,
            "timed out after 2 attempts over 9.3 s: no complete answer within 4.5 s",
        ),
        (
            "HTTP 503 Service Unavailable",
            3,
            4.21,
            "HTTP 503 Service Unavailable after 3 attempts over 4.2 s",
        ),
        ("connection reset", 1, 0.3, "connection reset"),  # one attempt: nothing was retried
    ],
)
def test_the_reason_says_what_was_tried(
    reason: str, attempts: int, seconds: float, said: str
) -> None:
    assert tried_reason(reason, attempts, seconds) == said
    assert untried_reason(said) == reason
