"""Certificate verification that can say what was wrong, in the download handler we use.

Scrapy (with DOWNLOAD_VERIFY_CERTIFICATES on) verifies through Twisted, and every
verification failure reaches the spider as the same `DownloadFailedError`: an expired
certificate, a self-signed one and a wrong host name look alike. Readers deserve
"certificate expired 2026-10-01", so the HTTPS handler here wraps each connection's
verification: the same checks Twisted makes (OpenSSL's chain verification, then the
host name against the leaf certificate with service_identity), plus a note in
`crawler.net.diagnostics` naming the problem.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime
from typing import Any

from OpenSSL import SSL
from OpenSSL.crypto import X509
from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from service_identity.exceptions import VerificationError
from service_identity.hazmat import (
    DNS_ID,
    IPAddress_ID,
    ServiceID,
    verify_service_identity,
)
from service_identity.pyopenssl import extract_patterns
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
from twisted.web.iweb import IPolicyForHTTPS
from zope.interface import implementer

from crawler.net.chains import CHAINS, MISSING_ISSUER, ca_issuers_url
from crawler.net.connect import DirectScrapyAgent
from crawler.net.diagnostics import DIAGNOSTICS
from crawler.net.head import BoundedHeadFactory, head_too_large

logger = logging.getLogger(__name__)

#: A Scrapy signal (`crawler.signals.send_catch_log(STOPPING)`): the crawl has been told to
#: stop (SIGINT, SIGTERM; `crawler.extensions.Shutdown`); the handler cancels every download
#: in flight and starts none.
STOPPING = object()

# OpenSSL's X509_V_ERR_* codes (x509_vfy.h) for the problems a reader would name.
_EXPIRED = 10
_NOT_YET_VALID = 9
_SELF_SIGNED = 18
_SELF_SIGNED_IN_CHAIN = 19
_UNTRUSTED = {2, 20, 21}  # issuer unknown / not in the trust store
_REVOKED = 23


def describe_verify_error(code: int, cert: X509) -> str:
    """Words for an OpenSSL verification error, with the date where one matters."""
    if code == _EXPIRED:
        return f"certificate expired {_asn1_date(cert.get_notAfter())}"
    if code == _NOT_YET_VALID:
        return f"certificate not valid before {_asn1_date(cert.get_notBefore())}"
    if code == _SELF_SIGNED:
        return "self-signed certificate"
    if code == _SELF_SIGNED_IN_CHAIN:
        return "self-signed certificate in the chain"
    if code in _UNTRUSTED:
        return "certificate issued by an untrusted authority"
    if code == _REVOKED:
        return "certificate revoked"
    return f"certificate rejected (OpenSSL verify error {code})"


def _asn1_date(value: bytes | None) -> str:
    if not value:
        return "on an unknown date"
    return datetime.strptime(value.decode("ascii"), "%Y%m%d%H%M%SZ").date().isoformat()


def _pattern_text(pattern: object) -> str:
    value = getattr(pattern, "pattern", None)  # DNSPattern carries bytes; IP patterns carry a network
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return str(getattr(pattern, "ip", value if value is not None else pattern))


def _service_id(host: str) -> ServiceID:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return DNS_ID(host)
    return IPAddress_ID(host)


@implementer(IOpenSSLClientConnectionCreator)
class _DiagnosingCreator:
    """Wraps the connection creator Twisted made for one host name."""

    def __init__(self, inner: Any, host: str) -> None:
        self.inner, self.host = inner, host

    def clientConnectionForTLS(self, tls_protocol: Any) -> SSL.Connection:
        connection = self.inner.clientConnectionForTLS(tls_protocol)
        # Replaces Twisted's callback (set just above) with one making the same checks.
        connection.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, self._verify)
        return connection

    def _verify(self, conn: SSL.Connection, cert: X509, err: int, depth: int, ok: int) -> bool:
        if not ok:
            if depth == 0 and err in MISSING_ISSUER:
                # The server left out the leaf's issuer: accepted only if the issuer fetched from
                # the leaf's caIssuers URL completes a chain to a trusted root (crawler.net.chains);
                # the host name is checked below, on OpenSSL's closing call for the leaf.
                if CHAINS.completes(conn, cert):
                    DIAGNOSTICS.completed[self.host] = True
                    return True
                url = ca_issuers_url(cert)
                if url is not None:
                    CHAINS.wanted[self.host] = url
            DIAGNOSTICS.tls[self.host] = describe_verify_error(err, cert)
            return False
        if depth != 0:
            return True  # only the leaf certificate names the host
        try:
            verify_service_identity(extract_patterns(cert), [_service_id(self.host)], [])
        except VerificationError:
            names = ", ".join(_pattern_text(p) for p in extract_patterns(cert)) or "no names"
            DIAGNOSTICS.tls[self.host] = f"certificate name mismatch: issued for {names}, not {self.host}"
            return False
        except Exception:  # a certificate service_identity cannot parse is not trusted
            DIAGNOSTICS.tls[self.host] = "certificate could not be read"
            return False
        return True


@implementer(IPolicyForHTTPS)
class _DiagnosingPolicy:
    def __init__(self, inner: IPolicyForHTTPS) -> None:
        self.inner = inner

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:
        creator = self.inner.creatorForNetloc(hostname, port)
        return _DiagnosingCreator(creator, hostname.decode("ascii").lower())


class CheckingHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, fitted for checking many sites once each.

    - TLS verification problems are named (see the module doc); verification itself
      stays on by DOWNLOAD_VERIFY_CERTIFICATES.
    - Idle connections are kept CRAWLER_KEEPALIVE seconds, not Twisted's 240: a site's
      follow-up requests (probe, feed, sitemap) come right after its page, and a crawl
      of 100,000 sites must not sit on thousands of idle sockets until it runs out of
      file descriptors.
    - A host with one address is connected to directly (`crawler.net.connect`).
    - When the crawl is told to stop (the `STOPPING` signal), every download in flight is
      cancelled and no new one starts: a stop takes moments, not a timeout.
    - A response head past the caps of `crawler.net.head` is refused with `HeadersTooLarge`
      (not a `DownloadFailedError`, which would be retried).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"):
            self._contextFactory = _DiagnosingPolicy(self._contextFactory)
        self._pool.cachedConnectionTimeout = crawler.settings.getint("CRAWLER_KEEPALIVE")
        self._pool._factory = BoundedHeadFactory  # Twisted's pool builds connections with this
        self._in_flight: set[Deferred[Response]] = set()
        self._stopping = False
        crawler.signals.connect(self._stop, signal=STOPPING)

    def _stop(self) -> None:
        self._stopping = True
        for download in list(self._in_flight):
            download.cancel()

    async def download_request(self, request: Request) -> Response:
        # Scrapy's own method with our agent, on its private helpers (the pin to Scrapy 2.19
        # covers them); no spider attributes are read (the deprecated download_maxsize and
        # download_warnsize): the settings give the limits.
        agent = DirectScrapyAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        if self._stopping:
            raise DownloadCancelledError("the crawl is stopping")
        download = agent.download_request(request)
        self._in_flight.add(download)
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(download)
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        except DownloadFailedError as exc:
            if (refused := head_too_large(exc)) is not None:
                raise refused from exc
            raise
        finally:
            self._in_flight.discard(download)
