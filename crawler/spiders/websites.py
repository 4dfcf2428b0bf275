"""The `websites` spider: one check per directory entry.

Every request has an errback, so every entry ends in exactly one `Check` item, whatever
happens on the network. The spider gathers facts and asks `crawler.verdict.classify` for the
verdict, and `crawler.verdict.identity` whether the site is still the organisation's; it
records nothing (the pipeline does) and reads only what the history remembers of identities
and registrations (`crawler.memory`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.context import RunContext
from crawler.directory import DirectoryError, Entry, load_directory
from crawler.items import Check, DomainLookup, utc_now
from crawler.memory import Memory, load_memory
from crawler.net.diagnostics import DIAGNOSTICS
from crawler.registrations import RegistrationWatch
from crawler.verdict import freshness, identity, page_text, rdap
from crawler.verdict.classify import (
    SCRIPT,
    Hop,
    Page,
    classify_failure,
    classify_page,
    read,
    script_hop,
    wants_soft404_probe,
)
from crawler.verdict.domains import host_of, registered_domain
from crawler.verdict.outcome import Outcome, Reason, Status, WarningCode
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
        # What the history remembers (identities, RDAP answers) and the RDAP lookups: loaded
        # for the context's entries in start(), or for every entry on first use (a shared
        # crawl's workers never see the directory).
        self._memory: Memory | None = None
        self._registrations: RegistrationWatch | None = None

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
        self.remember([e.id for e in self.context.entries])
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
        """The request that checks `entry` (which lists a website), in a cookie jar of its own:
        a browser keeps a visit's cookies; no site sees another's, and nothing outlives the crawl."""
        assert entry.ascii_url is not None
        return scrapy.Request(
            entry.ascii_url, callback=self.parse, errback=self.failed, dont_filter=True,
            meta={"entry": entry, "cookiejar": entry.id},
        )

    # --- answered ----------------------------------------------------------------------

    # A coroutine returning its items, not an async generator: Scrapy passes a list through the
    # spider middlewares' plain path, without an async chain per response.
    async def parse(self, response: Response) -> list[Check | DomainLookup]:
        entry: Entry = response.meta["entry"]
        listed = entry.ascii_url or response.url
        budget = _Budget(response.meta.get("deadline"))
        page = _page(response, listed)
        reading = read(page)
        # A page whose only job is a script sending the browser elsewhere on the listed domain
        # is followed like a temporary redirect (a script to another domain is `moved`).
        while (target := script_hop(page, reading)) is not None:
            followed = await self._follow(target, entry, budget)
            if isinstance(followed, Failure):  # the reader would land on a page that fails
                return await self._judged(entry, listed, self._failure_outcome(followed, target), None)
            page = _page(followed, listed, (*page.hops, Hop(page.final_url, SCRIPT)))
            reading = read(page)
        if self.soft404 and wants_soft404_probe(page):
            page = await self._probe(page, entry, budget)
        outcome = classify_page(page, reading)
        if outcome.status.verified and self.freshness:
            updated = await self._content_updated(page, entry, budget)
            if updated:
                outcome = replace(outcome, content_updated=updated.isoformat())
        if budget.cut:
            outcome = replace(outcome, warnings=(*outcome.warnings, WarningCode.BUDGET_CUT))
        seen = identity.Seen(outcome.status, page.text, page.title, reading.text, page.final_url)
        return await self._judged(entry, listed, outcome, seen)

    async def _judged(
        self, entry: Entry, listed: str | None, outcome: Outcome, seen: identity.Seen | None
    ) -> list[Check | DomainLookup]:
        """The entry's check, with its identity (when a page answered) and the warnings of its
        domain's registration; and the RDAP lookup made for it, if one was."""
        domain = registered_domain(host_of(listed)) if listed else ""
        row, lookup = await self.registrations.lookup(domain) if self.registrations and domain else (
            self.memory.domains.get(domain), None
        )
        found = row is not None and row.answer == "found"
        warnings = list(outcome.warnings)
        if row is not None:
            expires = date.fromisoformat(row.expires) if found and row.expires else None
            warnings += rdap.warnings_for(row.answer, expires, datetime.now(UTC).date())
        if seen is not None:
            remembered = self.memory.identity_of(entry.id)
            known = identity.Known(
                tuple(n for n in (entry.name, entry.name_en) if n),
                remembered.confirmed_titles,
                remembered.last_confirmed,
                date.fromisoformat(row.registered) if found and row and row.registered else None,
                domain,
            )
            judgement = identity.judge(known, seen)
            warnings += judgement.warnings
            outcome = replace(outcome, identity=judgement.identity, identity_detail=judgement.detail)
        outcome = replace(outcome, warnings=tuple(dict.fromkeys(warnings)))
        items: list[Check | DomainLookup] = [Check(entry.id, listed, utc_now(), outcome)]
        if lookup is not None:
            items.append(lookup)
        return items

    # --- what the history remembers -----------------------------------------------------

    def remember(self, entry_ids: list[str] | None) -> None:
        """Read what the history store remembers of these entries (all when None)."""
        self._memory = load_memory(self.crawler.settings.get("CRAWLER_DB"), entry_ids)
        self._registrations = RegistrationWatch.from_crawler(self.crawler, self._memory)

    @property
    def memory(self) -> Memory:
        if self._memory is None:
            self.remember(None)
        assert self._memory is not None
        return self._memory

    @property
    def registrations(self) -> RegistrationWatch | None:
        if self._memory is None:
            self.remember(None)
        return self._registrations

    async def _probe(self, page: Page, entry: Entry, budget: _Budget) -> Page:
        """Ask the same host for a path that surely does not exist, and compare."""
        missing = urljoin(page.final_url, f"/{secrets.token_hex(8)}-this-page-should-not-exist")
        response = await self._fetch(missing, entry, budget)
        if response is None:
            return page
        probe_text = decode_html(response.body, _header(response, "Content-Type"))
        return replace(page, probe_status=response.status, probe_same_page=page_text.same_page(page.text, probe_text))

    async def _content_updated(self, page: Page, entry: Entry, budget: _Budget) -> date | None:
        """The newest date the site gives, at most two small extra requests per site.

        The header and the page come free; a feed the page links to is asked for (sites
        post there first); the sitemap only when nothing else gave a date, since every
        extra request is a site's worth of CPU in a large crawl.
        """
        found = [
            freshness.from_last_modified(page.headers.get("last-modified")),
            freshness.from_html(page.text),
        ]
        for feed in freshness.feed_links(page.text, page.final_url)[:1]:
            feed_response = await self._fetch(feed, entry, budget)
            if feed_response is not None and feed_response.status == 200:
                found.append(freshness.from_feed(feed_response.body))
        if not any(found):
            sitemap = await self._fetch(urljoin(page.final_url, "/sitemap.xml"), entry, budget)
            if sitemap is not None and sitemap.status == 200:
                found.append(freshness.from_sitemap(sitemap.body))
        return freshness.newest(*found)

    async def _follow(self, url: str, entry: Entry, budget: _Budget) -> Response | Failure:
        """The page a script-only page sends the reader to, read as the entry's own page, or the
        failure that came instead (within the entry's time budget). The reader's own
        navigation, as a redirect is: not an extra request (no robots.txt, no pacing)."""
        meta: dict[str, Any] = {"cookiejar": entry.id}
        if budget.deadline is not None:
            meta["deadline"] = budget.deadline
        try:
            return await self.crawler.engine.download_async(scrapy.Request(url, dont_filter=True, meta=meta))
        except Exception:
            return Failure()

    async def _fetch(
        self, url: str, entry: Entry, budget: _Budget, read_limit: int | None = _SMALL
    ) -> Response | None:
        """A side request through the full downloader stack (guard included), in the entry's
        cookie jar and within what is left of its time budget; `read_limit` None reads as
        much as the page itself."""
        if budget.spent():
            budget.cut = True
            return None
        meta: dict[str, Any] = {"dont_retry": True, "side_request": True, "cookiejar": entry.id}
        if read_limit is not None:
            meta["read_limit"] = read_limit
        if budget.deadline is not None:
            meta["deadline"] = budget.deadline
        request = scrapy.Request(url, dont_filter=True, meta=meta)
        try:
            return await self.crawler.engine.download_async(request)
        except DownloadTimeoutError:
            budget.cut = budget.cut or bool(request.meta.get("budget_clamped"))
            return None
        except Exception:  # a side request's failure never changes the verdict
            return None

    # --- not answered ------------------------------------------------------------------

    async def failed(self, failure: Failure) -> list[Check | DomainLookup]:
        if self.context.stopped_by is not None:
            return []  # cancelled by the stop: not checked, so not a failure of the site
        request = failure.request  # type: ignore[attr-defined]
        entry: Entry = request.meta["entry"]
        outcome = self._failure_outcome(failure, request.url, request.meta.get("redirect_urls", []))
        if outcome.reason is Reason.CONNECTION and _raised_by_us(failure):
            # Not the site's failure: a bug in one of our downloader components. Scrapy logs
            # the download error with its traceback and, since the errback raises another
            # exception, reports a spider error: the run ends in exit 70.
            raise RuntimeError(f"a component of the crawler failed while checking {request.url}") from failure.value
        return await self._judged(entry, entry.ascii_url, outcome, None)

    def _failure_outcome(self, failure: Failure, url: str, redirect_urls: list[str] | None = None) -> Outcome:
        host = urlsplit(url).hostname or ""
        return classify_failure(
            failure.value,
            url,
            redirect_urls=redirect_urls or [],
            refused_address=DIAGNOSTICS.refused_address(host),
            tls_problem=DIAGNOSTICS.tls_problem(host) if url.startswith("https:") else None,
        )

    # --- the canary --------------------------------------------------------------------

    def _canary_ok(self, response: Response) -> None:
        self.context.canary_failed = False

    def _canary_failed(self, failure: Failure) -> None:
        self.context.canary_failed = True


