"""The four report formats over hand-built `Report`s: facts, structure and escaping."""

from __future__ import annotations

import json
import os
import re
import tracemalloc
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.errors import WriteError
from crawler.reports import (
    REPORTS,
    atomic_write,
    iter_html,
    iter_json,
    iter_junit,
    iter_markdown,
    render_atom,
    render_html,
    render_json,
    render_junit,
    render_markdown,
    write_reports,
)
from crawler.reports.escape import md_escape, spreadsheet_safe, xml_safe
from crawler.reports.model import (
    ACTION_HEADINGS,
    UNCHECKED,
    Action,
    DomainInfo,
    EntryReport,
    PastCheck,
    Report,
    RunInfo,
)
from crawler.text import clean_text
from crawler.verdict.outcome import Identity, Network, Status

DIRECTORY = "data/organisations.yaml"
GENERATED = "2026-11-24T10:00:00Z"

# The spec's staleness.json entry keys, in its order (copied from the spec, not imported).
SPEC_ENTRY_KEYS = [
    "id", "name", "country", "line", "url", "status", "reason", "detail", "http_status",
    "final_url", "title", "previous_title", "title_changed", "last_checked", "last_verified",
    "failing_since", "consecutive_failures", "content_updated", "stale",
]  # fmt: skip
# The spec's second-wave keys (2026-12), in its order.
SECOND_WAVE_ENTRY_KEYS = ["identity", "identity_detail", "warnings", "domain"]
EXTRA_ENTRY_KEYS = [
    "name_en", "notes", "inactive", "dead_confirmed", "action", "action_detail", "history",
    "checks_30", "verified_30", "checks_365", "verified_365", "origin", "decisions", "accepted", "extra",
]  # fmt: skip


def make_entry(**overrides: Any) -> EntryReport:
    """A healthy entry; keyword arguments replace any field."""
    fields: dict[str, Any] = dict(
        id="england-wales",
        name="Socialist Party of England and Wales",
        country="England & Wales",
        line=12,
        url="https://www.socialistparty.org.uk/",
        status="ok",
        reason="ok",
        detail="",
        http_status=200,
        final_url="https://www.socialistparty.org.uk/",
        title="Socialist Party",
        previous_title=None,
        title_changed=False,
        last_checked="2026-11-24T10:00:03Z",
        last_verified="2026-11-12T10:00:03Z",
        failing_since=None,
        consecutive_failures=0,
        content_updated="2026-11-20",
        stale=False,
    )
    fields.update(overrides)
    # The model is typed: a status is a Status (or "unchecked"), as the store hands it back.
    if fields["status"] != UNCHECKED:
        fields["status"] = Status(fields["status"])
    return EntryReport(**fields)


def make_report(*entries: EntryReport, network: str = "available") -> Report:
    return Report(
        generated_at=GENERATED,
        directory=DIRECTORY,
        run=RunInfo(
            "2026-11-24T09:58:00Z", "2026-11-24T09:59:30Z", len(entries),
            None if network == "none" else Network(network),
        ),
        entries=entries,
        newest_check="2026-11-24T10:00:03Z" if entries else None,
    )


def checks(*statuses: str) -> tuple[PastCheck, ...]:
    return tuple(
        PastCheck(f"2026-11-{i + 1:02d}T10:00:00Z", Status(s), s) for i, s in enumerate(statuses)
    )


