"""Time `factcheck verify` against `lychee` on the same citations, side by side.

Starts `server.py` in its own process, writes N citations with `generate.py`, warms up, then
runs the tools alternately for several rounds (the order flips every round so drift hurts
both alike) and prints a Markdown table: median wall time, peak RSS, whether every citation
came out ok, the ratio factcheck/lychee and the latency floor (N / in-flight x latency).

    .venv/bin/python bench/run.py --n 2000 --rounds 5
    .venv/bin/python bench/run.py --scaling            # N = 200, 2,000, 20,000
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import generate
from pages import TEMPLATE_VARIANTS
from server import host_addresses

BENCH_DIR = Path(__file__).resolve().parent
BIN_DIR = Path(sys.executable).parent  # the venv's bin: factcheck and lychee live here
SCALING_SIZES = (200, 2_000, 20_000)


@dataclass(frozen=True)
class Workload:
    n: int
    hosts: int
    latency_ms: float
    page_kib: float
    concurrency: int
    per_host: int

    @property
    def in_flight(self) -> int:
        return min(self.concurrency, self.hosts * self.per_host)

    @property
    def floor(self) -> float:
        """Seconds no checker can beat: N requests, `in_flight` at a time, each waiting."""
        return self.n / self.in_flight * self.latency_ms / 1000


@dataclass(frozen=True)
class Files:
    claims: Path
    links: Path
    work: Path
    factcheck_args: tuple[str, ...] = ()  # extra options, e.g. --no-store
    baseline_args: tuple[str, ...] = ()  # e.g. --quotes --processes 2


@dataclass(frozen=True)
class Run:
    tool: str
    seconds: float
    peak_mib: float
    outcome: str  # "ok" when every citation checked out, else what went wrong
    server_cpu: float  # CPU seconds the server spent during the run


# --- the tools: command line and how to read their verdict ---------------------------------


def factcheck_command(w: Workload, f: Files) -> list[str]:
    # The snapshot store (.factcheck/ beside the claims) is removed before each run, so
    # every round starts from the same cold state a fresh CI checkout has.
    return [
        str(BIN_DIR / "factcheck"), "verify", str(f.claims), "--allow-private",
        "--concurrency", str(w.concurrency), "--per-host", str(w.per_host),
        "--format", "json", "--output", str(f.work / "factcheck.json"), *f.factcheck_args,
    ]  # fmt: skip


def factcheck_outcome(w: Workload, f: Files, returncode: int) -> str:
    try:
        report = json.loads((f.work / "factcheck.json").read_text(encoding="utf-8"))
        statuses = Counter(
            citation["status"] for claim in report["claims"] for citation in claim["citations"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"exit {returncode}, no readable report ({exc.__class__.__name__})"
    if returncode == 0 and statuses == Counter(ok=w.n):
        return "ok"
    counts = ", ".join(f"{status} {count}" for status, count in statuses.most_common())
    return f"exit {returncode}: {counts or 'no citations'}"


def lychee_command(w: Workload, f: Files) -> list[str]:
    return [
        str(BIN_DIR / "lychee"), "--no-progress",
        "--max-concurrency", str(w.concurrency), "--host-concurrency", str(w.per_host),
        "--host-request-interval", "0ms",
        "--format", "json", "--output", str(f.work / "lychee.json"), str(f.links),
    ]  # fmt: skip


def lychee_outcome(w: Workload, f: Files, returncode: int) -> str:
    try:
        stats = json.loads((f.work / "lychee.json").read_text(encoding="utf-8"))
        total, successful, errors = stats["total"], stats["successful"], stats["errors"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"exit {returncode}, no readable report ({exc.__class__.__name__})"
    if returncode == 0 and total == successful == w.n and errors == 0:
        return "ok"
    return f"exit {returncode}: {successful}/{total} successful, {errors} errors"


def baseline_command(w: Workload, f: Files) -> list[str]:
    return [
        sys.executable, str(BENCH_DIR / "baseline.py"), str(f.links),
        "--concurrency", str(w.concurrency), "--per-host", str(w.per_host), *f.baseline_args,
    ]  # fmt: skip


def baseline_outcome(w: Workload, f: Files, returncode: int) -> str:
    stdout = (f.work / "baseline.stdout").read_text(encoding="utf-8").split()
    if returncode == 0 and stdout == [str(w.n), str(w.n)]:
        return "ok"
    return f"exit {returncode}: {' of '.join(stdout) or 'no output'} ok"


Command = Callable[[Workload, Files], list[str]]
Outcome = Callable[[Workload, Files, int], str]
TOOLS: dict[str, tuple[Command, Outcome]] = {
    "factcheck": (factcheck_command, factcheck_outcome),
    "lychee": (lychee_command, lychee_outcome),
    "baseline": (baseline_command, baseline_outcome),  # bare aiohttp, see baseline.py
}


# --- running things ------------------------------------------------------------------------


def start_server(w: Workload) -> tuple[subprocess.Popen[str], int]:
    """The server in its own process, and the port it listens on."""
    server = subprocess.Popen(
        [
            sys.executable, str(BENCH_DIR / "server.py"), "--hosts", str(w.hosts),
            "--latency-ms", str(w.latency_ms), "--page-kib", str(w.page_kib),
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    line = server.stdout.readline().split()
    if line[:1] != ["READY"]:
        server.kill()
        raise SystemExit(f"bench server did not start (said {line!r})")
    return server, int(line[1])


def warm_server(w: Workload, port: int) -> None:
    """Fetch a page of every template variant from every host, so nothing is rendered cold."""
    addresses = host_addresses(w.hosts)
    for i in range(max(w.hosts, TEMPLATE_VARIANTS)):
        url = f"http://{addresses[i % w.hosts]}:{port}/page/{i}"
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], cwd: Path, stem: str, timeout: float) -> tuple[float, int, int]:
    """Wall seconds, peak memory in KiB and exit code of one run of `command` (see usage)."""
    used = usage(command, cwd, stem, timeout)
    return used.seconds, used.peak_kib, used.returncode


@dataclass(frozen=True)
class Usage:
    seconds: float  # wall, from spawn to exit
    cpu: float  # user + system seconds of the child and every descendant it waited for
    peak_kib: int
    returncode: int


def usage(
    command: list[str], cwd: Path, stem: str, timeout: float, env: dict[str, str] | None = None
) -> Usage:
    """Wall and CPU seconds, peak memory in KiB and exit code of one run of `command`.

    The peak is the larger of two figures: `os.wait4`'s RSS for this one child
    (RUSAGE_CHILDREN would be the maximum over every child this runner ever had), which is
    the largest single process of its tree; and the largest sum of the PSS of the child and
    its descendants (factcheck's workers), sampled every 50 ms: PSS counts a page a worker
    still shares with its parent once, split between them, where a sum of RSS would count
    it twice. The CPU is `os.wait4`'s, which includes the workers the child waited for.
    Output goes to files, so no pipe can fill and stall. `env`: the child's environment.
    """
    with open(cwd / f"{stem}.stdout", "wb") as out, open(cwd / f"{stem}.stderr", "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=env)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        sampler = TreeMemory(process.pid)
        _, status, used = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        killer.cancel()
        tree_peak = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped above, tell Popen
    cpu = used.ru_utime + used.ru_stime
    return Usage(seconds, cpu, max(used.ru_maxrss, tree_peak), process.returncode)


class TreeMemory:
    """The largest total PSS (KiB) of a process and its descendants, sampled on a thread."""

    PERIOD = 0.05

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak

    def _run(self) -> None:
        while not self.done.wait(self.PERIOD):
            self.peak = max(self.peak, sum(self._pss(pid) for pid in self._tree(self.pid)))

    def _tree(self, pid: int) -> list[int]:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return [pid]
        return [pid, *(p for child in children for p in self._tree(int(child)))]

    def _pss(self, pid: int) -> int:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            return int(rollup.split("\nPss:", 1)[1].split()[0])
        except (OSError, IndexError, ValueError):
            return 0


def run_tool(tool: str, w: Workload, f: Files, server_pid: int, timeout: float) -> Run:
    command, outcome = TOOLS[tool]
    for stale in (f.work / "factcheck.json", f.work / "lychee.json"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(f.work / ".factcheck", ignore_errors=True)
    cpu_before = cpu_seconds(server_pid)
    seconds, peak_kib, returncode = measure(command(w, f), f.work, tool, timeout)
    verdict = outcome(w, f, returncode)
    if verdict != "ok":
        stderr = (f.work / f"{tool}.stderr").read_text(errors="replace").strip()
        verdict += f" | stderr: {stderr[-300:]}" if stderr else ""
    run = Run(tool, seconds, peak_kib / 1024, verdict, cpu_seconds(server_pid) - cpu_before)
    print(
        f"  {tool:<10} N={w.n:<6} {run.seconds:7.2f} s {run.peak_mib:7.1f} MiB "
        f"server {run.server_cpu:5.2f} CPU s  {run.outcome}",
        file=sys.stderr, flush=True,
    )  # fmt: skip
    return run


def run_rounds(
    tools: list[str], w: Workload, f: Files, server_pid: int, rounds: int, timeout: float
) -> dict[str, list[Run]]:
    """Every tool `rounds` times, alternating, the order reversed every other round."""
    runs: dict[str, list[Run]] = {tool: [] for tool in tools}
    for r in range(rounds):
        for tool in tools if r % 2 == 0 else reversed(tools):
            runs[tool].append(run_tool(tool, w, f, server_pid, timeout))
    return runs


# --- reporting -----------------------------------------------------------------------------


def median(runs: list[Run]) -> float:
    """Median seconds of the runs that came out ok (a crash in 0.8 s is not a fast run)."""
    ok = [run.seconds for run in runs if run.outcome == "ok"]
    return statistics.median(ok or [run.seconds for run in runs])


def peak(runs: list[Run]) -> float:
    return max(run.peak_mib for run in runs)


def all_ok(runs: list[Run]) -> str:
    bad = [run.outcome for run in runs if run.outcome != "ok"]
    return "yes" if not bad else f"no, {len(bad)} of {len(runs)} runs: {bad[0][:60]}"


def tool_table(w: Workload, runs: dict[str, list[Run]]) -> str:
    lines = [
        f"N={w.n}, {w.hosts} hosts, {w.latency_ms:g} ms latency, {w.page_kib:g} KiB pages, "
        f"{w.in_flight} in flight ({w.per_host} per host), {len(next(iter(runs.values())))} "
        f"rounds; latency floor {w.floor:.2f} s",
        "",
        "| tool | median s (ok runs) | min s | max s | peak MiB | every citation ok "
        "| server CPU s |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for tool, tool_runs in runs.items():
        seconds = [run.seconds for run in tool_runs]
        server = statistics.median(run.server_cpu for run in tool_runs)
        lines.append(
            f"| {tool} | {median(tool_runs):.2f} | {min(seconds):.2f} | {max(seconds):.2f} "
            f"| {peak(tool_runs):.0f} | {all_ok(tool_runs)} | {server:.2f} |"
        )
    if "factcheck" in runs and "lychee" in runs:
        ratio = median(runs["factcheck"]) / median(runs["lychee"])
        lines += ["", f"ratio factcheck/lychee (medians): {ratio:.2f}"]
    return "\n".join(lines)


def scaling_table(results: list[tuple[Workload, dict[str, list[Run]]]]) -> str:
    lines = [
        "| N | factcheck median s | lychee median s | ratio | floor s "
        "| factcheck peak MiB | lychee peak MiB | factcheck all ok |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for w, runs in results:
        fc, ly = runs.get("factcheck"), runs.get("lychee")
        cells = [
            f"{w.n:,}",
            f"{median(fc):.2f}" if fc else "-",
            f"{median(ly):.2f}" if ly else "-",
            f"{median(fc) / median(ly):.2f}" if fc and ly else "-",
            f"{w.floor:.2f}",
            f"{peak(fc):.0f}" if fc else "-",
            f"{peak(ly):.0f}" if ly else "-",
            all_ok(fc) if fc else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the command line ----------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="citations (default 2000)")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--page-kib", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each tool first")
    parser.add_argument("--concurrency", type=int, default=128, help="requests in flight")
    parser.add_argument("--per-host", type=int, default=10, help="requests in flight per host")
    parser.add_argument("--only", choices=sorted(TOOLS), action="append",
                        help="run only this tool (repeatable)")  # fmt: skip
    parser.add_argument("--baseline", action="store_true", help="also time bare aiohttp")
    parser.add_argument("--factcheck-args", default="", help="e.g. --factcheck-args=--no-store")
    parser.add_argument("--baseline-args", default="",
                        help='e.g. --baseline-args="--quotes --processes 2"')  # fmt: skip
    parser.add_argument("--scaling", action="store_true",
                        help="N = 200, 2,000, 20,000 and a table of all three")  # fmt: skip
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.split(",")],
                        help="with --scaling: other values of N, e.g. 200,2000")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--work-dir", type=Path, help="keep generated files and reports here")
    return parser.parse_args(argv)


def compile_bytecode() -> None:
    """Write factcheck's .pyc files, as an install or a first run does. Where
    PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images), every timed run would
    otherwise compile all of factcheck's modules again: about 0.1 s of CPU a run."""
    import factcheck

    compileall.compile_dir(Path(factcheck.__file__).parent, quiet=1)


