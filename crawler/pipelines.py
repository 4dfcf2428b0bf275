"""Item pipeline: each check into the history store; at the end, the run's verdict and the reports.

Living in the pipeline (not in the CLI) means `scrapy crawl websites` and
`crawler crawl` record exactly the same things and write the same reports.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.context import STOP_FORCED, RunContext
from crawler.errors import CrawlerError, StoreError, WriteError
from crawler.items import ANSWERED_STAT, CANARY_ID, OUTCOME_STAT, Check, DomainLookup
from crawler.registrations import row_of
from crawler.reports import write_reports
from crawler.reports.model import Policy, build_report
from crawler.spiders.websites import WebsitesSpider
from crawler.store import Store, fold_cutoff, open_store
from crawler.verdict.outcome import Network

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def policy_from(settings: BaseSettings) -> Policy:
    return Policy(
        stale_after_days=settings.getint("CRAWLER_STALE_AFTER_DAYS"),
        dead_after_checks=settings.getint("CRAWLER_DEAD_AFTER_CHECKS"),
        dead_after_days=settings.getint("CRAWLER_DEAD_AFTER_DAYS"),
        inactive_after_days=settings.getint("CRAWLER_INACTIVE_AFTER_DAYS"),
        page_title=settings.get("CRAWLER_PAGE_TITLE") or Policy.page_title,
    )


def context_of(crawler: Crawler) -> RunContext:
    """The run context of the crawl `crawler` runs; NotConfigured for a spider not ours."""
    spider = crawler.spider
    if not isinstance(spider, WebsitesSpider):
        raise NotConfigured("the history pipeline records the websites spider's checks only")
    return spider.context


class HistoryPipeline:
    """Records checks as they come (each committed), settles the run at the end.

    The run is "network unavailable" when checks were attempted and nothing at all
    answered, or when the canary URL failed; its checks are then discarded, so no
    site is blamed for the network and no last-verified date is lost.

    What it tells `crawler.run` goes into the run context (`run_id`, `recorded`,
    `network`, `bugs`, `failure`); stats are for observing: crawler/outcome/<status>.
    An error of the crawler itself in a spider callback or in this pipeline (Scrapy's
    spider_error and item_error signals) is counted in the context's `bugs`: the run is
    still settled and reported, and the command then exits 70.
    """

    def __init__(self, crawler: Crawler, context: RunContext) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.context = context
        self.db_path: str = settings.get("CRAWLER_DB")
        self.reports_dir: str | None = settings.get("CRAWLER_REPORTS")
        self.policy = policy_from(settings)
        self.fold_after_days = settings.getint("CRAWLER_HISTORY_FOLD_AFTER_DAYS")
        self.store: Store | None = None
        self.attempted = 0
        self.answered = 0
        # Held while the run is settled: by Scrapy's thread at close, or by the shutdown
        # watchdog's when a stop is forced (crawler.extensions.Shutdown).
        self._settling = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("CRAWLER_DB"):
            raise NotConfigured
        pipeline = cls(crawler, context_of(crawler))
        crawler.signals.connect(pipeline.bug, signal=signals.spider_error)
        crawler.signals.connect(pipeline.bug, signal=signals.item_error)
        crawler.signals.connect(pipeline.forced, signal=STOP_FORCED)
        return pipeline

    def bug(self, **kwargs: Any) -> None:
        # Scrapy has logged the error with its traceback; the command exits 70 for it.
        self.context.bugs += 1

    def open_spider(self) -> None:
        if self.context.problems:
            return  # `scrapy crawl` with a bad directory file: the spider logged why; nothing runs
        try:
            self.store = open_store(self.db_path, write=True)
        except StoreError as exc:
            # Locked by a crawl that started after the command's own check, say.
            self.context.fail(exc)
            raise
        self.context.run_id = self.store.begin_run(self.context.directory_path)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DomainLookup):  # an RDAP lookup, for the store's cache
            assert self.store is not None
            self.store.record_domain(row_of(item))
            return item
        if not isinstance(item, Check) or item.entry_id == CANARY_ID:
            return item
        assert self.store is not None and self.context.run_id is not None
        try:
            self.store.record(self.context.run_id, item.entry_id, item.url, item.checked_at, item.outcome)
        except WriteError as exc:
            # Every later check would fail the same way: stop, keep what was recorded.
            self.context.fail(exc)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store-failed"))
            raise DropItem(str(exc)) from exc
        self.context.recorded += 1
        if item.outcome.status.reaches_network:
            self.attempted += 1
            self.answered += item.outcome.answered
        if item.outcome.answered:
            self.crawler.stats.inc_value(ANSWERED_STAT)
        self.crawler.stats.inc_value(OUTCOME_STAT + item.outcome.status.value)
        return item

    def close_spider(self) -> None:
        with self._settling:
            store = self.store
            if store is None or self.context.run_id is None:
                return
            try:
                self.context.network = self.settle(store, self.context.run_id)
                self.write_reports(store)
            finally:
                store.close()
                self.store = None

    def settle(self, store: Store, run_id: int) -> Network:
        """Close the run in the store with its network verdict (interrupted if the crawl was
        told to stop), and say so where it matters."""
        if self.context.stopped_by is not None:
            return store.interrupt_run(run_id).network
        canary_failed, attempted, answered = self.network_evidence()
        available = not canary_failed and (attempted == 0 or answered > 0)
        run = store.finish_run(run_id, network_available=available)
        if self.fold_after_days > 0:  # the retention policy: the reports read the same after it
            store.fold(fold_cutoff(self.fold_after_days))
        self.settled(run.network)
        if not available:
            # INFO: the CLI says this itself; `scrapy crawl` (LOG_LEVEL INFO) shows it here.
            logger.info(
                "network unavailable: %s; nothing was recorded as failed",
                "the canary URL failed" if canary_failed else f"none of {attempted} sites answered",
            )
        return run.network

    def forced(self, forced_by: int, reports: bool) -> None:
        """The crawl is forced to stop (from the shutdown watchdog's thread, the process
        exits right after): settle the run as interrupted now, and write the reports if
        there is time. Skipped if Scrapy's thread is settling it (it does not take long)."""
        if not self._settling.acquire(timeout=2):
            return
        try:
            store = self.store
            if store is None or self.context.run_id is None:
                return
            self.context.stopped_by = forced_by
            self.context.network = store.interrupt_run(self.context.run_id).network
            if reports:
                self.write_reports(store)
        finally:
            self._settling.release()

    def write_reports(self, store: Store) -> None:
        """Every report from the store, or none: a failure leaves the previous reports in
        place and is remembered in the context (Scrapy would only log it)."""
        directory = self.context.directory
        if not self.reports_dir or directory is None:
            return
        try:
            write_reports(build_report(directory, store, self.policy), Path(self.reports_dir))
        except CrawlerError as exc:
            self.context.fail(exc)
        except Exception as exc:
            logger.exception("writing the reports failed (a bug of the crawler)")
            self.context.fail(exc)

    def network_evidence(self) -> tuple[bool, int, int]:
        """Whether the canary failed, checks attempted, checks answered (this crawl's)."""
        return bool(self.context.canary_failed), self.attempted, self.answered

    def settled(self, network: Network) -> None:
        """Called once the run is closed in the store, before the reports are written."""
