"""Downloader middlewares: the address guard for IP literals, a decision's timeout, each
entry's time budget, the inflate cap, Retry-After, Scrapy's meta refresh without decoding pages
that cannot hold one, cookies kept per visit, and certificate chains completed from their
caIssuers URL."""

from __future__ import annotations

import codecs
import logging
import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from http.cookiejar import Cookie
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefresh,
)
from scrapy.exceptions import DownloadTimeoutError, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.http.cookies import CookieJar
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater
from w3lib.encoding import http_content_type_encoding

from crawler import decisions
from crawler.net.addresses import AddressRefused, allowed, parse_ip_literal
from crawler.net.chains import CHAINS, MAX_ISSUER_BYTES, parse_issuers
from crawler.net.diagnostics import DIAGNOSTICS
from crawler.verdict.domains import is_public_suffix

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


class AddressGuardMiddleware:
    """Refuses requests whose URL host is an inward IP literal, in any spelling.

    Host names are judged by `crawler.net.resolver.GuardedResolver` on the addresses they
    resolve to; literals never reach a resolver, so they are judged here. Redirects
    pass through here again, so a redirect to ``http://127.0.0.1/`` is caught too.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("CRAWLER_ALLOW_PRIVATE"):
            raise NotConfigured
        return cls(allow_private=False)

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        address = parse_ip_literal(host)
        if address is not None and not allowed(str(address), self.allow_private):
            raise AddressRefused(str(address))


class DecisionTimeoutMiddleware:
    """Gives an entry's requests the timeout a maintainer's decision in force sets for it
    (`crawler.decisions`, ``timeout: SECONDS`` under the entry's ``check:``).

    Before Scrapy's DownloadTimeoutMiddleware (350), which sets only a timeout the request
    has not got yet; redirects carry it on in their meta. EntryBudgetMiddleware (360) takes
    it as the entry's timeout, so the entry's time budget grows (or shrinks) with it.
    """

    def process_request(self, request: Request) -> None:
        entry = request.meta.get("entry")
        if entry is None or not entry.decisions or "download_timeout" in request.meta:
            return
        seconds = decisions.timeout(entry.decisions, datetime.now(UTC).date())
        if seconds is not None:
            request.meta["download_timeout"] = seconds


class EntryBudgetMiddleware:
    """Ends each entry's whole check within CRAWLER_ENTRY_BUDGET times the entry's timeout.

    A check is a chain of requests (redirect hops, retries, the page, the extra requests)
    and waits (Retry-After, the extra requests' turn), each with its own timeout: unbounded,
    one slow site could hold its slot for many timeouts. The chain's first request starts
    the clock (``meta["deadline"]``, a `time.monotonic` moment that redirects, retries and
    the spider's extra requests carry along); every request is given at most the time left,
    and none is sent once it is spent (a timeout, like any other). The spider notes when the
    budget cut its extra requests short.

    The entry's timeout is the one its first request arrives with: a maintainer's decision's
    (DecisionTimeoutMiddleware, 340), else DOWNLOAD_TIMEOUT (Scrapy's DownloadTimeoutMiddleware,
    350). It is kept in ``meta["entry_timeout"]``, so an entry decided to need 90 s gets
    90 s a request and a budget of CRAWLER_ENTRY_BUDGET x 90 s, not the global one. A request
    that is no part of an entry's chain (an RDAP lookup, a certificate authority's file) comes
    with ``meta["deadline"] = math.inf``.
    """

    def __init__(self, multiple: float, timeout: float) -> None:
        self.multiple = multiple
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        multiple = settings.getfloat("CRAWLER_ENTRY_BUDGET")
        if multiple <= 0:
            raise NotConfigured
        return cls(multiple, settings.getfloat("DOWNLOAD_TIMEOUT"))

    def process_request(self, request: Request) -> None:
        meta = request.meta
        # Read before this middleware first lowers download_timeout to the time left: later
        # requests of the chain carry the entry's own timeout on, not a clamped one.
        timeout = meta.setdefault("entry_timeout", meta.get("download_timeout") or self.timeout)
        now = time.monotonic()
        left = meta.setdefault("deadline", now + self.multiple * timeout) - now
        if left <= 0:
            raise DownloadTimeoutError("the check's time budget ran out")
        meta["download_timeout"] = min(timeout, left)
        meta["budget_clamped"] = left < timeout


def time_left(request: Request) -> float:
    """Seconds left of the budget of the check `request` belongs to (infinite without one)."""
    deadline = request.meta.get("deadline")
    return float("inf") if deadline is None else deadline - time.monotonic()


class DecompressionCapMiddleware:
    """Lets a page of any announced size start downloading, yet caps what it inflates to.

    Scrapy's DOWNLOAD_MAXSIZE does two jobs with one number: it cancels a download whose
    Content-Length exceeds it, and it caps decompression. We want neither cancellation
    (ReadLimit stops reading a 60 MB page after its top part, which is all a verdict
    needs) nor an unbounded inflate (a gzip bomb). So the request goes out with no size
    limit and, on the way back, just before HttpCompressionMiddleware (590) inflates the
    body, the cap CRAWLER_INFLATE_LIMIT is put in its place.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("CRAWLER_INFLATE_LIMIT"))

    def process_request(self, request: Request) -> None:
        request.meta["download_maxsize"] = 0

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["download_maxsize"] = self.limit
        return response


class RetryAfterMiddleware:
    """Honours ``Retry-After`` on 429 and 503 once per request, within a limit.

    A site that says "come back in 2 seconds" gets one more try after 2 seconds; one
    that asks for longer than CRAWLER_RETRY_AFTER_MAX seconds (or sends a date) is taken
    at its word that it refuses us now, and the verdict says when to come back.
    """

    def __init__(self, limit: float, priority_adjust: int = 0) -> None:
        self.limit = limit
        self.priority_adjust = priority_adjust

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getfloat("CRAWLER_RETRY_AFTER_MAX")
        if limit <= 0:
            raise NotConfigured
        return cls(limit, crawler.settings.getint("RETRY_PRIORITY_ADJUST"))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        delay = retry_after_seconds(response)
        if delay is None or delay > self.limit or request.meta.get("retried_after"):
            return response
        if delay >= time_left(request):
            return response  # the wait would spend the rest of the check's budget
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, delay))
        # Ahead of the entries not started yet, as any retry (RETRY_PRIORITY_ADJUST): the
        # entry's time budget is running.
        return request.replace(
            dont_filter=True, meta={**request.meta, "retried_after": delay},
            priority=request.priority + self.priority_adjust,
        )


