"""A run split between worker processes: same verdicts, one store, Ctrl-C, a dying worker.

The CLI is run as a separate process, as a user runs it: inside pytest the fixture servers'
threads are running, and a process with other threads never forks workers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.evidence.store import SnapshotStore
from factcheck.models import Citation
from factcheck.workers import MIN_URLS, can_fork, capacity, plan_shares, split_limit
from tests.conftest import DEMO, ROOT
from tests.fetch.test_fetch import hits

QUOTE = "While Hikvision has kept its human rights investigation report secret for 2 years"
MISQUOTE = "While Hikvision has published its human rights investigation report"
PER_HOST = MIN_URLS + 8  # distinct URLs on each of the two hosts: enough for two shares


def citation(url: str) -> Citation:
    return Citation(url=url, quotes=(), line=1)


# --- planning the shares ------------------------------------------------------------------


def test_shares_are_whole_hosts_with_about_as_many_urls_each() -> None:
    sizes = {"a": 90, "b": 60, "c": 40, "d": 30}
    urls = [f"http://{host}/{n}" for host, size in sizes.items() for n in range(size)]
    shares = plan_shares([citation(u) for u in urls], workers=2)
    hosts = [{urls[i].split("/")[2] for i in share} for share in shares]
    assert sorted(map(sorted, hosts)) == [["a", "d"], ["b", "c"]]
    assert sorted(len(share) for share in shares) == [100, 120]
    assert sorted(i for share in shares for i in share) == list(range(len(urls)))
    assert all(share == sorted(share) for share in shares)


def test_the_citations_of_one_url_stay_in_one_share() -> None:
    urls = [f"http://{h}/{n}" for h in "ab" for n in range(MIN_URLS)]
    cited = [citation(u) for u in urls] + [
        citation("http://a/0#one"),
        citation("http://a/0#:~:text=two"),
    ]
    shares = plan_shares(cited, workers=2)
    share_of_a0 = [
        k for k, share in enumerate(shares) for i in share if cited[i].url.startswith("http://a/0")
    ]
    assert len(shares) == 2 and len(set(share_of_a0)) == 1 and len(share_of_a0) == 3


@pytest.mark.parametrize(
    ("hosts", "per_host", "workers", "expected"),
    [
        (1, 500, 4, 1),  # one host: the per-host limit could not hold across processes
        (2, MIN_URLS - 1, 2, 1),  # too few URLs for each share
        (2, MIN_URLS, 1, 1),  # one worker asked for
        (2, MIN_URLS, 4, 2),  # no more shares than hosts
        (8, 100, 3, 3),
    ],
)
def test_a_run_is_split_only_when_each_share_gets_enough(
    hosts: int, per_host: int, workers: int, expected: int
) -> None:
    urls = [f"http://h{h}/{n}" for h in range(hosts) for n in range(per_host)]
    assert len(plan_shares([citation(u) for u in urls], workers)) == expected


def test_a_lopsided_run_keeps_fewer_shares_than_a_tiny_one_would_need() -> None:
    urls = [f"http://big/{n}" for n in range(500)] + [f"http://small/{n}" for n in range(5)]
    assert len(plan_shares([citation(u) for u in urls], workers=2)) == 1


def test_the_global_limit_is_split_by_what_each_share_can_use() -> None:
    assert split_limit(128, [100, 100]) == [64, 64]
    assert split_limit(32, [40, 40, 40]) == [12, 10, 10]
    # one big host (10 per host at most) and ten small ones: the slots go where they are used
    assert split_limit(128, [10, 100]) == [10, 100]
    assert split_limit(64, [10, 100]) == [5, 59]  # in proportion, the spare slot where more fit
    assert split_limit(2, [40, 40, 40, 40]) == [1, 1, 1, 1]  # every share needs one


def test_a_shares_capacity_is_its_hosts_per_host_limits() -> None:
    urls = [f"http://big/{n}" for n in range(50)] + ["http://small/1", "http://small/1#again"]
    urls += [f"http://mid/{n}" for n in range(4)]
    cited = [citation(u) for u in urls]
    assert capacity(cited, list(range(len(cited))), per_host=10) == 10 + 1 + 4


def test_a_process_running_other_threads_never_forks_workers(site: str) -> None:
    # The fixture site runs in a thread of this process: a fork would copy only this one.
    assert not can_fork()


# --- a real run over two hosts --------------------------------------------------------------


@pytest.fixture(scope="module")
def second_site() -> Iterator[str]:
    """The fixture site again, on 127.0.0.2: a second host for the run to split by."""
    from factcheck.demo.server import serve

    with serve(DEMO / "site", host="127.0.0.2") as base:
        yield base


def claims_over_two_hosts(path: Path, site: str, second_site: str) -> Path:
    """PER_HOST citations of the article on each host, plus a misquote on one host and a
    missing page on the other, so both shares have something to report."""
    lines = ["claims:"]
    for base, tag in ((site, "a"), (second_site, "b")):
        for n in range(PER_HOST):
            lines += [
                f"  - id: {tag}{n}",
                "    claim: the article says so",
                "    citations:",
                f"      - url: {base}/article.html?n={n}",
                f'        quote: "{QUOTE}"',
            ]
    lines += [
        "  - id: misquoted",
        "    claim: the article says otherwise",
        "    citations:",
        f"      - url: {second_site}/article.html?n=misquoted",
        f'        quote: "{MISQUOTE}"',
        "  - id: gone",
        "    claim: a page that is not there",
        "    citations:",
        f"      - url: {site}/no-such-page.html",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def factcheck(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "CI": "true"},
    )


def verdicts(report: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {
        claim["id"]: [(c["status"], c["reason"]) for c in claim["citations"]]
        for claim in report["claims"]
    }


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
def test_a_split_run_gives_the_verdicts_of_one_process_and_one_store(
    tmp_path: Path, site: str, second_site: str
) -> None:
    claims = claims_over_two_hosts(tmp_path / "claims.yaml", site, second_site)
    common = ["verify", "--allow-private", "--format", "json", str(claims)]
    one = factcheck(*common, "--workers", "1", "--store", str(tmp_path / "one"))
    two = factcheck(*common, "--workers", "2", "--store", str(tmp_path / "two"))
    assert one.returncode == two.returncode == 1, two.stderr
    assert "Traceback" not in two.stderr
    split, single = verdicts(json.loads(two.stdout)), verdicts(json.loads(one.stdout))
    assert split == single
    assert split["misquoted"][0][0] == "quote_altered"
    assert split["gone"][0][0] == "broken"
    assert {s for k, v in split.items() if k not in {"misquoted", "gone"} for s, _ in v} == {"ok"}

    # The worker wrote its own WARC file of the same run; the index holds every page once.
    warcs = sorted(p.name for p in (tmp_path / "two" / "warc").iterdir())
    run_id = warcs[0].removeprefix("factcheck-").removesuffix("-1.warc.gz")
    assert warcs == [f"factcheck-{run_id}-1.warc.gz", f"factcheck-{run_id}.warc.gz"]
    with SnapshotStore(tmp_path / "two") as store:
        snapshots = store.history()
        assert len(snapshots) == 2 * PER_HOST + 2
        assert {s.warc_file for s in snapshots if s.has_body} == {f"warc/{w}" for w in warcs}
        article = next(s for s in snapshots if s.url.endswith("n=misquoted"))
        assert QUOTE.encode() in store.body(article)
        checks = store.quote_checks(f"{second_site}/article.html?n=0", QUOTE, before_run=False)
        assert [c.run_id for c in checks] == [run_id]


def start_stuck_run(tmp_path: Path, site: str, second_site: str, tag: str) -> subprocess.Popen[str]:
    """A split run (JSON report, no store) whose two shares each wait on a page that takes a
    minute, returned once the server has seen both requests and the other pages are done."""
    claims = claims_over_two_hosts(tmp_path / "claims.yaml", site, second_site)
    slow = {
        base: f"/slow?seconds=60&t={tag}-{host}" for base, host in ((site, "a"), (second_site, "b"))
    }
    with claims.open("a", encoding="utf-8") as out:
        for base, path in slow.items():
            out.write(f"  - id: slow-{path[-1]}\n    claim: x\n    citations:\n")
            out.write(f"      - url: {base}{path}\n")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "factcheck", "verify", "--allow-private", "--workers", "2",
            "--timeout", "60", "--format", "json", "--no-store", str(claims),
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(p in hits(b) for b, p in slow.items()):
        time.sleep(0.1)
    time.sleep(1.0)  # every fast page is done by now
    return process


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
def test_ctrl_c_stops_every_worker_and_reports_what_they_finished(
    tmp_path: Path, site: str, second_site: str
) -> None:
    process = start_stuck_run(tmp_path, site, second_site, "ctrl-c")
    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert time.monotonic() - interrupted_at < 5
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    statuses = {k: [s for s, _ in v] for k, v in verdicts(json.loads(stdout)).items()}
    assert statuses.pop("slow-a") == statuses.pop("slow-b") == ["not_checked"]
    assert statuses.pop("misquoted") == ["quote_altered"]
    assert statuses.pop("gone") == ["broken"]
    assert {s for v in statuses.values() for s in v} == {"ok"}
    assert len(statuses) == 2 * PER_HOST


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
def test_a_worker_that_dies_stops_the_run_with_one_line(
    tmp_path: Path, site: str, second_site: str
) -> None:
    process = start_stuck_run(tmp_path, site, second_site, "dies")
    (worker,) = children(process.pid)
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - killed_at < 5
    assert process.returncode == 3
    # The hosts tie (PER_HOST + 2 URLs each): the first host stays here, the second is the
    # worker's share.
    assert stderr.strip().splitlines() == [
        f"factcheck: factcheck-worker-1 (pid {worker}) stopped without sending the results"
        f" of its {PER_HOST + 2} citations (exit code -9)"
    ]
    report = json.loads(stdout)  # the JSON report lists why the run stopped (exit 3)
    assert report["claims"] == []
    assert [(e["exit_code"], e["message"]) for e in report["errors"]] == [
        (3, stderr.strip().removeprefix("factcheck: "))
    ]


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_results_travel_with_references_to_the_parents_citations() -> None:
    from factcheck.models import CitationResult, CitationStatus
    from factcheck.workers import _dumps, _loads

    share = [citation(f"http://a/{n}") for n in range(3)]
    copies = [citation(c.url) for c in share]  # the worker's objects: equal, not the same
    other = citation("http://elsewhere/")  # not in the share: goes by value
    batch = [
        (2, CitationResult(copies[2], CitationStatus.OK, "HTTP 200")),
        (0, CitationResult(other, CitationStatus.BROKEN, "HTTP 404")),
    ]
    index = {id(c): i for i, c in enumerate(copies)}
    kind, done, url, received = _loads(_dumps(("results", 2, "http://a/2", batch), index), share)
    assert (kind, done, url) == ("results", 2, "http://a/2")
    assert received == batch
    assert received[0][1].citation is share[2]
    assert received[1][1].citation == other and received[1][1].citation is not other


def dead_hosts_claims(path: Path, bases: list[str]) -> Path:
    lines = ["claims:"]
    for k, base in enumerate(bases):
        for n in range(PER_HOST):
            lines += [
                f"  - id: c{k}-{n}",
                "    claim: x",
                "    citations:",
                f"      - url: {base}/article.html?n={n}",
            ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
def test_network_unreachable_is_decided_for_the_whole_split_run(tmp_path: Path, site: str) -> None:
    from tests.test_interrupt import closed_port

    dead = [f"http://127.0.0.1:{closed_port()}", f"http://127.0.0.2:{closed_port()}"]
    args = ["verify", "--allow-private", "--no-store", "--retries", "0", "--workers", "2"]
    probe = ["--probe-url", f"http://127.0.0.1:{closed_port()}/"]

    # Every share failed before any answer and the probe fails: the run cannot run (exit 3),
    # counting every request, not one share's.
    every = factcheck(*args, *probe, str(dead_hosts_claims(tmp_path / "all.yaml", dead)))
    assert every.returncode == 3, every.stderr
    assert every.stderr.strip() == (
        f"factcheck: network unreachable: all {2 * PER_HOST} requests failed before any "
        f"answer and the connectivity probe ({probe[1]}) failed too"
    )

    # One share's hosts answer: the other's dead links are broken links, as in one process.
    some = factcheck(
        *args, *probe, "--format", "json",
        str(dead_hosts_claims(tmp_path / "some.yaml", [dead[0], site])),
    )  # fmt: skip
    assert some.returncode == 1, some.stderr
    statuses = [
        c["status"] for claim in json.loads(some.stdout)["claims"] for c in claim["citations"]
    ]
    assert statuses == ["broken"] * PER_HOST + ["ok"] * PER_HOST


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux only")
def test_an_offline_recheck_of_a_split_run_reads_every_worker_file(
    tmp_path: Path, site: str, second_site: str
) -> None:
    claims = claims_over_two_hosts(tmp_path / "claims.yaml", site, second_site)
    store = ["--store", str(tmp_path / "store"), "--format", "json", str(claims)]
    online = factcheck("verify", "--allow-private", "--workers", "2", *store)
    offline = factcheck("verify", "--offline", "--workers", "2", *store)
    assert online.returncode == offline.returncode == 1, offline.stderr
    statuses = {k: [s for s, _ in v] for k, v in verdicts(json.loads(offline.stdout)).items()}
    assert statuses == {
        k: [s for s, _ in v] for k, v in verdicts(json.loads(online.stdout)).items()
    }
    assert statuses["misquoted"] == ["quote_altered"]  # read from the worker's WARC file
    assert len(list((tmp_path / "store" / "warc").iterdir())) == 2  # offline writes no WARC
