"""A simulated web on loopback that plays named scenarios, for the tests and for `crawler demo`.

Run ``python -m crawler.demo.web [--state-dir DIR]``. The server listens on 127.0.0.1 only, on a
fresh port per listener, writes a throwaway CA to ``DIR/ca.pem``, then prints exactly ONE line
of JSON to stdout and serves until its stdin is closed or it receives SIGTERM (it also stops on
SIGINT). Diagnostics go to stderr, so stdout always parses. What callers may rely on:

* Top-level keys: one port per listener (``http``, ``https``, ``https_expired``,
  ``https_self_signed``, ``https_wrong_name``, ``https_bad_handshake``, ``https_incomplete``,
  ``https_bad_aia``, ``closed``), ``ca`` (path of the CA's PEM, for ``SSL_CERT_FILE``),
  ``expired_on`` (``YYYY-MM-DD``, the notAfter of the expired certificate), ``requests_log``,
  ``hosts``, ``services`` and ``rdap_bootstrap``.
* ``services`` maps the web's own services to ``host`` (ASCII) and ``ports``: ``rdap`` (an RDAP
  server, RFC 9083, for the registered domains of the scenarios: ``https://HOST:PORT/rdap/``)
  and ``ca_issuers`` (the caIssuers URLs of the certificates served without their issuer).
  ``rdap_bootstrap`` is the path of an RDAP bootstrap file (RFC 9224) that sends the scenarios'
  top-level domains to that RDAP server.
* ``hosts`` maps each scenario's host name, as a directory would list it (Unicode for IDN), to
  ``url`` (the starting URL), ``scheme``, ``ascii_host`` (what DNS and the Host header carry),
  ``ports`` (every port that serves the name: point ``--resolve`` at them; empty when nothing
  does), ``expect`` ([status, reason] our crawler should reach) and, where the scenario is
  about them, ``title``, ``content_updated``, ``expired_on``, ``name`` (the organisation a
  directory would list there), ``identity`` (the identity our crawler should reach, given that
  name) and ``warnings``.
* Every HTTP(S) listener routes by Host header, then path; unknown paths on a live site get 404.
* Every request is recorded (listener, method, host, path, ``agent`` (its User-Agent),
  ``cookie``, the ``time`` it arrived, ``peer`` and, once answered or abandoned, ``finished``;
  times ISO-8601 UTC to the millisecond). ``GET /__requests__`` on host
  ``127.0.0.1`` returns the list as JSON, ``/__reset__`` empties it, ``/__next_edition__``
  changes the title of ``retitled.org``; none of them is recorded.
  ``DIR/requests.log`` gets one JSON line per request, flushed as it happens.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import socket
import struct
import sys
import tempfile
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any, Literal, get_args

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from twisted.internet import interfaces, protocol
from twisted.internet.error import ReactorNotRunning
from twisted.internet.ssl import CertificateOptions, PrivateCertificate
from twisted.logger import (
    FilteringLogObserver,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)
from twisted.web import server
from twisted.web.resource import Resource
from zope.interface import implementer

from crawler.demo import pages
from crawler.verdict.domains import registered_domain
from crawler.verdict.outcome import Status

Listener = Literal[
    "http",
    "https",
    "https_expired",
    "https_self_signed",
    "https_wrong_name",
    "https_bad_handshake",
    "https_incomplete",
    "https_bad_aia",
    "closed",
]
LISTENERS: tuple[Listener, ...] = get_args(Listener)
Ports = Mapping[str, int]

# Dates are relative to the day the server starts, so "fresh" stays fresh and "three years
# old" stays stale whenever the suite runs.
TODAY = datetime.now(UTC).date()
EXPIRED_ON = TODAY - timedelta(days=30)
STALE_DAY = TODAY - timedelta(days=3 * 365 + 5)
WRONG_NAME = "other-name.example"
RDAP_HOST = "rdap.simweb.test"  # the simulated registries' RDAP server (https)
CA_ISSUERS_HOST = "ca-issuers.simweb.test"  # caIssuers URLs of the short chains (http)
SERVICE_HOSTS = (RDAP_HOST, CA_ISSUERS_HOST)
HUGE_SIZE = 60 * 1024 * 1024  # bytes in huge.org's body
BOMB_SIZE = 1 << 30  # bytes gzip-bomb.org's body inflates to


def the_reactor() -> Any:
    """Twisted's global reactor, imported only once the server runs.

    Importing this module must not install a reactor: a process that reads `SCENARIOS` may
    go on to run Scrapy, which installs its own.
    """
    from twisted.internet import reactor

    return reactor


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def noon(day: date) -> datetime:
    """Midday UTC, far from midnight, so a parser's time-zone slip cannot change the date."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def fill(text: str, ports: Ports) -> str:
    """Put the real ports into a body or header that names them."""
    return text.replace("{http_port}", str(ports["http"])).replace(
        "{https_port}", str(ports["https"])
    )


# --- Answers: what one path of one site does ----------------------------------------------


class Answer:
    """How the server answers one request; subclasses are small frozen dataclasses."""

    def serve(self, request: server.Request, ports: Ports) -> bytes | int:
        """Set status and headers; return the body, or NOT_DONE_YET and finish it later."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Page(Answer):
    """A canned response. A `str` body is encoded with `encoding` after the ports are filled."""

    body: str | bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    encoding: str = "utf-8"
    headers: tuple[tuple[str, str], ...] = ()

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        request.setResponseCode(self.status)
        request.setHeader("Content-Type", self.content_type)
        for name, value in self.headers:
            request.setHeader(name, fill(value, ports))
        if isinstance(self.body, bytes):
            return self.body
        return fill(self.body, ports).encode(self.encoding)


class Edition:
    """A counter the tests advance between crawls (``GET /__next_edition__``), so a site
    can change its title from one run to the next."""

    number = 1


@dataclass(frozen=True, slots=True)
class Retitled(Answer):
    """A live page whose title names the current edition."""

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        return f"<!DOCTYPE html><title>Edition {Edition.number}</title><p>Our news.</p>".encode()


class Takeover:
    """Whether the domains of `TAKEOVER_HOSTS` have changed hands (``GET /__takeover__``)."""

    happened = False


@dataclass(frozen=True, slots=True)
class Toggle(Answer):
    """`before` until the takeover, `after` from then on."""

    before: Answer
    after: Answer

    def serve(self, request: server.Request, ports: Ports) -> bytes | int:
        return (self.after if Takeover.happened else self.before).serve(request, ports)


@dataclass(frozen=True, slots=True)
class CookieWall(Answer):
    """`page` only to a client that sends back the cookie; others get it set and are sent
    back to the same URL (as bot-management layers do)."""

    page: Answer
    cookie: str = "visit_token"

    def serve(self, request: server.Request, ports: Ports) -> bytes | int:
        if request.getCookie(self.cookie.encode()) == b"ok":
            return self.page.serve(request, ports)
        request.setResponseCode(302)
        request.addCookie(self.cookie, "ok", path="/", httpOnly=True)
        request.setHeader("Location", request.uri.decode("latin-1"))
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        return b"<p>One moment...</p>"


@dataclass(frozen=True, slots=True)
class CutShort(Answer):
    """200 announcing `announced` bytes, then `head` and a closed connection."""

    head: str
    announced: int

    def serve(self, request: server.Request, ports: Ports) -> int:
        request.setResponseCode(200)
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        request.setHeader("Content-Length", str(self.announced))
        request.write(self.head.encode())
        request.channel.loseConnection()  # after the write is flushed: the body stops short
        return server.NOT_DONE_YET


@dataclass(frozen=True, slots=True)
class Rdap(Answer):
    """An RDAP server (RFC 9083) for the scenarios' registered domains: ``/rdap/domain/NAME``."""

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        name = request.path.decode("latin-1").rsplit("/", 1)[-1].lower()
        request.setHeader("Content-Type", "application/rdap+json")
        record = rdap_record(name)
        if record is None:
            request.setResponseCode(404)
            return json.dumps({"errorCode": 404, "title": "Not Found", "rdapConformance": ["rdap_level_0"]}).encode()
        registered, expires = record
        return json.dumps({
            "objectClassName": "domain", "ldhName": name, "rdapConformance": ["rdap_level_0"],
            "status": ["active"],
            "events": [
                {"eventAction": "registration", "eventDate": f"{registered.isoformat()}T09:30:00Z"},
                {"eventAction": "expiration", "eventDate": f"{expires.isoformat()}T09:30:00Z"},
                {"eventAction": "last update of RDAP database", "eventDate": f"{TODAY.isoformat()}T00:00:00Z"},
            ],
        }).encode()


