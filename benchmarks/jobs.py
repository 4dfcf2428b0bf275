"""Every core: one crawl in one process against ``--jobs N``, on the benchmarks' simulated web.

``python -m benchmarks.jobs --sizes 10000 --jobs 1,2 [--rounds R] [--equal] [--out DIR]`` from
the checkout's root, with the project's venv. For each N and each job count it starts
`benchmarks.web` afresh, writes the directory, runs the crawler as a child process and
reports wall time, CPU (user + sys of the whole process tree: the parent reaps its
children, so ``os.wait4`` counts them), the peak RSS of the largest single process
(``ru_maxrss``) and of the whole tree at once (sampled from /proc every 0.2 s), and how
many verdicts agree with the web's truth. Rounds alternate the job counts (this VM's speed
drifts by 10-15 % between runs), and the load average is noted with every row.

Two modes:

* default: ``python -m crawler crawl --jobs N --timeout 10 --resolve ...`` and nothing else
  (the crawler's own defaults: 512 in flight shared among the processes, one retry for
  transient failures, freshness requests on);
* ``--equal``: the benchmarks' equal work (128 in flight, no retries, no freshness). The
  CLI has no flag for retries, so this runs `crawler.run.crawl` with the same options and
  ``RETRY_ENABLED = False`` through ``python -m benchmarks.jobs --crawl ...``: the same code
  path as ``crawler crawl`` after its argument parsing.

``--startup`` also times what one child crawl costs before its first request: the split's
fixed price per extra process. Nothing here fails on a slow result.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import gen_directory, schedule, verdicts
from benchmarks.run import (
    REPO,
    Web,
    busy_times,
    in_namespace,
    namespace_files,
    publish,
    web,
    write_inputs,
)
from benchmarks.web import plan

TIMEOUT = 10.0
EQUAL_CONCURRENCY = 128


@dataclass
class Usage:
    wall: float
    cpu: float
    rss_mb: float  # the largest single process
    tree_mb: float  # the whole tree at its largest (sampled)
    exit_code: int


def _tree(pid: int) -> list[int]:
    """`pid` and every descendant (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def measure(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> Usage:
    """Run `cmd` to completion (output into `log`), sampling the tree's RSS as it goes."""
    peak = [0.0]
    with log.open("wb") as out:
        started = time.monotonic()
        child = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):  # a sampling period, not a synchronisation
                peak[0] = max(peak[0], _rss_mb(_tree(child.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        sampler.join()
    return Usage(time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0],
                 os.waitstatus_to_exitcode(status))


def _resolve(served: Web) -> list[str]:
    return [a for port in [*served.ports, served.closed_port] for a in ("--resolve", f"*:{port}:127.0.0.1")]


def crawl_command(served: Web, directory: Path, work: Path, jobs: int, equal: bool, names: str = "system") -> list[str]:
    # "system": names resolved by the system from a private /etc/hosts (`run.in_namespace`),
    # as a real crawl resolves them; the web answers on 127.0.0.1, hence --allow-private.
    reach = ["--allow-private"] if names == "system" else _resolve(served)
    common = ["--directory", str(directory), "--db", str(work / "history.sqlite3"), "--reports", str(work / "reports"),
              "--timeout", f"{TIMEOUT:g}", "--jobs", str(jobs), *reach]
    if equal:
        return [sys.executable, "-m", "benchmarks.jobs", "--crawl", *common]
    return [sys.executable, "-m", "crawler", "crawl", *common]


@dataclass
class Row:
    n: int
    jobs: int
    usage: Usage | None = None
    agree: int = 0
    total: int = 0
    notes: list[str] = field(default_factory=list)


def run_one(n: int, jobs: int, seed: int, equal: bool, work: Path, names: str = "system") -> Row:
    row = Row(n, jobs)
    hosts = plan(n, seed)
    files = namespace_files(hosts, work) if names == "system" else []
    with web(n, seed, 1) as served:
        directory, _ = write_inputs(hosts, served, work)
        for stale in ("history.sqlite3", "history.sqlite3.lock", "history.sqlite3-wal", "history.sqlite3-shm"):
            (work / stale).unlink(missing_ok=True)
        command = crawl_command(served, directory, work, jobs, equal, names)
        row.usage = measure(in_namespace(files, command) if files else command, work / "crawl.log")
    row.notes.append(f"web CPU {served.cpu:.1f} s")
    report = work / "reports" / "staleness.json"
    if row.usage.exit_code != 0 or not report.exists():
        row.notes.append(f"exit {row.usage.exit_code}, see {work}/crawl.log")
        return row
    truth = {gen_directory.entry_id(h): h.truth for h in hosts}
    result = verdicts.agreement(truth, verdicts.ours(report))
    row.agree, row.total = result.agree, result.total
    if result.worst():
        row.notes.append(f"wrong: {result.worst()}")
    return row


def startup_cost(work: Path) -> Usage:
    """One child crawl with nothing to check: Python, Scrapy and our components, started and stopped."""
    code = (
        "import socket, sys\n"
        "from crawler.jobs.channel import Job, frame\n"
        "from crawler.jobs.parent import child_settings\n"
        "from crawler.run import settings_for\n"
        "from crawler.options import CrawlOptions\n"
        "ours, theirs = socket.socketpair()\n"
        "import subprocess\n"
        "child = subprocess.Popen([sys.executable, '-m', 'crawler.jobs', str(theirs.fileno())], pass_fds=(theirs.fileno(),))\n"
        "theirs.close()\n"
        "ours.sendall(frame(Job(0, child_settings(settings_for(CrawlOptions(progress=False)), 1), ())))\n"
        "while ours.recv(65536): pass\n"
        "sys.exit(child.wait())\n"
    )
    return measure([sys.executable, "-c", code], work / "startup.log")


def crawl_main(argv: list[str]) -> int:
    """``--crawl``: `crawler.run.crawl` with the CLI's options and retries off (equal work)."""
    from crawler.directory import load_directory
    from crawler.options import CrawlOptions
    from crawler.run import crawl

    parser = argparse.ArgumentParser(prog="python -m benchmarks.jobs --crawl")
    parser.add_argument("--directory", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--reports", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--resolve", action="append", default=[])
    parser.add_argument("--allow-private", action="store_true")
    args = parser.parse_args(argv)
    options = CrawlOptions(
        directory=args.directory, db=args.db, reports=args.reports, timeout=args.timeout,
        concurrency=EQUAL_CONCURRENCY, resolve=tuple(args.resolve), allow_private=args.allow_private,
        freshness=False, jobs=args.jobs,
        extra={"RETRY_ENABLED": False},
    )
    result = crawl(options, load_directory(args.directory))
    print(f"{len(result.checks)} entries checked; network {result.network}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--crawl"]:
        return crawl_main(argv[1:])
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated job counts to compare (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the job counts this many times")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--equal", action="store_true", help="equal work: 128 in flight, no retries, no freshness")
    parser.add_argument("--startup", action="store_true", help="also time one child crawl's start-up")
    parser.add_argument(
        "--names", choices=("system", "resolve"), default="system",
        help="system: the system resolver reads a private /etc/hosts (needs root and unshare, as "
        "benchmarks.run); resolve: --resolve overrides (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "jobs")
    args = parser.parse_args(argv)
    counts = [int(j) for j in args.jobs.split(",")]
    mode = "equal work (128 in flight, no retries, no freshness)" if args.equal else "crawler defaults"
    mode += "; names by the system resolver" if args.names == "system" else "; names by --resolve"
    lines = [
        f"mode: {mode}; timeout {TIMEOUT:g} s; cpus {os.cpu_count()}; load at start "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "",
        "| N | --jobs | wall s | wall / limit | CPU s | CPU ms / site | peak RSS MB (largest process / tree) "
        "| verdicts agreeing | load | notes |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |",
    ]
    for n in (int(s) for s in args.sizes.split(",")):
        concurrency = EQUAL_CONCURRENCY if args.equal else 512
        limit = schedule.greedy_makespan(
            busy_times(n, args.seed, TIMEOUT, 0 if args.equal else 1, freshness=not args.equal), concurrency
        )
        by_jobs: dict[int, list[float]] = {}
        for round_ in range(1, args.rounds + 1):
            for jobs in counts:
                work = args.out / f"n{n}" / f"jobs{jobs}-{round_}"
                work.mkdir(parents=True, exist_ok=True)
                load = os.getloadavg()[0]
                row = run_one(n, jobs, args.seed, args.equal, work, args.names)
                u = row.usage
                assert u is not None
                by_jobs.setdefault(jobs, []).append(u.cpu)
                agree = f"{row.agree:,}/{row.total:,}" if row.total else "-"
                lines.append(
                    f"| {n:,} | {jobs} | {u.wall:.1f} | {u.wall / limit:.2f} | {u.cpu:.1f} | {1000 * u.cpu / n:.2f} | "
                    f"{u.rss_mb:.0f} / {u.tree_mb:.0f} | {agree} | {load:.2f} | round {round_}; {'; '.join(row.notes)} |"
                )
                print(lines[-1], flush=True)
        if len(counts) > 1 and all(by_jobs.values()):
            base = statistics.median(by_jobs[counts[0]])
            for jobs in counts[1:]:
                extra = statistics.median(by_jobs[jobs]) - base
                lines.append(f"| {n:,} | {jobs} vs {counts[0]} | | | {extra:+.1f} (median) | {1000 * extra / n:+.2f} | | | | the split's CPU |")
        lines.append(f"| {n:,} | limit | {limit:.1f} | 1.00 | | | | | | {concurrency} slots |")
    if args.startup:
        args.out.mkdir(parents=True, exist_ok=True)
        u = startup_cost(args.out)
        lines.append(f"\none child crawl started and stopped with nothing to check: {u.wall:.2f} s wall, "
                     f"{u.cpu:.2f} s CPU, {u.rss_mb:.0f} MB (exit {u.exit_code})")
    publish(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
