"""Run one crawl in this process: build the settings, start Scrapy, read the outcome.

Twisted's reactor cannot be restarted, so a process runs one crawl; the CLI is that
process. Everything the crawl records happens inside Scrapy (the pipeline), so this
module only maps options onto settings and reads the result back.
"""

from __future__ import annotations

import logging
import os
import resource
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.directory import Directory
from crawler.errors import StoreError
from crawler.options import CrawlOptions
from crawler.pipelines import policy_from
from crawler.reports.model import Report, build_report
from crawler.spiders.websites import WebsitesSpider
from crawler.store import open_store
from crawler.store.rows import CheckRow

if TYPE_CHECKING:
    from crawler.distributed import SharedCrawl


class CrawlFailed(Exception):
    """The crawl could not run to its end for a reason of ours, not the network's."""


@dataclass(frozen=True)
class CrawlResult:
    run_id: int
    network: str  # "available" | "unavailable"
    checks: tuple[CheckRow, ...]
    by_this_process: int | None = None  # in a shared crawl: the checks this process made


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
        "CRAWLER_RDAP_ENABLED": options.rdap,
        "CRAWLER_PROGRESS": options.progress,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DNS_TIMEOUT": options.timeout,
        "LOG_LEVEL": options.log_level,
    }
    if options.concurrency:
        overrides["CONCURRENT_REQUESTS"] = options.concurrency
    if options.rdap_bootstrap:
        overrides["CRAWLER_RDAP_BOOTSTRAP"] = options.rdap_bootstrap
    if os.environ.get("NO_COLOR"):  # https://no-color.org/
        overrides["LOG_COLOR"] = False
    if options.redis:
        from crawler import distributed  # the optional 'distributed' extra

        overrides.update(distributed.settings(settings, options.redis))
    overrides.update(options.extra)
    settings.setdict(overrides, priority="cmdline")
    return settings


def _allow_sockets(settings: Settings) -> None:
    """Raise the soft open-files limit towards the hard one: each request in flight is a
    socket, and 1,024 (a common default) is too few for CONCURRENT_REQUESTS = 512 plus
    connections being torn down."""
    wanted = settings.getint("CONCURRENT_REQUESTS") * 2 + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def crawl(options: CrawlOptions) -> CrawlResult:
    """Check the entries, record them, write the reports. Raises StoreError early if the
    store cannot be written (locked by another crawl, corrupt, newer)."""
    settings = settings_for(options)
    _allow_sockets(settings)
    spider: type[WebsitesSpider] = WebsitesSpider
    shared: SharedCrawl | None = None
    if options.redis:
        from crawler import distributed  # the optional 'distributed' extra

        # Connects, then leads a run or waits for one: errors come before Scrapy starts.
        shared = distributed.join(options, settings)
        spider = distributed.SharedWebsitesSpider
    else:
        open_store(options.db, write=True).close()  # fail before Scrapy starts, not inside it
    try:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider)
        process.crawl(crawler, **({"shared": shared} if shared else {}))
        process.start()
    finally:
        if shared is not None:
            shared.close()
    logging.shutdown()
    stats = crawler.stats
    assert stats is not None
    if stats.get_value("crawler/store_error"):
        raise StoreError(str(stats.get_value("crawler/store_error")))
    if stats.get_value("crawler/network") is None:
        # The pipeline settles every run that started; no verdict means Scrapy itself
        # failed (its log says why). Saying "network unavailable" here would be a lie.
        raise CrawlFailed("the crawl did not complete; Scrapy's log above says why")
    run_id = int(stats.get_value("crawler/run_id") or 0)
    network = str(stats.get_value("crawler/network") or "unavailable")
    if network == "interrupted":  # a worker whose coordinator went away
        raise StoreError("the shared crawl's coordinator stopped before settling the run; the checks made are kept")
    store = open_store(options.db, write=False)
    try:
        checks = tuple(store.checks_of_run(run_id))
    finally:
        store.close()
    mine = int(stats.get_value("crawler/shared/recorded") or 0) if options.redis else None
    return CrawlResult(run_id, network, checks, mine)


def report(directory: Directory, options: CrawlOptions) -> Report:
    """The report model from the store, as the last crawl would have written it."""
    store = open_store(options.db, write=False)
    try:
        return build_report(directory, store, policy_from(settings_for(options)))
    finally:
        store.close()

