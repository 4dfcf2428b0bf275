"""One check per entry and run, and where it was seen from, in a real SQLite store.

A shared crawl may check an entry twice (a lease that expired under a slow worker): the
store keeps the first check and says the second was not recorded. A store written before
this rule existed is upgraded in place, its duplicates (if any) reduced to the first.
(tests/test_distributed.py runs the same through PostgreSQL.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from old_schemas import SQLITE_SCHEMA_1

from crawler.store.schema import SCHEMA_VERSION
from crawler.store.sqlite import SqliteStore
from crawler.verdict.outcome import Outcome, Status

OK = Outcome(Status.OK, "ok", http_status=200, title="Home")
DEAD = Outcome(Status.DEAD, "timeout", "no answer within 10 s")

# A store of the history's first schema, as crawlers before the origin column wrote it.
VERSION_1 = SQLITE_SCHEMA_1 + """
INSERT INTO runs (started_at, finished_at, directory, network, checked)
    VALUES ('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'd.yaml', 'available', 3);
INSERT INTO checks (run_id, entry_id, url, checked_at, status, reason)
    VALUES (1, 'a', 'https://a.invalid/', '2026-01-01T00:00:01Z', 'ok', 'ok'),
           (1, 'a', 'https://a.invalid/', '2026-01-01T00:00:02Z', 'dead', 'timeout'),
           (1, 'b', 'https://b.invalid/', '2026-01-01T00:00:03Z', 'dead', 'dns');
PRAGMA user_version = 1;
"""


def test_a_check_recorded_twice_is_recorded_once(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "h.sqlite3", write=True)
    try:
        run = store.begin_run("d.yaml")
        assert store.record(run, "a", "https://a.invalid/", "2026-01-01T00:00:01Z", DEAD, origin="eu") is True
        assert store.record(run, "a", "https://a.invalid/", "2026-01-01T00:00:02Z", OK, origin="us") is False
        assert store.record(run, "b", "https://b.invalid/", "2026-01-01T00:00:03Z", OK) is True
        assert store.finish_run(run, network_available=True).checked == 2
        checks = {c.entry_id: c for c in store.checks_of_run(run)}
        assert (checks["a"].status, checks["a"].origin) == (Status.DEAD, "eu")  # the first stands
        assert checks["b"].origin is None
        assert store.recorded_entries(run) == {"a", "b"}
        later = store.begin_run("d.yaml")  # another run checks the same entries again
        assert store.record(later, "a", "https://a.invalid/", "2026-01-02T00:00:01Z", OK) is True
    finally:
        store.close()


def test_a_store_of_the_first_schema_is_upgraded_keeping_the_first_of_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(VERSION_1)
    connection.close()
    store = SqliteStore.open(path, write=True)
    try:
        checks = list(store.checks_of_run(1))
        assert [(c.entry_id, c.status, c.origin) for c in checks] == [("a", Status.OK, None), ("b", Status.DEAD, None)]
        assert store.record(1, "a", "https://a.invalid/", "2026-01-01T00:00:04Z", OK) is False
    finally:
        store.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()
