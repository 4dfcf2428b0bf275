"""`staleness.json`: the report's facts for programs, in the spec's schema.

Values are written exactly as recorded (JSON escapes whatever needs escaping), so a
program reading this file sees the real title, control characters and all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from crawler.reports.model import EntryReport, Report

# History of the format:
# 1: the spec's schema, plus format_version and the per-entry fields name_en, notes,
#    inactive, dead_confirmed, action, action_detail and history; later added (fields may
#    be added within a version): "todo" (items a maintainer must act on, `Action.todo`)
#    and per entry checks_30, verified_30, checks_365, verified_365.
# 2: the spec's second-wave fields identity, identity_detail, warnings and domain; later
#    origin (where a shared crawl saw the latest check from, null elsewhere), and the
#    maintainers' decisions, accepted and extra (the directory's own fields); warnings
#    then also carry decision-expired.
FORMAT_VERSION = 2

#: The spec's per-entry keys, in the spec's order. None may be removed or renamed.
SPEC_ENTRY_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "country",
    "line",
    "url",
    "status",
    "reason",
    "detail",
    "http_status",
    "final_url",
    "title",
    "previous_title",
    "title_changed",
    "last_checked",
    "last_verified",
    "failing_since",
    "consecutive_failures",
    "content_updated",
    "stale",
)

#: The spec's second-wave keys (2026-12), after the first ones.
SECOND_WAVE_ENTRY_KEYS: tuple[str, ...] = ("identity", "identity_detail", "warnings", "domain")

#: Keys this project adds after the spec's ones.
EXTRA_ENTRY_KEYS: tuple[str, ...] = (
    "name_en",
    "notes",
    "inactive",
    "dead_confirmed",
    "action",
    "action_detail",
    "history",
    "checks_30",
    "verified_30",
    "checks_365",
    "verified_365",
    "origin",
    "decisions",
    "accepted",
    "extra",
)


def entry_dict(entry: EntryReport) -> dict[str, Any]:
    """One entry as a JSON-ready dict: the spec's keys first, then ours."""
    data: dict[str, Any] = {key: getattr(entry, key) for key in SPEC_ENTRY_KEYS}
    domain = entry.domain
    data.update(
        identity=entry.identity,
        identity_detail=entry.identity_detail,
        warnings=list(entry.warnings),
        domain=None
        if domain is None
        else {"registered": domain.registered, "expires": domain.expires, "checked": domain.checked, "found": domain.found},
    )
    data.update(
        name_en=entry.name_en,
        notes=entry.notes,
        inactive=entry.inactive,
        dead_confirmed=entry.dead_confirmed,
        action=str(entry.action),
        action_detail=entry.action_detail,
        history=[
            {"checked_at": c.checked_at, "status": c.status, "reason": c.reason}
            for c in entry.history
        ],
        checks_30=entry.checks_30,
        verified_30=entry.verified_30,
        checks_365=entry.checks_365,
        verified_365=entry.verified_365,
        origin=entry.origin,
        decisions=[
            {"decision": d.what, "reason": d.reason, "until": d.until, "in_force": d.in_force,
             "applied": d.applied, "line": d.line, "by": d.by, "since": d.since}
            for d in entry.decisions
        ],
        accepted=entry.accepted,
        extra=dict(entry.extra),
    )
    return data


def _head_dict(report: Report) -> dict[str, Any]:
    """Everything before the entries, in the file's key order."""
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": report.generated_at,
        "directory": report.directory,
        "run": {
            "started_at": report.run.started_at,
            "finished_at": report.run.finished_at,
            "checked": report.run.checked,
            "network": report.run.network or "none",
        },
        # What keeps the tracking issue open (.github/workflows/crawl.yml reads it).
        "todo": sum(1 for e in report.entries if e.action.todo),
    }


_ENTRY_INDENT = " " * 4  # an entry sits two levels deep: in the top-level object, in "entries"


def iter_json(report: Report) -> Iterator[str]:
    """`staleness.json` text in pieces, one entry at a time.

    The pieces join to exactly what ``json.dumps(whole_report, ensure_ascii=False,
    indent=2)`` would give (UTF-8 friendly: no ``\\u`` escapes for letters), without
    ever holding more than one entry's text.
    """
    head = json.dumps(_head_dict(report), ensure_ascii=False, indent=2)
    # "entries" is the last key: reopen the head after its last value, add the key, and
    # close the object after the entries.
    yield head.removesuffix("\n}") + ',\n  "entries": '
    if not report.entries:
        yield "[]\n}\n"
        return
    separator = "[\n"
    for entry in report.entries:
        # JSON text has no raw newlines inside strings, so every "\n" starts a line to indent.
        text = json.dumps(entry_dict(entry), ensure_ascii=False, indent=2)
        yield separator + _ENTRY_INDENT + text.replace("\n", "\n" + _ENTRY_INDENT)
        separator = ",\n"
    yield "\n  ]\n}\n"


def render_json(report: Report) -> str:
    """The whole `staleness.json` text (`iter_json` joined)."""
    return "".join(iter_json(report))
