"""The page as a reader sees it: its visible text, its main headings, its outbound links, and
whether two pages show the same text.

Pure functions over decoded HTML that read at most `SCAN_LIMIT` characters of it and never
raise; each is linear in what it reads (no pattern whose quantifiers can share input). The
signal table (`crawler.verdict.page_signals`) and the identity check read pages through these.
"""

from __future__ import annotations

import html
import re

# Parking, challenge and 404 pages are small and say what they are near the top; reading a large
# page to the end only costs CPU per URL.
SCAN_LIMIT = 32_000  # characters of HTML
# What a reader sees of those: a parking, challenge or error page says what it is in a few dozen
# words. Looking no further also keeps "coming soon" deep in a long, living page from counting.
TEXT_WORDS = 1_000
# same_page: pages whose normalised words agree this much are the same page.
SAME_PAGE_RATIO = 0.9
# The top of a page is enough to tell its template and its message; the comparison costs at
# most (words of both) x (edits allowed), a few milliseconds at 500 words.
SAME_PAGE_MAX_WORDS = 500


# --- visible text ------------------------------------------------------------------------------------

# Tag names are ASCII case-insensitive (re.ASCII: "<ſtyle>" is not "<style>").
_TAG_NAME = re.IGNORECASE | re.ASCII
# <noscript> stays: a client without JavaScript, like us, sees it (challenge pages speak there).
_SKIPPED_BLOCK = re.compile(r"<(script|style|template)\b|<!--", _TAG_NAME)
_BLOCK_CLOSERS = {
    tag: re.compile(rf"</{tag}\b", _TAG_NAME) for tag in ("script", "style", "template")
}
# Possessive: a tag is read from its "<" to the next bracket once, never again from inside.
_TAG = re.compile(r"<[^<>]*+>")
_H1_OPEN = re.compile(r"<h1\b[^<>]*+>", _TAG_NAME)
_H1_CLOSE = re.compile(r"</h1\s*>", _TAG_NAME)
_MAX_HEADINGS = 5
# A heading says "not found" in a few words; the text of an <h1> past this many characters is
# a paragraph, and matching the many-language not-found pattern over it costs CPU per URL.
_HEADING_CHARS = 500
# A first guess of the markup a word of visible text takes (visible_text doubles it as needed).
_CHARS_PER_WORD = 8


def _block_end(markup: str, opener: re.Match[str]) -> int:
    """Where the script, style, template or comment opened by `opener` ends; -1 if it does not."""
    if opener.group() == "<!--":
        end = markup.find("-->", opener.end())
        return end if end == -1 else end + len("-->")
    closer = _BLOCK_CLOSERS[opener.group(1).lower()].search(markup, opener.end())
    end = markup.find(">", closer.end()) if closer is not None else -1
    return end if end == -1 else end + 1


def _drop_blocks(markup: str) -> str:
    """`markup` without scripts, styles, templates and comments; linear in its length."""
    parts: list[str] = []
    position = 0
    while (opener := _SKIPPED_BLOCK.search(markup, position)) is not None:
        parts.append(markup[position : opener.start()])
        position = _block_end(markup, opener)
        if position == -1:
            # Unclosed: a browser shows nothing after it either.
            return "".join(parts)
    parts.append(markup[position:])
    return "".join(parts)


def collapse(text: str, max_words: int | None = None) -> str:
    if max_words is None:
        return " ".join(text.split())
    # maxsplit stops splitting there: the rest of a long page is never cut into words.
    return " ".join(text.split(None, max_words)[:max_words])


