"""`crawler.net.connect.DirectEndpoint` on a real reactor, against a real listener on 127.0.0.1.

Each case runs in a fresh process (a Twisted reactor runs once per process): a resolver that
answers with the addresses the case names, then one connect, whose outcome is printed as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from twisted.web.client import URI, BrowserLikePolicyForHTTPS
from twisted.web.error import SchemeNotSupported

from crawler.net.connect import DirectEndpoint, DirectEndpointFactory
from tests.conftest import ROOT

# argv[1]: the addresses the resolver answers, comma-separated ("" for none);
# argv[2]: "sync" (answered at once, as overrides and the cache are) or "late" (on a later turn
# of the reactor, as a system lookup is); argv[3]: "cancel" to cancel while the lookup runs;
# argv[4]: the host name; argv[5]: "system" to keep Twisted's own resolver (getaddrinfo).
_CASE = r"""
import json, sys
from twisted.internet import reactor
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IHostnameResolver
from twisted.internet.protocol import Factory, Protocol
from zope.interface import implementer
from crawler.net.connect import DirectEndpoint

addresses = [a for a in sys.argv[1].split(",") if a]
late, cancel = sys.argv[2] == "late", sys.argv[3] == "cancel"

@implementer(IHostnameResolver)
class Resolver:
    lookups = 0
    def resolveHostName(self, receiver, hostName, portNumber=0, addressTypes=None, transportSemantics="TCP"):
        Resolver.lookups += 1
        def answer():
            receiver.resolutionBegan(None)
            for address in addresses:
                receiver.addressResolved(IPv4Address("TCP", address, portNumber))
            receiver.resolutionComplete()
        reactor.callLater(0, answer) if late else answer()

accepted = []
class Accept(Protocol):
    def connectionMade(self):
        accepted.append(self.transport.getHost().host)
listener = reactor.listenTCP(0, Factory.forProtocol(Accept), interface="127.0.0.1")
if sys.argv[5] != "system":
    reactor.installNameResolver(Resolver())
result = {}

def done(outcome):
    if "outcome" in result:
        return
    result["outcome"] = outcome
    # Let the listener's side see the connection, and a late answer arrive, before stopping.
    reactor.callLater(0, lambda: reactor.callLater(0, finish))

def finish():
    result.update(lookups=Resolver.lookups, accepted=accepted)
    print(json.dumps(result))
    reactor.stop()

endpoint = DirectEndpoint(reactor, sys.argv[4], listener.getHost().port, timeout=5)
connecting = endpoint.connect(Factory.forProtocol(Protocol))
connecting.addCallbacks(
    lambda protocol: (protocol.transport.loseConnection(), done("connected")),
    lambda failure: done(failure.type.__name__),
)
if cancel:
    connecting.cancel()
# A connect that never completes fails the case instead of hanging it.
watchdog = reactor.callLater(30, done, "no outcome")
reactor.run()
"""


def connect(
    addresses: str, answer: str = "sync", cancel: str = "", host: str = "site.example",
    resolver: str = "stand-in",
) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _CASE, addresses, answer, cancel, host, resolver],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    # A late answer to a cancelled lookup must not be logged as an error (AlreadyCalledError).
    assert "Unhandled" not in completed.stderr and "Traceback" not in completed.stderr, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("answer", ["sync", "late"])
def test_one_address_is_connected_to_after_one_lookup(answer: str) -> None:
    found = connect("127.0.0.1", answer)
    assert found == {"outcome": "connected", "lookups": 1, "accepted": ["127.0.0.1"]}


def test_several_addresses_go_through_twisteds_race() -> None:
    # 127.0.0.2 refuses (the listener is on 127.0.0.1 only); the race goes on to the next one.
    # HostnameEndpoint asks the resolver again: in a crawl the resolver's cache answers that.
    found = connect("127.0.0.2,127.0.0.1")
    assert found == {"outcome": "connected", "lookups": 2, "accepted": ["127.0.0.1"]}


def test_the_only_address_refusing_is_a_refusal() -> None:
    found = connect("127.0.0.2")
    assert found == {"outcome": "ConnectionRefusedError", "lookups": 1, "accepted": []}


@pytest.mark.parametrize("answer", ["sync", "late"])
def test_no_address_is_a_dns_lookup_error(answer: str) -> None:
    found = connect("", answer)
    assert found == {"outcome": "DNSLookupError", "lookups": 1, "accepted": []}


def test_cancelled_during_the_lookup_connects_nowhere() -> None:
    found = connect("127.0.0.1", "late", "cancel")
    assert found == {"outcome": "CancelledError", "lookups": 1, "accepted": []}


def test_a_name_getaddrinfo_would_refuse_fails_at_once() -> None:
    # A 64-letter label, with Twisted's own resolver: getaddrinfo refuses it before any query
    # (no network), in a thread whose error the resolver loses, never answering; the request
    # would wait for its timeout. DirectEndpoint refuses the name first, as HostnameEndpoint does.
    found = connect("", host="a" * 64 + ".example", resolver="system")
    assert found == {"outcome": "ValueError", "lookups": 0, "accepted": []}


def test_only_http_and_https_get_an_endpoint() -> None:
    # Choosing an endpoint connects nothing: no reactor is needed (nor installed here).
    factory = DirectEndpointFactory(object(), BrowserLikePolicyForHTTPS(), timeout=5)
    plain = factory.endpointForURI(URI.fromBytes(b"http://site.example:8080/"))
    assert isinstance(plain, DirectEndpoint) and (plain.host, plain.port) == ("site.example", 8080)
    # https: the same endpoint under TLS (Twisted's wrapper, not the bare endpoint).
    assert not isinstance(factory.endpointForURI(URI.fromBytes(b"https://site.example/")), DirectEndpoint)
    with pytest.raises(SchemeNotSupported):
        factory.endpointForURI(URI.fromBytes(b"ftp://site.example/"))
