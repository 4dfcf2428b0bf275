"""`index.html`: the directory for readers, one self-contained page.

Organisations grouped by country, each with its address (a link only where `linkable`
says so), the title as last seen, a status mark (a symbol and a word, never colour alone;
`shown_status`, so a failure inside the grace period reads "unreachable since DATE"),
when it was last verified (stale ones marked), a strip of its last checks in fixed slots
with their dates, and the share of its checks verified over 30 and 365 days.

The page is `templates/index.html`, rendered by Jinja2 with auto-escaping: every value is
HTML-escaped unless this module marks it safe, and untrusted text first goes through
`plain_text` (free text) or `clean_text` (URLs and other literals). The page makes no
request of its own: inline CSS and JS only, held to that by its Content-Security-Policy.
Dates are absolute in the HTML (true whenever the page is read); the inline script turns
them into "3 days ago" from the reader's clock, and shows the staleness banner when the
newest check has grown older than the staleness window since the page was written.
Without JavaScript the dates stay absolute and the filter box is hidden.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from jinja2 import Environment, PackageLoader, Template, select_autoescape
from markupsafe import Markup

from crawler.reports.escape import plain_text
from crawler.reports.model import (
    UNREACHABLE,
    EntryReport,
    PastCheck,
    Report,
    linkable,
    shown_status,
    unlinked_why,
)
from crawler.text import clean_text

#: status shown -> (symbol, word, what it means to a reader); the order of the summary counts.
STATUS_MARKS: dict[str, tuple[str, str, str]] = {
    "ok": ("✓", "ok", "the site answered normally"),
    "redirected": ("→", "redirected", "the site answered from a new address on the same domain"),
    "moved": ("↗", "moved", "the address now leads to a different site"),
    "parked": ("⌂", "parked", "the domain shows a parking or for-sale page"),
    "blocked": ("⚠\ufe0e", "blocked", "the site refused our automatic check; try a browser"),
    "server-error": ("!", "server error", "the site's server reported an error"),
    UNREACHABLE: ("…", "unreachable", "nothing answered lately; not yet long enough to call it dead"),
    "dead": ("✗", "dead", "nothing usable has answered for a long time"),
    "no-website": ("–", "no website", "no website is listed"),
    "refused-by-policy": ("⊘", "refused", "the address points into a private network: not checked"),
    "unchecked": ("?", "unchecked", "not checked yet"),
}

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

COLUMNS = ("Organisation", "Website", "Title as last seen", "Status", "Last verified", "Recent checks")
SLOTS = 30  # the history strip's fixed slots: the last 30 checks, oldest first
# Past this many entries the browser lays out only the countries near the screen (CSS
# content-visibility): filtering 10,000 entries then takes milliseconds, not seconds
# (tests/test_browser.py measures it). Smaller pages are laid out whole.
LONG_PAGE = 500


@dataclass(frozen=True, slots=True)
class Section:
    """One country's part of the page: its heading, anchor and entries (by name)."""

    country: str
    slug: str
    entries: list[EntryReport]


def iter_html(report: Report) -> Iterator[str]:
    """`index.html` text in pieces, as the template renders them (a few per row).

    Entries are grouped by country into lists of references, so the page never needs a
    copy of the entries or more than one row's text at once.
    """
    return _template().generate(
        report=report,
        sections=_sections(report),
        counts=_counts(report),
        stale_now=_stale_now(report),
    )


