"""The history store: every check of every run, in one SQLite file.

Plain SQL, simple values (ISO-8601 UTC strings ending in Z, status strings from
`crawler.verdict.outcome.Status`). Each check is committed on its own, so a crawl killed at any
moment loses at most the check in flight; the WAL journal keeps the file readable while
a crawl writes. One writer at a time: `History.open(..., write=True)` takes an exclusive
lock on a sidecar file and refuses a second writer instead of interleaving runs.

What readers' dates come from is derived, never stored: `last_verified`,
`failing_since` and `consecutive_failures` are computed from the checks by
`summaries()`, so they cannot drift from the record.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from contextlib import AbstractContextManager
from typing import IO, Any

from crawler.verdict.outcome import ANSWERED_REASONS, Outcome, Status

# SCHEMA_VERSION history (stored in PRAGMA user_version):
#   1  runs and checks.
SCHEMA_VERSION = 1

# The tables, shared with `crawler.store.postgres`: each engine names its row ids (`id`, `ref`)
# and may make them TEMPORARY (`temp`); everything else is the same in both.
TABLES = """
-- One row per crawl. network: running (in progress), available, unavailable (nothing
-- answered: its checks were discarded), interrupted (killed; its checks stand).
CREATE {temp}TABLE IF NOT EXISTS runs (
    id          {id},
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    directory   TEXT NOT NULL,
    network     TEXT NOT NULL DEFAULT 'running',
    checked     INTEGER NOT NULL DEFAULT 0
);
-- One row per check of one entry. `entry_id` is the directory id, not a foreign key:
-- entries come and go in the YAML while their history stays.
CREATE {temp}TABLE IF NOT EXISTS checks (
    id              {id},
    run_id          {ref} NOT NULL REFERENCES runs(id),
    entry_id        TEXT NOT NULL,
    url             TEXT,
    checked_at      TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    http_status     INTEGER,
    final_url       TEXT,
    title           TEXT,
    content_updated TEXT
);
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS checks_by_entry ON checks (entry_id, id);
CREATE INDEX IF NOT EXISTS checks_by_run ON checks (run_id);
"""

SCHEMA = TABLES.format(temp="", id="INTEGER PRIMARY KEY", ref="INTEGER") + INDEXES

# Ordered migrations: MIGRATIONS[n] takes a store from version n to n + 1.
MIGRATIONS: dict[int, str] = {}

COUNTED_RUNS = ("available", "interrupted")  # runs whose checks count


class StoreError(Exception):
    """The store cannot be used; the message names the file and what to do."""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class CheckRow:
    entry_id: str
    url: str | None
    checked_at: str
    status: str
    reason: str
    detail: str
    http_status: int | None
    final_url: str | None
    title: str | None
    content_updated: str | None


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str | None
    directory: str
    network: str
    checked: int


@dataclass(frozen=True, slots=True)
class Summary:
    """What the whole history says about one entry."""

    recent: tuple[CheckRow, ...]  # newest last, at most `keep` of them
    last_verified: str | None
    failing_since: str | None
    consecutive_failures: int

    @property
    def latest(self) -> CheckRow:
        return self.recent[-1]


class SqlHistory:
    """The queries both stores share (this SQLite one and `crawler.store.postgres.PgHistory`).

    Written with ``?`` placeholders; a subclass names its driver's (`PARAM`), gives its
    transactions (`_transaction`) and opens, locks, creates and begins runs its own way.
    """

    PARAM = "?"
    _db: Any

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        if self.PARAM != "?":
            query = query.replace("?", self.PARAM)
        return self._db.execute(query, params)

    def _settle_interrupted(self) -> None:
        """Settle runs a killed process left 'running'.

        Their checks stand if anything answered in them (the network was up); if
        nothing did, they were the network's failures, not the sites', and go.
        """
        with self._transaction():
            for (run_id,) in self._execute("SELECT id FROM runs WHERE network = 'running'").fetchall():
                hits = self._execute(
                    f"SELECT count(*) FROM checks WHERE run_id = ? AND ({answered_sql()})", (run_id,)
                ).fetchone()[0]
                if not hits:
                    self._execute("DELETE FROM checks WHERE run_id = ?", (run_id,))
                self._execute(
                    "UPDATE runs SET network = 'interrupted', checked = "
                    "(SELECT count(*) FROM checks WHERE run_id = ?) WHERE id = ?",
                    (run_id, run_id),
                )

    def record(self, run_id: int, entry_id: str, url: str | None, checked_at: str, outcome: Outcome) -> None:
        """Store one check, committed before returning."""
        with self._transaction():
            self._execute(
                f"INSERT INTO checks (run_id, {CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id, entry_id, url, checked_at, outcome.status.value, outcome.reason,
                    outcome.detail, outcome.http_status, outcome.final_url, outcome.title,
                    outcome.content_updated,
                ),
            )

    def finish_run(self, run_id: int, *, network_available: bool) -> RunRow:
        """Close a run. When the network was unavailable its checks are discarded:
        nothing is recorded as failed and no date moves."""
        with self._transaction():
            if not network_available:
                self._execute("DELETE FROM checks WHERE run_id = ?", (run_id,))
            self._execute(
                "UPDATE runs SET finished_at = ?, network = ?,"
                " checked = (SELECT count(*) FROM checks WHERE run_id = ?) WHERE id = ?",
                (utc_now(), "available" if network_available else "unavailable", run_id, run_id),
            )
        run = self.run(run_id)
        assert run is not None
        return run

    def run(self, run_id: int) -> RunRow | None:
        row = self._execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        return RunRow(*row) if row else None

    def last_run(self) -> RunRow | None:
        row = self._execute(
            f"SELECT {RUN_COLUMNS} FROM runs WHERE network != 'running' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return RunRow(*row) if row else None

    def checks_of_run(self, run_id: int) -> Iterator[CheckRow]:
        for row in self._execute(f"SELECT {CHECK_COLUMNS} FROM checks WHERE run_id = ? ORDER BY id", (run_id,)):
            yield CheckRow(*row)

    def runs(self) -> Iterator[RunRow]:
        for row in self._execute(f"SELECT {RUN_COLUMNS} FROM runs ORDER BY id"):
            yield RunRow(*row)


class History(SqlHistory):
    def __init__(self, connection: sqlite3.Connection, path: Path, lock: IO[str] | None) -> None:
        self._db = connection
        self.path = path
        self._lock = lock

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, write: bool) -> History:
        """Open (creating if `write`) the store; raise StoreError if it cannot be used.

        A store that is refused (locked, corrupt, newer, not ours) is left byte for byte
        as it was: nothing is written to it before it has passed every check.
        A reader of a missing store gets an empty in-memory one, so `crawler report`
        before the first crawl still writes reports ("never checked").
        """
        path = Path(path)
        lock = None
        if write:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from None
            lock = _take_lock(path)
        elif not path.exists():
            db = sqlite3.connect(":memory:")
            db.executescript(SCHEMA)
            return cls(db, path, None)
        db = None
        try:
            db = sqlite3.connect(path, timeout=30)
            store = cls(db, path, lock)
            store._prepare(write)
        except sqlite3.DatabaseError as exc:
            _close_quietly(db, lock)
            raise StoreError(f"{path}: not a usable history store ({exc}); move it aside to start a new one") from None
        except BaseException:
            _close_quietly(db, lock)
            raise
        return store

    def _prepare(self, write: bool) -> None:
        # Only reads until the store is known to be ours, sound and not newer.
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        objects = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer crawler (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade the crawler, the store was left untouched"
            )
        if version == 0 and objects:
            raise StoreError(
                f"{self.path}: an SQLite file with tables but no history schema version, "
                "so not a history store; left untouched"
            )
        # A damaged page would otherwise surface mid-crawl (after checks were lost) or as
        # a traceback in the middle of writing reports. Linear in the file's size: a million
        # checks (about 200 MB) take a fraction of a second.
        problems = [" ".join(row[0].split()) for row in self._db.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise StoreError(
                f"{self.path}: the history store is damaged ({'; '.join(problems)}); "
                "left untouched: restore a backup or move it aside to start a new one"
            )
        if not write:
            if version < SCHEMA_VERSION and objects:
                raise StoreError(f"{self.path}: schema {version} is old; run a crawl to upgrade it")
            return
        # WAL is a property of the file (readers then use it too); each commit reaches the
        # operating system before `record` returns, so killing the process loses nothing
        # committed. NORMAL (not FULL) risks the last commits only on a power loss.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            # One transaction with the version stamp: a kill half-way leaves the old store
            # (executescript alone would commit each statement, stranding tables unversioned).
            steps = SCHEMA if version == 0 else "\n".join(MIGRATIONS[n] for n in range(version, SCHEMA_VERSION))
            try:
                self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{steps}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
                )
            except BaseException:
                self._db.rollback()
                raise
        self._settle_interrupted()

    def _transaction(self) -> AbstractContextManager[Any]:
        return self._db  # sqlite3: commit on success, roll back on an exception

    def close(self) -> None:
        self._db.close()
        if self._lock:
            self._lock.close()

    # --- writing -----------------------------------------------------------------------

    def begin_run(self, directory: str, started_at: str | None = None) -> int:
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO runs (started_at, directory) VALUES (?, ?)",
                (started_at or utc_now(), directory),
            )
        return int(cursor.lastrowid or 0)

    # --- reading -----------------------------------------------------------------------

    def summaries(self, entry_ids: Iterable[str], keep: int = 30) -> dict[str, Summary]:
        """Per entry id with any counted check: its last `keep` checks and derived dates."""
        wanted = json.dumps(sorted(set(entry_ids)))
        # The ids travel as one JSON list (no limit on SQL variables); the index on
        # entry_id serves the lookups.
        valid = f"{COUNTED_CHECKS} AND c.entry_id IN (SELECT value FROM json_each(?))"
        queries = SummaryQueries.over(valid, keep="?")
        return assemble_summaries(
            self._db.execute(queries.recent, (wanted, keep)),
            self._db.execute(queries.last_verified, (wanted,)),
            self._db.execute(queries.streaks, (wanted,)),
        )


# --- SQL both stores share (crawler.store.postgres speaks the same tables) ---------------------

CHECK_COLUMNS = (
    "entry_id, url, checked_at, status, reason, detail, http_status, final_url, title, content_updated"
)
RUN_COLUMNS = "id, started_at, finished_at, directory, network, checked"


def _in_list(values: Iterable[str]) -> str:
    # Values come from our own enums, never from input: quoting them inline is safe.
    return ", ".join(f"'{v}'" for v in values)


def answered_sql() -> str:
    # The SQL twin of `Outcome.answered`.
    answered = _in_list(s for s in Status if s.answered)
    reasons = _in_list(ANSWERED_REASONS)
    return f"status IN ({answered}) OR http_status IS NOT NULL OR reason IN ({reasons})"


def _close_quietly(db: sqlite3.Connection | None, lock: IO[str] | None) -> None:
    if db is not None:
        db.close()
    if lock is not None:
        lock.close()


#: The checks that count: those of runs that saw the network (or were killed while they did).
COUNTED_CHECKS = (
    "SELECT c.* FROM checks c JOIN runs r ON r.id = c.run_id"
    f" WHERE r.network IN ({_in_list(COUNTED_RUNS)})"
)


@dataclass(frozen=True, slots=True)
class SummaryQueries:
    """The three queries behind `summaries`, over a subquery of counted checks."""

    recent: str  # the last `keep` checks per entry, oldest first; one parameter: keep
    last_verified: str  # entry_id, last time it was ok or redirected
    streaks: str  # entry_id, start and length of the current failing streak

    @classmethod
    def over(cls, valid: str, keep: str) -> SummaryQueries:
        """`valid` selects the counted checks; `keep` is the engine's placeholder for the limit."""
        failing = _in_list(s for s in Status if s.failing)
        verified = _in_list(s for s in Status if s.verified)
        return cls(
            recent=(
                f"SELECT {CHECK_COLUMNS} FROM (SELECT v.*, ROW_NUMBER() OVER"
                f" (PARTITION BY entry_id ORDER BY id DESC) AS rn FROM ({valid}) v) numbered"
                f" WHERE rn <= {keep} ORDER BY entry_id, id"
            ),
            last_verified=(
                f"SELECT entry_id, MAX(checked_at) FROM ({valid}) v"
                f" WHERE status IN ({verified}) GROUP BY entry_id"
            ),
            # Failing checks after the last check that was not one.
            streaks=(
                f"WITH v AS ({valid}),"
                f" calm AS (SELECT entry_id, MAX(id) AS id FROM v WHERE status NOT IN ({failing})"
                " GROUP BY entry_id)"
                " SELECT v.entry_id, MIN(v.checked_at), COUNT(*) FROM v LEFT JOIN calm USING (entry_id)"
                f" WHERE v.status IN ({failing}) AND (calm.id IS NULL OR v.id > calm.id)"
                " GROUP BY v.entry_id"
            ),
        )


def assemble_summaries(
    recent: Iterable[Sequence[Any]], last_verified: Iterable[Sequence[Any]], streaks: Iterable[Sequence[Any]]
) -> dict[str, Summary]:
    """Summaries from the rows of the three `SummaryQueries`."""
    rows: dict[str, list[CheckRow]] = {}
    for row in recent:
        # Statuses and reasons repeat across every entry: one string object each.
        entry, url, checked_at, status, reason, *rest = row
        check = CheckRow(entry, url, checked_at, sys.intern(status), sys.intern(reason), *rest)
        rows.setdefault(entry, []).append(check)
    verified = {entry: at for entry, at in last_verified}
    streak = {entry: (since, int(count)) for entry, since, count in streaks}
    return {
        entry: Summary(tuple(checks), verified.get(entry), *streak.get(entry, (None, 0)))
        for entry, checks in rows.items()
    }


def _take_lock(path: Path) -> IO[str]:
    try:
        lock = open(f"{path}.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held for the store's life
    except OSError as exc:
        raise StoreError(f"{path}: cannot create its lock file {path}.lock ({exc.strerror})") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreError(f"{path}: another crawl is using this history store; try again when it has finished") from None
    return lock
