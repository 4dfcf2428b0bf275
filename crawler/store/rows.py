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


def assemble_memory(rows: Iterable[Sequence[Any]]) -> dict[str, IdentityMemory]:
    """Per entry, from rows of (entry_id, title, last time a confirmed check showed it)."""
    seen: dict[str, list[tuple[str, str | None]]] = {}
    for entry, title, at in rows:
        seen.setdefault(entry, []).append((at, title))
    memory: dict[str, IdentityMemory] = {}
    for entry, pairs in seen.items():
        pairs.sort(key=lambda pair: pair[0], reverse=True)
        titles = tuple(title for _, title in pairs if title)[:MEMORY_TITLES]
        memory[entry] = IdentityMemory(pairs[0][0], titles)
    return memory


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
) -> dict[str, Summary]:
    """Summaries from the rows of the four `crawler.store.sql.SummaryQueries`."""
    rows: dict[str, list[CheckRow]] = {}
    for row in recent:
        check = CheckRow.from_row(row)
        rows.setdefault(check.entry_id, []).append(check)
    verified = {entry: at for entry, at in last_verified}
    streak = {entry: (since, int(count)) for entry, since, count in streaks}
    share = {entry: Shares(*(int(n or 0) for n in counts)) for entry, *counts in shares}
    return {
        entry: Summary(tuple(checks), verified.get(entry), *streak.get(entry, (None, 0)), share.get(entry, Shares()))
        for entry, checks in rows.items()
    }
