"""Is it still theirs? The registration watch and the identity, end to end on a web of our own.

A simulated web of this module's own (its `takeover()` changes state) plays an RDAP server;
`crawler crawl --rdap-bootstrap` points the registration watch at it. Three crawls: the first
confirms the organisations and records their domains' registrations; the second, at once,
asks the registry nothing (the answers are fresh); then the domains of two of them change
hands -- a new registration date, a casino -- a month passes, and the third crawl says `lost`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SimWeb, run_crawler, started_simweb, write_directory

HOSTS = {
    "harbour-rowing.org": "Harbour Rowing Club",
    "casino-caught.org": "Millbrook Choir",
    "cookie-wall.org": "Cookie Wall Cooperative",  # its registration ends within 30 days
    "gone-410.org": "Gone Society",  # the registry holds no such domain
    "www-change.org": "WWW Change",  # one registered domain for these two entries
    "www.www-change.org": "WWW Change",
    "www.ok-site.co.uk": "OK Site UK",
    "novosti-partii.ru": "Новости Партии",
}


def entry_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-")


@dataclass
class Run:
    code: int
    stderr: str
    report: dict[str, Any]
    rdap: list[str]  # paths asked of the RDAP server during this crawl
    requests: list[dict[str, str]]  # every request the web received during this crawl
    markdown: str
    html: str
    junit: str

    def entry(self, host: str) -> dict[str, Any]:
        return next(e for e in self.report["entries"] if e["id"] == entry_id(host))


@dataclass
class Crawls:
    first: Run
    again: Run
    after: Run
    quiet: Run  # --no-rdap, after the takeover
    db: Path


def crawl(web: SimWeb, work: Path, *extra: str) -> Run:
    web.reset()
    result = run_crawler(
        "crawl", "--directory", str(work / "organisations.yaml"), "--db", str(work / "history.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "5", *web.resolve_args(), *extra, ca=web.ca,
    )
    rdap_host = web.info["services"]["rdap"]["host"]
    reports = work / "reports"
    requests = web.requests()
    return Run(
        result.returncode, result.stderr, json.loads((reports / "staleness.json").read_text()),
        [r["path"] for r in requests if r["host"] == rdap_host], requests,
        (reports / "staleness.md").read_text(), (reports / "index.html").read_text(),
        (reports / "junit.xml").read_text(),
    )


def a_month_passes(db: Path) -> None:
    """Everything the store remembers moves 31 days into the past: the checks, the runs and
    the registration watch's answers (the store's clock, not the machine's)."""
    earlier = "strftime('%Y-%m-%dT%H:%M:%SZ', {}, '-31 days')"
    with sqlite3.connect(db) as connection:
        connection.execute(f"UPDATE checks SET checked_at = {earlier.format('checked_at')}")
        connection.execute(
            f"UPDATE runs SET started_at = {earlier.format('started_at')}, finished_at = {earlier.format('finished_at')}"
        )
        connection.execute(f"UPDATE domains SET checked = {earlier.format('checked')}, tried = {earlier.format('tried')}")
    connection.close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    work = tmp_path_factory.mktemp("identity")
    with started_simweb(tmp_path_factory.mktemp("own-simweb")) as web:
        urls: dict[str, str | None] = {entry_id(h): web.url(h) for h in HOSTS}
        names = {entry_id(h): n for h, n in HOSTS.items()}
        write_directory(work / "organisations.yaml", urls, names=names)
        rdap = ("--rdap-bootstrap", web.rdap_bootstrap)
        first = crawl(web, work, *rdap)
        again = crawl(web, work, *rdap)
        web.takeover()
        a_month_passes(work / "history.sqlite3")
        after = crawl(web, work, *rdap)
        quiet = crawl(web, work, "--no-rdap")
    return Crawls(first, again, after, quiet, work / "history.sqlite3")


def test_every_crawl_succeeds(crawls: Crawls) -> None:
    for run in (crawls.first, crawls.again, crawls.after, crawls.quiet):
        assert run.code == 0, run.stderr


def test_the_first_crawl_confirms_and_records_each_registration(crawls: Crawls) -> None:
    for host in ("harbour-rowing.org", "casino-caught.org", "www.ok-site.co.uk", "novosti-partii.ru"):
        entry = crawls.first.entry(host)
        assert entry["identity"] == "confirmed", entry
        assert entry["domain"]["registered"] == "2009-05-14" and entry["domain"]["found"] is True
        assert entry["domain"]["checked"] == entry["last_checked"][:10]


