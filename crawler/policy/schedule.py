"""Which entries a crawl checks: every one, or those that are due (``crawl --due``), at most ``--max``.

An entry is due, from its history (`State`):

* at once when it is new (never checked) or edited (its listed URL is not the one its last
  check was of: a website added, removed or changed, by hand or by ``crawler fix``);
* when it is failing (its last check failed) and the grace period has not yet decided it
  is dead: ``failing_days`` (default 1) after its last check, so a failure is confirmed or
  cleared quickly, as MusicBrainz waits for the same error in two passes;
* otherwise (it answered, was refused, or the grace period has spoken) ``alive_days``
  (default 7, as InternetArchiveBot waits a week) after its last check.

An interval counts as passed an hour early (`SLACK`), so a daily run at a fixed time is not
a day late because the previous run took a few minutes longer.

With ``spread`` (the default), a run makes at least an even share of the directory's weekly
checks (entries / alive_days), topping the due ones up with the entries checked longest
ago; new, edited and failing entries come on top. A directory that was checked all at once
settles within one interval into the same number of checks every day. ``max`` bounds a run: new and edited entries first, then failing ones, then the most
overdue; the rest wait for the next run. Decisions in force that say ``skip-until`` keep an
entry out of every run. Reports always cover every entry, with its last check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from crawler import decisions
from crawler.directory import Entry
from crawler.reports.model import SUMMARY_CHUNK, Policy, grace_over
from crawler.store import Store
from crawler.store.rows import Summary

SLACK = timedelta(hours=1)


class Why(IntEnum):
    """Why an entry is in a run; the order is the order of precedence under ``max``."""

    NEW = 0  # never checked
    EDITED = 1  # its listed URL is not the one last checked
    FAILING = 2  # failing, grace period not over: due daily
    DUE = 3  # its interval has passed
    SPREAD = 4  # not due yet, but checked early to even out the runs
    ANY = 5  # a crawl of everything (no --due)

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Schedule:
    """The `[schedule]` of crawler.toml."""

    alive_days: float = 7.0
    failing_days: float = 1.0
    spread: bool = True
    max: int = 0  # 0: no limit


@dataclass(frozen=True, slots=True)
class State:
    """What the history says about one entry, as far as its schedule goes."""

    last_checked: datetime
    checked_url: str | None  # the URL the last check was of (None: no website listed then)
    failing: bool  # the last check failed
    grace_over: bool  # failing often and long enough to be called dead

    @classmethod
    def of(cls, summary: Summary, policy: Policy) -> State:
        latest = summary.latest
        return cls(_parse(latest.checked_at), latest.url, latest.status.failing, grace_over(summary, policy))


@dataclass(frozen=True)
class Choice:
    """The entries one run checks, and why."""

    ids: tuple[str, ...]  # in directory order
    why: Mapping[str, Why] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # decisions in force say "not now"
    left: int = 0  # due, but left for a later run by `max`

    def counts(self) -> dict[str, int]:
        """How many entries of the run for each reason, e.g. {"new": 3, "due": 10}."""
        counts: dict[str, int] = {}
        for why in self.why.values():
            counts[why.word] = counts.get(why.word, 0) + 1
        return counts


def why_due(entry: Entry, state: State | None, schedule: Schedule, now: datetime) -> Why | None:
    """Why `entry` is due at `now`, or None when it is not."""
    if state is None:
        return Why.NEW
    # The listed URL as checked (punycode host); the plain comparison first spares the
    # parsing for the usual case of an unchanged ASCII URL.
    if entry.website != state.checked_url and entry.ascii_url != state.checked_url:
        return Why.EDITED
    if state.failing and not state.grace_over:
        return Why.FAILING if now - state.last_checked >= _days(schedule.failing_days) - SLACK else None
    return Why.DUE if now - state.last_checked >= _days(schedule.alive_days) - SLACK else None


def choose(
    entries: Sequence[Entry],
    states: Mapping[str, State],
    schedule: Schedule,
    now: datetime,
    *,
    due: bool,
) -> Choice:
    """The entries of one run: the due ones (or all, without `due`), spread and bounded."""
    today = now.date()
    skipped = tuple(e.id for e in entries if decisions.skipped(e.decisions, today))
    kept_out = set(skipped)
    candidates = [e for e in entries if e.id not in kept_out]
    chosen: dict[str, Why] = {}
    for entry in candidates:
        why = why_due(entry, states.get(entry.id), schedule, now)
        if why is not None:
            chosen[entry.id] = why
        elif not due:
            chosen[entry.id] = Why.ANY  # checked all the same, after the due ones under `max`
    if due and schedule.spread:
        # The weekly checks (due ones, then early ones) make up an even share of the
        # directory; new, edited and failing entries come on top of it.
        share = math.ceil(len(candidates) / schedule.alive_days)
        weekly = sum(1 for why in chosen.values() if why is Why.DUE)
        if weekly < share:
            early = sorted(
                (e for e in candidates if e.id not in chosen),
                key=lambda e: (states[e.id].last_checked, e.entry_line),
            )
            chosen.update((e.id, Why.SPREAD) for e in early[: share - weekly])
    left = 0
    if schedule.max and len(chosen) > schedule.max:
        never = datetime.min.replace(tzinfo=now.tzinfo)

        def precedence(entry: Entry) -> tuple[int, datetime, int]:
            state = states.get(entry.id)
            return chosen[entry.id], state.last_checked if state else never, entry.entry_line

        ranked = sorted((e for e in candidates if e.id in chosen), key=precedence)
        kept = {e.id for e in ranked[: schedule.max]}
        left = sum(1 for e in ranked[schedule.max :] if chosen[e.id] is not Why.SPREAD)
        chosen = {k: v for k, v in chosen.items() if k in kept}
    ids = tuple(e.id for e in candidates if e.id in chosen)
    return Choice(ids, {i: chosen[i] for i in ids}, skipped, left)


def states(entries: Sequence[Entry], store: Store, policy: Policy) -> dict[str, State]:
    """Each entry's `State` from the history store (entries never checked have none)."""
    found: dict[str, State] = {}
    for start in range(0, len(entries), SUMMARY_CHUNK):
        chunk = entries[start : start + SUMMARY_CHUNK]
        for entry_id, summary in store.summaries((e.id for e in chunk), keep=1).items():
            found[entry_id] = State.of(summary, policy)
    return found


def _days(days: float) -> timedelta:
    return timedelta(days=days)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
