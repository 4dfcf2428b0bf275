"""Text from sites, the directory file and the environment, made safe to show anywhere.

`clean_text` is the one rule for untrusted text (titles as they are recorded, and every
report and terminal line); `without_password` is the one way a URL with credentials is
shown. The report formats add their own escaping on top (`crawler.reports.escape`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# ANSI escape sequences (CSI ... final byte, OSC ... BEL/ST): dropped whole, not just their ESC,
# so "\x1b[31mRed" shows as "Red" rather than "[31mRed".
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")

# Bidi embeddings, overrides and isolates can reorder the text around them ("Trojan Source").
# The marks LRM, RLM and ALM only affect their own position and stay: RTL titles need them.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Unicode's format characters (category Cf, Unicode 14) that show nothing: "pay\u200bpal" reads
# "paypal" yet is no match for it, and the tag block can carry a whole hidden message. Kept:
# the bidi marks (above), and the Arabic and Syriac signs that span the digits after them
# (U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2): right-to-left text needs them, and they
# are visible. ZWNJ and ZWJ follow their own rule (`_STRAY_JOINERS`).
_INVISIBLE_FORMAT = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200B),  # zero-width space
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x206A, 0x206F),  # deprecated shaping and digit controls
    (0xFEFF, 0xFEFF),  # byte-order mark / zero-width no-break space
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x110BD, 0x110BD), (0x110CD, 0x110CD),  # Kaithi number signs
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE007F),  # the tag block
)
_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ
# ZWNJ and ZWJ shape Persian, Arabic and Indic words and join emoji: one of them between two
# characters outside ASCII stays. Anywhere else (next to ASCII, white space or an end), and
# any run of two or more, it only hides something: "pay\u200dpal" shows "paypal".
_STRAY_JOINERS = re.compile(
    rf"[{_JOINERS}]{{2,}}+|(?<![^\x00-\x7f\s])[{_JOINERS}]|[{_JOINERS}](?![^\x00-\x7f\s])"
)


def _build_clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        # Whitespace controls become a space (then collapsed); the others disappear.
        table[code] = " " if chr(code).isspace() else None
    for ch in _BIDI_CONTROLS:
        table[ord(ch)] = None
    for first, last in _INVISIBLE_FORMAT:
        table.update(dict.fromkeys(range(first, last + 1)))
    return table


def _character_class(codes: list[int]) -> str:
    """A regex class of `codes` written as ranges (a list of single characters, the tag block
    among them, made every search several times slower)."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


_CLEAN_TABLE = _build_clean_table()
_SURROGATES = re.compile("[\ud800-\udfff]")
# Any character the table or the patterns would touch (ESC starts every ANSI sequence).
_UNCLEAN = re.compile("[" + _character_class([*_CLEAN_TABLE, *map(ord, _JOINERS)]) + "\ud800-\udfff]")


def clean_text(s: str | None) -> str:
    """One line of printable text: no C0/C1 controls, no bidi overrides, no invisible format
    characters (zero-width space, word joiner, soft hyphen, the tag block...; ZWNJ and ZWJ only
    where a script or an emoji needs them), no lone surrogates, runs of white space (newlines
    included) collapsed to one space, stripped.

    ``None`` gives ``""``. Idempotent.
    """
    if not s:
        return ""
    if _UNCLEAN.search(s):  # most text has nothing to remove: skip the costly passes
        s = _ANSI.sub("", s)
        s = _SURROGATES.sub("", s.translate(_CLEAN_TABLE))
        s = _STRAY_JOINERS.sub("", s)
    return " ".join(s.split())


def without_password(url: str) -> str:
    """`url` as it may be shown in a message: scheme, user name, host, port and path; the
    password, the query (which may carry one, as libpq's ``?password=``) and the fragment left out."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(an unreadable URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
