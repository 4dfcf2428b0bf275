"""The history store in one SQLite file: every check of every run.

Each check is committed on its own, so a crawl killed at any moment loses at most the check
in flight; the WAL journal keeps the file readable while a crawl writes. One writer at a
time: `SqliteStore.open(..., write=True)` takes an exclusive lock on the database file itself
(whatever name reaches it) and refuses a second writer instead of interleaving runs.

What readers' dates come from is derived, never stored: `last_verified`, `failing_since`
and `consecutive_failures` are computed from the checks by `summaries()`, so they cannot
drift from the record.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from crawler.errors import StoreError, WriteError
from crawler.items import utc_now
from crawler.store.rows import (
    IdentityMemory,
    Summary,
    assemble_memory,
    assemble_summaries,
)
from crawler.store.schema import SCHEMA_VERSION, upgrade_steps
from crawler.store.sql import (
    COUNTED_CHECKS,
    SqlStore,
    SummaryQueries,
    identity_memory_sql,
    share_cutoffs,
)

_ID, _REF = "INTEGER PRIMARY KEY", "INTEGER"


class SqliteStore(SqlStore):
    ENVIRONMENT_ERRORS = (sqlite3.OperationalError,)

    def __init__(self, connection: sqlite3.Connection, path: Path, lock: IO[bytes] | None) -> None:
        self._db = connection
        self.path = path
        self._lock = lock

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, write: bool) -> SqliteStore:
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
            db.executescript(upgrade_steps(0, id=_ID, ref=_REF))
            return cls(db, path, None)
        db = None
        try:
            # Any thread may use it, one at a time: a forced stop settles the run from a watchdog
            # thread while the reactor's thread is stuck elsewhere (`crawler.extensions.Shutdown`).
            db = sqlite3.connect(path, timeout=30, check_same_thread=False)
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
            steps = upgrade_steps(version, id=_ID, ref=_REF)
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

    def compact(self) -> None:
        """Give the pages that folding freed back to the file system (a store rebuilt from a
        year of text holds the whole year before it folds)."""
        try:
            self._db.execute("VACUUM")  # outside any transaction: every write has committed
        except sqlite3.OperationalError as exc:  # a full disk: VACUUM needs room for a copy
            raise WriteError(f"{self.path}: cannot compact the store ({exc})") from exc

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

    def summaries(self, entry_ids: Iterable[str], keep: int = 30, now: str | None = None) -> dict[str, Summary]:
        """Per entry id with any counted check: its last `keep` checks, derived dates, and
        the shares of checks verified in the 30 and 365 days before `now` (default: now)."""
        wanted = json.dumps(sorted(set(entry_ids)))
        # The ids travel as one JSON list (no limit on SQL variables); the index on
        # entry_id serves the lookups.
        valid = f"{COUNTED_CHECKS} AND c.entry_id IN (SELECT value FROM json_each(?))"
        queries = SummaryQueries.over(valid, keep="?", wanted="entry_id IN (SELECT value FROM json_each(?))")
        short, long = share_cutoffs(now)
        return assemble_summaries(
            self._db.execute(queries.recent, (wanted, keep)),
            self._db.execute(queries.last_verified, (wanted,)),
            self._db.execute(queries.streaks, (wanted,)),
            self._db.execute(queries.shares, (short, long, wanted)),
            self._db.execute(queries.folded, (wanted,)),
            (short, long),
        )

    def identity_memory(self, entry_ids: Iterable[str] | None = None) -> dict[str, IdentityMemory]:
        """Per entry id (all entries when None) whose identity a counted check confirmed."""
        folded = "SELECT entry_id, confirmed FROM folded WHERE confirmed <> ''"
        if entry_ids is None:
            return assemble_memory(self._db.execute(identity_memory_sql(COUNTED_CHECKS)).fetchall(),
                                   self._db.execute(folded))
        wanted = json.dumps(sorted(set(entry_ids)))
        valid = f"{COUNTED_CHECKS} AND c.entry_id IN (SELECT value FROM json_each(?))"
        return assemble_memory(
            self._db.execute(identity_memory_sql(valid), (wanted,)).fetchall(),
            self._db.execute(f"{folded} AND entry_id IN (SELECT value FROM json_each(?))", (wanted,)),
        )


def _close_quietly(db: sqlite3.Connection | None, lock: IO[bytes] | None) -> None:
    if db is not None:
        db.close()
    if lock is not None:
        lock.close()



def _take_lock(path: Path) -> IO[bytes]:
    """An exclusive lock on the database file itself, held until the store is closed.

    flock(2) locks the file -- its inode -- not a name: a symlink, a hard link or another
    spelling of the path all reach the same lock, so a second crawl cannot slip in through
    one (a lock file beside each name could not see the others). SQLite's own locks are POSIX
    record locks, which flock leaves alone on Linux; the descriptor stays open until SQLite's
    connection has closed, since closing any descriptor of a file drops the process's POSIX
    locks on it. A new store starts as the empty file this creates, which SQLite takes as an
    empty database.
    """
    try:
        lock = open(path, "ab")  # noqa: SIM115 - held for the store's life; appends nothing
    except OSError as exc:
        raise StoreError(f"{path}: cannot open it for writing ({exc.strerror})") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StoreError(f"{path}: another crawl is using this history store; try again when it has finished") from None
    return lock
