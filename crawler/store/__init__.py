"""The history store: what every engine offers (`Store`), and `open_store` to pick one.

A location is a ``postgresql://`` URL or an SQLite file. Both engines have the same methods
and semantics (`crawler.store.sqlite.SqliteStore`, `crawler.store.postgres.PostgresStore`,
over the one schema of `crawler.store.schema`); callers open a store here and never ask
which it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from crawler.errors import StoreError
from crawler.store.rows import CheckRow, DomainRow, IdentityMemory, RunRow, Summary
from crawler.store.sql import RECENT
from crawler.store.sqlite import SqliteStore
from crawler.verdict.outcome import Outcome


class Store(Protocol):
    """What every history store offers (see `crawler.store.sqlite.SqliteStore` for the semantics)."""

    def begin_run(self, directory: str, started_at: str | None = None) -> int: ...
    def record(
        self, run_id: int, entry_id: str, url: str | None, checked_at: str, outcome: Outcome,
        origin: str | None = None,
    ) -> bool: ...
    def finish_run(self, run_id: int, *, network_available: bool) -> RunRow: ...
    def interrupt_run(self, run_id: int) -> RunRow: ...
    def run(self, run_id: int) -> RunRow | None: ...
    def last_run(self) -> RunRow | None: ...
    def summaries(self, entry_ids: Iterable[str], keep: int = 30, now: str | None = None) -> dict[str, Summary]: ...
    def checks_of_run(self, run_id: int) -> Iterator[CheckRow]: ...
    def runs(self) -> Iterator[RunRow]: ...
    def identity_memory(self, entry_ids: Iterable[str] | None = None) -> dict[str, IdentityMemory]: ...
    def record_domain(self, row: DomainRow) -> None: ...
    def domains(self) -> dict[str, DomainRow]: ...
    def fold(self, before: str | None, keep: int = RECENT) -> int: ...
    def compact(self) -> None: ...
    def check_rows(self, run_id: int) -> Iterator[tuple[Any, ...]]: ...
    def add_runs(self, runs: Iterable[tuple[RunRow, Iterable[Sequence[Any]]]]) -> tuple[int, int]: ...
    def close(self) -> None: ...


def fold_cutoff(days: int, now: datetime | None = None) -> str:
    """The time before which checks may be folded, by a policy that keeps `days` days."""
    return ((now or datetime.now(UTC)) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def open_store(location: str, *, write: bool) -> Store:
    """Open the store at `location`; raise StoreError if it cannot be used."""
    if not is_postgres(location):
        return SqliteStore.open(location, write=write)
    try:
        from crawler.store.postgres import PostgresStore
    except ImportError:
        raise StoreError(
            "a PostgreSQL history store needs psycopg: install the crawler with its "
            "'distributed' extra (pip install 'crawler[distributed]')"
        ) from None
    return PostgresStore.open(location, write=write)