def retry_after_seconds(response: Response) -> float | None:
    """The delay a 429/503 asks for in whole seconds, or None (absent, a date, not a retry)."""
    if response.status not in (429, 503):
        return None
    value = (response.headers.get(b"Retry-After") or b"").strip()
    if not value.isdigit():
        return None
    # Ten digits are three centuries: anything longer is as good as forever, and not parsed.
    return float(value) if len(value) <= 10 else float("inf")


# Scrapy looks for a refresh in a page's first 4,096 characters; no encoding a browser
# accepts that writes ASCII as ASCII takes more than 4 bytes a character (UTF-7 can, and
# browsers refuse it), and a byte-order mark is at most 4.
_REFRESH_SCAN = 4 * 4096 + 4


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's meta refresh, without decoding the pages that cannot hold one.

    Scrapy decodes every HTML body (`response.text`) to look for ``<meta http-equiv=refresh>``
    in its first 4,096 characters, though hardly any page has one and the spider decodes the
    page its own way: 41 us a page of the benchmark web, 15 us with the test below. In an
    encoding that writes ASCII as ASCII, such a tag spells "refresh" in the first bytes; when
    they do not, the page is passed on as Scrapy would pass it. (w3lib rules a refresh out in
    bytes the same way, given bytes.) UTF-16 and UTF-32 bodies (NUL bytes) and charsets
    declared in the header that write ASCII otherwise (EBCDIC) go to Scrapy's check.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not isinstance(response, HtmlResponse):
            return super().process_response(request, response)
        if not _may_refresh(response):
            return response
        # Scrapy decodes the whole body to read its first 4,096 characters, and a body may
        # inflate to CRAWLER_INFLATE_LIMIT: it is given the head that can hold them instead.
        head = response
        if len(response.body) > _REFRESH_SCAN:
            head = response.replace(body=response.body[:_REFRESH_SCAN])
        followed = super().process_response(request, head)
        return response if followed is head else followed


def _may_refresh(response: Response) -> bool:
    """False only when the body's first bytes show there is no refresh to find."""
    head = response.body[:_REFRESH_SCAN]
    if b"\x00" in head:
        return True
    declared = http_content_type_encoding((response.headers.get(b"Content-Type") or b"").decode("latin-1"))
    if declared is not None and not _writes_ascii_as_ascii(declared):
        return True
    return b"refresh" in head.lower()


@lru_cache(maxsize=64)
def _writes_ascii_as_ascii(encoding: str) -> bool:
    try:
        return "refresh".encode(codecs.lookup(encoding).name) == b"refresh"
    except (LookupError, UnicodeError):
        return False


