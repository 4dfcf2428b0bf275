"""Run one crawl in this process: build the settings, start Scrapy, read the outcome.

Twisted's reactor cannot be restarted, so a process runs one crawl; the CLI is that
process. Everything the crawl records happens inside Scrapy (the pipeline), so this
module only maps options onto settings and reads the result back.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.context import RunContext
from crawler.directory import Directory, load_directory
from crawler.errors import Interrupted, SharedCrawlError
from crawler.jobs import shares
from crawler.jobs.parent import ShardedWebsitesSpider
from crawler.options import CrawlOptions
from crawler.pipelines import policy_from
from crawler.reports.model import Report, build_report
from crawler.spiders.websites import WebsitesSpider
from crawler.store import open_store
from crawler.store.rows import CheckRow
from crawler.verdict.outcome import Network

if TYPE_CHECKING:
    from crawler.distributed.crawl import SharedCrawl


class CrawlFailed(Exception):
    """The crawler itself failed (a bug, not the network's or the user's doing): exit 70.

    Deliberately not a `CrawlerError`: the command logs it with its traceback."""


@dataclass(frozen=True)
class CrawlResult:
    run_id: int
    network: Network  # available or unavailable
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
        from crawler.distributed import (
            crawl as distributed,  # the optional 'distributed' extra
        )

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


def crawl(options: CrawlOptions, directory: Directory | None = None) -> CrawlResult:
    """Check the entries, record them, write the reports; the result once the run is settled.

    `directory` is the directory file already loaded and validated (the command's); it is
    loaded here if not given (a shared crawl's worker reads none). Raises StoreError before
    Scrapy starts if the store cannot be written (locked by another crawl, corrupt, newer);
    the `CrawlerError` that stopped the crawl (a store or report that could not be written);
    and `CrawlFailed` when the crawler itself failed (a bug, logged with its traceback).
    """
    settings = settings_for(options)
    _allow_sockets(settings)
    if options.worker:
        context = RunContext(None, (), options.canary)
    else:
        context = RunContext.choose(directory or load_directory(options.directory), options.only, options.canary)
    spider: type[WebsitesSpider] = WebsitesSpider
    arguments: dict[str, object] = {"context": context}
    shared: SharedCrawl | None = None
    if options.redis:
        from crawler.distributed import (
            crawl as distributed,  # the optional 'distributed' extra
        )

        # Connects, then leads a run or waits for one: errors come before Scrapy starts.
        shared = distributed.join(options, context)
        spider, arguments["shared"] = distributed.SharedWebsitesSpider, shared
    else:
        open_store(options.db, write=True).close()  # fail before Scrapy starts, not inside it
        shards = shares(context.entries, options.jobs)
        if len(shards) > 1:  # every core: child crawls check, this process records (crawler.jobs)
            spider, arguments["shards"] = ShardedWebsitesSpider, shards
    try:
        process = CrawlerProcess(settings)
        process.crawl(process.create_crawler(spider), **arguments)
        process.start()
    finally:
        if shared is not None:
            shared.close()
    logging.shutdown()
    if context.failure is not None:
        raise context.failure
    if context.stopped_by is not None:
        raise Interrupted(
            f"stopped by {signal.Signals(context.stopped_by).name}: the {context.recorded} checks made stand; "
            + ("the entries this worker held go back to the shared crawl" if options.worker
               else "the run is settled as interrupted"),
            context.stopped_by,
        )
    if context.bugs:
        raise CrawlFailed(
            f"{context.bugs} error(s) of the crawler itself during the crawl (tracebacks above); "
            "the checks made are recorded"
        )
    if context.network is None or context.run_id is None:
        # The pipeline settles every run that started; no verdict means Scrapy itself
        # failed (its log says why). Saying "network unavailable" here would be a lie.
        raise CrawlFailed("the crawl did not complete; Scrapy's log above says why")
    if context.network is Network.INTERRUPTED:  # a worker whose coordinator went away
        raise SharedCrawlError(
            "the shared crawl's coordinator stopped before settling the run; the checks made are kept"
        )
    store = open_store(options.db, write=False)
    try:
        checks = tuple(store.checks_of_run(context.run_id))
    finally:
        store.close()
    return CrawlResult(context.run_id, context.network, checks, context.recorded if options.redis else None)


def report(directory: Directory, options: CrawlOptions) -> Report:
    """The report model from the store, as the last crawl would have written it."""
    store = open_store(options.db, write=False)
    try:
        return build_report(directory, store, policy_from(settings_for(options)))
    finally:
        store.close()

