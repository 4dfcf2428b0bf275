"""What the history store hands back: one row type per table, and the per-entry summary.

Rows are typed again here, at the store's boundary, whichever engine they come from: a
status is a `Status`, a reason a `Reason` where it names one, a run's network a `Network`
(as lychee's cache turns its stored text back into its `Status`). Nothing above the store
parses a status string.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from crawler.verdict.outcome import (
    Identity,
    Network,
    Reason,
    Status,
    parse_identity,
    parse_reason,
    parse_warnings,
)


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
    warnings: tuple[str, ...] = ()
    identity: Identity | None = None
    identity_detail: str = ""
    origin: str | None = None  # where a shared crawl saw it from ("a,b": confirmed from b)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> CheckRow:
        """A row of `crawler.store.sql.CHECK_COLUMNS`, typed."""
        entry, url, checked_at, status, reason, detail, http_status, final_url, title, updated, *more = row
        warnings, identity, identity_detail, origin = more
        # Checks of one run share their few thousand distinct seconds: one string each, so a
        # report of a million entries with their history holds each time once.
        return cls(
            entry, url, sys.intern(checked_at), Status(status), _reason(reason), detail, http_status, final_url,
            title, updated, parse_warnings(warnings), parse_identity(identity), identity_detail or "", origin,
        )


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
class Shares:
    """How many of an entry's checks were verified (ok or redirected), over two windows."""

    checks_30: int = 0  # checks within the last 30 days
    verified_30: int = 0
    checks_365: int = 0  # checks within the last 365 days
    verified_365: int = 0


@dataclass(frozen=True, slots=True)
class DomainRow:
    """What a registered domain's RDAP record said (a row of the `domains` table).

    `registered`, `expires` and `checked` come from the registry's last answer, `answer`
    says which: "found", or "not-found" (no such domain); all None while no lookup was
    answered. `tried` is when it was last asked, answered or not.
    """

    domain: str  # the registered domain, ASCII (punycode), lower case
    tried: str  # ISO-8601 UTC
    answer: str | None = None
    registered: str | None = None  # YYYY-MM-DD
    expires: str | None = None  # YYYY-MM-DD
    checked: str | None = None  # ISO-8601 UTC

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> DomainRow:
        """A row of `crawler.store.sql.DOMAIN_COLUMNS`, typed."""
        domain, registered, expires, checked, answer, tried = row
        return cls(domain, tried, answer, registered, expires, checked)


@dataclass(frozen=True, slots=True)
class IdentityMemory:
    """What the history says about an entry's identity: when a check last confirmed it,
    and the titles its site showed while confirmed (newest first)."""

    last_confirmed: str | None = None  # ISO-8601 UTC
    confirmed_titles: tuple[str, ...] = ()


#: Former titles kept per entry: a site's own titles change rarely; a long tail says nothing new.
MEMORY_TITLES = 10


def assemble_memory(rows: Iterable[Sequence[Any]], folded: Iterable[Sequence[Any]] = ()) -> dict[str, IdentityMemory]:
    """Per entry, from rows of (entry_id, title, last time a confirmed check showed it), and
    rows of (entry_id, `FoldedRow.confirmed`) for what the folded checks confirmed."""
    latest: dict[str, dict[str | None, str]] = {}
    for entry, title, at in _with_folded(rows, folded):
        times = latest.setdefault(entry, {})
        if at > times.get(title, ""):
            times[title] = at
    memory: dict[str, IdentityMemory] = {}
    for entry, by_title in latest.items():
        pairs = sorted(((at, title) for title, at in by_title.items()), key=lambda pair: pair[0], reverse=True)
        titles = tuple(title for _, title in pairs if title)[:MEMORY_TITLES]
        memory[entry] = IdentityMemory(pairs[0][0], titles)
    return memory


