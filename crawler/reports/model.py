"""What every report shows: the directory joined with its history, computed once.

Each writer in `crawler.reports` renders a `Report`; none of them reads the store or
the directory file itself, so the formats cannot disagree about the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal, assert_never

from crawler import decisions
from crawler.changes import Blame, blame_lines
from crawler.directory import Directory, Entry
from crawler.reports.location import blob_base, line_link, repository_path
from crawler.store import Store
from crawler.store.rows import DomainRow, Summary
from crawler.verdict import freshness
from crawler.verdict.domains import host_of, registered_domain
from crawler.verdict.outcome import Identity, Network, Reason, Status


class Action(StrEnum):
    """What a maintainer should do about an entry, in the order the to-do list shows them."""

    FIX_URL = "fix-url"  # permanently redirected: update the listed URL
    CHECK_IDENTITY = "check-identity"  # lost, moved, parked or title changed: is it still them?
    REMOVE = "remove"  # dead past the grace period: remove or replace
    CHECK_BY_HAND = "check-by-hand"  # refuses robots (401, 403, 429, a challenge): a person must look
    WATCH = "watch"  # failing, not yet past the grace period: nothing to do yet
    INACTIVE = "inactive"  # answers, but its content has not changed for a long time
    ADD_WEBSITE = "add-website"  # no website listed
    NONE = "none"  # nothing to do

    @property
    def todo(self) -> bool:
        """A maintainer has something to do now (the tracking issue stays open for it);
        the other actions are for information: wait, or a long-standing state."""
        match self:
            case Action.FIX_URL | Action.CHECK_IDENTITY | Action.REMOVE | Action.CHECK_BY_HAND:
                return True
            case Action.WATCH | Action.INACTIVE | Action.ADD_WEBSITE | Action.NONE:
                return False
            case _:
                assert_never(self)


#: Headings of the maintainers' to-do list, in display order.
ACTION_HEADINGS: dict[Action, str] = {
    Action.FIX_URL: "Fix the URL",
    Action.CHECK_IDENTITY: "Check the identity",
    Action.REMOVE: "Remove or replace",
    Action.CHECK_BY_HAND: "Check by hand",
    Action.WATCH: "Watch",
    Action.INACTIVE: "Inactive sites",
    Action.ADD_WEBSITE: "No website listed",
    Action.NONE: "Nothing to do",
}


#: The status of an entry no check has reached yet (not a `Status`: nothing was checked).
Unchecked = Literal["unchecked"]
UNCHECKED: Unchecked = "unchecked"


@dataclass(frozen=True, slots=True)
class PastCheck:
    """One earlier check, for the history strip (newest last)."""

    checked_at: str  # ISO-8601 UTC, e.g. 2026-11-24T10:00:03Z
    status: Status
    reason: str  # a `Reason`, or ``http-NNN``


@dataclass(frozen=True, slots=True)
class DomainInfo:
    """The listed registered domain's RDAP record, as last answered (the spec's `domain`)."""

    registered: str | None  # YYYY-MM-DD
    expires: str | None  # YYYY-MM-DD
    checked: str  # YYYY-MM-DD: when the registry answered
    found: bool  # False: the registry holds no such domain (it is free to register)


@dataclass(frozen=True, slots=True)
class DecisionReport:
    """One of the entry's decisions (`crawler.decisions`), as every report shows it."""

    what: str  # e.g. "accept refusal; timeout 90 s"
    reason: str
    until: str | None  # YYYY-MM-DD: the first day it no longer applies; None: no end
    in_force: bool
    applied: bool  # it changed this entry's advice or check today (accepts its status, skips it...)
    line: int  # where it is written in the directory file
    by: str | None = None  # who last changed its line, per git blame (None: unknown)
    since: str | None = None  # when (YYYY-MM-DD), per git blame


