"""Sizes that break things: validate and report a directory of N entries, wall time and peak RSS.

``python -m benchmarks.sizes --sizes 100000,1000000 [--runs R] [--out DIR]`` from the
checkout's root, with the project's venv. For each N it writes a directory file (a tenth of
the entries list no website, four countries), fills a history store with R finished runs
of one check per entry (straight into SQLite, as a crawl would have left it: most ok, a
few dead, titles and final URLs set), then runs ``crawler validate`` and ``crawler report``
as child processes and reports each one's wall time, CPU time and peak RSS (``os.wait4``).
No network is involved. Nothing here fails on a slow result.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from crawler.store.sqlite import SqliteStore

REPO = Path(__file__).resolve().parent.parent
COUNTRIES = ("Testland", "Otherland", "Farland", "Nearland")


@dataclass
class Usage:
    wall: float
    cpu: float
    rss_mb: float
    exit_code: int


def measure(cmd: list[str], log: Path) -> Usage:
    with log.open("wb") as out:
        started = time.monotonic()
        child = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    return Usage(time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 os.waitstatus_to_exitcode(status))


def write_directory(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("organisations:\n")
        for i in range(n):
            website = "null" if i % 10 == 9 else f"https://site{i:07d}.internal/"
            out.write(f"  - id: site{i:07d}\n    country: {COUNTRIES[i % 4]}\n    name: Association {i}\n"
                      f"    website: {website}\n")


def fill_store(path: Path, n: int, runs: int) -> None:
    """`runs` finished runs, one check per entry each, in one transaction per run."""
    SqliteStore.open(path, write=True).close()  # the schema, as the crawler makes it
    db = sqlite3.connect(path)
    try:
        for run in range(1, runs + 1):
            day = f"2026-11-{run:02d}"
            db.execute("INSERT INTO runs (started_at, finished_at, directory, network, checked) VALUES (?, ?, ?, ?, ?)",
                       (f"{day}T00:00:00Z", f"{day}T01:00:00Z", "directory.yaml", "available", n))
            db.executemany(
                "INSERT INTO checks (run_id, entry_id, url, checked_at, status, reason, detail, http_status,"
                " final_url, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_check(run, i, day) for i in range(n)),
            )
            db.commit()
    finally:
        db.close()


def _check(run: int, i: int, day: str) -> tuple[object, ...]:
    url = None if i % 10 == 9 else f"https://site{i:07d}.internal/"
    at = f"{day}T00:{(i // 1000) % 60:02d}:{i % 60:02d}Z"
    if url is None:
        return (run, f"site{i:07d}", None, at, "no-website", "no-website", "no website listed", None, None, None)
    if i % 20 == 3:
        return (run, f"site{i:07d}", url, at, "dead", "timeout", "no answer within 10 s", None, None, None)
    return (run, f"site{i:07d}", url, at, "ok", "ok", "", 200, url, f"Association {i} - home")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated entry counts")
    parser.add_argument("--runs", type=int, default=3, help="runs of history in the store (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "sizes")
    args = parser.parse_args(argv)
    rows = ["| N | command | wall s | CPU s | peak RSS MB | exit |", "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for n in (int(s) for s in args.sizes.split(",")):
        work = args.out / str(n)
        work.mkdir(parents=True, exist_ok=True)
        directory, db = work / "directory.yaml", work / "history.sqlite3"
        write_directory(directory, n)
        for stale in (db, Path(f"{db}.lock"), Path(f"{db}-wal"), Path(f"{db}-shm")):
            stale.unlink(missing_ok=True)
        fill_store(db, n, args.runs)
        commands = {
            "validate": [sys.executable, "-m", "crawler", "validate", "--directory", str(directory)],
            "report": [sys.executable, "-m", "crawler", "report", "--directory", str(directory), "--db", str(db),
                       "--reports", str(work / "reports")],
        }
        for name, cmd in commands.items():
            used = measure(cmd, work / f"{name}.log")
            rows.append(f"| {n:,} | `{name}` | {used.wall:.1f} | {used.cpu:.1f} | {used.rss_mb:.0f} | {used.exit_code} |")
            print(rows[-1], flush=True)
    table = "\n".join(rows)
    (args.out / "results.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
