"""The newest date a site itself gives for its content.

Pure parsers over header values, HTML text and feed or sitemap bytes. Each returns a
`datetime.date` or None and never raises: dates before 1995 (before the web had sites to update)
or after tomorrow (a wrong clock, an event announcement) are not evidence and are ignored.

Every byte here comes from a site, so every parser is linear in its input and reads a bounded
prefix of it: feeds and sitemaps go through lxml's XML parser (no DTD, no entity expansion, no
network; at most `XML_LIMIT` bytes), HTML through scanners that read each tag once (at most
`HTML_LIMIT` characters). No regular expression here lets two quantifiers compete for the same
characters.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from urllib.parse import urljoin, urlsplit

from lxml import etree

EARLIEST = date(1995, 1, 1)
XML_LIMIT = 2 * 1024 * 1024  # bytes of a feed or sitemap, decompressed
JSON_LD_LIMIT = 1024 * 1024  # characters of one JSON-LD block
HTML_LIMIT = 1024 * 1024  # characters of HTML searched for dates and links
MAX_FEED_LINKS = 2
MAX_SITEMAPS = 2
# Per page: tags and JSON-LD blocks looked at, and dates parsed. A page or a feed dates itself
# near its top (the newest post first); past these, more of the same only costs CPU.
MAX_TAGS = 2_000
MAX_JSON_LD_BLOCKS = 64
MAX_DATES = 1_000
# A sitemap lists at most 50,000 URLs (sitemaps.org); it need not list the newest first.
MAX_SITEMAP_DATES = 50_000
MAX_DATE_LENGTH = 80  # characters; longer text is no date
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

# Tags, each read from its "<" to its first ">" (possessive: a tag without one fails at the
# next "<", where the next search starts, so every character is read once).
_SCRIPT = re.compile(r"<script\b[^<>]*+>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*+>", re.IGNORECASE)
_JSON_LD_HINT = re.compile(r"ld\+json", re.IGNORECASE)
_JSON_LD_WRAPPER = re.compile(r"^(?://\s*+)?(?:<!--|<!\[CDATA\[)|(?://\s*+)?(?:-->|\]\]>)$")
_META = re.compile(r"<meta\b[^<>]*+>", re.IGNORECASE)
_LINK = re.compile(r"<link\b[^<>]*+>", re.IGNORECASE)
_BASE = re.compile(r"<base\b[^<>]*+>", re.IGNORECASE)
_TIME = re.compile(r"<time\b[^<>]*+>", re.IGNORECASE)
# An attribute starts only where a name starts (the look-behind): a long name is read once,
# not again from each of its characters.
_ATTRIBUTE = re.compile(
    r"""(?<![a-z0-9:_-])([a-z][a-z0-9:_-]*+)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'<>`=]++))""",
    re.IGNORECASE,
)
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
# Feed and sitemap dates: RSS pubDate/lastBuildDate, Atom updated/published, Dublin Core date,
# sitemap lastmod -- in any namespace, or with a prefix no namespace declares.
_FEED_DATE_NAMES = ("pubdate", "lastbuilddate", "updated", "published", "date", "modified")
_ISO_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_SITEMAP_LINE = re.compile(r"^[ \t]*+sitemap[ \t]*+:[ \t]*+(\S++)", re.IGNORECASE | re.MULTILINE)
# What XML 1.0 cannot carry: libxml2 stops at it even when recovering.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _named(*names: str) -> etree.XPath:
    """Elements named any of `names` (lower case), any case, in any namespace or prefix."""
    name = "translate(local-name(), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    listed = "|" + "|".join(names) + "|"  # one lowering and one look-up per element
    test = (f"contains('{listed}', concat('|', {name}, '|'))"
            f" or contains('{listed}', concat('|', substring-after({name}, ':'), '|'))")
    # Each element's first text (CDATA included): strings from C, no element objects.
    return etree.XPath(f"//*[{test}]/text()[1]", smart_strings=False)


_FEED_DATES = _named(*_FEED_DATE_NAMES)
_LASTMODS = _named("lastmod")
# One XML parser per thread (an lxml parser serves one thread at a time). Nothing is fetched or
# expanded: no DTD, no entities, no network; comments and processing instructions are dropped.
_PARSERS = threading.local()


# --- dates ----------------------------------------------------------------------------------------


def _today() -> date:
    return datetime.now(UTC).date()


def _latest(today: date | None) -> date:
    """The newest date that counts: tomorrow (clocks differ), from `today` or the clock."""
    return (today or _today()) + timedelta(days=1)


def _plausible(day: date | None, today: date | None, latest: date | None = None) -> date | None:
    if day is None:
        return None
    return day if EARLIEST <= day <= (latest or _latest(today)) else None


