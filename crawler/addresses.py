"""Which network addresses the crawler may connect to (the SSRF guard's policy).

A directory takes URLs from strangers, and CI runs the crawler next to secrets: by
default nothing inward is reachable. The rule is applied to addresses, never to host
names, so every spelling (decimal, octal, IPv4-mapped IPv6) is judged after parsing.
"""

from __future__ import annotations

import ipaddress
import socket


def parse_ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a URL host denotes if it is an IP literal in any spelling, else None.

    Accepts the forms browsers and getaddrinfo accept: dotted quad, a bare 32-bit
    decimal (``2130706433``), octal and hex parts (``0177.0.0.1``, ``0x7f.1``), and
    bracketed IPv6.
    """
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:
        # inet_aton implements the classic BSD parser: 1-4 parts, decimal/octal/hex.
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except (OSError, ValueError):
        return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when the address is a public, unicast, routable one."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
        if address.teredo is not None:
            return is_public(address.teredo[1])
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
