"""Fuzzing with an adversary's generators: every parser of what a site sends, under a watchdog.

Hypothesis builds documents out of long runs of white space, unclosed tags and quotes, nested
and repeated elements and the words the signals look for, up to the 512 KiB read limit, and
sends them through every parser in a forked child, in several encodings. The watchdog fails a
test only on catastrophic slowness: a parser call that takes more than `WATCHDOG` seconds
(a call here costs milliseconds; the patterns this replaced took minutes on such input;
the margin is for a loaded machine). The
known worst inputs of `benchmarks/parsers.py` go through the same watchdog as fixed cases.
Timings are reported by the benchmark, never asserted.
"""

from __future__ import annotations

import gzip
import multiprocessing
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from benchmarks.parsers import GENERATORS
from crawler.directory import DirectoryError, parse_directory
from crawler.fix import yaml_scalar
from crawler.middlewares import MetaRefreshMiddleware, retry_after_seconds
from crawler.net.addresses import parse_ip_literal
from crawler.net.head import MAX_HEAD_BYTES, _HeadMeter
from crawler.reports.escape import html_escape, md_escape
from crawler.text import clean_text
from crawler.verdict import freshness, page_signals, page_text, title
from crawler.verdict.domains import host_of, registered_domain
from crawler.verdict.markup import MAX_ATTRIBUTES, tame

# Seconds one parser call may take before it counts as catastrophic: the slowest call here
# costs a quarter of a second on an idle machine, the patterns this replaced took minutes.
WATCHDOG = 6.0
READ = 512 * 1024  # characters: the read limit
REPORT_FIELD = 64 * 1024  # characters of the longest field a report shows

# --- the adversary's generators ---------------------------------------------------------------

CLUES = sorted({clue for signal in page_signals.SIGNALS for clue in signal.clues})
FRAGMENTS = [
    " ", "  ", "\n", "\r\n", "\r", "\t", "\x0c", "\x0b", "\xa0", "<", ">", "</", "<a", "<p ",
    "<meta ", "<time ", "<link ", "<base ", "<h1>", "</h1>", "<title>", "</title>", "<svg>",
    "<script>", '<script type="application/ld+json">', "</script>", "<style>", "<textarea>",
    "<plaintext>", "<!--", "-->", "--!>", "<![CDATA[", "]]>", "<?xml ", "<!DOCTYPE ", '"', "'",
    "=", "/", "//", "a", "a-", "a.", "1.", "&amp;", "&#x", "&", ";", "\x00", "\u200b", "\u200d",
    "\u2028", "\x85", "é", "日本", "\U000e0041", "\ud800",
    "<pubDate>", "</pubDate>", "<lastmod>", "<updated>", "<dc:date>", "<date>", "2026-01-01",
    "Mon, 01 Jan 2026 10:00:00 GMT", '{"dateModified": "', '"}', "[", "]", "{", "}",
    'content="', "datetime=", 'property="article:modified_time" ',
    'rel="alternate" type="application/rss+xml" href="', "http-equiv=refresh ", "url=",
    "location.href = '", '"/lander" ', "//sedo.com", "sitemap:", "404", "error", "page",
    "domain", "not found", "reference 1.", "@", "http://", "www.", "#1", ": ", "- ", "  - id: ",
    "organisations:\n",
    *CLUES,
]  # fmt: skip
# A run: one fragment (or a few random characters) repeated up to thousands of times.
runs = st.tuples(st.sampled_from(FRAGMENTS) | st.text(max_size=6), st.integers(1, 6000)).map(
    lambda pair: pair[0] * pair[1]
)
documents = st.lists(runs, min_size=1, max_size=10).map(lambda parts: "".join(parts)[:READ])
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1251", "shift_jis", "gb18030"]


def encode(text: str, encoding: str, *, bom: bool = False, gzipped: bool = False) -> bytes:
    data = text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass")
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(
            encoding, b""
        ) + data
    return gzip.compress(data, compresslevel=1) if gzipped else data


# --- the watchdog -----------------------------------------------------------------------------

Step = tuple[str, Callable[..., Any], tuple[Any, ...]]


