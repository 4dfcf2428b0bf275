"""The one place where what happened to a request becomes an `Outcome`.

Two entry points: `classify_page` for anything that answered over HTTP, and
`classify_failure` for everything that did not. The spider gathers the facts (the
redirect chain Scrapy recorded, the decoded page, the result of a soft-404 probe);
the page-text rules live in `crawler.verdict.page_signals`. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)

# Scrapy raises IgnoreRequest from this when a body inflates past DOWNLOAD_MAXSIZE; the
# cause's type is the only way to tell a decompression bomb from other ignored requests.
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from service_identity.exceptions import VerificationError
from twisted.internet.error import ConnectError
from twisted.internet.error import TimeoutError as TxTimeoutError

from crawler.net.addresses import AddressRefused
from crawler.net.head import HeadersTooLarge
from crawler.verdict import page_signals
from crawler.verdict.domains import host_of, registered_domain
from crawler.verdict.outcome import Outcome, Reason, Status, http_reason

PERMANENT = frozenset({301, 308})
BLOCKING = frozenset({401, 403, 407, 429, 451})
GONE = frozenset({404, 410})
META_REFRESH = "meta refresh"  # Scrapy's redirect_reasons entry for a <meta refresh> hop


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect Scrapy followed: the URL it left and why (a status or META_REFRESH)."""

    url: str
    reason: int | str


@dataclass(frozen=True, slots=True)
class Page:
    """What one answered request showed, as the spider saw it."""

    listed_url: str
    final_url: str
    status: int
    headers: Mapping[str, str]  # lower-case names, first value
    hops: Sequence[Hop] = ()
    text: str = ""  # the decoded page (bounded by the read limit)
    title: str | None = None
    # The answer to a surely-missing path on the same host, when one was asked:
    probe_status: int | None = None
    probe_same_page: bool | None = None


def wants_soft404_probe(page: Page) -> bool:
    """Only a 2xx page that itself looks like "not found" is worth a second request."""
    return 200 <= page.status < 300 and bool(page_signals.soft_404_signals(page.title, page.text))


def classify_page(page: Page) -> Outcome:
    """The verdict for a response (after redirects) to an entry's listed URL."""

    def outcome(status: Status, reason: str, detail: str = "") -> Outcome:
        return _page_outcome(page, status, reason, detail)

    code = page.status
    moved_detail = _crossing(page)

    if 200 <= code < 300:
        parked = page_signals.parked_signals(page.text, page.title, page.final_url)
        if page_signals.parked_enough(parked):
            return outcome(Status.PARKED, Reason.PARKED, "parking signals: " + ", ".join(parked))
        if page.probe_status is not None and _is_soft_404(page):
            return outcome(Status.DEAD, Reason.SOFT_404, "the page says it is not found")
        if moved_detail:
            reason = Reason.META_REFRESH if _any_meta_refresh(page.hops) else Reason.REDIRECT
            return outcome(Status.MOVED, reason, moved_detail)
        return _redirect_verdict(page)

    if page_signals.is_challenge(page.text, page.title, code, page.headers):
        return outcome(Status.BLOCKED, Reason.CHALLENGE, f"bot challenge (HTTP {code})")
    if code in BLOCKING:
        return outcome(Status.BLOCKED, http_reason(code), _retry_after(page.headers))
    if code in GONE:
        return outcome(Status.DEAD, http_reason(code), moved_detail)
    if code >= 500:
        return outcome(Status.SERVER_ERROR, http_reason(code), moved_detail)
    # Other 4xx, and a 3xx Scrapy could not follow (no Location): nothing usable.
    return outcome(Status.DEAD, http_reason(code), moved_detail)


def _page_outcome(page: Page, status: Status, reason: str, detail: str = "") -> Outcome:
    return Outcome(
        status, reason, detail, http_status=page.status, final_url=page.final_url, title=page.title
    )


def _redirect_verdict(page: Page) -> Outcome:
    hops = page.hops
    if not hops:
        return _page_outcome(page, Status.OK, Reason.OK)
    # Only an unbroken chain of permanent redirects says "the URL has changed": a
    # temporary hop anywhere means the listed URL is still the one to keep.
    if all(h.reason in PERMANENT for h in hops):
        upgrade = _only_https_upgrade(page.listed_url, page.final_url)
        reason = Reason.HTTPS_UPGRADE if upgrade else f"http-{hops[0].reason}"
        detail = f"{page.listed_url} -> {page.final_url}"
        return _page_outcome(page, Status.REDIRECTED, reason, detail)
    return _page_outcome(page, Status.OK, Reason.OK, f"temporarily redirected to {page.final_url}")