# One entry per status and per action.
ALL_ENTRIES: tuple[EntryReport, ...] = (
    make_entry(id="fine", line=3, history=checks("ok", "ok")),
    make_entry(
        id="redirects", line=10, status="redirected", reason="http-301",
        url="http://redirects.example/", final_url="https://redirects.example/",
        action=Action.FIX_URL, action_detail="http://redirects.example/ -> https://redirects.example/",
        history=checks("ok", "redirected", "redirected"),
    ),
    make_entry(
        id="moved-away", line=20, country="Belgium", status="moved", reason="redirect",
        final_url="https://elsewhere.example/", failing_since="2026-11-02T10:00:00Z",
        consecutive_failures=2, action=Action.CHECK_IDENTITY,
    ),
    make_entry(
        id="parked-domain", line=30, country="Belgium", status="parked", reason="parked",
        title="Buy this domain", failing_since="2026-11-03T10:00:00Z", consecutive_failures=1,
        action=Action.CHECK_IDENTITY,
    ),
    make_entry(
        id="renamed", line=40, title="New Name", previous_title="Old Name", title_changed=True,
        action=Action.CHECK_IDENTITY,
    ),
    make_entry(
        id="long-dead", line=50, country="Chile", status="dead", reason="dns",
        detail="name not found", http_status=None, final_url=None, title=None,
        last_verified=None, failing_since="2026-08-01T10:00:00Z", consecutive_failures=9,
        stale=True, dead_confirmed=True, action=Action.REMOVE,
    ),
    make_entry(
        id="flaky", line=60, country="Chile", status="server-error", reason="http-503",
        http_status=503, failing_since="2026-11-22T10:00:00Z", consecutive_failures=2,
        action=Action.WATCH,
    ),
    make_entry(
        id="robot-wall", line=70, status="blocked", reason="http-403", http_status=403,
        action=Action.CHECK_BY_HAND, history=checks("ok", "blocked", "blocked"),
    ),
    make_entry(
        id="intranet", line=80, status="refused-by-policy", reason="private-address",
        detail="resolves to 10.0.0.1", url="http://intranet.example/", http_status=None,
        final_url=None, failing_since="2026-11-24T10:00:03Z", consecutive_failures=1,
        action=Action.WATCH,
    ),
    make_entry(
        id="sleepy", line=90, country="Denmark", content_updated="2019-05-01", inactive=True,
        action=Action.INACTIVE,
    ),
    make_entry(
        id="offline-only", line=100, country="Denmark", status="no-website", reason="no-website",
        url=None, http_status=None, final_url=None, title=None, last_verified=None, stale=True,
        action=Action.ADD_WEBSITE,
    ),
    make_entry(
        id="brand-new", line=110, status="unchecked", reason="", http_status=None,
        final_url=None, title=None, last_checked=None, last_verified=None, stale=True,
    ),
)  # fmt: skip

FAILING = {"dead", "parked", "moved", "server-error", "refused-by-policy"}
SKIPPED = {"blocked", "no-website", "unchecked"}

HOSTILE = [
    "<script>alert(1)</script>",
    "](http://evil.example/x) ![img](http://evil.example/i.png)",
    "| a | b |",
    "line one\n# heading\n<img src=x onerror=alert(1)>",
    "\x1b[31mred\x1b[0m and \x07bell\x00nul\x85",
    "ends the CDATA ]]> <![CDATA[ x ]]>",
    '=HYPERLINK("http://evil.example","click")',
    "abc\u202edcba\u2066isolate\u2069",
    "`code` **bold** <http://evil.example> www.evil.example @everyone #12",
    "\ud800 lone surrogate \ufffe nonchar",
]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_report(text: str) -> Report:
    return make_report(
        make_entry(
            id="hostile", title=text, previous_title=text, title_changed=True, detail=text,
            name=text, name_en=text, notes=text, action=Action.CHECK_IDENTITY,
            action_detail=text, status="moved", reason="redirect",
        ),
        make_entry(id="hostile-dead", title=text, detail=text, status="dead", reason="tls",
                   action=Action.REMOVE, country=text),
    )  # fmt: skip


# ---------------------------------------------------------------- JSON


def test_json_has_the_spec_schema() -> None:
    data = json.loads(render_json(make_report(*ALL_ENTRIES)))
    assert data["format_version"] == 2
    assert {"generated_at", "directory", "run", "entries"} <= data.keys()
    assert list(data["run"]) == ["started_at", "finished_at", "checked", "network"]
    assert len(data["entries"]) == len(ALL_ENTRIES)
    for got, entry in zip(data["entries"], ALL_ENTRIES, strict=True):
        assert list(got) == SPEC_ENTRY_KEYS + SECOND_WAVE_ENTRY_KEYS + EXTRA_ENTRY_KEYS
        assert got["id"] == entry.id and got["status"] == entry.status
        assert got["action"] == entry.action.value
    redirects = data["entries"][1]
    assert redirects["history"][-1] == {
        "checked_at": "2026-11-03T10:00:00Z", "status": "redirected", "reason": "redirected",
    }  # fmt: skip


def test_json_keeps_values_exact_and_unicode() -> None:
    title = "Sozialistische Linkspartei – «SLP» =1+1 \x1b[31m"
    data = json.loads(render_json(make_report(make_entry(title=title))))
    assert data["entries"][0]["title"] == title
    assert "–" in render_json(make_report(make_entry(title=title)))  # ensure_ascii=False


