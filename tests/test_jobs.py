"""Every core on one machine: ``crawler crawl --jobs N`` against the simulated web.

The crawl is split by registered domain into child crawls; the command's own process
records every check in the one SQLite store and writes the reports. The end-to-end tests
run the real CLI in subprocesses, count rows in the real store and read the simulated web's
request log (each request with the time it arrived and the time it was answered), so the
per-host politeness of the whole crawl is seen from the server's side.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SimWeb, run_crawler, wait_for, write_directory

from crawler.directory import Entry
from crawler.jobs import MIN_ENTRIES_PER_PROCESS, cores, processes_for, split_by_domain

DEADLINE = 60.0  # seconds any awaited condition may take on a slow machine
SLOW_EXTRA = 8  # more entries on slow.org, beside its scenario's own
# Scenarios of the per-entry time budget: their verdicts hang on a few tenths of a second
# (tests/test_crawl.py checks them in one process); three processes starting at once on a
# busy 2-core machine may take those tenths.
TIMING = {"slow-hops.org", "slow-extras.org"}


def entry(n: int, url: str | None) -> Entry:
    return Entry(f"e{n}", "Testland", f"Entry {n}", None, url, None, n + 2, n + 2)


# --- the split -------------------------------------------------------------------------


def test_one_registered_domain_lives_in_one_share() -> None:
    urls = [
        "https://www.example.org/", "https://example.org/a", "http://shop.example.org:8080/",
        "https://www.bbc.co.uk/", "https://news.bbc.co.uk/", "https://a.blogspot.com/",
        "https://b.blogspot.com/", "https://bücher.de/", "https://xn--bcher-kva.de/x",
        *(f"https://site{n}.org/" for n in range(20)), None, None,
    ]
    entries = [entry(n, url) for n, url in enumerate(urls)]
    shares = split_by_domain(entries, 3)
    assert len(shares) == 3
    where = {e.id: n for n, share in enumerate(shares) for e in share}
    assert sorted(where) == sorted(e.id for e in entries if e.website)  # every listed entry once
    for same in (["e0", "e1", "e2"], ["e3", "e4"], ["e7", "e8"]):
        assert len({where[i] for i in same}) == 1, same
    sizes = sorted(len(share) for share in shares)
    assert sizes[-1] - sizes[0] <= 3  # even, give or take the largest domain
    for share in shares:  # each keeps the directory's order
        assert [e.line for e in share] == sorted(e.line for e in share)


def test_a_share_is_never_empty_and_one_domain_makes_one_share() -> None:
    entries = [entry(n, f"https://only.example.org/{n}") for n in range(10)]
    assert split_by_domain(entries, 4) == [tuple(entries)]
    assert split_by_domain([entry(0, None)], 2) == []


@pytest.mark.parametrize(
    ("listed", "jobs", "expected"),
    [
        (2, None, 1),  # `check --only a b`: one process, not one per core
        (MIN_ENTRIES_PER_PROCESS - 1, None, 1),
        (MIN_ENTRIES_PER_PROCESS * 64, None, cores()),
        (2, 4, 2),  # asked for: as many as there are entries to give
        (1000, 3, 3),
        (1000, 1, 1),
        (0, None, 1),
    ],
)
def test_how_many_processes(listed: int, jobs: int | None, expected: int) -> None:
    assert processes_for(listed, jobs) == expected


# --- a whole crawl in two processes ------------------------------------------------------


def entry_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host.encode("idna").decode("ascii")).strip("-")


@dataclass
class Crawl:
    code: int
    stderr: str
    report: dict[str, Any]
    requests: list[dict[str, str]]
    db: Path
    directory: dict[str, str | None]


@pytest.fixture(scope="module")
def two_jobs(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    work = tmp_path_factory.mktemp("jobs")
    urls: dict[str, str | None] = {entry_id(h): s["url"] for h, s in simweb.hosts.items() if h not in TIMING}
    urls.update({f"slow-{n}": simweb.url("slow.org") for n in range(SLOW_EXTRA)})
    urls["no-website-listed"] = None
    directory = write_directory(work / "organisations.yaml", urls)
    simweb.reset()
    result = run_crawler(
        "crawl", "--jobs", "2", "-v", "--directory", str(directory), "--db", str(work / "h.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "2", "--canary", f"{simweb.url('ok-site.org')}canary",
        "--rdap-bootstrap", simweb.rdap_bootstrap, *simweb.resolve_args(), ca=simweb.ca,
    )
    requests = simweb.requests()
    report = json.loads((work / "reports" / "staleness.json").read_text()) if result.returncode == 0 else {}
    return Crawl(result.returncode, result.stderr, report, requests, work / "h.sqlite3", urls)


def test_every_entry_is_checked_once_and_recorded_by_the_parent(two_jobs: Crawl) -> None:
    assert two_jobs.code == 0, two_jobs.stderr[-3000:]
    with sqlite3.connect(two_jobs.db) as db:
        runs = db.execute("SELECT id, network, checked FROM runs").fetchall()
        per_entry = dict(db.execute("SELECT entry_id, count(*) FROM checks GROUP BY entry_id").fetchall())
    db.close()
    assert runs == [(1, "available", len(two_jobs.directory))]
    assert per_entry == {entry: 1 for entry in two_jobs.directory}
    # Both children worked, and together they had every listed entry.
    ended = [tuple(map(int, m)) for m in re.findall(r"crawl process \d of 2 \(pid \d+\) ended: (\d+) checks of (\d+) entries", two_jobs.stderr)]
    assert len(ended) == 2, two_jobs.stderr[-3000:]
    assert all(checks == entries > 0 for checks, entries in ended)
    assert sum(checks for checks, _ in ended) == len(two_jobs.directory) - 1  # all but the one without a website


def test_each_scenario_gets_its_verdict_with_two_jobs(two_jobs: Crawl, simweb: SimWeb) -> None:
    got = {e["id"]: [e["status"], e["reason"]] for e in two_jobs.report["entries"]}
    hosts = {h: s for h, s in simweb.hosts.items() if h not in TIMING}
    wrong = {h: (got[entry_id(h)], s["expect"]) for h, s in hosts.items() if got[entry_id(h)] != s["expect"]}
    assert wrong == {}
    assert {got[f"slow-{n}"][0] for n in range(SLOW_EXTRA)} == {"ok"}
    assert got["no-website-listed"] == ["no-website", "no-website"]


def test_what_the_children_learn_for_the_store_is_recorded_too(two_jobs: Crawl) -> None:
    # RDAP answers are items like the checks: the children send them, the parent caches them.
    with sqlite3.connect(two_jobs.db) as db:
        answered = db.execute("SELECT count(*) FROM domains WHERE answer = 'found'").fetchone()[0]
    db.close()
    assert answered > 0
    assert any(e["domain"] for e in two_jobs.report["entries"])


def _moment(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def most_in_flight(requests: list[dict[str, str]], host: str) -> int:
    """The most requests to `host` the server was busy with at one moment."""
    spans = [(_moment(r["time"]), _moment(r["finished"])) for r in requests if r["host"] == host]
    return max(sum(1 for s, f in spans if s <= start < f) for start, _ in spans)


def test_one_host_never_gets_more_than_two_requests_at_once_across_processes(two_jobs: Crawl) -> None:
    asked = Counter(r["host"] for r in two_jobs.requests)
    assert asked["slow.org"] >= SLOW_EXTRA + 1  # every entry's request (and side requests) arrived
    assert all("finished" in r for r in two_jobs.requests if r["host"] == "slow.org")
    # Two processes sharing the host would have had up to four in flight; one process has two.
    assert most_in_flight(two_jobs.requests, "slow.org") == 2


# --- crawler.toml and crawl --due with children ----------------------------------------------

CONTACT = "https://directory.example/our-crawler"
FIRST = {"first-a": "ok-site.org", "first-b": "stale-site.org"}
LATER = {"new-a": "fresh-time.org", "new-b": "fresh-jsonld.org", "new-c": "retitled.org", "new-d": "cookie-wall.org"}


def test_the_config_reaches_the_children_and_due_entries_are_chosen_once(simweb: SimWeb, tmp_path: Path) -> None:
    """crawler.toml's values reach the child crawls as the command line's do (Scrapy settings
    of the parent), and `--due` chooses in the parent, before the entries are shared out."""
    (tmp_path / "crawler.toml").write_text(
        'db = "history.sqlite3"\nreports = "reports"\n'
        f'[crawl]\njobs = 2\n[requests]\nfreshness = false\ncontact = "{CONTACT}"\n'
        "[schedule]\ndue = true\nspread = false\n",
        encoding="utf-8",
    )
    directory = tmp_path / "organisations.yaml"
    common = ["--directory", str(directory), "-v", "--timeout", "5", *simweb.resolve_args()]
    write_directory(directory, {e: simweb.url(h) for e, h in FIRST.items()})
    first = run_crawler("crawl", *common, ca=simweb.ca)
    assert first.returncode == 0, first.stderr[-3000:]
    # Four new entries: due at once; the two checked a moment ago are not due for a week.
    write_directory(directory, {e: simweb.url(h) for e, h in {**FIRST, **LATER}.items()})
    simweb.reset()
    second = run_crawler("crawl", *common, ca=simweb.ca)
    requests = simweb.requests()
    assert second.returncode == 0, second.stderr[-3000:]
    assert re.findall(r"^checking \d+ entries.*$", second.stderr, re.MULTILINE) == ["checking 4 entries (4 new)"]
    ended = [int(n) for n in re.findall(r"crawl process \d of 2 \(pid \d+\) ended: \d+ checks of (\d+) entries",
                                        second.stderr)]
    assert len(ended) == 2 and sum(ended) == len(LATER), second.stderr[-3000:]  # two children, the choice only
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        checked = {row[0] for row in db.execute("SELECT entry_id FROM checks WHERE run_id = 2")}
    db.close()
    assert checked == set(LATER)
    # What the children asked for, they asked as the file says: its contact in the
    # User-Agent, and no feed or sitemap (freshness = false).
    asked = [r for r in requests if r["host"] in LATER.values()]
    assert {r["host"] for r in asked} == set(LATER.values())
    assert all(f"+{CONTACT})" in r["agent"] for r in asked), {r["agent"] for r in asked}
    assert not [r for r in asked if r["path"] in ("/sitemap.xml", "/feed.xml", "/robots.txt")]


# --- stopping ----------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended; its parent reaps it


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_stopping_the_parent_stops_its_children(simweb: SimWeb, tmp_path: Path, how: signal.Signals) -> None:
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("needs Linux's /proc/PID/task/PID/children to find the child crawls")
    urls: dict[str, str | None] = {f"live-{n}": simweb.url("ok-site.org") for n in range(4)}
    urls.update({f"hanging-{n}": simweb.url("hang.org") for n in range(6)})
    urls.update({f"hanging-www-{n}": simweb.url("trickle.org") for n in range(6)})
    directory = write_directory(tmp_path / "d.yaml", urls)
    db, log = tmp_path / "h.sqlite3", tmp_path / "crawl.log"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["SSL_CERT_FILE"] = simweb.ca
    with log.open("wb") as out:
        parent = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--jobs", "2", "--directory", str(directory),
             "--db", str(db), "--reports", str(tmp_path / "r"), "--timeout", "30", "--no-freshness",
             *simweb.resolve_args()],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        # Both children started and the live entries are recorded: the crawl is under way.
        children = wait_for(lambda: len(c := children_of(parent.pid)) == 2 and c, parent, log, "two children")
        wait_for(lambda: _count(db) >= 4, parent, log, "the live entries recorded")
        parent.send_signal(how)
        parent.wait(timeout=DEADLINE)
        deadline = time.monotonic() + DEADLINE
        while any(alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling another process's state, with a deadline
        assert not any(alive(c) for c in children), log.read_text()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    assert _count(db) >= 4  # what was recorded stays
    if how is not signal.SIGKILL:
        assert "Traceback" not in log.read_text()


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM checks").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_the_network_verdict_is_the_whole_runs(simweb: SimWeb, tmp_path: Path) -> None:
    # Nothing answers in either child: one verdict for the run, nothing recorded as failed.
    urls: dict[str, str | None] = {f"refused-{n}": simweb.url("refused.org") for n in range(3)}
    urls.update({f"nowhere-{n}": "http://no-such-host.invalid/" for n in range(3)})
    directory = write_directory(tmp_path / "d.yaml", urls)
    db = tmp_path / "h.sqlite3"
    result = run_crawler("crawl", "--jobs", "2", "-v", "--directory", str(directory), "--db", str(db),
                         "--reports", str(tmp_path / "r"), "--timeout", "2", *simweb.resolve_args(), ca=simweb.ca)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "network unavailable" in result.stderr
    assert len(re.findall(r"crawl process \d of 2 .* ended", result.stderr)) == 2  # both children took part
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT network, checked FROM runs").fetchall() == [("unavailable", 0)]
        assert connection.execute("SELECT count(*) FROM checks").fetchone() == (0,)
    connection.close()
