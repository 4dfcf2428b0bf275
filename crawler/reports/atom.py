"""`changes.atom`: what changed between checks, as an Atom 1.0 feed (RFC 4287).

Maintainers and readers subscribe to it instead of re-reading the page: an entry that
started failing ("unreachable"), recovered, moved to another site or was parked. Each
change is found between two consecutive checks of an entry's recent history (the model's
`EntryReport.history`), so the feed shows the same changes on every run until they age
out of that window, each under the same id: a `urn:uuid` derived from the directory file,
the entry, the kind of change and the moment of the check that showed it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from crawler import __version__
from crawler.reports.escape import plain_text, xml_attribute, xml_text
from crawler.reports.model import EntryReport, PastCheck, Report
from crawler.verdict.outcome import Status

MAX_CHANGES = 200  # the newest changes listed; older ones are in the history store
# Fixed, so that ids stay the same from run to run and machine to machine.
_NAMESPACE = uuid.UUID("6f0b3c52-86a4-4f6e-9d0c-6a1d3c5b2e10")


@dataclass(frozen=True, slots=True)
class Change:
    """One change of one entry, seen at the check `at`."""

    entry: EntryReport
    kind: str  # "failing", "recovered", "moved", "parked"
    at: PastCheck  # the check that showed the change
    before: PastCheck | None  # the check before it (None: the entry's first check)


def changes_of(entry: EntryReport) -> Iterator[Change]:
    """The changes between consecutive checks of `entry`'s history, oldest first."""
    before: PastCheck | None = None
    for check in entry.history:
        if not isinstance(check.status, Status):
            continue  # not a check's verdict (hand-made models); nothing to compare
        kind = _kind(before, check)
        if kind:
            yield Change(entry, kind, check, before)
        before = check


def _kind(before: PastCheck | None, check: PastCheck) -> str | None:
    was = before.status if before else None
    now = check.status
    if now is Status.MOVED and was is not Status.MOVED:
        return "moved"
    if now is Status.PARKED and was is not Status.PARKED:
        return "parked"
    if now.failing and (was is None or not was.failing):
        return "failing"
    if now.verified and was is not None and was.failing:
        return "recovered"
    return None


def iter_atom(report: Report) -> Iterator[str]:
    """`changes.atom` text in pieces: the feed's head, then one ``<entry>`` per change,
    newest first."""
    found = sorted(
        (change for entry in report.entries for change in changes_of(entry)),
        key=lambda c: (c.at.checked_at, c.entry.id, c.kind),
        reverse=True,
    )[:MAX_CHANGES]
    updated = found[0].at.checked_at if found else (report.newest_check or report.generated_at)
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield '<feed xmlns="http://www.w3.org/2005/Atom">\n'
    yield f"  <id>{_id(report, 'feed')}</id>\n"
    yield f"  <title>{xml_text(f'Website changes in {report.directory}')}</title>\n"
    yield "  <subtitle>Organisations whose website started failing, recovered, moved or was parked.</subtitle>\n"
    yield f"  <updated>{xml_text(updated)}</updated>\n"
    yield '  <link rel="alternate" type="text/html" href="index.html"/>\n'
    yield '  <link rel="self" type="application/atom+xml" href="changes.atom"/>\n'
    yield "  <author><name>crawler</name></author>\n"
    yield f'  <generator version="{xml_attribute(__version__)}">crawler</generator>\n'
    for change in found:
        yield _entry(report, change)
    yield "</feed>\n"


def render_atom(report: Report) -> str:
    """The whole `changes.atom` text (`iter_atom` joined)."""
    return "".join(iter_atom(report))


def _entry(report: Report, change: Change) -> str:
    entry = change.entry
    name = plain_text(entry.name)
    title = f"{name}: {_headline(change)}"
    lines = [
        "  <entry>",
        f"    <id>{_id(report, entry.id, change.kind, change.at.checked_at)}</id>",
        f"    <title>{xml_text(title)}</title>",
        f"    <updated>{xml_text(change.at.checked_at)}</updated>",
        f'    <link rel="alternate" type="text/html" href="{xml_attribute("index.html#org-" + entry.id)}"/>',
        f'    <category term="{change.kind}"/>',
        f"    <content type=\"text\">{xml_text(_content(report, change))}</content>",
        "  </entry>\n",
    ]
    return "\n".join(lines)


def _headline(change: Change) -> str:
    reason = change.at.reason
    match change.kind:
        case "moved":
            return f"moved to another site ({reason})"
        case "parked":
            return "the domain shows a parking or for-sale page"
        case "failing":
            word = "unreachable" if change.at.status is Status.DEAD else str(change.at.status).replace("-", " ")
            return f"{word} since {change.at.checked_at[:10]} ({reason})"
        case _:
            return f"answers again ({change.at.status})"


def _content(report: Report, change: Change) -> str:
    entry = change.entry
    parts = [f"{plain_text(entry.name)} ({plain_text(entry.country)})", _headline(change) + "."]
    if entry.url:
        parts.append(f"Listed address: {plain_text(entry.url)}.")
    if change.kind == "moved" and change.at is entry.history[-1] and entry.final_url:
        parts.append(f"It now leads to {plain_text(entry.final_url)}.")
    if change.before is not None:
        parts.append(f"Before: {change.before.status} ({change.before.reason}) on {change.before.checked_at[:10]}.")
    parts.append(f"Directory entry: {report.directory} line {entry.line}.")
    return " ".join(parts)


def _id(report: Report, *parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join((report.directory, *parts)))}"
