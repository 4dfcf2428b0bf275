"""The newest date a site itself gives for its content.

Pure parsers over header values, HTML text and feed or sitemap bytes. Each returns a
`datetime.date` or None and never raises: dates before 1995 (before the web had sites to update)
or after tomorrow (a wrong clock, an event announcement) are not evidence and are ignored.
Feeds and sitemaps are read with regular expressions over at most `XML_LIMIT` bytes, so no
entity, DTD or network access of an XML parser is ever involved.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

EARLIEST = date(1995, 1, 1)
XML_LIMIT = 2 * 1024 * 1024  # bytes of a feed or sitemap, decompressed
JSON_LD_LIMIT = 1024 * 1024  # characters of one JSON-LD block
HTML_LIMIT = 1024 * 1024  # characters of HTML searched for dates and links
MAX_FEED_LINKS = 2
MAX_SITEMAPS = 2
# Keys whose values date the page's content (schema.org, JSON-LD).
_JSON_LD_KEYS = frozenset({"dateModified", "datePublished"})
# <meta> properties and names that do the same (Open Graph, article, schema.org microdata).
_META_KEYS = frozenset(
    {
        "article:modified_time",
        "article:published_time",
        "og:updated_time",
        "datemodified",
        "datepublished",
    }
)

_JSON_LD = re.compile(
    r"<script\b[^<>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^<>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_JSON_LD_WRAPPER = re.compile(r"^(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)$")
_META = re.compile(r"<meta\b[^<>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\b[^<>]*>", re.IGNORECASE)
_BASE = re.compile(r"<base\b[^<>]*>", re.IGNORECASE)
_TIME = re.compile(r"<time\b[^<>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([a-z][a-z0-9:_-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`=]+))""", re.IGNORECASE
)
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
# Feed and sitemap dates: RSS pubDate/lastBuildDate, Atom updated/published, Dublin Core date,
# sitemap lastmod -- with or without a namespace prefix, CDATA tolerated.
_ELEMENT_TEXT = r"\b[^<>]{0,200}>\s*(?:<!\[CDATA\[)?\s*([^<\]]{4,80}?)\s*(?:\]\]>)?\s*</"
_FEED_DATE = re.compile(
    r"<(?:[\w.-]{1,30}:)?(?:pubDate|lastBuildDate|updated|published|date|modified)" + _ELEMENT_TEXT,
    re.IGNORECASE,
)
_LASTMOD = re.compile(r"<(?:[\w.-]{1,30}:)?lastmod" + _ELEMENT_TEXT, re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


# --- dates ----------------------------------------------------------------------------------------


def _today() -> date:
    return datetime.now(UTC).date()


def _plausible(day: date | None, today: date | None) -> date | None:
    if day is None:
        return None
    latest = (today or _today()) + timedelta(days=1)
    return day if EARLIEST <= day <= latest else None


def _utc_date(moment: datetime) -> date:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _parse_iso(value: str) -> date | None:
    """The date of an ISO 8601 date or date-time ("2024-05-01", "2024-05-01T23:30:00-02:00")."""
    value = value.strip()
    try:
        return _utc_date(datetime.fromisoformat(value.replace("z", "Z")))
    except (ValueError, OverflowError):
        pass
    # Shapes fromisoformat refuses ("2024-05-01T10:00:00.1234567+0200 GMT"): the date part.
    match = _ISO_DATE.match(value)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _parse_rfc2822(value: str) -> date | None:
    """The date of an RFC 2822 / RFC 7231 date ("Tue, 01 May 2024 10:00:00 GMT")."""
    try:
        return _utc_date(email.utils.parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _parse_any(value: str) -> date | None:
    # Feeds are not strict: RSS dates in ISO form and Atom dates in RFC form both occur.
    return _parse_iso(value) or _parse_rfc2822(value)


def newest(*dates: date | None) -> date | None:
    """The latest of the given dates, ignoring None; None if there is none."""
    known = [day for day in dates if day is not None]
    return max(known) if known else None


def is_inactive(updated: date | None, today: date, window_days: int = 365) -> bool:
    """True when the site's newest date is older than `window_days`; False when it gives none."""
    return updated is not None and (today - updated).days > window_days


# --- HTTP -----------------------------------------------------------------------------------------


def from_last_modified(header_value: str | None, *, today: date | None = None) -> date | None:
    """The date of a Last-Modified header value (RFC 7231 HTTP-date), if plausible."""
    if not header_value:
        return None
    return _plausible(_parse_rfc2822(header_value), today)


# --- HTML -----------------------------------------------------------------------------------------


def _attributes(tag: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        name = match.group(1).lower()
        value = next((group for group in match.groups()[1:] if group is not None), "")
        attributes.setdefault(name, html.unescape(value).strip())
    return attributes


def _json_ld_values(document: object) -> Iterator[str]:
    """String values of dateModified/datePublished anywhere in a JSON-LD document (@graph too)."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _JSON_LD_KEYS and isinstance(value, str):
                    yield value
                elif isinstance(value, (dict, list)):
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)


def _html_dates(html_text: str) -> Iterator[date | None]:
    for match in _JSON_LD.finditer(html_text):
        block = match.group(1).strip()[:JSON_LD_LIMIT]
        # Sites wrap JSON-LD in CDATA sections or HTML comments to please old validators.
        block = _JSON_LD_WRAPPER.sub("", block)
        try:
            document = json.loads(block, strict=False)
        except (ValueError, RecursionError):
            continue
        for value in _json_ld_values(document):
            yield _parse_iso(value)
    for match in _META.finditer(html_text):
        attributes = _attributes(match.group())
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        if key and key.lower() in _META_KEYS and "content" in attributes:
            yield _parse_iso(attributes["content"])
    for match in _TIME.finditer(html_text):
        value = _attributes(match.group()).get("datetime")
        if value:
            yield _parse_iso(value)


def from_html(html_text: str, *, today: date | None = None) -> date | None:
    """The newest plausible content date a page states about itself.

    From JSON-LD `dateModified`/`datePublished` (nested and `@graph` included),
    `<meta property="article:modified_time">`, `article:published_time`, `og:updated_time`,
    microdata `dateModified`/`datePublished`, and `<time datetime>`.
    """
    text = html_text[:HTML_LIMIT]
    return newest(*(_plausible(day, today) for day in _html_dates(text)))


def _http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _join(base_url: str, reference: str) -> str | None:
    try:
        url = urljoin(base_url, reference.strip())
    except ValueError:
        return None
    return url if _http_url(url) else None


def feed_links(html_text: str, base_url: str) -> list[str]:
    """Absolute URLs of the page's RSS and Atom feeds (`<link rel="alternate">`), at most two."""
    text = html_text[:HTML_LIMIT]
    base = base_url
    if (tag := _BASE.search(text)) is not None and (href := _attributes(tag.group()).get("href")):
        base = _join(base_url, href) or base_url
    links: list[str] = []
    for match in _LINK.finditer(text):
        attributes = _attributes(match.group())
        rel = attributes.get("rel", "").lower().split()
        kind = attributes.get("type", "").lower().split(";")[0].strip()
        href = attributes.get("href")
        if "alternate" not in rel or kind not in _FEED_TYPES or not href:
            continue
        url = _join(base, href)
        if url and url not in links:
            links.append(url)
            if len(links) == MAX_FEED_LINKS:
                break
    return links


# --- feeds, sitemaps, robots.txt ------------------------------------------------------------------


def _xml_text(xml_bytes: bytes) -> str:
    """At most `XML_LIMIT` bytes of a feed or sitemap as text, gunzipped if it is gzip."""
    data = bytes(xml_bytes[:XML_LIMIT])
    if data.startswith(b"\x1f\x8b"):
        # A sitemap.xml.gz served without Content-Encoding; inflate no more than the limit.
        try:
            data = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, XML_LIMIT)
        except zlib.error:
            return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    # The dates are ASCII in every ASCII-compatible charset.
    return data.decode("utf-8", errors="replace")


def from_feed(xml_bytes: bytes, *, today: date | None = None) -> date | None:
    """The newest plausible date in an RSS or Atom feed (pubDate, lastBuildDate, updated, ...)."""
    text = _xml_text(xml_bytes)
    return newest(*(_plausible(_parse_any(m.group(1)), today) for m in _FEED_DATE.finditer(text)))


def from_sitemap(xml_bytes: bytes, *, today: date | None = None) -> date | None:
    """The newest plausible `<lastmod>` of a sitemap or sitemap index."""
    text = _xml_text(xml_bytes)
    return newest(*(_plausible(_parse_iso(m.group(1)), today) for m in _LASTMOD.finditer(text)))


def sitemap_urls_from_robots(text: str, base_url: str) -> list[str]:
    """Absolute URLs of the sitemaps a robots.txt names (`Sitemap:` lines), at most two."""
    urls: list[str] = []
    for match in _SITEMAP_LINE.finditer(text[:HTML_LIMIT]):
        url = _join(base_url, match.group(1).split("#")[0])
        if url and url not in urls:
            urls.append(url)
            if len(urls) == MAX_SITEMAPS:
                break
    return urls
