"""The SQL both history stores speak, and the queries they share (`SqlStore`).

Written with ``?`` placeholders; an engine names its driver's (`SqlStore.PARAM`), gives its
transactions and opens, locks, creates and begins runs its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from crawler.errors import WriteError
from crawler.items import utc_now
from crawler.store.rows import CheckRow, FoldedRow, RunRow
from crawler.verdict.outcome import ANSWERED_REASONS, Network, Outcome, Status

CHECK_COLUMNS = (
    "entry_id, url, checked_at, status, reason, detail, http_status, final_url, title, content_updated"
)
RUN_COLUMNS = "id, started_at, finished_at, directory, network, checked"
FOLDED_COLUMNS = (
    "entry_id, checks, first_checked, last_checked, last_verified, streak_since, streak_checks,"
    " last_title, content_updated"
)
#: Checks per entry that are never folded: the reports' strip of recent checks, the latest
#: check and the titles and dates the reports read all come from these.
RECENT = 30
_FOLD_BATCH = 500  # entries folded per statement batch


def _in_list(values: Iterable[str]) -> str:
    # Values come from our own enums, never from input: quoting them inline is safe.
    return ", ".join(f"'{v}'" for v in values)


def answered_sql() -> str:
    # The SQL twin of `Outcome.answered`.
    answered = _in_list(s for s in Status if s.answered)
    reasons = _in_list(ANSWERED_REASONS)
    return f"status IN ({answered}) OR http_status IS NOT NULL OR reason IN ({reasons})"


#: The checks that count: those of runs that saw the network (or were killed while they did).
COUNTED_CHECKS = (
    "SELECT c.* FROM checks c JOIN runs r ON r.id = c.run_id"
    f" WHERE r.network IN ({_in_list(n for n in Network if n.counted)})"
)


@dataclass(frozen=True, slots=True)
class SummaryQueries:
    """The four queries behind `summaries`, over a subquery of counted checks."""

    recent: str  # the last `keep` checks per entry, oldest first; one parameter: keep
    last_verified: str  # entry_id, last time it was ok or redirected
    streaks: str  # entry_id, start and length of the current failing streak, whether it is open
    folded: str  # the entries' `folded` rows (FOLDED_COLUMNS)

    @classmethod
    def over(cls, valid: str, keep: str, wanted: str = "TRUE") -> SummaryQueries:
        """`valid` selects the counted checks; `keep` is the engine's placeholder for the limit;
        `wanted` selects the `folded` rows (of the same entries)."""
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
            # Failing checks after the last check that was not one; "open" (1) when no kept
            # check was calm, so the streak may go on into the folded ones.
            streaks=(
                f"WITH v AS ({valid}),"
                f" calm AS (SELECT entry_id, MAX(id) AS id FROM v WHERE status NOT IN ({failing})"
                " GROUP BY entry_id)"
                " SELECT v.entry_id, MIN(v.checked_at), COUNT(*),"
                " MIN(CASE WHEN calm.id IS NULL THEN 1 ELSE 0 END) FROM v LEFT JOIN calm USING (entry_id)"
                f" WHERE v.status IN ({failing}) AND (calm.id IS NULL OR v.id > calm.id)"
                " GROUP BY v.entry_id"
            ),
            folded=f"SELECT {FOLDED_COLUMNS} FROM folded WHERE {wanted}",
        )



class SqlStore:
    """The queries both stores share (`crawler.store.sqlite.SqliteStore`,
    `crawler.store.postgres.PostgresStore`); a subclass names its driver's placeholder
    (`PARAM`), gives its transactions (`_transaction`) and opens, locks, creates and begins
    runs its own way."""

    PARAM = "?"
    # The driver's errors that mean the environment failed us while writing (a full disk,
    # a read-only file, a lost connection), not that the store is bad: a `WriteError`.
    ENVIRONMENT_ERRORS: tuple[type[Exception], ...] = ()
    _db: Any
    path: object  # what messages name: the file, or the location without its password

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """A write transaction; the environment's failures become one-line `WriteError`s."""
        try:
            with self._transaction():
                yield
        except self.ENVIRONMENT_ERRORS as exc:
            raise WriteError(f"{self.path}: cannot {what} ({exc})") from exc

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        if self.PARAM != "?":
            query = query.replace("?", self.PARAM)
        return self._db.execute(query, params)

    def _executemany(self, query: str, params: Iterable[Sequence[Any]]) -> None:
        if self.PARAM != "?":
            query = query.replace("?", self.PARAM)
        self._db.cursor().executemany(query, params)

    def _settle_interrupted(self) -> None:
        """Settle runs a killed process left 'running'.

        Their checks stand if anything answered in them (the network was up); if
        nothing did, they were the network's failures, not the sites', and go.
        """
        with self._transaction():
            for (run_id,) in self._execute(f"SELECT id FROM runs WHERE network = '{Network.RUNNING}'").fetchall():
                hits = self._execute(
                    f"SELECT count(*) FROM checks WHERE run_id = ? AND ({answered_sql()})", (run_id,)
                ).fetchone()[0]
                if not hits:
                    self._execute("DELETE FROM checks WHERE run_id = ?", (run_id,))
                self._execute(
                    f"UPDATE runs SET network = '{Network.INTERRUPTED}', checked = "
                    "(SELECT count(*) FROM checks WHERE run_id = ?) WHERE id = ?",
                    (run_id, run_id),
                )

    def record(self, run_id: int, entry_id: str, url: str | None, checked_at: str, outcome: Outcome) -> None:
        """Store one check, committed before returning (`WriteError` if it cannot be)."""
        with self._writing("record a check"):
            self._execute(
                f"INSERT INTO checks (run_id, {CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id, entry_id, url, checked_at, outcome.status.value, str(outcome.reason),
                    outcome.detail, outcome.http_status, outcome.final_url, outcome.title,
                    outcome.content_updated,
                ),
            )

    def finish_run(self, run_id: int, *, network_available: bool) -> RunRow:
        """Close a run. When the network was unavailable its checks are discarded:
        nothing is recorded as failed and no date moves."""
        with self._writing("settle the run"):
            if not network_available:
                self._execute("DELETE FROM checks WHERE run_id = ?", (run_id,))
            self._execute(
                "UPDATE runs SET finished_at = ?, network = ?,"
                " checked = (SELECT count(*) FROM checks WHERE run_id = ?) WHERE id = ?",
                (utc_now(), (Network.AVAILABLE if network_available else Network.UNAVAILABLE).value, run_id, run_id),
            )
        run = self.run(run_id)
        assert run is not None
        return run

    def run(self, run_id: int) -> RunRow | None:
        row = self._execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        return RunRow.from_row(row) if row else None

    def last_run(self) -> RunRow | None:
        row = self._execute(
            f"SELECT {RUN_COLUMNS} FROM runs WHERE network != '{Network.RUNNING}' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return RunRow.from_row(row) if row else None

    def checks_of_run(self, run_id: int) -> Iterator[CheckRow]:
        for row in self._execute(f"SELECT {CHECK_COLUMNS} FROM checks WHERE run_id = ? ORDER BY id", (run_id,)):
            yield CheckRow.from_row(row)

    def runs(self) -> Iterator[RunRow]:
        for row in self._execute(f"SELECT {RUN_COLUMNS} FROM runs ORDER BY id"):
            yield RunRow.from_row(row)

    # --- retention and the text form (crawler.store.journal) ---------------------------------

    def fold(self, before: str | None, keep: int = RECENT) -> int:
        """Fold each entry's counted checks older than `before` (ISO-8601 UTC), beyond its
        `keep` newest, into its `folded` row; return how many checks were folded.

        Only the oldest checks of an entry are ever folded (everything up to its newest
        foldable one), so every report field reads the same before and after. None: nothing.
        """
        if before is None:
            return 0
        # Entries with more than `keep` checks (counted or not: a cheap first sift on the
        # entry index), then each one's edge through the same index: no sort of the table.
        crowded = [
            entry for (entry,) in self._execute(
                "SELECT entry_id FROM checks GROUP BY entry_id HAVING COUNT(*) > ?", (keep,)
            ).fetchall()
        ]
        total = 0
        for start in range(0, len(crowded), _FOLD_BATCH):
            with self._writing("fold old checks"):
                for entry_id in crowded[start : start + _FOLD_BATCH]:
                    total += self._fold_entry(entry_id, before, keep)
        return total

    def _fold_entry(self, entry_id: str, before: str, keep: int) -> int:
        # "+run_id" keeps the planner on the (entry_id, id) index rather than the run's.
        counted = f"+run_id IN (SELECT id FROM runs WHERE network IN ({_in_list(n for n in Network if n.counted)}))"
        kept = self._execute(
            f"SELECT id FROM checks WHERE entry_id = ? AND {counted} ORDER BY id DESC LIMIT 1 OFFSET ?",
            (entry_id, keep - 1),
        ).fetchone()
        if kept is None:
            return 0
        edge = self._execute(
            f"SELECT MAX(id) FROM checks WHERE entry_id = ? AND id < ? AND checked_at < ? AND {counted}",
            (entry_id, kept[0], before),
        ).fetchone()[0]
        if edge is None:
            return 0
        where = f"entry_id = ? AND id <= ? AND {counted}"
        checks = [
            CheckRow.from_row(row)
            for row in self._execute(f"SELECT {CHECK_COLUMNS} FROM checks WHERE {where} ORDER BY id", (entry_id, edge))
        ]
        row = self._execute(f"SELECT {FOLDED_COLUMNS} FROM folded WHERE entry_id = ?", (entry_id,)).fetchone()
        folded = FoldedRow.fold(FoldedRow.from_row(row) if row else None, checks)
        self._execute("DELETE FROM folded WHERE entry_id = ?", (entry_id,))
        self._execute(f"INSERT INTO folded ({FOLDED_COLUMNS}) VALUES ({', '.join('?' * 9)})", folded.astuple())
        self._execute(f"DELETE FROM checks WHERE {where}", (entry_id, edge))
        return len(checks)

    def check_rows(self, run_id: int) -> Iterator[tuple[Any, ...]]:
        """The run's checks as stored: `CHECK_COLUMNS` values, untyped, in the order recorded."""
        for row in self._execute(f"SELECT {CHECK_COLUMNS} FROM checks WHERE run_id = ? ORDER BY id", (run_id,)):
            yield tuple(row)

    def add_runs(self, runs: Iterable[tuple[RunRow, Iterable[Sequence[Any]]]]) -> tuple[int, int]:
        """Add runs with their ids (and their checks, `CHECK_COLUMNS` values) that the store
        lacks, all in one transaction: an error half-way (a bad text form) adds nothing.
        Runs the store has already are passed over. Returns (runs added, checks added)."""
        have = {run.id for run in self.runs()}
        added = checks = 0
        placeholders = ", ".join("?" * (1 + len(CHECK_COLUMNS.split(","))))
        with self._writing("add runs"):
            for run, rows in runs:
                if run.id in have:
                    for _ in rows:  # read through, so a bad line further on is still found
                        pass
                    continue
                self._execute(
                    f"INSERT INTO runs ({RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    (run.id, run.started_at, run.finished_at, run.directory, run.network.value, run.checked),
                )
                counted = [0]

                def values(run_id: int = run.id) -> Iterator[tuple[Any, ...]]:
                    for row in rows:
                        counted[0] += 1
                        yield (run_id, *row)

                self._executemany(f"INSERT INTO checks (run_id, {CHECK_COLUMNS}) VALUES ({placeholders})", values())
                checks += counted[0]
                have.add(run.id)
                added += 1
            self._after_adding_runs()
        return added, checks

    def _after_adding_runs(self) -> None:
        """Runs were inserted with their own ids: an engine whose ids come from a sequence
        moves it past them."""
