"""A simulated year of daily crawls: how the repository grows, before and after.

``python -m benchmarks.history_growth [--entries 10000] [--days 365] [--out DIR]`` writes one
run a day into real history stores through the store's own API (`add_runs`, the import path:
the same rows `record` writes), with checks drawn from a fixed mix of site behaviours, and
commits what the scheduled workflow commits into real git repositories:

* before (the workflow as it was): the whole SQLite store, every check kept, committed to the
  branch each day. GitHub refuses a file over 100 MB, so this stops being possible on the day
  the store passes it: the script commits daily until then and reports that day; the store's
  size is followed to the end of the year without committing it.
* after (now): the store folds checks older than `--fold-days` days beyond each entry's last
  30 (`Store.fold`, as every crawl does), and `crawler.store.journal.export` appends the day's
  run to the month's text file, which is what is committed (on a branch of its own).

Sizes are of ``.git`` after ``git gc`` (what a clone downloads), and of the files themselves.
At the end the year's text form is imported into an empty store (the rebuild after an
evicted cache), timed. Everything is written under ``--out`` (default: a temporary folder),
which is removed afterwards unless ``--keep``.

The mix, per entry, fixed for the year (seeded): 86 % answer (of which a third post news, so
their content date moves every 10 days or so, and 1 in 1,000 change their title on a given
day), 3 % dead (DNS or timeout), 2 % flaky (one check in five times out), 2 % refuse robots,
2 % redirect permanently, 2 % server errors half the time, 1 % parked, 1 % moved, 1 % no
website. Check times spread over the first 20 minutes of the run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.store import fold_cutoff, journal, open_store
from crawler.store.rows import RunRow
from crawler.verdict.outcome import Network

START = datetime(2027, 1, 1, 4, 17, tzinfo=UTC)
GITHUB_LIMIT = 100 * 1000 * 1000  # bytes: GitHub refuses a pushed file larger than this
WORDS = ("workers", "party", "union", "league", "socialist", "movement", "alliance", "federation",
         "committee", "tenants", "co-operative", "network", "front", "association", "council")


@dataclass
class Site:
    slug: str
    kind: str
    title: str
    news_every: int  # days between posts (0: never dates its content)


def world(n: int, rng: random.Random) -> list[Site]:
    kinds = [("ok", 86), ("dead", 3), ("flaky", 2), ("blocked", 2), ("redirected", 2), ("server", 2),
             ("parked", 1), ("moved", 1), ("none", 1)]
    population = [k for k, weight in kinds for _ in range(weight)]
    sites = []
    for i in range(n):
        words = rng.sample(WORDS, 3)
        slug = f"{'-'.join(words)}-{i}"
        sites.append(Site(slug, rng.choice(population), " ".join(w.title() for w in words),
                          rng.choice((0, 0, 8, 10, 12))))
    return sites


def checks_of(day: int, run_start: datetime, sites: list[Site], rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """The day's checks as `CHECK_COLUMNS` rows."""
    for site in sites:
        if rng.random() < 0.001:
            site.title = site.title + " (new)" if not site.title.endswith(")") else site.title[:-6]
        url = None if site.kind == "none" else f"https://www.{site.slug}.org/"
        at = (run_start + timedelta(seconds=rng.randrange(1200))).strftime("%Y-%m-%dT%H:%M:%SZ")
        updated = None
        if site.news_every:
            posted = START + timedelta(days=day - day % site.news_every)
            updated = posted.date().isoformat()
        kind = site.kind
        if kind == "flaky":
            kind = "timeout" if rng.random() < 0.2 else "ok"
        if kind == "server":
            kind = "server" if rng.random() < 0.5 else "ok"
        row: tuple[Any, ...]
        match kind:
            case "ok":
                row = ("ok", "ok", "", 200, url, f"{site.title} | Home", updated)
            case "dead":
                row = ("dead", "dns", "DNS: no such name", None, None, None, None)
            case "timeout":
                row = ("dead", "timeout", "no answer within 30 s", None, None, None, None)
            case "blocked":
                row = ("blocked", "http-403", "", 403, url, "Just a moment...", None)
            case "redirected":
                row = ("redirected", "http-301", "", 200, f"https://{site.slug}.org/home/", site.title, updated)
            case "server":
                row = ("server-error", "http-503", "", 503, url, "Service Unavailable", None)
            case "parked":
                row = ("parked", "parked", "for sale", 200, url, f"{site.slug}.org is for sale", None)
            case "moved":
                row = ("moved", "redirect", "", 200, f"https://new-{site.slug}.net/", site.title, None)
            case _:
                row = ("no-website", "no-website", "no website listed", None, None, None, None)
        # The check columns after content_updated (warnings, identity, identity_detail,
        # origin): a page that answered has an identity; this mix confirms the live ones.
        identity = None if row[3] is None else "confirmed" if row[0] in ("ok", "redirected") else "unconfirmed"
        yield (site.slug, url, at, *row, "", identity, "", None)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout


