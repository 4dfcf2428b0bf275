"""Which network addresses the crawler may connect to (the SSRF guard's policy).

A directory takes URLs from strangers, and CI runs the crawler next to secrets: by
default nothing inward is reachable. The rule is applied to addresses, never to host
names, so every spelling (decimal, octal, IPv4-mapped IPv6) is judged after parsing.

IPv6 forms that carry an IPv4 address inside them are judged by that IPv4 address:
IPv4-mapped (``::ffff:127.0.0.1``), 6to4 (``2002:7f00:1::``), Teredo, and NAT64's
well-known prefix (``64:ff9b::7f00:1``). A NAT64 gateway translates the last one to the
IPv4 address it embeds; RFC 6052 asks gateways not to translate non-global addresses,
but not all of them obey, so ``64:ff9b::7f00:1`` counts as loopback and is refused,
while ``64:ff9b::5db8:d822`` counts as the public 93.184.216.34.
"""

from __future__ import annotations

import ipaddress
import re
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits

# Not globally reachable, whatever this Python's `is_global` tables say (3.11's predate
# several of these IANA registry entries), or deprecated forms that reach inward.
NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "::/96",  # IPv4-compatible addresses, deprecated (RFC 4291); also :: and ::1
        "::ffff:0:0:0/96",  # IPv4-translated addresses (RFC 2765)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "100:0:0:1::/64",  # dummy prefix (RFC 9780)
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 segment identifiers (RFC 9602)
        "fec0::/10",  # site-local, deprecated (RFC 3879) but still routed inside some networks
    )
)


# Every spelling of an IP literal uses only these (a zone id after "%" may use any);
# anything else is a host name, left to the resolver's judgement.
_MAYBE_LITERAL = re.compile(r"[0-9a-fA-FxX.:]+(?:%.*)?")


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal in any spelling, else None.

    Accepts the forms browsers and getaddrinfo accept: dotted quad, a bare 32-bit
    decimal (``2130706433``), octal and hex parts (``0177.0.0.1``, ``0x7f.1``), one
    trailing dot (``127.0.0.1.``, which browsers read as the address), and bracketed IPv6.
    """
    text = host.strip("[]")
    if not _MAYBE_LITERAL.fullmatch(text):
        return None  # a host name: the common case, answered without raising anything
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    try:
        # inet_aton implements the classic BSD parser: 1-4 parts, decimal/octal/hex.
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, ValueError):
        return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address, where the packets end up
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """True when the address is a public, unicast, routable one."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
        if address.scope_id is not None:
            return False  # a zone index only means something on a local link
    if any(address in network for network in NOT_PUBLIC):
        return False
    return address.is_global and not address.is_multicast


def allowed(address: str, allow_private: bool) -> bool:
    """May we connect to this textual address (as a resolver returns it)?"""
    if allow_private:
        return True
    parsed = parse_ip_literal(address.split("%", 1)[0])  # drop an IPv6 zone id
    return parsed is not None and is_public(parsed)


class AddressRefused(Exception):
    """A request was stopped because its host is an inward IP literal."""

    def __init__(self, address: str) -> None:
        super().__init__(f"refused to connect to non-public address {address}")
        self.address = address