class VisitCookiesMiddleware(CookiesMiddleware):
    """Scrapy's cookies, kept as a browser keeps them within one visit.

    A site (or its bot-management layer) may set a cookie and send the browser back to the
    same URL, serving the page only when the cookie returns. Each entry's check has its own
    jar (``meta["cookiejar"]``, the entry id), shared by its redirects and side requests,
    never by another entry's, and dropped when the entry's check is done: nothing outlives
    the crawl. A request without a jar key (RDAP, caIssuers, the canary) neither sends nor
    keeps cookies. Jars are made on the first cookie, so a site that sets none costs a
    lookup. Domain attributes are judged with our public suffix list (`crawler.verdict.domains`,
    never fetched), not with Scrapy's tldextract, which would fetch one.

    A jar is dropped when its entry's check is scraped (``item_scraped``). That receiver is
    connected when the first jar is made, not before: a receiver makes Scrapy build Deferreds
    for every item scraped, which cost a crawl of sites that set no cookies 3.5 % of its CPU.
    (It stays connected: disconnecting from inside the signal would change the receiver list
    pydispatch is iterating.)
    """

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._listening = False

    def process_request(self, request: Request) -> None:
        key = request.meta.get("cookiejar")
        if key is None or request.meta.get("dont_merge_cookies") or (key not in self.jars and not request.cookies):
            return None  # no visit, or nothing to send yet
        self._listen()
        return super().process_request(request)

    def process_response(self, request: Request, response: Response) -> Response:
        key = request.meta.get("cookiejar")
        if key is None or (key not in self.jars and not response.headers.getlist("Set-Cookie")):
            return response
        self._listen()
        return super().process_response(request, response)

    def _listen(self) -> None:
        """Hear when checks are scraped, from the first jar on."""
        if not self._listening:
            self.crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
            self._listening = True

    def item_scraped(self, item: Any) -> None:
        entry_id = getattr(item, "entry_id", None)
        if entry_id is not None:
            self.jars.pop(entry_id, None)  # the visit is over

    def _process_cookies(self, cookies: Iterable[Cookie], *, jar: CookieJar, request: Request) -> None:
        # Scrapy's rule (a cookie for a public suffix is kept only for that exact host), with
        # the suffix list judged offline.
        hostname = urlparse_cached(request).hostname
        if hostname is None:
            return
        request_domain = hostname.lower()
        for cookie in cookies:
            cookie_domain = cookie.domain.removeprefix(".")
            if cookie_domain and is_public_suffix(cookie_domain):
                if cookie_domain != request_domain:
                    continue
                cookie.domain = request_domain
            jar.set_cookie_if_ok(cookie, request)


class ChainCompletionMiddleware:
    """Completes a certificate chain the server sent short, then tries the request again.

    When a handshake failed only because the leaf's issuer was missing and the leaf names a
    caIssuers URL (`crawler.net.chains`), that URL is fetched over plain HTTP through Scrapy's
    downloader (address guard, resolver overrides, politeness; at most MAX_ISSUER_BYTES) and
    the request is sent again, once per host per chain; the handshake then verifies the
    completed chain against the trust store. Any other failure passes on untouched.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"):
            raise NotConfigured
        return cls(crawler)

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        host = (urlparse_cached(request).hostname or "").lower()
        tried: list[str] = request.meta.get("chain_completed_for", [])
        url = CHAINS.wanted.pop(host, None)
        if url is None or host in tried or request.meta.get("chain_issuer"):
            return None
        if url not in CHAINS.issuers:
            CHAINS.remember(url, await self._issuers(url))
        if not CHAINS.issuers[url]:
            return None  # nothing usable there: the handshake's failure stands
        DIAGNOSTICS.tls.pop(host, None)
        return request.replace(dont_filter=True, meta={**request.meta, "chain_completed_for": [*tried, host]})

    async def _issuers(self, url: str) -> list[Any]:
        # A certificate authority's file server is a service, not a listed site: no robots.txt,
        # no pause, one fetch at a time per host (crawler.politeness); and no part of the
        # entry's time budget (its own clock starts when it is sent).
        fetch = Request(
            url, dont_filter=True,
            meta={
                "chain_issuer": True, "side_request": True, "side_robots": False, "side_delay": 0.0,
                "deadline": math.inf, "dont_retry": True, "read_limit": MAX_ISSUER_BYTES,
            },
        )
        try:
            response = await self.crawler.engine.download_async(fetch)
        except Exception as exc:  # the certificate could not be fetched: the site stays unverified
            logger.info("caIssuers %s could not be fetched: %s", url, type(exc).__name__)
            return []
        if response.status != 200 or len(response.body) > MAX_ISSUER_BYTES:
            return []
        try:
            return parse_issuers(response.body)
        except ValueError:
            logger.info("caIssuers %s holds no certificate", url)
            return []
