"""The extra requests' politeness (crawler.politeness): robots.txt obeyed, one at a time per
host with a delay, Retry-After honoured, a User-Agent with the config's contact URL.

End to end: a real crawl of the simulated web, whose request log has each request's arrival
and completion times; the listed pages themselves never ask robots.txt.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from conftest import SimWeb, run_crawler, write_directory
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.demo.web import CA_ISSUERS_HOST, RDAP_HOST
from crawler.politeness import (
    ALLOW_ALL,
    DISALLOW_ALL,
    SidePoliteness,
    _Host,
    _within_budget,
    rules_from,
)

CONTACT = "https://directory.example/about-the-crawler"
DELAY = 0.2  # seconds between two extra requests to one host (crawler.toml below)
EXTRAS = {"/robots.txt", "/feed.xml", "/sitemap.xml"}


@dataclass
class Crawl:
    code: int
    stderr: str
    requests: list[dict[str, str]]
    entries: dict[str, dict[str, Any]]

    def to(self, host: str) -> list[dict[str, str]]:
        return [r for r in self.requests if r["host"] == host]


@pytest.fixture(scope="module")
def crawl(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    work = tmp_path_factory.mktemp("polite")
    polite = simweb.url("polite-extras.org")
    urls: dict[str, str | None] = {
        "forbid": simweb.url("robots-forbid.org"),
        **{f"polite-{p or 'home'}": polite + p for p in ("", "a", "b", "c")},
        # Its certificate chain is completed from a certificate authority's file server.
        "chain": simweb.url("chain-incomplete.org"),
    }
    directory = write_directory(work / "organisations.yaml", urls)
    (work / "crawler.toml").write_text(
        f'[requests]\ndelay = {DELAY}\ncontact = "{CONTACT}"\n', encoding="utf-8"
    )
    simweb.reset()
    result = run_crawler(
        "crawl", "--directory", str(directory), "--db", str(work / "h.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "5", "--rdap-bootstrap", simweb.rdap_bootstrap,
        *simweb.resolve_args(), ca=simweb.ca,
    )
    requests = simweb.requests()
    report = json.loads((work / "reports" / "staleness.json").read_text()) if result.returncode == 0 else {}
    return Crawl(result.returncode, result.stderr, requests, {e["id"]: e for e in report.get("entries", [])})


def test_the_crawl_succeeds(crawl: Crawl) -> None:
    assert crawl.code == 0, crawl.stderr
    assert {e["status"] for e in crawl.entries.values()} == {"ok"}
    assert crawl.entries["chain"]["warnings"] == ["tls-chain-incomplete"]


def test_services_are_asked_without_robots_txt_one_request_at_a_time(crawl: Crawl) -> None:
    # The RDAP registry and the certificate authority both forbid every robot in their
    # robots.txt: a lookup is a service's business, so robots.txt is never asked there, and
    # every listed domain got its registration (one lookup per registered domain).
    for service in (RDAP_HOST, CA_ISSUERS_HOST):
        asked = [r["path"] for r in crawl.to(service)]
        assert asked and "/robots.txt" not in asked, (service, asked)
    assert all(e["domain"] is not None for e in crawl.entries.values())
    # One request at a time to the registry host still holds: each lookup starts after the
    # previous one ended.
    lookups = sorted(crawl.to(RDAP_HOST), key=lambda r: r["time"])
    assert len(lookups) == 3  # robots-forbid.org, polite-extras.org, chain-incomplete.org
    for before, after in zip(lookups, lookups[1:]):
        assert "finished" in before and _time(after["time"]) >= _time(before["finished"]), (before, after)


def test_a_robots_txt_that_forbids_everything_leaves_only_the_listed_page(crawl: Crawl) -> None:
    asked = Counter(r["path"] for r in crawl.to("robots-forbid.org"))
    # The listed page is fetched as a browser would; robots.txt is asked once; the feed
    # and the sitemap the page would have led to are not.
    assert asked == Counter({"/": 1, "/robots.txt": 1})
    assert crawl.entries["forbid"]["content_updated"] is None


def test_extra_requests_to_one_host_never_overlap_and_keep_their_distance(crawl: Crawl) -> None:
    extras = sorted((r for r in crawl.to("polite-extras.org") if r["path"] in EXTRAS), key=lambda r: r["time"])
    # Four entries on one host: a feed and a sitemap each, and robots.txt once for the run.
    assert Counter(r["path"] for r in extras) == Counter({"/feed.xml": 4, "/sitemap.xml": 4, "/robots.txt": 1})
    assert extras[0]["path"] == "/robots.txt"  # asked before the first extra request it governs
    for before, after in zip(extras, extras[1:]):
        assert "finished" in before, before
        gap = (_time(after["time"]) - _time(before["finished"])).total_seconds()
        # The next one starts only after the previous one has ended, and the delay has passed
        # (times are to the millisecond, so allow for the rounding of two of them).
        assert gap >= DELAY - 0.002, (before, after)
    assert {e["content_updated"] for i, e in crawl.entries.items() if i.startswith("polite")} == {
        crawl.entries["polite-home"]["content_updated"]
    } != {None}


def test_listed_pages_never_wait_for_robots_txt(crawl: Crawl) -> None:
    listed = [r for r in crawl.to("polite-extras.org") if r["path"] in ("/", "/a", "/b", "/c")]
    assert sorted(r["path"] for r in listed) == ["/", "/a", "/b", "/c"]


def test_every_request_names_the_contact_url(crawl: Crawl) -> None:
    agents = {r["agent"] for r in crawl.requests if r["host"] in ("polite-extras.org", "robots-forbid.org")}
    assert agents and all(f"+{CONTACT})" in agent for agent in agents), agents


# --- the rules, one piece at a time ------------------------------------------------------------


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _answer(status: int, body: bytes = b"") -> Response:
    return TextResponse("http://site.example/robots.txt", status=status, body=body, encoding="utf-8")


def test_robots_txt_answers_are_read_as_rfc_9309_says() -> None:
    parsed = rules_from(_answer(200, b"User-agent: *\nDisallow: /feed\n"))
    assert not parsed.can_fetch("http://site.example/feed.xml", "any-agent")
    assert parsed.can_fetch("http://site.example/sitemap.xml", "any-agent")
    assert rules_from(_answer(404)) is ALLOW_ALL  # unavailable: no rules
    assert rules_from(_answer(503)) is DISALLOW_ALL  # unreachable: assume everything is disallowed
    assert rules_from(_answer(429)) is DISALLOW_ALL  # asked to slow down: take nothing this run


def test_retry_after_holds_the_host_back_and_a_long_one_ends_its_extra_requests() -> None:
    crawler = get_crawler(settings_dict={"CRAWLER_SIDE_DELAY": 0.5, "CRAWLER_RETRY_AFTER_MAX": 10.0})
    polite = SidePoliteness.from_crawler(crawler)
    host = polite.hosts["site.example"] = _Host()
    request = Request("http://site.example/feed.xml", meta={"side_request": True})
    for seconds, closed in ((3, False), (30, True)):
        host.turn.acquire()  # as process_request leaves it for the request in flight
        request.meta["_side_host"] = "site.example"
        before = time.monotonic()
        response = Response(request.url, status=429, headers={"Retry-After": str(seconds)}, request=request)
        assert polite.process_response(request, response) is response
        assert not host.turn.locked  # the turn is handed on
        assert bool(host.closed) is closed
        if not closed:  # the next extra request to the host waits as long as it asked
            assert host.free_at >= before + seconds
    assert "30 s" in host.closed


def test_a_request_to_a_service_may_set_its_own_delay() -> None:
    polite = SidePoliteness.from_crawler(get_crawler(settings_dict={"CRAWLER_SIDE_DELAY": 30.0}))
    host = polite.hosts["rdap.example"] = _Host()
    for delay, expected in ((None, 30.0), (0.25, 0.25)):
        meta: dict[str, Any] = {"side_request": True, "_side_host": "rdap.example"}
        if delay is not None:
            meta["side_delay"] = delay
        request = Request("https://rdap.example/domain/x.org", meta=meta)
        host.turn.acquire()
        before = time.monotonic()
        polite.process_response(request, Response(request.url, status=200, request=request))
        after = time.monotonic()
        assert before + expected <= host.free_at <= after + expected


def test_the_wait_for_a_turn_is_spent_from_the_entry_time_budget() -> None:
    # An extra request of an entry whose budget has half a second left after waiting its turn
    # gets that half second, not its own timeout; one whose budget is spent is not sent.
    request = Request("http://site.example/sitemap.xml", meta={
        "side_request": True, "download_timeout": 2.0, "deadline": time.monotonic() + 0.5,
    })
    _within_budget(request)
    assert 0 < request.meta["download_timeout"] <= 0.5 and request.meta["budget_clamped"] is True
    spent = Request("http://site.example/feed.xml", meta={"download_timeout": 2.0, "deadline": time.monotonic() - 1})
    with pytest.raises(DownloadTimeoutError):
        _within_budget(spent)
    assert spent.meta["budget_clamped"] is True
    # A service's request (RDAP, a certificate authority) is no part of an entry's budget.
    lookup = Request("https://rdap.example/domain/x.org", meta={"download_timeout": 2.0, "deadline": float("inf")})
    _within_budget(lookup)
    assert lookup.meta["download_timeout"] == 2.0 and "budget_clamped" not in lookup.meta
