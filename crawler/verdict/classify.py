"""The one place where what happened to a request becomes an `Outcome`.

Two entry points: `classify_page` for anything that answered over HTTP, and
`classify_failure` for everything that did not. The spider gathers the facts (the
redirect chain Scrapy recorded, the decoded page, the result of a soft-404 probe);
the page-text rules live in `crawler.verdict.page_signals`. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

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
SCRIPT = "script"  # our entry for a hop made by following a script-only page (`script_hop`)
# Script-only pages followed in a row on the listed domain; a chain that keeps going is a loop.
MAX_SCRIPT_HOPS = 3


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
    warnings: tuple[str, ...] = ()  # `WarningCode`s the spider noticed on the way


def wants_soft404_probe(page: Page) -> bool:
    """Only a 2xx page that itself looks like "not found" is worth a second request."""
    return 200 <= page.status < 300 and bool(page_signals.soft_404_signals(page.title, page.text))


def read(page: Page) -> page_signals.Reading:
    """What the signal table finds on the page (pass it to `classify_page` and the identity)."""
    return page_signals.read_page(page.text, page.title, page.final_url)


def classify_page(page: Page, reading: page_signals.Reading | None = None) -> Outcome:
    """The verdict for a response (after redirects) to an entry's listed URL.

    `reading` is `read(page)`, if the caller has it already.
    """

    def outcome(status: Status, reason: str, detail: str = "") -> Outcome:
        return _page_outcome(page, status, reason, detail)

    code = page.status
    moved_detail = _crossing(page)
    if reading is None:
        reading = read(page)

    if 200 <= code < 300:
        if page_signals.challenge_header(page.headers):  # the CDN says so itself, whatever the status
            return outcome(Status.BLOCKED, Reason.CHALLENGE, f"bot challenge (HTTP {code})")
        if page_signals.parked_enough(reading.parked):
            return outcome(Status.PARKED, Reason.PARKED, "parking signals: " + ", ".join(reading.parked))
        if (stand_in := _hosting_page(page, reading)) is not None:
            return stand_in
        if page_signals.score(reading.placeholder) >= page_signals.PLACEHOLDER_THRESHOLD:
            detail = "placeholder signals: " + ", ".join(reading.placeholder)
            return outcome(Status.PARKED, Reason.PLACEHOLDER, detail)
        if page.probe_status is not None and _is_soft_404(page):
            return outcome(Status.DEAD, Reason.SOFT_404, "the page says it is not found")
        if moved_detail:
            return outcome(Status.MOVED, _moved_reason(page), moved_detail)
        if (elsewhere := _script_elsewhere(page, reading)) is not None:
            return _page_outcome(
                page, Status.MOVED, Reason.SCRIPT,
                f"a script sends readers to {registered_domain(host_of(elsewhere))} ({elsewhere})",
                final_url=elsewhere,
            )
        return _redirect_verdict(page)

    if page_signals.is_challenge(page.text, page.title, code, page.headers):
        return outcome(Status.BLOCKED, Reason.CHALLENGE, f"bot challenge (HTTP {code})")
    if (stand_in := _hosting_page(page, reading)) is not None:
        return stand_in  # panels and servers answer with 403 and 503 too
    if code in BLOCKING:
        return outcome(Status.BLOCKED, http_reason(code), _retry_after(page.headers))
    if code in GONE:
        return outcome(Status.DEAD, http_reason(code), moved_detail)
    if code >= 500:
        return outcome(Status.SERVER_ERROR, http_reason(code), moved_detail)
    # Other 4xx, and a 3xx Scrapy could not follow (no Location): nothing usable.
    return outcome(Status.DEAD, http_reason(code), moved_detail)


def _hosting_page(page: Page, reading: page_signals.Reading) -> Outcome | None:
    """`dead` when a hosting panel's suspended page or a server's stock page stands in for the site."""
    if page_signals.score(reading.suspended) >= page_signals.SUSPENDED_THRESHOLD:
        detail = "suspended-page signals: " + ", ".join(reading.suspended)
        return _page_outcome(page, Status.DEAD, Reason.SUSPENDED, detail)
    if page_signals.score(reading.server_default) >= page_signals.SERVER_DEFAULT_THRESHOLD:
        detail = "server default page signals: " + ", ".join(reading.server_default)
        return _page_outcome(page, Status.DEAD, Reason.SERVER_DEFAULT, detail)
    return None


def _moved_reason(page: Page) -> Reason:
    """How the chain left the listed registered domain: the reason of the hop that crossed."""
    destinations = [h.url for h in page.hops[1:]] + [page.final_url]
    for hop, destination in zip(page.hops, destinations):
        if not _same_site(page.listed_url, destination):
            if hop.reason == SCRIPT:
                return Reason.SCRIPT
            return Reason.META_REFRESH if hop.reason == META_REFRESH else Reason.REDIRECT
    return Reason.META_REFRESH if _any_meta_refresh(page.hops) else Reason.REDIRECT


def _script_target(page: Page, reading: page_signals.Reading) -> str | None:
    """The absolute URL a script-only 2xx page sends the browser to, or None."""
    if not 200 <= page.status < 300:
        return None
    target = page_signals.script_redirect_target(page.text, reading.words)
    if target is None:
        return None
    try:
        absolute = urljoin(page.final_url, target.strip())
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _script_elsewhere(page: Page, reading: page_signals.Reading) -> str | None:
    target = _script_target(page, reading)
    if target is None or _same_site(page.listed_url, target):
        return None
    return target


def script_hop(page: Page, reading: page_signals.Reading) -> str | None:
    """The URL to follow, like a temporary redirect, when the page's only job is a script that
    sends the browser elsewhere on the listed registered domain; None otherwise (no such script,
    another domain -- that is `moved` -- a page already judged a stand-in, or too many hops)."""
    if sum(h.reason == SCRIPT for h in page.hops) >= MAX_SCRIPT_HOPS or _crossing(page):
        return None
    if page_signals.parked_enough(reading.parked):
        return None
    target = _script_target(page, reading)
    if target is None or not _same_site(page.listed_url, target):
        return None
    visited = {h.url for h in page.hops} | {page.final_url}
    return None if target in visited else target


def _same_site(a: str, b: str) -> bool:
    return registered_domain(host_of(a)) == registered_domain(host_of(b))


def _page_outcome(
    page: Page, status: Status, reason: str, detail: str = "", final_url: str | None = None
) -> Outcome:
    return Outcome(
        status, reason, detail, http_status=page.status, final_url=final_url or page.final_url,
        title=page.title, warnings=page.warnings,
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
