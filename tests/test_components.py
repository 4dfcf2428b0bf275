"""The spider and the pipeline as Scrapy components, built with Scrapy's `get_crawler` and fed
hand-made responses and checks: what each promises the other through the run context.

The end-to-end tests run the same code through the real downloader; these pin the
contracts (what `parse` and `failed` yield, what `start` asks for, the network verdict the
pipeline settles) without a network, on a real SQLite store.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import HtmlResponse, Response
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler, get_reactor_settings
from twisted.python.failure import Failure

from crawler.context import RunContext
from crawler.directory import parse_directory
from crawler.items import Check, utc_now
from crawler.pipelines import HistoryPipeline
from crawler.spiders.websites import WebsitesSpider
from crawler.verdict.outcome import Network, Outcome, Reason, Status

DIRECTORY = parse_directory(
    """organisations:
  - id: alive
    country: A
    name: Alive Society
    website: https://alive.example/
  - id: offline
    country: B
    name: Offline Group
  - id: gone
    country: C
    name: Gone Union
    website: https://gone.example/
""",
    "d.yaml",
)


def _settings(**settings: Any) -> dict[str, Any]:
    """Our settings, as `crawler crawl` starts from, with the reactor settings `get_crawler`
    needs in this process (no crawl runs here: nothing needs our reactor)."""
    return {**dict(get_project_settings()), **get_reactor_settings(), **settings}


def _crawler(tmp_path: Path, context: RunContext, **settings: Any) -> Any:
    base = _settings()
    base.update(
        CRAWLER_DB=str(tmp_path / "h.sqlite3"), CRAWLER_REPORTS=str(tmp_path / "reports"),
        CRAWLER_FRESHNESS_ENABLED=False, CRAWLER_SOFT404_ENABLED=False, CRAWLER_PROGRESS=False,
        CRAWLER_RDAP_ENABLED=False,
    )  # fmt: skip
    base.update(settings)
    crawler = get_crawler(WebsitesSpider, base)
    crawler.spider = WebsitesSpider.from_crawler(crawler, context=context)
    return crawler


def _response(url: str, body: str, status: int = 200, **meta: Any) -> Response:
    entry = next(e for e in DIRECTORY.entries if e.website and url.startswith(e.website))
    request = Request(url, meta={"entry": entry, **meta})
    return HtmlResponse(url, status=status, body=body.encode(), encoding="utf-8", request=request)


def _parse(spider: WebsitesSpider, response: Response) -> list[Check]:
    # With the extra requests off, `parse` awaits nothing: it runs to its end at once.
    return asyncio.run(spider.parse(response))


@pytest.mark.parametrize(
    ("url", "body", "status", "meta", "expected"),
    [
        ("https://alive.example/", "<title>Alive Society</title><p>News.</p>", 200, {}, (Status.OK, Reason.OK)),
        ("https://gone.example/", "<title>Not here</title>", 404, {}, (Status.DEAD, "http-404")),
        (
            "https://alive.example/home/", "<title>Alive Society</title>", 200,
            {"redirect_urls": ["https://alive.example/"], "redirect_reasons": [301]},
            (Status.REDIRECTED, "http-301"),
        ),
        (
            "https://alive.example/", "<title>alive.example is for sale</title><p>Buy this domain.</p>",
            200, {}, (Status.PARKED, Reason.PARKED),
        ),
    ],
)  # fmt: skip
def test_parse_yields_one_check_of_the_entry(
    tmp_path: Path, url: str, body: str, status: int, meta: dict[str, Any], expected: tuple[Status, str]
) -> None:
    spider = _crawler(tmp_path, RunContext.choose(DIRECTORY)).spider
    (check,) = _parse(spider, _response(url, body, status, **meta))
    entry = url.split("/")[2].split(".")[0]
    assert check.entry_id == entry
    assert check.url == f"https://{entry}.example/"  # the listed URL, whatever the final one
    assert (check.outcome.status, check.outcome.reason) == expected
    assert check.outcome.final_url == url


def test_failed_classifies_a_network_failure_of_the_site(tmp_path: Path) -> None:
    spider = _crawler(tmp_path, RunContext.choose(DIRECTORY)).spider
    request = Request("https://gone.example/", meta={"entry": DIRECTORY.by_id("gone")})
    failure = Failure(CannotResolveHostError("gone.example"))
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy's downloader sets it
    (check,) = asyncio.run(spider.failed(failure))
    assert (check.entry_id, check.outcome.status, check.outcome.reason) == ("gone", Status.DEAD, Reason.DNS)


def test_start_asks_for_the_context_entries_only(tmp_path: Path) -> None:
    context = RunContext.choose(DIRECTORY, only={"offline", "gone"}, canary="https://canary.example/")
    spider = _crawler(tmp_path, context).spider

    async def collect() -> list[Any]:
        return [item async for item in spider.start()]

    first, second, third = asyncio.run(collect())
    assert isinstance(first, Request) and first.url == "https://canary.example/"
    assert isinstance(second, Check) and (second.entry_id, second.outcome.status) == ("offline", Status.NO_WEBSITE)
    assert isinstance(third, Request) and third.meta["entry"].id == "gone"


def test_scrapy_crawl_with_a_bad_directory_logs_every_problem_and_checks_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisations:\n  - id: x\n    country: A\n", encoding="utf-8")
    crawler = get_crawler(WebsitesSpider, _settings(CRAWLER_DIRECTORY=str(bad)))
    spider = WebsitesSpider.from_crawler(crawler)
    assert spider.context.entries == () and spider.context.problems
    assert f"{bad}:2: missing required key 'name'" in caplog.text


def _check(entry: str, outcome: Outcome) -> Check:
    return Check(entry, f"https://{entry}.example/", utc_now(), outcome)


ANSWERED = Outcome(Status.OK, Reason.OK, http_status=200)
SILENT = Outcome(Status.DEAD, Reason.TIMEOUT, "no answer before the timeout")


@pytest.mark.parametrize(
    ("checks", "canary_failed", "network", "kept"),
    [
        ([("alive", ANSWERED), ("gone", SILENT)], False, Network.AVAILABLE, 3),
        ([("alive", SILENT), ("gone", SILENT)], False, Network.UNAVAILABLE, 0),  # nothing answered
        ([("alive", ANSWERED), ("gone", SILENT)], True, Network.UNAVAILABLE, 0),  # the canary failed
        ([], False, Network.AVAILABLE, 1),  # nothing needed the network: no evidence against it
    ],
)
def test_the_pipeline_settles_the_network_verdict_at_close(
    tmp_path: Path, checks: list[tuple[str, Outcome]], canary_failed: bool, network: Network, kept: int
) -> None:
    context = RunContext.choose(DIRECTORY, canary="https://canary.example/")
    crawler = _crawler(tmp_path, context)
    pipeline = HistoryPipeline.from_crawler(crawler)
    pipeline.open_spider()
    assert context.run_id is not None
    pipeline.process_item(_check("offline", Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE)))
    for entry, outcome in checks:
        pipeline.process_item(_check(entry, outcome))
    context.canary_failed = canary_failed
    pipeline.close_spider()

    assert context.network is network
    assert context.recorded == len(checks) + 1
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("SELECT network FROM runs").fetchall() == [(network.value,)]
        assert db.execute("SELECT count(*) FROM checks").fetchone()[0] == kept
    assert crawler.stats.get_value("crawler/outcome/no-website") == 1
    assert (tmp_path / "reports" / "staleness.json").exists()  # reports from the context's directory
