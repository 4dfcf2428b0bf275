"""The newest date a site gives for its content: headers, HTML, feeds, sitemaps, robots.txt."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.verdict.freshness import (
    feed_links,
    from_feed,
    from_html,
    from_last_modified,
    from_sitemap,
    is_inactive,
    newest,
    sitemap_urls_from_robots,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 17 Nov 2026 08:12:31 GMT", date(2026, 11, 17)),
        ("Sunday, 06-Nov-1994 08:49:37 GMT", None),  # before 1995: not evidence
        ("Mon, 23 Nov 2026 23:30:00 -0500", date(2026, 11, 24)),  # in UTC
        ("Wed, 25 Nov 2026 10:00:00 GMT", date(2026, 11, 25)),  # tomorrow: allowed (clocks)
        ("Thu, 26 Nov 2026 10:00:00 GMT", None),  # the future
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_from_last_modified(value: str | None, expected: date | None) -> None:
    assert from_last_modified(value, today=TODAY) == expected


JSON_LD_GRAPH = """
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Example"},
  {"@type": "Article", "datePublished": "2026-01-02T10:00:00+00:00",
   "dateModified": "2026-03-04T10:00:00Z",
   "publisher": {"@type": "Organization", "founded": "1990-01-01"}}
]}
</script>"""


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (JSON_LD_GRAPH, date(2026, 3, 4)),
        # A list of documents, single quotes around the type, a CDATA wrapper, raw newlines in
        # strings: sites do all of these.
        (
            "<script type='application/ld+json'>//<![CDATA[\n[{\"datePublished\": \"2025-05-05\"},"
            '{"headline": "a\nb", "dateModified": "2025-06-06"}]\n//]]></script>',
            date(2025, 6, 6),
        ),
        (
            "<script type='application/ld+json'><![CDATA[[{\"datePublished\": \"2025-05-05\"},"
            '{"headline": "a\nb", "dateModified": "2025-06-06"}]]]></script>',
            date(2025, 6, 6),
        ),
        # Broken JSON-LD is skipped, the rest still counts.
        (
            '<script type="application/ld+json">{"dateModified": "2026-01-01",</script>'
            '<meta property="article:modified_time" content="2025-12-31T23:00:00-02:00">',
            date(2026, 1, 1),
        ),
        (
            '<meta property="article:modified_time" content="2026-10-01T08:00:00+02:00" />',
            date(2026, 10, 1),
        ),
        ('<meta content="2026-09-09" property="article:published_time">', date(2026, 9, 9)),
        ("<meta property='og:updated_time' content='2026-08-08T12:00:00'>", date(2026, 8, 8)),
        ('<meta itemprop="dateModified" content="2026-07-07">', date(2026, 7, 7)),
        (
            '<p>Posted <time datetime="2026-05-01T09:00">1 May</time>, updated '
            "<time class=x datetime=2026-06-02>2 June</time></p>",
            date(2026, 6, 2),
        ),
        # Future events and ancient dates are not content dates.
        ('<time datetime="2027-03-01">Congress</time><time datetime="1990-01-01">', None),
        ('<time>no attribute</time><meta name="description" content="2026-01-01">', None),
        ("", None),
    ],
)
def test_from_html(page: str, expected: date | None) -> None:
    assert from_html(page, today=TODAY) == expected


def test_from_html_survives_deeply_nested_json_ld() -> None:
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    assert from_html(deep + '<time datetime="2026-01-01">', today=TODAY) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("page", "base", "expected"),
    [
        (
            '<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">'
            '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">'
            '<link rel="alternate" type="application/atom+xml" href="/atom.xml">',
            "https://example.org/news/",
            ["https://example.org/feed/", "https://example.org/comments/feed/"],
        ),
        (
            "<LINK HREF='atom.xml' TYPE='application/atom+xml' REL='Alternate'>",
            "https://example.org/blog/",
            ["https://example.org/blog/atom.xml"],
        ),
        (
            '<base href="https://cdn.example.net/site/">'
            '<link rel="alternate" type="application/rss+xml" href="rss.xml">',
            "https://example.org/",
            ["https://cdn.example.net/site/rss.xml"],
        ),
        (
            '<link rel="stylesheet" href="/a.css"><link rel="alternate" hreflang="de" href="/de/">'
            '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">',
            "https://example.org/",
            [],
        ),
    ],
)
def test_feed_links(page: str, base: str, expected: list[str]) -> None:
    assert feed_links(page, base) == expected


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
  <title>&xxe;</title>
  <lastBuildDate>Mon, 16 Nov 2026 10:00:00 +0000</lastBuildDate>
  <item><pubDate>Fri, 20 Nov 2026 18:30:00 GMT</pubDate></item>
  <item><pubDate>Sat, 01 Jan 2028 00:00:00 GMT</pubDate></item>
  <item><dc:date>2026-11-19T08:00:00Z</dc:date></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <updated>2026-10-01T00:00:00Z</updated>
  <entry>
    <published>2026-10-03T12:00:00+02:00</published><updated>2026-10-05T12:00:00Z</updated>
  </entry>
  <entry><updated><![CDATA[2026-09-01T00:00:00Z]]></updated></entry>
</feed>"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (RSS, date(2026, 11, 20)),
        (ATOM, date(2026, 10, 5)),
        (
            "<rss><channel><pubDate>2026-02-02</pubDate></channel></rss>".encode("utf-16"),
            date(2026, 2, 2),
        ),
        (b"<rss><channel><title>No dates</title></channel></rss>", None),
        (b"\x00\xff garbage", None),
        (b"", None),
    ],
)
def test_from_feed(data: bytes, expected: date | None) -> None:
    assert from_feed(data, today=TODAY) == expected


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.org/</loc><lastmod>2026-11-01</lastmod></url>
  <url><loc>https://example.org/a</loc><lastmod>2026-11-10T10:00:00+00:00</lastmod></url>
  <url><loc>https://example.org/b</loc></url>
</urlset>"""

