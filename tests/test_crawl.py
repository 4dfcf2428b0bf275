"""End to end: directory file -> `crawler crawl` (real Scrapy, real sockets) -> store -> reports.

One directory lists every scenario of the simulated web; it is crawled twice (the
server's `retitled.org` changes its title in between), and each scenario's verdict,
title and date, and the history fields across the two runs, are checked.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SimWeb, run_crawler, write_directory

SPEC_ENTRY_KEYS = [
    "id", "name", "country", "line", "url", "status", "reason", "detail", "http_status",
    "final_url", "title", "previous_title", "title_changed", "last_checked", "last_verified",
    "failing_since", "consecutive_failures", "content_updated", "stale",
]


def entry_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host.encode("idna").decode("ascii")).strip("-")


@dataclass
class Crawled:
    first: dict[str, Any]
    second: dict[str, Any]
    codes: tuple[int, int]
    outputs: tuple[str, str]
    directory: Path
    db: Path
    reports: Path
    requests: list[dict[str, str]]

    def entry(self, run: dict[str, Any], host: str) -> dict[str, Any]:
        return next(e for e in run["entries"] if e["id"] == entry_id(host))


@pytest.fixture(scope="module")
def crawled(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    work = tmp_path_factory.mktemp("crawl")
    urls: dict[str, str | None] = {entry_id(h): s["url"] for h, s in simweb.hosts.items()}
    urls["no-website-listed"] = None
    names = {entry_id(h): s["name"] for h, s in simweb.hosts.items() if "name" in s}
    directory = write_directory(work / "organisations.yaml", urls, names=names)
    common = [
        "--directory", str(directory), "--db", str(work / "history.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "2", *simweb.resolve_args(),
    ]
    simweb.reset()
    first = run_crawler("crawl", *common, ca=simweb.ca)
    requests = simweb.requests()
    first_json = json.loads((work / "reports" / "staleness.json").read_text())
    simweb.next_edition()
    second = run_crawler("crawl", *common, ca=simweb.ca)
    second_json = json.loads((work / "reports" / "staleness.json").read_text())
    return Crawled(
        first_json, second_json, (first.returncode, second.returncode),
        (first.stderr, second.stderr), directory, work / "history.sqlite3", work / "reports", requests,
    )


def test_both_runs_succeed(crawled: Crawled) -> None:
    assert crawled.codes == (0, 0), crawled.outputs
    assert crawled.first["run"]["network"] == "available"
    assert crawled.first["run"]["checked"] == len(crawled.first["entries"])


def scenario_hosts(about: str | None = None) -> list[str]:
    """Hosts of the simulated web's scenario table (read without starting a server),
    optionally only those whose scenario sets the attribute `about`."""
    from crawler.demo.web import SCENARIOS

    return [s.host for s in SCENARIOS if about is None or getattr(s, about) is not None]


@pytest.mark.parametrize("host", scenario_hosts())
def test_each_scenario_gets_its_verdict(crawled: Crawled, simweb: SimWeb, host: str) -> None:
    entry = crawled.entry(crawled.first, host)
    expected = simweb.hosts[host]["expect"]
    assert [entry["status"], entry["reason"]] == expected, entry


@pytest.mark.parametrize("host", scenario_hosts("identity"))
def test_each_identity_is_judged(crawled: Crawled, simweb: SimWeb, host: str) -> None:
    entry = crawled.entry(crawled.first, host)
    assert entry["identity"] == simweb.hosts[host]["identity"], entry


def test_no_living_page_is_called_lost(crawled: Crawled, simweb: SimWeb) -> None:
    # Whatever a page says, only positive evidence loses an identity: every other scenario that
    # answered is confirmed or unconfirmed, whatever name the directory gives it.
    for host, scenario in simweb.hosts.items():
        entry = crawled.entry(crawled.first, host)
        if scenario.get("identity") != "lost":
            assert entry["identity"] != "lost", entry
        if entry["http_status"] is None:
            assert entry["identity"] is None, entry  # nothing answered: nothing to judge


@pytest.mark.parametrize("host", scenario_hosts())
def test_each_scenario_gets_its_warnings(crawled: Crawled, simweb: SimWeb, host: str) -> None:
    entry = crawled.entry(crawled.first, host)
    assert entry["warnings"] == simweb.hosts[host].get("warnings", []), entry


@pytest.mark.parametrize("host", [h for h in scenario_hosts("title") if h != "long-title.org"])
def test_titles_read_as_a_browser_shows_them(crawled: Crawled, simweb: SimWeb, host: str) -> None:
    assert crawled.entry(crawled.first, host)["title"] == simweb.hosts[host]["title"]


def test_long_title_is_capped(crawled: Crawled, simweb: SimWeb) -> None:
    title = crawled.entry(crawled.first, "long-title.org")["title"]
    assert title.startswith("A very long title A very long title")
    assert len(title) <= 301


@pytest.mark.parametrize("host", scenario_hosts("content_updated"))
def test_content_dates_come_from_the_site(crawled: Crawled, simweb: SimWeb, host: str) -> None:
    assert crawled.entry(crawled.first, host)["content_updated"] == simweb.hosts[host]["content_updated"]


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("expired-cert.org", ["certificate expired"]),
        ("self-signed.org", ["self-signed"]),
        ("wrong-name.org", ["name mismatch", "other-name.example"]),
        ("bad-handshake.org", ["handshake"]),
    ],
)
def test_tls_failures_name_the_problem(crawled: Crawled, simweb: SimWeb, host: str, words: list[str]) -> None:
    detail = crawled.entry(crawled.first, host)["detail"]
    for word in words:
        assert word in detail
    if host == "expired-cert.org":
        assert simweb.info["expired_on"] in detail


def test_json_report_carries_every_spec_field(crawled: Crawled) -> None:
    report = crawled.second
    assert {"generated_at", "directory", "run", "entries"} <= report.keys()
    assert {"started_at", "finished_at", "checked", "network"} <= report["run"].keys()
    for entry in report["entries"]:
        assert list(entry)[: len(SPEC_ENTRY_KEYS)] == SPEC_ENTRY_KEYS


def test_history_fields_across_two_runs(crawled: Crawled) -> None:
    ok_before = crawled.entry(crawled.first, "ok-site.org")
    ok_after = crawled.entry(crawled.second, "ok-site.org")
    assert ok_after["last_verified"] == ok_after["last_checked"] >= ok_before["last_checked"]
    assert ok_after["failing_since"] is None and ok_after["consecutive_failures"] == 0
    assert ok_after["previous_title"] == "Alive & Well" and not ok_after["title_changed"]

    dead_before = crawled.entry(crawled.first, "gone-404.org")
    dead_after = crawled.entry(crawled.second, "gone-404.org")
    assert dead_before["consecutive_failures"] == 1
    assert dead_after["consecutive_failures"] == 2
    assert dead_after["failing_since"] == dead_before["last_checked"]
    assert dead_after["last_verified"] is None and dead_after["stale"] is True

    retitled = crawled.entry(crawled.second, "retitled.org")
    assert retitled["title"] == "Edition 2"
    assert retitled["previous_title"] == "Edition 1"
    assert retitled["title_changed"] is True
    assert retitled["action"] == "check-identity"


def test_inward_redirect_never_reached_the_inside(crawled: Crawled) -> None:
    assert not [r for r in crawled.requests if r["path"].startswith("/secret")]
    assert any(r["host"] == "inward-redirect.org" for r in crawled.requests)


def test_store_keeps_every_check_of_every_run(crawled: Crawled) -> None:
    with sqlite3.connect(crawled.db) as db:
        runs = db.execute("SELECT network, checked FROM runs ORDER BY id").fetchall()
        per_run = db.execute("SELECT run_id, count(*) FROM checks GROUP BY run_id").fetchall()
        version = db.execute("PRAGMA user_version").fetchone()[0]
    entries = len(crawled.first["entries"])
    assert runs == [("available", entries), ("available", entries)]
    assert [n for _, n in per_run] == [entries, entries]
    assert version >= 1


def test_every_report_is_written(crawled: Crawled) -> None:
    names = sorted(p.name for p in crawled.reports.iterdir())
    assert names == ["changes.atom", "index.html", "junit.xml", "staleness.json", "staleness.md"]
    markdown = (crawled.reports / "staleness.md").read_text()
    line = crawled.entry(crawled.second, "perm-redirect.org")["line"]
    assert f"{crawled.directory}:{line}" in markdown or f"organisations.yaml:{line}" in markdown


def test_no_report_names_a_path_of_this_machine(crawled: Crawled) -> None:
    # The directory file was given as an absolute path outside any repository: the reports
    # name it by its file name (inside a repository: its path there), never where it lives.
    where = str(crawled.directory.parent)
    assert where.startswith("/")
    for report in crawled.reports.iterdir():
        text = report.read_text(encoding="utf-8")
        assert where not in text, report.name
        assert str(Path.home()) not in text and str(ROOT) not in text, report.name
    assert crawled.second["directory"] == "organisations.yaml"


def test_report_command_rewrites_reports_without_crawling(crawled: Crawled, simweb: SimWeb, tmp_path: Path) -> None:
    simweb.reset()
    result = run_crawler(
        "report", "--directory", str(crawled.directory), "--db", str(crawled.db), "--reports", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert simweb.requests() == []
    rewritten = json.loads((tmp_path / "staleness.json").read_text())
    assert [e["status"] for e in rewritten["entries"]] == [e["status"] for e in crawled.second["entries"]]


def test_retry_after_is_honoured_once(crawled: Crawled) -> None:
    asked = [r for r in crawled.requests if r["host"] == "ratelimited.org" and r["path"] == "/"]
    assert len(asked) == 2  # the first answer said "Retry-After: 1"; one polite retry
    assert crawled.entry(crawled.first, "ratelimited.org")["detail"] == "retry after 1"


def test_the_time_budget_ends_a_chain_of_slow_hops(crawled: Crawled) -> None:
    # Each hop answers within the 2 s timeout; the entry's 6 s budget ends the chain, so the
    # last hop is never asked for and the verdict is a timeout, not a wait of 9 s.
    paths = [r["path"] for r in crawled.requests if r["host"] == "slow-hops.org"]
    assert paths == ["/", "/1/", "/2/", "/3/"]
    entry = crawled.entry(crawled.first, "slow-hops.org")
    assert (entry["status"], entry["reason"]) == ("dead", "timeout")


def test_the_time_budget_cuts_slow_extra_requests_short(crawled: Crawled) -> None:
    # The page is live: the budget only cut its extra requests short (the sitemap, after its
    # turn at the host, was given the half second that was left, not its own 2 s).
    paths = [r["path"] for r in crawled.requests if r["host"] == "slow-extras.org"]
    assert paths == ["/", "/home/", "/robots.txt", "/feed.xml", "/sitemap.xml"]
    entry = crawled.entry(crawled.first, "slow-extras.org")
    assert (entry["status"], entry["reason"]) == ("ok", "ok")
    assert entry["warnings"] == ["budget-cut"]


def test_cookies_stay_with_their_visit(crawled: Crawled) -> None:
    asked = [r for r in crawled.requests if r["host"] == "cookie-wall.org"]
    # Sent back the cookie it set, as a browser does; the first request had none.
    assert [r["cookie"] for r in asked[:2]] == ["", "visit_token=ok"]
    # No other site ever saw it.
    assert all(not r["cookie"] for r in crawled.requests if r["host"] != "cookie-wall.org")
