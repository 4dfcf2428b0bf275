"""The page title as a reader sees it: decoding, the right <title>, cleaning, fallbacks, the cap."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.verdict.title import (
    DECODE_LIMIT,
    decode_html,
    extract_title,
    title_from_text,
)


def page(title: str, *, head: str = "", body: str = "<p>Welcome.</p>") -> str:
    return f"<html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


# Enough text in the body that detection has something to go on when nothing is declared.
RUSSIAN = "Коммунистическая партия Российской Федерации"
JAPANESE = "日本共産党 中央委員会"
CHINESE = "中国共产党新闻网"
POLISH = "Zażółć gęślą jaźń"
GREEK = "Ελληνικά νέα σήμερα"
FRENCH = "Café crème brûlée à la française"


@pytest.mark.parametrize(
    ("text", "encoding", "content_type", "head"),
    [
        # Declared in the Content-Type header.
        (RUSSIAN, "cp1251", "text/html; charset=windows-1251", ""),
        (RUSSIAN, "koi8-r", "text/html; charset=KOI8-R", ""),
        (JAPANESE, "shift_jis", "text/html; charset=Shift_JIS", ""),
        (JAPANESE, "euc-jp", "text/html; charset=EUC-JP", ""),
        # Declared GB2312 but using GBK-only characters ("镕"): decoded as the GB18030 superset.
        (CHINESE + " 朱镕基", "gbk", "text/html; charset=gb2312", ""),
        (POLISH, "iso-8859-2", "text/html; charset=iso-8859-2", ""),
        (GREEK, "iso-8859-7", "text/html; charset=ISO-8859-7", ""),
        ("Съешь же ещё этих булок", "iso-8859-5", "text/html; charset=iso-8859-5", ""),
        (FRENCH, "cp1252", "text/html; charset=iso-8859-1", ""),
        (FRENCH + " €", "iso-8859-15", 'text/html; charset="iso-8859-15"', ""),
        # Declared in the page: <meta charset> and the http-equiv form.
        (RUSSIAN, "cp1251", None, '<meta charset="windows-1251">'),
        (JAPANESE, "shift_jis", "text/html", "<meta charset=shift_jis>"),
        (
            CHINESE,
            "gb2312",
            "text/html",
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        ),
        (
            POLISH,
            "iso-8859-2",
            None,
            '<meta http-equiv=content-type content="text/html; charset=iso-8859-2">',
        ),
        # Not declared at all: UTF-8, then detection.
        ("Ünïcödé — “quoted” ✓", "utf-8", None, ""),
        (RUSSIAN, "cp1251", None, ""),
        (JAPANESE, "shift_jis", None, ""),
        (CHINESE, "gb18030", None, ""),
        (FRENCH, "cp1252", None, ""),
    ],
)
def test_title_decodes_every_charset(
    text: str, encoding: str, content_type: str | None, head: str
) -> None:
    body = page(text, head=head, body=f"<p>{text}. {text}.</p>").encode(encoding)
    assert extract_title(body, content_type) == text


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_mark_wins_over_the_header(bom: bytes, encoding: str) -> None:
    body = bom + page(RUSSIAN).encode(encoding)
    assert extract_title(body, "text/html; charset=iso-8859-1") == RUSSIAN


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Entities, named and numeric.
        (
            page("Fish &amp; Chips &ndash; &#8220;Best&#x201D; &eacute;t&eacute;"),
            "Fish & Chips – “Best” été",
        ),
        # White space of every kind, NBSP and newlines included, collapsed and stripped.
        (
            page("\n  Socialist\t\tParty&nbsp;&nbsp;\u00a0of\r\nGreat   Britain \u2003 "),
            "Socialist Party of Great Britain",
        ),
        # An inline SVG icon's <title> comes first in the document; the tab shows the page's.
        (
            "<html><body><svg><title>Menu icon</title></svg><h1>Home</h1>"
            "<title>The Real Title</title></body></html>",
            "The Real Title",
        ),
        (
            "<html><head><title>Page</title></head>"
            "<body><svg><title>Icon</title></svg></body></html>",
            "Page",
        ),
        ("<math><title>Formula</title></math><title>Maths Society</title>", "Maths Society"),
        # Only the first document title counts; one in a comment or a script is not a title.
        ("<title>First</title><title>Second</title>", "First"),
        ("<!-- <title>Old</title> --><title>New</title>", "New"),
        ("<script>document.write('<title>JS</title>')</script><title>Real</title>", "Real"),
        ("<svg><title>Icon</title></svg>" + "<p>text</p>" * 20_000 + "<title>Late</title>", "Late"),
        # Title text is not markup.
        ("<title>A <b>bold</b> claim</title>", "A <b>bold</b> claim"),
        # No usable title: og:title, then twitter:title.
        (page("", head='<meta property="og:title" content="Open &amp; Graph">'), "Open & Graph"),
        (
            page("   ", head='<meta name="twitter:title" content="Tweeted"><meta name="og:title">'),
            "Tweeted",
        ),
        (
            '<meta name="twitter:title" content="Tweeted"><meta property="OG:Title" content="OG">',
            "OG",
        ),
        ("<html><body><svg><title>Only an icon</title></svg></body></html>", None),
        ("<html><head></head><body><p>No title here</p></body></html>", None),
        ("", None),
        ("<title> \u00a0 </title>", None),
    ],
)
def test_title_as_a_reader_sees_it(html: str, expected: str | None) -> None:
    assert extract_title(html.encode("utf-8"), "text/html; charset=utf-8") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bell\x07 and\x00 null", "Bell and null"),
        ("C1\x85next\x9bline", "C1 nextline"),
        # Bidi embeddings, overrides and isolates could reorder a report line around the title.
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("\u2066isolated\u2069 \u202aembedded\u202c", "isolated embedded"),
        ("\ufeffBOM inside", "BOM inside"),
        ("line\u2028separator\u2029end", "line separator end"),
    ],
)
def test_control_and_bidi_characters_are_removed(raw: str, expected: str) -> None:
    assert extract_title(page(raw).encode("utf-8"), "text/html; charset=utf-8") == expected


@pytest.mark.parametrize(
    ("title", "max_length", "expected"),
    [
        ("Short title", 300, "Short title"),
        ("exactly ten", 11, "exactly ten"),
        # Cut at the last word boundary that fits, then the ellipsis.
        ("The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"),
        ("The quick brown fox jumps over the lazy dog", 22, "The quick brown fox…"),
        # No boundary in the second half: cut mid-word rather than lose most of it.
        ("Supercalifragilisticexpialidocious word", 10, "Supercalif…"),
        ("a " + "b" * 50, 10, "a bbbbbbbb…"),
    ],
)
def test_long_titles_are_capped(title: str, max_length: int, expected: str) -> None:
    assert extract_title(page(title).encode(), None, max_length=max_length) == expected


def test_default_cap_is_300_characters() -> None:
    title = extract_title(page("word " * 200).encode(), None)
    assert title is not None
    assert len(title) <= 301 and title.endswith("…")


def test_max_length_must_be_positive() -> None:
    with pytest.raises(ValueError):
        extract_title(b"<title>x</title>", None, max_length=0)


def test_decode_html_reads_only_the_first_512_kib() -> None:
    body = b"<title>Big</title>" + b"x" * (DECODE_LIMIT * 2)
    text = decode_html(body, "text/html")
    assert text.startswith("<title>Big</title>")
    assert len(text) == DECODE_LIMIT


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=no-such-charset", "text/html; charset=", "garbage;;;=", "", None],
)
def test_decode_html_survives_bad_declarations(content_type: str | None) -> None:
    assert decode_html(page("Fine").encode(), content_type).count("Fine") == 1


# --- properties -----------------------------------------------------------------------------------

CONTROL_OR_BIDI = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

html_like = st.lists(
    st.sampled_from(
        [
            "<title>", "</title>", "</TITLE >", "<svg>", "</svg>", "<math>", "<!--", "-->",
            "<script>", "<meta property='og:title' content='", "'>", "&amp;", "&#0;",
            "&#x202e;", "&nbsp;", "\x00", "\u202e", "\n", " ", "\x85", "\ufeff",
            "<meta charset=utf-16>", "<meta charset=shift_jis>",
        ]  # fmt: skip
    )
    | st.text(max_size=20),
    max_size=30,
).map("".join)

bodies = (
    st.binary(max_size=2000)
    | html_like.map(lambda s: s.encode("utf-8", errors="surrogatepass"))
    | html_like.map(lambda s: s.encode("utf-16", errors="surrogatepass"))
)
content_types = st.none() | st.text(max_size=60) | st.sampled_from(
    ["text/html; charset=utf-16", "text/html; charset=cp1251", "text/html; charset=x-unknown"]
)


@settings(max_examples=300, deadline=None)
@given(body=bodies, content_type=content_types, max_length=st.integers(1, 40))
def test_extract_title_never_raises_and_is_clean(
    body: bytes, content_type: str | None, max_length: int
) -> None:
    title = extract_title(body, content_type, max_length=max_length)
    if title is None:
        return
    assert title
    assert title == title.strip()
    assert len(title) <= max_length + 1
    assert not CONTROL_OR_BIDI & set(title)
    assert "  " not in title
    assert not any(unicodedata.category(c) in {"Zl", "Zp"} for c in title)


@settings(max_examples=200, deadline=None)
@given(body=bodies, content_type=content_types)
def test_decode_html_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_html(body, content_type), str)


def _title_through_parsel(text: str) -> str | None:
    """The document title as parsel's Selector finds it: what `crawler.verdict.title` did before it
    parsed with lxml directly, kept here as the reference."""
    from parsel import Selector

    from crawler.text import clean_text
    from crawler.verdict.title import _META_XPATHS, _TITLE_XPATH

    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        selector = Selector(text=text, type="html")
    except ValueError:
        return None
    for element in selector.xpath(_TITLE_XPATH)[:1]:
        if title := clean_text(element.xpath("string(.)").get() or ""):
            return title
    for xpath in _META_XPATHS:
        for value in selector.xpath(xpath).getall():
            if title := clean_text(value):
                return title
    return None


@settings(max_examples=300, deadline=None)
@given(page=html_like)
def test_title_is_the_one_parsel_finds(page: str) -> None:
    expected = _title_through_parsel(page)
    assert title_from_text(page, max_length=10_000) == expected
