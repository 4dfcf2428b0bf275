"""What the crawling commands share: the options `crawler.run` turns into Scrapy settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CrawlOptions:
    """What the crawling commands share (the spec's common options)."""

    directory: str = "data/organisations.yaml"
    db: str = "data/history.sqlite3"
    reports: str | None = "reports"  # None: write no reports (the gate, unless asked)
    timeout: float = 30.0
    concurrency: int | None = None
    resolve: Sequence[str] = ()
    allow_private: bool = False
    canary: str | None = None
    only: Sequence[str] = ()
    freshness: bool = True
    rdap: bool = True  # the registration watch (crawler.registrations); --no-rdap turns it off
    rdap_bootstrap: str | None = None  # --rdap-bootstrap: IANA's bootstrap file to use
    progress: bool = True
    log_level: str = "WARNING"
    redis: str | None = None  # a shared crawl's Redis URL (crawler.distributed)
    worker: bool = False  # in a shared crawl: join the coordinator's run instead of leading one
    extra: dict[str, object] = field(default_factory=dict)  # more Scrapy settings, by name