def test_each_registered_domain_is_asked_once(crawls: Crawls) -> None:
    asked = sorted(crawls.first.rdap)
    domains = {"harbour-rowing.org", "casino-caught.org", "cookie-wall.org", "gone-410.org",
               "www-change.org", "ok-site.co.uk", "novosti-partii.ru"}
    assert asked == sorted(f"/rdap/domain/{d}" for d in domains)
    assert crawls.again.rdap == []  # the answers are fresh: at most once per domain per 30 days
    with sqlite3.connect(crawls.db) as connection:
        rows = dict(connection.execute("SELECT domain, answer FROM domains").fetchall())
    connection.close()
    assert rows == {d: "not-found" if d == "gone-410.org" else "found" for d in domains}


def test_registration_warnings(crawls: Crawls) -> None:
    expiring = crawls.first.entry("cookie-wall.org")
    assert "domain-expires-soon" in expiring["warnings"]
    assert date.fromisoformat(expiring["domain"]["expires"]) <= datetime.now(UTC).date() + timedelta(days=30)
    assert expiring["status"] == "ok" and expiring["action"] == "watch"
    gone = crawls.first.entry("gone-410.org")
    assert gone["warnings"] == ["domain-not-registered"] and gone["domain"]["found"] is False
    assert gone["identity"] == "unconfirmed"  # a 410 page answered; it names nobody
    assert crawls.again.entry("gone-410.org")["warnings"] == ["domain-not-registered"]  # from the cache


def test_a_re_registered_domain_is_lost_on_the_registry_s_word(crawls: Crawls) -> None:
    entry = crawls.after.entry("harbour-rowing.org")
    registered = (datetime.now(UTC).date() - timedelta(days=2)).isoformat()
    assert entry["status"] == "ok" and entry["identity"] == "lost", entry
    assert entry["domain"]["registered"] == registered
    assert registered in entry["identity_detail"] and "after the last check that confirmed" in entry["identity_detail"]
    assert crawls.after.rdap.count("/rdap/domain/harbour-rowing.org") == 1  # a month on: asked again
    assert entry["last_verified"] < entry["last_checked"]  # answering as someone else verifies nothing


def test_a_taken_over_page_is_lost_on_its_own_evidence(crawls: Crawls) -> None:
    entry = crawls.after.entry("casino-caught.org")
    assert entry["status"] == "ok" and entry["identity"] == "lost", entry
    assert "gambling" in entry["identity_detail"] and "Best Online Casino" in entry["identity_detail"]
    assert entry["domain"]["registered"] == "2009-05-14"  # its registry saw nothing change


def test_without_rdap_the_registry_is_not_asked_and_the_evidence_stays(crawls: Crawls) -> None:
    assert crawls.quiet.rdap == []
    assert crawls.quiet.entry("casino-caught.org")["identity"] == "lost"
    # The last confirmed check is still before the registration the store remembers.
    assert crawls.quiet.entry("harbour-rowing.org")["identity"] == "lost"


def test_the_reports_lead_with_the_lost(crawls: Crawls) -> None:
    section = crawls.after.markdown.split("## Check the identity", 1)[1].split("\n## ", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- [ ]")]
    assert len(items) == 2 and all("identity lost" in item for item in items)
    for host in ("harbour-rowing.org", "casino-caught.org"):
        assert f'href="{crawls.after.entry(host)["url"]}"' not in crawls.after.html
        assert "not linked: the address now belongs to someone else" in crawls.after.html
    assert f'href="{crawls.after.entry("www.ok-site.co.uk")["url"]}"' in crawls.after.html
    suite = ET.fromstring(crawls.after.junit)
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert {entry_id("harbour-rowing.org"), entry_id("casino-caught.org")} <= failed
    assert entry_id("www.ok-site.co.uk") not in failed


def test_no_cookie_outlives_its_crawl(crawls: Crawls) -> None:
    for run in (crawls.first, crawls.again, crawls.after):
        first = next(r for r in run.requests if r["host"] == "cookie-wall.org")
        assert first["cookie"] == ""  # every crawl starts without the cookie the last one got
        assert run.entry("cookie-wall.org")["status"] == "ok"
