"""`staleness.md`: the maintainers' to-do list, ready to paste into a GitHub issue.

Problems come first, grouped by what to do (`ACTION_HEADINGS` order); each item is a task
naming the entry's id, its name, the ``directory:LINE`` to edit and since when. Every
piece of untrusted text goes through `md_escape` / `md_code`, so nothing in a title can
make a link, an image, HTML, a heading, a table cell or a GitHub mention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from crawler.reports.escape import md_code, md_escape, plain_text
from crawler.reports.model import ACTION_HEADINGS, Action, DecisionReport, EntryReport, Report
from crawler.verdict.outcome import Network, Status

_NETWORK_WORDS = {
    Network.AVAILABLE: "network available",
    Network.UNAVAILABLE: "network unavailable",
    Network.INTERRUPTED: "interrupted",
    None: "no crawl yet",
}


def iter_markdown(report: Report) -> Iterator[str]:
    """`staleness.md` text line by line (each piece ends with a newline)."""
    yield f"# Directory staleness, {_date(report.generated_at)}: {_run_summary(report)}\n"
    yield "\n"
    yield f"Generated {_when(report.generated_at)} from {md_code(report.directory)}.\n"
    yield "\n"
    if report.run.network is Network.UNAVAILABLE:
        yield (
            "> **The network was unavailable for this run:** nothing answered at all, so no"
            " entry was marked as failing and no last-verified date was lost. The items below"
            " come from earlier checks.\n"
        )
        yield "\n"

    # Lists of references, not copies: cheap even for a large directory.
    by_action: dict[Action, list[EntryReport]] = {}
    for entry in report.entries:
        by_action.setdefault(entry.action, []).append(entry)

    for action, heading in ACTION_HEADINGS.items():
        entries = by_action.get(action, [])
        if action is Action.NONE or not entries:
            continue
        yield f"## {heading} ({len(entries)})\n"
        yield "\n"
        for entry in sorted(entries, key=lambda e: (e.line, e.id)):
            yield _item(report, entry) + "\n"
        yield "\n"

    decided = [entry for entry in report.entries if entry.decisions]
    if decided:
        yield f"## Decisions ({sum(len(e.decisions) for e in decided)})\n"
        yield "\n"
        for entry in sorted(decided, key=lambda e: (e.line, e.id)):
            for decision in entry.decisions:
                yield _decision_item(report, entry, decision) + "\n"
        yield "\n"

    has_items = any(action is not Action.NONE for action in by_action)
    yield _rest_summary(by_action.get(Action.NONE, []), has_items=has_items) + "\n"


def render_markdown(report: Report) -> str:
    """The whole `staleness.md` text (`iter_markdown` joined)."""
    return "".join(iter_markdown(report))


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
    """One task line: id, name, where to edit, since when, then what was found."""
    name = md_escape(plain_text(entry.name))
    if entry.name_en and entry.name_en != entry.name:
        name += f" ({md_escape(plain_text(entry.name_en))})"
    parts = [f"**{md_escape(entry.id)}** {name}", md_code(f"{report.directory}:{entry.line}")]
    since = _since(entry)
    if since:
        parts.append(f"{'failing since' if entry.failing_since else 'since'} {since}")
    return f"- [ ] {' — '.join(parts)}: {_finding(entry)}"


def _decision_item(report: Report, entry: EntryReport, decision: DecisionReport) -> str:
    """One decision: whose, where, what, why, until when, by whom, and whether it holds."""
    parts = [f"**{md_escape(entry.id)}**", md_code(f"{report.directory}:{decision.line}"), md_escape(decision.what)]
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


def _finding(entry: EntryReport) -> str:
    """What was found and what to change, for the entry's action.

    Built from the entry's facts; the model's one-line `action_detail` is shown only
    where those facts say less than it does.
    """
    url = md_code(entry.url) or "no URL"
    reason = _reason(entry)
    match entry.action:
        case Action.FIX_URL:
            if entry.final_url and entry.final_url != entry.url:
                return f"{url} → {md_code(entry.final_url)}, {reason}"
            return _with_detail(f"{url} ({reason})", entry.action_detail)
        case Action.CHECK_IDENTITY:
            found = f"{url} {reason}"
            if entry.status is Status.MOVED and entry.final_url:
                found += f", now at {md_code(entry.final_url)}"
            if entry.title_changed:
                old = md_escape(plain_text(entry.previous_title)) or "no title"
                new = md_escape(plain_text(entry.title)) or "no title"
                found += f"; title changed: “{old}” → “{new}”"
            return found
        case Action.REMOVE | Action.WATCH:
            found = f"{url} {reason}"
            if entry.consecutive_failures:
                found += f", {_count(entry.consecutive_failures, 'failed check', 'failed checks')}"
            if entry.status is Status.BLOCKED:
                found += ": refuses robots, check by hand"
            if entry.warnings:
                found += f"; warnings: {md_escape(', '.join(entry.warnings))}"
            for decision in entry.decisions:
                if not decision.in_force:
                    found += (f" — the decision on line {decision.line} ({md_escape(decision.what)}) "
                              f"ended {_date(decision.until)}: remove or renew it")
            return found
        case Action.INACTIVE:
            return f"{url} content last updated {_date(entry.content_updated) or 'unknown'}"
        case Action.ADD_WEBSITE:
            return "no website listed"
        case Action.NONE:
            return f"{url} {reason}"
        case _:
            assert_never(entry.action)


def _reason(entry: EntryReport) -> str:
    """``dead (dns: name not found)``: the status, its reason and the detail, escaped."""
    inner = md_escape(entry.reason) if entry.reason != entry.status else ""
    if entry.detail and inner:
        inner += f": {md_escape(plain_text(entry.detail))}"
    elif entry.detail:
        inner = md_escape(plain_text(entry.detail))
    return f"{md_escape(entry.status)} ({inner})" if inner else md_escape(entry.status)


def _with_detail(found: str, action_detail: str) -> str:
    return f"{found} — {md_escape(plain_text(action_detail))}" if action_detail else found


def _since(entry: EntryReport) -> str:
    """Since when the entry has needed its action, as a date; "" when unknown."""
    if entry.action is Action.INACTIVE:
        return ""  # the finding says "content last updated DATE"
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
