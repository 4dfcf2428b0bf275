"""Components whose effect a crawl's result cannot show: collector tuning, quiet log formatter,
stats collector, the meta-refresh pre-test, cookie jars per visit, short certificate chains."""

from __future__ import annotations

import gc
import io
import logging
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from scrapy import Request, Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.context import RunContext
from crawler.directory import Entry
from crawler.extensions import GarbageCollection, Progress
from crawler.items import ANSWERED_STAT, OUTCOME_STAT
from crawler.logformatter import QuietLogFormatter
from crawler.middlewares import MetaRefreshMiddleware, _may_refresh
from crawler.stats import DirectStatsCollector
from crawler.verdict.outcome import Network


@pytest.fixture
def collector_untouched() -> Iterator[tuple[int, ...]]:
    """Python's collector settings before the test, put back whatever the test does."""
    before = gc.get_threshold()
    yield before
    gc.unfreeze()
    gc.set_threshold(*before)


def test_collector_runs_less_often_during_the_crawl_and_as_before_after(
    collector_untouched: tuple[int, ...],
) -> None:
    crawler = get_crawler(settings_dict={"CRAWLER_GC_THRESHOLD": 12_345, "MEMUSAGE_ENABLED": False})
    extension = GarbageCollection.from_crawler(crawler)  # signals hold their receivers weakly
    crawler.signals.send_catch_log(signals.engine_started)
    young, *older = gc.get_threshold()
    assert young == 12_345
    assert older == list(collector_untouched[1:])
    assert gc.get_freeze_count() > 0  # what the crawl holds for its whole run is not walked
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == collector_untouched
    assert gc.get_freeze_count() == 0
    assert extension.saved is None


def test_zero_leaves_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(get_crawler(settings_dict={"CRAWLER_GC_THRESHOLD": 0}))


@pytest.mark.parametrize(
    ("settings", "logged"),
    [
        ({"LOG_LEVEL": "DEBUG"}, True),
        ({"LOG_LEVEL": "debug"}, True),
        ({"LOG_LEVEL": 10}, True),
        ({"LOG_LEVEL": "INFO"}, False),
        ({"LOG_LEVEL": "WARNING"}, False),
        ({"LOG_LEVEL": "DEBUG", "LOG_ENABLED": False}, False),
    ],
)
def test_per_url_debug_messages_only_when_debug_is_logged(settings: dict[str, object], logged: bool) -> None:
    crawler = get_crawler(Spider, settings_dict=settings)
    spider = Spider.from_crawler(crawler, name="websites")
    formatter = QuietLogFormatter.from_crawler(crawler)
    request = Request("http://example.org/")
    response = HtmlResponse("http://example.org/", body=b"<title>x</title>", request=request)
    crawled: Any = formatter.crawled(request, response, spider)
    scraped: Any = formatter.scraped({"entry": "x"}, response, spider)
    assert (crawled is not None, scraped is not None) == (logged, logged)
    if logged:
        assert crawled["level"] == scraped["level"] == logging.DEBUG
        assert crawled["args"]["status"] == 200
    # Every other message is Scrapy's own, whatever the level.
    dropped: Any = formatter.dropped({"entry": "x"}, ValueError("no"), response, spider)
    assert dropped["level"] == logging.WARNING


def test_stats_collector_counts_without_scrapys_wrapper() -> None:
    crawler = get_crawler(settings_dict={"STATS_CLASS": get_project_settings()["STATS_CLASS"]})
    stats = crawler.stats
    assert isinstance(stats, DirectStatsCollector)
    # The bound method itself, not Scrapy 2.19's deprecation wrapper around it.
    assert stats.inc_value.__func__ is DirectStatsCollector.inc_value
    stats.inc_value("pages")
    stats.inc_value("pages", spider=None)  # the deprecated argument is still accepted
    stats.max_value("largest", 7)
    assert stats.get_stats() == {"pages": 2, "largest": 7}


@pytest.mark.parametrize(
    ("body", "content_type", "may"),
    [
        (b"<html><head><title>Plain</title></head><body>" + b"x" * 40_000, "text/html; charset=utf-8", False),
        (b'<meta http-equiv="REFRESH" content="0; url=/x">', "text/html", True),
        # Past what Scrapy reads (4,096 characters, at most 4 bytes each): not looked for.
        (b" " * 16_388 + b'<meta http-equiv="refresh" content="0; url=/x">', "text/html", False),
        ('<meta http-equiv="refresh" content="0; url=/x">'.encode("utf-16"), "text/html", True),
        (b"<html>no refresh, but declared EBCDIC</html>", "text/html; charset=cp500", True),
    ],
    ids=["plain", "refresh", "beyond-scrapys-reach", "utf-16", "ebcdic-declared"],
)
def test_meta_refresh_is_only_looked_for_where_it_can_be(body: bytes, content_type: str, may: bool) -> None:
    response = HtmlResponse("http://site.example/", body=body, headers={"Content-Type": content_type})
    assert _may_refresh(response) is may
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler())
    result = middleware.process_response(Request("http://site.example/"), response)
    if not may:
        assert result is response  # passed on undecoded, as Scrapy would pass it