@dataclass(frozen=True, slots=True)
class EntryReport:
    """One directory entry with its latest verdict and what history says about it.

    Field names match the spec's `staleness.json` keys; times are ISO-8601 UTC strings
    ending in ``Z``, dates are ``YYYY-MM-DD``; ``None`` where a value is unknown.
    """

    id: str
    name: str
    country: str
    line: int  # the line of the directory file to edit (the website line, else the entry's)
    url: str | None
    # What the checks say; the defaults describe an entry never checked.
    status: Status | Unchecked = UNCHECKED
    reason: str = UNCHECKED  # a `Reason`, ``http-NNN``, or "unchecked"
    detail: str = ""
    http_status: int | None = None
    final_url: str | None = None
    title: str | None = None
    previous_title: str | None = None
    title_changed: bool = False
    last_checked: str | None = None
    last_verified: str | None = None
    failing_since: str | None = None
    consecutive_failures: int = 0
    content_updated: str | None = None
    stale: bool = True
    # The spec's second-wave fields:
    identity: Identity | None = None
    identity_detail: str = ""
    warnings: tuple[str, ...] = ()  # `WarningCode`s of the latest check
    domain: DomainInfo | None = None
    # Beyond the spec's fields:
    name_en: str | None = None
    notes: str | None = None
    inactive: bool = False  # content_updated older than the inactivity window
    dead_confirmed: bool = False  # failed often and long enough to call it dead
    action: Action = Action.NONE
    action_detail: str = ""  # one line saying what to do, e.g. "http://a/ → https://a/"
    history: tuple[PastCheck, ...] = ()  # up to the last 30 checks, oldest first
    decisions: tuple[DecisionReport, ...] = ()  # the maintainers' decisions about this entry
    accepted: bool = False  # a decision in force accepts the latest status: nothing to do
    extra: tuple[tuple[str, Any], ...] = ()  # the directory's own fields (crawler.toml's extra_keys)
    # Counted checks and how many of them verified the site, over the last 30 and 365 days.
    checks_30: int = 0
    verified_30: int = 0
    checks_365: int = 0
    verified_365: int = 0
    origin: str | None = None  # where a shared crawl saw the latest check from ("a,b": confirmed from b)


@dataclass(frozen=True, slots=True)
class RunInfo:
    started_at: str | None
    finished_at: str | None
    checked: int
    network: Network | None  # None: no crawl yet


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: str
    directory: str  # the directory file's path inside its repository (`location.repository_path`)
    run: RunInfo
    entries: tuple[EntryReport, ...] = field(default_factory=tuple)
    stale_after_days: int = 30
    title: str = "Organisation directory"  # the readers' page heading (crawler.toml's report.title)
    newest_check: str | None = None  # the newest counted check of any entry: how fresh the page is
    link_base: str | None = None  # where `line_link` points (`location.blob_base`); None: the repository root


# --- what every renderer asks of an entry -------------------------------------------------

#: The word readers see for a failure still inside the grace period (`shown_status`).
UNREACHABLE = "unreachable"


def shown_status(entry: EntryReport) -> str:
    """The status readers are shown: the entry's, except that a `dead` verdict not yet
    confirmed by the grace rules (`EntryReport.dead_confirmed`) is "unreachable" (since
    `failing_since`): one failed check does not make a site dead on any surface."""
    if entry.status is Status.DEAD and not entry.dead_confirmed:
        return UNREACHABLE
    return str(entry.status)


def linkable(entry: EntryReport) -> bool:
    """Whether readers may follow the listed URL: an http(s) address whose latest check did
    not find someone else there (`unlinked_why`). Every renderer asks this one question."""
    url = entry.url
    if not url or not url.lower().startswith(("http://", "https://")):
        return False
    return not unlinked_why(entry)


def unlinked_why(entry: EntryReport) -> str:
    """Why the listed address is shown without a link ("" when it is not withheld): the
    reader would reach someone else's page (as MusicBrainz shows taken-over links)."""
    if entry.identity is Identity.LOST:
        return "not linked: the address now belongs to someone else"
    if entry.status is Status.PARKED:
        return "not linked: the address shows a parking or placeholder page"
    if entry.status is Status.MOVED:
        return "not linked: the address now leads to another site"
    return ""


def source_link(report: Report, line: int) -> str:
    """The link GitHub renders for `line` of the directory file (`location.line_link`)."""
    return line_link(report.directory, line, report.link_base)


# --- building the model ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """The thresholds that turn history into advice (settings CRAWLER_*_AFTER_*), and the
    readers' page title (CRAWLER_PAGE_TITLE)."""

    stale_after_days: int = 30
    dead_after_checks: int = 3
    dead_after_days: int = 7
    inactive_after_days: int = 365
    page_title: str = "Organisation directory"


SUMMARY_CHUNK = 5_000  # entries whose history is read at once


