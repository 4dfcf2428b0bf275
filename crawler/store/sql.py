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
from crawler.store.rows import CheckRow, DomainRow, RunRow
from crawler.verdict.outcome import ANSWERED_REASONS, Identity, Network, Outcome, Status

CHECK_COLUMNS = (
    "entry_id, url, checked_at, status, reason, detail, http_status, final_url, title, content_updated,"
    " warnings, identity, identity_detail, origin"
)
DOMAIN_COLUMNS = "domain, registered, expires, checked, answer, tried"
RUN_COLUMNS = "id, started_at, finished_at, directory, network, checked"


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
    streaks: str  # entry_id, start and length of the current failing streak
    # entry_id, checks and verified checks since the short cutoff, and since the long one
    # (the share of checks verified over 30 and 365 days, beyond the `keep` recent ones).
    # Parameters, first: the short cutoff, the long cutoff (ISO-8601 UTC texts).
    shares: str

    @classmethod
    def over(cls, valid: str, keep: str, short: str = "?", long: str = "?") -> SummaryQueries:
        """`valid` selects the counted checks; `keep`, `short` and `long` are the engine's
        placeholders for the limit and the two cutoffs of `shares`."""
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
            # Failing checks after the last check that was not one.
            streaks=(
                f"WITH v AS ({valid}),"
                f" calm AS (SELECT entry_id, MAX(id) AS id FROM v WHERE status NOT IN ({failing})"
                " GROUP BY entry_id)"
                " SELECT v.entry_id, MIN(v.checked_at), COUNT(*) FROM v LEFT JOIN calm USING (entry_id)"
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
