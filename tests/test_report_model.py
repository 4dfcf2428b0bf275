"""From history to advice: dead vs down, identity checks, staleness, inactivity.

A real SQLite store on disk, filled with checks at chosen moments, read back through
`build_report` exactly as the crawl's pipeline does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.directory import parse_directory
from crawler.reports.location import blob_base, repository_path
from crawler.reports.model import (
    Action,
    DomainInfo,
    EntryReport,
    Policy,
    build_report,
    shown_status,
)
from crawler.store.rows import DomainRow
from crawler.store.sqlite import SqliteStore as History
from crawler.verdict.outcome import Identity, Outcome, Status

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DIRECTORY = parse_directory(
    "organisations:\n"
    + "".join(
        f"  - id: {name}\n    country: Testland\n    name: {name}\n    website: https://{name}.example/\n"
        for name in ("site",)
    ),
    "d.yaml",
)


def at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_of(tmp_path: Path, checks: Sequence[tuple[float, Outcome]], available: bool = True) -> EntryReport:
    """Record each (days ago, outcome) as its own run, then build the report at NOW."""
    store = History.open(tmp_path / "h.sqlite3", write=True)
    try:
        for days_ago, outcome in checks:
            run = store.begin_run("d.yaml", started_at=at(days_ago))
            store.record(run, "site", "https://site.example/", at(days_ago), outcome)
            store.finish_run(run, network_available=available)
        return build_report(DIRECTORY, store, Policy(), now=NOW).entries[0]
    finally:
        store.close()


OK = Outcome(Status.OK, "ok", http_status=200, title="Site")
DEAD = Outcome(Status.DEAD, "timeout", "no answer before the timeout")


@pytest.mark.parametrize(
    ("failures", "action", "confirmed"),
    [
        ([3, 1], Action.WATCH, False),  # two checks: down, not dead
        ([2, 1, 0], Action.WATCH, False),  # three checks, but within two days
        ([8, 4, 0], Action.REMOVE, True),  # three checks spanning eight days: dead
        ([30, 20, 10, 0], Action.REMOVE, True),
    ],
)
def test_dead_only_after_n_checks_spanning_d_days(
    tmp_path: Path, failures: list[int], action: Action, confirmed: bool
) -> None:
    entry = history_of(tmp_path, [(40, OK)] + [(d, DEAD) for d in failures])
    assert entry.action == action
    assert entry.dead_confirmed is confirmed
    assert entry.failing_since == at(failures[0])
    assert entry.consecutive_failures == len(failures)
    assert entry.last_verified == at(40)
    assert f"failing since {at(failures[0])[:10]}" in entry.action_detail


def test_a_recovery_ends_the_failing_streak(tmp_path: Path) -> None:
    entry = history_of(tmp_path, [(10, DEAD), (9, DEAD), (5, OK), (2, DEAD)])
    assert entry.failing_since == at(2)
    assert entry.consecutive_failures == 1
    assert entry.last_verified == at(5)


def test_blocked_is_checked_by_hand_not_failed(tmp_path: Path) -> None:
    entry = history_of(tmp_path, [(1, Outcome(Status.BLOCKED, "challenge", http_status=503))])
    assert entry.action == Action.CHECK_BY_HAND and entry.action.todo
    assert entry.failing_since is None and entry.consecutive_failures == 0


@pytest.mark.parametrize(
    ("outcome", "action", "words"),
    [
        (Outcome(Status.REDIRECTED, "http-301", final_url="https://site.example/new/"), Action.FIX_URL,
         "https://site.example/ → https://site.example/new/"),
        (Outcome(Status.MOVED, "redirect", final_url="https://casino.example/"), Action.CHECK_IDENTITY,
         "casino.example"),
        (Outcome(Status.PARKED, "parked"), Action.CHECK_IDENTITY, "parking"),
    ],
)
def test_each_problem_says_what_to_do(tmp_path: Path, outcome: Outcome, action: Action, words: str) -> None:
    entry = history_of(tmp_path, [(0, outcome)])
    assert entry.action == action
    assert words in entry.action_detail
    assert entry.line == 5  # the website line of the only entry


def test_title_change_is_flagged_with_old_and_new(tmp_path: Path) -> None:
    renamed = Outcome(Status.OK, "ok", http_status=200, title="Totally Different Shop")
    entry = history_of(tmp_path, [(3, OK), (0, renamed)])
    assert (entry.previous_title, entry.title, entry.title_changed) == ("Site", "Totally Different Shop", True)
    assert entry.action == Action.CHECK_IDENTITY
    assert "'Site' → 'Totally Different Shop'" in entry.action_detail


def test_stale_and_inactive(tmp_path: Path) -> None:
    old_content = Outcome(Status.OK, "ok", http_status=200, title="Site", content_updated="2024-01-01")
    entry = history_of(tmp_path, [(45, old_content)])
    assert entry.stale is True  # not verified within 30 days
    assert entry.inactive is True and entry.action == Action.INACTIVE
    (tmp_path / "fresh").mkdir()
    fresh = history_of(tmp_path / "fresh", [(1, OK)])
    assert fresh.stale is False and fresh.inactive is False


def test_runs_without_network_change_nothing(tmp_path: Path) -> None:
    history_of(tmp_path, [(5, OK)])
    entry = history_of(tmp_path, [(1, DEAD), (0, DEAD)], available=False)
    assert entry.status == "ok"
    assert entry.last_verified == at(5)
    assert entry.failing_since is None


def test_one_failure_is_unreachable_only_a_confirmed_one_is_dead(tmp_path: Path) -> None:
    once = history_of(tmp_path, [(10, OK), (1, DEAD)])
    assert shown_status(once) == "unreachable" and once.action == Action.WATCH
    (tmp_path / "long").mkdir()
    long = history_of(tmp_path / "long", [(20, OK), (8, DEAD), (4, DEAD), (0, DEAD)])
    assert shown_status(long) == "dead" and long.dead_confirmed


def test_shares_of_verified_checks_reach_past_the_recent_checks(tmp_path: Path) -> None:
    # 40 daily checks: more than the 30 recent ones the model keeps, so the 365-day share
    # must come from the store's own count. Two failures in the last 30 days, one before.
    checks = [(days, DEAD if days in (5, 6, 35) else OK) for days in range(39, -1, -1)]
    checks.append((400, OK))  # older than a year: in neither window
    entry = history_of(tmp_path, sorted(checks, key=lambda c: -c[0]))
    assert len(entry.history) == 30
    assert (entry.checks_30, entry.verified_30) == (31, 29)  # days 0..30: the cutoff itself counts
    assert (entry.checks_365, entry.verified_365) == (40, 37)


def test_an_entry_already_listing_where_its_check_ended_needs_no_fix(tmp_path: Path) -> None:
    redirected = Outcome(Status.REDIRECTED, "http-301", final_url="https://site.example/")
    entry = history_of(tmp_path, [(0, redirected)])  # the directory lists https://site.example/
    assert entry.status == Status.REDIRECTED and entry.action == Action.NONE


def test_reports_name_the_directory_file_inside_its_repository(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "data").mkdir()
    inside = tmp_path / "repo" / "data" / "organisations.yaml"
    assert repository_path(inside, cwd=tmp_path) == "data/organisations.yaml"
    assert repository_path("data/organisations.yaml", cwd=tmp_path / "repo") == "data/organisations.yaml"
    (tmp_path / "plain").mkdir()
    assert repository_path(tmp_path / "plain" / "d.yaml", cwd=tmp_path) == "plain/d.yaml"
    assert repository_path(tmp_path / "plain" / "d.yaml", cwd=tmp_path / "repo") == "d.yaml"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r",
           "GITHUB_SHA": "abc"}  # fmt: skip
    assert blob_base(env) == "https://github.com/o/r/blob/abc/"
    assert blob_base({}) is None
def test_a_lost_identity_is_checked_first_whatever_the_status(tmp_path: Path) -> None:
    lost = Outcome(Status.OK, "ok", http_status=200, title="Casino", identity=Identity.LOST,
                   identity_detail="the page names “Casino” and shows gambling")
    entry = history_of(tmp_path, [(3, OK), (0, lost)])
    assert (entry.identity, entry.action) == (Identity.LOST, Action.CHECK_IDENTITY)
    assert entry.action_detail == lost.identity_detail
    assert entry.last_verified == at(3)  # answering as someone else verifies nothing


def test_warnings_of_a_healthy_site_are_watched(tmp_path: Path) -> None:
    warned = Outcome(Status.OK, "ok", http_status=200, title="Site", warnings=("domain-expires-soon",),
                     identity=Identity.CONFIRMED, identity_detail="the title names it")
    entry = history_of(tmp_path, [(0, warned)])
    assert entry.warnings == ("domain-expires-soon",) and entry.identity == Identity.CONFIRMED
    assert (entry.action, entry.action_detail) == (Action.WATCH, "warnings: domain-expires-soon")


def test_the_listed_domain_s_rdap_record_joins_its_entry(tmp_path: Path) -> None:
    store = History.open(tmp_path / "h.sqlite3", write=True)
    try:
        store.record_domain(DomainRow("site.example", tried=at(1), answer="found", registered="2001-02-03",
                                      expires="2027-02-03", checked=at(2)))
        entry = build_report(DIRECTORY, store, Policy(), now=NOW).entries[0]
        store.record_domain(DomainRow("site.example", tried=at(0)))  # unanswered: the answer stands
        again = build_report(DIRECTORY, store, Policy(), now=NOW).entries[0]
    finally:
        store.close()
    assert entry.domain == again.domain == DomainInfo("2001-02-03", "2027-02-03", at(2)[:10], True)
    assert entry.status == "unchecked"  # a domain record comes from RDAP, not from a check
