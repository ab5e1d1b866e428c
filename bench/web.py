"""The `web` scenario: factcheck against lychee on citations shaped like real ones.

2,000 citations on 200 hosts, hosts picked by a Zipf law (a few big sites, a long tail),
each host with a latency of its own (log-normal around 120 ms, 3% of hosts at 2 s), pages of
log-normal size around 80 KiB, each with an ETag and a Last-Modified (a matching conditional
request gets a 304). Both tools get the same limits (128 in flight, 10 per host; lychee with
`--host-request-interval 0ms`). Each round runs, per tool, a cold run (no store / no cache)
then a warm one (factcheck's store kept; lychee `--cache`), and with `--max-age` a third
factcheck run reusing recent verdicts. The order of the tools flips every round.

Printed: wall and CPU seconds (median, min-max), CPU per citation, peak memory, requests the
server saw (and 304s), the time from spawn to the first request, the latency floor of the
limits, and a per-host timeline of the last cold run of each tool: for the hosts that set the
floor, their span against their own floor and how many requests they had in flight.

    .venv/bin/python bench/web.py --rounds 3
    .venv/bin/python bench/web.py --rounds 3 --max-age 1d
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import generate
from run import BENCH_DIR, BIN_DIR, compile_bytecode, usage
from server import host_addresses

# Page sizes are rounded to one of these steps (a template per step and variant).
SIZE_STEP = 1.15


@dataclass(frozen=True)
class Scenario:
    """The hosts (address, latency) and the citations (host index, page id, page bytes)."""

    addresses: list[str]
    latency_ms: list[float]
    hosts_of: list[int]  # citation i -> host index; citation i cites page i
    page_bytes: list[int]
    concurrency: int
    per_host: int

    @property
    def n(self) -> int:
        return len(self.hosts_of)

    def citations_per_host(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for host in self.hosts_of:
            counts[host] += 1
        return counts

    def host_floor(self, host: int, count: int) -> float:
        """Seconds host `host` needs at least: its requests in rounds of `per_host`."""
        return math.ceil(count / self.per_host) * self.latency_ms[host] / 1000

    @property
    def floor(self) -> float:
        """Seconds no checker within the limits can beat: the slowest host's own rounds, or
        every request's wait spread over the global limit, whichever is longer."""
        counts = self.citations_per_host()
        per_host = max(self.host_floor(h, c) for h, c in counts.items())
        total = sum(self.latency_ms[h] for h in self.hosts_of) / 1000 / self.concurrency
        return max(per_host, total)


def make_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario of `args`, the same for the same seed."""
    rng = random.Random(args.seed)
    hosts = args.hosts
    latency = [rng.lognormvariate(math.log(args.latency_ms), 0.5) for _ in range(hosts)]
    for slow in rng.sample(range(hosts), max(1, round(hosts * args.slow_share))):
        latency[slow] = args.slow_ms
    weights = [1 / (rank + 1) ** args.zipf for rank in range(hosts)]
    hosts_of = rng.choices(range(hosts), weights=weights, k=args.n)
    sizes = [rng.lognormvariate(math.log(args.page_kib * 1024), 0.6) for _ in range(args.n)]
    stepped = [
        int(SIZE_STEP ** round(math.log(min(max(s, 4096), 2**20), SIZE_STEP))) for s in sizes
    ]
    return Scenario(
        host_addresses(hosts), latency, hosts_of, stepped, args.concurrency, args.per_host
    )


@dataclass(frozen=True)
class Files:
    work: Path
    claims: Path
    links: Path
    spec: Path


def write_files(s: Scenario, port: int, work: Path) -> Files:
    """The claims file, the links list and the server's spec."""
    urls = [f"http://{s.addresses[h]}:{port}/page/{i}" for i, h in enumerate(s.hosts_of)]
    files = Files(work, work / "claims.yaml", work / "links.md", work / "spec.json")
    files.claims.write_text(generate.claims_yaml(urls), encoding="utf-8")
    files.links.write_text(generate.links_markdown(urls), encoding="utf-8")
    spec = {"hosts": s.addresses, "latency_ms": s.latency_ms, "page_bytes": s.page_bytes}
    files.spec.write_text(json.dumps(spec), encoding="utf-8")
    return files