# ---------------------------------------------------------------- Markdown


def _headings(md: str) -> list[str]:
    return [line[3:].rsplit(" (", 1)[0] for line in md.splitlines() if line.startswith("## ")]


def test_markdown_sections_follow_action_order() -> None:
    md = render_markdown(make_report(*reversed(ALL_ENTRIES)))
    expected = [h for a, h in ACTION_HEADINGS.items() if a is not Action.NONE]
    assert _headings(md) == expected
    assert md.splitlines()[0] == "# Directory staleness, 2026-11-24: 12 checked, network available"
    assert f"Checked 2026-11-24 10:00 UTC, from `{DIRECTORY}`: 6 items to do." in md
    assert md.rstrip().endswith("1 entry ok, 1 not checked yet.")


def _section(md: str, heading: str) -> str:
    return md.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def test_markdown_items_name_id_name_and_line() -> None:
    md = render_markdown(make_report(*ALL_ENTRIES))
    fix = _section(md, "Fix the URL")
    # PATH:LINE is a link GitHub renders, relative to the repository root.
    assert f"- [ ] **redirects** Socialist Party of England and Wales, [`{DIRECTORY}:10`](/{DIRECTORY}#L10): " in fix
    assert "replace `http://redirects.example/` with `https://redirects.example/` (http-301, since 2026-11-02)" in fix
    remove = _section(md, "Remove or replace")
    assert f"**long-dead** Socialist Party of England and Wales, [`{DIRECTORY}:50`](/{DIRECTORY}#L50): " in remove
    assert "dead since 2026-08-01, 9 failed checks: dns: name not found" in remove
    identity = _section(md, "Check the identity")
    assert "title changed from “Old Name” to “New Name”" in identity
    assert "content last updated 2019-05-01" in md
    # Sections a maintainer must act on are task lists; the others are for information.
    assert "\n- **offline-only** " in _section(md, "No website listed")
    assert "\n- **flaky** " in _section(md, "Watch")


def test_markdown_refusals_are_their_own_action_and_watch_says_unreachable() -> None:
    unconfirmed = make_entry(
        id="timed-out", line=65, status="dead", reason="timeout", detail="no answer in 30 s",
        failing_since="2026-11-23T10:00:00Z", consecutive_failures=1, action=Action.WATCH,
    )  # fmt: skip
    md = render_markdown(make_report(*ALL_ENTRIES, unconfirmed))
    by_hand = _section(md, "Check by hand")
    watch = _section(md, "Watch")
    assert "robot-wall" in by_hand and "robot-wall" not in watch
    assert "refuses robots (http-403, since 2026-11-02)" in by_hand
    assert "`https://www.socialistparty.org.uk/` unreachable since 2026-11-23, 1 failed check: timeout: no answer in 30 s" in watch
    assert "dead" not in watch.split("timed-out", 1)[1].splitlines()[0]


def test_markdown_reads_well_raw_one_line_per_item_with_the_evidence_once() -> None:
    md = render_markdown(make_report(*ALL_ENTRIES))
    assert "\\>" not in md and "->" not in md and "\\-" not in md
    items = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(items) == sum(e.action is not Action.NONE for e in ALL_ENTRIES)
    for item in items:
        assert len(re.findall(r"\]\(/data/organisations\.yaml#L\d+\)", item)) == 1, item
        urls = re.findall(r"`(https?://[^`]+)`", item)
        assert len(urls) == len(set(urls)), item  # each address said once
    for heading, advice in (("Fix the URL", "crawler fix"), ("Check by hand", "browser")):
        assert advice in _section(md, heading).split("\n- ", 1)[0]


def test_markdown_links_lines_on_github_when_run_there(monkeypatch: pytest.MonkeyPatch) -> None:
    report = replace(make_report(*ALL_ENTRIES), link_base="https://github.com/o/r/blob/abc123/")
    md = render_markdown(report)
    assert f"[`{DIRECTORY}:10`](https://github.com/o/r/blob/abc123/{DIRECTORY}#L10)" in md