def _with_folded(rows: Iterable[Sequence[Any]], folded: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield from rows
    for entry, confirmed in folded:
        for title, at in (json.loads(confirmed) if confirmed else {}).items():
            yield entry, title or None, at


@dataclass(frozen=True, slots=True)
class FoldedRow:
    """What an entry's folded checks said (a row of the `folded` table, `FOLDED_COLUMNS`).

    Besides the dates and the streak, it keeps what main's later fields read from old
    checks: `moments`, the time and verdict of each folded check of the last
    `MOMENTS_DAYS` days (the 30- and 365-day shares of verified checks), and `confirmed`,
    the last time each title was seen while the identity was confirmed (the identity memory).
    """

    entry_id: str
    checks: int
    first_checked: str
    last_checked: str
    last_verified: str | None
    streak_since: str | None  # the start of the failing streak the folded checks end with
    streak_checks: int  # its length; 0 when they end with a check that did not fail
    last_title: str | None
    content_updated: str | None
    # "<unix seconds>v" (verified) or "<unix seconds>x" per folded check, oldest first,
    # space-separated; only those within MOMENTS_DAYS of the fold.
    moments: str = ""
    # JSON {title: last confirmed ISO time} ("" for no title), the newest MEMORY_TITLES + 1.
    confirmed: str = ""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> FoldedRow:
        entry, checks, first, last, verified, since, streak, title, updated, moments, confirmed = row
        return cls(
            entry, int(checks), first, last, verified, since, int(streak), title, updated, moments or "", confirmed or ""
        )

    def astuple(self) -> tuple[Any, ...]:
        return (
            self.entry_id, self.checks, self.first_checked, self.last_checked, self.last_verified,
            self.streak_since, self.streak_checks, self.last_title, self.content_updated, self.moments, self.confirmed,
        )

    @classmethod
    def fold(cls, before: FoldedRow | None, checks: Sequence[CheckRow], now: str) -> FoldedRow:
        """`before` (what was folded earlier, or None) with `checks` folded in; `checks` are the
        entry's next oldest checks, oldest first, all counted; `now` (ISO-8601 UTC) dates the
        fold, for which moments are still worth keeping."""
        assert checks
        # As `SummaryQueries.last_verified`: an ok answer from someone else's site verifies nothing.
        verified = [c.checked_at for c in checks if c.status.verified and c.identity is not Identity.LOST]
        calm = [i for i, c in enumerate(checks) if not c.status.failing]
        streak = checks[calm[-1] + 1 :] if calm else checks
        if calm or before is None or not before.streak_checks:
            since, length = (streak[0].checked_at if streak else None), len(streak)
        else:  # every check folded now failed: the earlier streak goes on
            since, length = before.streak_since, before.streak_checks + len(streak)
        titles = [c.title for c in checks if c.title]
        dates = [c.content_updated for c in checks if c.content_updated]
        oldest = _seconds(now) - MOMENTS_DAYS * 86_400
        moments = [m for m in (before.moments.split() if before else []) if int(m[:-1]) >= oldest]
        moments += [
            f"{seconds}{'v' if c.status.verified else 'x'}"
            for c in checks if (seconds := _seconds(c.checked_at)) >= oldest
        ]
        confirmed: dict[str, str] = json.loads(before.confirmed) if before and before.confirmed else {}
        for c in checks:
            if c.identity is Identity.CONFIRMED:
                key = c.title or ""
                confirmed[key] = max(confirmed.get(key, ""), c.checked_at)
        newest = sorted(confirmed.items(), key=lambda pair: pair[1], reverse=True)[: MEMORY_TITLES + 1]
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
            moments=" ".join(moments),
            confirmed=json.dumps(dict(newest), ensure_ascii=False, separators=(",", ":")) if newest else "",
        )

    def shares(self, short: str, long: str) -> Shares:
        """Its folded checks at or after the two cutoffs (ISO-8601 UTC), as `Shares` counts."""
        first, second = _seconds(short), _seconds(long)
        counts = [0, 0, 0, 0]
        for moment in self.moments.split():
            seconds, verified = int(moment[:-1]), moment[-1] == "v"
            if seconds >= first:
                counts[0] += 1
                counts[1] += verified
            if seconds >= second:
                counts[2] += 1
                counts[3] += verified
        return Shares(*counts)


#: How long a folded check still counts towards the shares of verified checks (the longest
#: window, 365 days, and a day to spare).
MOMENTS_DAYS = 366


def _seconds(iso: str) -> int:
    """Unix seconds of an ISO-8601 UTC time (``...Z`` or with an offset)."""
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


@dataclass(frozen=True, slots=True)
class Summary:
    """What the whole history says about one entry."""

    recent: tuple[CheckRow, ...]  # newest last, at most `keep` of them
    last_verified: str | None
    failing_since: str | None
    consecutive_failures: int
    shares: Shares = Shares()

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
    shares: Iterable[Sequence[Any]] = (),
    folded: Iterable[Sequence[Any]] = (),
    cutoffs: tuple[str, str] | None = None,
) -> dict[str, Summary]:
    """Summaries from the rows of the five `crawler.store.sql.SummaryQueries`.

    The folded checks (`FoldedRow`) are older than every check still kept: their last
    verification counts, their failing streak continues into the kept checks when none of
    those is calm (`streaks` says so with its fourth column, `open`), and those at or after
    the `shares` `cutoffs` (short, long) count towards the shares.
    """
    rows: dict[str, list[CheckRow]] = {}
    for row in recent:
        check = CheckRow.from_row(row)
        rows.setdefault(check.entry_id, []).append(check)
    verified = {entry: at for entry, at in last_verified}
    streak = {entry: (since, int(count), bool(open_)) for entry, since, count, open_ in streaks}
    share = {entry: Shares(*(int(n or 0) for n in counts)) for entry, *counts in shares}
    earlier = {row[0]: FoldedRow.from_row(row) for row in folded}
    summaries = {}
    for entry, checks in rows.items():
        since, count, open_ = streak.get(entry, (None, 0, False))
        counted = share.get(entry, Shares())
        old = earlier.get(entry)
        last_verified_at = verified.get(entry)
        if old is not None:
            if old.last_verified and (last_verified_at is None or old.last_verified > last_verified_at):
                last_verified_at = old.last_verified
            if open_ and old.streak_checks:
                since, count = old.streak_since, count + old.streak_checks
            if cutoffs is not None and old.moments:
                more = old.shares(*cutoffs)
                counted = Shares(*(a + b for a, b in zip(astuple(counted), astuple(more), strict=True)))
        summaries[entry] = Summary(tuple(checks), last_verified_at, since, count, counted)
    return summaries
