"""The items the spider yields and the pipeline records, and the clock that stamps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.verdict.outcome import Outcome

CANARY_ID = "__canary__"  # the pseudo-entry of the canary URL; never recorded
# Stats key prefix of the recorded checks per status (crawler/outcome/ok, ...), for observing.
OUTCOME_STAT = "crawler/outcome/"
# Stats key of the recorded checks that some server answered (`Outcome.answered`), for observing.
ANSWERED_STAT = "crawler/answered"


@dataclass(frozen=True, slots=True)
class Check:
    """One entry's verdict at one moment."""

    entry_id: str
    url: str | None  # the URL checked (punycode host); None when no website is listed
    checked_at: str  # ISO-8601 UTC
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class DomainLookup:
    """One RDAP lookup of a registered domain (`crawler.registrations`), for the store's cache.

    `answer` is "found" or "not-found" when the registry answered, None when it did not (then
    only `tried` is kept, and the last answer stands).
    """

    domain: str  # registered domain, ASCII, lower case
    tried: str  # ISO-8601 UTC
    answer: str | None = None
    registered: str | None = None  # YYYY-MM-DD
    expires: str | None = None  # YYYY-MM-DD


def utc_now() -> str:
    """Now, as every time in the history is written: ISO-8601 UTC to the second, ending in Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
