"""The registration watch: each listed registered domain's RDAP record, through Scrapy's downloader.

For every check the spider asks `RegistrationWatch.lookup` about the listed URL's registered
domain. A domain whose last answer (the store's `domains` table, read at the start through
`crawler.memory`) is younger than CRAWLER_RDAP_MAX_AGE_DAYS is not asked again; one that was
asked without an answer waits CRAWLER_RDAP_RETRY_DAYS; at most CRAWLER_RDAP_PER_RUN domains
are asked per crawl (the rest at the next one). The request is an ordinary Scrapy request
(`engine.download_async`), so it passes the address guard, the resolver's overrides and the
politeness limits like any other; entries sharing a domain share its one lookup.

An RDAP failure never changes a verdict: the lookup says "no answer", and the last answer
stands. Settings: CRAWLER_RDAP_ENABLED (``--no-rdap``), CRAWLER_RDAP_BOOTSTRAP
(``--rdap-bootstrap``), CRAWLER_RDAP_MAX_AGE_DAYS, CRAWLER_RDAP_RETRY_DAYS, CRAWLER_RDAP_PER_RUN.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import scrapy
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from crawler.items import DomainLookup, utc_now
from crawler.store.rows import DomainRow
from crawler.verdict import rdap

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.memory import Memory

logger = logging.getLogger(__name__)

READ_LIMIT = 256 * 1024  # bytes of an RDAP answer (records are a few KB)
ACCEPT = "application/rdap+json, application/json;q=0.9"


#: Where ``crawler rdap-bootstrap --refresh`` writes, and where a crawl looks first.
DEFAULT_BOOTSTRAP = "data/rdap-dns.json"


def bootstrap_location(setting: str | None) -> str | None:
    """The bootstrap file a crawl uses: the setting's file, except that the default file is
    used only once someone has written it; None means the bundled snapshot."""
    if setting and (setting != DEFAULT_BOOTSTRAP or Path(setting).exists()):
        return setting
    return None


class RegistrationWatch:
    """RDAP lookups for one crawl (see the module doc)."""

    def __init__(
        self,
        crawler: Crawler,
        bootstrap: rdap.Bootstrap,
        memory: Memory,
        *,
        max_age: timedelta = timedelta(days=30),
        retry_after: timedelta = timedelta(days=1),
        per_run: int = 1000,
    ) -> None:
        self.crawler = crawler
        self.bootstrap = bootstrap
        self.memory = memory
        self.max_age = max_age
        self.retry_after = retry_after
        self.per_run = per_run
        self.asked = 0
        self._answers: dict[str, DomainRow | None] = {}
        self._waiting: dict[str, list[Deferred[DomainRow | None]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, memory: Memory) -> RegistrationWatch | None:
        """The crawl's watch, or None when RDAP is off or its bootstrap file is unusable (logged)."""
        settings = crawler.settings
        if not settings.getbool("CRAWLER_RDAP_ENABLED"):
            return None
        try:
            bootstrap = rdap.Bootstrap.load(bootstrap_location(settings.get("CRAWLER_RDAP_BOOTSTRAP")))
        except ValueError as exc:
            logger.error("registration watch off: %s", exc)
            return None
        return cls(
            crawler,
            bootstrap,
            memory,
            max_age=timedelta(days=settings.getfloat("CRAWLER_RDAP_MAX_AGE_DAYS")),
            retry_after=timedelta(days=settings.getfloat("CRAWLER_RDAP_RETRY_DAYS")),
            per_run=settings.getint("CRAWLER_RDAP_PER_RUN"),
        )

    def due(self, known: DomainRow | None, now: datetime) -> bool:
        """Whether a domain with this last lookup is to be asked again now."""
        if known is None:
            return True
        if now - _moment(known.tried) < self.retry_after:
            return False
        return not (known.answer == "found" and known.checked and now - _moment(known.checked) < self.max_age)

    async def lookup(self, domain: str) -> tuple[DomainRow | None, DomainLookup | None]:
        """What is known of `domain`'s registration once this returns, and the lookup made for
        it here (to be recorded), if this call made one. Never raises for the network's sake."""
        if domain in self._answers:
            return self._answers[domain], None
        if domain in self._waiting:  # another entry of this domain is asking: share its answer
            waiter: Deferred[DomainRow | None] = Deferred()
            self._waiting[domain].append(waiter)
            return await maybe_deferred_to_future(waiter), None
        known = self.memory.domains.get(domain)
        url = self.bootstrap.url_for(domain) if domain else None
        if url is None or self.asked >= self.per_run or not self.due(known, datetime.now(UTC)):
            self._answers[domain] = known
            return known, None
        self.asked += 1
        self._waiting[domain] = []
        try:
            made = await self._ask(domain, url)
        finally:
            waiters = self._waiting.pop(domain, [])
        row = _merged(known, made)
        self._answers[domain] = row
        for waiter in waiters:
            waiter.callback(row)
        self.crawler.stats.inc_value(f"crawler/rdap/{made.answer or 'no-answer'}")
        return row, made

    async def _ask(self, domain: str, url: str) -> DomainLookup:
        tried = utc_now()
        # A registry is a service built for lookups, not a listed site: its robots.txt is not
        # asked and no pause is kept between lookups, but they go one at a time per registry
        # host (crawler.politeness). Nor is the lookup part of an entry's time budget: its
        # clock starts when its turn comes, not while it waits behind other lookups.
        request = scrapy.Request(
            url, headers={"Accept": ACCEPT}, dont_filter=True,
            meta={
                "side_request": True, "side_robots": False, "side_delay": 0.0, "deadline": math.inf,
                "read_limit": READ_LIMIT, "rdap": True,
            },
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # a lookup's failure never changes a verdict
            logger.info("RDAP lookup of %s failed: %s", domain, type(exc).__name__)
            return DomainLookup(domain, tried)
        if response.status == 404:
            return DomainLookup(domain, tried, "not-found")
        if response.status != 200:
            logger.info("RDAP lookup of %s: HTTP %d", domain, response.status)
            return DomainLookup(domain, tried)
        try:
            record = rdap.parse_record(response.body)
        except ValueError as exc:
            logger.info("RDAP lookup of %s: %s", domain, exc)
            return DomainLookup(domain, tried)
        return DomainLookup(domain, tried, "found", _iso(record.registered), _iso(record.expires))


def row_of(lookup: DomainLookup) -> DomainRow:
    """The store's row for a lookup (answered or not)."""
    checked = lookup.tried if lookup.answer else None
    return DomainRow(lookup.domain, lookup.tried, lookup.answer, lookup.registered, lookup.expires, checked)


def _merged(known: DomainRow | None, made: DomainLookup) -> DomainRow:
    if made.answer is not None or known is None:
        return row_of(made)
    return DomainRow(known.domain, made.tried, known.answer, known.registered, known.expires, known.checked)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)  # unreadable: as if never
