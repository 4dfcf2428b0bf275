"""A page's HTML made safe to hand to libxml2: no start tag holds more than `MAX_ATTRIBUTES`.

libxml2's HTML parser (lxml's, which `crawler.verdict.title` and `crawler.verdict.freshness`
use) compares every attribute of a start tag with each earlier one, to drop duplicates: a tag
with n attributes costs n² comparisons. One tag of a 512 KiB page can hold 130,000 attributes
(``<p a1 a2 a3 ...>``), about 25 s of CPU; 64 attributes cost microseconds. `tame` rewrites
only what could be such a tag, in time linear in the page, and leaves the ordinary page as it
was (the same object, unchanged).

Why no tag libxml2 reads from the result can hold more: only ``<`` followed by an ASCII
letter opens a start tag (HTML5, which libxml2 2.14 follows), whatever state the tokenizer is
in. In the result, every such ``<`` opens a tag that was read here with HTML5's start-tag
grammar (which libxml2 applies to it too, from the same ``<``) and cut after `MAX_ATTRIBUTES`
attributes; every other ``<`` before a letter -- inside attribute values, inside the raw text
of ``<script>``, ``<style>``, ``<title>`` and their kind -- is written ``&lt;``. So it does not
matter where libxml2's idea of a comment or a script ends and ours does: it cannot find a
start tag we did not read. (In attribute values and in ``<title>`` and ``<textarea>`` text,
``&lt;`` reads back as ``<``; in script and style text it stays ``&lt;``.)
"""

from __future__ import annotations

import functools
import re

#: Attributes kept per start tag; those after are dropped. Ordinary tags have a dozen or so.
MAX_ATTRIBUTES = 64

_WS = "\\t\\n\\f\\r "  # HTML's white space: libxml2 separates attributes by exactly these
# Elements whose content is text to the tokenizer, up to their end tag (raw text and RCDATA),
# or to the end of the document (plaintext).
_RAW_TEXT = ("script", "style", "xmp", "iframe", "noembed", "noframes", "title", "textarea")
_PLAINTEXT = "plaintext"


def _attribute(extra: str = "") -> str:
    """One attribute as HTML5 tokenizes it: a name (its first character may be "="), then
    optionally "=" and a quoted or unquoted value. Atomic: read once, never backtracked into.
    `extra` adds characters that may not occur in it (the clean form excludes "<")."""
    value = rf"""(?>"[^"{extra}]*+"?|'[^'{extra}]*+'?|[^{_WS}>{extra}]++)"""
    equals = rf"(?>[{_WS}]*+=[{_WS}]*+{value}?+)"
    return rf"(?>[^{_WS}/>{extra}][^{_WS}/>={extra}]*+{equals}?+)"


def _start_tag(attributes: str, extra: str = "") -> str:
    # Between attributes: white space, and "/" (outside "/>" a parse error that HTML5 skips);
    # after a quoted value the next attribute may follow with no separator at all.
    return (
        rf"<[A-Za-z][^{_WS}/>{extra}]*+(?:[{_WS}/]*+{_attribute(extra)}){attributes}"
        rf"[{_WS}/]*+(?:>|\Z)"
    )


_NOT_RAW = rf"(?!(?:{'|'.join((*_RAW_TEXT, _PLAINTEXT))})(?:[{_WS}/>]|\Z))"


def _clean_pattern() -> re.Pattern[str]:
    """A run that needs no change: text, "<" before anything but a letter, and start tags with
    at most MAX_ATTRIBUTES attributes, no "<" inside, that do not open raw text. One match
    reads an ordinary page to its end; `tame` loops once per tag such a run stops at."""
    tag = _start_tag(f"{{0,{MAX_ATTRIBUTES}}}+", "<")
    # `tag` starts with "<"; the look-ahead after it refuses raw-text element names.
    clean_tag = "<" + _NOT_RAW + tag[1:]
    return re.compile(rf"(?:[^<]++|<(?![A-Za-z])|{clean_tag})*+", re.ASCII | re.IGNORECASE)


_CLEAN = _clean_pattern()
# Any start tag, whole (it always matches at "<" + letter); group 1 is its name.
_TAG = re.compile(
    rf"<([A-Za-z][^{_WS}/>]*+)(?:[{_WS}/]*+{_attribute()})*+[{_WS}/]*+(?:>|\Z)", re.ASCII
)
# A start tag up to the end of its MAX_ATTRIBUTES-th attribute.
_FIRST_ATTRIBUTES = re.compile(
    rf"<[A-Za-z][^{_WS}/>]*+(?:[{_WS}/]*+{_attribute()}){{{MAX_ATTRIBUTES}}}", re.ASCII
)
_TAG_OPEN = re.compile("<(?=[A-Za-z])", re.ASCII)


@functools.cache
def _end_tag(name: str) -> re.Pattern[str]:
    # HTML5's "appropriate end tag": the name, then white space, "/" or ">".
    return re.compile(rf"</{re.escape(name)}[{_WS}/>]", re.ASCII | re.IGNORECASE)


def _escaped(text: str) -> str:
    """`text` with every "<" that could open a start tag written "&lt;"."""
    return _TAG_OPEN.sub("&lt;", text) if "<" in text else text


def _bounded(tag: str) -> str:
    """A start tag with at most MAX_ATTRIBUTES attributes and no "<" but its first."""
    # Each attribute takes at least two characters: a shorter tag cannot hold too many.
    first = _FIRST_ATTRIBUTES.match(tag) if len(tag) > 2 * MAX_ATTRIBUTES else None
    if first is not None:
        # MAX_ATTRIBUTES or more: whatever follows the last one kept goes.
        tag = tag[: first.end()] + ">"
    return "<" + _escaped(tag[1:])


def tame(html_text: str) -> str:
    """`html_text` with every start tag that holds more than `MAX_ATTRIBUTES` attributes cut
    after them, and every "<" that could open a start tag libxml2 would read differently from
    HTML5's tokenizer written "&lt;" (see the module doc). Linear in the length of the text;
    returns `html_text` itself when nothing needed a change (the common case)."""
    end = len(html_text)
    pieces: list[str] = []
    position = 0
    while (stop := _CLEAN.match(html_text, position).end()) < end:  # type: ignore[union-attr]
        pieces.append(html_text[position:stop])
        tag = _TAG.match(html_text, stop)
        assert tag is not None  # the grammar reads any "<" + letter as a start tag
        pieces.append(_bounded(tag.group()))
        position = tag.end()
        name = tag.group(1).lower()
        if name == _PLAINTEXT:
            pieces.append(_escaped(html_text[position:]))
            position = end
            break
        if name in _RAW_TEXT:
            closer = _end_tag(name).search(html_text, position)
            text_end = closer.start() if closer is not None else end
            pieces.append(_escaped(html_text[position:text_end]))
            position = text_end
    if position == 0:
        return html_text
    pieces.append(html_text[position:])
    return "".join(pieces)
