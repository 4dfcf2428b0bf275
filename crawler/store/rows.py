"""What the history store hands back: one row type per table, and the per-entry summary."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


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


def assemble_summaries(
    recent: Iterable[Sequence[Any]], last_verified: Iterable[Sequence[Any]], streaks: Iterable[Sequence[Any]]
) -> dict[str, Summary]:
    """Summaries from the rows of the three `crawler.store.sql.SummaryQueries`."""
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