def benchmark(args: argparse.Namespace, work: Path) -> None:
    tools = args.only or ["factcheck", "lychee"] + (["baseline"] if args.baseline else [])
    sizes = (args.sizes or SCALING_SIZES) if args.scaling else (args.n,)
    workloads = [
        Workload(n, args.hosts, args.latency_ms, args.page_kib, args.concurrency, args.per_host)
        for n in sizes
    ]
    compile_bytecode()
    server, port = start_server(workloads[0])
    try:
        warm_server(workloads[0], port)
        results = []
        for i, w in enumerate(workloads):
            claims, links = generate.write(w.n, w.hosts, port, work)
            files = Files(
                claims,
                links,
                work,
                tuple(shlex.split(args.factcheck_args)),
                tuple(shlex.split(args.baseline_args)),
            )
            if i == 0 and args.warmup:
                print("warm-up (untimed)", file=sys.stderr)
                run_rounds(tools, w, files, server.pid, args.warmup, args.timeout)
            print(f"timed rounds, N={w.n}", file=sys.stderr)
            results.append((w, run_rounds(tools, w, files, server.pid, args.rounds, args.timeout)))
            print("\n" + tool_table(w, results[-1][1]) + "\n", flush=True)
        if args.scaling:
            print(scaling_table(results))
    finally:
        server.terminate()
        server.wait()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
        benchmark(args, args.work_dir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as work:
            benchmark(args, Path(work))


if __name__ == "__main__":
    main()
