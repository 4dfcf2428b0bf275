"""The classifier's decisions on hand-made pages and failures (the crawl tests cover the wire)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)

from crawler.net.addresses import AddressRefused
from crawler.net.resolver import parse_resolve
from crawler.verdict.classify import (
    META_REFRESH,
    Hop,
    Page,
    classify_failure,
    classify_page,
)
from crawler.verdict.outcome import Status

LIVE = "<html><title>Home</title><p>News, events and how to join.</p></html>"


def page(listed: str, final: str, *hops: tuple[str, int | str], status: int = 200, text: str = LIVE) -> Page:
    return Page(listed, final, status, {}, tuple(Hop(u, r) for u, r in hops), text, "Home")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (page("http://a.org/", "http://a.org/"), (Status.OK, "ok")),
        (page("http://a.org/", "https://a.org/", ("http://a.org/", 301)), (Status.REDIRECTED, "https-upgrade")),
        (page("http://a.org/", "http://www.a.org/", ("http://a.org/", 308)), (Status.REDIRECTED, "http-308")),
        # A temporary hop anywhere: the listed URL stays the one to keep.
        (page("http://a.org/", "http://a.org/x", ("http://a.org/", 301), ("http://a.org/y", 302)), (Status.OK, "ok")),
        (page("http://a.org/", "http://a.org/x", ("http://a.org/", 307)), (Status.OK, "ok")),
        # Registered domains by the Public Suffix List: .org.uk pairs differ, subdomains do not.
        (page("http://a.org.uk/", "http://b.org.uk/", ("http://a.org.uk/", 301)), (Status.MOVED, "redirect")),
        (page("http://x.a.co.uk/", "http://y.a.co.uk/", ("http://x.a.co.uk/", 301)), (Status.REDIRECTED, "http-301")),
        (page("http://a.blogspot.com/", "http://b.blogspot.com/", ("http://a.blogspot.com/", 301)),
         (Status.MOVED, "redirect")),
        (page("http://a.org/", "http://b.net/", ("http://a.org/", META_REFRESH)), (Status.MOVED, "meta-refresh")),
        # IDN: listed in Unicode, redirected to its punycode form: the same site.
        (page("http://bücher.de/", "https://xn--bcher-kva.de/", ("http://bücher.de/", 301)),
         (Status.REDIRECTED, "http-301")),
        (page("http://a.org/", "http://a.org/", status=404), (Status.DEAD, "http-404")),
        (page("http://a.org/", "http://a.org/", status=410), (Status.DEAD, "http-410")),
        (page("http://a.org/", "http://a.org/", status=401), (Status.BLOCKED, "http-401")),
        (page("http://a.org/", "http://a.org/", status=451), (Status.BLOCKED, "http-451")),
        (page("http://a.org/", "http://a.org/", status=502), (Status.SERVER_ERROR, "http-502")),
        (page("http://a.org/", "http://a.org/", status=503,
              text="<title>Just a moment...</title><p>Checking your browser before accessing a.org</p>"),
         (Status.BLOCKED, "challenge")),
        # A redirect to a parking lander is parked, not moved: the identity question is answered.
        (page("http://a.org/", "http://lander.example/", ("http://a.org/", 302),
              text="<title>a.org is for sale</title><p>This domain is for sale! Buy this domain now.</p>"),
         (Status.PARKED, "parked")),
    ],
)
def test_pages(case: Page, expected: tuple[Status, str]) -> None:
    outcome = classify_page(case)
    assert (outcome.status, outcome.reason) == expected


def test_soft_404_needs_the_probe_to_agree() -> None:
    missing = "<title>Page not found</title><h1>Page not found</h1>"
    alone = page("http://a.org/x", "http://a.org/x", text=missing)
    assert classify_page(alone).status == Status.OK  # no probe yet: no verdict of death
    probed = Page(alone.listed_url, alone.final_url, 200, {}, (), missing, "Page not found", 200, True)
    assert (classify_page(probed).status, classify_page(probed).reason) == (Status.DEAD, "soft-404")
    different = Page(alone.listed_url, alone.final_url, 200, {}, (), missing, "Page not found", 404, False)
    assert classify_page(different).status == Status.OK


@pytest.mark.parametrize(
    ("error", "kwargs", "expected"),
    [
        (CannotResolveHostError("x"), {}, (Status.DEAD, "dns")),
        (CannotResolveHostError("x"), {"refused_address": "10.0.0.1"}, (Status.REFUSED_BY_POLICY, "private-address")),
        (AddressRefused("127.0.0.1"), {}, (Status.REFUSED_BY_POLICY, "private-address")),
        (DownloadConnectionRefusedError("x"), {}, (Status.DEAD, "refused")),
        (DownloadTimeoutError("x"), {}, (Status.DEAD, "timeout")),
        (DownloadTimeoutError("x"), {"tls_problem": "self-signed certificate"}, (Status.DEAD, "tls")),
        (IgnoreRequest("max redirections reached"), {"redirect_urls": ["http://a.org/a", "http://a.org/b"]},
         (Status.DEAD, "redirect-loop")),
        (RuntimeError("anything"), {}, (Status.DEAD, "connection")),
    ],
)
def test_failures(error: BaseException, kwargs: dict[str, object], expected: tuple[Status, str]) -> None:
    outcome = classify_failure(error, "http://a.org/a", **kwargs)  # type: ignore[arg-type]
    assert (outcome.status, outcome.reason) == expected


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("example.org:443:127.0.0.1", ("example.org", 443, "127.0.0.1")),
        ("*:80:127.0.0.1", ("*", 80, "127.0.0.1")),
        ("Bücher.de:80:[::1]", ("xn--bcher-kva.de", 80, "::1")),
    ],
)
def test_resolve_specs(spec: str, parsed: tuple[str, int, str]) -> None:
    assert parse_resolve(spec) == parsed


@pytest.mark.parametrize("spec", ["example.org", "example.org:http:127.0.0.1", "a:80:not-an-ip", "a:0:127.0.0.1"])
def test_bad_resolve_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="--resolve"):
        parse_resolve(spec)

