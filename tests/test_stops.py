"""SIGINT and SIGTERM stop a crawl within seconds: what was checked stays, what was not is no
failure, the run is settled as interrupted, and the reports say so.

Real crawls of the simulated web in a subprocess; the signal is sent once the crawl is where
the test wants it (a check recorded in the real store, a page stuck in parsing), found by
polling the store and the crawler's log, never by sleeping.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SimWeb, wait_for, write_directory

# Runs `crawler ARGS` with the verdict of one host's page made to take forever, in Python: the
# reactor's thread spins there and hears nothing until it is forced.
_STUCK = """
import sys
import crawler.verdict.classify as classify
real = classify.classify_page
def stuck(page, *rest):
    if "stale-site.org" in page.final_url:
        print("STUCK-IN-PARSE", file=sys.stderr, flush=True)
        while True:
            pass
    return real(page, *rest)
classify.classify_page = stuck
from crawler.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def crawls() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The crawls a test starts; any still running when it ends (a failed assertion) is killed,
    so no stuck crawl outlives its test."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _start(
    crawls: list[subprocess.Popen[bytes]], program: list[str], simweb: SimWeb, work: Path, urls: dict[str, str | None]
) -> tuple[subprocess.Popen[bytes], Path]:
    directory = write_directory(work / "d.yaml", urls)
    log = work / "crawl.log"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["SSL_CERT_FILE"] = simweb.ca
    process = subprocess.Popen(
        [*program, "crawl", "--directory", str(directory), "--db", str(work / "h.sqlite3"),
         "--reports", str(work / "reports"), "--timeout", "60", "--no-rdap", *simweb.resolve_args()],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )  # fmt: skip
    crawls.append(process)
    return process, log


def _recorded(work: Path) -> set[str]:
    try:
        with sqlite3.connect(f"file:{work / 'h.sqlite3'}?mode=ro", uri=True) as db:
            return {entry for (entry,) in db.execute("SELECT entry_id FROM checks")}
    except sqlite3.Error:  # not created yet, or locked for a moment
        return set()


def _settled(work: Path) -> tuple[str, list[str], str]:
    with sqlite3.connect(work / "h.sqlite3") as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        networks = [n for (n,) in db.execute("SELECT network FROM runs")]
    report = json.loads((work / "reports" / "staleness.json").read_text(encoding="utf-8"))
    return integrity, networks, report["run"]["network"]


def test_sigint_stops_a_crawl_waiting_on_a_silent_site_at_once(simweb: SimWeb, tmp_path: Path, crawls: list[subprocess.Popen[bytes]]) -> None:
    urls = {"alive": simweb.url("ok-site.org"), "silent": simweb.url("hang.org"), "none": None}
    process, log = _start(crawls, [sys.executable, "-m", "crawler"], simweb, tmp_path, urls)
    wait_for(lambda: {"alive", "none"} <= _recorded(tmp_path), process, log, "the live site's check")
    process.send_signal(signal.SIGINT)
    # The silent site would hold the crawl for its 60 s timeout; a prompt stop cancels it.
    assert process.wait(timeout=30) == 128 + signal.SIGINT
    stderr = log.read_text(errors="replace")
    assert "forced" not in stderr, stderr  # stopped in order, not by the watchdog
    assert "stopped by SIGINT" in stderr
    assert _settled(tmp_path) == ("ok", ["interrupted"], "interrupted")
    assert _recorded(tmp_path) == {"alive", "none"}  # the silent site is unchecked, not dead


def test_sigterm_stops_a_crawl_stuck_in_a_parse(simweb: SimWeb, tmp_path: Path, crawls: list[subprocess.Popen[bytes]]) -> None:
    urls = {"none": None, "stuck": simweb.url("stale-site.org")}
    process, log = _start(crawls, [sys.executable, "-c", _STUCK], simweb, tmp_path, urls)
    wait_for(lambda: "STUCK-IN-PARSE" in log.read_text(errors="replace"), process, log, "the stuck parse")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert "forced to stop" in log.read_text(errors="replace")
    assert _settled(tmp_path) == ("ok", ["interrupted"], "interrupted")
    # Nothing answered before the stop, so nothing was kept: as for a run the network failed.
    assert _recorded(tmp_path) == set()


def test_a_second_signal_forces_the_stop(simweb: SimWeb, tmp_path: Path, crawls: list[subprocess.Popen[bytes]]) -> None:
    urls = {"none": None, "stuck": simweb.url("stale-site.org")}
    process, log = _start(crawls, [sys.executable, "-c", _STUCK], simweb, tmp_path, urls)
    wait_for(lambda: "STUCK-IN-PARSE" in log.read_text(errors="replace"), process, log, "the stuck parse")
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) in (128 + signal.SIGINT, 128 + signal.SIGTERM)
    assert "a second signal" in log.read_text(errors="replace")
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [n for (n,) in db.execute("SELECT network FROM runs")] == ["interrupted"]