SITEMAP_INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>https://example.org/post-sitemap.xml</loc><lastmod>2026-11-22T09:00:00+00:00</lastmod>
  </sitemap>
  <sitemap><loc>https://example.org/page-sitemap.xml</loc><lastmod>2025-01-01</lastmod></sitemap>
</sitemapindex>"""


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SITEMAP, date(2026, 11, 10)),
        (SITEMAP_INDEX, date(2026, 11, 22)),
        (gzip.compress(SITEMAP), date(2026, 11, 10)),  # sitemap.xml.gz without Content-Encoding
        (b"<urlset><url><lastmod>2099-01-01</lastmod></url></urlset>", None),
        (b"<urlset><url><loc>https://example.org/</loc></url></urlset>", None),
        (b"\x1f\x8b not really gzip", None),
        (b"<html><body>Not a sitemap</body></html>", None),
    ],
)
def test_from_sitemap(data: bytes, expected: date | None) -> None:
    assert from_sitemap(data, today=TODAY) == expected


def test_xml_input_is_bounded() -> None:
    data = b"<urlset>" + b" " * (3 * 1024 * 1024) + b"<lastmod>2026-01-01</lastmod></urlset>"
    assert from_sitemap(data, today=TODAY) is None


@pytest.mark.parametrize(
    ("robots", "expected"),
    [
        (
            "User-agent: *\nDisallow: /admin\n\nSitemap: https://example.org/sitemap_index.xml\n"
            "sitemap:https://example.org/news-sitemap.xml # news\nSITEMAP: /third.xml\n",
            ["https://example.org/sitemap_index.xml", "https://example.org/news-sitemap.xml"],
        ),
        ("Sitemap: /sitemap.xml\r\nSitemap: /sitemap.xml\r\n", ["https://example.org/sitemap.xml"]),
        ("User-agent: *\nDisallow:\n# Sitemap: https://example.org/commented.xml\n", []),
        ("Sitemap: ftp://example.org/sitemap.xml", []),
        ("", []),
    ],
)
def test_sitemap_urls_from_robots(robots: str, expected: list[str]) -> None:
    assert sitemap_urls_from_robots(robots, "https://example.org/robots.txt") == expected


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((date(2026, 1, 1), None, date(2025, 1, 1)), date(2026, 1, 1)),
        ((None, None), None),
        ((), None),
    ],
)
def test_newest(dates: tuple[date | None, ...], expected: date | None) -> None:
    assert newest(*dates) == expected


@pytest.mark.parametrize(
    ("updated", "window", "expected"),
    [
        (None, 365, False),  # unknown is not inactive
        (date(2026, 11, 1), 365, False),
        (date(2025, 11, 24), 365, False),  # exactly a year
        (date(2025, 11, 23), 365, True),
        (date(2026, 10, 1), 30, True),
    ],
)
def test_is_inactive(updated: date | None, window: int, expected: bool) -> None:
    assert is_inactive(updated, TODAY, window_days=window) is expected


# --- properties -----------------------------------------------------------------------------------

markup = st.lists(
    st.sampled_from(
        ['<script type="application/ld+json">', "</script>", '{"dateModified": "', '"}', "[", "]",
         "<meta property='article:modified_time' content='", "'>", "<time datetime=", ">",
         "2026-01-01", "9999-99-99", "-0001-01-01", "T25:61:00+99:00", "<lastmod>", "</lastmod>",
         "<pubDate>", "</pubDate>", "Mon, 32 Foo 2026",
         "<link rel=alternate type=application/rss+xml href=",
         "<![CDATA[", "]]>", "\x00", "\n"]
    )
    | st.text(max_size=12),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=markup, base=st.sampled_from(["https://example.org/", "", "http://[::1", "x"]))
def test_parsers_never_raise(text: str, base: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    for day in (
        from_html(text),
        from_feed(data),
        from_sitemap(data),
        from_last_modified(text),
    ):
        assert day is None or date(1995, 1, 1) <= day
    assert len(feed_links(text, base)) <= 2
    assert len(sitemap_urls_from_robots(text.replace(">", "\nSitemap: "), base)) <= 2


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=500))
def test_xml_parsers_never_raise_on_bytes(data: bytes) -> None:
    for day in (from_feed(data), from_sitemap(data), from_sitemap(gzip.compress(data))):
        assert day is None or isinstance(day, date)
