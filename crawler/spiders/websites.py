"""The `websites` spider: one check per directory entry.

Every request has an errback, so every entry ends in exactly one `Check` item, whatever
happens on the network. The spider gathers facts and asks `crawler.verdict.classify` for the
verdict; it knows nothing of the history store or the reports (the pipeline does).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.directory import DirectoryError, Entry, load_directory
from crawler.items import Check, utc_now
from crawler.net.diagnostics import DIAGNOSTICS
from crawler.verdict import freshness, page_signals
from crawler.verdict.classify import (
    Hop,
    Page,
    classify_failure,
    classify_page,
    wants_soft404_probe,
)
from crawler.verdict.outcome import Outcome, Reason, Status
from crawler.verdict.title import decode_html, title_from_text

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

_SMALL = 256 * 1024  # bytes read of a probe, feed or sitemap


class WebsitesSpider(scrapy.Spider):
    name = "websites"

    def __init__(self, directory: str | None = None, only: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory_arg = directory
        self.only_arg = only
        self.total = 0  # entries to check, for progress reporting
        self.canary_failed: bool | None = None
        self.soft404 = True  # CRAWLER_SOFT404_ENABLED, set in from_crawler
        self.freshness = True  # CRAWLER_FRESHNESS_ENABLED, set in from_crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Read once, not on every response.
        spider.soft404 = crawler.settings.getbool("CRAWLER_SOFT404_ENABLED")
        spider.freshness = crawler.settings.getbool("CRAWLER_FRESHNESS_ENABLED")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        settings = self.crawler.settings
        only = set(self.only_arg.split(",")) if self.only_arg else set(settings.getlist("CRAWLER_ONLY"))
        try:
            directory = load_directory(self.directory_path())
        except DirectoryError as exc:
            # `crawler crawl` validates before starting; this is for `scrapy crawl`.
            for problem in exc.problems:
                self.logger.error("%s", problem)
            self.crawler.stats.set_value("crawler/bad_directory", True)
            return
        entries = [e for e in directory.entries if not only or e.id in only]
        self.total = len(entries)
        canary = settings.get("CRAWLER_CANARY_URL")
        if canary:
            yield scrapy.Request(
                canary, callback=self._canary_ok, errback=self._canary_failed, dont_filter=True
            )
        for entry in entries:
            url = entry.ascii_url
            if url is None:
                yield Check(entry.id, None, utc_now(), Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE, "no website listed"))
                continue
            yield scrapy.Request(
                url, callback=self.parse, errback=self.failed, dont_filter=True, meta={"entry": entry}
            )

    def directory_path(self) -> str:
        """`-a directory=PATH` if given, else the CRAWLER_DIRECTORY setting."""
        return self.directory_arg or self.crawler.settings.get("CRAWLER_DIRECTORY")

    # --- answered ----------------------------------------------------------------------

    # A coroutine returning its one item, not an async generator: Scrapy passes a list
    # through the spider middlewares' plain path, without an async chain per response.
    async def parse(self, response: Response) -> list[Check]:
        entry: Entry = response.meta["entry"]
        listed = entry.ascii_url or response.url
        text = decode_html(response.body, _header(response, "Content-Type"))
        redirect_urls = response.meta.get("redirect_urls", [])
        reasons = response.meta.get("redirect_reasons", [])
        page = Page(
            listed_url=listed,
            final_url=response.url,
            status=response.status,
            headers=_headers(response),
            hops=tuple(Hop(u, r) for u, r in zip(redirect_urls, reasons)),
            text=text,
            title=title_from_text(text),
        )
        if self.soft404 and wants_soft404_probe(page):
            page = await self._probe(page)
        outcome = classify_page(page)
        if outcome.status.verified and self.freshness:
            updated = await self._content_updated(response, text)
            if updated:
                outcome = replace(outcome, content_updated=updated.isoformat())
        return [Check(entry.id, listed, utc_now(), outcome)]

    async def _probe(self, page: Page) -> Page:
        """Ask the same host for a path that surely does not exist, and compare."""
        missing = urljoin(page.final_url, f"/{secrets.token_hex(8)}-this-page-should-not-exist")
        response = await self._fetch(missing)
        if response is None:
            return page
        probe_text = decode_html(response.body, _header(response, "Content-Type"))
        return replace(page, probe_status=response.status, probe_same_page=page_signals.same_page(page.text, probe_text))

    async def _content_updated(self, response: Response, text: str) -> date | None:
        """The newest date the site gives, at most two small extra requests per site.

        The header and the page come free; a feed the page links to is asked for (sites
        post there first); the sitemap only when nothing else gave a date, since every
        extra request is a site's worth of CPU in a large crawl.
        """
        found = [
            freshness.from_last_modified(_header(response, "Last-Modified")),
            freshness.from_html(text),
        ]
        for feed in freshness.feed_links(text, response.url)[:1]:
            feed_response = await self._fetch(feed)
            if feed_response is not None and feed_response.status == 200:
                found.append(freshness.from_feed(feed_response.body))
        if not any(found):
            sitemap = await self._fetch(urljoin(response.url, "/sitemap.xml"))
            if sitemap is not None and sitemap.status == 200:
                found.append(freshness.from_sitemap(sitemap.body))
        return freshness.newest(*found)

    async def _fetch(self, url: str) -> Response | None:
        """A small side request through the full downloader stack (guard included)."""
        request = scrapy.Request(
            url, dont_filter=True, meta={"dont_retry": True, "read_limit": _SMALL, "side_request": True}
        )
        try:
            return await self.crawler.engine.download_async(request)
        except Exception:  # a side request's failure never changes the verdict
            return None

    # --- not answered ------------------------------------------------------------------

    def failed(self, failure: Failure) -> Iterator[Check]:
        request = failure.request  # type: ignore[attr-defined]
        entry: Entry = request.meta["entry"]
        host = urlsplit(request.url).hostname or ""
        outcome = classify_failure(
            failure.value,
            request.url,
            redirect_urls=request.meta.get("redirect_urls", []),
            refused_address=DIAGNOSTICS.refused_address(host),
            tls_problem=DIAGNOSTICS.tls_problem(host) if request.url.startswith("https:") else None,
        )
        yield Check(entry.id, entry.ascii_url, utc_now(), outcome)

    # --- the canary --------------------------------------------------------------------

    def _canary_ok(self, response: Response) -> None:
        self.canary_failed = False

    def _canary_failed(self, failure: Failure) -> None:
        self.canary_failed = True


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[0].decode("latin-1") if values else ""
        for key, values in response.headers.items()
    }


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