@dataclass(frozen=True, slots=True)
class Redirect(Answer):
    """A 3xx. A location starting with "/" stays on the requested scheme, host and port."""

    location: str
    status: int = 301

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        location = fill(self.location, ports)
        if location.startswith("/"):
            # Absolute, as Apache and nginx send it; the Host header already carries the port.
            scheme = "https" if request.isSecure() else "http"
            host = (request.getHeader("host") or "").strip()
            location = f"{scheme}://{host}{location}"
        request.setResponseCode(self.status)
        request.setHeader("Location", location)
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        return pages.redirect_note(location).encode()


@dataclass(frozen=True, slots=True)
class Hang(Answer):
    """Read the request, then never answer: only the client's timeout ends it."""

    def serve(self, request: server.Request, ports: Ports) -> int:
        # The channel keeps the request alive; we only swallow the disconnect notice.
        request.notifyFinish().addErrback(lambda _failure: None)
        return server.NOT_DONE_YET


@dataclass(frozen=True, slots=True)
class Slow(Answer):
    """`answer`, given `delay` seconds after the request arrived (unless the client left)."""

    answer: Answer
    delay: float = 0.3

    def serve(self, request: server.Request, ports: Ports) -> int:
        gone: list[object] = []
        request.notifyFinish().addErrback(gone.append)

        def answer() -> None:
            if gone:
                return
            body = self.answer.serve(request, ports)
            if body is not server.NOT_DONE_YET:
                assert isinstance(body, bytes)
                request.write(body)
                request.finish()

        the_reactor().callLater(self.delay, answer)
        return server.NOT_DONE_YET


@dataclass(frozen=True, slots=True)
class Trickle(Answer):
    """Send 200 and headers at once, then one body byte per `interval` seconds, forever."""

    body: str
    interval: float = 1.0

    def serve(self, request: server.Request, ports: Ports) -> bytes | int:
        request.setResponseCode(200)
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        if request.method == b"HEAD":
            return b""  # headers are all a HEAD gets; no need to drip nothing forever
        Dripper(request, itertools.cycle(self.body.encode()), self.interval).drip()
        return server.NOT_DONE_YET


class Dripper:
    """Writes one byte per tick with `callLater` until the client goes away."""

    def __init__(self, request: server.Request, data: itertools.cycle[int], interval: float):
        self.request, self.data, self.interval = request, data, interval
        self.call: interfaces.IDelayedCall | None = None
        request.notifyFinish().addBoth(self.stop)

    def drip(self) -> None:
        self.request.write(bytes([next(self.data)]))
        self.call = the_reactor().callLater(self.interval, self.drip)

    def stop(self, _result: object) -> None:
        if self.call is not None and self.call.active():
            self.call.cancel()


@dataclass(frozen=True, slots=True)
class Huge(Answer):
    """A `size`-byte HTML page with its title near the top, streamed in 64 KiB pieces."""

    size: int

    def serve(self, request: server.Request, ports: Ports) -> bytes | int:
        request.setResponseCode(200)
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        request.setHeader("Content-Length", str(self.size))
        if request.method == b"HEAD":
            return b""  # the headers say how big it would be
        head, tail = pages.HUGE_HEAD.encode(), pages.HUGE_TAIL.encode()
        request.write(head)
        # A pull producer: Twisted asks for the next piece only when the socket drained,
        # so the 60 MB never sit in memory.
        request.registerProducer(FillerProducer(request, self.size - len(head), tail), False)
        return server.NOT_DONE_YET


