"""Per-entry decisions: what a maintainer has decided about one entry, with a reason and an end.

An entry of the directory file may carry them under its ``check:`` key, one mapping or a
list of them (read and validated by `crawler.directory`, which reports a wrong one as
``PATH:LINE: message`` like any other bad input)::

    check:
      accept: refusal          # a refusal (401, 403, 429, a bot challenge) is known and fine
      reason: behind a firewall; checked by hand on 2026-11-30
      until: 2027-03-01        # optional: the decision ends when this day begins (UTC)

The kinds, any of which one decision may combine:

* ``accept: refusal``: a `blocked` verdict is not a to-do item, nor a `check` failure;
* ``accept: redirect``: the listed URL stays as it is although it redirects (`redirected`
  or `moved`): no "fix the URL", no `check` failure;
* ``skip-until: DATE``: the entry is not checked before DATE (its last check stands);
* ``timeout: SECONDS``: a longer (or shorter) timeout for this entry's requests.

``reason`` is required, as in InternetArchiveBot's audit log. A decision past its end
(``until``, or ``skip-until``'s date) no longer applies and is reported as the maintainer
warning `EXPIRED` until someone removes or renews it: never a silent return to failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from crawler.verdict.outcome import Status, WarningCode

#: The maintainer warning of a decision past its end (the spec's `warnings` codes).
EXPIRED = WarningCode.DECISION_EXPIRED

#: The keys one decision may have.
KEYS = ("accept", "skip-until", "timeout", "reason", "until")
MAX_TIMEOUT = 600.0  # seconds: a decision may lengthen the wait, not hold a run for ever


class Accept(StrEnum):
    REFUSAL = "refusal"  # blocked: 401, 403, 429, a bot challenge
    REDIRECT = "redirect"  # redirected or moved: the listed URL stays


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision about one entry, as the directory file states it."""

    reason: str
    line: int  # the decision's first line in the directory file
    accept: Accept | None = None
    skip_until: date | None = None
    timeout: float | None = None
    until: date | None = None

    @property
    def ends(self) -> date | None:
        """The first day the decision no longer applies (None: it does not end)."""
        return self.skip_until or self.until

    def in_force(self, today: date) -> bool:
        return self.ends is None or today < self.ends

    def accepts(self, status: Status | str) -> bool:
        """Whether this decision (in force) makes a check of `status` acceptable."""
        match self.accept:
            case Accept.REFUSAL:
                return status == Status.BLOCKED
            case Accept.REDIRECT:
                return status in (Status.REDIRECTED, Status.MOVED)
            case None:
                return False

    def describe(self) -> str:
        """What it decides, in words: ``accept refusal; timeout 90 s``."""
        parts = []
        if self.accept is not None:
            parts.append(f"accept {self.accept}")
        if self.skip_until is not None:
            parts.append(f"skip until {self.skip_until.isoformat()}")
        if self.timeout is not None:
            parts.append(f"timeout {self.timeout:g} s")
        return "; ".join(parts)


def in_force(decisions: Iterable[Decision], today: date) -> list[Decision]:
    return [d for d in decisions if d.in_force(today)]


def skipped(decisions: Iterable[Decision], today: date) -> bool:
    """Whether a decision in force says not to check the entry today."""
    return any(d.skip_until is not None for d in in_force(decisions, today))


def timeout(decisions: Iterable[Decision], today: date) -> float | None:
    """The timeout a decision in force sets for the entry (the longest, if several), or None."""
    chosen = [d.timeout for d in in_force(decisions, today) if d.timeout is not None]
    return max(chosen) if chosen else None


def accepted(decisions: Iterable[Decision], status: Status | str, today: date) -> Decision | None:
    """The decision in force that accepts a check of `status`, or None."""
    return next((d for d in in_force(decisions, today) if d.accepts(status)), None)
