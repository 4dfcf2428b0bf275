"""Politeness for the extra requests: robots.txt, one at a time per host, a delay, Retry-After.

The robots.txt policy. The one page a directory lists is fetched as a reader's browser would
fetch it: without asking robots.txt (a link checker verifying a link a human published is a
reader's agent, not a crawler exploring a site; ``ROBOTSTXT_OBEY = False``). Everything else
the crawler asks a site for on its own initiative -- the soft-404 probe, a feed, sitemap.xml,
and whatever later extra requests mark themselves ``meta["side_request"]`` -- obeys the site's
robots.txt, read as RFC 9309 says: parsed with Protego (which Scrapy ships), matched against
our User-Agent; a 4xx answer means no rules (everything allowed); a 5xx, a 429 or no answer
means everything is disallowed for this run. Each origin's robots.txt is fetched once per run,
read up to `ROBOTS_READ_LIMIT` bytes with its own timeout, and kept in memory.

Pace. At most one extra request per host is in flight at a time, and the next one starts
CRAWLER_SIDE_DELAY seconds after the previous one ended (or the robots.txt ``Crawl-delay``,
if longer). A request to a service rather than a site (an RDAP registry, a certificate
authority) says so: ``meta["side_delay"]`` sets the delay after it, and
``meta["side_robots"] = False`` skips robots.txt for it (`crawler.registrations` and
`crawler.middlewares.ChainCompletionMiddleware` do both); one at a time per host still
holds. A ``Retry-After`` on an extra request's 429 or 503 holds the host's next extra
request back as long as it asks; one that asks for more than CRAWLER_RETRY_AFTER_MAX
seconds (as does a longer Crawl-delay) ends the extra requests to that host for the run.
The wait for a turn is spent from the entry's time budget like any other wait.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from protego import Protego
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import DeferredLock
from twisted.internet.task import deferLater

from crawler.middlewares import retry_after_seconds, time_left

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ROBOTS_READ_LIMIT = 500 * 1024  # bytes: RFC 9309 asks crawlers to read at least 500 KiB
ROBOTS_TIMEOUT = 10.0  # seconds, at most: robots.txt is small or it is nothing
STAT = "crawler/side_requests/"


class _Verdict:
    """robots.txt when it gives no rules: everything allowed (4xx) or nothing (5xx, no answer)."""

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed

    def can_fetch(self, url: str, user_agent: str) -> bool:
        return self.allowed

    def crawl_delay(self, user_agent: str) -> float | None:
        return None


ALLOW_ALL, DISALLOW_ALL = _Verdict(True), _Verdict(False)
Rules = Protego | _Verdict


@dataclass
class _Host:
    """One host's extra requests: whose turn it is, when the next may start, its robots rules."""

    turn: DeferredLock = field(default_factory=DeferredLock)
    free_at: float = 0.0  # time.monotonic() before which no extra request starts
    closed: str = ""  # why no more extra requests go to this host in this run ("" = open)
    rules: dict[str, Rules] = field(default_factory=dict)  # origin -> robots.txt


