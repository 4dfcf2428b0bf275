"""How a request reaches its host: straight to its one address, or Twisted's race among several.

Scrapy's HTTP/1.1 handler gives every request a Twisted `Agent` whose endpoint is
`HostnameEndpoint`: it resolves the name, then races connection attempts to all the addresses
(RFC 8305, "happy eyeballs"), so that an unreachable IPv6 address does not stall a working IPv4
one. Every connect pays for that race, even with a single address to try: it defines a class,
starts a `LoopingCall` and chains a dozen Deferreds. In the 10,000-site profile that was about
7 % of our CPU (benchmarks/README.md).

`DirectEndpoint` resolves first (through the reactor's resolver, which is
`crawler.net.resolver.GuardedResolver`). One address: a plain TCP endpoint connects to it, which is
what the race does with one address, without the race's machinery. Several: Twisted's race, whose
own lookup is answered from the resolver's cache. None: the `DNSLookupError` the race raises too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import _ScrapyAgent
from twisted.internet import error
from twisted.internet.address import IPv6Address
from twisted.internet.defer import Deferred, fail
from twisted.internet.endpoints import (
    HostnameEndpoint,
    TCP4ClientEndpoint,
    TCP6ClientEndpoint,
    wrapClientTLS,
)
from twisted.internet.interfaces import (
    IAddress,
    IHostResolution,
    IProtocol,
    IProtocolFactory,
    IResolutionReceiver,
    IStreamClientEndpoint,
)
from twisted.web.client import Agent
from twisted.web.error import SchemeNotSupported
from twisted.web.iweb import IAgentEndpointFactory, IPolicyForHTTPS
from zope.interface import implementer

if TYPE_CHECKING:
    from scrapy import Request
    from twisted.web.client import URI


@implementer(IResolutionReceiver)
class _Addresses:
    """One resolution's addresses, delivered by a Deferred when it completes."""

    def __init__(self) -> None:
        self.addresses: list[IAddress] = []
        # Cancelled while the lookup runs (the download timed out), the Deferred fails at once;
        # the lookup's late completion is then ignored (Twisted suppresses that one callback).
        self.complete: Deferred[list[IAddress]] = Deferred()

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        pass

    def addressResolved(self, address: IAddress) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete.callback(self.addresses)


@implementer(IStreamClientEndpoint)
class DirectEndpoint:
    """A TCP connection to `host`: directly to its only address, else through the race."""

    def __init__(self, reactor: Any, host: str, port: int, timeout: float) -> None:
        self.reactor = reactor
        self.host = host
        self.port = port
        self.timeout = timeout

    def connect(self, factory: IProtocolFactory) -> Deferred[IProtocol]:
        try:
            # getaddrinfo's own first step. Twisted's system resolver would lose this error in
            # its thread and never complete; HostnameEndpoint refuses such a name up front too.
            self.host.encode("idna")
        except UnicodeError:
            return fail(ValueError(f"invalid hostname: {self.host}"))
        found = _Addresses()
        self.reactor.nameResolver.resolveHostName(found, self.host, portNumber=self.port)
        return found.complete.addCallback(self._connect, factory)

    def _connect(self, addresses: list[IAddress], factory: IProtocolFactory) -> Deferred[IProtocol]:
        if not addresses:
            # The resolver found nothing, or the address guard refused all it found.
            raise error.DNSLookupError(f"no results for hostname lookup: {self.host}")
        if len(addresses) == 1:
            address = addresses[0]
            plain = TCP6ClientEndpoint if isinstance(address, IPv6Address) else TCP4ClientEndpoint
            host = address.host  # type: ignore[attr-defined]
            return plain(self.reactor, host, self.port, self.timeout).connect(factory)
        return HostnameEndpoint(self.reactor, self.host, self.port, self.timeout).connect(factory)


@implementer(IAgentEndpointFactory)
class DirectEndpointFactory:
    """What Twisted's standard endpoint factory does (TCP for http, TCP + TLS for https),
    with `DirectEndpoint` under it."""

    def __init__(self, reactor: Any, policy: IPolicyForHTTPS, timeout: float) -> None:
        self.reactor = reactor
        self.policy = policy
        self.timeout = timeout

    def endpointForURI(self, uri: URI) -> IStreamClientEndpoint:
        # Scrapy's URLs are already ASCII (IDNA), and so are the resolver's overrides and cache.
        host = uri.host.decode("ascii")
        endpoint = DirectEndpoint(self.reactor, host, uri.port, self.timeout)
        if uri.scheme == b"https":
            return wrapClientTLS(self.policy.creatorForNetloc(uri.host, uri.port), endpoint)
        if uri.scheme != b"http":
            raise SchemeNotSupported(f"unsupported scheme: {uri.scheme!r}")
        return endpoint


def direct_agent(reactor: Any, policy: IPolicyForHTTPS, timeout: float, pool: Any) -> Agent:
    """A Twisted `Agent` that connects through `DirectEndpoint`, sharing `pool`'s connections."""
    factory = DirectEndpointFactory(reactor, policy, timeout)
    return Agent.usingEndpointFactory(reactor, factory, pool=pool)


class DirectScrapyAgent(_ScrapyAgent):
    """Scrapy's per-request agent (Scrapy pinned to 2.19: a private class), which hands the
    request to `direct_agent` unless a proxy or a local bind address is asked for."""

    def _get_agent(self, request: Request, timeout: float) -> Agent:
        if self._bindAddress or request.meta.get("proxy") or request.meta.get("bindaddress"):
            return super()._get_agent(request, timeout)
        from twisted.internet import reactor

        return direct_agent(reactor, self._contextFactory, timeout, self._pool)
