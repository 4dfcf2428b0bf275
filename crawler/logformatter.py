"""Scrapy's log messages, less the two per URL that the crawl's log level would drop.

Scrapy asks its LOG_FORMATTER for a "Crawled (200) <GET ...>" message per response and a
"Scraped from ..." message per item, both at DEBUG, and Python then builds a log record
for each before the handler, set to LOG_LEVEL, throws it away: about 0.6 s of CPU in a
10,000-site crawl (benchmarks/README.md). Returning None is Scrapy's way of saying "do not
log this"; at LOG_LEVEL DEBUG both messages are logged as usual.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure


class QuietLogFormatter(LogFormatter):
    def __init__(self, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = crawler.settings.get("LOG_LEVEL")
        if isinstance(level, str):
            level = logging.getLevelName(level.upper())  # an int for every known name
        debug = crawler.settings.getbool("LOG_ENABLED") and (
            not isinstance(level, int) or level <= logging.DEBUG
        )
        return cls(debug)

    # Scrapy's stubs say a result, its docs say None suppresses the message (the engine and
    # the scraper both test for it).
    def crawled(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        return super().scraped(item, response, spider) if self.debug else None
