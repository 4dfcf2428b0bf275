"""The readers' page in a real browser: what someone opening `reports/index.html` sees.

A hand-built `Report` is written with `write_reports` and opened from disk (``file://``)
in headless Chromium driven by Playwright. The assertions read the page as a person
does: visible text, headings, what typing into the filter box does, what fits on a
phone. The browser's clock is set (Playwright's clock), so the dates the page's script
turns into "3 days ago" are judged against a known moment. Screenshots go to
``tests/artifacts/``; the ones at 1280 and 360 px wide are kept in the repository.

Chromium is Debian's package, not Playwright's download: the `chromium` fixture finds
it, installs it with apt-get when it can (root only), and otherwise skips, saying why.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from crawler.reports import write_reports
from crawler.reports.model import EntryReport, PastCheck, Report, RunInfo
from crawler.verdict.outcome import Network, Status

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
APT_TIMEOUT = 1200  # seconds for apt-get: chromium and its libraries are ~100 MB
PIP_TIMEOUT = 600  # seconds for pip to fetch the playwright wheel
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}

# Debian's chromium on a closed network: without the background-networking flags it
# keeps trying to reach Google's services, and those connections are refused.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# ---------------------------------------------------------------- the report

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = '"><svg onload=alert(2)>'


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_ago(days: int, minutes: int = 0) -> str:
    return iso(NOW - timedelta(days=days, minutes=minutes))


# What a reader sees for each status shown: the symbol and the word (copied, not imported,
# so that a change to the page shows up here).
MARKS: dict[str, str] = {
    "unreachable": "… unreachable",
    "ok": "✓ ok",
    "redirected": "→ redirected",
    "moved": "↗ moved",
    "parked": "⌂ parked",
    "blocked": "⚠\ufe0e blocked",
    "server-error": "! server error",
    "dead": "✗ dead",
    "no-website": "– no website",
    "refused-by-policy": "⊘ refused",
    "unchecked": "? unchecked",
}

# Thirty checks, oldest first: mostly fine, with a bad patch a reader should notice.
HISTORY_STATUSES = ["ok"] * 12 + ["server-error"] * 3 + ["blocked"] + ["ok"] * 14
HISTORY = tuple(
    PastCheck(days_ago(30 - i), Status(status), "ok" if status == "ok" else "http-503")
    for i, status in enumerate(HISTORY_STATUSES)
)


def shown(e: EntryReport) -> str:
    """The status a reader is shown: a dead verdict inside the grace period is "unreachable"."""
    return "unreachable" if e.status == "dead" and not e.dead_confirmed else str(e.status)


def entry(slug: str, country: str, name: str, status: str, **overrides: Any) -> EntryReport:
    """An entry as `build_report` would make it; keyword arguments replace any field."""
    fields: dict[str, Any] = dict(
        id=slug, name=name, country=country, line=10, url=f"https://{slug}.example/",
        status=status if status == "unchecked" else Status(status), reason=status, detail="", http_status=200, final_url=None, title=None,
        previous_title=None, title_changed=False, last_checked=days_ago(0, 1),
        last_verified=None, failing_since=None, consecutive_failures=0, content_updated=None,
        stale=False,
    )  # fmt: skip
    fields.update(overrides)
    return EntryReport(**fields)


LONG_URL = (
    "https://www.socialist-party-of-england-and-wales-campaign-archive.example/"
    "campaigns/housing/the-long-road-home/index.html"
)

ENTRIES: tuple[EntryReport, ...] = (
    entry("la-chispa", "Argentina", "La Chispa", "ok", name_en="The Spark",
          title="La Chispa – Socialismo revolucionario", last_verified=days_ago(0, 5),
          history=HISTORY, checks_30=30, verified_30=26, checks_365=300, verified_365=285),
    entry("alternativa", "Argentina", "Alternativa Socialista", "redirected", reason="http-301",
          url="http://alternativa.example/", final_url="https://www.alternativa.example/",
          last_verified=days_ago(1)),
    entry("lsp", "Belgium", "Linkse Socialistische Partij", "moved", reason="redirect",
          name_en="Left Socialist Party", final_url="https://elsewhere.example/",
          last_verified=days_ago(12)),
    entry("psl", "Belgium", "Parti Socialiste de Lutte", "parked", title="This domain is for sale",
          last_verified=days_ago(45), stale=True),
    entry("sr-chile", "Chile", "Socialismo Revolucionario", "blocked", reason="http-403",
          http_status=403, last_verified=days_ago(3)),
    entry("ir-chile", "Chile", "Izquierda Revolucionaria", "server-error", reason="http-503",
          http_status=503, last_verified=days_ago(7)),
    entry("civ", "Côte d'Ivoire", "Parti pour la Révolution", "dead", reason="tls",
          detail="certificate expired 2026-10-01", http_status=None, last_verified=days_ago(400),
          failing_since=days_ago(390), consecutive_failures=40, dead_confirmed=True, stale=True),
    entry("once", "France", "Gauche Révolutionnaire", "dead", reason="timeout",
          detail="no answer within 30 s", http_status=None, last_verified=days_ago(1),
          failing_since=days_ago(0, 1), consecutive_failures=1,
          history=(PastCheck(days_ago(1), Status.OK, "ok"), PastCheck(days_ago(0, 1), Status.DEAD, "timeout")),
          checks_30=2, verified_30=1, checks_365=2, verified_365=1),
    entry("spew", "England & Wales", "Socialist Party of England and Wales", "ok",
          url=LONG_URL, title=HOSTILE_TITLE, notes=HOSTILE_NOTE, last_verified=days_ago(2)),
    entry("sav", "Germany", "Sozialistische Alternative", "no-website", url=None,
          http_status=None, last_checked=None, stale=True),
    entry("intranet", "Germany", "Intranet der Partei", "refused-by-policy",
          reason="private-address", detail="resolves to 10.0.0.1", url="http://intranet.example/",
          http_status=None, stale=True),
    entry("sp-ireland", "Ireland", "Socialist Party (Ireland)", "unchecked", http_status=None,
          last_checked=None, stale=True),
)  # fmt: skip

REPORT = Report(
    generated_at=iso(NOW),
    directory="data/organisations.yaml",
    run=RunInfo(days_ago(0, 10), days_ago(0, 1), len(ENTRIES), Network.AVAILABLE),
    entries=ENTRIES,
    newest_check=days_ago(0, 1),
)

# What the "Last verified" column says for each entry (calendar days before generation).
VERIFIED: dict[str, str] = {
    "la-chispa": "today",
    "alternativa": "yesterday",
    "lsp": "12 days ago",
    "psl": "45 days ago",
    "sr-chile": "3 days ago",
    "ir-chile": "7 days ago",
    "civ": "13 months ago",
    "once": "yesterday",
    "spew": "2 days ago",
    "sav": "never verified",
    "intranet": "never verified",
    "sp-ireland": "never verified",
}

# Reads the page as a reader does: each country heading, the column headings, and the
# visible text of every row's cells (innerText: what is rendered, not what is in the source).
READ_TABLES = """() => [...document.querySelectorAll('main section')].map(s => ({
  country: s.querySelector('h2').innerText,
  visible: s.checkVisibility(),
  headers: [...s.querySelectorAll('thead th')].map(th => th.textContent.trim()),
  rows: [...s.querySelectorAll('tbody tr')].map(tr => ({
    id: tr.id, visible: tr.checkVisibility(),
    cells: [...tr.children].map(c => c.innerText.trim())}))}))"""


def read_tables(page: Page) -> dict[str, dict[str, Any]]:
    """Country heading -> {"visible", "rows": {entry id: {column heading: cell text}}}."""
    tables: dict[str, dict[str, Any]] = {}
    for section in page.evaluate(READ_TABLES):
        rows = {
            row["id"].removeprefix("org-"): dict(zip(section["headers"], row["cells"], strict=True))
            | {"visible": row["visible"]}
            for row in section["rows"]
        }
        tables[section["country"]] = {"visible": section["visible"], "rows": rows}
    return tables


def test_the_report_covers_every_status() -> None:
    assert {shown(e) for e in ENTRIES} == {s.value for s in Status} | {"unchecked", "unreachable"} == set(MARKS)
    assert len(HISTORY) == 30


# ---------------------------------------------------------------- the browser


def _find_chromium() -> str | None:
    debian = Path("/usr/bin/chromium")
    if debian.is_file() and os.access(debian, os.X_OK):
        return str(debian)
    return shutil.which("chromium")


def _run(command: list[str], timeout: float) -> str | None:
    """Run `command`; None when it succeeded, else why not (in a few words)."""
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return f"`{' '.join(command)}` took longer than {timeout:.0f} s"
    except OSError as error:
        return f"`{' '.join(command)}` could not run: {error}"
    if done.returncode == 0:
        return None
    last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
    return f"`{' '.join(command)}` exited {done.returncode}: {last[0]}"


def _install_chromium() -> str:
    """Try Debian's package; return why it is still missing."""
    geteuid: Callable[[], int] | None = getattr(os, "geteuid", None)
    if geteuid is None or geteuid() != 0:
        return "not running as root, so apt-get cannot install it (apt-get install chromium)"
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this system"
    failed = _run(["apt-get", "install", "-y", "chromium"], APT_TIMEOUT)
    if failed:  # a fresh container has no package lists yet: fetch them once and retry
        failed = _run(["apt-get", "update"], APT_TIMEOUT) or _run(
            ["apt-get", "install", "-y", "chromium"], APT_TIMEOUT
        )
    return failed or "apt-get succeeded but no chromium executable was found"


