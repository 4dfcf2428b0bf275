"""The worst CPU each parser of the crawler spends on adversarial input at the read limit.

``python -m benchmarks.parsers`` feeds every parser that reads what a site sends (and the
directory file, and the report escapers) a set of inputs built to make it slow -- long runs of
white space, unclosed tags and quotes, nested and repeated elements, odd encodings -- each as
large as the crawler lets it be (the 512 KiB read limit, unless said otherwise), and prints, per
parser, the worst CPU time of one call and the input that caused it. Every call runs in a
forked child with a CPU limit (``--cap``), so a catastrophic one is reported as "> cap" and the
run goes on.

``--code DIR`` measures the crawler package found in DIR instead of this checkout's, for a
before/after table: e.g. ``git archive 50dfa5c crawler | tar -x -C /tmp/before`` and then
``--code /tmp/before``. Parsers that do not exist in that code are marked "n/a".
No network, no files but the fork's pipe; numbers, never a failure.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

READ = 512 * 1024  # bytes of a page (CRAWLER_READ_LIMIT)
REPORT_FIELD = 64 * 1024  # characters of the longest untrusted field a report shows
HEAD = 256 * 1024  # bytes of a response head (crawler.net.head; Chrome's limit)

# --- adversarial inputs (str, sized to `n` characters) ------------------------------------------


def _fill(unit: str, n: int, prefix: str = "", suffix: str = "") -> str:
    body = n - len(prefix) - len(suffix)
    return prefix + (unit * (body // len(unit) + 1))[: max(0, body)] + suffix


def _attrs(n: int, tag: str = "p") -> str:
    out, i, size = [f"<{tag}"], 0, len(tag) + 1
    while size < n - 8:
        piece = f" a{i:x}"
        out.append(piece)
        size, i = size + len(piece), i + 1
    return "".join(out) + "><title>x</title>"


GENERATORS: dict[str, Callable[[int], str]] = {
    "white space after an open date element": lambda n: _fill(" ", n, "<pubDate>", "x"),
    "white space after an open lastmod": lambda n: _fill(" ", n, "<lastmod>", "x"),
    "newlines after an open element": lambda n: _fill("\n", n, "<updated>", "x"),
    "long attribute name in a meta tag": lambda n: _fill("a", n, "<meta ", ">"),
    "long attribute name in a time tag": lambda n: _fill("a", n, "<time ", ">"),
    "long attribute name in a link tag": lambda n: _fill("a", n, "<link rel=alternate ", ">"),
    "one tag, distinct attributes": _attrs,
    "one meta tag, distinct attributes": lambda n: _attrs(n, "meta"),
    "unclosed JSON-LD scripts": lambda n: _fill('<script type="application/ld+json">', n),
    "unclosed quote in a tag": lambda n: _fill(' a="b', n, '<meta content="'),
    "repeated '<a'": lambda n: _fill("<a", n),
    "repeated '<a>'": lambda n: _fill("<a>", n),
    "nested divs": lambda n: _fill("<div>", n),
    "tags with '<' in values": lambda n: _fill('<b a="<c">', n),
    "many small scripts": lambda n: _fill("<script></script>", n),
    "open comments": lambda n: _fill("<!--", n),
    "CDATA openers": lambda n: _fill("<![CDATA[", n),
    "many meta dates": lambda n: _fill('<meta name="date" content="2024-01-01x">', n),
    "many distinct time dates": lambda n: "".join(
        f'<time datetime="20{i % 30:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}T{i % 24:02d}:{i % 60:02d}">'
        for i in range(n // 36)
    ),
    "many distinct feed dates": lambda n: "<rss>" + "".join(
        f"<pubDate>Mon, {i % 28 + 1:02d} Jan 20{i % 30:02d} {i % 24:02d}:{i % 60:02d}:00 +0{i % 9}00</pubDate>"
        for i in range(n // 52)
    ),
    "many distinct lastmods": lambda n: "<urlset>" + "".join(
        f"<lastmod>20{i % 30:02d}-{i % 12 + 1:02d}-{i % 28 + 1:02d}T{i % 24:02d}:{i % 60:02d}:00Z</lastmod>"
        for i in range(n // 40)
    ),
    "runs of 'a-'": lambda n: _fill("a-", n, "for sale domain "),
    "runs of 'a.'": lambda n: _fill("a.", n, "for sale "),
    "repeated 'page '": lambda n: _fill("page ", n),
    "repeated 'coming soon '": lambda n: _fill("coming soon ", n),
    "repeated '<meta http-equiv=refresh '": lambda n: _fill("<meta http-equiv=refresh ", n, "//sedo.com "),
    "repeated 'location = \"'": lambda n: _fill('location = "', n, "//sedo.com "),
    "repeated '<script src='": lambda n: _fill("<script ", n, "//sedo.com "),
    "newlines before a 404": lambda n: _fill("\n", n, "not found", "404"),
    "plain text": lambda n: _fill("Lorem ipsum dolor sit amet. ", n),
    "'@' and spaces": lambda n: _fill("@ ", n),
    "a run of letters": lambda n: _fill("a", n),
    "'http://' and letters": lambda n: _fill("a", n, "http://"),
    "sitemap lines of newlines": lambda n: _fill("\n", n, "", "sitemap: x"),
    "zero-width characters": lambda n: _fill("a\u200b\u200d", n),
    "tag characters": lambda n: _fill("\U000e0041b", n),
    "random characters": lambda n: "".join(map(chr, random.Random(14).choices(range(1, 0x2FF), k=n))),
}
ALL = tuple(GENERATORS)
PAGE = ("long attribute name in a meta tag", "one tag, distinct attributes",
        "one meta tag, distinct attributes", "unclosed JSON-LD scripts", "unclosed quote in a tag",
        "repeated '<a'", "repeated '<a>'", "nested divs", "tags with '<' in values",
        "many small scripts", "open comments", "many meta dates", "many distinct time dates",
        "plain text", "long attribute name in a time tag", "long attribute name in a link tag")  # fmt: skip
XML = ("white space after an open date element", "white space after an open lastmod",
       "newlines after an open element", "many distinct feed dates", "many distinct lastmods",
       "CDATA openers", "open comments", "nested divs", "repeated '<a'", "plain text")  # fmt: skip
TEXT = ("runs of 'a-'", "runs of 'a.'", "repeated 'page '", "repeated 'coming soon '",
        "repeated '<meta http-equiv=refresh '", "repeated 'location = \"'",
        "repeated '<script src='", "newlines before a 404", "plain text", "repeated '<a'",
        "tags with '<' in values", "open comments")  # fmt: skip


def _utf16(text: str) -> bytes:
    return text.encode("utf-16")


# --- the parsers -------------------------------------------------------------------------------


Entry = tuple[Callable[[Any], Any], tuple[str, ...], str, Callable[[str], Any] | None]


def parsers() -> dict[str, Entry]:
    """Name -> (call on one input, generator names, size note, how to prepare the input from the
    generated text before the clock starts). Imported from whichever code is first on sys.path;
    a parser missing there is left out."""
    from crawler.verdict import freshness, page_signals, title

    try:
        from crawler.verdict import page_text
    except ImportError:  # older code (--code): page reading lived in the signal table
        page_text = page_signals

    table: dict[str, Any] = {
        "freshness.from_feed": (lambda t: freshness.from_feed(t.encode()), XML, "512 KiB"),
        "freshness.from_feed (UTF-16)": (lambda t: freshness.from_feed(_utf16(t[: READ // 2])), XML, "512 KiB"),
        "freshness.from_sitemap": (lambda t: freshness.from_sitemap(t.encode()), XML, "512 KiB"),
        "freshness.from_sitemap (gzip, 2 MiB inflated)": (
            freshness.from_sitemap, XML, "2 MiB", lambda t: gzip.compress((t * 4).encode()[: 2 * 1024 * 1024])),
        "freshness.from_html": (freshness.from_html, PAGE, "512 KiB"),
        "freshness.feed_links": (lambda t: freshness.feed_links(t, "https://example.org/"), PAGE, "512 KiB"),
        "freshness.sitemap_urls_from_robots": (
            lambda t: freshness.sitemap_urls_from_robots(t, "https://example.org/"), ALL, "512 KiB"),
        "freshness.from_last_modified": (freshness.from_last_modified, ALL, "256 KiB header"),
        "title.extract_title": (lambda t: title.extract_title(t.encode(), "text/html"), PAGE, "512 KiB"),
        # No charset declared and not UTF-8: the detector guesses from the first 32 KiB.
        "title.extract_title (undeclared legacy bytes)": (
            lambda b: title.extract_title(b, "text/html"), PAGE + ("random characters",), "512 KiB",
            lambda t: t.encode("latin-1", "replace")),
        "page_signals.parked_signals": (lambda t: page_signals.parked_signals(t, t[:300], t), PAGE + TEXT, "512 KiB"),
        "page_signals.challenge_signals": (
            lambda t: page_signals.challenge_signals(t, t[:300], 403, {"server": t[:HEAD]}), PAGE + TEXT, "512 KiB"),
        "page_signals.soft_404_signals": (
            lambda t: page_signals.soft_404_signals(t[:300], "<h1>" + t), PAGE + TEXT, "512 KiB"),
        "page_text.same_page": (lambda t: page_text.same_page(t, t[::-1]), PAGE + TEXT + ("same page: reversed periodic words",), "512 KiB"),
        "page_text.visible_text": (page_text.visible_text, PAGE, "512 KiB"),
    }
    try:
        from crawler.verdict import markup

        table["markup.tame (new)"] = (markup.tame, PAGE, "512 KiB")
    except ImportError:
        pass
    from crawler.middlewares import retry_after_seconds
    from crawler.reports.escape import md_escape
    from crawler.text import clean_text

    table["middlewares.retry_after_seconds"] = (_retry_after(retry_after_seconds), ("digits",), "256 KiB header")
    call, prepare = _meta_refresh()
    table["middlewares.MetaRefreshMiddleware (8 MiB inflated body)"] = (call, PAGE, "8 MiB", prepare)
    # A report's longest untrusted field is a detail naming up to four URLs of at most 16 KiB
    # each (a longer header line is refused): 64 KiB. Titles are cut to 300 characters.
    table["text.clean_text"] = (clean_text, ALL, "64 KiB", lambda t: t[:REPORT_FIELD])
    table["reports.escape.md_escape"] = (md_escape, ALL, "64 KiB", lambda t: t[:REPORT_FIELD])
    table["net: a response head of header lines"] = (_head_flood, ("header lines", "continuation lines"), "8 MiB sent")
    table["directory.parse_directory"] = (_directory, ("yaml: long scalars", "yaml: nested flows",
                                                       "yaml: many entries"), "512 KiB")
    return table


def _retry_after(retry_after_seconds: Callable[[Any], Any]) -> Callable[[str], Any]:
    from scrapy.http import Response

    def call(text: str) -> Any:
        digits = "9" * HEAD if text == "digits" else text[:HEAD]
        return retry_after_seconds(Response("http://x/", status=503, headers={"Retry-After": digits}))

    return call


def _meta_refresh() -> tuple[Callable[[Any], Any], Callable[[str], Any]]:
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import MetaRefreshMiddleware

    middleware = MetaRefreshMiddleware.from_crawler(get_crawler())

    def prepare(text: str) -> HtmlResponse:
        body = ('<meta http-equiv="refresh" content="5; url=/x">' + text * 16).encode()
        return HtmlResponse("http://x/", body=body, headers={"Content-Type": "text/html"})

    def call(response: HtmlResponse) -> Any:
        return middleware.process_response(Request("http://x/"), response)

    return call, prepare


def _head_flood(kind: str) -> Any:
    """8 MiB of header lines fed to the connection protocol our handler uses, 64 KiB a read."""
    from twisted.internet.testing import StringTransport
    from twisted.web._newclient import HTTP11ClientProtocol, Request
    from twisted.web.http_headers import Headers

    try:
        from crawler.net.head import BoundedHeadProtocol as protocol_class
    except ImportError:
        protocol_class = HTTP11ClientProtocol  # before: Twisted's own
    protocol = protocol_class()
    protocol.makeConnection(StringTransport())
    result = protocol.request(Request(b"GET", b"/", Headers({b"host": [b"x"]}), None))
    result.addErrback(lambda failure: None)
    line = b" " + b"f" * 62 + b"\r\n" if kind == "continuation lines" else b"X: " + b"f" * 59 + b"\r\n"
    chunk = b"HTTP/1.1 200 OK\r\nX: start\r\n" + line * 1024
    for _ in range(8 * 1024 * 1024 // len(chunk)):
        if protocol.state == "CONNECTION_LOST" or protocol.transport.disconnecting:
            break
        protocol.dataReceived(chunk)
        chunk = line * 1024
    return None


def _directory(kind: str) -> Any:
    from crawler.directory import DirectoryError, parse_directory

    n = READ
    if kind == "yaml: long scalars":
        text = "organisations:\n  - id: a\n    country: X\n    name: " + "a " * (n // 2) + "\n"
    elif kind == "yaml: nested flows":
        text = "organisations: " + "[" * (n // 2) + "]" * (n // 2) + "\n"
    else:
        entry = "  - id: e{0}\n    country: X\n    name: N\n    website: https://e{0}.example/\n"
        text = "organisations:\n" + "".join(entry.format(i) for i in range(n // 70))
    try:
        return parse_directory(text, "d.yaml")
    except DirectoryError:
        return None


def _periodic_words(n: int) -> str:
    return "<p>" + " ".join(chr(97 + i % 7) for i in range(n // 2)) + "</p>"


GENERATORS["same page: reversed periodic words"] = _periodic_words

# --- measuring ---------------------------------------------------------------------------------


def measure(call: Callable[[Any], Any], argument: str, cap: float,
            prepare: Callable[[str], Any] | None = None) -> float | None:
    """CPU seconds of `call(argument)` in a forked child (after `prepare(argument)`, if given);
    None if it went past `cap`."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, leave without cleanup
        os.close(read)
        prepared = prepare(argument) if prepare is not None else argument
        limit = int(time.process_time() + cap) + 1  # the child's own CPU, preparing included
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
        started = time.process_time()
        try:
            call(prepared)
        except Exception:  # a parser's exception is its own business here: only time counts
            pass
        os.write(write, f"{time.process_time() - started:.6f}".encode())
        os._exit(0)
    os.close(write)
    # The child ends by itself: it writes its time, or RLIMIT_CPU kills it (end of file).
    answer = os.read(read, 64)
    os.close(read)
    os.waitpid(pid, 0)
    if not answer:
        return None
    seconds = float(answer)
    return seconds if seconds <= cap else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--code", metavar="DIR", help="measure the crawler package in DIR instead")
    parser.add_argument("--cap", type=float, default=20.0, help="CPU seconds per call before giving up (default: %(default)s)")
    parser.add_argument("--only", metavar="TEXT", help="only parsers whose name contains TEXT")
    args = parser.parse_args(argv)
    if args.code:
        sys.path.insert(0, os.path.abspath(args.code))
    import crawler

    print(f"crawler package: {os.path.dirname(crawler.__file__)}", file=sys.stderr)
    print("| parser | worst input | worst CPU | size |\n| --- | --- | ---: | --- |")
    for name, entry in parsers().items():
        call, generators, size = entry[:3]
        prepare = entry[3] if len(entry) > 3 else None
        if args.only and args.only not in name:
            continue
        worst: tuple[float, str] = (-1.0, "")
        for generator in generators:
            argument = GENERATORS[generator](READ) if generator in GENERATORS else generator
            seconds = measure(call, argument, args.cap, prepare)
            if seconds is None:
                worst = (float("inf"), generator)
                break
            worst = max(worst, (seconds, generator))
        shown = f"> {args.cap:g} s" if worst[0] == float("inf") else _duration(worst[0])
        print(f"| {name} | {worst[1]} | {shown} | {size} |", flush=True)
    return 0


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
