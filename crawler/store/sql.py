"""The SQL both history stores speak, and the queries they share (`SqlStore`).

Written with ``?`` placeholders; an engine names its driver's (`SqlStore.PARAM`), gives its
transactions and opens, locks, creates and begins runs its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.errors import WriteError
from crawler.items import utc_now
from crawler.store.rows import CheckRow, DomainRow, FoldedRow, RunRow
from crawler.verdict.outcome import ANSWERED_REASONS, Identity, Network, Outcome, Status

CHECK_COLUMNS = (
    "entry_id, url, checked_at, status, reason, detail, http_status, final_url, title, content_updated,"
    " warnings, identity, identity_detail, origin"
)
DOMAIN_COLUMNS = "domain, registered, expires, checked, answer, tried"
RUN_COLUMNS = "id, started_at, finished_at, directory, network, checked"
FOLDED_COLUMNS = (
    "entry_id, checks, first_checked, last_checked, last_verified, streak_since, streak_checks,"
    " last_title, content_updated, moments, confirmed"
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


#: The windows of `SummaryQueries.shares`, in days (the readers' page's "30 days", "365 days").
SHARE_WINDOWS = (30, 365)


def share_cutoffs(now: str | None = None) -> tuple[str, str]:
    """The two cutoffs of `SummaryQueries.shares`: `SHARE_WINDOWS` days before `now`
    (ISO-8601 UTC, default the present), as ISO-8601 UTC texts."""
    moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    short, long = ((moment - timedelta(days=d)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for d in SHARE_WINDOWS)
    return short, long


def identity_memory_sql(valid: str) -> str:
    """Per entry and title, the last time a counted check confirmed the entry's identity
    while its site showed that title (`crawler.store.rows.assemble_memory` reads it).
    `valid` selects the counted checks."""
    return (
        f"SELECT entry_id, title, MAX(checked_at) FROM ({valid}) v"
        f" WHERE identity = '{Identity.CONFIRMED}' GROUP BY entry_id, title"
    )


@dataclass(frozen=True, slots=True)
class SummaryQueries:
    """The four queries behind `summaries`, over a subquery of counted checks."""

    recent: str  # the last `keep` checks per entry, oldest first; one parameter: keep
    last_verified: str  # entry_id, last time it was ok or redirected (and not lost to someone else)
    streaks: str  # entry_id, start and length of the current failing streak, whether it is open
    # entry_id, checks and verified checks since the short cutoff, and since the long one
    # (the share of checks verified over 30 and 365 days, beyond the `keep` recent ones).
    # Parameters, first: the short cutoff, the long cutoff (ISO-8601 UTC texts).
    shares: str
    folded: str  # the entries' `folded` rows (FOLDED_COLUMNS)

    @classmethod
    def over(cls, valid: str, keep: str, short: str = "?", long: str = "?", wanted: str = "TRUE") -> SummaryQueries:
        """`valid` selects the counted checks; `keep`, `short` and `long` are the engine's
        placeholders for the limit and the two cutoffs of `shares`; `wanted` selects the
        `folded` rows (of the same entries)."""
        failing = _in_list(s for s in Status if s.failing)
        verified = _in_list(s for s in Status if s.verified)
        return cls(
            recent=(
                f"SELECT {CHECK_COLUMNS} FROM (SELECT v.*, ROW_NUMBER() OVER"
                f" (PARTITION BY entry_id ORDER BY id DESC) AS rn FROM ({valid}) v) numbered"
                f" WHERE rn <= {keep} ORDER BY entry_id, id"
            ),
            # A site that answered ok as someone else's (identity lost) was not verified.
            last_verified=(
                f"SELECT entry_id, MAX(checked_at) FROM ({valid}) v WHERE status IN ({verified})"
                f" AND (identity IS NULL OR identity <> '{Identity.LOST}') GROUP BY entry_id"
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
            # The cutoffs come first in the text (a CTE), so positional placeholders meet
            # their values in order: short, long, then whatever `valid` takes. Comparing
            # ISO-8601 UTC texts compares the moments.
            shares=(
                f"WITH cut AS (SELECT CAST({short} AS TEXT) AS short, CAST({long} AS TEXT) AS long)"
                " SELECT v.entry_id,"
                " SUM(CASE WHEN v.checked_at >= cut.short THEN 1 ELSE 0 END),"
                f" SUM(CASE WHEN v.checked_at >= cut.short AND v.status IN ({verified}) THEN 1 ELSE 0 END),"
                " COUNT(*),"
                f" SUM(CASE WHEN v.status IN ({verified}) THEN 1 ELSE 0 END)"
                f" FROM ({valid}) v CROSS JOIN cut WHERE v.checked_at >= cut.long"
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
        """Settle runs a killed process left 'running' (see `interrupt_run`)."""
        with self._transaction():
            for (run_id,) in self._execute(f"SELECT id FROM runs WHERE network = '{Network.RUNNING}'").fetchall():
                self._interrupt(run_id, finished_at=None)  # when it died is not known

    def interrupt_run(self, run_id: int) -> RunRow:
        """Close a run that was stopped before its end (a signal, a kill).

        Its checks stand if anything answered in them (the network was up); if nothing
        did, they were the network's failures, not the sites', and go.
        """
        with self._writing("settle the run"):
            self._interrupt(run_id, finished_at=utc_now())
        run = self.run(run_id)
        assert run is not None
        return run

    def _interrupt(self, run_id: int, finished_at: str | None) -> None:
        hits = self._execute(
            f"SELECT count(*) FROM checks WHERE run_id = ? AND ({answered_sql()})", (run_id,)
        ).fetchone()[0]
        if not hits:
            self._execute("DELETE FROM checks WHERE run_id = ?", (run_id,))
        self._execute(
            f"UPDATE runs SET finished_at = ?, network = '{Network.INTERRUPTED}', checked = "
            "(SELECT count(*) FROM checks WHERE run_id = ?) WHERE id = ?",
            (finished_at, run_id, run_id),
        )

    def record(
        self, run_id: int, entry_id: str, url: str | None, checked_at: str, outcome: Outcome,
        origin: str | None = None,
    ) -> bool:
        """Store one check, committed before returning (`WriteError` if it cannot be).

        False when the run already has a check of this entry (a shared crawl that checked it
        twice): the first one stands and nothing is written."""
        with self._writing("record a check"):
            cursor = self._execute(
                f"INSERT INTO checks (run_id, {CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id, entry_id) DO NOTHING",
                (
                    run_id, entry_id, url, checked_at, outcome.status.value, str(outcome.reason),
                    outcome.detail, outcome.http_status, outcome.final_url, outcome.title,
                    outcome.content_updated, ",".join(outcome.warnings),
                    outcome.identity.value if outcome.identity else None, outcome.identity_detail, origin,
                ),
            )
            return bool(cursor.rowcount == 1)

    def evidence(self, run_id: int) -> tuple[int, int]:
        """The run's checks that went out on the network, and how many of those something
        answered: the network verdict's evidence (`Status.reaches_network`, `Outcome.answered`)."""
        reaching = _in_list(s for s in Status if s.reaches_network)
        row = self._execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN {answered_sql()} THEN 1 ELSE 0 END), 0) FROM checks"
            f" WHERE run_id = ? AND status IN ({reaching})",
            (run_id,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def recorded_entries(self, run_id: int) -> set[str]:
        """The ids of the entries the run has a check of."""
        return {row[0] for row in self._execute("SELECT entry_id FROM checks WHERE run_id = ?", (run_id,))}

    def record_domain(self, row: DomainRow) -> None:
        """Store a registered domain's lookup, committed. An answered lookup (`row.answer`
        set) replaces what was known; an unanswered one only moves `tried`, so the last
        answer stands."""
        with self._transaction():
            if row.answer is None:
                self._execute(
                    "INSERT INTO domains (domain, tried) VALUES (?, ?)"
                    " ON CONFLICT (domain) DO UPDATE SET tried = excluded.tried",
                    (row.domain, row.tried),
                )
                return
            self._execute(
                f"INSERT INTO domains ({DOMAIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (domain) DO UPDATE SET registered = excluded.registered,"
                " expires = excluded.expires, checked = excluded.checked, answer = excluded.answer,"
                " tried = excluded.tried",
                (row.domain, row.registered, row.expires, row.checked, row.answer, row.tried),
            )

    def domains(self) -> dict[str, DomainRow]:
        """Every registered domain's last RDAP answer, by domain (one row per domain listed)."""
        rows = self._execute(f"SELECT {DOMAIN_COLUMNS} FROM domains").fetchall()
        return {row[0]: DomainRow.from_row(row) for row in rows}

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
        now = utc_now()
        for start in range(0, len(crowded), _FOLD_BATCH):
            with self._writing("fold old checks"):
                for entry_id in crowded[start : start + _FOLD_BATCH]:
                    total += self._fold_entry(entry_id, before, keep, now)
        return total

    def _fold_entry(self, entry_id: str, before: str, keep: int, now: str) -> int:
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
        folded = FoldedRow.fold(FoldedRow.from_row(row) if row else None, checks, now)
        self._execute("DELETE FROM folded WHERE entry_id = ?", (entry_id,))
        values = folded.astuple()
        self._execute(f"INSERT INTO folded ({FOLDED_COLUMNS}) VALUES ({', '.join('?' * len(values))})", values)
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