def test_markdown_only_non_empty_sections_and_unavailable_network() -> None:
    md = render_markdown(make_report(ALL_ENTRIES[0], ALL_ENTRIES[5], network="unavailable"))
    assert _headings(md) == ["Remove or replace"]
    assert "network was unavailable" in md.split("##", 1)[0]
    assert md.rstrip().endswith("1 entry ok.")
    quiet = render_markdown(make_report(ALL_ENTRIES[0], ALL_ENTRIES[0]))
    assert _headings(quiet) == [] and "Nothing to do. 2 entries ok." in quiet
    only_problems = render_markdown(make_report(ALL_ENTRIES[5]))
    assert "Nothing to do" not in only_problems and "0 entries ok." in only_problems


# ---------------------------------------------------------------- HTML


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def _parse_html(text: str) -> _Collector:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    return parser


def _external(value: str | None) -> bool:
    return bool(value) and not value.startswith(("data:", "#"))


def assert_self_contained(text: str) -> _Collector:
    """No resource load: only <a href> may point elsewhere, and only to http(s)."""
    parsed = _parse_html(text)
    for tag, attrs in parsed.tags:
        for name in ("src", "srcset", "data", "poster", "action", "formaction", "background"):
            assert not _external(attrs.get(name)), (tag, attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith(("http://", "https://", "#")), href
            if href.startswith("http"):
                assert (attrs.get("rel") or "").split() == ["nofollow", "noopener"]
        else:
            assert not _external(attrs.get("href")), (tag, attrs)
    assert [t for t, _ in parsed.tags].count("script") == 1  # ours, inline
    assert "url(" not in text and "@import" not in text
    return parsed


def test_html_is_self_contained_and_accessible() -> None:
    text = render_html(make_report(*ALL_ENTRIES))
    parsed = assert_self_contained(text)
    tags = [t for t, _ in parsed.tags]
    attrs_of = lambda tag: [a for t, a in parsed.tags if t == tag]  # noqa: E731
    assert attrs_of("html")[0] == {"lang": "en", "class": "no-js"}
    assert {"header", "main", "footer", "nav"} <= set(tags)
    metas = {a.get("name") or a.get("http-equiv"): a.get("content") for a in attrs_of("meta")}
    assert "width=device-width" in (metas["viewport"] or "")
    csp = metas["Content-Security-Policy"] or ""
    assert "default-src 'none'" in csp and "img-src data:" in csp
    search = [a for a in attrs_of("input") if a.get("type") == "search"]
    assert len(search) == 1 and {"for": search[0]["id"]} in attrs_of("label")
    assert "<noscript>" in text and "classList.remove('no-js')" in text
    # One section per country, alphabetical, each with a heading and a captioned table.
    countries = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", text)
    assert countries == ["Belgium", "Chile", "Denmark", "England &amp; Wales"]
    assert tags.count("section") == tags.count("table") == tags.count("caption") == 4
    assert all(a.get("scope") in ("col", "row") for a in attrs_of("th"))
    assert "@media (max-width:40rem)" in text


def test_html_statuses_dates_and_strip() -> None:
    long_history = checks(*(["ok"] * 25)) + tuple(
        PastCheck(f"2026-10-{d:02d}T10:00:00Z", Status.DEAD, "timeout") for d in range(1, 16)
    )
    text = render_html(make_report(*ALL_ENTRIES, make_entry(id="old", history=long_history)))
    for mark in ("✓</span> ok", "→</span> redirected", "✗</span> dead", "</span> blocked",
                 "?</span> unchecked", "</span> parked", "</span> moved", "</span> server error",
                 "</span> no website", "</span> refused"):  # fmt: skip
        assert mark in text
    assert '<span aria-hidden="true">✓</span>' in text  # the word carries the meaning
    # Absolute in the HTML (true whenever it is read); the inline script says "12 days ago".
    assert (
        '<time datetime="2026-11-12T10:00:03Z" title="2026-11-12T10:00:03Z" data-ago>2026-11-12</time>'
        in text
    )
    assert "never verified" in text
    strips = re.findall(r'<ol class="strip"[^>]*>(.*?)</ol>', text)
    assert max(s.count("<li") for s in strips) == 30
    assert 'title="2026-11-02 ok (ok)"' in text
    # Summary counts per status at the top.
    header = text.split("</header>", 1)[0]
    assert "✓</span> ok</span> 4</li>" in header


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "java\nscript:alert(1)", "data:text/html,x", "ftp://x/"]
)
def test_html_links_only_http_urls(url: str) -> None:
    text = render_html(make_report(make_entry(url=url)))
    assert_self_contained(text)
    assert "javascript:" not in re.sub(r"<td[^>]*class=\"url\">[^<]*</td>", "", text)


