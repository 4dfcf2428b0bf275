"""Name resolution with curl-style overrides and the address guard.

`--resolve` overrides are trusted as given (the operator chose them); everything else
is resolved by the system and judged by the guard.

Scrapy hands every connection's host name to the reactor's name resolver, and the
connection is made to exactly the addresses it returns. Filtering here therefore judges
the address actually connected to: DNS answers and redirects that point inward are
caught, whatever the URL said. A refused host resolves to nothing (Scrapy then raises
`CannotResolveHostError`); `crawler.net.diagnostics` remembers why, so the classifier can
give a policy verdict instead of a DNS one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider

from crawler.errors import UsageError
from crawler.net.addresses import allowed
from crawler.net.diagnostics import DIAGNOSTICS

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

# Host names. A crawl asks for a site's name a few times (page, probe, feed, sitemap), all
# within that site's own timeout, and at most CONCURRENT_REQUESTS sites are in flight: the
# oldest names are done with. 50,000 names held ~20 MB of address objects for nothing.
_CACHE_LIMIT = 4_096


def parse_resolve(spec: str) -> tuple[str, int, str]:
    """Parse curl's ``HOST:PORT:ADDRESS`` (HOST may be ``*``; ADDRESS may be ``[v6]``).

    Raises UsageError with a message fit for the user.
    """
    host, sep1, rest = spec.partition(":")
    port_text, sep2, address = rest.partition(":")
    if not (sep1 and sep2 and host and port_text and address):
        raise UsageError(f"--resolve {spec!r}: expected HOST:PORT:ADDRESS")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f"--resolve {spec!r}: port must be 1-65535")
    try:
        ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        raise UsageError(f"--resolve {spec!r}: {address!r} is not an IP address") from None
    if host != "*":
        host = host.lower().encode("idna").decode("ascii")
    return host, int(port_text), address.strip("[]")


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - the endpoint never cancels a lookup we finish
        pass


@provider(IResolutionReceiver)
class _GuardingReceiver:
    """Passes allowed addresses through, remembers refused ones, fills the cache."""

    def __init__(self, owner: GuardedResolver, receiver: Any, host: str) -> None:
        self.owner, self.receiver, self.host = owner, receiver, host
        self.seen: list[IAddress] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        self.seen.append(address)
        self.owner._deliver(self.receiver, self.host, address)

    def resolutionComplete(self) -> None:
        if self.seen:
            self.owner._remember(self.host, self.seen)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """Resolves through the system (getaddrinfo in the reactor's thread pool).

    Settings: CRAWLER_RESOLVE (curl-style overrides), CRAWLER_ALLOW_PRIVATE.
    """

    def __init__(
        self, reactor: Any, overrides: Sequence[str] = (), allow_private: bool = False
    ) -> None:
        self.reactor = reactor
        self.system: IHostnameResolver = reactor.nameResolver
        self.allow_private = allow_private
        self.overrides: dict[tuple[str, int], str] = {}
        for spec in overrides:
            host, port, address = parse_resolve(spec)
            self.overrides[host, port] = address
        self._cache: dict[str, list[IAddress]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        # Scrapy passes its CrawlerProcess here, which only guarantees `.settings`.
        settings = crawler.settings
        return cls(
            reactor,
            overrides=settings.getlist("CRAWLER_RESOLVE"),
            allow_private=settings.getbool("CRAWLER_ALLOW_PRIVATE"),
        )

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        host = _ascii_name(hostName)
        override = self.overrides.get((host, portNumber)) or self.overrides.get(
            ("*", portNumber)
        )
        if override is not None:
            # The operator named this address: it is trusted as given, like curl does.
            # Only what DNS answers, and where redirects lead, is judged by the guard.
            family = IPv6Address if ":" in override else IPv4Address
            resolution = _Resolution(host)
            resolutionReceiver.resolutionBegan(resolution)
            resolutionReceiver.addressResolved(family("TCP", override, portNumber))
            resolutionReceiver.resolutionComplete()
            return resolution
        if host.rstrip(".").endswith(".invalid") or host == "invalid":
            # RFC 6761: names under .invalid never resolve, so no query is sent for them.
            return self._answer(resolutionReceiver, host, [], portNumber)
        cached = self._cache.get(host)
        if cached is not None:
            return self._answer(resolutionReceiver, host, cached, portNumber)
        return self.system.resolveHostName(
            _GuardingReceiver(self, resolutionReceiver, host),
            hostName,
            portNumber,
            addressTypes,
            transportSemantics,
        )

    def _answer(
        self, receiver: Any, host: str, addresses: list[IAddress], port: int
    ) -> IHostResolution:
        resolution = _Resolution(host)
        receiver.resolutionBegan(resolution)
        for address in addresses:
            self._deliver(receiver, host, _with_port(address, port))
        receiver.resolutionComplete()
        return resolution

    def _deliver(self, receiver: Any, host: str, address: Any) -> None:
        if allowed(address.host, self.allow_private):
            receiver.addressResolved(address)
        else:
            DIAGNOSTICS.refusals[host] = address.host

    def _remember(self, host: str, addresses: list[IAddress]) -> None:
        if host not in self._cache and len(self._cache) >= _CACHE_LIMIT:
            del self._cache[next(iter(self._cache))]  # the oldest (dicts keep insertion order)
        self._cache[host] = [_with_port(a, 0) for a in addresses]


def _ascii_name(name: str) -> str:
    """`name` lower-cased, in its ASCII (IDNA) form: `crawler.net.connect` asks with that form,
    Twisted's HostnameEndpoint with the Unicode one; overrides and the cache use one key."""
    name = name.lower()
    if name.isascii():
        return name
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA 2003 can spell: the system resolver will say so
        return name


def _with_port(address: Any, port: int) -> Any:
    if isinstance(address, IPv6Address):
        return IPv6Address("TCP", address.host, port, address.flowInfo, address.scopeID)
    return IPv4Address("TCP", address.host, port)
