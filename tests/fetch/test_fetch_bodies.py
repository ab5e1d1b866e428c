"""Bodies against the real fixture site: content encodings, the cap, decompression bombs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fetch.test_fetch import FAST, QUOTE, check, citation, fetch

MAX_RSS_MB = 300


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br"])
def test_compressed_bodies_are_read(claims_file: Any, encoding: str) -> None:
    run = check(claims_file, f"http://fixtures.test/encoded/{encoding}/article.html", quote=QUOTE)
    assert (run.code, citation(run)["status"]) == (0, "ok")


# Runs the CLI and reports its own peak memory: VmHWM belongs to the process's address space,
# new at exec (ru_maxrss of a child would count the test process's size at fork too).
_PEAK_REPORTING_CLI = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("peak-kib " + line.split()[1] + "\\n")
atexit.register(peak)
from factcheck.cli import main
main(sys.argv[1:], prog_name="factcheck")
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc (Linux)")
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
    command = [sys.executable, "-c", _PEAK_REPORTING_CLI, "verify", *FAST, str(path)]
    run = subprocess.run(command, cwd=path.parent, capture_output=True, text=True, check=False)
    (found,) = json.loads(run.stdout)["claims"][0]["citations"]
    assert (run.returncode, found["status"]) == (1, "error")
    assert found["reason"] == "body too large (over 52,428,800 bytes)"
    (peak,) = [line.split()[1] for line in run.stderr.splitlines() if line.startswith("peak-kib")]
    assert int(peak) / 1024 < MAX_RSS_MB, f"peak RSS {int(peak) / 1024:.0f} MB"


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
