"""Making untrusted text safe to show: the escaping every report format shares.

Titles, details and notes come from the sites we check and from the directory file, so
any of them may carry control characters, bidi overrides, markup or spreadsheet formulas.
Each writer composes these functions; none of them escapes anything on its own.

- `clean_text` (`crawler.text`): one line of printable text (all formats except JSON, which
  keeps values exact);
- `plain_text`: `clean_text` plus `spreadsheet_safe`, for free text shown to people;
- `md_escape` / `md_code`: inline Markdown that can create no link, image, HTML or table cell;
- `html_escape`: text for HTML element content and quoted attribute values;
- `xml_safe`: drops what XML 1.0 cannot carry at all;
- `xml_attribute`, `xml_text`: `xml_safe` and escaped as ElementTree escapes, for JUnit's tags.
"""

from __future__ import annotations

import html
import re

from crawler.text import clean_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(s: str) -> str:
    """Prefix ``'`` when `s` starts like a spreadsheet formula (OWASP's CSV-injection rule),
    so a table pasted into a spreadsheet shows the text instead of running it."""
    return "'" + s if s.startswith(_FORMULA_START) else s


def plain_text(s: str | None) -> str:
    """Untrusted free text (a title, a detail, a note) as one safe line, before format escaping."""
    return spreadsheet_safe(clean_text(s))


# Runs of text that GitHub would turn into a link or a notification even when every
# punctuation character is escaped: URLs and www. autolinks, e-mail addresses and
# @mentions, issue references. They are shown as code spans instead.
# Each alternative starts only where its token can start (the look-behinds) and reads it once
# (possessive): a run of letters or of non-space characters is never re-read from each of its
# characters, which made a long URL in a detail cost seconds. GitHub links neither a scheme
# nor "www." glued to the letters before it.
_LITERAL_TOKENS = re.compile(
    r"(?<![A-Za-z0-9+.-])(?:[A-Za-z][A-Za-z0-9+.-]*+://|www\.)\S++"  # URLs
    r"|(?<!\S)(?=\S*?@\S)\S++"  # e-mail addresses, @mentions: a run holding "@" and more
    r"|(?<![\w&])(?:#|GH-)\d++\b",  # issue and pull request references
    re.IGNORECASE,
)

# CommonMark lets every ASCII punctuation character be backslash-escaped. These are the
# ones that can start emphasis, links, images, HTML, entities, headings, table cells,
# strikethrough or (on GitHub) math.
_TRAILING_PUNCTUATION = ".,:;!?'\")]}>*_~"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|!~&$])")


def md_code(s: str | None) -> str:
    """A code span for a URL, a path or another literal token (Markdown shows it verbatim).

    Backticks and pipes, the only characters that could end the span or a table cell,
    are percent-encoded, which keeps a URL meaning the same thing. ``""`` for empty input.
    """
    s = clean_text(s).replace("`", "%60").replace("|", "%7C")
    return f"`{s}`" if s else ""


def md_escape(s: str | None) -> str:
    """Inline Markdown showing `s` as text: it can create no link, image, HTML, emphasis,
    heading or table cell, and GitHub can turn nothing in it into a link or a mention.

    Meant for use inside a line (never at its start). The text is `clean_text`-ed first.
    """
    s = clean_text(s)
    out: list[str] = []
    pos = 0
    for match in _LITERAL_TOKENS.finditer(s):
        # Trailing punctuation stays prose, as GitHub's autolinker would leave it.
        token = match.group().rstrip(_TRAILING_PUNCTUATION)
        if not token:
            continue
        out.append(_MD_SPECIAL.sub(r"\\\1", s[pos : match.start()]))
        out.append(md_code(token))
        pos = match.start() + len(token)
    out.append(_MD_SPECIAL.sub(r"\\\1", s[pos:]))
    return "".join(out)


def html_escape(s: str | None, *, free_text: bool = True) -> str:
    """Untrusted text for HTML content or a quoted attribute value, escaped with quotes.

    Free text goes through `plain_text`; a URL or other literal (``free_text=False``)
    only through `clean_text`, so it is not given a spreadsheet prefix.
    """
    return html.escape(plain_text(s) if free_text else clean_text(s), quote=True)


# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(s: str | None) -> str:
    """`s` without the characters XML 1.0 cannot represent at all, even escaped
    (most C0 controls, lone surrogates, U+FFFE/U+FFFF). Escaping is another step."""
    return _XML_INVALID.sub("", s) if s else ""


# What ElementTree escapes in an attribute value; newlines and tabs too, so that a parser's
# attribute-value normalisation gives them back rather than turning them into spaces.
_XML_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}
)


def xml_attribute(s: str | None) -> str:
    """`s` made `xml_safe` and escaped for a double-quoted XML attribute value, exactly as
    ElementTree would write it (so hand-written and ElementTree-written tags agree)."""
    return xml_safe(s).translate(_XML_ATTRIBUTE_ESCAPES)


_XML_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def xml_text(s: str | None) -> str:
    """`s` made `xml_safe` and escaped for XML element content, exactly as ElementTree
    would write it."""
    return xml_safe(s).translate(_XML_TEXT_ESCAPES)
