"""`staleness.md`: the maintainers' to-do list, ready to be a GitHub issue's body.

Problems come first, in `ACTION_HEADINGS` order, one section per action, each opened by a
line saying what to do. Every item is one line: the entry's id and name, its
``PATH:LINE`` as a link GitHub renders, and the evidence, once. Sections a maintainer must
act on (`Action.todo`) are task lists; the rest (wait, for information) are plain lists.

The file reads as well raw as rendered: our own words use no Markdown punctuation, and
only text from outside (names, titles, details) goes through `md_escape` / `md_code`, so
nothing in a title can make a link, an image, HTML, a heading, a table cell or a mention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never
from urllib.parse import quote

from crawler.reports.escape import md_code, md_escape, plain_text
from crawler.reports.model import (
    ACTION_HEADINGS,
    Action,
    DecisionReport,
    EntryReport,
    Report,
    shown_status,
    source_link,
)
from crawler.verdict.outcome import Identity, Network, Status

_NETWORK_WORDS = {
    Network.AVAILABLE: "network available",
    Network.UNAVAILABLE: "network unavailable",
    Network.INTERRUPTED: "interrupted",
    None: "no crawl yet",
}

#: The line under each heading: what to do about every item of the section.
ACTION_ADVICE: dict[Action, str] = {
    Action.FIX_URL: "The site answers from a new address on its own domain: list that address"
    " instead (`crawler fix` writes it for you).",
    Action.CHECK_IDENTITY: "The address now leads elsewhere or shows someone else's page: check"
    " that the organisation is still there, then correct or remove the entry.",
    Action.REMOVE: "Failing for longer than the grace period: find the organisation's new"
    " address, or remove the entry.",
    Action.CHECK_BY_HAND: "The site refuses automatic checks (401, 403, 429 or a bot challenge):"
    " open it in a browser; if it answers you, nothing needs to change.",
    Action.WATCH: "Failing, but not for long enough to call it dead: nothing to do yet. An"
    " entry that keeps failing moves to “Remove or replace”.",
    Action.INACTIVE: "The site answers, but the newest date it gives for its content is over a"
    " year old: is the organisation still active?",
    Action.ADD_WEBSITE: "No website is listed: add one if you know it.",
    Action.NONE: "",
}


def iter_markdown(report: Report) -> Iterator[str]:
    """`staleness.md` text line by line (each piece ends with a newline)."""
    by_action: dict[Action, list[EntryReport]] = {}  # references, not copies
    for entry in report.entries:
        by_action.setdefault(entry.action, []).append(entry)
    todo = sum(len(entries) for action, entries in by_action.items() if action.todo)

    yield f"# Directory staleness, {_date(report.generated_at)}: {_run_summary(report)}\n"
    yield "\n"
    yield f"{_provenance(report)} {_count(todo, 'item', 'items')} to do.\n"
    yield "\n"
    if report.run.network is Network.UNAVAILABLE:
        yield (
            "> **The network was unavailable for the last run:** nothing answered at all, so no"
            " entry was marked as failing and no last-verified date was lost. The items below"
            " come from earlier checks.\n"
        )
        yield "\n"

    for action, heading in ACTION_HEADINGS.items():
        entries = by_action.get(action, [])
        if action is Action.NONE or not entries:
            continue
        yield f"## {heading} ({len(entries)})\n"
        yield "\n"
        yield f"{ACTION_ADVICE[action]}\n"
        yield "\n"
        bullet = "- [ ] " if action.todo else "- "
        # Lost identities lead their section: someone else holds the address.
        for entry in sorted(entries, key=lambda e: (e.identity is not Identity.LOST, e.line, e.id)):
            yield f"{bullet}{_item(report, entry)}\n"
        yield "\n"

    decided = [entry for entry in report.entries if entry.decisions]
    if decided:
        yield f"## Decisions ({sum(len(e.decisions) for e in decided)})\n"
        yield "\n"
        for entry in sorted(decided, key=lambda e: (e.line, e.id)):
            for decision in entry.decisions:
                yield _decision_item(report, entry, decision) + "\n"
        yield "\n"

    yield _rest_summary(by_action.get(Action.NONE, []), has_items=any(a is not Action.NONE for a in by_action)) + "\n"


def render_markdown(report: Report) -> str:
    """The whole `staleness.md` text (`iter_markdown` joined)."""
    return "".join(iter_markdown(report))


def _provenance(report: Report) -> str:
    """Which file, and when it was checked (the newest check, not when this was written)."""
    where = md_code(report.directory)
    if report.newest_check:
        return f"Checked {_when(report.newest_check)}, from {where}:"
    return f"Nothing checked yet, from {where}:"


def _run_summary(report: Report) -> str:
    network = _NETWORK_WORDS.get(report.run.network, md_escape(report.run.network))
    return f"{report.run.checked} checked, {network}"


def _rest_summary(rest: list[EntryReport], *, has_items: bool) -> str:
    unchecked = sum(1 for e in rest if e.status == "unchecked")
    accepted = sum(1 for e in rest if e.accepted)
    ok = len(rest) - unchecked - accepted
    parts = [f"{_count(ok, 'entry', 'entries')} ok"]
    if accepted:
        parts.append(f"{accepted} accepted by decisions")
    if unchecked:
        parts.append(f"{unchecked} not checked yet")
    summary = ", ".join(parts) + "."
    return summary if has_items else f"Nothing to do. {summary}"


def _item(report: Report, entry: EntryReport) -> str:
    """One item: who, where to edit (a link), then what was found, once."""
    name = md_escape(plain_text(entry.name))
    if entry.name_en and entry.name_en != entry.name:
        name += f" ({md_escape(plain_text(entry.name_en))})"
    return f"**{md_escape(entry.id)}** {name}, {_where(report, entry)}: {_finding(entry)}{_expired(entry)}{_seen_from(entry)}"


def _where(report: Report, entry: EntryReport) -> str:
    """``[`data/organisations.yaml:18`](/data/organisations.yaml#L18)``: readable raw, a link
    to the line on GitHub."""
    target = quote(source_link(report, entry.line), safe="/:#")
    return f"[{md_code(f'{report.directory}:{entry.line}')}]({target})"


def _decision_item(report: Report, entry: EntryReport, decision: DecisionReport) -> str:
    """One decision: whose, where, what, why, until when, by whom, and whether it holds."""
    target = quote(source_link(report, decision.line), safe="/:#")
    where = f"[{md_code(f'{report.directory}:{decision.line}')}]({target})"
    parts = [f"**{md_escape(entry.id)}**", where, md_escape(decision.what)]
    parts.append(f"“{md_escape(plain_text(decision.reason))}”")
    if decision.by:
        parts.append(f"by {md_escape(plain_text(decision.by))} on {_date(decision.since)}")
    if not decision.in_force:
        state = f"**expired {_date(decision.until)}**: remove or renew it"
    elif decision.until:
        state = f"until {_date(decision.until)}"
    else:
        state = "no end date"
    if decision.applied and entry.accepted:
        state += f"; overrides {_reason(entry)}"
    return f"- {' — '.join(parts)} ({state})"


def _expired(entry: EntryReport) -> str:
    """`` — the decision on line 12 (accept refusal) ended 2027-03-01: remove or renew it``."""
    return "".join(
        f" — the decision on line {d.line} ({md_escape(d.what)}) ended {_date(d.until)}: remove or renew it"
        for d in entry.decisions
        if not d.in_force
    )


def _seen_from(entry: EntryReport) -> str:
    """``, seen from eu-west and us-east``: where a shared crawl saw a failure (issue 16)."""
    if not entry.origin or not isinstance(entry.status, Status) or not entry.status.failing:
        return ""
    names = [md_escape(name) for name in entry.origin.split(",") if name]
    if not names:
        return ""
    return ", seen from " + (" and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1])


def _finding(entry: EntryReport) -> str:
    """What was found, with its evidence and since when, for the entry's action."""
    url = md_code(entry.url) or "no URL"
    since = _since(entry)
    match entry.action:
        # Where a redirect leads is said once, in our words: the check's detail would repeat it.
        case Action.FIX_URL:
            return f"replace {url} with {md_code(entry.final_url)} ({_evidence(entry, since, detail=False)})"
        case Action.CHECK_IDENTITY:
            if entry.identity is Identity.LOST:
                evidence = md_escape(plain_text(entry.identity_detail)) or "someone else now holds the address"
                return f"{url} identity lost: {evidence} ({_evidence(entry, since, detail=False)})"
            if entry.status is Status.MOVED:
                found = md_code(entry.final_url) or "another site"
                return f"{url} now leads to {found} ({_evidence(entry, since, detail=False)})"
            if entry.status is Status.PARKED:
                return f"{url} shows a parking or for-sale page ({_evidence(entry, since)})"
            if entry.title_changed:
                old = md_escape(plain_text(entry.previous_title)) or "no title"
                new = md_escape(plain_text(entry.title)) or "no title"
                return f"{url} title changed from “{old}” to “{new}” (seen {since})"
            return f"{url} {_evidence(entry, since)}"
        case Action.REMOVE | Action.WATCH:
            if isinstance(entry.status, Status) and not entry.status.failing:  # it answers; warnings are why
                return f"{url} answers, with warnings: {md_escape(', '.join(entry.warnings))}"
            found = f"{url} {md_escape(shown_status(entry).replace('-', ' '))} since {since}"
            if entry.consecutive_failures:
                found += f", {_count(entry.consecutive_failures, 'failed check', 'failed checks')}"
            return f"{found}: {_reason(entry)}"
        case Action.CHECK_BY_HAND:
            return f"{url} refuses robots ({_evidence(entry, since)})"
        case Action.INACTIVE:
            return f"{url} content last updated {_date(entry.content_updated) or 'unknown'}"
        case Action.ADD_WEBSITE:
            return "no website listed"
        case Action.NONE:
            return f"{url} {_reason(entry)}"
        case _:
            assert_never(entry.action)


def _evidence(entry: EntryReport, since: str, *, detail: bool = True) -> str:
    """``http-301, since 2026-11-02``: the reason, its detail, and since when."""
    reason = _reason(entry, detail=detail)
    return f"{reason}, since {since}" if since else reason


def _reason(entry: EntryReport, *, detail: bool = True) -> str:
    """``dns: name not found``: the reason and the detail, escaped; the status where the
    reason would only repeat it."""
    reason = md_escape(entry.reason if entry.reason and entry.reason != entry.status else entry.status)
    # The classifier writes redirect chains with "->", which Markdown would show escaped.
    said = md_escape(plain_text(entry.detail).replace(" -> ", " → ")) if detail else ""
    return f"{reason}: {said}" if said else reason


def _since(entry: EntryReport) -> str:
    """Since when the entry has needed its action, as a date; "" when unknown."""
    if entry.failing_since:
        return _date(entry.failing_since)
    if entry.title_changed:
        return _date(entry.last_checked)  # when the new title was first seen, at the latest
    # Otherwise the start of the current streak of this status in the history.
    start = None
    for check in reversed(entry.history):
        if check.status != entry.status:
            break
        start = check.checked_at
    return _date(start or entry.last_checked)


def _date(iso: str | None) -> str:
    """The date part of an ISO-8601 time, escaped ("" for none)."""
    return md_escape(iso[:10]) if iso else ""


def _when(iso: str) -> str:
    """``2026-11-24 10:00 UTC`` from ``2026-11-24T10:00:00Z``; other text as is, escaped."""
    if len(iso) >= 16 and iso[10] == "T" and iso.endswith("Z"):
        return md_escape(f"{iso[:10]} {iso[11:16]} UTC")
    return md_escape(iso)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