# ---------------------------------------------------------------- the progress line


class _Terminal(io.StringIO):
    """What a terminal receives: text, cursor moves included."""

    def isatty(self) -> bool:
        return True


def _progress(network: Network | None = Network.AVAILABLE, **statuses: int) -> tuple[Progress, _Terminal]:
    crawler = get_crawler(settings_dict={"STATS_CLASS": get_project_settings()["STATS_CLASS"]})
    assert crawler.stats is not None
    for status, n in statuses.items():
        crawler.stats.set_value(OUTCOME_STAT + status.replace("_", "-"), n)
    crawler.stats.set_value(ANSWERED_STAT, sum(statuses.values()) // 2)
    terminal = _Terminal()
    progress = Progress(crawler, terminal, 10.0)
    entries = tuple(Entry(f"e{i}", "C", "N", None, None, None, i, i) for i in range(10_000))
    progress.context = RunContext(None, entries, network=network)
    return progress, terminal


def test_the_live_line_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    progress, terminal = _progress(ok=9000, dead=400, parked=50, server_error=30, blocked=20)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((40, 24)))
    progress.show()
    drawn = terminal.getvalue().split("\r\x1b[K")[-1]
    assert len(drawn) <= 39 and "\n" not in drawn
    assert drawn.startswith("checked 9,500/10,000 in")
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((80, 24)))
    progress.show()
    assert terminal.getvalue().split("\r\x1b[K")[-1].endswith(", 4,750 answered")  # no verdicts mid-run


def test_a_log_record_never_lands_on_the_live_line() -> None:
    progress, terminal = _progress(ok=3)
    handler = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        progress.spider_opened(Spider(name="other"))
        progress.show()
        logging.getLogger("scrapy.core.scraper").warning("a raw Scrapy warning")
        assert terminal.getvalue().endswith("\r\x1b[Ka raw Scrapy warning\n")  # cleared, then the record
        progress.spider_closed()
    finally:
        root.removeHandler(handler)
    assert handler.filters == []  # the guard goes with the crawl


@pytest.mark.parametrize("network", [Network.AVAILABLE, Network.UNAVAILABLE])
def test_counts_once_and_none_for_a_run_without_network(network: Network) -> None:
    progress, terminal = _progress(network, dead=32, ok=1)
    progress.show()
    progress.spider_closed()
    said = terminal.getvalue().split("\r\x1b[K")[-1]
    assert said.startswith("checked 33/10,000 in")
    if network is Network.AVAILABLE:
        assert said.count("dead") == 1 and "  dead      32" in said
    else:
        assert "dead" not in said  # nothing is blamed on the sites when nothing answered
# --- cookies kept per visit ------------------------------------------------------------------------


def _cookies() -> Any:
    from crawler.middlewares import VisitCookiesMiddleware

    return VisitCookiesMiddleware.from_crawler(get_crawler(settings_dict={"COOKIES_ENABLED": True}))


def _set_cookie(middleware: Any, url: str, jar: str | None, header: str) -> None:
    request = Request(url, meta={} if jar is None else {"cookiejar": jar})
    middleware.process_response(request, HtmlResponse(url, headers={"Set-Cookie": header}, request=request))


def _sent(middleware: Any, url: str, jar: str | None) -> bytes | None:
    request = Request(url, meta={} if jar is None else {"cookiejar": jar})
    middleware.process_request(request)
    return request.headers.get("Cookie")


def test_each_visit_keeps_its_own_cookies_and_drops_them_when_done() -> None:
    from crawler.items import Check
    from crawler.verdict.outcome import Outcome, Reason, Status

    cookies = _cookies()
    assert _sent(cookies, "https://a.example/", "entry-a") is None and cookies.jars == {}  # no jar until a cookie
    _set_cookie(cookies, "https://a.example/", "entry-a", "token=abc; Path=/")
    assert _sent(cookies, "https://a.example/page", "entry-a") == b"token=abc"
    assert _sent(cookies, "https://a.example/", "entry-b") is None  # another entry, same site: not shared
    assert _sent(cookies, "https://a.example/", None) is None  # RDAP, caIssuers: no visit, no cookies
    _set_cookie(cookies, "https://a.example/", None, "other=1")
    assert set(cookies.jars) == {"entry-a"}
    cookies.item_scraped(Check("entry-a", "https://a.example/", "2026-12-01T00:00:00Z", Outcome(Status.OK, Reason.OK)))
    assert cookies.jars == {}
    assert _sent(cookies, "https://a.example/", "entry-a") is None


