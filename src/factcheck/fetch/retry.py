"""When to try again: exponential backoff with jitter, and Retry-After within a cap."""

from __future__ import annotations

import random
import re
import time
from datetime import UTC
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent
    or unreadable. A date in the past means 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_delay(attempt: int, retry_after: float | None, cap: float) -> float | None:
    """Seconds to wait before retry number `attempt + 1`; None when the server asks for
    longer than `cap` (then waiting would let one host stall the whole run)."""
    if retry_after is not None:
        return retry_after if retry_after <= cap else None
    return min(0.5 * 2.0**attempt, 8.0) * (0.5 + random.random())


def over_cap_reason(reason: str, retry_after: float, cap: float) -> str:
    """The reason of a result whose Retry-After exceeds the cap."""
    return f"{reason}; Retry-After {retry_after:g} s exceeds the {cap:g} s cap, not waiting"


_TIMED_OUT = "timed out"
_TRIED = re.compile(r" after \d+ attempts over [\d.]+ s")


def tried_reason(reason: str, attempts: int, seconds: float) -> str:
    """`reason` saying what was tried: 'timed out after 3 attempts over 61 s (ReadTimeout)',
    'HTTP 503 Service Unavailable after 3 attempts over 4.2 s'. Unchanged for one attempt."""
    if attempts < 2:
        return reason
    tried = f" after {attempts} attempts over {seconds:.0f} s"
    if seconds < 10:
        tried = f" after {attempts} attempts over {seconds:.1f} s"
    if reason.startswith(_TIMED_OUT):
        return f"{_TIMED_OUT}{tried}{reason[len(_TIMED_OUT) :]}"
    return f"{reason}{tried}"


def untried_reason(reason: str) -> str:
    """`reason` without what tried_reason added: two failures that differ only in how long
    the tries took are the same answer (the store keeps one snapshot for them)."""
    return _TRIED.sub("", reason, count=1)
