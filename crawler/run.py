"""Run one crawl in this process: build the settings, start Scrapy, read the outcome.

Twisted's reactor cannot be restarted, so a process runs one crawl; the CLI is that
process. Everything the crawl records happens inside Scrapy (the pipeline), so this
module only maps options onto settings and reads the result back.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.directory import Directory
from crawler.history import CheckRow, History
from crawler.report_model import Report, build_report
from crawler.pipelines import policy_from
from crawler.spiders.websites import WebsitesSpider


@dataclass(frozen=True)
class CrawlOptions:
    """What the crawling commands share (the spec's common options)."""

    directory: str = "data/organisations.yaml"
    db: str = "data/history.sqlite3"
    reports: str = "reports"
    timeout: float = 30.0
    concurrency: int | None = None
    resolve: Sequence[str] = ()
    allow_private: bool = False
    canary: str | None = None
    only: Sequence[str] = ()
    freshness: bool = True
    progress: bool = True
    log_level: str = "WARNING"
    extra: dict[str, object] = field(default_factory=dict)  # more Scrapy settings, by name


@dataclass(frozen=True)
class CrawlResult:
    run_id: int
    network: str  # "available" | "unavailable"
    checks: tuple[CheckRow, ...]


def settings_for(options: CrawlOptions) -> Settings:
    """Our settings module, then the options on top (the priority of command-line flags)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, object] = {
        "CRAWLER_DIRECTORY": options.directory,
        "CRAWLER_DB": options.db,
        "CRAWLER_REPORTS": options.reports,
        "CRAWLER_RESOLVE": list(options.resolve),
        "CRAWLER_ALLOW_PRIVATE": options.allow_private,
        "CRAWLER_CANARY_URL": options.canary,
        "CRAWLER_ONLY": list(options.only),
        "CRAWLER_FRESHNESS_ENABLED": options.freshness,
        "CRAWLER_PROGRESS": options.progress,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DNS_TIMEOUT": options.timeout,
        "LOG_LEVEL": options.log_level,
    }
    if options.concurrency:
        overrides["CONCURRENT_REQUESTS"] = options.concurrency
    if os.environ.get("NO_COLOR"):  # https://no-color.org/
        overrides["LOG_COLOR"] = False
    overrides.update(options.extra)
    settings.setdict(overrides, priority="cmdline")
    return settings


def crawl(options: CrawlOptions) -> CrawlResult:
    """Check the entries, record them, write the reports. Raises StoreError early if the
    store cannot be written (locked by another crawl, corrupt, newer)."""
    History.open(options.db, write=True).close()  # fail before Scrapy starts, not inside it
    process = CrawlerProcess(settings_for(options))
    crawler = process.create_crawler(WebsitesSpider)
    process.crawl(crawler)
    process.start()
    logging.shutdown()
    stats = crawler.stats
    assert stats is not None
    run_id = int(stats.get_value("crawler/run_id") or 0)
    network = str(stats.get_value("crawler/network") or "unavailable")
    store = History.open(options.db, write=False)
    try:
        checks = tuple(store.checks_of_run(run_id))
    finally:
        store.close()
    return CrawlResult(run_id, network, checks)


def report(directory: Directory, options: CrawlOptions) -> Report:
    """The report model from the store, as the last crawl would have written it."""
    store = History.open(options.db, write=False)
    try:
        return build_report(directory, store, policy_from(settings_for(options)))
    finally:
        store.close()


def reports_dir(options: CrawlOptions) -> Path:
    return Path(options.reports)