def test_the_jar_is_dropped_through_scrapy_s_signal_which_is_heard_only_once_a_jar_exists() -> None:
    # A receiver of item_scraped costs every item scraped some Deferreds: a crawl of sites
    # that set no cookies must not pay for one.
    from pydispatch.dispatcher import getAllReceivers
    from scrapy import signals

    from crawler.items import Check
    from crawler.verdict.outcome import Outcome, Reason, Status

    cookies = _cookies()
    def listening() -> bool:
        receivers = getAllReceivers(cookies.crawler.signals.sender, signals.item_scraped)
        return any("VisitCookiesMiddleware.item_scraped" in repr(r) for r in receivers)

    _sent(cookies, "https://a.example/", "entry-a")
    plain = Request("https://a.example/", meta={"cookiejar": "entry-a"})
    cookies.process_response(plain, HtmlResponse(plain.url, request=plain))  # an answer without cookies
    assert not listening()
    _set_cookie(cookies, "https://a.example/", "entry-a", "token=abc; Path=/")
    assert listening()
    done = Check("entry-a", "https://a.example/", "2026-12-01T00:00:00Z", Outcome(Status.OK, Reason.OK))
    cookies.crawler.signals.send_catch_log(signals.item_scraped, item=done, response=None, spider=None)
    assert cookies.jars == {}


def test_a_cookie_for_a_public_suffix_stays_with_its_host_and_no_list_is_fetched() -> None:
    cookies = _cookies()
    _set_cookie(cookies, "https://a.co.uk/", "e", "wide=1; Domain=co.uk; Path=/")
    assert _sent(cookies, "https://b.co.uk/", "e") is None
    _set_cookie(cookies, "https://a.example.co.uk/", "e", "site=1; Domain=example.co.uk; Path=/")
    assert _sent(cookies, "https://www.example.co.uk/", "e") == b"site=1"


# --- certificate chains completed from caIssuers -----------------------------------------------------


def _short_chain(tmp_path: Any) -> tuple[Any, Any, Any, str]:
    """A trusted root (its PEM file), an intermediate, a leaf naming a caIssuers URL, that URL."""
    import trustme
    from OpenSSL.crypto import X509

    from crawler.demo.web import short_chain_leaf_pem

    root = trustme.CA()
    root.cert_pem.write_to_path(str(tmp_path / "root.pem"))
    intermediate = root.create_child_ca()
    url = "http://ca-issuers.example/intermediate.der"
    pem = short_chain_leaf_pem(intermediate, "short.example", url)
    leaf = X509.from_cryptography(x509.load_pem_x509_certificate(pem[pem.index(b"-----BEGIN CERTIFICATE") :]))
    return tmp_path / "root.pem", intermediate, leaf, url


def test_ca_issuers_answers_are_read_in_every_common_form(tmp_path: Any) -> None:
    from crawler.net.chains import ca_issuers_url, parse_issuers

    _, intermediate, leaf, url = _short_chain(tmp_path)
    assert ca_issuers_url(leaf) == url
    cert = x509.load_pem_x509_certificate(intermediate.cert_pem.bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    bundle = pkcs7.serialize_certificates([cert], serialization.Encoding.DER)
    for body in (der, intermediate.cert_pem.bytes(), bundle):
        (parsed,) = parse_issuers(body)
        assert parsed.to_cryptography() == cert
    with pytest.raises(ValueError):
        parse_issuers(b"<html>not a certificate</html>")


def test_a_completed_chain_must_verify_against_the_trust_store(tmp_path: Any) -> None:
    import trustme
    from OpenSSL import SSL
    from OpenSSL.crypto import X509

    from crawler.net.chains import Completions

    root_pem, intermediate, leaf, url = _short_chain(tmp_path)
    context = SSL.Context(SSL.TLS_METHOD)
    context.load_verify_locations(str(root_pem))
    connection = SSL.Connection(context, None)
    chains = Completions()
    assert not chains.completes(connection, leaf)  # nothing fetched yet
    stranger = X509.from_cryptography(x509.load_pem_x509_certificate(trustme.CA().cert_pem.bytes()))
    chains.remember(url, [stranger])
    assert not chains.completes(connection, leaf)  # an issuer of nothing here
    fresh = Completions()
    fresh.remember(url, [X509.from_cryptography(x509.load_pem_x509_certificate(intermediate.cert_pem.bytes()))])
    assert fresh.completes(connection, leaf)
    untrusting = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)  # a trust store without the root
    again = Completions()
    again.remember(url, fresh.issuers[url])
    assert not again.completes(untrusting, leaf)