def render_html(report: Report) -> str:
    """The whole `index.html` text (`iter_html` joined)."""
    return "".join(iter_html(report))


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("crawler.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(plain=plain_text, literal=clean_text, day=_day, moment=_moment)
    environment.globals.update(
        csp=CSP, columns=COLUMNS, marks=STATUS_MARKS, slots=SLOTS, long_page=LONG_PAGE, linkable=linkable, unlinked_why=unlinked_why,
        shown_status=shown_status, why=_why, failing_since=_failing_since, tally=_tally, share=_share,
        mark=_mark, when=_when,
    )  # fmt: skip
    return environment.get_template("index.html")


@cache
def _mark(status: str) -> Markup:
    """The status as a symbol and a word (the symbol hidden from screen readers), its
    meaning on hover; the same few fragments on every row, so made once each."""
    symbol, word, meaning = STATUS_MARKS.get(status, ("?", status, "unknown status"))
    css = status if status in STATUS_MARKS else "unknown"
    return Markup('<span class="mark st-{}" title="{}"><span aria-hidden="true">{}</span> {}</span>').format(
        css, meaning, symbol, word
    )


def _when(iso: str, relative: bool = True) -> Markup:
    """``<time>`` with the absolute date as its text (true whenever the page is read);
    `relative` ones are rewritten as "3 days ago" by the page's script."""
    exact = clean_text(iso)
    template = '<time datetime="{0}" title="{0}" data-ago>{1}</time>' if relative else '<time datetime="{0}" title="{0}">{1}</time>'
    return Markup(template).format(exact, _day(iso))


def _sections(report: Report) -> list[Section]:
    """One section per country, alphabetical; entries by name within each."""
    groups: dict[str, list[EntryReport]] = {}
    for entry in report.entries:
        groups.setdefault(clean_text(entry.country) or "(no country)", []).append(entry)
    taken: set[str] = set()
    return [
        Section(country, _unique_slug(country, taken), sorted(groups[country], key=_by_name))
        for country in sorted(groups, key=str.casefold)
    ]


def _counts(report: Report) -> list[tuple[str, int]]:
    """(status shown, how many), in `STATUS_MARKS` order, then any unknown ones."""
    counts: dict[str, int] = {}
    for entry in report.entries:
        shown = shown_status(entry)
        counts[shown] = counts.get(shown, 0) + 1
    order = [s for s in STATUS_MARKS if s in counts] + sorted(s for s in counts if s not in STATUS_MARKS)
    return [(status, counts[status]) for status in order]


def _stale_now(report: Report) -> bool:
    """Whether the newest check was already older than the staleness window when the page
    was written (the banner then shows even without JavaScript)."""
    if not report.newest_check:
        return False
    age = _parse(report.generated_at) - _parse(report.newest_check)
    return age > timedelta(days=report.stale_after_days)


def _why(entry: EntryReport) -> str:
    """The evidence under the status mark: the detail, else the reason where it says more
    than the status; where a moved address now leads."""
    why = clean_text(entry.detail) or (clean_text(entry.reason) if entry.reason and entry.reason != entry.status else "")
    if entry.status == "moved" and entry.final_url:
        why = f"now leads to {clean_text(entry.final_url)}" + (f" ({why})" if why else "")
    return plain_text(why.replace(" -> ", " → "))  # the classifier's redirect chains, as arrows


def _failing_since(entry: EntryReport) -> str | None:
    """When the current run of failed checks began, for a failing entry."""
    return entry.failing_since if entry.consecutive_failures else None


def _tally(checks: Iterable[PastCheck]) -> str:
    """``26 ok, 3 server error, 1 blocked``: the checks counted by status, in order met."""
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    return ", ".join(f"{n} {STATUS_MARKS.get(s, ('', s, ''))[1]}" for s, n in counts.items())


def _share(verified: int, checks: int) -> str:
    """``97%``; never 100% unless every check verified, nor 0% unless none did."""
    if not checks:
        return "no checks"
    percent = round(100 * verified / checks)
    if verified < checks:
        percent = min(percent, 99)
    if verified:
        percent = max(percent, 1)
    return f"{percent}%"


def _day(iso: str | None) -> str:
    """``2026-11-24``: the UTC date of an ISO-8601 time (text that is not one, cleaned)."""
    if not iso:
        return ""
    try:
        return _parse(iso).date().isoformat()
    except ValueError:
        return clean_text(iso)


def _moment(iso: str | None) -> str:
    """``2026-11-24 10:00 UTC`` from an ISO-8601 time."""
    if not iso:
        return ""
    try:
        return _parse(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return clean_text(iso)


def _parse(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _by_name(entry: EntryReport) -> tuple[str, str]:
    return clean_text(entry.name).casefold(), entry.id


def _unique_slug(text: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = "country-" + (re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
