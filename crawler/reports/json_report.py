"""`staleness.json`: the report's facts for programs, in the spec's schema.

Values are written exactly as recorded (JSON escapes whatever needs escaping), so a
program reading this file sees the real title, control characters and all.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.report_model import EntryReport, Report

# History of the format:
# 1: the spec's schema, plus format_version and the per-entry fields name_en, notes,
#    inactive, dead_confirmed, action, action_detail and history.
FORMAT_VERSION = 1

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

#: Keys this project adds after the spec's ones.
EXTRA_ENTRY_KEYS: tuple[str, ...] = (
    "name_en",
    "notes",
    "inactive",
    "dead_confirmed",
    "action",
    "action_detail",
    "history",
)


def entry_dict(entry: EntryReport) -> dict[str, Any]:
    """One entry as a JSON-ready dict: the spec's keys first, then ours."""
    data: dict[str, Any] = {key: getattr(entry, key) for key in SPEC_ENTRY_KEYS}
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
    )
    return data


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as a JSON-ready dict."""
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": report.generated_at,
        "directory": report.directory,
        "run": {
            "started_at": report.run.started_at,
            "finished_at": report.run.finished_at,
            "checked": report.run.checked,
            "network": report.run.network,
        },
        "entries": [entry_dict(e) for e in report.entries],
    }


def render_json(report: Report) -> str:
    """`staleness.json` text: UTF-8 friendly (no ``\\u`` escapes for letters), indented."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
