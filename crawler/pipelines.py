"""Item pipeline: each check into the history store; at the end, the run's verdict.

Living in the pipeline (not in the CLI) means `scrapy crawl websites` and
`crawler crawl` record exactly the same things and write the same reports.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.directory import DirectoryError, load_directory
from crawler.errors import StoreError
from crawler.items import CANARY_ID, Check, DomainLookup
from crawler.reports import write_reports
from crawler.registrations import row_of
from crawler.reports.model import Policy, build_report
from crawler.store import Store, open_store
from crawler.store.rows import RunRow

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def policy_from(settings: Any) -> Policy:
    return Policy(
        stale_after_days=settings.getint("CRAWLER_STALE_AFTER_DAYS"),
        dead_after_checks=settings.getint("CRAWLER_DEAD_AFTER_CHECKS"),
        dead_after_days=settings.getint("CRAWLER_DEAD_AFTER_DAYS"),
        inactive_after_days=settings.getint("CRAWLER_INACTIVE_AFTER_DAYS"),
    )


class HistoryPipeline:
    """Records checks as they come (each committed), settles the run at the end.

    The run is "network unavailable" when checks were attempted and nothing at all
    answered, or when the canary URL failed; its checks are then discarded, so no
    site is blamed for the network and no last-verified date is lost.
    Stats it sets: crawler/outcome/<status>, crawler/network, crawler/run_id.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.db_path = settings.get("CRAWLER_DB")
        self.reports_dir = settings.get("CRAWLER_REPORTS")
        self.policy = policy_from(settings)
        self.store: Store | None = None
        self.run_id = 0
        self.attempted = 0
        self.answered = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("CRAWLER_DB"):
            raise NotConfigured
        return cls(crawler)

    def open_spider(self) -> None:
        # StoreError (locked, corrupt, newer) stops the crawl; the stat lets `crawler.run`
        # report it as the store problem it is (the CLI pre-checks, but a second crawl can
        # take the lock in between).
        try:
            self.store = open_store(self.db_path, write=True)
        except StoreError as exc:
            self.crawler.stats.set_value("crawler/store_error", str(exc))
            raise
        self.run_id = self.store.begin_run(self._directory_path())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DomainLookup):  # an RDAP lookup, for the store's cache
            assert self.store is not None
            self.store.record_domain(row_of(item))
            return item
        if not isinstance(item, Check) or item.entry_id == CANARY_ID:
            return item
        assert self.store is not None
        self.store.record(self.run_id, item.entry_id, item.url, item.checked_at, item.outcome)
        if item.outcome.status.reaches_network:
            self.attempted += 1
            self.answered += item.outcome.answered
        self.crawler.stats.inc_value(f"crawler/outcome/{item.outcome.status.value}")
        return item

    def close_spider(self) -> None:
        if self.store is None:
            return
        canary_failed, attempted, answered = self.network_evidence()
        available = not canary_failed and (attempted == 0 or answered > 0)
        run = self.store.finish_run(self.run_id, network_available=available)
        self.settled(run)
        self.crawler.stats.set_value("crawler/network", run.network)
        self.crawler.stats.set_value("crawler/run_id", run.id)
        if not available:
            # INFO: the CLI says this itself; `scrapy crawl` (LOG_LEVEL INFO) shows it here.
            logger.info(
                "network unavailable: %s; nothing was recorded as failed",
                "the canary URL failed" if canary_failed else f"none of {attempted} sites answered",
            )
        try:
            if self.reports_dir:
                directory = load_directory(self._directory_path())
                report = build_report(directory, self.store, self.policy)
                write_reports(report, Path(self.reports_dir))
        except DirectoryError:
            logger.error("the directory became unreadable during the crawl; reports not written")
        finally:
            self.store.close()
            self.store = None

    def network_evidence(self) -> tuple[bool, int, int]:
        """Whether the canary failed, checks attempted, checks answered (this crawl's)."""
        return bool(getattr(self.crawler.spider, "canary_failed", False)), self.attempted, self.answered

    def settled(self, run: RunRow) -> None:
        """Called once the run is closed in the store, before the reports are written."""

    def _directory_path(self) -> str:
        return self.crawler.spider.directory_path()
