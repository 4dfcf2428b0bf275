"""The page title as a reader sees it in a browser tab, and the page decoded as a browser would.

Both functions are pure: they take the response body and the Content-Type header value, never a
Scrapy response, and neither raises on any input -- a hostile or broken page must not break a crawl.
"""

from __future__ import annotations

import codecs
import re
import threading

from lxml import etree, html
from w3lib.encoding import html_to_unicode

from crawler.text import clean_text
from crawler.verdict.markup import tame

# Browsers find the charset and the <title> near the top; reading more only costs CPU per URL.
DECODE_LIMIT = 512 * 1024  # bytes
# Charset detection is the slow path (no BOM, header or <meta>); a prefix is enough evidence.
DETECT_LIMIT = 32 * 1024  # bytes
# Undeclared legacy charsets in rough order of how common they are on the web (Python codec names;
# w3lib then widens each to the superset browsers use, e.g. shift_jis to cp932).
_WEB_LEGACY_ENCODINGS = (
    "cp1252", "cp1251", "gb18030", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949", "big5",
    "cp1250", "iso8859-2", "cp1256", "cp1253", "cp1254", "koi8-r", "cp874", "cp1255", "cp1257",
    "iso8859-15", "iso8859-5", "iso8859-7", "cp1258",
)  # fmt: skip
DEFAULT_MAX_LENGTH = 300  # characters
ELLIPSIS = "\u2026"

# The first <title> in document order that belongs to the HTML document: an inline SVG icon or a
# MathML formula carries its own <title>, which browsers do not show in the tab.
_TITLE_XPATH = "//title[not(ancestor::svg) and not(ancestor::math)]"
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE | re.ASCII)
_LOWER = "translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
# Fallbacks, in order, when the document has no usable <title>. Sites write these with either
# `property` or `name`, so both are accepted.
_META_XPATHS = tuple(
    f"//meta[{_LOWER.format(attr='property')} = '{key}' or {_LOWER.format(attr='name')} = '{key}']"
    "/@content"
    for key in ("og:title", "twitter:title")
)
# Compiled once; plain strings (no "smart" strings that keep their tree alive).
_TITLES = etree.XPath(_TITLE_XPATH, smart_strings=False)
_STRING_VALUE = etree.XPath("string(.)", smart_strings=False)
_METAS = tuple(etree.XPath(xpath, smart_strings=False) for xpath in _META_XPATHS)


def _detect_encoding(body: bytes) -> str | None:
    """Guess the charset of a page that declares none (w3lib's last resort)."""
    prefix = body[:DETECT_LIMIT]
    try:
        # An incremental decode accepts a multi-byte sequence cut off by the prefix.
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Installed with requests (a tldextract dependency); without it, w3lib's default applies.
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    results = list(from_bytes(prefix))
    if not results:
        return None
    # On the few hundred bytes of a small page several single-byte charsets decode with equal
    # plausibility ("crème" is also valid cp1250). Among the least chaotic guesses, take the one
    # most common on the web, as a browser's locale default would; else the detector's favourite.
    calmest = min(result.chaos for result in results)
    candidates = {_codec_name(r.encoding) for r in results if r.chaos <= calmest + 0.01}
    for encoding in _WEB_LEGACY_ENCODINGS:
        if encoding in candidates:
            return encoding
    return results[0].encoding


def _codec_name(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return encoding
    # GB2312 pages use GBK characters in practice; GB18030 is the superset browsers decode with.
    return "gb18030" if name in {"gb2312", "gbk"} else name


def decode_html(body: bytes, content_type: str | None) -> str:
    """The first 512 KiB of `body` as text, decoded the way a browser would.

    The charset comes from a BOM, then the Content-Type header, then `<meta charset>` or its
    http-equiv form, then detection; undecodable bytes become U+FFFD. Never raises.
    """
    head = bytes(body[:DECODE_LIMIT])
    try:
        _, text = html_to_unicode(content_type, head, auto_detect_fun=_detect_encoding)
    except (LookupError, ValueError, TypeError):
        # A charset name w3lib's lookup accepts but Python's codecs refuse, or a header value
        # that is not text: decode as the web's default rather than give up.
        text = head.decode("utf-8", errors="replace")
    return text


def _shorten(text: str, max_length: int) -> str:
    if len(text) <= max_length:
        return text
    cut = text[:max_length]
    space = cut.rfind(" ")
    # Cut at a word boundary unless that would throw away more than half of what fits.
    if space > max_length // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


# One HTML parser per thread, reused: lxml parsers may serve one thread at a time, and building
# one for every page cost as much as parsing a page's head.
_PARSERS = threading.local()


def _parse(text: str) -> etree._Element:
    """`text` parsed as parsel's `Selector(text=..., type="html")` parses it (the title code used
    parsel until building a Selector per page proved to be most of its cost), after `tame` has
    bounded what any tag costs libxml2."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    body = tame(text.strip().replace("\x00", "")).encode("utf-8") or b"<html/>"
    root = etree.fromstring(body, parser=parser)
    # Nothing but a comment or a doctype, say: an empty document, as parsel gives.
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser)


def _document_title(root: etree._Element) -> str | None:
    for element in _TITLES(root)[:1]:
        title = clean_text(_STRING_VALUE(element) or "")
        if title:
            return title
    return None


def _first_usable(root: etree._Element) -> str | None:
    if (title := _document_title(root)) is not None:
        return title
    for xpath in _METAS:
        for value in xpath(root):
            title = clean_text(value)
            if title:
                return title
    return None


def _title_from_head(text: str) -> str | None:
    """The document title found by parsing only up to the first "</title>", if that finds one.

    Parsing a whole page costs milliseconds; the title closes within the first few kilobytes.
    The prefix yields the same first title as the whole page: titles do not nest, and a
    "</title>" inside a script, comment or SVG leaves the prefix without a usable title, so the
    caller parses everything.
    """
    end = _TITLE_END.search(text)
    if end is None or end.end() == len(text):
        return None
    return _document_title(_parse(text[: end.end()]))


def extract_title(
    body: bytes, content_type: str | None, max_length: int = DEFAULT_MAX_LENGTH
) -> str | None:
    """The title a browser shows in its tab for this page, or None when the page gives none.

    The first `<title>` outside inline SVG and MathML, with entities resolved; if it is missing or
    blank, `og:title`, then `twitter:title`. The result is non-empty, one line, free of control and
    bidi-override characters, and at most `max_length` characters plus a trailing "…" when cut.
    Never raises on any body or content type.
    """
    return title_from_text(decode_html(body, content_type), max_length)


def title_from_text(text: str, max_length: int = DEFAULT_MAX_LENGTH) -> str | None:
    """`extract_title` for a page already decoded with `decode_html` (one decode per page)."""
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}")
    # libxml2 stops at a NUL; browsers do not. (Tests before copies: a page is tens of KiB.)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text or text.isspace():
        return None
    try:
        title = _title_from_head(text) or _first_usable(_parse(text))
    except (ValueError, etree.LxmlError):
        # Text that cannot be encoded (lone surrogates), or a document libxml2 refuses even
        # in recovery mode: no title, never an error.
        return None
    if title is None:
        return None
    return _shorten(title, max_length)