def build_report(
    directory: Directory, history: Store, policy: Policy, now: datetime | None = None
) -> Report:
    """Join the directory with what the history says about each entry."""
    now = now or datetime.now(UTC)
    run = history.last_run()
    run_info = (
        RunInfo(run.started_at, run.finished_at, run.checked, run.network)
        if run
        else RunInfo(None, None, 0, None)
    )
    entries: list[EntryReport] = []
    # Who wrote each decision, from git: one `git blame` for the file, only if it has any.
    lines = [d.line for e in directory.entries for d in e.decisions]
    blame = blame_lines(directory.path, lines) if lines else {}
    domains = {domain: _domain_info(row) for domain, row in history.domains().items() if row.answer}
    # A chunk of entries at a time: the history's rows for a directory of 100,000 entries
    # are never all in memory beside the reports built from them.
    for start in range(0, len(directory.entries), SUMMARY_CHUNK):
        chunk = directory.entries[start : start + SUMMARY_CHUNK]
        summaries = history.summaries((e.id for e in chunk), now=_iso(now))
        for e in chunk:
            report = _entry_report(e, summaries.get(e.id), policy, now, domains.get(_listed_domain(e)))
            entries.append(_with_decisions(report, e, now, blame) if e.decisions or e.extra else report)
    return Report(
        generated_at=_iso(now),
        directory=repository_path(directory.path),
        run=run_info,
        entries=tuple(entries),
        stale_after_days=policy.stale_after_days,
        title=policy.page_title,
        newest_check=max((e.last_checked for e in entries if e.last_checked), default=None),
        link_base=blob_base(),
    )


def _listed_domain(entry: Entry) -> str:
    return registered_domain(host_of(entry.ascii_url)) if entry.ascii_url else ""


def _domain_info(row: DomainRow) -> DomainInfo:
    return DomainInfo(row.registered, row.expires, (row.checked or row.tried)[:10], row.answer == "found")


def grace_over(summary: Summary, policy: Policy) -> bool:
    """Whether the entry has failed often and long enough to be called dead (the grace period)."""
    return (
        summary.failing_since is not None
        and summary.consecutive_failures >= policy.dead_after_checks
        and _parse(summary.latest.checked_at) - _parse(summary.failing_since) >= timedelta(days=policy.dead_after_days)
    )


def _with_decisions(report: EntryReport, entry: Entry, now: datetime, blame: dict[int, Blame]) -> EntryReport:
    """The entry's report with its decisions applied, and its own fields."""
    today = now.date()
    accepting = decisions.accepted(entry.decisions, report.status, today)
    shown = []
    for d in entry.decisions:
        in_force = d.in_force(today)
        applied = in_force and (d is accepting or d.skip_until is not None or d.timeout is not None)
        who = blame.get(d.line)
        shown.append(DecisionReport(
            d.describe(), d.reason, d.ends.isoformat() if d.ends else None, in_force, applied, d.line,
            who.author if who else None, who.date if who else None,
        ))
    expired = [d for d in shown if not d.in_force]
    # The latest check's warnings, then the maintainers' own.
    warnings = report.warnings + ((decisions.EXPIRED,) if expired else ())
    report = replace(
        report, decisions=tuple(shown), warnings=warnings, accepted=accepting is not None, extra=entry.extra
    )
    if accepting is not None and report.identity is not Identity.LOST:
        # A decision accepts a status, not someone else holding the address: that stays first.
        return replace(report, action=Action.NONE, action_detail=f"accepted ({accepting.describe()}): {accepting.reason}")
    if expired and report.action is Action.NONE:
        first = expired[0]
        return replace(
            report, action=Action.WATCH,
            action_detail=f"decision on line {first.line} ({first.what}) ended {first.until}: remove or renew it",
        )
    return report