@dataclass
class _Budget:
    """What is left of one entry's time budget (`crawler.middlewares.EntryBudgetMiddleware`)
    for its extra requests, and whether it cut them short."""

    deadline: float | None  # a time.monotonic() moment; None when no budget applies
    cut: bool = False

    def spent(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


_PACKAGE = str(Path(__file__).resolve().parent.parent)  # the crawler package's folder


def _raised_by_us(failure: Failure) -> bool:
    """Whether the exception was raised in the crawler's own code (its innermost frame is ours),
    rather than by the network stack on a site's behalf."""
    return bool(failure.frames) and str(Path(failure.frames[-1][1]).resolve()).startswith(_PACKAGE)


def _page(response: Response, listed: str, earlier: tuple[Hop, ...] = ()) -> Page:
    """What `response` showed, as the classifier reads it; `earlier` are hops before its request."""
    text = decode_html(response.body, _header(response, "Content-Type"))
    meta = response.meta
    hops = tuple(Hop(u, r) for u, r in zip(meta.get("redirect_urls", []), meta.get("redirect_reasons", [])))
    warnings: list[str] = []
    if "dataloss" in response.flags:
        warnings.append(WarningCode.TRUNCATED)  # the connection ended early: what arrived is used
    if response.url.startswith("https:") and DIAGNOSTICS.chain_completed(host_of(response.url)):
        warnings.append(WarningCode.TLS_CHAIN_INCOMPLETE)
    return Page(
        listed_url=listed,
        final_url=response.url,
        status=response.status,
        headers=_headers(response),
        hops=earlier + hops,
        text=text,
        title=title_from_text(text),
        warnings=tuple(warnings),
    )


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): values[0].decode("latin-1") if values else ""
        for key, values in response.headers.items()
    }


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