def _text_of(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def visible_text(html_text: str, max_words: int | None = TEXT_WORDS) -> str:
    """The text a reader sees: no tags, scripts, styles or comments; entities resolved; one line.

    At most `max_words` words (None: all of the first `SCAN_LIMIT` characters of HTML).
    """
    markup = _drop_blocks(html_text[:SCAN_LIMIT])
    if max_words is None:
        return collapse(_text_of(markup))
    # Most pages show their first words within a few kilobytes: turn only a prefix into text,
    # doubling it until it holds more than enough words. The prefix ends just before a "<", so
    # every tag and entity in it is whole and its words are the page's first words, except
    # perhaps the last one, which text after the cut could continue: hence "more than".
    window = max_words * _CHARS_PER_WORD
    while window < len(markup):
        cut = markup.rfind("<", 0, window)
        if cut > 0:
            words = _text_of(markup[:cut]).split(None, max_words)
            if len(words) > max_words:
                return " ".join(words[:max_words])
        window *= 2
    return collapse(_text_of(markup), max_words)


def _headings(html_text: str) -> str:
    found: list[str] = []
    position = 0
    limited = html_text[:SCAN_LIMIT]
    while len(found) < _MAX_HEADINGS and (opener := _H1_OPEN.search(limited, position)):
        closer = _H1_CLOSE.search(limited, opener.end())
        end = closer.start() if closer else len(limited)
        found.append(visible_text(limited[opener.end() : end])[:_HEADING_CHARS])
        position = closer.end() if closer else len(limited)
    return "\n".join(found)


def headings(html_text: str) -> str:
    """The visible text of the page's first <h1> elements (in its top `SCAN_LIMIT` characters),
    one per line."""
    return _headings(html_text)


# --- outbound links -------------------------------------------------------------------------------

_LINK_HOST = re.compile(r"<a\b[^<>]{0,500}?\bhref[ \t]{0,3}=[ \t]{0,3}[\"']?https?://([a-z0-9.-]{1,253})", _TAG_NAME)


def outbound_hosts(html_text: str) -> list[str]:
    """Host names (lower case) of the absolute http(s) links in the top `SCAN_LIMIT` characters of
    a page, in order, repeats included."""
    return [host.lower().rstrip(".") for host in _LINK_HOST.findall(html_text[:SCAN_LIMIT])]


# --- same page ------------------------------------------------------------------------------------

# Words that differ between two answers of the same page: numbers, dates, times, the requested
# path echoed back, session ids and other random tokens all contain a digit or a slash, or are
# longer than any word.
_UNSTABLE_WORD = re.compile(r"[\d/\\]|^\S{31,}$")


def _words(html_text: str) -> list[str]:
    words = visible_text(html_text, max_words=None).lower().split()
    stable = [word for word in words if _UNSTABLE_WORD.search(word) is None]
    return stable[:SAME_PAGE_MAX_WORDS]


def _within_edits(a: list[int], b: list[int], limit: int) -> bool:
    """Whether `b` can be made from `a` with at most `limit` insertions and deletions.

    Myers' greedy diff ("An O(ND) Difference Algorithm", 1986), stopped after `limit` edits:
    at most (len(a) + len(b)) x limit steps, whatever the words. (difflib's matcher, used
    before, took a quarter of a second on 500 words of a reversed repeating pattern.)
    """
    n, m = len(a), len(b)
    if abs(n - m) > limit:
        return False
    # furthest[k + shift]: the furthest x reached on diagonal k = x - y.
    shift = limit + 1
    furthest = [0] * (2 * limit + 3)
    for edits in range(limit + 1):
        for k in range(-edits, edits + 1, 2):
            if k == -edits or (k != edits and furthest[shift + k - 1] < furthest[shift + k + 1]):
                x = furthest[shift + k + 1]  # a word of `b` inserted
            else:
                x = furthest[shift + k - 1] + 1  # a word of `a` deleted
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            furthest[shift + k] = x
            if x >= n and y >= m:
                return True
    return False


def same_page(a: str, b: str) -> bool:
    """Whether two HTML pages show near-identical text (≥ 90 % of words in the same order).

    For telling a site that answers every path with its home page from one with a real 404 page.
    Both blank counts as the same page. "90 % in the same order": twice their longest common
    subsequence of words is at least 90 % of the words of both.
    """
    words_a, words_b = _words(a), _words(b)
    if not words_a and not words_b:
        return True
    ids: dict[str, int] = {}
    ints_a = [ids.setdefault(word, len(ids)) for word in words_a]
    ints_b = [ids.setdefault(word, len(ids)) for word in words_b]
    # 2 * common >= ratio * total  <=>  edits = total - 2 * common <= (1 - ratio) * total
    total = len(ints_a) + len(ints_b)
    return _within_edits(ints_a, ints_b, int((1 - SAME_PAGE_RATIO) * total + 1e-9))
