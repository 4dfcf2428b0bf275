"""Downloader middlewares: the address guard for IP literals, a decision's timeout, the inflate
cap, Retry-After, and Scrapy's meta refresh without decoding pages that cannot hold one."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefresh,
)
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater
from w3lib.encoding import http_content_type_encoding

from crawler import decisions
from crawler.net.addresses import AddressRefused, allowed, parse_ip_literal

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
    has not got yet; redirects carry it on in their meta.
    """

    def process_request(self, request: Request) -> None:
        entry = request.meta.get("entry")
        if entry is None or not entry.decisions or "download_timeout" in request.meta:
            return
        seconds = decisions.timeout(entry.decisions, datetime.now(UTC).date())
        if seconds is not None:
            request.meta["download_timeout"] = seconds


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

    def __init__(self, limit: float) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getfloat("CRAWLER_RETRY_AFTER_MAX")
        if limit <= 0:
            raise NotConfigured
        return cls(limit)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        delay = retry_after_seconds(response)
        if delay is None or delay > self.limit or request.meta.get("retried_after"):
            return response
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, delay))
        return request.replace(dont_filter=True, meta={**request.meta, "retried_after": delay})


def retry_after_seconds(response: Response) -> float | None:
    """The delay a 429/503 asks for in whole seconds, or None (absent, a date, not a retry)."""
    if response.status not in (429, 503):
        return None
    value = (response.headers.get(b"Retry-After") or b"").strip()
    return float(value) if value.isdigit() else None


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
        if isinstance(response, HtmlResponse) and not _may_refresh(response):
            return response
        return super().process_response(request, response)


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
