"""The CI gate's judgement (`crawler check`): which problems fail the check, which are
ignored and why.

A problem is an entry whose latest status is one of `--fail-on`, unless a maintainer's
decision in force accepts that status (`EntryReport.accepted`). Checking every entry, each
problem fails. On a pull request (`--changed-since`), the change answers only for what it
did: a problem fails when the change added the entry or changed its website, or when the
grace rules have confirmed it (`EntryReport.dead_confirmed`: failing long enough); any
other problem (a site that was failing before, an entry whose name alone was edited, one
timeout) is reported as ignored, with the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from crawler.changes import EntryChanges
from crawler.reports.model import EntryReport
from crawler.verdict.outcome import Status


@dataclass(frozen=True, slots=True)
class Problem:
    """One entry whose status is in `--fail-on`, and whether it fails the check."""

    entry: EntryReport
    fails: bool
    ignored_because: str = ""  # why it does not fail ("" when it does)

    @property
    def status(self) -> Status:
        assert isinstance(self.entry.status, Status)
        return self.entry.status


def judge(
    entries: Iterable[EntryReport], fail_on: Collection[Status], changes: EntryChanges | None = None
) -> list[Problem]:
    """The problems among `entries`, in file order (by line).

    `changes` is the pull request's (None when the gate checks entries for their own sake:
    then every problem fails).
    """
    problems = []
    for entry in sorted(entries, key=lambda e: (e.line, e.id)):
        if not isinstance(entry.status, Status) or entry.status not in fail_on:
            continue
        if entry.accepted:  # a maintainer's decision in force accepts this status (crawler.decisions)
            continue
        why = "" if changes is None else _excuse(entry, changes)
        problems.append(Problem(entry, fails=not why, ignored_because=why))
    return problems


def _excuse(entry: EntryReport, changes: EntryChanges) -> str:
    """Why the pull request does not answer for this problem ("" when it does)."""
    if entry.id in changes.added:
        return ""
    if entry.id in changes.website_changed:
        return ""
    if entry.dead_confirmed:
        return ""  # failing past the grace period: the change touched an entry known to be broken
    since = (entry.failing_since or entry.last_checked or "")[:10]
    failures = entry.consecutive_failures
    streak = f"failing since {since}, {failures} failed check{'s' if failures != 1 else ''}" if since else "failing"
    return f"this change did not touch its website, and the failure is not confirmed yet ({streak})"
