"""`crawler.net.resolver.GuardedResolver`'s cache of system answers.

There is no DNS here, so the system resolver under it is a stand-in that answers at once and
counts what it was asked; the guard and the cache in front of it are the real ones.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IHostnameResolver
from zope.interface import implementer

from crawler.net import resolver
from crawler.net.resolver import GuardedResolver

PUBLIC = "93.184.215.14"


@implementer(IHostnameResolver)
class SystemStandIn:
    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.lookups: Counter[str] = Counter()

    def resolveHostName(
        self, receiver: Any, hostName: str, portNumber: int = 0, addressTypes: Any = None,
        transportSemantics: str = "TCP",
    ) -> None:
        self.lookups[hostName] += 1
        receiver.resolutionBegan(None)
        receiver.addressResolved(IPv4Address("TCP", self.answers.get(hostName, PUBLIC), portNumber))
        receiver.resolutionComplete()


class Addresses:
    def __init__(self) -> None:
        self.found: list[tuple[str, int]] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.found.append((address.host, address.port))

    def resolutionComplete(self) -> None:
        self.complete = True


def resolve(guarded: GuardedResolver, name: str, port: int) -> list[tuple[str, int]]:
    receiver = Addresses()
    guarded.resolveHostName(receiver, name, port)
    assert receiver.complete
    return receiver.found


def test_the_cache_keeps_the_newest_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolver, "_CACHE_LIMIT", 3)
    system = SystemStandIn({})
    guarded = GuardedResolver(SimpleNamespace(nameResolver=system))
    for name in ["a.example", "b.example", "c.example", "d.example", "c.example", "a.example"]:
        # Each answer carries the port this connection asked for, cached or not.
        assert resolve(guarded, name, 8443) == [(PUBLIC, 8443)], name
    # d pushed out the oldest name (a) only: c was still cached; a was asked again.
    assert system.lookups == {"a.example": 2, "b.example": 1, "c.example": 1, "d.example": 1}


def test_a_cached_inward_answer_is_refused_every_time() -> None:
    system = SystemStandIn({"inward.example": "10.0.0.7"})
    guarded = GuardedResolver(SimpleNamespace(nameResolver=system))
    assert resolve(guarded, "inward.example", 80) == []
    assert resolve(guarded, "inward.example", 80) == []
    assert system.lookups == {"inward.example": 1}


def test_a_name_in_unicode_and_in_punycode_is_one_name() -> None:
    # crawler.net.connect asks with the punycode form, Twisted's HostnameEndpoint (hosts with
    # several addresses) with the Unicode one: the second must come from the cache.
    system = SystemStandIn({})
    guarded = GuardedResolver(SimpleNamespace(nameResolver=system))
    assert resolve(guarded, "xn--bcher-kva.example", 443) == [(PUBLIC, 443)]
    assert resolve(guarded, "Bücher.example", 443) == [(PUBLIC, 443)]
    assert system.lookups == {"xn--bcher-kva.example": 1}


def test_an_override_given_in_unicode_answers_the_punycode_name() -> None:
    guarded = GuardedResolver(
        SimpleNamespace(nameResolver=SystemStandIn({})), overrides=["bücher.example:443:127.0.0.1"]
    )
    assert resolve(guarded, "xn--bcher-kva.example", 443) == [("127.0.0.1", 443)]
    assert resolve(guarded, "bücher.example", 443) == [("127.0.0.1", 443)]
