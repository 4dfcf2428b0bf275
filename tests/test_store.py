"""The history survives: a killed crawl, two crawls at once, a damaged or newer store file,
and the History API's derived dates.

The end-to-end tests run the real CLI in subprocesses. They wait on conditions (rows in the
SQLite file, a request reaching a test server), each with a deadline, never on the clock.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SimWeb, run_crawler, wait_for, without_rdap, write_directory
from old_schemas import SQLITE_SCHEMA_1

from crawler.errors import StoreError
from crawler.store.rows import DomainRow
from crawler.store.schema import SCHEMA_VERSION
from crawler.store.sqlite import SqliteStore as History
from crawler.verdict.outcome import Identity, Outcome, Status, WarningCode

NO_PROXY = {name: "" for name in ("http_proxy", "https_proxy", "all_proxy",
                                  "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
DEADLINE = 60.0  # seconds any awaited condition may take on a slow machine


def start_crawl(*args: str, ca: str | None = None, log: Path) -> subprocess.Popen[bytes]:
    """`python -m crawler ARGS` in the background, its output into `log`."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "SSL_CERT_FILE")}
    env.update(NO_PROXY)
    if ca:
        env["SSL_CERT_FILE"] = ca
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "crawler", *without_rdap(args)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows from a read-only connection; [] while the store or its tables do not exist yet."""
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return []
    try:
        return connection.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        connection.close()


def resolve(simweb: SimWeb, *hosts: str) -> list[str]:
    return [a for h in hosts for p in simweb.hosts[h]["ports"] for a in ("--resolve", f"{h}:{p}:127.0.0.1")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- (a) a crawl killed mid-run -------------------------------------------------------------


def test_killed_crawl_keeps_its_committed_checks(simweb: SimWeb, tmp_path: Path) -> None:
    # 8 live entries answer at once; 32 on a host that never answers keep the crawl busy
    # (two at a time, 3 s each, retried) long after the live ones are committed.
    urls: dict[str, str | None] = {f"live-{n}": simweb.url("ok-site.org") for n in range(8)}
    urls.update({f"hanging-{n}": simweb.url("hang.org") for n in range(32)})
    directory = write_directory(tmp_path / "organisations.yaml", urls)
    db, log = tmp_path / "history.sqlite3", tmp_path / "killed.log"
    common = ["--db", str(db), "--reports", str(tmp_path / "reports"), "--no-freshness", "--timeout", "3",
              *resolve(simweb, "ok-site.org", "hang.org")]
    process = start_crawl("crawl", "--directory", str(directory), *common, log=log)
    try:
        committed = wait_for(
            lambda: (rows := query(db, "SELECT * FROM checks ORDER BY id")) and len(rows) >= 5 and rows,
            process, log,
        )
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=DEADLINE)
    assert process.returncode == -signal.SIGKILL

    # The file is sound and every check committed before the kill is there, unchanged.
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        kept = connection.execute("SELECT * FROM checks ORDER BY id").fetchall()
        runs = connection.execute("SELECT id, network FROM runs").fetchall()
    connection.close()
    assert kept[: len(committed)] == committed
    assert {row[5] for row in kept} == {"ok"}  # status: only the live ones had finished
    assert runs == [(1, "running")]

    # The next crawl on the store works and settles the killed run.
    small = write_directory(tmp_path / "small.yaml", {"live-0": simweb.url("ok-site.org")})
    result = run_crawler("crawl", "--directory", str(small), *common, ca=simweb.ca, env=NO_PROXY)
    assert result.returncode == 0, result.stderr
    store = History.open(db, write=False)
    try:
        runs_after = [(r.network, r.checked) for r in store.runs()]
        assert runs_after == [("interrupted", len(kept)), ("available", 1)]
        assert [c.status for c in store.checks_of_run(1)] == ["ok"] * len(kept)
        killed_only = next(row[2] for row in kept if row[2] != "live-0")
        summary = store.summaries([killed_only])
        assert summary[killed_only].last_verified is not None  # the killed run's checks count
    finally:
        store.close()


# --- (b) two crawls on one store ------------------------------------------------------------


class Gate(http.server.BaseHTTPRequestHandler):
    """Holds every request until the test opens the gate, then answers a live page."""

    arrived = threading.Event()
    opened = threading.Event()

    def do_GET(self) -> None:
        type(self).arrived.set()
        type(self).opened.wait(DEADLINE)
        body = b"<!DOCTYPE html><title>Behind the gate</title><p>hello</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gate() -> Iterator[tuple[int, type[Gate]]]:
    handler = type("ThisGate", (Gate,), {"arrived": threading.Event(), "opened": threading.Event()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], handler
    finally:
        handler.opened.set()
        server.shutdown()
        server.server_close()


def test_second_crawl_on_a_busy_store_is_refused(gate: tuple[int, type[Gate]], tmp_path: Path) -> None:
    port, handler = gate
    directory = write_directory(tmp_path / "organisations.yaml", {"gated": f"http://gated.invalid:{port}/"})
    db, log = tmp_path / "history.sqlite3", tmp_path / "first.log"
    common = ["--directory", str(directory), "--db", str(db), "--no-freshness",
              "--resolve", f"gated.invalid:{port}:127.0.0.1"]
    first = start_crawl("crawl", *common, "--reports", str(tmp_path / "reports"), log=log)
    try:
        # The first crawl holds the store and waits in our gate.
        wait_for(lambda: handler.arrived.is_set(), first, log)
        second = run_crawler("crawl", *common, "--reports", str(tmp_path / "second"), env=NO_PROXY)
        assert second.returncode == 2, second.stderr
        assert str(db) in second.stderr and "another crawl" in second.stderr
        assert "Traceback" not in second.stderr
        assert not (tmp_path / "second").exists()
    finally:
        handler.opened.set()
        first.wait(timeout=DEADLINE)
    assert first.returncode == 0, log.read_text()
    store = History.open(db, write=False)
    try:
        assert [(r.network, r.checked) for r in store.runs()] == [("available", 1)]
        check = next(store.checks_of_run(1))
        assert (check.status, check.title) == ("ok", "Behind the gate")
    finally:
        store.close()


# --- (c, d) stores that must be refused and left untouched -----------------------------------


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(0).randbytes(16384))


def damaged_page(path: Path) -> None:
    store = History.open(path, write=True)
    run = store.begin_run("organisations.yaml")
    for n in range(300):
        store.record(run, f"entry-{n}", f"https://e{n}.invalid/", "2026-01-01T00:00:00Z",
                     Outcome(Status.DEAD, "dns", "x" * 200))
    store.finish_run(run, network_available=True)
    store.close()
    with sqlite3.connect(path) as connection:
        page_size, pages = connection.execute("PRAGMA page_size").fetchone()[0], connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    assert pages > 8
    data = bytearray(path.read_bytes())
    data[4 * page_size : 5 * page_size] = random.Random(1).randbytes(page_size)
    path.write_bytes(bytes(data))


def newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, future TEXT)")
        connection.execute("PRAGMA user_version = 99")
    connection.close()


def foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE bookmarks (url TEXT)")
        connection.execute("INSERT INTO bookmarks VALUES ('https://example.invalid/')")
    connection.close()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (random_bytes, ["not a usable history store"]),
        (damaged_page, ["history store"]),
        (newer_schema, ["newer", "99"]),
        (foreign_sqlite, ["not a history store"]),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
@pytest.mark.parametrize("command", ["crawl", "report"])
def test_unusable_store_is_refused_and_left_untouched(
    tmp_path: Path, make: Callable[[Path], None], words: list[str], command: str
) -> None:
    db = tmp_path / "history.sqlite3"
    make(db)
    before = digest(db)
    directory = write_directory(tmp_path / "organisations.yaml", {"a": "https://nowhere.invalid/"})
    result = run_crawler(command, "--directory", str(directory), "--db", str(db),
                         "--reports", str(tmp_path / "reports"), env=NO_PROXY)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(db) in result.stderr
    for word in words:
        assert word in result.stderr
    assert digest(db) == before
    assert not (tmp_path / "reports").exists()


# --- (e) the History API --------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[History]:
    history = History.open(tmp_path / "history.sqlite3", write=True)
    try:
        yield history
    finally:
        history.close()


def day(n: int) -> str:
    return f"2026-01-{n:02d}T12:00:00Z"


def one_run(store: History, n: int, checks: dict[str, Outcome], network_available: bool = True) -> int:
    run = store.begin_run("organisations.yaml", started_at=day(n))
    for entry, outcome in checks.items():
        store.record(run, entry, f"https://{entry}.invalid/", day(n), outcome)
    store.finish_run(run, network_available=network_available)
    return run


OK = Outcome(Status.OK, "ok", http_status=200, title="Home")
DEAD = Outcome(Status.DEAD, "dns", "does not resolve")
GONE = Outcome(Status.DEAD, "http-404", http_status=404)
BLOCKED = Outcome(Status.BLOCKED, "http-403", http_status=403)
MOVED = Outcome(Status.MOVED, "redirect", "now at b.example", http_status=200)
REDIRECTED = Outcome(Status.REDIRECTED, "http-301", http_status=200)


def test_network_unavailable_run_discards_its_checks(store: History) -> None:
    one_run(store, 1, {"a": OK})
    run = one_run(store, 2, {"a": DEAD, "b": DEAD}, network_available=False)
    assert store.run(run) is not None and store.run(run).network == "unavailable"  # type: ignore[union-attr]
    assert store.run(run).checked == 0  # type: ignore[union-attr]
    assert list(store.checks_of_run(run)) == []
    summary = store.summaries(["a", "b"])
    assert set(summary) == {"a"}  # b was never checked as far as the history knows
    assert summary["a"].last_verified == day(1)
    assert (summary["a"].failing_since, summary["a"].consecutive_failures) == (None, 0)
    assert store.last_run().id == run  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("sequence", "last_verified", "failing_since", "failures"),
    [
        ([OK, DEAD, GONE], 1, 2, 2),
        ([OK, DEAD, BLOCKED], 1, None, 0),  # blocked answered: not a failure, ends the streak
        ([OK, DEAD, BLOCKED, MOVED], 1, 4, 1),
        ([DEAD, DEAD, DEAD], None, 1, 3),
        ([DEAD, REDIRECTED, DEAD], 2, 3, 1),
        ([OK, REDIRECTED, OK], 3, None, 0),
        ([BLOCKED, BLOCKED], None, None, 0),
    ],
    ids=["fails-twice", "blocked-resets", "fails-after-blocked", "never-verified",
         "redirect-verifies", "all-good", "only-blocked"],
)
def test_derived_dates_over_a_sequence_of_runs(
    store: History, sequence: list[Outcome], last_verified: int | None, failing_since: int | None, failures: int
) -> None:
    for n, outcome in enumerate(sequence, start=1):
        one_run(store, n, {"a": outcome, "other": OK})
    # An unavailable run and a run still in progress change nothing.
    one_run(store, len(sequence) + 1, {"a": DEAD}, network_available=False)
    running = store.begin_run("organisations.yaml", started_at=day(28))
    store.record(running, "a", "https://a.invalid/", day(28), DEAD)
    summary = store.summaries(["a"])["a"]
    assert summary.last_verified == (day(last_verified) if last_verified else None)
    assert summary.failing_since == (day(failing_since) if failing_since else None)
    assert summary.consecutive_failures == failures
    assert [c.status for c in summary.recent] == [o.status.value for o in sequence]


def test_killed_run_is_settled_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = History.open(path, write=True)
    answered = store.begin_run("organisations.yaml", started_at=day(1))
    store.record(answered, "a", "https://a.invalid/", day(1), OK)
    store.record(answered, "b", "https://b.invalid/", day(1), DEAD)
    store.close()  # as a kill leaves it: never finished
    store = History.open(path, write=True)
    silent = store.begin_run("organisations.yaml", started_at=day(2))
    store.record(silent, "a", "https://a.invalid/", day(2), DEAD)
    store.close()
    store = History.open(path, write=True)
    try:
        assert [(r.network, r.checked) for r in store.runs()] == [("interrupted", 2), ("interrupted", 0)]
        # Nothing answered in the second: the network's failure, not the site's.
        summary = store.summaries(["a", "b"])
        assert (summary["a"].last_verified, summary["a"].consecutive_failures) == (day(1), 0)
        assert summary["b"].consecutive_failures == 1
    finally:
        store.close()


@pytest.mark.parametrize("alias", ["symlink", "hard link"])
def test_a_crawl_through_another_name_of_a_busy_store_is_refused(
    gate: tuple[int, type[Gate]], tmp_path: Path, alias: str
) -> None:
    # The lock is the file's, not a name's: a link to the store in use reaches it too, and the
    # first crawl's live run is not settled as "interrupted" by the second.
    port, handler = gate
    directory = write_directory(tmp_path / "organisations.yaml", {"gated": f"http://gated.invalid:{port}/"})
    db, log = tmp_path / "history.sqlite3", tmp_path / "first.log"
    other = tmp_path / "elsewhere" / "store.sqlite3"
    other.parent.mkdir()
    common = ["--directory", str(directory), "--no-freshness",
              "--resolve", f"gated.invalid:{port}:127.0.0.1"]
    first = start_crawl("crawl", *common, "--db", str(db), "--reports", str(tmp_path / "reports"), log=log)
    try:
        wait_for(lambda: handler.arrived.is_set(), first, log)
        if alias == "symlink":
            other.symlink_to(db)
        else:
            os.link(db, other)
        second = run_crawler("crawl", *common, "--db", str(other), "--reports", str(tmp_path / "second"),
                             env=NO_PROXY)
        assert second.returncode == 2, second.stderr
        assert str(other) in second.stderr and "another crawl" in second.stderr
        assert not (tmp_path / "second").exists()
    finally:
        handler.opened.set()
        first.wait(timeout=DEADLINE)
    assert first.returncode == 0, log.read_text()
    store = History.open(db, write=False)
    try:
        assert [(r.network, r.checked) for r in store.runs()] == [("available", 1)]
    finally:
        store.close()


def test_second_writer_is_refused_and_first_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    first = History.open(path, write=True)
    try:
        with pytest.raises(StoreError, match="another crawl"):
            History.open(path, write=True)
        run = one_run(first, 1, {"a": OK})
        reader = History.open(path, write=False)  # readers are never refused
        try:
            assert [c.entry_id for c in reader.checks_of_run(run)] == ["a"]
        finally:
            reader.close()
    finally:
        first.close()
    History.open(path, write=True).close()  # free again once the first is closed


def test_reading_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = History.open(path, write=True)
    one_run(store, 1, {"a": OK})
    store.close()
    before = digest(path)
    reader = History.open(path, write=False)
    reader.summaries(["a"])
    reader.close()
    assert digest(path) == before
    assert not (tmp_path / "missing" / "history.sqlite3").exists()
    empty = History.open(tmp_path / "missing" / "history.sqlite3", write=False)
    assert list(empty.runs()) == [] and empty.summaries(["a"]) == {}
    empty.close()
    assert not (tmp_path / "missing").exists()


def test_store_in_an_impossible_place_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be\n", encoding="utf-8")
    directory = write_directory(tmp_path / "organisations.yaml", {"a": "https://nowhere.invalid/"})
    db = blocker / "history.sqlite3"
    result = run_crawler("crawl", "--directory", str(directory), "--db", str(db),
                         "--reports", str(tmp_path / "reports"), env=NO_PROXY)
    assert result.returncode == 2, result.stderr
    assert str(db) in result.stderr and "Traceback" not in result.stderr


# --- schema 2: warnings, identity, the RDAP cache -----------------------------------------

# A schema-1 store as the first crawlers wrote it, with one run and one check.
SCHEMA_1 = SQLITE_SCHEMA_1 + """
INSERT INTO runs VALUES (1, '2026-01-01T12:00:00Z', '2026-01-01T12:05:00Z', 'organisations.yaml', 'available', 1);
INSERT INTO checks VALUES (1, 1, 'a', 'https://a.invalid/', '2026-01-01T12:00:00Z', 'ok', 'ok', '', 200,
    'https://a.invalid/', 'Home', NULL);