# ---------------------------------------------------------------- JUnit


def test_junit_counts_and_failures() -> None:
    root = ET.fromstring(render_junit(make_report(*ALL_ENTRIES)))
    assert root.tag == "testsuite" and root.get("name") == DIRECTORY
    cases = root.findall("testcase")
    assert len(cases) == int(root.get("tests", "")) == len(ALL_ENTRIES)
    assert int(root.get("failures", "")) == sum(e.status in FAILING for e in ALL_ENTRIES) == 5
    assert int(root.get("skipped", "")) == sum(e.status in SKIPPED for e in ALL_ENTRIES) == 3
    assert root.get("timestamp") == "2026-11-24T09:58:00Z"
    by_id = {c.get("name"): c for c in cases}
    dead = by_id["long-dead"]
    assert dead.get("classname") == "Chile"
    failure = dead.find("failure")
    assert failure is not None and failure.get("type") == "dead"
    assert failure.get("message") == "dead (dns): name not found"
    assert f"{DIRECTORY}:50" in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in by_id["redirects"].iter("property")}
    assert props["url"] == "http://redirects.example/"
    assert props["final_url"] == "https://redirects.example/"
    assert by_id["robot-wall"].find("skipped") is not None
    assert by_id["fine"].find("failure") is None and by_id["fine"].find("skipped") is None


# ---------------------------------------------------------------- identity, warnings, domains

TAKEN_OVER = make_entry(
    id="taken-over", line=35, title="Best Online Casino 2026", identity=Identity.LOST,
    identity_detail="the page names “Best Online Casino 2026” and shows gambling", action=Action.CHECK_IDENTITY,
    action_detail="the page names “Best Online Casino 2026” and shows gambling",
    url="https://taken-over.example/",
    domain=DomainInfo("2026-11-01", "2027-11-01", "2026-11-24", True),
)
CHAIN_WARNED = make_entry(
    id="chain-warned", line=45, identity=Identity.CONFIRMED, identity_detail="the title names it",
    warnings=("tls-chain-incomplete",), action=Action.WATCH, action_detail="warnings: tls-chain-incomplete",
)


def test_json_carries_identity_warnings_and_domain() -> None:
    data = json.loads(render_json(make_report(TAKEN_OVER, CHAIN_WARNED, ALL_ENTRIES[0])))
    lost, warned, fine = data["entries"]
    assert (lost["identity"], lost["identity_detail"]) == ("lost", TAKEN_OVER.identity_detail)
    assert lost["domain"] == {"registered": "2026-11-01", "expires": "2027-11-01", "checked": "2026-11-24", "found": True}
    assert warned["warnings"] == ["tls-chain-incomplete"] and warned["identity"] == "confirmed"
    assert (fine["identity"], fine["warnings"], fine["domain"]) == (None, [], None)


def test_markdown_lost_identities_lead_check_the_identity_with_their_evidence() -> None:
    md = render_markdown(make_report(*ALL_ENTRIES, TAKEN_OVER, CHAIN_WARNED))
    section = md.split("## Check the identity", 1)[1].split("##", 1)[0]
    items = [line for line in section.splitlines() if line.startswith("- [ ]")]
    # The lost entry is on line 35, after moved-away (20) and parked-domain (30): it still leads.
    assert "taken" in items[0] and "identity lost" in items[0] and "shows gambling" in items[0]
    watch = md.split("## Watch", 1)[1].split("##", 1)[0]
    warned = next(line for line in watch.splitlines() if "chain" in line and "warned" in line)
    assert re.search(r"warnings: tls\\?-chain\\?-incomplete", warned), warned


@pytest.mark.parametrize(
    ("entry", "linked"),
    [
        (TAKEN_OVER, False),
        (ALL_ENTRIES[3], False),  # parked
        (ALL_ENTRIES[0], True),
        (CHAIN_WARNED, True),
        (ALL_ENTRIES[2], False),  # moved: it leads to another site (issue 13: shown as text too)
    ],
    ids=["lost", "parked", "ok", "warned", "moved"],
)
def test_html_does_not_link_lost_or_parked_addresses(entry: EntryReport, linked: bool) -> None:
    text = render_html(make_report(entry))
    assert_self_contained(text)
    cell = re.search(r'<td data-label="Website" class="url">(.*?)</td>', text)
    assert cell is not None
    assert ("<a " in cell.group(1)) is linked
    if not linked:
        assert entry.url is not None and entry.url in cell.group(1) and "not linked" in cell.group(1)