# --- the runs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    name: str  # e.g. "factcheck cold"
    seconds: float
    cpu: float
    peak_mib: float
    outcome: str
    requests: int
    not_modified: int
    connections: int  # TCP connections the server accepted
    first_request: float  # seconds from spawn to the server's first request (nan: none)
    events: list[tuple[str, float, float, bool]] = field(repr=False)


def factcheck_command(s: Scenario, f: Files, extra: Sequence[str]) -> list[str]:
    return [
        str(BIN_DIR / "factcheck"), "verify", str(f.claims), "--allow-private",
        "--concurrency", str(s.concurrency), "--per-host", str(s.per_host),
        "--format", "json", "--output", str(f.work / "factcheck.json"), *extra,
    ]  # fmt: skip


def lychee_command(s: Scenario, f: Files) -> list[str]:
    return [
        str(BIN_DIR / "lychee"), "--no-progress", "--cache",
        "--max-concurrency", str(s.concurrency), "--host-concurrency", str(s.per_host),
        "--host-request-interval", "0ms",
        "--format", "json", "--output", str(f.work / "lychee.json"), str(f.links),
    ]  # fmt: skip


def factcheck_outcome(s: Scenario, f: Files, code: int) -> str:
    try:
        report = json.loads((f.work / "factcheck.json").read_text(encoding="utf-8"))
        statuses = [c["status"] for claim in report["claims"] for c in claim["citations"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"exit {code}, no readable report ({exc.__class__.__name__})"
    ok = statuses.count("ok")
    return "ok" if code == 0 and ok == s.n == len(statuses) else f"exit {code}: {ok}/{s.n} ok"


def lychee_outcome(s: Scenario, f: Files, code: int) -> str:
    try:
        stats = json.loads((f.work / "lychee.json").read_text(encoding="utf-8"))
        total, successful = stats["total"], stats["successful"] + stats.get("cached", 0)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"exit {code}, no readable report ({exc.__class__.__name__})"
    return "ok" if code == 0 and total == s.n else f"exit {code}: {successful}/{total} ok"


def server_events(port: int, address: str) -> tuple[list[tuple[str, float, float, bool]], int]:
    """The requests and the count of connections the server saw since the last call (and
    forget them)."""
    with urllib.request.urlopen(f"http://{address}:{port}/__stats", timeout=30) as answer:
        stats = json.loads(answer.read())
    return stats["events"], stats["connections"]


def timed(
    name: str, command: list[str], s: Scenario, f: Files, port: int, args: argparse.Namespace
) -> Run:
    server_events(port, s.addresses[0])  # forget anything earlier
    spawned = time.time()
    env = None
    if name.startswith("factcheck@"):  # another version's source first on the path
        env = {**os.environ, "PYTHONPATH": args.compare_src}
    used = usage(command, f.work, name.replace(" ", "-"), args.timeout, env)
    check = factcheck_outcome if name.startswith("factcheck") else lychee_outcome
    outcome = check(s, f, used.returncode)
    events, connections = server_events(port, s.addresses[0])
    stem = name.replace(" ", "-")
    (f.work / f"{stem}.events.json").write_text(json.dumps([spawned, events]), encoding="utf-8")
    first = min((e[1] for e in events), default=math.nan) - spawned
    run = Run(
        name, used.seconds, used.cpu, used.peak_kib / 1024, outcome, len(events),
        sum(e[3] for e in events), connections, first, events,
    )  # fmt: skip
    print(
        f"  {name:<28} {run.seconds:6.2f} s {run.cpu:6.2f} CPU s {run.peak_mib:6.1f} MiB "
        f"{run.requests:5d} requests ({run.not_modified} 304, {run.connections} connections) "
        f"first after "
        f"{run.first_request:5.2f} s  {outcome}",
        file=sys.stderr, flush=True,
    )  # fmt: skip
    return run


def tool_runs(tool: str, s: Scenario, f: Files, port: int, args: argparse.Namespace) -> list[Run]:
    """One tool cold, then warm (and for factcheck, warm with --max-age when asked)."""
    extra = tuple(args.factcheck_args.split())
    if tool == "lychee":
        (f.work / ".lycheecache").unlink(missing_ok=True)
        command = lychee_command(s, f)
        return [timed(f"lychee {phase}", command, s, f, port, args)
                for phase in ("cold", "warm --cache")]  # fmt: skip
    shutil.rmtree(f.work / ".factcheck", ignore_errors=True)
    command = factcheck_command(s, f, extra)
    runs = [timed(f"{tool} {phase}", command, s, f, port, args) for phase in ("cold", "warm")]
    if args.max_age and tool == "factcheck":  # an older version may not have it
        command = factcheck_command(s, f, (*extra, "--max-age", args.max_age))
        runs.append(timed(f"{tool} warm --max-age {args.max_age}", command, s, f, port, args))
    return runs


# --- reporting ------------------------------------------------------------------------------


def spread(values: list[float], unit: str = "", digits: int = 2) -> str:
    """`median (min-max)`."""
    med = statistics.median(values)
    return f"{med:.{digits}f}{unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def summary_table(s: Scenario, runs: dict[str, list[Run]]) -> str:
    lines = [
        f"web: N={s.n} on {len(s.latency_ms)} hosts, {s.concurrency} in flight, "
        f"{s.per_host} per host; latency floor {s.floor:.2f} s",
        "",
        "| run | wall s, median (min-max) | CPU s | CPU ms per citation | peak MiB "
        "| requests | 304s | connections | first request s | every citation ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rs in runs.items():
        bad = [r.outcome for r in rs if r.outcome != "ok"]
        cpu = [r.cpu for r in rs]
        lines.append(
            f"| {name} | {spread([r.seconds for r in rs])} | {spread(cpu)} "
            f"| {statistics.median(cpu) / s.n * 1000:.2f} | {max(r.peak_mib for r in rs):.0f} "
            f"| {statistics.median(r.requests for r in rs):.0f} "
            f"| {statistics.median(r.not_modified for r in rs):.0f} "
            f"| {statistics.median(r.connections for r in rs):.0f} "
            f"| {statistics.median(r.first_request for r in rs):.2f} "
            f"| {'yes' if not bad else f'no: {bad[0][:50]}'} |"
        )
    lines += ["", *ratios(runs)]
    return "\n".join(lines)


def ratios(runs: dict[str, list[Run]]) -> list[str]:
    """Ratios of medians, and per round (the runs of one round ran side by side)."""
    pairs = [("factcheck cold", "lychee cold"), ("factcheck warm", "factcheck cold")]
    pairs += [("factcheck cold", "factcheck@src cold"), ("factcheck@src cold", "lychee cold")]
    pairs += [(name, "lychee cold") for name in runs if "--max-age" in name]
    lines = []
    for a, b in pairs:
        if a in runs and b in runs:
            per_round = [x.seconds / y.seconds for x, y in zip(runs[a], runs[b], strict=True)]
            lines.append(
                f"- {a} / {b}: {statistics.median(r.seconds for r in runs[a]) / statistics.median(r.seconds for r in runs[b]):.2f} "  # noqa: E501
                f"(per round {spread(per_round)})"
            )
    return lines


def timeline_table(s: Scenario, run: Run, top: int = 8) -> str:
    """The hosts that set the floor: span against own floor, requests in flight."""
    by_host: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for host, start, end, _ in run.events:
        by_host[host].append((start, end))
    counts = s.citations_per_host()
    ranked = sorted(counts, key=lambda h: s.host_floor(h, counts[h]), reverse=True)
    lines = [
        f"{run.name}: per-host timeline (the {top} hosts with the longest own floor)",
        "",
        "| host | citations | latency ms | own floor s | span s | max in flight "
        "| mean in flight | in flight, by round of latency |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [host_line(s, h, counts[h], by_host.get(s.addresses[h], [])) for h in ranked[:top]]
    big = [h for h, c in counts.items() if c > 2 * s.per_host]
    spans = {h: by_host.get(s.addresses[h], []) for h in big}
    full = [h for h in big if max_in_flight(spans[h]) >= s.per_host]
    busy = [mean_in_flight(spans[h]) / s.per_host for h in big]
    lines += ["", f"hosts with more than {2 * s.per_host} citations: {len(full)} of {len(big)} "
              f"reached the per-host limit; mean in flight over their span "
              f"{statistics.mean(busy or [0]):.0%} of the limit"]  # fmt: skip
    return "\n".join(lines)


def host_line(s: Scenario, h: int, count: int, spans: list[tuple[float, float]]) -> str:
    if not spans:
        return f"| {s.addresses[h]} | {count} | {s.latency_ms[h]:.0f} | - | no requests | | | |"
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    span = last - first
    latency = s.latency_ms[h] / 1000
    starts = sorted(a for a, _ in spans)
    rounds: list[int] = []
    for start in starts:  # requests started in each successive latency-long window
        slot = int((start - first) / latency)
        rounds += [0] * (slot + 1 - len(rounds))
        rounds[slot] += 1
    return (
        f"| {s.addresses[h]} | {count} | {s.latency_ms[h]:.0f} "
        f"| {s.host_floor(h, count):.2f} | {span:.2f} | {max_in_flight(spans)} "
        f"| {mean_in_flight(spans):.1f} | {' '.join(map(str, rounds[:12]))} |"
    )


def mean_in_flight(spans: list[tuple[float, float]]) -> float:
    """Requests in flight on average between the first start and the last end."""
    if not spans:
        return 0.0
    span = max(b for _, b in spans) - min(a for a, _ in spans)
    return sum(b - a for a, b in spans) / span if span else 0.0


def max_in_flight(spans: list[tuple[float, float]]) -> int:
    points = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    level = peak = 0
    for _, step in points:
        level += step
        peak = max(peak, level)
    return peak


# --- the command line -----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="citations (default 2000)")
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--zipf", type=float, default=1.0, help="exponent of host popularity")
    parser.add_argument("--latency-ms", type=float, default=120.0, help="median host latency")
    parser.add_argument("--slow-ms", type=float, default=2000.0)
    parser.add_argument("--slow-share", type=float, default=0.03, help="share of slow hosts")
    parser.add_argument("--page-kib", type=float, default=80.0, help="median page size")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("factcheck", "lychee"), action="append")
    parser.add_argument("--compare-src", help="also time factcheck from this src/ folder "
                        "(PYTHONPATH), as factcheck@src, alternating with the others")  # fmt: skip
    parser.add_argument("--max-age", help="also time a warm factcheck run with --max-age")
    parser.add_argument("--factcheck-args", default="", help="extra options for factcheck")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--work-dir", type=Path, help="keep generated files and reports here")
    return parser.parse_args(argv)


def start_server(s: Scenario, spec: Path) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "server.py"), "--hosts", str(len(s.addresses)),
         "--spec", str(spec)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    line = server.stdout.readline().split()
    if line[:1] != ["READY"]:
        server.kill()
        raise SystemExit(f"bench server did not start (said {line!r})")
    return server, int(line[1])


def benchmark(args: argparse.Namespace, work: Path) -> None:
    s = make_scenario(args)
    tools = args.only or ["factcheck", "lychee"]
    if args.compare_src:
        tools.insert(1, "factcheck@src")
    compile_bytecode()
    # The spec does not depend on the port: write it first, then the files with the port.
    spec = write_files(s, 0, work).spec
    server, port = start_server(s, spec)
    try:
        f = write_files(s, port, work)
        runs: dict[str, list[Run]] = defaultdict(list)
        for r in range(args.rounds):
            for tool in tools if r % 2 == 0 else reversed(tools):
                for run in tool_runs(tool, s, f, port, args):
                    runs[run.name].append(run)
        print("\n" + summary_table(s, runs) + "\n")
        for name in ("factcheck cold", "factcheck@src cold", "lychee cold"):
            if name in runs:
                print(timeline_table(s, runs[name][-1]) + "\n", flush=True)
    finally:
        server.terminate()
        server.wait()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
        benchmark(args, args.work_dir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="factcheck-web-") as work:
            benchmark(args, Path(work))


if __name__ == "__main__":
    main()