PRAGMA user_version = 1;
"""


def test_a_schema_1_store_is_upgraded_in_place_and_keeps_its_checks(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(SCHEMA_1)
    connection.close()
    with pytest.raises(StoreError, match="schema 1 is old"):
        History.open(path, write=False)  # a reader never migrates
    store = History.open(path, write=True)
    try:
        (old,) = store.checks_of_run(1)
        assert (old.status, old.title, old.warnings, old.identity, old.identity_detail) == ("ok", "Home", (), None, "")
        assert store.domains() == {}
        lost = Outcome(Status.OK, "ok", http_status=200, title="Casino", warnings=("truncated", "future-code"),
                       identity=Identity.LOST, identity_detail="gambling")
        one_run(store, 2, {"a": lost})
        newest = store.summaries(["a"])["a"].latest
        assert newest.warnings == (WarningCode.TRUNCATED, "future-code")
        assert (newest.identity, newest.identity_detail) == (Identity.LOST, "gambling")
    finally:
        store.close()
    assert query(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_identity_memory_keeps_what_confirmed_checks_showed(store: History) -> None:
    def seen(title: str, identity: Identity | None) -> Outcome:
        return Outcome(Status.OK, "ok", http_status=200, title=title, identity=identity)

    one_run(store, 1, {"a": seen("Old Name", Identity.CONFIRMED), "b": seen("Home", Identity.UNCONFIRMED)})
    one_run(store, 2, {"a": seen("New Name", Identity.CONFIRMED), "b": seen("Home", None)})
    one_run(store, 3, {"a": seen("Casino", Identity.LOST)})
    one_run(store, 4, {"a": seen("Never counted", Identity.CONFIRMED)}, network_available=False)
    memory = store.identity_memory(["a", "b"])
    assert set(memory) == {"a"}  # b was never confirmed: nothing it showed is its name
    assert memory["a"].last_confirmed == day(2)
    assert memory["a"].confirmed_titles == ("New Name", "Old Name")
    assert store.identity_memory() == memory


def test_the_domain_cache_keeps_the_last_answer_through_failed_lookups(store: History) -> None:
    found = DomainRow("a.example", tried=day(1), answer="found", registered="2001-02-03",
                      expires="2027-02-03", checked=day(1))
    store.record_domain(found)
    store.record_domain(DomainRow("a.example", tried=day(5)))  # unanswered: only `tried` moves
    store.record_domain(DomainRow("b.example", tried=day(5)))
    store.record_domain(DomainRow("c.example", tried=day(6), answer="not-found", checked=day(6)))
    domains = store.domains()
    assert domains["a.example"] == replace(found, tried=day(5))
    assert domains["b.example"] == DomainRow("b.example", tried=day(5))
    assert domains["c.example"].answer == "not-found"
    store.record_domain(replace(found, registered="2026-01-05", tried=day(7), checked=day(7)))
    assert store.domains()["a.example"].registered == "2026-01-05"