def test_junit_fails_a_lost_identity_whatever_the_status() -> None:
    root = ET.fromstring(render_junit(make_report(TAKEN_OVER, CHAIN_WARNED)))
    by_id = {c.get("name"): c for c in root.findall("testcase")}
    failure = by_id["taken-over"].find("failure")
    assert failure is not None and failure.get("type") == "lost"
    assert "identity lost" in (failure.get("message") or "") and "gambling" in (failure.text or "")
    assert by_id["chain-warned"].find("failure") is None
    assert root.get("failures") == "1"


# ---------------------------------------------------------------- hostile text, every format


def _outside_code_spans(md: str) -> str:
    return re.sub(r"`[^`\n]*`", "", md)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_cannot_inject(text: str) -> None:
    report = hostile_report(text)

    html_text = render_html(report)
    assert "<script>alert" not in html_text and "<img" not in html_text
    assert "<![CDATA[" not in html_text
    assert not _CONTROL.search(html_text)
    assert_self_contained(html_text)
    assert "\n# heading" not in html_text

    md = render_markdown(report)
    ours = re.sub(r"\[`[^`\n]*`\]\(/[^()\s]*\)", "", md)  # our own links to the file's lines
    prose = _outside_code_spans(ours).replace("- [ ] ", "")
    assert not _CONTROL.search(md)
    assert not re.search(r"(?<!\\)[<>|\[\]!`]", prose), prose
    assert "](" not in prose.replace("\\]", "")
    assert "http" not in prose and "www." not in prose and "@everyone" not in prose
    assert [line for line in md.splitlines() if line.startswith("#")] == [
        md.splitlines()[0], "## Check the identity (1)", "## Remove or replace (1)",
    ]  # fmt: skip
    for code in re.findall(r"`([^`\n]*)`", md):
        assert "|" not in code

    xml_text = render_junit(report)
    root = ET.fromstring(xml_text)
    assert not _CONTROL.search(xml_text)
    assert len(root.findall("testcase")) == 2

    data = json.loads(render_json(report))
    assert data["entries"][0]["title"] == text  # programs get the exact value


@pytest.mark.parametrize("text", HOSTILE)
def test_reports_can_be_written_whatever_the_text(text: str, tmp_path: Path) -> None:
    paths = write_reports(hostile_report(text), tmp_path)
    assert [p.name for p in paths] == ["staleness.md", "staleness.json", "index.html", "junit.xml", "changes.atom"]
    for path in paths:
        path.read_text(encoding="utf-8")


def test_formula_titles_are_defused_for_people() -> None:
    report = hostile_report('=HYPERLINK("http://evil.example","click")')
    assert "&#39;=HYPERLINK" in render_html(report)
    assert "'=HYPERLINK" in render_markdown(report)
    root = ET.fromstring(render_junit(report))
    assert {p.get("value") for p in root.iter("property") if p.get("name") == "title"} == {
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    }


# ---------------------------------------------------------------- text helpers


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a\n\tb  ", "a b"),
        ("\x1b[31mRed\x1b[0m", "Red"),
        ("a\x00b\x85c\x9bd", "ab cd"),
        ("abc\u202eevil\u2066x\u2069", "abcevilx"),
        ("עברית\u200f ok", "עברית\u200f ok"),  # a bidi mark is harmless and kept
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("a=b", "a=b"), ("", "")],
)  # fmt: skip
def test_spreadsheet_safe(raw: str, safe: str) -> None:
    assert spreadsheet_safe(raw) == safe


def test_md_escape_examples() -> None:
    assert md_escape("[x](y)") == r"\[x\]\(y\)"
    assert md_escape("a | b") == r"a \| b"
    assert md_escape("see https://a.example/x|`y`") == "see `https://a.example/x%7C%60y%60`"
    assert md_escape("ping @org, #5.") == "ping `@org`, `#5`."
    assert md_escape("(see http://a.example/x).") == r"\(see `http://a.example/x`\)."
    assert md_escape("Tom & Jerry's $5") == r"Tom \& Jerry's \$5"


