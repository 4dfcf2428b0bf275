"""Crawls that pace themselves (crawler.policy.schedule, `crawl --due`, `--max`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import SimWeb, run_crawler

from crawler.decisions import Decision
from crawler.directory import Entry
from crawler.policy.schedule import Schedule, State, Why, choose
from crawler.store import open_store
from crawler.verdict.outcome import Outcome, Reason, Status

NOW = datetime(2027, 3, 10, 4, 17, tzinfo=UTC)


def _entry(n: int, url: str | None = None, *decisions: Decision) -> Entry:
    website = url if url is not None else f"https://e{n}.example/"
    return Entry(f"e{n}", "C", f"E {n}", None, website, None, n * 5, n * 5, tuple(decisions))


def _state(entry: Entry, days_ago: float, *, failing: bool = False, grace_over: bool = False,
           url: str | None = "same") -> State:
    return State(NOW - timedelta(days=days_ago), entry.ascii_url if url == "same" else url, failing, grace_over)


def test_why_each_entry_is_due() -> None:
    entries = [_entry(n) for n in range(9)]
    e = entries
    states = {
        # e0 never checked: new
        e[1].id: _state(e[1], 1, url="https://old.example/"),  # edited
        e[2].id: _state(e[2], 1.0, failing=True),  # failing, checked a day ago: due
        e[3].id: _state(e[3], 0.5, failing=True),  # failing, checked this morning: not yet
        e[4].id: _state(e[4], 2, failing=True, grace_over=True),  # dead for sure: weekly
        e[5].id: _state(e[5], 7),  # alive a week ago: due
        e[6].id: _state(e[6], 7 - 0.5 / 24),  # a week less half an hour (the slack): due
        e[7].id: _state(e[7], 6),  # alive six days ago: not yet
        e[8].id: _state(e[8], 8, failing=True, grace_over=True),  # dead, a week ago: due
    }
    choice = choose(entries, states, Schedule(spread=False), NOW, due=True)
    assert dict(choice.why) == {
        "e0": Why.NEW, "e1": Why.EDITED, "e2": Why.FAILING, "e5": Why.DUE, "e6": Why.DUE, "e8": Why.DUE,
    }
    assert choice.ids == ("e0", "e1", "e2", "e5", "e6", "e8")  # directory order


def test_max_takes_new_edited_failing_then_the_most_overdue() -> None:
    entries = [_entry(n) for n in range(6)]
    states = {
        "e1": _state(entries[1], 9),
        "e2": _state(entries[2], 30),  # the most overdue
        "e3": _state(entries[3], 2, failing=True),
        "e4": _state(entries[4], 1, url=None),  # edited: a website added
        "e5": _state(entries[5], 8),
    }
    choice = choose(entries, states, Schedule(spread=False, max=4), NOW, due=True)
    assert set(choice.ids) == {"e0", "e4", "e3", "e2"}
    assert choice.left == 2  # e1 and e5 wait for the next run


def test_spread_tops_a_light_run_up_to_an_even_share() -> None:
    entries = [_entry(n) for n in range(70)]
    # Everything was checked on one day, two days ago: nothing is due yet.
    states = {e.id: _state(e, 2 + e.entry_line / 10_000) for e in entries}
    choice = choose(entries, states, Schedule(), NOW, due=True)
    assert len(choice.ids) == 10  # 70 entries over 7 days
    assert set(choice.why.values()) == {Why.SPREAD}
    oldest = sorted(entries, key=lambda e: states[e.id].last_checked)[:10]
    assert set(choice.ids) == {e.id for e in oldest}


def test_a_skip_decision_keeps_an_entry_out_even_of_a_full_crawl() -> None:
    skip = Decision("rebuild", 3, skip_until=(NOW + timedelta(days=3)).date())
    ended = Decision("rebuild", 3, skip_until=(NOW - timedelta(days=1)).date())
    entries = [_entry(0, None, skip), _entry(1, None, ended), _entry(2)]
    choice = choose(entries, {}, Schedule(), NOW, due=False)
    assert choice.ids == ("e1", "e2") and choice.skipped == ("e0",)


# --- crawl --due on a real history of mixed ages ---------------------------------------------


def test_crawl_due_checks_exactly_the_due_entries(simweb: SimWeb, tmp_path: Path) -> None:
    urls = {
        "weekly-due": simweb.url("ok-site.org"),
        "weekly-fresh": simweb.url("www.ok-site.co.uk"),
        "failing": simweb.url("gone-404.org"),
        "dead-confirmed": simweb.url("gone-410.org"),
        "new": simweb.url("new-owner.net"),
        "edited": simweb.url("retitled.org"),
        "skipped": simweb.url("hang.org"),
        "no-site": None,
    }
    lines = ["organisations:"]
    for entry_id, url in urls.items():
        lines += [f"  - id: {entry_id}", "    country: C", f"    name: {entry_id}", f"    website: {url or 'null'}"]
        if entry_id == "skipped":
            lines += ["    check:", "      skip-until: 2999-01-01", "      reason: being rebuilt"]
    directory = tmp_path / "organisations.yaml"
    directory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "history.sqlite3"
    common = ["--directory", str(directory), "--db", str(db), "--reports", str(tmp_path / "reports"),
              "--timeout", "3", "--no-freshness", *simweb.resolve_args()]

    # The older history, written with the store's own API at explicit times.
    now = datetime.now(UTC)
    ok = Outcome(Status.OK, Reason.OK, http_status=200, title="Alive")
    gone_404, gone_410 = Outcome(Status.DEAD, "http-404", http_status=404), Outcome(Status.DEAD, "http-410", http_status=410)
    past: list[tuple[float, list[tuple[str, str | None, Outcome]]]] = [
        (12, [("dead-confirmed", urls["dead-confirmed"], gone_410)]),
        (8, [("weekly-due", urls["weekly-due"], ok), ("dead-confirmed", urls["dead-confirmed"], gone_410)]),
        (2, [("dead-confirmed", urls["dead-confirmed"], gone_410)]),
        (25 / 24, [("failing", urls["failing"], gone_404),
                   ("edited", "http://the-old-address.example/", ok),
                   ("no-site", None, Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE))]),
    ]
    store = open_store(str(db), write=True)
    try:
        for days, checks in past:
            at = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
            run = store.begin_run(str(directory), started_at=at)
            for entry_id, url, outcome in checks:
                store.record(run, entry_id, url, at, outcome)
            store.finish_run(run, network_available=True)
    finally:
        store.close()
    # And a real crawl today, of one entry.
    today = run_crawler("check", *common, "--only", "weekly-fresh", ca=simweb.ca)
    assert today.returncode == 0, today.stderr

    simweb.reset()
    due = run_crawler("crawl", *common, "--due", ca=simweb.ca)
    assert due.returncode == 0, due.stderr
    report = json.loads((tmp_path / "reports" / "staleness.json").read_text())
    assert report["run"]["checked"] == 4
    with_checks_today = {
        e["id"] for e in report["entries"] if e["last_checked"] and e["last_checked"] >= now.strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    assert with_checks_today == {"weekly-due", "failing", "new", "edited", "weekly-fresh"}
    store = open_store(str(db), write=False)
    try:
        last = store.last_run()
        assert last is not None
        assert {c.entry_id for c in store.checks_of_run(last.id)} == {"weekly-due", "failing", "new", "edited"}
    finally:
        store.close()
    asked = {r["host"] for r in simweb.requests()}
    assert asked == {"ok-site.org", "gone-404.org", "new-owner.net", "retitled.org"}
    assert "checking 4 entries (1 due, 1 failing, 1 new, 1 edited); 1 skipped by decisions" in due.stderr
    # The reports still cover every entry, each with its last check.
    assert [e["id"] for e in report["entries"]] == list(urls)
    assert {e["id"]: e["status"] for e in report["entries"]}["dead-confirmed"] == "dead"
    assert {e["id"]: e["status"] for e in report["entries"]}["skipped"] == "unchecked"
