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
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.context import RunContext
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
    from scrapy.settings import BaseSettings

_SMALL = 256 * 1024  # bytes read of a probe, feed or sitemap


class WebsitesSpider(scrapy.Spider):
    """One check per entry of the run's `RunContext`.

    `crawler crawl` passes the context (spider argument ``context``); ``scrapy crawl
    websites [-a directory=PATH] [-a only=ID,ID]`` makes it here from the settings.
    """

    name = "websites"
    context: RunContext

    def __init__(
        self,
        context: RunContext | None = None,
        directory: str | None = None,
        only: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._given = context
        self.directory_arg = directory
        self.only_arg = only
        self.soft404 = True  # CRAWLER_SOFT404_ENABLED, set in from_crawler
        self.freshness = True  # CRAWLER_FRESHNESS_ENABLED, set in from_crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.context = spider._given or spider._context_from(settings)
        # Read once, not on every response.
        spider.soft404 = settings.getbool("CRAWLER_SOFT404_ENABLED")
        spider.freshness = settings.getbool("CRAWLER_FRESHNESS_ENABLED")
        return spider

    def _context_from(self, settings: BaseSettings) -> RunContext:
        """``scrapy crawl``'s context: the directory named by ``-a directory`` or
        CRAWLER_DIRECTORY, the ids by ``-a only`` or CRAWLER_ONLY. A bad directory file is
        logged problem by problem, and nothing is checked (`crawler crawl` validates before)."""
        path = self.directory_arg or settings.get("CRAWLER_DIRECTORY")
        only = self.only_arg.split(",") if self.only_arg else settings.getlist("CRAWLER_ONLY")
        canary = settings.get("CRAWLER_CANARY_URL")
        try:
            return RunContext.choose(load_directory(path, settings.getlist("CRAWLER_EXTRA_KEYS")), only, canary)
        except DirectoryError as exc:
            for problem in exc.problems:
                self.logger.error("%s", problem)
            return RunContext(None, (), canary, problems=tuple(exc.problems))

    async def start(self) -> AsyncIterator[Any]:
        for first in self.opening():
            yield first
        for entry in self.context.entries:
            if entry.ascii_url is not None:
                yield self.request_for(entry)

    def opening(self) -> Iterator[scrapy.Request | Check]:
        """What a run starts with: the canary request, and the checks of the entries that
        list no website (they need no request)."""
        if self.context.problems:
            return
        if self.context.canary:
            yield scrapy.Request(
                self.context.canary, callback=self._canary_ok, errback=self._canary_failed, dont_filter=True
            )
        for entry in self.context.entries:
            if entry.ascii_url is None:
                yield Check(entry.id, None, utc_now(), Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE, "no website listed"))

    def request_for(self, entry: Entry) -> scrapy.Request:
        """The request that checks `entry` (which lists a website)."""
        assert entry.ascii_url is not None
        return scrapy.Request(
            entry.ascii_url, callback=self.parse, errback=self.failed, dont_filter=True, meta={"entry": entry}
        )

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

    def failed(self, failure: Failure) -> list[Check]:
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
        if outcome.reason is Reason.CONNECTION and _raised_by_us(failure):
            # Not the site's failure: a bug in one of our downloader components. Scrapy logs
            # the download error with its traceback and, since the errback raises another
            # exception, reports a spider error: the run ends in exit 70.
            raise RuntimeError(f"a component of the crawler failed while checking {request.url}") from failure.value
        return [Check(entry.id, entry.ascii_url, utc_now(), outcome)]

    # --- the canary --------------------------------------------------------------------

    def _canary_ok(self, response: Response) -> None:
        self.context.canary_failed = False

    def _canary_failed(self, failure: Failure) -> None:
        self.context.canary_failed = True


_PACKAGE = str(Path(__file__).resolve().parent.parent)  # the crawler package's folder


def _raised_by_us(failure: Failure) -> bool:
    """Whether the exception was raised in the crawler's own code (its innermost frame is ours),
    rather than by the network stack on a site's behalf."""
    return bool(failure.frames) and str(Path(failure.frames[-1][1]).resolve()).startswith(_PACKAGE)


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[0].decode("latin-1") if values else ""
        for key, values in response.headers.items()
    }


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