def _only_https_upgrade(listed: str, final: str) -> bool:
    try:
        first, last = urlsplit(listed), urlsplit(final)
        return (
            first.scheme == "http"
            and last.scheme == "https"
            and first.hostname == last.hostname
            and first.path == last.path
        )
    except ValueError:
        return False


def _crossing(page: Page) -> str:
    """A detail naming the new site when the chain left the listed registered domain."""
    listed = registered_domain(host_of(page.listed_url))
    final = registered_domain(host_of(page.final_url))
    if listed == final:
        return ""
    return f"now at {final} ({page.final_url})"


def _any_meta_refresh(hops: Sequence[Hop]) -> bool:
    return any(h.reason == META_REFRESH for h in hops)


def _is_soft_404(page: Page) -> bool:
    # The page says "not found" (that is why we probed) and a path that surely does not
    # exist gets the same page with a success status: the server answers everything
    # with its not-found page, so the listed page is gone.
    return bool(page.probe_same_page) and page.probe_status is not None and page.probe_status < 300


def _retry_after(headers: Mapping[str, str]) -> str:
    # A Retry-After is a number or an HTTP date; more than a few dozen characters is neither.
    value = (headers.get("retry-after") or "")[:64]
    return f"retry after {value}" if value else ""


def classify_failure(
    exc: BaseException,
    url: str,
    redirect_urls: Sequence[str] = (),
    refused_address: str | None = None,
    tls_problem: str | None = None,
) -> Outcome:
    """The verdict when no usable response came back.

    `refused_address` and `tls_problem` are the resolver's and the TLS layer's notes
    for the failing host (`crawler.net.diagnostics`), the only way to know why a lookup
    came back empty or a handshake failed.
    """
    final = url
    if isinstance(exc, AddressRefused) or (
        isinstance(exc, CannotResolveHostError) and refused_address
    ):
        if isinstance(exc, AddressRefused):
            detail = f"{url} is at {exc.address}, a non-public address"
        else:
            detail = f"{host_of(url)} resolves to {refused_address}, a non-public address"
        return Outcome(Status.REFUSED_BY_POLICY, Reason.PRIVATE_ADDRESS, detail, final_url=final)
    if isinstance(exc, HeadersTooLarge):
        return Outcome(Status.DEAD, Reason.HEADERS_TOO_LARGE, str(exc), final_url=final)
    if isinstance(exc, IgnoreRequest):
        if isinstance(exc.__cause__, _DecompressionMaxSizeExceeded):
            return Outcome(Status.DEAD, Reason.TOO_LARGE, "the body inflates past the size cap", final_url=final)
        chain = [*redirect_urls, url]
        if len(set(chain)) < len(chain):
            return Outcome(Status.DEAD, Reason.REDIRECT_LOOP, " -> ".join(chain[-4:]), final_url=final)
        if redirect_urls:
            return Outcome(Status.DEAD, Reason.REDIRECT_LOOP, f"more than {len(redirect_urls)} redirects", final_url=final)
        return Outcome(Status.DEAD, Reason.IGNORED, type(exc).__name__, final_url=final)
    if tls_problem or _is_tls_error(exc):
        return Outcome(Status.DEAD, Reason.TLS, tls_problem or "TLS handshake failed", final_url=final)
    if isinstance(exc, CannotResolveHostError):
        return Outcome(Status.DEAD, Reason.DNS, f"{host_of(url)} does not resolve", final_url=final)
    if isinstance(exc, DownloadConnectionRefusedError):
        return Outcome(Status.DEAD, Reason.REFUSED, "connection refused", final_url=final)
    if isinstance(exc, (DownloadTimeoutError, TxTimeoutError)):
        return Outcome(Status.DEAD, Reason.TIMEOUT, "no answer before the timeout", final_url=final)
    if isinstance(exc, ConnectError):
        return Outcome(Status.DEAD, Reason.UNREACHABLE, type(exc).__name__, final_url=final)
    return Outcome(Status.DEAD, Reason.CONNECTION, f"{type(exc).__name__}", final_url=final)


def _is_tls_error(exc: BaseException) -> bool:
    """Is an OpenSSL or certificate-identity error anywhere in the exception's causes?"""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (SSL.Error, VerificationError)):
            return True
        # twisted.web's ResponseFailed / ResponseNeverReceived keep their causes in
        # `.reasons` (Failures), not in __cause__.
        for reason in getattr(current, "reasons", None) or ():
            value = getattr(reason, "value", None)
            if isinstance(value, BaseException):
                stack.append(value)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
    return False
