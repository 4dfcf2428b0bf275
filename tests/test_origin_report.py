"""Where a shared crawl saw each failure from (``--origin``), as the reports show it."""

from __future__ import annotations

import json

import pytest
from test_reports import make_entry, make_report

from crawler.reports import render_json, render_markdown
from crawler.reports.model import Action


@pytest.mark.parametrize(
    ("origin", "shown"),
    [
        ("eu-west,us-east", "seen from eu-west and us-east"),
        ("eu-west", "seen from eu-west"),
        ("a,b,c", "seen from a, b and c"),
        ("a_*b*_", r"seen from a\_\*b\*\_"),  # a name is escaped like any other text
    ],
)
def test_a_failure_says_where_it_was_seen_from(origin: str, shown: str) -> None:
    dead = make_entry(id="gone", status="dead", reason="timeout", http_status=None, origin=origin,
                      failing_since="2026-11-20T10:00:00Z", consecutive_failures=1, action=Action.WATCH)
    line = next(text for text in render_markdown(make_report(dead)).splitlines() if "**gone**" in text)
    assert line.endswith(", " + shown)
    assert json.loads(render_json(make_report(dead)))["entries"][0]["origin"] == origin


def test_a_site_that_answered_names_no_origin_in_the_to_do_list() -> None:
    moved_ok = make_entry(id="fine", origin="us-east", title_changed=True, previous_title="Old",
                          action=Action.CHECK_IDENTITY)
    assert "seen from" not in render_markdown(make_report(moved_ok))
    alone = make_entry(id="alone", status="dead", reason="dns", http_status=None, action=Action.WATCH)
    assert json.loads(render_json(make_report(alone)))["entries"][0]["origin"] is None
    assert "seen from" not in render_markdown(make_report(alone))