@pytest.fixture(scope="module")
def chromium() -> str:
    """Path of Debian's Chromium, installed once if missing and possible; else the module skips."""
    path = _find_chromium()
    if path is None:
        reason = _install_chromium()
        path = _find_chromium()
        if path is None:
            pytest.skip(f"Chromium is not installed and could not be installed: {reason}")
    return path


@pytest.fixture(scope="module")
def sync_api() -> ModuleType:
    """`playwright.sync_api`, pip-installed into this virtualenv once if missing; else skip."""
    try:
        return importlib.import_module("playwright.sync_api")
    except ImportError:
        pass
    if sys.prefix == sys.base_prefix:
        reason = "not in a virtualenv, so it is not installed here (pip install -e '.[test]')"
    else:
        reason = _run([sys.executable, "-m", "pip", "install", "--quiet", "playwright"], PIP_TIMEOUT)
        importlib.invalidate_caches()
        try:
            return importlib.import_module("playwright.sync_api")
        except ImportError as error:
            reason = reason or str(error)
    pytest.skip(f"the playwright package is not installed and could not be installed: {reason}")


@pytest.fixture(scope="module")
def playwright(sync_api: ModuleType, chromium: str) -> Iterator[Playwright]:
    driver = sync_api.sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


def _launch(
    playwright: Playwright, chromium: str, profile: Path, **options: Any
) -> BrowserContext:
    """Chromium with a fresh profile directory; nothing may leave the machine."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
        viewport=DESKTOP, locale="en-GB", timezone_id="UTC", **options,
    )  # fmt: skip
    context.set_default_timeout(10_000)  # ms; a page from disk needs far less
    return context


@pytest.fixture(scope="module")
def browser(
    playwright: Playwright, chromium: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    context = _launch(playwright, chromium, tmp_path_factory.mktemp("profile"))
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def index_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    write_reports(REPORT, out)
    return out / "index.html"


@dataclass
class Visit:
    """A page opened on the report, with everything it tried to do recorded."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_report(
    context: BrowserContext, index_html: Path, viewport: dict[str, int], now: datetime | None = NOW
) -> Visit:
    """Open the page at `viewport`, the browser's clock fixed at `now` (None: leave it)."""
    page = context.new_page()
    page.set_viewport_size(viewport)
    if now is not None:
        page.clock.set_fixed_time(now)
    visit = Visit(page, index_html.as_uri())

    def refuse(route: Any) -> None:  # belt and braces: the test itself never goes online
        visit.blocked.append(route.request.url)
        route.abort()

    def dialog(d: Any) -> None:
        visit.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.route(re.compile(r"^(?!file:|data:)"), refuse)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("dialog", dialog)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and visit.errors.append(m.text))
    page.goto(visit.url)
    return visit