def _entry_report(
    entry: Entry, summary: Summary | None, policy: Policy, now: datetime, domain: DomainInfo | None = None
) -> EntryReport:
    # The directory's side of every entry; what the checks say joins it below. (Built once
    # per entry: `replace` costs a field-by-field copy, 100,000 times in a large report.)
    base: dict[str, Any] = dict(
        id=entry.id,
        name=entry.name,
        name_en=entry.name_en,
        country=entry.country,
        line=entry.line,
        url=entry.website,
        notes=entry.notes,
        domain=domain,
    )
    if summary is None:
        if entry.website is None:
            return EntryReport(**base, status=Status.NO_WEBSITE, reason=Reason.NO_WEBSITE, action=Action.ADD_WEBSITE)
        return EntryReport(**base)
    latest = summary.latest
    earlier_titles = [c.title for c in summary.recent[:-1] if c.title]
    previous_title = earlier_titles[-1] if earlier_titles else None
    title_changed = bool(latest.title and previous_title and latest.title != previous_title)
    stale = summary.last_verified is None or _parse(summary.last_verified) < now - timedelta(
        days=policy.stale_after_days
    )
    content_updated = next((c.content_updated for c in reversed(summary.recent) if c.content_updated), None)
    inactive = content_updated is not None and freshness.is_inactive(
        date.fromisoformat(content_updated), now.date(), policy.inactive_after_days
    )
    dead_confirmed = grace_over(summary, policy)
    report = EntryReport(
        **base,
        status=latest.status,
        reason=latest.reason,
        detail=latest.detail,
        http_status=latest.http_status,
        final_url=entry.website if latest.final_url == entry.website else latest.final_url,  # one string
        title=latest.title,
        previous_title=previous_title,
        title_changed=title_changed,
        last_checked=latest.checked_at,
        last_verified=summary.last_verified,
        failing_since=summary.failing_since,
        consecutive_failures=summary.consecutive_failures,
        content_updated=content_updated,
        stale=stale,
        identity=latest.identity,
        identity_detail=latest.identity_detail,
        warnings=latest.warnings,
        inactive=inactive,
        dead_confirmed=dead_confirmed,
        history=tuple(_past_check(c.checked_at, c.status, c.reason) for c in summary.recent),
        checks_30=summary.shares.checks_30,
        verified_30=summary.shares.verified_30,
        checks_365=summary.shares.checks_365,
        verified_365=summary.shares.verified_365,
        origin=latest.origin,
    )
    action, detail = advise(report)
    return replace(report, action=action, action_detail=detail)


@lru_cache(maxsize=65_536)
def _past_check(checked_at: str, status: Status, reason: str) -> PastCheck:
    # Most entries' history strips repeat the same few (moment, status, reason) triples:
    # shared, they cost a report of a million entries a pointer each, not an object each.
    return PastCheck(checked_at, status, reason)


def advise(entry: EntryReport) -> tuple[Action, str]:
    """What a maintainer should do about an entry, and one line saying it."""
    status = entry.status
    if entry.identity is Identity.LOST and status != Status.NO_WEBSITE:
        # Someone else holds the address, whatever the site answers: the first thing to look at.
        return Action.CHECK_IDENTITY, entry.identity_detail or "someone else now holds the address"
    match status:
        case Status.NO_WEBSITE:
            return Action.ADD_WEBSITE, "no website listed"
        case Status.REDIRECTED | Status.MOVED if entry.final_url and entry.final_url == entry.url:
            # The directory already lists where the check ended (`crawler fix` wrote it, or
            # a maintainer did): nothing is left to change until the next check says otherwise.
            return Action.NONE, ""
        case Status.REDIRECTED:
            return Action.FIX_URL, f"{entry.url} → {entry.final_url}"
        case Status.MOVED:
            return Action.CHECK_IDENTITY, f"now redirects to {entry.final_url}"
        case Status.PARKED:
            return Action.CHECK_IDENTITY, "the domain shows a parking or for-sale page"
        case Status.DEAD | Status.SERVER_ERROR | Status.REFUSED_BY_POLICY:
            since = (entry.failing_since or "")[:10]
            detail = f"failing since {since} ({entry.consecutive_failures} checks): {entry.reason}"
            return (Action.REMOVE if entry.dead_confirmed else Action.WATCH), detail
        case Status.BLOCKED:
            return Action.CHECK_BY_HAND, f"refuses robots ({entry.reason}): open it in a browser"
        case Status.OK:
            if entry.title_changed:
                return Action.CHECK_IDENTITY, f"title changed: {entry.previous_title!r} → {entry.title!r}"
            if entry.inactive:
                return Action.INACTIVE, f"content last updated {entry.content_updated}"
            if entry.warnings:
                return Action.WATCH, "warnings: " + ", ".join(entry.warnings)
            return Action.NONE, ""
        case "unchecked":
            return Action.NONE, ""
        case _:
            assert_never(status)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