class SidePoliteness:
    """Downloader middleware for requests with ``meta["side_request"]`` (see the module docstring).

    Sits nearest the downloader (after every middleware that may answer a response with a
    new request), so its response and exception hooks always run first and the host's turn
    is always handed on. A request it refuses raises IgnoreRequest: the spider treats an
    extra request that did not happen as one that found nothing.
    """

    def __init__(self, crawler: Crawler, robots: bool, delay: float, longest_wait: float, user_agent: str) -> None:
        self.crawler = crawler
        self.robots = robots
        self.delay = delay
        self.longest_wait = longest_wait
        self.user_agent = user_agent
        self.robots_timeout = min(ROBOTS_TIMEOUT, crawler.settings.getfloat("DOWNLOAD_TIMEOUT") or ROBOTS_TIMEOUT)
        self.hosts: dict[str, _Host] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("CRAWLER_SIDE_POLITENESS_ENABLED", True):
            raise NotConfigured
        return cls(
            crawler,
            robots=settings.getbool("CRAWLER_SIDE_ROBOTS"),
            delay=max(0.0, settings.getfloat("CRAWLER_SIDE_DELAY")),
            longest_wait=settings.getfloat("CRAWLER_RETRY_AFTER_MAX"),
            user_agent=settings.get("USER_AGENT") or "",
        )

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("side_request"):
            return
        name = urlparse_cached(request).hostname or ""
        host = self.hosts.setdefault(name, _Host())
        await maybe_deferred_to_future(host.turn.acquire())
        try:
            await self._wait(host)
            if self.robots and request.meta.get("side_robots", True) and not host.closed:
                rules = await self._rules(host, request)
                user_agent = (request.headers.get(b"User-Agent") or b"").decode("latin-1") or self.user_agent
                self._slow_down(host, rules.crawl_delay(user_agent))
                if not rules.can_fetch(request.url, user_agent):
                    self._count("forbidden_by_robots")
                    raise IgnoreRequest(f"forbidden by robots.txt: {request.url}")
                await self._wait(host)
            if host.closed:
                self._count("host_closed")
                raise IgnoreRequest(f"no more extra requests to {name}: {host.closed}")
            _within_budget(request)
        except BaseException:
            host.turn.release()
            raise
        request.meta["_side_host"] = name  # whose turn to hand on when this request ends
        self._count("sent")

    def _delay(self, request: Request) -> float:
        wanted = request.meta.get("side_delay")
        return self.delay if wanted is None else max(0.0, float(wanted))

    def process_response(self, request: Request, response: Response) -> Response:
        self._done(request, retry_after_seconds(response))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._done(request, None)

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(STAT + name)

    # --- the host's turn ----------------------------------------------------------------------

    def _done(self, request: Request, retry_after: float | None) -> None:
        name = request.meta.pop("_side_host", None)
        if name is None:
            return
        host = self.hosts[name]
        host.free_at = time.monotonic() + self._delay(request)
        self._slow_down(host, retry_after, "Retry-After")
        host.turn.release()

    def _slow_down(self, host: _Host, seconds: float | None, why: str = "Crawl-delay") -> None:
        if seconds is None:
            return
        if seconds > self.longest_wait:
            host.closed = f"its {why} asks for {seconds:g} s, more than {self.longest_wait:g} s"
        else:
            host.free_at = max(host.free_at, time.monotonic() + seconds)

    async def _wait(self, host: _Host) -> None:
        pause = host.free_at - time.monotonic()
        if pause > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, pause))

    # --- robots.txt ---------------------------------------------------------------------------

    async def _rules(self, host: _Host, request: Request) -> Rules:
        """The origin's robots.txt, fetched (within the host's turn) the first time it is needed."""
        url = urlparse_cached(request)
        origin = f"{url.scheme}://{url.netloc}"
        if origin not in host.rules:
            host.rules[origin] = await self._fetch_robots(origin)
            host.free_at = time.monotonic() + self.delay  # the fetch was an extra request too
        return host.rules[origin]

    async def _fetch_robots(self, origin: str) -> Rules:
        robots = Request(
            f"{origin}/robots.txt",
            callback=NO_CALLBACK,
            dont_filter=True,
            meta={
                "dont_retry": True,
                "read_limit": ROBOTS_READ_LIMIT,
                "download_timeout": self.robots_timeout,
            },
        )
        self._count("robots_txt")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:  # unreachable: RFC 9309 says assume everything is disallowed
            logger.debug("robots.txt of %s unreachable (%s): no extra requests there", origin, exc)
            return DISALLOW_ALL
        return rules_from(response)


def _within_budget(request: Request) -> None:
    """The wait for the host's turn (and its robots.txt) spent the entry's time budget too
    (`crawler.middlewares.EntryBudgetMiddleware`, which ran before it): give the request at
    most what is left of it, or end it as that middleware would have."""
    left = time_left(request)
    if left <= 0:
        request.meta["budget_clamped"] = True
        raise DownloadTimeoutError("the check's time budget ran out while its extra request waited its turn")
    if left < request.meta.get("download_timeout", math.inf):
        request.meta["download_timeout"] = left
        request.meta["budget_clamped"] = True


def rules_from(response: Response) -> Rules:
    """What a robots.txt answer allows (RFC 9309 section 2.3.1)."""
    if 200 <= response.status < 300:
        return Protego.parse(response.body.decode("utf-8", errors="replace"))
    if 400 <= response.status < 500 and response.status != 429:
        return ALLOW_ALL  # "unavailable": no rules
    return DISALLOW_ALL  # "unreachable" (5xx), or asked to slow down: take nothing this run
