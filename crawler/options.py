"""What the crawling commands share: the options `crawler.run` turns into Scrapy settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from crawler.errors import UsageError

_ORIGIN = re.compile(r"[A-Za-z0-9._-]{1,64}")


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
    redis: str | None = None  # a shared crawl's Redis URL (crawler.distributed.crawl)
    worker: bool = False  # in a shared crawl: join the coordinator's run instead of leading one
    jobs: int | None = None  # crawl processes on this machine (crawler.jobs); None: every core
    origin: str | None = None  # in a shared crawl: where this process checks from (second looks)
    lease: float | None = None  # in a shared crawl: seconds an entry stays lent without renewal
    resume: bool = False  # in a shared crawl: finish the store's last unfinished run
    extra: dict[str, object] = field(default_factory=dict)  # more Scrapy settings, by name


def check_origin(origin: str | None) -> str | None:
    """`origin` if it is a usable ``--origin`` name (1 to 64 letters, digits, '.', '_', '-':
    it is stored comma-separated with others); UsageError if not."""
    if origin is not None and not _ORIGIN.fullmatch(origin):
        raise UsageError(f"--origin {origin!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
    return origin