def _run_steps(connection: Any, steps: Sequence[Step]) -> None:
    for label, function, arguments in steps:
        connection.send(("start", label, None))
        try:
            result = function(*arguments)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as a failure
            connection.send(("raised", label, f"{type(exc).__name__}: {exc}"))
            return
        connection.send(("done", label, result))
    connection.send(("end", "", None))


def guarded(steps: Sequence[Step], watchdog: float = WATCHDOG) -> dict[str, Any]:
    """Each step's result, run in order in one forked child; fails the test if a step raises
    or takes more than `watchdog` seconds (the child is killed, the step named)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_run_steps, args=(sending, steps), daemon=True)
    child.start()
    sending.close()
    results: dict[str, Any] = {}
    try:
        while True:
            if not receiving.poll(watchdog):
                child.kill()
                pytest.fail(f"no answer within {watchdog} s after {list(results)[-1:] or 'the start'}")
            kind, label, value = receiving.recv()
            if kind == "start" and not receiving.poll(watchdog):
                child.kill()
                pytest.fail(f"{label} took more than {watchdog} s")
            if kind == "raised":
                pytest.fail(f"{label} raised {value}")
            if kind == "done":
                results[label] = value
            if kind == "end":
                return results
    finally:
        child.join(timeout=watchdog)
        if child.is_alive():
            child.kill()
        receiving.close()


# --- what each parser is given ----------------------------------------------------------------

_HTML_PARSER = lxml_html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)


def most_attributes_libxml2_reads(text: str) -> int:
    """The most attributes any element has when libxml2 parses `text` (after `tame`)."""
    body = tame(text.replace("\x00", "")).encode("utf-8", "replace")
    root = etree.fromstring(body or b"<html/>", _HTML_PARSER)
    if root is None:
        return 0
    return max((len(element.attrib) for element in root.iter() if isinstance(element.tag, str)), default=0)


def head_meter(data: bytes) -> str | None:
    meter = _HeadMeter()
    for start in range(0, len(data), 65536):
        if (problem := meter.take(data[start : start + 65536])) is not None:
            return problem
    return None


_META_REFRESH = MetaRefreshMiddleware.from_crawler(get_crawler())


def meta_refresh(body: bytes, content_type: str) -> str:
    """What our meta refresh middleware makes of a page: "followed" or "passed on"."""
    response = HtmlResponse("http://x.example/", body=body, headers={"Content-Type": content_type})
    result = _META_REFRESH.process_response(Request("http://x.example/"), response)
    return "passed on" if result is response else "followed"


def retry_after(value: str) -> float | None:
    response = Response("http://x.example/", status=503, headers={"Retry-After": value.encode("latin-1", "replace")})
    return retry_after_seconds(response)


def directory_problems(text: str) -> int:
    try:
        return len(parse_directory(text, "d.yaml").entries)
    except DirectoryError as exc:
        return -len(exc.problems)


def signal_steps(text: str) -> Iterator[Step]:
    """Every pattern of the signal table on the subject it is matched against, as large as
    the crawler lets that subject be (iterating SIGNALS: a new signal is fuzzed too)."""
    subjects = {
        "title": text[: title.DEFAULT_MAX_LENGTH + 1].lower(),
        "heading": text[: page_text.SCAN_LIMIT].lower(),
        "text": text[: page_text.SCAN_LIMIT].lower(),
        "html": text[: page_text.SCAN_LIMIT].lower(),
        "url": text[: page_text.SCAN_LIMIT].lower(),
        "header": text[:MAX_HEAD_BYTES].lower(),
    }
    for signal in page_signals.SIGNALS:
        subject = subjects[signal.where]
        yield f"signal {signal.name}", _found, (signal.pattern, subject)
        if signal.gate is not None:
            yield f"gate of {signal.name}", _found, (signal.gate, subject)


def _found(pattern: re.Pattern[str], subject: str) -> bool:
    return pattern.search(subject) is not None


def page_steps(text: str, encoding: str) -> list[Step]:
    body = encode(text, encoding)
    content_type = f"text/html; charset={encoding}"
    headers = {"server": text[:MAX_HEAD_BYTES], "retry-after": text[:64]}
    return [
        ("freshness.from_html", freshness.from_html, (text,)),
        ("freshness.feed_links", freshness.feed_links, (text, "https://example.org/")),
        ("freshness.sitemap_urls_from_robots", freshness.sitemap_urls_from_robots, (text, "https://example.org/")),
        ("freshness.from_last_modified", freshness.from_last_modified, (text[:MAX_HEAD_BYTES],)),
        ("title.extract_title", title.extract_title, (body, content_type)),
        ("title.extract_title (undeclared)", title.extract_title, (body, "text/html")),
        ("middlewares.MetaRefreshMiddleware", meta_refresh, (body, content_type)),
        ("middlewares.retry_after_seconds", retry_after, (text[:MAX_HEAD_BYTES],)),
        ("markup.tame + libxml2", most_attributes_libxml2_reads, (text,)),
        ("page_signals.parked_signals", page_signals.parked_signals, (text, text[:300], text)),
        ("page_signals.challenge_signals", page_signals.challenge_signals, (text, text[:300], 403, headers)),
        ("page_signals.soft_404_signals", page_signals.soft_404_signals, (text[:300], text)),
        ("page_text.same_page", page_text.same_page, (text, text[::-1])),
        ("page_text.visible_text", page_text.visible_text, (text,)),
        *signal_steps(text),
    ]  # fmt: skip


def feed_steps(text: str, encoding: str, bom: bool, gzipped: bool) -> list[Step]:
    data = encode(text, encoding, bom=bom, gzipped=gzipped)
    return [
        ("freshness.from_feed", freshness.from_feed, (data,)),
        ("freshness.from_sitemap", freshness.from_sitemap, (data,)),
    ]


def other_steps(text: str) -> list[Step]:
    field = text[:REPORT_FIELD]
    return [
        ("net.head meter", head_meter, (text.encode("utf-8", "surrogatepass"),)),
        ("directory.parse_directory", directory_problems, (text,)),
        ("text.clean_text", clean_text, (text,)),
        ("reports.escape.md_escape", md_escape, (field,)),
        ("reports.escape.html_escape", html_escape, (field,)),
        ("fix.yaml_scalar", yaml_scalar, (field,)),
        ("net.addresses.parse_ip_literal", parse_ip_literal, (text[:REPORT_FIELD],)),
        ("verdict.domains", lambda url: registered_domain(host_of(url)), ("http://" + field,)),
    ]


# --- the tests --------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(text=documents, encoding=st.sampled_from(ENCODINGS))
def test_page_parsers_survive_the_adversary(text: str, encoding: str) -> None:
    results = guarded(page_steps(text, encoding))
    # libxml2 never reads a tag with more attributes than the tamer lets through.
    assert results["markup.tame + libxml2"] <= MAX_ATTRIBUTES
    assert all(isinstance(results[f"signal {s.name}"], bool) for s in page_signals.SIGNALS)
    assert len(results["freshness.feed_links"]) <= freshness.MAX_FEED_LINKS


@FUZZ
@given(text=documents, encoding=st.sampled_from(ENCODINGS), bom=st.booleans(), gzipped=st.booleans())
def test_feed_and_sitemap_parsers_survive_the_adversary(
    text: str, encoding: str, bom: bool, gzipped: bool
) -> None:
    results = guarded(feed_steps(text, encoding, bom, gzipped))
    assert all(day is None or isinstance(day, date) for day in results.values())


@FUZZ
@given(text=documents)
def test_heads_directories_and_report_escapes_survive_the_adversary(text: str) -> None:
    results = guarded(other_steps(text))
    assert "\u200b" not in results["text.clean_text"]


@pytest.mark.parametrize("generator", sorted(GENERATORS))
def test_the_benchmarks_worst_inputs_pass_the_watchdog(generator: str) -> None:
    text = GENERATORS[generator](READ)
    guarded(page_steps(text, "utf-8") + feed_steps(text, "utf-8", False, False) + other_steps(text))


def test_the_watchdog_catches_a_catastrophe() -> None:
    # The pattern the feed parser used to have, on the input that took it minutes.
    old_feed_date = re.compile(r"<date\b[^<>]{0,200}>\s*(?:<!\[CDATA\[)?\s*([^<\]]{4,80}?)\s*(?:\]\]>)?\s*</")
    with pytest.raises(pytest.fail.Exception, match="took more than"):
        guarded([("the old feed pattern", _found, (old_feed_date, "<date>" + " " * 5000 + "x"))], 1.0)