@given(st.text())
def test_md_escape_leaves_nothing_active(text: str) -> None:
    escaped = md_escape(text)
    assert "\n" not in escaped and not _CONTROL.search(escaped)
    prose = re.sub(r"`[^`]*`", "", escaped)
    assert not re.search(r"(?<!\\)(?:\\\\)*[<>|\[\]()!*_#`~&$]", prose)


@given(st.text())
def test_xml_safe_always_parses(text: str) -> None:
    element = ET.Element("t", value=xml_safe(text))
    element.text = xml_safe(text)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("value") == xml_safe(text)


def test_clean_text_has_no_controls_for_any_input() -> None:
    every_control = "".join(
        chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"
    )
    assert clean_text(f"a{every_control}b") in ("ab", "a b")


# ---------------------------------------------------------------- writing files


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "staleness.md"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert os.listdir(tmp_path) == ["staleness.md"]


def test_atomic_write_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "index.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["index.html"]


def test_write_reports_writes_all_four_and_replaces(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first = write_reports(make_report(*ALL_ENTRIES), out)
    second = write_reports(make_report(replace(ALL_ENTRIES[0], title="Changed")), out)
    assert first == second
    assert sorted(os.listdir(out)) == ["changes.atom", "index.html", "junit.xml", "staleness.json", "staleness.md"]
    assert json.loads((out / "staleness.json").read_text(encoding="utf-8"))["entries"][0][
        "title"
    ] == "Changed"


def test_write_reports_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_reports(make_report(*ALL_ENTRIES), tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["changes.atom", "index.html", "junit.xml", "staleness.json", "staleness.md"]


def _broken_writer(report: Report) -> Iterator[str]:
    yield "<?xml half a report"
    raise RuntimeError("renderer bug")


def _broken_replace(src: str, dst: str) -> None:
    raise OSError("disk full")


@pytest.mark.parametrize(
    ("target", "name", "value", "error"),
    [(REPORTS, "junit.xml", _broken_writer, "renderer bug"),  # the last format fails midway
     (os, "replace", _broken_replace, "disk full")],  # the first move into place fails
)  # fmt: skip
def test_write_reports_failure_keeps_every_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: Any, name: str, value: Any, error: str
) -> None:
    out = tmp_path / "reports"
    write_reports(make_report(*ALL_ENTRIES), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if isinstance(target, dict):
        monkeypatch.setitem(target, name, value)
    else:
        monkeypatch.setattr(target, name, value)
    # A bug stays what it is; an operating-system error becomes a WriteError naming the report.
    with pytest.raises((RuntimeError, WriteError), match=error) as raised:
        write_reports(make_report(replace(ALL_ENTRIES[0], title="Changed")), out)
    if raised.type is WriteError:
        assert str(raised.value).startswith(f"{out / 'staleness.md'}: cannot write")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no temporary file
    with pytest.raises((RuntimeError, WriteError), match=error):
        write_reports(make_report(*ALL_ENTRIES), tmp_path / "new")
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------- streaming


STREAMED = {
    "staleness.md": (iter_markdown, render_markdown),
    "staleness.json": (iter_json, render_json),
    "index.html": (iter_html, render_html),
    "junit.xml": (iter_junit, render_junit),
}

STREAM_CASES = {
    "all-statuses": make_report(*ALL_ENTRIES),
    "empty": make_report(network="none"),
    **{f"hostile-{i}": hostile_report(text) for i, text in enumerate(HOSTILE)},
}


def _whole_json(text: str) -> str:
    """`text` as json.dumps writes a whole document: keys in order, indent=2."""
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def _whole_junit(text: str) -> str:
    """`text` as ElementTree writes a whole indented tree."""
    root = ET.fromstring(text)
    ET.indent(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'


@pytest.mark.parametrize("report", STREAM_CASES.values(), ids=STREAM_CASES.keys())
def test_streamed_reports_equal_the_whole_documents(report: Report, tmp_path: Path) -> None:
    write_reports(report, tmp_path)
    for name, (pieces, render) in STREAMED.items():
        chunks = list(pieces(report))
        text = "".join(chunks)
        assert text == render(report)
        assert len(chunks) > len(report.entries)  # a piece per entry at least: really streamed
        assert (tmp_path / name).read_bytes() == text.encode("utf-8", errors="replace")
    # Byte for byte what serialising the whole document at once gives.
    assert render_json(report) == _whole_json(render_json(report))
    assert render_junit(report) == _whole_junit(render_junit(report))


@given(st.text())
def test_streamed_json_and_junit_match_whole_documents_for_any_text(text: str) -> None:
    report = hostile_report(text)
    assert render_json(report) == _whole_json(render_json(report))
    assert render_junit(report) == _whole_junit(render_junit(report))


def generated_report(n: int) -> Report:
    """`n` entries like a real directory's: every status and action in turn, one past check each."""
    entries = []
    for i in range(n):
        model = ALL_ENTRIES[i % len(ALL_ENTRIES)]
        entries.append(
            replace(
                model,
                id=f"org-{i:06d}",
                name=f"Organisation number {i} – «Verein» & Co",
                name_en=f"Organisation {i}",
                country=f"Country {i % 150:03d}",
                line=3 + 7 * i,
                url=f"https://www.organisation-{i}.example.org/",
                title=f"Organisation {i} | Home – Willkommen <b>{i}</b>",
                history=(PastCheck("2026-11-24T10:00:03Z", model.status, model.reason),),
            )
        )
    return make_report(*entries)


def test_write_reports_memory_stays_small_for_a_large_directory(tmp_path: Path) -> None:
    # Whole-string rendering needed about 10 KB per entry (some 50 MB here); streaming
    # needs the report model plus a few rows of text and an index per entry.
    report = generated_report(5_000)
    tracemalloc.start()
    try:
        write_reports(report, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (tmp_path / "staleness.json").stat().st_size > 3_500_000  # it was a large report
    assert peak < 10 * 2**20, f"write_reports peaked at {peak / 2**20:.1f} MB"


# ---------------------------------------------------------------- Atom


ATOM = "{http://www.w3.org/2005/Atom}"


def _past(day: int, status: str, reason: str | None = None) -> PastCheck:
    return PastCheck(f"2026-11-{day:02d}T10:00:00Z", Status(status), reason or status)


def changing_report(generated_at: str = GENERATED) -> Report:
    """Entries whose histories hold every kind of change the feed lists."""
    return replace(
        make_report(
            make_entry(id="flaky", history=(_past(1, "ok"), _past(2, "dead", "timeout"), _past(3, "ok"))),
            make_entry(id="moving", status="moved", reason="redirect", final_url="https://elsewhere.example/",
                       history=(_past(1, "ok"), _past(2, "moved", "redirect"))),
            make_entry(id="lapsed", status="parked", reason="parked", history=(_past(2, "ok"), _past(3, "parked"))),
            make_entry(id="steady", history=(_past(1, "ok"), _past(2, "ok"))),
            make_entry(id="hostile", name=HOSTILE[3], history=(_past(4, "ok"), _past(5, "dead", "dns"))),
        ),
        generated_at=generated_at,
    )


def test_atom_feed_lists_changes_and_parses() -> None:
    feedparser = pytest.importorskip("feedparser")
    text = render_atom(changing_report())
    feed = feedparser.parse(text)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    kinds = [(e.id, next(t.term for t in e.tags)) for e in feed.entries]
    assert [k for _, k in kinds] == ["failing", "parked", "recovered", "moved", "failing"]  # newest first
    titles = [e.title for e in feed.entries]
    assert titles[0].endswith("unreachable since 2026-11-05 (dns)")
    assert "answers again" in titles[2]
    assert all(e.link.startswith("index.html#org-") for e in feed.entries)
    # RFC 4287's required elements, read with a plain XML parser.
    root = ET.fromstring(text)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    for item in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated", "content"):
            assert (item.findtext(f"{ATOM}{tag}") or "").strip(), tag
    assert not _CONTROL.search(text)


def test_atom_ids_are_stable_from_run_to_run() -> None:
    feedparser = pytest.importorskip("feedparser")
    first = feedparser.parse(render_atom(changing_report()))
    later = feedparser.parse(render_atom(changing_report(generated_at="2026-12-24T10:00:00Z")))
    ids = [e.id for e in first.entries]
    assert ids == [e.id for e in later.entries] and len(set(ids)) == len(ids)
    assert all(i.startswith("urn:uuid:") for i in ids) and first.feed.id.startswith("urn:uuid:")
    assert first.feed.updated == "2026-11-05T10:00:00Z"  # the newest change, not when it was written
