"""`index.html`: the directory for readers, one self-contained page.

Organisations grouped by country, each with its link, the title as last seen, a status
mark (a symbol and a word, never colour alone), when it was last verified and a strip of
its recent checks. The page makes no request of its own: inline CSS and JS only, held to
that by its Content-Security-Policy. Every untrusted string goes through `html_escape`;
links are made only for http(s) URLs. The filter box needs JavaScript; without it the
box is hidden and the whole directory is still there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from crawler.reports.escape import html_escape
from crawler.reports.model import EntryReport, PastCheck, Report
from crawler.text import clean_text
from crawler.verdict.outcome import Network

#: status -> (symbol, word, what it means to a reader); the order of the summary counts.
STATUS_MARKS: dict[str, tuple[str, str, str]] = {
    "ok": ("✓", "ok", "the site answered normally"),
    "redirected": ("→", "redirected", "the site answered from a new address on the same domain"),
    "moved": ("↗", "moved", "the address now leads to a different site"),
    "parked": ("⌂", "parked", "the domain shows a parking or for-sale page"),
    "blocked": ("⚠\ufe0e", "blocked", "the site refused our automatic check; try a browser"),
    "server-error": ("!", "server error", "the site's server reported an error"),
    "dead": ("✗", "dead", "nothing usable answered"),
    "no-website": ("–", "no website", "no website is listed"),
    "refused-by-policy": ("⊘", "refused", "the address points into a private network: not checked"),
    "unchecked": ("?", "unchecked", "not checked yet"),
}

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

# The column widths are the same in every country's table, so the columns line up down
# the page; on narrow screens each row becomes a card with its cells labelled.
_CSS = """
:root{--c:#57606a;color:#1f2328;background:#fff;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0 auto;max-width:80rem;padding:0 1rem}
a{color:#0a4fb4}
h1{font-size:1.6rem;margin:1rem 0 .3rem}
h2{font-size:1.25rem;margin:1.6rem 0 .4rem}
header p,footer p{margin:.3rem 0}
.notice{border-left:.3rem solid #bc4c00;background:#fff8f0;padding:.5rem .8rem}
.counts,.countries{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.3rem .9rem}
.filter{margin:1rem 0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.filter input{font:inherit;padding:.3rem .5rem;min-width:14rem;border:1px solid #8c959f;border-radius:.3rem}
.no-js .filter{display:none}
[hidden]{display:none!important}
table{border-collapse:collapse;width:100%}
caption{text-align:left;color:#59636e;padding:.2rem 0}
th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid #d0d7de}
thead th{font-size:.85rem;color:#59636e;border-bottom:2px solid #d0d7de}
thead th:nth-child(1){width:21%}thead th:nth-child(2){width:19%}thead th:nth-child(3){width:17%}
thead th:nth-child(4){width:14%}thead th:nth-child(5){width:12%}thead th:nth-child(6){width:17%}
tbody th{font-weight:600}
tbody tr{border-left:.3rem solid var(--c)}
tbody tr>:nth-child(-n+3){overflow-wrap:anywhere}
small,.sub{display:block;color:#59636e;font-size:.85rem;font-weight:400}
.none{color:#59636e;font-style:italic}
.mark{color:var(--c);border:1px solid currentColor;border-radius:1rem;padding:0 .5rem;white-space:nowrap;font-weight:600}
.strip{display:flex;flex-wrap:wrap;gap:2px;list-style:none;margin:0;padding:0}
.strip li{background:var(--c);color:#fff;font-size:.65rem;line-height:1.5rem;width:.9rem;text-align:center;border-radius:2px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.st-ok{--c:#1a7f37}.st-redirected{--c:#0969da}.st-moved{--c:#8250df}.st-parked{--c:#9a6700}
.st-blocked{--c:#bc4c00}.st-server-error{--c:#cf222e}.st-dead{--c:#a40e26}
.st-no-website,.st-unchecked{--c:#57606a}.st-refused-by-policy{--c:#6e7781}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}
dl.legend dd{margin:0}
footer{margin:2rem 0 1rem;border-top:1px solid #d0d7de;color:#59636e;font-size:.9rem}
@media (max-width:60rem){table{font-size:.9rem}th,td{padding:.4rem .25rem}.mark{padding:0 .35rem}}
@media (max-width:40rem){
 body{padding:0 .6rem}
 table{font-size:1rem}
 table,tbody,tr,th,td{display:block}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 tbody tr{border:1px solid #d0d7de;border-left:.35rem solid var(--c);border-radius:.4rem;margin:.6rem 0;padding:.3rem .6rem}
 caption{display:block}
 th,td{border:0;padding:.2rem 0}
 td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#59636e}
 dl.legend{grid-template-columns:1fr}
}
"""

# Shows the filter box (hidden while the page has the no-js class), then filters rows by
# their country and cell text, the history strip excepted; accents are ignored.
_JS = """
(function(){
var d=document;d.documentElement.classList.remove('no-js');
var q=d.getElementById('filter'),out=d.getElementById('filter-count'),none=d.getElementById('no-match');
if(!q)return;
var rows=[].slice.call(d.querySelectorAll('section.country tbody tr'));
var secs=[].slice.call(d.querySelectorAll('section.country'));
function norm(s){return s.toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g,'');}
rows.forEach(function(r){
var s=r.closest('section').querySelector('h2').textContent;
[].forEach.call(r.querySelectorAll('th,td:not(.checks)'),function(c){s+=' '+c.textContent;});
r.dataset.text=norm(s);
});
function run(){
var t=norm(q.value.trim()),n=0;
rows.forEach(function(r){var m=!t||r.dataset.text.indexOf(t)>=0;r.hidden=!m;if(m)n++;});
secs.forEach(function(s){s.hidden=!s.querySelector('tbody tr:not([hidden])');});
out.textContent=t?n+' of '+rows.length+' shown':'';
none.hidden=n>0;
}
q.addEventListener('input',run);
if(q.value)run();
})();
"""

_COLUMNS = ("Organisation", "Website", "Title as last seen", "Status", "Last verified", "Recent checks")


def iter_html(report: Report) -> Iterator[str]:
    """`index.html` text in pieces: the page's head, then one table row at a time.

    Entries are grouped by country through lists of their indexes, so the page never
    needs a copy of the entries or more than one row's text at once.
    """
    groups = _indexes_by_country(report)
    countries = sorted(groups, key=str.casefold)  # one section per country, alphabetical
    taken: set[str] = set()
    slugs = [_unique_slug(country, taken) for country in countries]
    yield _lines(
        "<!doctype html>",
        '<html lang="en" class="no-js">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_escape(report.title)}: website status</title>",
        '<link rel="icon" href="data:,">',
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(report),
        "<main>",
        _nav(countries, slugs),
        '<div class="filter" role="search">',
        '<label for="filter">Filter organisations</label>',
        '<input type="search" id="filter" autocomplete="off"'
        ' placeholder="name, country, status…">',
        '<span id="filter-count" aria-live="polite"></span>',
        "</div>",
        "<noscript><p>The filter box needs JavaScript; every organisation is listed below.</p>"
        "</noscript>",
        '<p id="no-match" hidden>No organisation matches the filter.</p>',
    )
    if not countries:
        yield "<p>No organisations are listed.</p>\n"
    for country, slug in zip(countries, slugs, strict=True):
        yield from _country_section(report, country, slug, groups[country])
    yield _lines("</main>", _footer(report), f"<script>{_JS}</script>", "</body>", "</html>")


def render_html(report: Report) -> str:
    """The whole `index.html` text (`iter_html` joined)."""
    return "".join(iter_html(report))


def _lines(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def _header(report: Report) -> str:
    run = report.run
    parts = ["<header>", f"<h1>{html_escape(report.title)}</h1>"]
    summary = f"Generated {_time(report.generated_at, report.generated_at)}"
    if run.network is not None:
        noun = "entry" if run.checked == 1 else "entries"
        summary += f"; the last check covered {run.checked} {noun}"
    parts.append(f"<p>{summary}.</p>")
    if run.network is Network.UNAVAILABLE:
        parts.append(
            '<p class="notice"><strong>The last check could not reach the network.</strong> '
            "The statuses below come from earlier checks.</p>"
        )
    counts: dict[str, int] = {}
    for entry in report.entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    order = [s for s in STATUS_MARKS if s in counts]
    order += sorted(s for s in counts if s not in STATUS_MARKS)
    items = "".join(f"<li>{_mark(status)} {counts[status]}</li>" for status in order)
    parts.append(f'<ul class="counts" aria-label="Organisations by status">{items}</ul>')
    parts.append("</header>")
    return "\n".join(parts)


def _footer(report: Report) -> str:
    legend = "".join(
        f"<dt>{_mark(status)}</dt><dd>{meaning}</dd>"
        for status, (_, _, meaning) in STATUS_MARKS.items()
    )
    return (
        "<footer>\n<h2>What the marks mean</h2>\n"
        f'<dl class="legend">{legend}</dl>\n'
        "<p>A site is <em>verified</em> when it answered as itself (ok or redirected); it is "
        f"marked stale when not verified for {report.stale_after_days} days. "
        f"Generated from <code>{html_escape(report.directory, free_text=False)}</code>.</p>\n"
        "</footer>"
    )


def _indexes_by_country(report: Report) -> dict[str, list[int]]:
    """Country as shown -> the indexes of its entries, in directory order."""
    groups: dict[str, list[int]] = {}
    for index, entry in enumerate(report.entries):
        groups.setdefault(clean_text(entry.country) or "(no country)", []).append(index)
    return groups


def _nav(countries: list[str], slugs: list[str]) -> str:
    """The list of links to the country sections ("" when there are none)."""
    if not countries:
        return ""
    links = "".join(
        f'<li><a href="#{slug}">{html_escape(country)}</a></li>'
        for country, slug in zip(countries, slugs, strict=True)
    )
    return f'<nav aria-label="Countries"><ul class="countries">{links}</ul></nav>'


def _country_section(report: Report, country: str, slug: str, indexes: list[int]) -> Iterator[str]:
    """One country's ``<section>``: its heading and table, one row per piece, by name."""
    name = html_escape(country)
    head = "".join(f'<th scope="col">{c}</th>' for c in _COLUMNS)
    yield (
        f'<section class="country" id="{slug}" aria-labelledby="{slug}-h">\n'
        f'<h2 id="{slug}-h">{name}</h2>\n'
        f"<table>\n<caption>Organisations in {name} and the state of their websites</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n"
    )
    entries = report.entries
    for index in sorted(indexes, key=lambda i: _by_name(entries[i])):
        yield _row(report, entries[index]) + "\n"
    yield "</tbody>\n</table>\n</section>\n"


def _row(report: Report, entry: EntryReport) -> str:
    cls = _status_class(entry.status)
    org = html_escape(entry.name)
    if entry.name_en and clean_text(entry.name_en) != clean_text(entry.name):
        org += f'<span class="sub">{html_escape(entry.name_en)}</span>'
    if entry.notes:
        org += f"<small>{html_escape(entry.notes)}</small>"
    cells = [
        f'<th scope="row" data-label="{_COLUMNS[0]}">{org}</th>',
        f'<td data-label="{_COLUMNS[1]}" class="url">{_link(entry.url)}</td>',
        f'<td data-label="{_COLUMNS[2]}">{_title(entry)}</td>',
        f'<td data-label="{_COLUMNS[3]}">{_status_cell(entry)}</td>',
        f'<td data-label="{_COLUMNS[4]}">{_verified(report, entry)}</td>',
        f'<td data-label="{_COLUMNS[5]}" class="checks">{_strip(entry.history)}</td>',
    ]
    row_id = html_escape(entry.id, free_text=False)
    return f'<tr class="{cls}" id="org-{row_id}">{"".join(cells)}</tr>'


def _by_name(entry: EntryReport) -> tuple[str, str]:
    return clean_text(entry.name).casefold(), entry.id


def _link(url: str | None) -> str:
    """An ``<a>`` for an http(s) URL; anything else (or nothing) as plain text."""
    if not url:
        return '<span class="none">none listed</span>'
    shown = clean_text(url)
    parts = urlsplit(shown)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and " " not in shown:
        href = html_escape(shown, free_text=False)
        return f'<a href="{href}" rel="nofollow noopener">{href}</a>'
    return html_escape(url, free_text=False)


def _title(entry: EntryReport) -> str:
    title = html_escape(entry.title) if entry.title else '<span class="none">none seen</span>'
    if entry.title_changed and entry.previous_title:
        title += f"<small>was: {html_escape(entry.previous_title)}</small>"
    return title


def _status_cell(entry: EntryReport) -> str:
    cell = _mark(entry.status)
    why = clean_text(entry.detail) or (
        clean_text(entry.reason) if entry.reason and entry.reason != entry.status else ""
    )
    if why:
        cell += f"<small>{html_escape(why)}</small>"
    for decision in entry.decisions:
        # The maintainers' word about this entry, as readers should see it too.
        if decision.applied:
            until = f" until {decision.until}" if decision.until else ""
            cell += f'<small class="decision">maintainers: {html_escape(decision.what)}{until}</small>'
    return cell


def _mark(status: str) -> str:
    """The status as a symbol and a word; the symbol is hidden from screen readers."""
    symbol, word, meaning = STATUS_MARKS.get(status, ("?", status, "unknown status"))
    return (
        f'<span class="mark {_status_class(status)}" title="{html_escape(meaning)}">'
        f'<span aria-hidden="true">{symbol}</span> {html_escape(word)}</span>'
    )


def _status_class(status: str) -> str:
    return f"st-{status}" if status in STATUS_MARKS else "st-unknown"


def _verified(report: Report, entry: EntryReport) -> str:
    if not entry.last_verified:
        return '<span class="none">never verified</span>'
    shown = _time(entry.last_verified, report.generated_at)
    if entry.stale:
        days = report.stale_after_days
        shown += f'<small title="not verified within {days} days">stale</small>'
    return shown


def _strip(history: Iterable[PastCheck]) -> str:
    """The last checks (up to 30, oldest first) as small marks, Upptime-style."""
    checks = list(history)[-30:]
    if not checks:
        return '<span class="none">no checks yet</span>'
    counts: dict[str, int] = {}
    items = []
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
        symbol, word, _ = STATUS_MARKS.get(check.status, ("?", check.status, ""))
        label = html_escape(f"{check.checked_at[:10]} {word} ({check.reason})")
        items.append(f'<li class="{_status_class(check.status)}" title="{label}">{symbol}</li>')
    said = ", ".join(f"{n} {STATUS_MARKS.get(s, ('', s, ''))[1]}" for s, n in counts.items())
    return (
        f'<span class="vh">Last {len(checks)} checks: {html_escape(said)}.</span>'
        f'<ol class="strip" aria-hidden="true">{"".join(items)}</ol>'
    )


def _time(iso: str, now_iso: str) -> str:
    """``<time>`` showing how long ago `iso` was, relative to `now_iso`; exact on hover."""
    exact = html_escape(iso, free_text=False)
    try:
        # Calendar days in UTC: checked on the 12th, generated on the 24th = 12 days ago.
        days = (_utc_date(now_iso) - _utc_date(iso)).days
    except ValueError:
        return exact
    if iso == now_iso:
        shown = exact.replace("T", " ").replace("Z", " UTC")
    else:
        shown = _ago(days)
    return f'<time datetime="{exact}" title="{exact}">{shown}</time>'


def _utc_date(iso: str) -> date:
    """The UTC calendar date of an ISO-8601 time or date (a time without zone is taken as UTC)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def _unique_slug(text: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = "country-" + (re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