def _utc_date(moment: datetime) -> date:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _parse_iso(value: str) -> date | None:
    """The date of an ISO 8601 date or date-time ("2024-05-01", "2024-05-01T23:30:00-02:00")."""
    value = value.strip()
    if len(value) > MAX_DATE_LENGTH:
        return None
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
    value = value.strip()
    if len(value) > MAX_DATE_LENGTH:
        return None
    try:
        return _utc_date(email.utils.parsedate_to_datetime(value))
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


def _tags(pattern: re.Pattern[str], text: str, *hints: str) -> Iterator[dict[str, str]]:
    """The attributes of the first MAX_TAGS tags `pattern` finds whose text, in lower case,
    holds one of `hints` (a substring test spares reading the attributes of the others)."""
    for match in islice(pattern.finditer(text), MAX_TAGS):
        tag = match.group()
        if not hints or any(hint in tag.lower() for hint in hints):
            yield _attributes(tag)


def _json_ld_blocks(html_text: str) -> Iterator[str]:
    """The text of each `<script type="application/ld+json">`, at most MAX_JSON_LD_BLOCKS."""
    if _JSON_LD_HINT.search(html_text) is None:
        return  # most pages have none: no script is looked at
    position, found = 0, 0
    while found < MAX_JSON_LD_BLOCKS and (opener := _SCRIPT.search(html_text, position)):
        closer = _SCRIPT_END.search(html_text, opener.end())
        if closer is None:
            return  # no later script is closed either
        position = closer.end()
        if _attributes(opener.group()).get("type", "").lower().startswith("application/ld+json"):
            found += 1
            yield html_text[opener.end() : closer.start()]


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


def _html_date_values(html_text: str) -> Iterator[str]:
    for block in _json_ld_blocks(html_text):
        block = block.strip()[:JSON_LD_LIMIT]
        # Sites wrap JSON-LD in CDATA sections or HTML comments to please old validators.
        block = _JSON_LD_WRAPPER.sub("", block)
        try:
            document = json.loads(block, strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _json_ld_values(document)
    for attributes in _tags(_META, html_text, "date", "time"):
        key = attributes.get("property") or attributes.get("name") or attributes.get("itemprop")
        if key and key.lower() in _META_KEYS and "content" in attributes:
            yield attributes["content"]
    for attributes in _tags(_TIME, html_text, "datetime"):
        if value := attributes.get("datetime"):
            yield value


def _newest_plausible(values: Iterable[str], parse: Callable[[str], date | None],
                      today: date | None, limit: int) -> date | None:
    """The newest plausible date among the first `limit` distinct values."""
    distinct = dict.fromkeys(islice(values, limit))  # a site repeats its dates; parse each once
    latest = _latest(today)
    return newest(*(_plausible(parse(value), today, latest) for value in distinct))


def from_html(html_text: str, *, today: date | None = None) -> date | None:
    """The newest plausible content date a page states about itself.

    From JSON-LD `dateModified`/`datePublished` (nested and `@graph` included),
    `<meta property="article:modified_time">`, `article:published_time`, `og:updated_time`,
    microdata `dateModified`/`datePublished`, and `<time datetime>`.
    """
    values = _html_date_values(html_text[:HTML_LIMIT])
    return _newest_plausible(values, _parse_iso, today, MAX_DATES)


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
    for attributes in _tags(_LINK, text, "alternate"):
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


def _xml_parser() -> etree.XMLParser:
    parser = getattr(_PARSERS, "xml", None)
    if parser is None:
        parser = _PARSERS.xml = etree.XMLParser(
            recover=True,  # feeds in the wild are often not well-formed
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,  # libxml2's own limits: nesting depth, name and text lengths
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
            encoding="utf-8",  # the text is re-encoded below, whatever the prolog declares
        )
    return parser


def _xml_element_texts(xml_bytes: bytes, elements: etree.XPath) -> Iterator[str]:
    """The texts `elements` selects in the feed or sitemap, in document order."""
    text = _XML_INVALID.sub("", _xml_text(xml_bytes)).strip()
    if not text:
        return
    try:
        root = etree.fromstring(text.encode("utf-8", errors="replace"), _xml_parser())
    except (etree.LxmlError, ValueError):
        return
    if root is None:
        return
    for value in elements(root):
        if len(value) <= 4 * MAX_DATE_LENGTH:
            yield value


def from_feed(xml_bytes: bytes, *, today: date | None = None) -> date | None:
    """The newest plausible date in an RSS or Atom feed (pubDate, lastBuildDate, updated, ...)."""
    values = _xml_element_texts(xml_bytes, _FEED_DATES)
    return _newest_plausible(values, _parse_any, today, MAX_DATES)


def from_sitemap(xml_bytes: bytes, *, today: date | None = None) -> date | None:
    """The newest plausible `<lastmod>` of a sitemap or sitemap index."""
    values = _xml_element_texts(xml_bytes, _LASTMODS)
    return _newest_plausible(values, _parse_iso, today, MAX_SITEMAP_DATES)


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
