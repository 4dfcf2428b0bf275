"""A simulated web of N hosts on loopback, for the benchmarks (not the tests' `crawler.demo.web`).

Each host behaves like one of the kinds measured in `performance-notes.md`, in these shares:
80 % answer 200 in 50-400 ms, 5 % in 1-5 s, 3 % hang until the client gives up, 3 % answer
404, 2 % answer 301 to a path on the same host, 2 % answer 500, 3 % refuse the connection
(their URL names a port that is bound but not listening) and 2 % do not resolve (names
under ``.invalid``, RFC 6761; the others live under ``.internal``). The plan -- which host
is which kind, its latencies and page size -- is a pure function of (N, seed), so the
directory generator, the scheduling limit and the verdict check all see the web the
server plays.

Pages (``--pages``): ``markup`` (the default) is what real home pages are, tag-dense HTML of
2-50 KB (median about 10 KB) in nine languages, half of them dating themselves in their
markup (`benchmarks.markup`); ``filler`` is the first benchmarks' neutral text in ``<p>``
tags, 4-92 KiB (median about 23 KiB), kept for comparison with their results. The kinds,
names and delays of the plan are the same in both.

Run ``python -m benchmarks.web --hosts N --seed S [--ports K] [--pages markup|filler]``. The server listens on
127.0.0.1 only, prints ONE line of JSON (``{"ports": [...], "closed_port": P}``) and serves
until its stdin closes or it gets SIGTERM; then it prints one more JSON line of counters.
One process serves every host by its Host header; delays are `reactor.callLater`, never sleep.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from benchmarks import markup

# The measured mix: kind -> share of hosts. Shares add up to 1.
SHARES: dict[str, float] = {
    "ok": 0.80,  # 200 after 50-400 ms
    "slow": 0.05,  # 200 after 1-5 s
    "hang": 0.03,  # reads the request, never answers
    "not-found": 0.03,  # 404 after 50-400 ms
    "redirect": 0.02,  # 301 to /home/ on the same host, which answers 200
    "error": 0.02,  # 500 after 50-400 ms
    "refuse": 0.03,  # a closed port: connection refused
    "no-dns": 0.02,  # a name under .invalid
}

FAST = (0.05, 0.40)  # seconds before a normal answer
SLOW = (1.0, 5.0)  # seconds before a slow site answers
HANG_LIMIT = 600.0  # seconds after which the server drops a hanging connection itself
MAX_HEADER = 64 * 1024  # bytes of request head accepted before giving up on a client
REDIRECT_PATH = "/home/"
# Not .test or .example: lychee skips those (RFC 2606 names) without a request. ICANN keeps
# .internal for private use, so it is never delegated: no real name can be hit by mistake.
NAME_TLD = "internal"


class Kind(StrEnum):
    OK = "ok"
    SLOW = "slow"
    HANG = "hang"
    NOT_FOUND = "not-found"
    REDIRECT = "redirect"
    ERROR = "error"
    REFUSE = "refuse"
    NO_DNS = "no-dns"


#: The verdict class each kind must get, in the benchmark's own words (see `benchmarks.verdicts`).
TRUTH: dict[Kind, str] = {
    Kind.OK: "ok",
    Kind.SLOW: "ok",
    Kind.HANG: "timeout",
    Kind.NOT_FOUND: "http-404",
    Kind.REDIRECT: "redirect",
    Kind.ERROR: "http-500",
    Kind.REFUSE: "refused",
    Kind.NO_DNS: "dns",
}


@dataclass(frozen=True, slots=True)
class Host:
    """One simulated site: its name, kind and how long it takes (seconds)."""

    index: int
    name: str
    kind: Kind
    delay: float  # before the first answer (the 301 for a redirect); 0 for hang/refuse/no-dns
    second_delay: float  # before the redirect target answers; 0 otherwise
    page_bytes: int  # size of its 200 page
    dated: bool = False  # its page dates itself in its markup (markup pages only)

    @property
    def truth(self) -> str:
        return TRUTH[self.kind]

    def busy_seconds(self, timeout: float, retries: int = 0, freshness: bool = False) -> float:
        """How long a client's slot is taken by this host, at best (no overheads).

        `retries`: further tries after a 5xx (our RETRY_TIMES; a refused connection or a
        name that does not resolve is retried at once, at no cost; a timeout is not
        retried, as `RETRY_EXCEPTIONS` in crawler/settings.py says why).
        `freshness`: one more request, for /sitemap.xml, after a page that answered 200 and
        does not date itself (our freshness check; this web answers every path like its home
        page, redirect included, and links no feed).
        """
        tries = 1 + retries
        if self.kind is Kind.HANG:
            return timeout
        if self.kind is Kind.ERROR:
            return min(timeout, self.delay) * tries
        once = min(timeout, self.delay + self.second_delay)
        if freshness and not self.dated and self.kind in (Kind.OK, Kind.SLOW, Kind.REDIRECT):
            return 2 * once
        return once

    def tries(self, timeout: float, retries: int = 0, freshness: bool = False) -> tuple[float, float | None]:
        """`busy_seconds` split into the first try (with its /sitemap.xml request) and the
        retries after it (None if there are none), for `schedule.retries_last_makespan`."""
        total = self.busy_seconds(timeout, retries, freshness)
        if retries and self.kind is Kind.ERROR:
            first = total / (1 + retries)
            return first, total - first
        return total, None

    def url(self, ports: list[int], closed_port: int) -> str:
        """The URL a directory lists for it, given where the server listens."""
        if self.kind is Kind.NO_DNS:
            return f"http://{self.name}/"  # port 80: no --resolve override covers it
        port = closed_port if self.kind is Kind.REFUSE else ports[self.index % len(ports)]
        return f"http://{self.name}:{port}/"


def _counts(n: int) -> dict[Kind, int]:
    """Exact counts per kind for n hosts (largest remainder), so every N has the same mix."""
    raw = {Kind(k): share * n for k, share in SHARES.items()}
    counts = {k: int(v) for k, v in raw.items()}
    rest = n - sum(counts.values())
    for kind in sorted(raw, key=lambda k: (counts[k] - raw[k], k.value))[:rest]:
        counts[kind] += 1
    return counts


PAGES = ("markup", "filler")
DATED_SHARE = 0.5  # of markup pages, the share that dates itself (meta, JSON-LD, <time>)


def plan(n: int, seed: int, pages: str = "markup") -> list[Host]:
    """The web of n hosts for this seed; the same arguments always give the same list.

    Kinds, names and delays do not depend on `pages`; page sizes and `dated` do (markup
    pages are drawn from a second generator, so the first one's sequence is the same).
    """
    if pages not in PAGES:
        raise ValueError(f"pages must be one of {PAGES}, not {pages!r}")
    rng = random.Random(seed)
    pages_rng = random.Random(f"pages:{seed}")
    kinds = [kind for kind, count in _counts(n).items() for _ in range(count)]
    rng.shuffle(kinds)
    hosts = []
    for i, kind in enumerate(kinds):
        delay = second = 0.0
        if kind in (Kind.OK, Kind.NOT_FOUND, Kind.ERROR, Kind.REDIRECT):
            delay = rng.uniform(*FAST)
        elif kind is Kind.SLOW:
            delay = rng.uniform(*SLOW)
        if kind is Kind.REDIRECT:
            second = rng.uniform(*FAST)
        tld = "invalid" if kind is Kind.NO_DNS else NAME_TLD
        page = int(2 ** rng.uniform(12.0, 16.5))  # filler: 4-92 KiB of HTML, median about 23 KiB
        dated = False
        if pages == "markup":
            page = int(2 ** pages_rng.uniform(11.0, 15.6))  # 2-50 KB, median about 10 KB
            dated = pages_rng.random() < DATED_SHARE
        hosts.append(Host(i, f"site{i:06d}.{tld}", kind, round(delay, 4), round(second, 4), page, dated))
    return hosts


# --- The server ------------------------------------------------------------------------

_WORDS = (
    "members meet every week to discuss the news of the association and plan the next "
    "campaign together with friends from the neighbourhood and the wider movement; "
    "the newsletter reports on meetings, events, elections and the work of local groups"
).split()


def _filler(size: int) -> str:
    """Deterministic neutral HTML (no parking, challenge or not-found wording)."""
    rng = random.Random(0)
    parts: list[str] = []
    total = 0
    while total < size:
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(30, 80)))
        link = f'<a href="/news/{rng.randint(1, 9999)}">more</a>'
        chunk = f"<p>{words.capitalize()}. {link}</p>\n"
        parts.append(chunk)
        total += len(chunk)
    return "".join(parts)[:size]


FILLER = _filler(100 * 1024).encode("ascii")
REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 421: "Misdirected Request", 500: "Internal Server Error"}


def page(host: Host, pages: str = "filler", seed: int = 1) -> bytes:
    """The 200 page of a live host: filler, or realistic markup (`benchmarks.markup`)."""
    if pages == "markup":
        return markup.page(seed, host.index, host.name, host.page_bytes, host.dated)
    head = (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Association {host.index} - local group</title>"
        f'<meta name="description" content="News of association {host.index}"></head>\n'
        f"<body><h1>Association {host.index}</h1>\n"
    ).encode("ascii")
    return head + FILLER[: max(0, host.page_bytes - len(head) - 16)] + b"</body></html>\n"


def small_page(title: str) -> bytes:
    return f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n".encode()


def response(status: int, body: bytes, extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\nServer: benchweb\r\n"
        f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, required=True, help="number of simulated hosts")
    parser.add_argument("--seed", type=int, default=1, help="seed of the plan (default: %(default)s)")
    parser.add_argument("--ports", type=int, default=1, help="listening ports (default: %(default)s)")
    parser.add_argument("--backlog", type=int, default=4096, help="listen backlog per port")
    parser.add_argument("--pages", choices=PAGES, default="markup", help="what live hosts serve (default: %(default)s)")
    args = parser.parse_args(argv)

    from twisted.internet import protocol, reactor

    hosts = {h.name: h for h in plan(args.hosts, args.seed, args.pages)}

    def home(host: Host) -> bytes:
        return page(host, args.pages, args.seed)

    counters: Counter[str] = Counter()

    class Http(protocol.Protocol):
        """Reads one request head, answers as the host's plan says, closes."""

        def connectionMade(self) -> None:
            self.buffer = b""
            self.pending: Any = None
            self.answered = False
            counters["connections"] += 1

        def dataReceived(self, data: bytes) -> None:
            if self.answered or self.pending is not None:
                return
            self.buffer += data
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER:
                    self.transport.loseConnection()
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            path = parts[1] if len(parts) > 1 else "/"
            name = ""
            for line in lines[1:]:
                key, _, value = line.partition(":")
                if key.strip().lower() == "host":
                    name = value.strip().lower().rsplit(":", 1)[0] if "]" not in value else value.strip()
            self.route(hosts.get(name), path)

        def route(self, host: Host | None, path: str) -> None:
            if host is None:
                counters["unknown-host"] += 1
                return self.send(0.0, response(421, small_page("Unknown host")))
            counters[f"requests/{host.kind.value}"] += 1
            if host.kind is Kind.HANG:
                self.pending = reactor.callLater(HANG_LIMIT, self.transport.abortConnection)
                return None
            if host.kind in (Kind.OK, Kind.SLOW):
                return self.send(host.delay, response(200, home(host)))
            if host.kind is Kind.NOT_FOUND:
                return self.send(host.delay, response(404, small_page("Page not found")))
            if host.kind is Kind.ERROR:
                return self.send(host.delay, response(500, small_page("Internal error")))
            # A redirect host: / moves permanently to /home/, which answers.
            if path.startswith(REDIRECT_PATH):
                return self.send(host.second_delay, response(200, home(host)))
            port = self.transport.getHost().port
            location = f"Location: http://{host.name}:{port}{REDIRECT_PATH}\r\n"
            return self.send(host.delay, response(301, small_page("Moved"), location))

        def send(self, delay: float, data: bytes) -> None:
            self.pending = reactor.callLater(delay, self._write, data)

        def _write(self, data: bytes) -> None:
            self.pending = None
            self.answered = True
            counters["responses"] += 1
            self.transport.write(data)
            self.transport.loseConnection()

        def connectionLost(self, reason: Any = None) -> None:
            if self.pending is not None and self.pending.active():
                self.pending.cancel()
                counters["given-up-by-client"] += 1
            self.pending = None

    factory = protocol.Factory.forProtocol(Http)
    ports = [
        reactor.listenTCP(0, factory, backlog=args.backlog, interface="127.0.0.1").getHost().port
        for _ in range(args.ports)
    ]
    # Bound but never listening: a connection to it is refused at once, as by a dead server.
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))

    def stop() -> None:
        if reactor.running:
            reactor.stop()

    def watch_stdin() -> None:  # the parent closing our stdin (or dying) ends the server
        sys.stdin.buffer.read()
        reactor.callFromThread(stop)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(json.dumps({"ports": ports, "closed_port": closed.getsockname()[1]}), flush=True)
    reactor.run()
    closed.close()
    print(json.dumps(dict(sorted(counters.items()))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