def packed_size(repo: Path) -> int:
    """Bytes of the repository's objects once packed (what a clone transfers)."""
    git(repo, "-c", "pack.threads=1", "-c", "pack.windowMemory=1g", "gc", "-q", "--prune=now")
    found = dict(line.split(": ") for line in git(repo, "count-objects", "-v").splitlines())
    return (int(found["size-pack"]) + int(found["size"])) * 1024


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--fold-days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the stores and repositories")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="history-growth-"))
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    sites = world(args.entries, rng)
    before_db, after_db = out / "before" / "data" / "history.sqlite3", out / "after.sqlite3"
    before_repo, after_repo = out / "before", out / "history-branch"
    folder = after_repo / "history"
    for repo in (before_repo, after_repo):
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q")
    before_committing = True
    before_broke_on: int | None = None
    before_at_break = 0
    timings = {"record": 0.0, "fold": 0.0, "export": 0.0, "commit": 0.0}
    marks = []
    before_db.parent.mkdir(parents=True, exist_ok=True)
    # The old workflow's store stays open (only its size and commits matter); the new one is
    # opened and closed each day, as each day's crawl does.
    before_store = open_store(str(before_db), write=True)
    for day in range(args.days):
        run_start = START + timedelta(days=day)
        rows = list(checks_of(day, run_start, sites, rng))
        finished = (run_start + timedelta(minutes=21)).strftime("%Y-%m-%dT%H:%M:%SZ")
        run = RunRow(day + 1, run_start.strftime("%Y-%m-%dT%H:%M:%SZ"), finished, "data/organisations.yaml",
                     Network.AVAILABLE, len(rows))
        before_store.add_runs([(run, rows)])
        with sqlite3.connect(before_db) as side:  # the WAL into the file, as closing the store does
            side.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        started = time.perf_counter()
        store = open_store(str(after_db), write=True)
        try:
            store.add_runs([(run, rows)])
            timings["record"] += time.perf_counter() - started
            t = time.perf_counter()
            store.fold(fold_cutoff(args.fold_days, run_start + timedelta(minutes=21)))
            timings["fold"] += time.perf_counter() - t
            t = time.perf_counter()
            journal.export(store, folder)
            timings["export"] += time.perf_counter() - t
        finally:
            store.close()
        t = time.perf_counter()
        git(after_repo, "add", "history")
        git(after_repo, "commit", "-q", "-m", f"history {run_start.date()}")
        timings["commit"] += time.perf_counter() - t
        size = before_db.stat().st_size
        if before_committing and size > GITHUB_LIMIT:
            before_committing, before_broke_on = False, day + 1
            before_at_break = packed_size(before_repo)
        if before_committing:
            git(before_repo, "add", "-f", "data/history.sqlite3")
            git(before_repo, "commit", "-q", "-m", f"Record the crawl of {run_start.date()}")
        if (day + 1) % 30 == 0 or day + 1 == args.days:
            text = sum(p.stat().st_size for p in folder.iterdir())
            marks.append((day + 1, size, after_db.stat().st_size, text))
            print(f"day {day + 1}: before store {mb(size)}; after store {mb(after_db.stat().st_size)},"
                  f" text {mb(text)}", flush=True)
    before_store.close()
    before_final = packed_size(before_repo) if before_committing else before_at_break
    after_final = packed_size(after_repo)
    text_total = sum(p.stat().st_size for p in folder.iterdir())
    rebuilt = out / "rebuilt.sqlite3"
    t = time.perf_counter()
    store = open_store(str(rebuilt), write=True)
    try:
        runs, checks = journal.import_(store, folder)
        store.fold(fold_cutoff(args.fold_days, START + timedelta(days=args.days - 1, minutes=21)))
        store.compact()  # as `crawler history import` does after folding
    finally:
        store.close()
    rebuild = time.perf_counter() - t

    print(f"\n## {args.days} daily crawls of {args.entries:,} entries\n")
    print("| day | store, every check kept | store, folded after {0} days | text form (all files) |".format(
        args.fold_days))
    print("| ---: | ---: | ---: | ---: |")
    for day, before_size, after_size, text in marks:
        print(f"| {day} | {mb(before_size)} | {mb(after_size)} | {mb(text)} |")
    print()
    if before_broke_on is not None:
        print(f"before: the store passed GitHub's 100 MB file limit on day {before_broke_on}: the push is refused"
              f" from then on; the repository was {mb(before_at_break)} (packed) after {before_broke_on - 1} commits")
    else:
        print(f"before: repository {mb(before_final)} (packed) after {args.days} daily commits of the store")
    print(f"after: history branch {mb(after_final)} (packed) after {args.days} daily commits of the text form"
          f" ({mb(text_total)} of files); the store itself (in the Actions cache) {mb(after_db.stat().st_size)}")
    print(f"rebuilding the store from the text form: {runs} runs, {checks:,} checks imported, folded and"
          f" compacted in {rebuild:.1f} s, to {mb(rebuilt.stat().st_size)}")
    print("time spent, after: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    if not args.keep and args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
