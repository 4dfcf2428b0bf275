"""What the history store hands back: one row type per table, and the per-entry summary.

Rows are typed again here, at the store's boundary, whichever engine they come from: a
status is a `Status`, a reason a `Reason` where it names one, a run's network a `Network`
(as lychee's cache turns its stored text back into its `Status`). Nothing above the store
parses a status string.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.verdict.outcome import Network, Reason, Status, parse_reason


@dataclass(frozen=True, slots=True)
class CheckRow:
    entry_id: str
    url: str | None
    checked_at: str  # ISO-8601 UTC
    status: Status
    reason: str  # a `Reason`, or ``http-NNN``
    detail: str
    http_status: int | None
    final_url: str | None
    title: str | None
    content_updated: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> CheckRow:
        """A row of `crawler.store.sql.CHECK_COLUMNS`, typed."""
        entry, url, checked_at, status, reason, *rest = row
        return cls(entry, url, checked_at, Status(status), _reason(reason), *rest)


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str | None
    directory: str
    network: Network
    checked: int

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> RunRow:
        """A row of `crawler.store.sql.RUN_COLUMNS`, typed."""
        run_id, started_at, finished_at, directory, network, checked = row
        return cls(int(run_id), started_at, finished_at, directory, Network(network), int(checked))


@dataclass(frozen=True, slots=True)
class FoldedRow:
    """What an entry's folded checks said (a row of the `folded` table, `FOLDED_COLUMNS`)."""

    entry_id: str
    checks: int
    first_checked: str
    last_checked: str
    last_verified: str | None
    streak_since: str | None  # the start of the failing streak the folded checks end with
    streak_checks: int  # its length; 0 when they end with a check that did not fail
    last_title: str | None
    content_updated: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> FoldedRow:
        entry, checks, first, last, verified, since, streak, title, updated = row
        return cls(entry, int(checks), first, last, verified, since, int(streak), title, updated)

    def astuple(self) -> tuple[Any, ...]:
        return (
            self.entry_id, self.checks, self.first_checked, self.last_checked, self.last_verified,
            self.streak_since, self.streak_checks, self.last_title, self.content_updated,
        )

    @classmethod
    def fold(cls, before: FoldedRow | None, checks: Sequence[CheckRow]) -> FoldedRow:
        """`before` (what was folded earlier, or None) with `checks` folded in; `checks` are the
        entry's next oldest checks, oldest first, all counted."""
        assert checks
        verified = [c.checked_at for c in checks if c.status.verified]
        calm = [i for i, c in enumerate(checks) if not c.status.failing]
        streak = checks[calm[-1] + 1 :] if calm else checks
        if calm or before is None or not before.streak_checks:
            since, length = (streak[0].checked_at if streak else None), len(streak)
        else:  # every check folded now failed: the earlier streak goes on
            since, length = before.streak_since, before.streak_checks + len(streak)
        titles = [c.title for c in checks if c.title]
        dates = [c.content_updated for c in checks if c.content_updated]
        return cls(
            entry_id=checks[0].entry_id,
            checks=(before.checks if before else 0) + len(checks),
            first_checked=before.first_checked if before else checks[0].checked_at,
            last_checked=checks[-1].checked_at,
            last_verified=max([*verified, *([before.last_verified] if before and before.last_verified else [])],
                              default=None),
            streak_since=since,
            streak_checks=length,
            last_title=titles[-1] if titles else (before.last_title if before else None),
            content_updated=dates[-1] if dates else (before.content_updated if before else None),
        )


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


def _reason(text: str) -> str:
    # Reasons repeat across every entry: one object each (a member, or an interned string).
    reason = parse_reason(text)
    return reason if isinstance(reason, Reason) else sys.intern(reason)


def assemble_summaries(
    recent: Iterable[Sequence[Any]],
    last_verified: Iterable[Sequence[Any]],
    streaks: Iterable[Sequence[Any]],
    folded: Iterable[Sequence[Any]] = (),
) -> dict[str, Summary]:
    """Summaries from the rows of the four `crawler.store.sql.SummaryQueries`.

    The folded checks (`FoldedRow`) are older than every check still kept: their last
    verification counts, and their failing streak continues into the kept checks when
    none of those is calm (`streaks` says so with its fourth column, `open`).
    """
    rows: dict[str, list[CheckRow]] = {}
    for row in recent:
        check = CheckRow.from_row(row)
        rows.setdefault(check.entry_id, []).append(check)
    verified = {entry: at for entry, at in last_verified}
    streak = {entry: (since, int(count), bool(open_)) for entry, since, count, open_ in streaks}
    earlier = {row[0]: FoldedRow.from_row(row) for row in folded}
    summaries = {}
    for entry, checks in rows.items():
        since, count, open_ = streak.get(entry, (None, 0, False))
        old = earlier.get(entry)
        last_verified_at = verified.get(entry)
        if old is not None:
            if old.last_verified and (last_verified_at is None or old.last_verified > last_verified_at):
                last_verified_at = old.last_verified
            if open_ and old.streak_checks:
                since, count = old.streak_since, count + old.streak_checks
        summaries[entry] = Summary(tuple(checks), last_verified_at, since, count)
    return summaries