FILLER = (pages.HUGE_FILLER_LINE * (65536 // len(pages.HUGE_FILLER_LINE) + 1)).encode()[:65536]


@implementer(interfaces.IPullProducer)
class FillerProducer:
    """Writes filler until `remaining` bytes (tail included) are sent, then finishes."""

    def __init__(self, request: server.Request, remaining: int, tail: bytes):
        self.request, self.filler_left, self.tail = request, remaining - len(tail), tail
        self.stopped = False

    def resumeProducing(self) -> None:
        if self.stopped:
            return
        if self.filler_left > 0:
            piece = FILLER[: min(len(FILLER), self.filler_left)]
            self.filler_left -= len(piece)
            self.request.write(piece)
            return
        self.stopped = True
        self.request.write(self.tail)
        self.request.unregisterProducer()
        self.request.finish()

    def stopProducing(self) -> None:
        self.stopped = True  # the client went away


@dataclass(frozen=True, slots=True)
class GzipBomb(Answer):
    """About 1 MB of gzip that inflates to 1 GiB of zeros, sent with Content-Encoding: gzip."""

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        request.setResponseCode(200)
        request.setHeader("Content-Type", "text/html; charset=utf-8")
        request.setHeader("Content-Encoding", "gzip")
        return gzip_bomb()


@functools.cache
def gzip_bomb() -> bytes:
    """Build the bomb once, in about 0.3 s instead of deflating a real gigabyte (3 s).

    A full flush empties the compressor's history, so every mebibyte of zeros after one
    compresses to the same bytes: deflate one, repeat it, and write the gzip frame by hand.
    """
    mebibyte = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: we frame it ourselves
    piece = deflate.compress(mebibyte) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(BOMB_SIZE >> 20):
        crc = zlib.crc32(mebibyte, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no name, no mtime
    trailer = struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF)
    return header + piece * (BOMB_SIZE >> 20) + deflate.flush(zlib.Z_FINISH) + trailer


@dataclass(frozen=True, slots=True)
class HeaderFlood(Answer):
    """A status line, then header lines without end, as fast as the client reads them: 4 KiB
    lines, or (`folded`) one header continued by 4 KiB continuation lines."""

    folded: bool = False

    def serve(self, request: server.Request, ports: Ports) -> int:
        # Written to the connection directly: Twisted's own status line and headers never go.
        request.notifyFinish().addErrback(lambda _failure: None)
        transport = request.channel.transport
        transport.write(b"HTTP/1.1 200 OK\r\n" + (b"X-Folded: start\r\n" if self.folded else b""))
        # A pull producer: a piece is written only when the socket drained, so the flood
        # costs the server nothing while the client is not reading.
        request.registerProducer(FloodProducer(transport, self.folded), False)
        return server.NOT_DONE_YET


@implementer(interfaces.IPullProducer)
class FloodProducer:
    """Writes 16 header lines of 4 KiB per call until the client goes away."""

    def __init__(self, transport: Any, folded: bool) -> None:
        self.transport, self.folded, self.count = transport, folded, 0
        self.stopped = False

    def resumeProducing(self) -> None:
        if self.stopped:
            return
        lines = []
        for _ in range(16):
            self.count += 1
            name = b" " if self.folded else b"X-Flood-%d: " % self.count
            lines.append(name + b"f" * 4000 + b"\r\n")
        self.transport.write(b"".join(lines))

    def stopProducing(self) -> None:
        self.stopped = True  # the client went away


NOT_FOUND = Page(pages.NOT_FOUND, status=404)

# --- Sites and scenarios --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Site:
    """What one host serves: `pages` by exact path, `other` for every other path."""

    pages: Mapping[str, Answer] = field(default_factory=dict)
    other: Answer = NOT_FOUND
    https_only: bool = False  # plain-HTTP requests are 301'd to the same path on https


@dataclass(frozen=True, slots=True)
class Scenario:
    """One host name, what it does, and the verdict our crawler should reach for it.

    To add a behaviour, add one `Scenario` to `SCENARIOS` on a host name of its own; the
    certificate, the routing and the JSON line pick it up.
    """

    host: str  # as a directory would list it; Unicode for IDN
    site: Site | None  # None: nothing answers for this name (it must not be resolved)
    expect: tuple[Status, str]
    listener: Listener = "http"  # where its starting URL points
    title: str | None = None  # the title a browser tab would show
    content_updated: date | None = None  # newest date the site gives for its content
    expired_on: date | None = None  # for the expired certificate
    name: str | None = None  # the organisation a directory would list at this address
    identity: str | None = None  # the identity our crawler should reach, listed under `name`
    warnings: tuple[str, ...] = ()  # the warnings our crawler should give

    @property
    def ascii_host(self) -> str:
        # Python's codec is IDNA 2003; for the names used here it agrees with IDNA 2008.
        return self.host.encode("idna").decode("ascii")


def home(page: Answer) -> Site:
    """A site with one page at "/" and 404 elsewhere."""
    return Site(pages={"/": page})


def everywhere(answer: Answer) -> Site:
    """A site that answers every path the same way (blocked, broken, parked, hanging...)."""
    return Site(other=answer)


def live(title_html: str, lead: str = "News, events and how to join.") -> Page:
    """An ordinary 200 home page titled `title_html` (HTML: entities allowed)."""
    return Page(pages.live_home(title_html, lead))


def refusal(body: str, status: int, *headers: tuple[str, str]) -> Page:
    """An error or refusal page with its status and extra headers."""
    return Page(body, status, headers=headers)


def encoded(body: str, encoding: str, *, in_header: bool) -> Page:
    """A page encoded with `encoding`, which only the header or only the page declares."""
    content_type = f"text/html; charset={encoding}" if in_header else "text/html"
    return Page(body, content_type=content_type, encoding=encoding)


def dated(body: str, modified: date) -> Page:
    """A page dated by its Last-Modified header."""
    return Page(body, headers=(("Last-Modified", format_datetime(noon(modified), usegmt=True)),))


OK = (Status.OK, "ok")
PARKED = (Status.PARKED, "parked")
MOVED = (Status.MOVED, "redirect")
TLS = (Status.DEAD, "tls")
LONG_TITLE = ("A very long title " * 300)[:4999] + "."  # 5,000 characters, no edge spaces
CF_HEADERS = (("Server", "cloudflare"), ("cf-mitigated", "challenge"), ("CF-RAY", "8a1b2c3d-AMS"))
SITEMAP = [("/", days_ago(40)), ("/news/", days_ago(3)), ("/about/", days_ago(200))]
FEED = [("Rent strike", days_ago(30)), ("AGM", days_ago(7)), ("Hello", days_ago(90))]
STALE_POSTS = [STALE_DAY, STALE_DAY - timedelta(days=60)]

SCENARIOS: tuple[Scenario, ...] = (
    # --- live sites and redirects within a registered domain
    # The baseline: 200, an entity in the title.
    Scenario("ok-site.org", home(live("Alive &amp; Well")), OK, title="Alive & Well",
             name="Alive and Well", identity="confirmed"),
    # A www host under a two-level public suffix.
    Scenario("www.ok-site.co.uk", home(live("OK Site UK")), OK, title="OK Site UK"),
    # Its title names the server's edition, which the tests advance between two crawls.
    Scenario("retitled.org", home(Retitled()), OK, title="Edition 1"),
    # 301 within the host: the listed URL should be updated.
    Scenario("perm-redirect.org", Site({"/": Redirect("/new-home/"), "/new-home/": live("Home")}),
             (Status.REDIRECTED, "http-301")),
    # 308 is as permanent as 301.
    Scenario("perm308.org", Site({"/": Redirect("/home/", 308), "/home/": live("Perm 308")}),
             (Status.REDIRECTED, "http-308")),
    # 302 is temporary: it suggests no new URL.
    Scenario("temp-redirect.org", Site({"/": Redirect("/welcome/", 302), "/welcome/": live("Hi")}),
             OK),
    # Plain http answers 301 to the same URL on https.
    Scenario("upgrade.org", Site({"/": live("Upgrade")}, https_only=True),
             (Status.REDIRECTED, "https-upgrade")),
    # The bare name 301s to the www name.
    Scenario("www-change.org", everywhere(Redirect("http://www.www-change.org:{http_port}/")),
             (Status.REDIRECTED, "http-301")),
    # Where www-change.org leads.
    Scenario("www.www-change.org", home(live("WWW Change")), OK),
    # Three 301s, ending on another host of the same registered domain.
    Scenario("chain.org", Site({"/": Redirect("/step-1/"), "/step-1/": Redirect("/step-2/"),
                                "/step-2/": Redirect("http://www.chain.org:{http_port}/")}),
             (Status.REDIRECTED, "http-301")),
    # Where chain.org's chain ends.
    Scenario("www.chain.org", home(live("Chain Final")), OK),
    # / -> /a -> /b -> /a -> ...
    Scenario("loop.org", Site({"/": Redirect("/a"), "/a": Redirect("/b"), "/b": Redirect("/a")}),
             (Status.DEAD, "redirect-loop")),
    # 301s from /colon, /quotes, /hash and /colon-space to URLs a careless YAML edit would
    # break (`crawler fix`): ending in ":", with quotes, with a fragment, with ": ".
    Scenario("hostile-redirects.org", Site({
        "/": live("Hostile Redirects"),
        "/colon": Redirect("/a:"), "/a:": live("Colon"),
        "/quotes": Redirect("/it's\"q\""), "/it's%22q%22": live("Quotes"),
        "/hash": Redirect("/page#top"), "/page": live("Fragment"),
        "/colon-space": Redirect("/colon: space"), "/colon:%20space": live("Colon Space"),
    }), OK),
    # --- moved to another registered domain
    # Every path 301s to another domain.
    Scenario("moved-away.org", everywhere(Redirect("http://new-owner.net:{http_port}/")), MOVED),
    # A 200 page whose meta refresh sends readers to another domain.
    Scenario("meta-moved.org", home(Page(pages.META_REFRESH_MOVED)),
             (Status.MOVED, "meta-refresh")),
    # The same page in UTF-16 (with its byte-order mark, declared in the header), and in
    # EBCDIC (cp500, declared in the header): "refresh" is not in their bytes as ASCII.
    Scenario("meta-moved-utf16.org", home(encoded(pages.META_REFRESH_MOVED, "utf-16", in_header=True)),
             (Status.MOVED, "meta-refresh")),
    Scenario("meta-moved-ebcdic.org", home(encoded(pages.META_REFRESH_MOVED, "cp500", in_header=True)),
             (Status.MOVED, "meta-refresh")),
    # Where moved-away.org and meta-moved.org lead.
    Scenario("new-owner.net", home(live("New Owner")), OK, title="New Owner"),
    # Same-looking names, but different registered domains under .org.uk.
    Scenario("uk-pair.org.uk", everywhere(Redirect("http://other-pair.org.uk:{http_port}/")),
             MOVED),
    # Where uk-pair.org.uk leads.
    Scenario("other-pair.org.uk", home(live("Other Pair")), OK),
    # IDN: the Host header carries punycode; the title is not ASCII.
    Scenario("bücher-beispiel.de", home(Page(pages.IDN_HOME)), OK,
             title="Bücherstube am Markt — Startseite"),
    # --- answered, but refused us
    # 403 on every path.
    Scenario("forbidden.org", everywhere(refusal(pages.FORBIDDEN, 403)),
             (Status.BLOCKED, "http-403")),
    # A members-only site asking for credentials.
    Scenario("auth.org", everywhere(refusal(pages.UNAUTHORIZED, 401,
                                            ("WWW-Authenticate", 'Basic realm="Members"'))),
             (Status.BLOCKED, "http-401")),
    # Rate-limited on every request, however politely retried.
    Scenario("ratelimited.org", everywhere(refusal(pages.TOO_MANY, 429, ("Retry-After", "1"))),
             (Status.BLOCKED, "http-429")),
    # Cloudflare's interstitial: a 503 that is not a server error.
    Scenario("challenge-cf.org", everywhere(refusal(pages.CHALLENGE_CF, 503, *CF_HEADERS)),
             (Status.BLOCKED, "challenge")),
    # Another vendor's bot check, sent as a 403.
    Scenario("challenge-403.org",
             everywhere(refusal(pages.CHALLENGE_JS_COOKIES, 403, ("Server", "ddos-guard"))),
             (Status.BLOCKED, "challenge")),
    # --- server errors
    # 500 on every path.
    Scenario("broken.org", everywhere(refusal(pages.SERVER_ERROR, 500)),
             (Status.SERVER_ERROR, "http-500")),
    # A plain 503, no challenge in it.
    Scenario("unavailable.org", everywhere(refusal(pages.UNAVAILABLE, 503)),
             (Status.SERVER_ERROR, "http-503")),
    # --- dead
    # 404 on every path, the home page included.
    Scenario("gone-404.org", everywhere(NOT_FOUND), (Status.DEAD, "http-404")),
    # 410: removed on purpose.
    Scenario("gone-410.org", everywhere(refusal(pages.GONE, 410)), (Status.DEAD, "http-410")),
    # "Page not found" with status 200, on every path including the home page.
    Scenario("soft404.org", everywhere(Page(pages.SOFT_404)), (Status.DEAD, "soft-404"),
             title="Page not found"),
    # A live home page served for every path: a catch-all alone is not a soft 404.
    Scenario("soft404-home.org", everywhere(Page(pages.CATCH_ALL_HOME)), OK),
    # --- parked (each serves its lander on every path, as parking services do)
    # A broker's "for sale" lander with a price.
    Scenario("forsale-lander.com", everywhere(Page(pages.PARKED_FOR_SALE)), PARKED),
    # A registrar's "coming soon" holding page.
    Scenario("registrar-hold.net", everywhere(Page(pages.PARKED_REGISTRAR)), PARKED),
    # A registrar's "this domain has expired, renew now" page.
    Scenario("expired-domain.com", everywhere(Page(pages.PARKED_EXPIRED)), PARKED),
    # A JavaScript bounce to a sponsored-links lander at /lander.
    Scenario("sponsored-links.net", Site({"/lander": Page(pages.PARKED_LANDER)},
                                         other=Page(pages.PARKED_JS_REDIRECT)), PARKED),
    # --- slow but fine
    # Its home page takes half a second: the request log shows the requests in flight to it.
    Scenario("slow.org", home(Slow(live("Slow but Sure"), 0.5)), OK, title="Slow but Sure"),
    # --- nothing usable answers
    # Accepts the request, never answers.
    Scenario("hang.org", everywhere(Hang()), (Status.DEAD, "timeout")),
    # Headers at once, then a byte a second forever.
    Scenario("trickle.org", everywhere(Trickle(pages.TRICKLE_BODY)), (Status.DEAD, "timeout")),
    # Its URL points at a port where nothing listens.
    Scenario("refused.org", home(live("Refused")), (Status.DEAD, "refused"), listener="closed"),
    # Served nowhere and never resolved (.invalid is reserved never to exist).
    Scenario("no-such-host.invalid", None, (Status.DEAD, "dns")),
    # --- TLS failures (each answers 200 on the plain and the good https listener)
    # A certificate from our CA whose notAfter is past.
    Scenario("expired-cert.org", home(live("Expired Cert")), TLS, listener="https_expired",
             expired_on=EXPIRED_ON),
    # A self-signed leaf certificate, in no CA bundle.
    Scenario("self-signed.org", home(live("Self Signed")), TLS, listener="https_self_signed"),
    # A certificate from our CA, but for another name.
    Scenario("wrong-name.org", home(live("Wrong Name")), TLS, listener="https_wrong_name"),
    # The port answers a ClientHello with plain text.
    Scenario("bad-handshake.org", home(live("Bad Handshake")), TLS, listener="https_bad_handshake"),
    # --- titles and encodings (all live)
    # windows-1251, declared only in the Content-Type header.
    Scenario("novosti-partii.ru", home(encoded(pages.CYRILLIC, "windows-1251", in_header=True)),
             OK, title="Новости партии — Главная", name="Новости Партии", identity="confirmed"),
    # Shift_JIS, declared only by <meta charset>.
    Scenario("shimin-no-kai.jp", home(encoded(pages.SHIFT_JIS, "shift_jis", in_header=False)),
             OK, title="市民の会 公式サイト", name="市民の会", identity="confirmed"),
    # GB2312, declared only by <meta http-equiv="Content-Type">.
    Scenario("renmin-luntan.cn", home(encoded(pages.GB2312, "gb2312", in_header=False)),
             OK, title="人民论坛 首页", name="人民论坛", identity="confirmed"),
    # ISO-8859-2, declared only in the Content-Type header.
    Scenario("wedkarze.pl", home(encoded(pages.POLISH, "iso-8859-2", in_header=True)),
             OK, title="Związek Wędkarzy Polskich - Strona główna", name="Zwiazek Wedkarzy Polskich",
             identity="confirmed"),
    # UTF-8 with a byte-order mark and no charset anywhere.
    Scenario("federation-ecologiste.fr", home(encoded(pages.BOM, "utf-8-sig", in_header=False)),
             OK, title="Fédération Écologiste — Accueil", name="FEDERATION ECOLOGISTE",
             identity="confirmed"),
    # Entities and runs of tabs and newlines inside <title>.
    Scenario("messy-title.org", home(Page(pages.MESSY_TITLE)), OK,
             title="Tom & Jerry\u2019s \"Café\" \u2014 Home"),
    # An SVG <title> comes before the real one.
    Scenario("svg-title.org", home(Page(pages.SVG_BEFORE_TITLE)), OK,
             title="Green Valley Co-operative"),
    # No <title>; only og:title names the page.
    Scenario("og-title-only.org", home(Page(pages.OG_TITLE_ONLY)), OK,
             title="Harbour Workers Union"),
    # A 5,000-character title.
    Scenario("long-title.org", home(Page(pages.long_title_page(LONG_TITLE))), OK, title=LONG_TITLE),
    # --- freshness (all live; content_updated is the newest date each site gives)
    # Dated only by its Last-Modified header.
    Scenario("fresh-lastmod.org", home(dated(pages.live_home("Modified", "Hi."), days_ago(9))),
             OK, content_updated=days_ago(9)),
    # robots.txt names a sitemap whose <lastmod> values date the site.
    Scenario("fresh-sitemap.org", Site({
        "/": live("Sitemap Dated"),
        "/robots.txt": Page(pages.ROBOTS_WITH_SITEMAP, content_type="text/plain"),
        "/sitemap.xml": Page(pages.sitemap_xml(SITEMAP), content_type="application/xml"),
    }), OK, content_updated=days_ago(3)),
    # The head links an RSS feed; its newest pubDate dates the site.
    Scenario("fresh-feed.org", Site({
        "/": Page(pages.page_with_feed_link()),
        "/feed.xml": Page(pages.rss_feed([(t, noon(d)) for t, d in FEED]),
                          content_type="application/rss+xml; charset=utf-8"),
    }), OK, content_updated=days_ago(7)),
    # --- one entry's time budget (3 x the timeout; the tests crawl with --timeout 2)
    # Five redirects of 1.8 s each: every hop answers within the timeout, but the check's
    # budget (6 s) runs out during the fourth; the fifth is never asked for.
    Scenario("slow-hops.org", Site({
        "/": Slow(Redirect("/1/"), 1.8), "/1/": Slow(Redirect("/2/"), 1.8),
        "/2/": Slow(Redirect("/3/"), 1.8), "/3/": Slow(Redirect("/4/"), 1.8),
        "/4/": Slow(live("Slow Hops"), 1.8),
    }), (Status.DEAD, "timeout")),
    # A temporary redirect of 1.5 s, a page with a feed that never answers (asked after its
    # robots.txt and the 1 s pause between extra requests to one host; the feed's own 2 s
    # timeout), then a sitemap that never answers either, asked 1 s after the feed: only the
    # last half second of the budget is left for it, and the report says the budget cut the
    # extra requests short.
    Scenario("slow-extras.org", Site({
        "/": Slow(Redirect("/home/", 302), 1.5),
        "/home/": Page(pages.page_with_feed_link()), "/feed.xml": Hang(), "/sitemap.xml": Hang(),
    }), OK, warnings=("budget-cut",)),
    # JSON-LD dateModified (its datePublished is older).
    Scenario("fresh-jsonld.org", home(Page(pages.json_ld_page(days_ago(400), days_ago(4)))),
             OK, content_updated=days_ago(4)),
    # <time datetime> stamps on posts.
    Scenario("fresh-time.org", home(Page(pages.time_elements_page(
        "Time Stamped", [days_ago(6), days_ago(20), days_ago(50)]))),
             OK, content_updated=days_ago(6)),
    # Every date it gives is over three years old: live but inactive.
    Scenario("stale-site.org",
             home(dated(pages.time_elements_page("Stale", STALE_POSTS), STALE_DAY)),
             OK, content_updated=STALE_DAY),
    # Answers every path, but only after 1.5 s: alive, for a patient client (a decision's timeout).
    Scenario("slow-basement.org", everywhere(Slow(live("Slow but Alive"), 1.5)), OK, title="Slow but Alive"),
    # --- politeness of the extra requests (crawler.politeness)
    # Its robots.txt forbids everything: only the listed page and robots.txt may be asked for.
    Scenario("robots-forbid.org", Site({
        "/": Page(pages.page_with_feed_link()),
        "/robots.txt": Page(pages.ROBOTS_FORBID_ALL, content_type="text/plain"),
        "/feed.xml": Page(pages.rss_feed([(t, noon(d)) for t, d in FEED]),
                          content_type="application/rss+xml; charset=utf-8"),
        "/sitemap.xml": Page(pages.sitemap_xml(SITEMAP), content_type="application/xml"),
    }), OK, title="Tenants Union Newsroom"),
    # Several pages (listed as several entries) link one slow feed that gives no date, so a
    # slow sitemap is asked for too: many extra requests to one host, which must not overlap.
    Scenario("polite-extras.org", Site({
        **{path: Page(pages.page_with_feed_link()) for path in ("/", "/a", "/b", "/c")},
        "/robots.txt": Page(pages.ROBOTS_WITH_SITEMAP, content_type="text/plain"),
        "/feed.xml": Slow(Page(pages.rss_feed([]), content_type="application/rss+xml; charset=utf-8")),
        "/sitemap.xml": Slow(Page(pages.sitemap_xml(SITEMAP), content_type="application/xml")),
    }), OK, title="Tenants Union Newsroom", content_updated=days_ago(3)),
    # --- hostile
    # A 60 MB page with its title in the first kilobyte.
    Scenario("huge.org", home(Huge(HUGE_SIZE)), OK, title="Archive of Everything"),
    # About 1 MB of gzip that inflates to 1 GiB.
    Scenario("gzip-bomb.org", home(GzipBomb()), (Status.DEAD, "too-large")),
    # Header lines without end (4 KiB each), and one header continued without end: the check
    # ends with its own reason once the head passes its cap (crawler.net.head).
    Scenario("header-flood.org", home(HeaderFlood()), (Status.DEAD, "headers-too-large")),
    Scenario("header-fold.org", home(HeaderFlood(folded=True)), (Status.DEAD, "headers-too-large")),
    # --- traps for the parsers (all live: each is an ordinary site to a browser)
    # Its feed's second date element is white space to the end of the file.
    Scenario("trap-feed.org", Site({
        "/": Page(pages.page_with_feed_link()),
        "/feed.xml": Page(pages.trap_feed(noon(days_ago(5))),
                          content_type="application/rss+xml; charset=utf-8"),
    }), OK, content_updated=days_ago(5)),
    # Its sitemap's second lastmod is white space to the end of the file.
    Scenario("trap-sitemap.org", Site({
        "/": live("Trap Sitemap"),
        "/sitemap.xml": Page(pages.trap_sitemap(days_ago(6)), content_type="application/xml"),
    }), OK, content_updated=days_ago(6)),
    # A 100,000-letter attribute name, 40,000 attributes in one tag, 1,000 unclosed JSON-LD
    # scripts; dated by a <time> at the end.
    Scenario("trap-page.org", home(Page(pages.trap_page(days_ago(8)))), OK, title="Trap Page",
             content_updated=days_ago(8)),
    # A public name redirecting to loopback; a hit on /secret shows the crawler followed it.
    Scenario("inward-redirect.org",
             everywhere(Redirect("http://127.0.0.1:{http_port}/secret", 302)),
             (Status.REFUSED_BY_POLICY, "private-address")),
    # --- what a browser renders past: never dead
    # Sets a cookie and sends the browser back to the same URL; the page only with the cookie.
    Scenario("cookie-wall.org", everywhere(CookieWall(Page(pages.COOKIE_WALL_HOME))), OK,
             title="Cookie Wall Cooperative", name="Cookie Wall Cooperative", identity="confirmed"),
    # Announces 40,000 bytes, sends the top of the page, and hangs up.
    Scenario("cut-short.org", everywhere(CutShort(pages.CUT_SHORT_HEAD, 40_000)), OK,
             title="Slow Line Allotment Society", warnings=("truncated",)),
    # Sends its leaf certificate without the intermediate; the leaf's caIssuers URL serves it.
    Scenario("chain-incomplete.org", home(live("Chain Incomplete")), OK, listener="https_incomplete",
             warnings=("tls-chain-incomplete",)),
    # The same, but its caIssuers URL serves a certificate that issued nothing of it: still dead.
    Scenario("chain-bad-aia.org", home(live("Chain Bad AIA")), TLS, listener="https_bad_aia"),
    # --- hosting placeholders that answer 200 (or 403): never ok
    # cPanel sends every path of a suspended account to its suspended-page script.
    Scenario("suspended-cpanel.org", Site({"/cgi-sys/suspendedpage.cgi": Page(pages.SUSPENDED_CPANEL)},
                                          other=Redirect("/cgi-sys/suspendedpage.cgi", 302)),
             (Status.DEAD, "suspended")),
    # A host's own suspended page, at the site's address.
    Scenario("suspended-host.org", everywhere(Page(pages.SUSPENDED_HOST)), (Status.DEAD, "suspended")),
    # Ubuntu's stock Apache page.
    Scenario("apache-default.org", everywhere(Page(pages.APACHE_UBUNTU_DEFAULT)),
             (Status.DEAD, "server-default")),
    # nginx's welcome page.
    Scenario("nginx-default.org", everywhere(Page(pages.NGINX_WELCOME)), (Status.DEAD, "server-default")),
    # The RHEL family's test page, served with 403 as their welcome.conf does.
    Scenario("rhel-test.org", everywhere(refusal(pages.RHEL_TEST_PAGE, 403)),
             (Status.DEAD, "server-default")),
    # A website builder's page for a domain with no site attached.
    Scenario("builder-placeholder.org", everywhere(Page(pages.BUILDER_NOT_CONNECTED)),
             (Status.PARKED, "placeholder")),
    # A registrar's placeholder for a domain nobody built on.
    Scenario("registrar-placeholder.org", everywhere(Page(pages.REGISTRAR_FUTURE_HOME)),
             (Status.PARKED, "placeholder")),
    # A parking lander from the domain itself: only the service's words say what it is.
    Scenario("parked-words.org", everywhere(Page(pages.PARKED_OWN_WORDS)), PARKED),
    # --- script redirects
    # A page whose only job is a script sending readers to another registered domain.
    Scenario("script-moved.org", home(Page(pages.SCRIPT_MOVED)), (Status.MOVED, "script")),
    # A script-only page sending readers to a path of the same site: followed, then judged.
    Scenario("script-local.org", Site({"/": Page(pages.SCRIPT_LOCAL), "/en/index.html": live("Script Local")}),
             OK, title="Script Local"),
    # A script-only page sending readers to a path of the same site that is gone: dead, as the reader finds it.
    Scenario("script-to-gone.org", Site({"/": Page(pages.SCRIPT_LOCAL)}), (Status.DEAD, "http-404")),
    # --- look-alikes: living pages that mention the placeholders' words
    Scenario("news-mentions.org", everywhere(Page(pages.NEWS_MENTIONS)), OK,
             name="Riverside Tenants' Association", identity="confirmed"),
    Scenario("gambling-charity.org", home(Page(pages.GAMBLING_CHARITY)), OK,
             name="Betting Harm Support Network", identity="confirmed"),
    # --- identity
    # A dropped domain caught by a gambling affiliate: it answers 200, and it is not theirs.
    Scenario("taken-over.org", everywhere(Page(pages.TAKEOVER_CASINO)), OK,
             name="Eastside Food Cooperative", identity="lost"),
    # Names in other scripts, written differently on the page (case, accents, word order).
    Scenario("greek-union.gr", home(Page(pages.GREEK_HOME)), OK,
             name="Ένωση Εργαζομένων Λιμανιού", identity="confirmed"),
    Scenario("hebrew-tenants.org.il", home(Page(pages.HEBREW_HOME)), OK,
             name="איגוד הדיירים", identity="confirmed"),
    # Named on the page only by its abbreviation.
    Scenario("abbrev-party.org.uk", home(Page(pages.ABBREVIATION_HOME)), OK,
             name="Socialist Party of England and Wales", identity="confirmed"),
    # Change hands at ``/__takeover__`` (never in the shared test server): a new registration
    # date at the RDAP server, and a neutral page without a name ...
    Scenario("harbour-rowing.org", everywhere(Toggle(Page(pages.REREGISTERED_BEFORE),
                                                     Page(pages.REREGISTERED_AFTER))), OK,
             name="Harbour Rowing Club", identity="confirmed"),
    # ... or a casino.
    Scenario("casino-caught.org", everywhere(Toggle(live("Millbrook Choir"), Page(pages.TAKEOVER_CASINO))), OK,
             name="Millbrook Choir", identity="confirmed"),
)

#: The registered domains that change hands at ``/__takeover__``.
TAKEOVER_HOSTS = ("harbour-rowing.org", "casino-caught.org")
# RDAP: every scenario's registered domain was registered long ago and is paid up for most of
# a year, except these.
LONG_AGO = date(2009, 5, 14)
RDAP_EXCEPTIONS: dict[str, tuple[date, date] | None] = {
    "cookie-wall.org": (date(2012, 2, 3), TODAY + timedelta(days=12)),  # ends within 30 days
    "gone-410.org": None,  # the registry holds no such domain any more
}


def rdap_record(domain: str) -> tuple[date, date] | None:
    """(registered, expires) of a registered domain at the simulated registries; None: unknown."""
    if domain == "harbour-rowing.org" and Takeover.happened:
        return (TODAY - timedelta(days=2), TODAY + timedelta(days=363))
    if domain in RDAP_EXCEPTIONS:
        return RDAP_EXCEPTIONS[domain]
    if domain in _registered_domains():
        return (LONG_AGO, TODAY + timedelta(days=300))
    return None


@functools.cache
def _registered_domains() -> frozenset[str]:
    return frozenset(registered_domain(s.ascii_host) for s in SCENARIOS if s.site is not None)

@dataclass(frozen=True, slots=True)
class BootstrapFile(Answer):
    """The RDAP bootstrap file of this web (`rdap_bootstrap`), as IANA serves its own."""

    def serve(self, request: server.Request, ports: Ports) -> bytes:
        request.setHeader("Content-Type", "application/json")
        return json.dumps(rdap_bootstrap(ports["https"])).encode()


# What 127.0.0.1 itself serves, apart from the control paths: a page the address guard must keep
# crawls from, and the bootstrap file for ``crawler rdap-bootstrap --refresh --url``.
LOOPBACK_SITE = Site({
    "/secret": Page("<!DOCTYPE html><title>Secret</title><p>internal only</p>"),
    "/rdap/dns.json": BootstrapFile(),
})
CONTROL_HOST = "127.0.0.1"

# --- The server -----------------------------------------------------------------------------


class RequestLog:
    """Every request received, in memory (for `/__requests__`) and one JSON line each on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("a", encoding="utf-8")
        self._entries: list[dict[str, str]] = []

    def record(
        self, listener: str, method: str, host: str, path: str, cookie: str = "", peer: str = "", agent: str = ""
    ) -> dict[str, str]:
        """Log one request as it arrives; the entry, to which `finished` adds its end."""
        entry = {
            "time": _now(),
            "listener": listener,
            "method": method,
            "host": host,
            "path": path,
            "cookie": cookie,
            "peer": peer,
            "agent": agent,
        }
        self._entries.append(entry)
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()  # a test or a human tailing the log sees each request at once
        return entry

    @staticmethod
    def finished(entry: dict[str, str]) -> None:
        """The request was answered, or its client went away (only in memory, not on disk)."""
        entry["finished"] = _now()

    def entries(self) -> list[dict[str, str]]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Router(Resource):
    """The whole simulated web behind one listener: Host header, then path, then scenario."""

    isLeaf = True

    def __init__(
        self, listener: Listener, sites: Mapping[str, Site], log: RequestLog, ports: Ports
    ) -> None:
        super().__init__()
        self.listener, self.sites, self.log, self.ports = listener, sites, log, ports

    # Overriding render (not render_GET) serves every method alike; Twisted itself drops
    # the body of a HEAD answer.
    def render(self, request: server.Request) -> bytes | int:
        host = request.getRequestHostname().decode("ascii", "replace").lower().rstrip(".")
        path, uri = request.path.decode("latin-1"), request.uri.decode("latin-1")
        if host == CONTROL_HOST and path in ("/__requests__", "/__reset__", "/__next_edition__", "/__takeover__"):
            return self.control(request, path)
        cookie = (request.getHeader("cookie") or "").strip()
        client = request.getClientAddress()
        entry = self.log.record(
            self.listener, request.method.decode("latin-1"), host, uri, cookie,
            f"{getattr(client, 'host', '')}:{getattr(client, 'port', '')}",
            request.getHeader("user-agent") or "",
        )
        request.notifyFinish().addBoth(lambda _result: self.log.finished(entry))
        site = self.sites.get(host)
        if site is None:
            unknown = Page(f"no scenario for host {host!r}\n", 404, "text/plain")
            return unknown.serve(request, self.ports)
        if site.https_only and not request.isSecure():
            return Redirect(f"https://{host}:{{https_port}}{uri}").serve(request, self.ports)
        return site.pages.get(path, site.other).serve(request, self.ports)

    def control(self, request: server.Request, path: str) -> bytes:
        if path == "/__reset__":
            self.log.clear()
        if path == "/__next_edition__":
            Edition.number += 1
        if path == "/__takeover__":
            Takeover.happened = True
        request.setHeader("Content-Type", "application/json")
        return json.dumps(self.log.entries()).encode()


class NotTls(protocol.Protocol):
    """Answers a TLS ClientHello with plain text and hangs up, like HTTP on port 443."""

    def dataReceived(self, data: bytes) -> None:
        # Waiting for the ClientHello (rather than writing on connect) makes the client fail
        # in its handshake, not with a reset before it has said anything.
        self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n")
        self.transport.loseConnection()


def self_signed_pem(host: str) -> bytes:
    """Key and certificate (PEM) of a self-signed leaf for `host`, valid for a year."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)  # issuer == subject: OpenSSL reports "self-signed certificate"
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def tls_options(state_dir: Path, http_port: int) -> tuple[Path, dict[str, CertificateOptions], dict[str, bytes]]:
    """Write the CA to `state_dir/ca.pem`; return it, the TLS options of each TLS listener, and
    what the caIssuers service serves (path -> DER). `http_port` goes into the caIssuers URLs."""
    ca = trustme.CA(organization_name="crawler simweb test CA")
    ca_path = state_dir / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    served = [s.ascii_host for s in SCENARIOS if s.site is not None] + list(SERVICE_HOSTS)
    expired_at = noon(EXPIRED_ON)
    leaves = {
        "https": ca.issue_cert(*served),
        "https_expired": ca.issue_cert(
            "expired-cert.org", not_before=expired_at - timedelta(days=365), not_after=expired_at
        ),
        "https_wrong_name": ca.issue_cert(WRONG_NAME),
    }
    options = {
        name: PrivateCertificate.loadPEM(leaf.private_key_and_cert_chain_pem.bytes()).options()
        for name, leaf in leaves.items()
    }
    self_signed = PrivateCertificate.loadPEM(self_signed_pem("self-signed.org"))
    options["https_self_signed"] = self_signed.options()
    # Two servers that send their leaf without its intermediate. The first leaf's caIssuers URL
    # serves its issuer; the second's serves a CA certificate that issued nothing of its chain.
    issuers = f"http://{CA_ISSUERS_HOST}:{http_port}"
    intermediate, other = ca.create_child_ca(), trustme.CA(organization_name="unrelated CA")
    options["https_incomplete"] = PrivateCertificate.loadPEM(
        short_chain_leaf_pem(intermediate, "chain-incomplete.org", f"{issuers}/intermediate.der")
    ).options()
    options["https_bad_aia"] = PrivateCertificate.loadPEM(
        short_chain_leaf_pem(ca.create_child_ca(), "chain-bad-aia.org", f"{issuers}/unrelated.der")
    ).options()
    served_issuers = {
        "/intermediate.der": _der(intermediate.cert_pem.bytes()),
        "/unrelated.der": _der(other.cert_pem.bytes()),
    }
    return ca_path, options, served_issuers


def _der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def short_chain_leaf_pem(issuer: trustme.CA, host: str, ca_issuers: str) -> bytes:
    """Key and certificate (PEM) of a leaf for `host` issued by the intermediate CA `issuer`,
    naming `ca_issuers` in its Authority Information Access, and nothing else in the chain."""
    issuer_cert = x509.load_pem_x509_certificate(issuer.cert_pem.bytes())
    issuer_key = serialization.load_pem_private_key(issuer.private_key_pem.bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    access = x509.AccessDescription(
        AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(ca_issuers)
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityInformationAccess([access]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem + cert.public_bytes(serialization.Encoding.PEM)


def rdap_bootstrap(rdap_port: int) -> dict[str, object]:
    """An RDAP bootstrap file (RFC 9224) sending every scenario's top-level domain to our RDAP server."""
    tlds = sorted({s.ascii_host.rsplit(".", 1)[-1] for s in SCENARIOS if s.site is not None})
    return {
        "description": "RDAP bootstrap of the simulated web",
        "publication": f"{TODAY.isoformat()}T00:00:00Z",
        "services": [[tlds, [f"https://{RDAP_HOST}:{rdap_port}/rdap/"]]],
        "version": "1.0",
    }


def refused_port() -> socket.socket:
    """A socket bound to a free port but not listening: connecting to it is refused.

    Keeping it bound for the server's lifetime (instead of closing it) stops any other program
    from taking the port, so "refused" cannot turn into someone else's answer.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def describe(ports: Ports, ca_path: Path, log_path: Path, bootstrap_path: Path | None = None) -> dict[str, object]:
    """The JSON line printed at start-up (the module docstring lists what it promises)."""
    hosts: dict[str, object] = {}
    for s in SCENARIOS:
        port = ports[s.listener]
        scheme = "https" if s.listener.startswith("https") else "http"
        served = sorted({ports["http"], ports["https"], port}) if s.site is not None else []
        entry: dict[str, object] = {
            "scheme": scheme,
            "url": f"{scheme}://{s.host}:{port}/",
            "ascii_host": s.ascii_host,
            "ports": served,
            "expect": [str(s.expect[0]), s.expect[1]],
        }
        if s.title is not None:
            entry["title"] = s.title
        if s.content_updated is not None:
            entry["content_updated"] = s.content_updated.isoformat()
        if s.expired_on is not None:
            entry["expired_on"] = s.expired_on.isoformat()
        if s.name is not None:
            entry["name"] = s.name
        if s.identity is not None:
            entry["identity"] = s.identity
        if s.warnings:
            entry["warnings"] = list(s.warnings)
        hosts[s.host] = entry
    return {
        **{name: ports[name] for name in LISTENERS},
        "ca": str(ca_path),
        "expired_on": EXPIRED_ON.isoformat(),
        "requests_log": str(log_path),
        "hosts": hosts,
        "services": {
            "rdap": {"host": RDAP_HOST, "ports": [ports["https"]]},
            "ca_issuers": {"host": CA_ISSUERS_HOST, "ports": [ports["http"]]},
        },
        "rdap_bootstrap": str(bootstrap_path) if bootstrap_path else None,
    }


def stop_when_stdin_closes() -> None:
    """Stop the reactor once stdin reaches end of file (the parent closed it or died)."""

    def wait() -> None:
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass  # no usable stdin counts as closed
        the_reactor().callFromThread(stop)

    threading.Thread(target=wait, name="stdin-watch", daemon=True).start()


def stop() -> None:
    try:
        the_reactor().stop()
    except ReactorNotRunning:
        pass  # SIGTERM got there first


def main(argv: list[str] | None = None) -> int:
    """Start every listener, print the JSON line, serve until stdin closes or SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.web", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="where ca.pem and requests.log go (default: a new temporary directory)",
    )
    args = parser.parse_args(argv)
    state_dir: Path = args.state_dir or Path(tempfile.mkdtemp(prefix="simweb-"))
    state_dir.mkdir(parents=True, exist_ok=True)

    # Warnings and errors only, and on stderr: stdout carries the JSON line and nothing else.
    warnings = LogLevelFilterPredicate(LogLevel.warn)
    globalLogBeginner.beginLoggingTo(
        [FilteringLogObserver(textFileLogObserver(sys.stderr), [warnings])],
        redirectStandardIO=False,
    )
    log = RequestLog(state_dir / "requests.log")
    sites = {s.ascii_host: s.site for s in SCENARIOS if s.site is not None}
    sites[CONTROL_HOST] = LOOPBACK_SITE
    ports: dict[str, int] = {}

    def web(listener: Listener) -> server.Site:
        site = server.Site(Router(listener, sites, log, ports))
        site.displayTracebacks = False
        return site

    reactor = the_reactor()
    loopback = "127.0.0.1"
    # Plain HTTP first: the short chains' caIssuers URLs name its port.
    bound = {"http": reactor.listenTCP(0, web("http"), interface=loopback)}
    http_port = bound["http"].getHost().port
    ca_path, tls, issuers = tls_options(state_dir, http_port)
    # Both services forbid every robot in their robots.txt, as some do: the crawler's lookups
    # and certificate fetches are a service's business and must not ask it (crawler.politeness).
    no_robots = Page(pages.ROBOTS_FORBID_ALL, content_type="text/plain")
    sites[CA_ISSUERS_HOST] = Site({
        "/robots.txt": no_robots,
        **{path: Page(der, content_type="application/pkix-cert") for path, der in issuers.items()},
    })
    sites[RDAP_HOST] = Site({"/robots.txt": no_robots}, other=Rdap())
    bound |= {n: reactor.listenSSL(0, web(n), o, interface=loopback) for n, o in tls.items()}
    bound["https_bad_handshake"] = reactor.listenTCP(
        0, protocol.Factory.forProtocol(NotTls), interface=loopback
    )
    ports.update({name: port.getHost().port for name, port in bound.items()})
    closed = refused_port()
    ports["closed"] = closed.getsockname()[1]
    bootstrap_path = state_dir / "rdap-bootstrap.json"
    bootstrap_path.write_text(json.dumps(rdap_bootstrap(ports["https"]), indent=1), encoding="utf-8")

    def announce() -> None:
        sys.stdout.write(json.dumps(describe(ports, ca_path, log.path, bootstrap_path)) + "\n")
        sys.stdout.flush()
        stop_when_stdin_closes()

    # Announce from inside the running reactor: by then its SIGTERM handler is installed, so a
    # parent that signals as soon as it has read the line gets a clean stop, not a kill.
    reactor.callWhenRunning(announce)
    reactor.run()  # stops on SIGTERM and SIGINT too
    closed.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
