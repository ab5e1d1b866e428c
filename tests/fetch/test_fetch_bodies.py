"""Bodies against the real fixture site: content encodings, the cap, decompression bombs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.fetch.test_fetch import FAST, QUOTE, check, citation, fetch

MAX_RSS_MB = 300


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br"])
def test_compressed_bodies_are_read(claims_file: Any, encoding: str) -> None:
    run = check(claims_file, f"http://fixtures.test/encoded/{encoding}/article.html", quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_decompression_bomb_is_body_too_large_in_bounded_memory(
    claims_file: Any, encoding: str
) -> None:
    """2 GiB of zeros in a few hundred KiB; the default 50 MB cap stops it. Run in a process
    of its own, whose peak memory is this run's alone (the test process's high-water mark
    counts every test before it)."""
    path = claims_file(
        "claims:\n  - id: c\n    claim: a claim\n    citations:\n"
        f'      - url: http://fixtures.test/bomb/{encoding}\n        quote: "{QUOTE}"\n'
    )
    command = [sys.executable, "-m", "factcheck", "verify", *FAST, str(path)]
    with subprocess.Popen(command, cwd=path.parent, stdout=subprocess.PIPE) as process:
        out = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    (found,) = json.loads(out)["claims"][0]["citations"]
    assert (process.returncode, found["status"]) == (1, "error")
    assert found["reason"] == "body too large (over 52,428,800 bytes)"
    peak_mb = usage.ru_maxrss / 1024
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"


def test_the_cap_counts_bytes_after_decompression(site: str) -> None:
    """The gzip article is about 1 KB on the wire and 1.8 KB decoded."""
    result = fetch(f"{site}/encoded/gzip/article.html", max_bytes=1500)
    assert result.reason == "body too large (over 1,500 bytes)"
    assert fetch(f"{site}/encoded/gzip/article.html").body == fetch(f"{site}/article.html").body


def test_max_bytes_option_caps_a_plain_body(claims_file: Any) -> None:
    run = check(
        claims_file, "http://fixtures.test/article.html", args=(*FAST, "--max-bytes", "100")
    )
    assert (citation(run)["status"], citation(run)["reason"]) == (
        "error",
        "body too large (over 100 bytes)",
    )