@pytest.fixture
def visit(browser: BrowserContext, index_html: Path) -> Iterator[Visit]:
    opened = open_report(browser, index_html, DESKTOP)
    try:
        yield opened
    finally:
        opened.page.close()


def screenshot(page: Page, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")


def assert_readable(tables: dict[str, dict[str, Any]], relative: bool = True) -> None:
    """Every organisation under its country's heading, with its status and verified date
    (as the script says it, or the absolute date the page carries without JavaScript)."""
    expected: dict[str, list[str]] = {}
    for e in ENTRIES:
        expected.setdefault(e.country, []).append(e.id)
    assert list(tables) == sorted(expected)  # alphabetical headings
    for country, ids in expected.items():
        assert tables[country]["visible"]
        assert sorted(tables[country]["rows"]) == sorted(ids)
    rows = {i: row for table in tables.values() for i, row in table["rows"].items()}
    for e in ENTRIES:
        row = rows[e.id]
        assert row["visible"], e.id
        assert row["Organisation"].startswith(e.name)
        assert row["Status"].splitlines()[0] == MARKS[shown(e)], e.id
        said = VERIFIED[e.id] if relative or not e.last_verified else e.last_verified[:10]
        assert row["Last verified"].splitlines()[0] == said, e.id


# ---------------------------------------------------------------- the tests


def test_organisations_are_grouped_with_status_and_date(
    visit: Visit, capsys: pytest.CaptureFixture[str]
) -> None:
    page = visit.page
    sync_api = importlib.import_module("playwright.sync_api")
    sync_api.expect(page).to_have_title("Organisation directory: website status")
    assert_readable(read_tables(page))
    # The symbol and the word are both on screen: the status never rests on colour alone.
    for e in ENTRIES:
        mark = page.locator(f"#org-{e.id} td .mark")
        symbol, word = MARKS[shown(e)].split(" ", 1)
        sync_api.expect(mark).to_have_text(f"{symbol} {word}")
        sync_api.expect(mark.locator("[aria-hidden=true]")).to_be_visible()
    # "last verified 12 days ago", and the exact moment on hover and for machines.
    for e in ENTRIES:
        if e.last_verified is None:
            continue
        column = page.locator(f"#org-{e.id} td").nth(3)
        header = page.locator(f"#org-{e.id}").locator("xpath=ancestor::table//thead//th").nth(4)
        said = f"{header.inner_text()} {column.locator('time').inner_text()}".lower()
        assert said == f"last verified {VERIFIED[e.id]}"
        assert column.locator("time").get_attribute("datetime") == e.last_verified
        assert column.locator("time").get_attribute("title") == e.last_verified
    stale = page.locator("#org-psl td").nth(3)
    sync_api.expect(stale).to_contain_text("stale")
    sync_api.expect(page.locator("#stale-banner")).to_be_hidden()  # checked a minute ago
    screenshot(page, "index-1280.png", capsys)


def test_history_strip_shows_the_last_thirty_checks(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    marks = visit.page.locator("#org-la-chispa .strip li")
    assert 0 < marks.count() <= 30
    assert marks.count() == len(HISTORY)
    for i in (0, 12, 15, 29):
        sync_api.expect(marks.nth(i)).to_be_visible()
        title = marks.nth(i).get_attribute("title") or ""
        assert title.startswith(HISTORY[i].checked_at[:10])
    sync_api.expect(marks.nth(12)).to_have_attribute("title", re.compile("server error"))
    said = visit.page.locator("#org-la-chispa .checks").inner_text()
    assert "Last 30 checks: 26 ok, 3 server error, 1 blocked." in said
    sync_api.expect(visit.page.locator("#org-sp-ireland .checks")).to_have_text("no checks yet")


def test_typing_in_the_filter_box_narrows_the_list(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    expect = sync_api.expect
    page = visit.page
    box = page.get_by_label("Filter organisations")
    count = page.locator("#filter-count")
    expect(box).to_be_visible()
    expect(count).to_have_text("")

    box.press_sequentially("chile")
    expect(count).to_have_text(f"2 of {len(ENTRIES)} shown")
    tables = read_tables(page)
    assert not tables["Belgium"]["visible"]  # a country with no match disappears
    assert tables["Chile"]["visible"]
    assert all(row["visible"] for row in tables["Chile"]["rows"].values())
    expect(page.get_by_role("heading", name="Belgium")).to_be_hidden()

    box.fill("")
    box.press_sequentially("cote d'ivoire")  # accents do not matter
    expect(count).to_have_text(f"1 of {len(ENTRIES)} shown")
    expect(page.locator("#org-civ")).to_be_visible()
    expect(page.locator("#org-la-chispa")).to_be_hidden()

    box.fill("")
    box.press_sequentially("server error")  # the status word is searchable
    expect(count).to_have_text(f"1 of {len(ENTRIES)} shown")
    expect(page.locator("#org-ir-chile")).to_be_visible()

    box.fill("")
    box.press_sequentially("no such organisation")
    expect(count).to_have_text(f"0 of {len(ENTRIES)} shown")
    expect(page.get_by_text("No organisation matches the filter.")).to_be_visible()

    box.fill("")
    expect(count).to_have_text("")
    assert_readable(read_tables(page))


def test_hostile_title_is_text_and_nothing_leaves_the_page(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    page = visit.page
    cells = page.locator("#org-spew td")
    sync_api.expect(cells.nth(1)).to_have_text(HOSTILE_TITLE)
    sync_api.expect(page.get_by_text(HOSTILE_NOTE)).to_be_visible()
    assert page.locator("img, svg, iframe, object, embed").count() == 0
    page.get_by_label("Filter organisations").press_sequentially("img")
    page.locator("#org-spew a").hover()
    page.mouse.wheel(0, 2000)
    page.evaluate("() => document.fonts.ready")  # every font the page wants has been looked up
    assert visit.dialogs == []
    assert visit.errors == []  # no script error, no Content-Security-Policy violation
    assert visit.blocked == []
    assert [u for u in visit.requests if not u.startswith("data:")] == [visit.url]


def test_phone_width_does_not_scroll_sideways(
    browser: BrowserContext, index_html: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    phone = open_report(browser, index_html, PHONE)
    try:
        page = phone.page
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"] + 1
        sticking_out = page.evaluate(
            "w => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > w + 1)"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className)",
            PHONE["width"],
        )
        assert sticking_out == []
        assert_readable(read_tables(page))
        screenshot(page, "index-360.png", capsys)
        # Just wider than the card layout's breakpoint (40rem), the six columns are tightest.
        page.set_viewport_size({"width": 641, "height": PHONE["height"]})
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 641 + 1
        assert phone.dialogs == [] and phone.blocked == [] and phone.errors == []
    finally:
        phone.page.close()


def test_without_javascript_the_whole_table_is_readable(
    playwright: Playwright,
    chromium: str,
    index_html: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    context = _launch(
        playwright, chromium, tmp_path_factory.mktemp("profile-nojs"), java_script_enabled=False
    )
    try:
        visit = open_report(context, index_html, PHONE, now=None)
        page = visit.page
        # No dead control: the box that needs JavaScript is not offered, and a note says so.
        # (Playwright's text matching skips <noscript>, so the note is found by CSS.)
        sync_api.expect(page.get_by_label("Filter organisations")).to_be_hidden()
        note = page.locator("noscript p")
        sync_api.expect(note).to_be_visible()
        sync_api.expect(note).to_contain_text("every organisation is listed below")
        assert_readable(read_tables(page), relative=False)
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
        screenshot(page, "index-360-nojs.png", capsys)
        assert visit.dialogs == [] and visit.blocked == []
    finally:
        context.close()


def test_failing_once_reads_unreachable_since_and_only_confirmed_reads_dead(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    page = visit.page
    once = page.locator("#org-once td").nth(2)  # the Status column
    sync_api.expect(once).to_contain_text("unreachable")
    sync_api.expect(once).to_contain_text(f"since {days_ago(0, 1)[:10]}")
    sync_api.expect(once).not_to_contain_text("dead")
    confirmed = page.locator("#org-civ td").nth(2)
    sync_api.expect(confirmed.locator(".mark")).to_have_text("✗ dead")
    sync_api.expect(confirmed).to_contain_text(f"since {days_ago(390)[:10]}")
    # The summary counts say the same as the rows.
    header = page.locator("header .counts").inner_text()
    assert "unreachable 1" in " ".join(header.split()) and "dead 1" in " ".join(header.split())


def test_addresses_that_lead_elsewhere_are_text_not_links(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    page = visit.page
    for slug, why in (("lsp", "now leads to another site"), ("psl", "shows a parking or placeholder page")):
        cell = page.locator(f"#org-{slug} td.url")
        assert cell.locator("a").count() == 0
        # The address as text, and why it is not a link.
        sync_api.expect(cell).to_have_text(f"https://{slug}.example/not linked: the address {why}")
        sync_api.expect(cell.locator("small.unlinked")).to_have_text(f"not linked: the address {why}")
    sync_api.expect(page.locator("#org-la-chispa td.url a")).to_have_attribute("href", "https://la-chispa.example/")
    sync_api.expect(page.locator("#org-lsp td").nth(2)).to_contain_text("now leads to https://elsewhere.example/")


def test_history_strip_has_fixed_slots_with_dates_and_shares(visit: Visit) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    page = visit.page
    # Fixed slots: the two checks take the last two of 30, the 28 before them are one empty block.
    slots = page.locator("#org-once .strip li")
    assert slots.count() == 3
    assert page.locator("#org-once .strip li.empty").get_attribute("title") == "28 slots without a check"
    full = page.locator("#org-la-chispa .strip").bounding_box()
    last = slots.nth(2).bounding_box()
    assert full is not None and last is not None
    assert abs((last["x"] + last["width"]) - (full["x"] + full["width"])) < 1  # the newest check ends the strip
    assert last["width"] < full["width"] / 25  # one slot of 30 wide, in the same grid as a full strip
    assert (slots.nth(2).get_attribute("title") or "").startswith(days_ago(0, 1)[:10])
    dates = page.locator("#org-once .strip-dates").inner_text()
    assert dates == f"{days_ago(1)[:10]} to {days_ago(0, 1)[:10]}"  # the first and last check
    shares = page.locator("#org-la-chispa .checks small[title]")
    sync_api.expect(shares).to_have_text("verified in 87% of checks over 30 days, 95% over 365")
    assert shares.get_attribute("title") == "26 of 30 checks in the last 30 days, 285 of 300 in the last 365"


def test_relative_dates_come_from_the_script_and_the_readers_clock(
    browser: BrowserContext, index_html: Path
) -> None:
    later = open_report(browser, index_html, DESKTOP, now=NOW + timedelta(days=10))
    try:
        verified = later.page.locator("#org-la-chispa td").nth(3).locator("time")
        assert verified.inner_text() == "10 days ago"  # not frozen at the day it was written
        assert verified.get_attribute("datetime") == days_ago(0, 5)
    finally:
        later.page.close()


def test_stale_banner_appears_once_the_newest_check_is_older_than_the_window(
    browser: BrowserContext, index_html: Path, tmp_path: Path,
    playwright: Playwright, chromium: str, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    sync_api = importlib.import_module("playwright.sync_api")
    # Read 31 days after the last crawl (nothing published since: exit 3 publishes nothing).
    late = open_report(browser, index_html, DESKTOP, now=NOW + timedelta(days=31))
    try:
        banner = late.page.locator("#stale-banner")
        sync_api.expect(banner).to_be_visible()
        sync_api.expect(banner).to_contain_text("may be out of date")
        sync_api.expect(banner).to_contain_text(days_ago(0, 1)[:10])
    finally:
        late.page.close()
    # A page written long after its newest check carries the banner even without JavaScript.
    old = tmp_path / "old"
    write_reports(replace(REPORT, generated_at=iso(NOW + timedelta(days=40))), old)
    context = _launch(playwright, chromium, tmp_path_factory.mktemp("profile-stale"), java_script_enabled=False)
    try:
        page = open_report(context, old / "index.html", DESKTOP, now=None).page
        sync_api.expect(page.locator("#stale-banner")).to_be_visible()
    finally:
        context.close()


def big_report(n: int) -> Report:
    """`n` entries cycling through `ENTRIES`, in 150 countries."""
    entries = [
        replace(ENTRIES[i % len(ENTRIES)], id=f"org-{i:05d}", name=f"Organisation {i}",
                country=f"Country {i % 150:03d}", url=f"https://organisation-{i}.example/")
        for i in range(n)
    ]  # fmt: skip
    return replace(REPORT, entries=tuple(entries))


# Types a query, and clears it, through the page's own input handler; each time from the
# event to the layout it causes (offsetHeight forces it), in the page's own clock.
MEASURE_FILTER = """query => {
  const box = document.getElementById('filter');
  const time = value => {
    const start = performance.now();
    box.value = value;
    box.dispatchEvent(new Event('input'));
    void document.body.offsetHeight;
    return performance.now() - start;
  };
  const narrow = time(query);
  const shown = document.getElementById('filter-count').textContent;
  const widen = time('');
  return {narrow, widen, shown};
}"""


def test_ten_thousand_entries_filter_and_say_how_long_it_took(
    browser: BrowserContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Speed is measured, not asserted (a loaded CI machine is no judge of it): the times are
    # printed, and benchmarks/README.md gives the figures ("The readers' page at 10,000").
    write_reports(big_report(10_000), tmp_path)
    big = open_report(browser, tmp_path / "index.html", DESKTOP)
    try:
        big.page.evaluate("() => document.fonts.ready")
        timings = [big.page.evaluate(MEASURE_FILTER, "country 042") for _ in range(3)]
        shown_after = big.page.locator("#filter-count").text_content()
        rows_shown = big.page.evaluate(
            "[...document.querySelectorAll('tbody tr')].filter(tr => tr.offsetParent !== null).length")
    finally:
        big.page.close()
    assert [t["shown"] for t in timings] == ["67 of 10000 shown"] * 3  # 10,000 / 150 countries, rounded up for 042
    assert shown_after == "" and rows_shown == 10_000  # cleared: every row is back, no count
    with capsys.disabled():
        print(f"\nfilter over 10,000 entries (narrow, widen): "
              f"{[(round(t['narrow']), round(t['widen'])) for t in timings]} ms")
def test_the_filter_box_finds_what_a_reader_sees(
    browser: BrowserContext, tmp_path: Path
) -> None:
    # "pay\u200bpal" shows as "paypal"; a Persian title keeps its ZWNJ, which nobody types.
    titles = {"pal": "pay\u200bpal login", "joined": "pay\u200dpal account",
              "persian": "می\u200cخواهم", "other": "Something else"}
    report = Report(
        generated_at=iso(NOW), directory="d.yaml",
        run=RunInfo(days_ago(0, 10), days_ago(0, 1), len(titles), Network.AVAILABLE),
        entries=tuple(entry(slug, "Testland", f"Org {slug}", "ok", title=title,
                            last_verified=days_ago(1)) for slug, title in titles.items()),
    )
    write_reports(report, tmp_path)
    visit = open_report(browser, tmp_path / "index.html", DESKTOP)
    try:
        expect = importlib.import_module("playwright.sync_api").expect
        box, count = visit.page.get_by_label("Filter organisations"), visit.page.locator("#filter-count")
        # What is on the page is what is seen: no invisible characters in the title cells.
        cells = visit.page.evaluate("[...document.querySelectorAll('tbody td:nth-child(3)')]"
                                    ".map(td => td.textContent.trim())")
        assert sorted(cells) == sorted(["paypal login", "paypal account", "می‌خواهم",
                                        "Something else"]), cells
        box.press_sequentially("paypal")
        expect(count).to_have_text(f"2 of {len(titles)} shown")
        expect(visit.page.locator("#org-pal")).to_be_visible()
        expect(visit.page.locator("#org-joined")).to_be_visible()
        box.fill("")
        box.press_sequentially("میخواهم")
        expect(count).to_have_text(f"1 of {len(titles)} shown")
        expect(visit.page.locator("#org-persian")).to_be_visible()
        assert visit.errors == [] and visit.blocked == []
    finally:
        visit.page.close()
