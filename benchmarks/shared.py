"""The shared crawl on one machine: one process against a coordinator and two workers, and
the failures it must survive, on the benchmarks' simulated web.

``python -m benchmarks.shared --sizes 10000 [--scenarios alone,shared,kill,redis] [--out DIR]``
from the checkout's root, with the project's venv, Debian's redis-server and PostgreSQL
(`benchmarks.services` starts both on 127.0.0.1). For each N and scenario it starts
`benchmarks.web` afresh and runs ``python -m crawler crawl`` processes with the crawler's
defaults (``--timeout 10``, ``--resolve`` to the web):

* ``alone``: one process, ``--jobs 1``, into SQLite: the baseline;
* ``shared``: a coordinator and two workers (``--worker``) on one Redis and one PostgreSQL
  database, each with a third of the baseline's 512 requests in flight;
* ``kill``: as ``shared``, and one worker is SIGKILLed once half the entries are recorded
  (``--lease 10``: its entries are handed out again ten seconds later);
* ``redis``: as ``shared``, and Redis is stopped once half the entries are recorded and
  started again at once, empty (no persistence): the processes wait for it, the
  coordinator lists again what has no check, and the run completes.

Each row gives the wall time of the whole run, the CPU of every process (``os.wait4`` on
each), whether every entry was recorded exactly once (``count(*)`` and
``count(DISTINCT entry_id)`` of the run's checks against N), the exit codes and the
verdicts' agreement with the web's truth. Nothing here fails on a slow result.
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from benchmarks import gen_directory, services, verdicts
from benchmarks.run import REPO, publish, web, write_inputs
from benchmarks.web import plan

TIMEOUT = 10.0
ALONE_CONCURRENCY = 512  # the crawler's default
WORKERS = 2
KILL_LEASE = 10.0  # seconds: how long the killed worker's entries wait to be handed out again


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    cpu: float = 0.0
    exit_code: int | None = None
    _reaper: threading.Thread | None = None

    def reap_in_background(self) -> None:
        def reap() -> None:
            _, status, usage = os.wait4(self.popen.pid, 0)
            self.cpu = usage.ru_utime + usage.ru_stime
            self.exit_code = os.waitstatus_to_exitcode(status)
            self.popen.returncode = self.exit_code

        self._reaper = threading.Thread(target=reap, daemon=True)
        self._reaper.start()

    def wait(self, timeout: float) -> None:
        assert self._reaper is not None
        self._reaper.join(timeout)


@dataclass
class Row:
    n: int
    scenario: str
    wall: float = 0.0
    processes: list[Process] = field(default_factory=list)
    recorded: tuple[int, int] = (0, 0)  # checks, distinct entries
    agree: int = 0
    total: int = 0
    notes: list[str] = field(default_factory=list)


def start(name: str, args: list[str], work: Path) -> Process:
    log = (work / f"{name}.log").open("wb")
    popen = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", *args], cwd=REPO, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT)
    log.close()
    process = Process(name, popen)
    process.reap_in_background()
    return process


def pg_recorded(db: str) -> tuple[int, int]:
    try:
        with psycopg.connect(db) as connection:
            row = connection.execute("SELECT count(*), count(DISTINCT entry_id) FROM checks WHERE run_id = 1").fetchone()
    except psycopg.Error:
        return (0, 0)
    return (int(row[0]), int(row[1])) if row else (0, 0)


def sqlite_recorded(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT count(*), count(DISTINCT entry_id) FROM checks WHERE run_id = 1").fetchone()
    connection.close()
    return int(row[0]), int(row[1])


def when(condition: Callable[[], bool], deadline: float) -> bool:
    """Poll `condition` (every 0.2 s) until it holds or `deadline` (monotonic) passes."""
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)  # polling the store, with a deadline
    return False


def run_scenario(n: int, scenario: str, seed: int, svc: services.Services | None, work: Path) -> Row:
    row = Row(n, scenario)
    hosts = plan(n, seed)
    with web(n, seed, 1) as served:
        directory, _ = write_inputs(hosts, served, work)
        resolve = [a for p in [*served.ports, served.closed_port] for a in ("--resolve", f"*:{p}:127.0.0.1")]
        common = ["--timeout", f"{TIMEOUT:g}", "-q", *resolve]
        started = time.monotonic()
        if scenario == "alone":
            db = work / "history.sqlite3"
            for stale in (db, Path(f"{db}.lock"), Path(f"{db}-wal"), Path(f"{db}-shm")):
                stale.unlink(missing_ok=True)
            row.processes = [start("alone", ["--directory", str(directory), "--db", str(db), "--reports",
                                             str(work / "reports"), "--jobs", "1", *common], work)]
            row.processes[0].wait(3600)
            row.wall = time.monotonic() - started
            row.recorded = sqlite_recorded(db)
        else:
            assert svc is not None
            db = svc.pg_url(f"bench_{scenario}_{n}")
            svc.redis.stop()
            svc.redis.start()  # an empty Redis for each run
            shared = ["--db", db, "--redis", svc.redis.url, "--concurrency", str(math.ceil(ALONE_CONCURRENCY / 3)),
                      *common]
            lease = ["--lease", f"{KILL_LEASE:g}"] if scenario == "kill" else []
            workers = [start(f"worker{i}", [*shared, "--worker"], work) for i in range(WORKERS)]
            coordinator = start("coordinator", ["--directory", str(directory), "--reports", str(work / "reports"),
                                                *shared, *lease], work)
            row.processes = [coordinator, *workers]
            if scenario in ("kill", "redis"):
                half = when(lambda: pg_recorded(db)[0] >= n // 2, time.monotonic() + 3600)
                at = time.monotonic() - started
                if scenario == "kill" and half:
                    workers[0].popen.kill()
                    row.notes.append(f"worker0 SIGKILLed at {at:.1f} s ({pg_recorded(db)[0]:,} recorded)")
                elif half:
                    svc.redis.stop()
                    svc.redis.start()
                    row.notes.append(f"Redis stopped and started again, empty, at {at:.1f} s")
            for process in row.processes:
                process.wait(3600)
            row.wall = time.monotonic() - started
            row.recorded = pg_recorded(db)
    row.notes.append(f"web CPU {served.cpu:.1f} s")
    report = work / "reports" / "staleness.json"
    if report.exists():
        result = verdicts.agreement({gen_directory.entry_id(h): h.truth for h in hosts}, verdicts.ours(report))
        row.agree, row.total = result.agree, result.total
    return row


def line(row: Row) -> str:
    cpu = " + ".join(f"{p.cpu:.1f}" for p in row.processes)
    total = sum(p.cpu for p in row.processes)
    codes = ",".join(str(p.exit_code) for p in row.processes)
    checks, distinct = row.recorded
    once = "yes" if checks == distinct == row.n else f"no: {checks:,} checks of {distinct:,} entries"
    agree = f"{row.agree:,}/{row.total:,}" if row.total else "-"
    return (f"| {row.n:,} | {row.scenario} | {row.wall:.1f} | {total:.1f} ({cpu}) | {once} | {codes} | {agree} | "
            f"{os.getloadavg()[0]:.2f} | {'; '.join(row.notes)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--scenarios", default="alone,shared,kill,redis")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "shared")
    args = parser.parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",")]
    lines = [
        f"crawler defaults, timeout {TIMEOUT:g} s; cpus {os.cpu_count()}; load at start "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "",
        "| N | scenario | wall s | CPU s (coordinator + workers) | every entry recorded exactly once | exit codes "
        "| verdicts agreeing | load at end | notes |",
        "| ---: | --- | ---: | --- | --- | --- | --- | ---: | --- |",
    ]
    with services.running() as svc:
        for n in (int(s) for s in args.sizes.split(",")):
            for scenario in scenarios:
                work = args.out / f"n{n}" / scenario
                work.mkdir(parents=True, exist_ok=True)
                row = run_scenario(n, scenario, args.seed, svc, work)
                lines.append(line(row))
                print(lines[-1], flush=True)
    publish(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
