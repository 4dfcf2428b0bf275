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


def _build_clean_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        # Whitespace controls become a space (then collapsed); the others disappear.
        table[code] = " " if chr(code).isspace() else None
    for ch in _BIDI_CONTROLS:
        table[ord(ch)] = None
    table[0xFEFF] = None  # byte-order mark / zero-width no-break space
    return table


_CLEAN_TABLE = _build_clean_table()
_SURROGATES = re.compile("[\ud800-\udfff]")
# Any character the table or the two patterns would touch (ESC starts every ANSI sequence).
_UNCLEAN = re.compile("[" + "".join(re.escape(chr(c)) for c in _CLEAN_TABLE) + "\ud800-\udfff]")


def clean_text(s: str | None) -> str:
    """One line of printable text: no C0/C1 controls, no bidi overrides, no lone surrogates,
    runs of white space (newlines included) collapsed to one space, stripped.

    ``None`` gives ``""``. Idempotent.
    """
    if not s:
        return ""
    if _UNCLEAN.search(s):  # most text has nothing to remove: skip the costly passes
        s = _ANSI.sub("", s)
        s = _SURROGATES.sub("", s.translate(_CLEAN_TABLE))
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
