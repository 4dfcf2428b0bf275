"""History that scales: the retention policy (`fold`) changes no report field, and the text
form (crawler.store.journal) rebuilds the store exactly, appending only what is new."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_crawler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.directory import parse_directory
from crawler.reports import render_json, render_markdown
from crawler.reports.model import Policy, build_report
from crawler.store import fold_cutoff, journal, open_store
from crawler.store.schema import MIGRATIONS, tables
from crawler.verdict.outcome import Identity, Outcome, Reason, Status

NOW = datetime.now(UTC).replace(microsecond=0)  # the commands fold by the real clock
DAYS = 120

OK = Outcome(Status.OK, Reason.OK, http_status=200, title="Home")
DEAD = Outcome(Status.DEAD, "http-404", "not found", http_status=404)
TIMEOUT = Outcome(Status.DEAD, Reason.TIMEOUT, "no answer in 30 s")
BLOCKED = Outcome(Status.BLOCKED, "http-403", http_status=403)
MOVED = Outcome(Status.MOVED, Reason.REDIRECT, http_status=200, final_url="https://elsewhere.example/")
NO_SITE = Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE)


def outcome_on(entry: str, day: int) -> Outcome | None:
    """Each entry's story over `DAYS` days (None: not checked that day)."""
    match entry:
        case "steady":  # alive every day, a new title on day 40, dated content on day 10 only
            return replace(OK, title="Home" if day < 40 else "Home, renamed",
                           content_updated=at(10)[:10] if day == 10 else None)
        case "long-dead":  # verified once on day 3, failing ever since: the streak spans the fold
            return OK if day == 3 else (DEAD if day > 3 else None)
        case "flapping":  # alternating
            return OK if day % 3 else TIMEOUT
        case "recovered":  # failing from day 20 to day 70, then alive again
            return DEAD if 20 <= day <= 70 else OK
        case "weekly":  # checked once a week (crawl --due), latest dead for a while
            return (OK if day < 80 else MOVED) if day % 7 == 0 else None
        case "refusing":
            return BLOCKED
        case "no-site":
            return NO_SITE if day % 2 == 0 else None
        case "new":  # only the last few days
            return OK if day > DAYS - 3 else None
    raise AssertionError(entry)


ENTRIES = ("steady", "long-dead", "flapping", "recovered", "weekly", "refusing", "no-site", "new")
DIRECTORY = parse_directory(
    "organisations:\n" + "".join(
        f"  - id: {e}\n    country: C\n    name: {e}\n    website: "
        + ("null\n" if e == "no-site" else f"https://{e}.example/\n")
        for e in ENTRIES
    ),
    "organisations.yaml",
)


def at(day: int, second: int = 0) -> str:
    """Day `day` of the history, at noon of the clock's day (far from any "N days ago" cutoff)."""
    start = NOW - timedelta(days=DAYS - day) + timedelta(hours=12)
    return (start + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_history(location: Path | str) -> None:
    """One run a day, with the day's checks; day 50's run was killed, day 51's saw no network."""
    store = open_store(str(location), write=True)
    try:
        for day in range(DAYS):
            run = store.begin_run("organisations.yaml", started_at=at(day))
            for n, entry in enumerate(ENTRIES):
                outcome = outcome_on(entry, day)
                if outcome is not None:
                    url = None if entry == "no-site" else f"https://{entry}.example/"
                    store.record(run, entry, url, at(day, 7 * n + 1), outcome)
            if day != 50:
                store.finish_run(run, network_available=day != 51)
    finally:
        store.close()  # reopening settles day 50's run as interrupted


def report_of(db: Path) -> tuple[object, str, str]:
    store = open_store(str(db), write=False)
    try:
        model = build_report(DIRECTORY, store, Policy(), now=NOW)
    finally:
        store.close()
    return model, render_json(model), render_markdown(model)


def rows(db: Path, table: str) -> int:
    return pragma(db, f"SELECT count(*) FROM {table}")


def pragma(db: Path, query: str) -> int:
    """One number from the store: a PRAGMA's name, or a query."""
    connection = sqlite3.connect(db)
    try:
        sql = query if query.startswith("SELECT") else f"PRAGMA {query}"
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("history") / "history.sqlite3"
    build_history(db)
    open_store(str(db), write=True).close()  # settles the killed run, as the next crawl would
    return db


# --- the retention policy ------------------------------------------------------------------------


def test_folding_changes_no_report_field(history: Path, tmp_path: Path) -> None:
    db = tmp_path / "folded.sqlite3"
    db.write_bytes(history.read_bytes())
    before = report_of(db)
    checks_before = rows(db, "checks")
    store = open_store(str(db), write=True)
    try:
        # In two steps, as daily crawls fold a little at a time: the second merges into the first.
        first = store.fold(fold_cutoff(60, NOW))
        second = store.fold(fold_cutoff(5, NOW))
    finally:
        store.close()
    assert first > 0 and second > 0
    assert rows(db, "checks") == checks_before - first - second
    assert rows(db, "folded") == len(ENTRIES) - 2  # those with more than 30 checks (not "weekly", "new")
    after = report_of(db)
    assert after[0] == before[0]  # every field of every entry, the run, the dates
    assert after[1] == before[1] and after[2] == before[2]  # and so every report's text
    long_dead = next(e for e in after[0].entries if e.id == "long-dead")  # type: ignore[attr-defined]
    assert long_dead.consecutive_failures > 30 and long_dead.last_verified == at(3, 7 * 1 + 1)


def test_folding_keeps_what_identities_and_shares_are_judged_by(tmp_path: Path) -> None:
    # The identity memory (titles seen while confirmed, the last confirmation) and the shares
    # of verified checks come from old checks too: folding them must not change either. An
    # ok answer from someone else's site (identity lost) verifies nothing, folded or not.
    confirmed = replace(OK, identity=Identity.CONFIRMED)
    story = [replace(confirmed, title="Old Name")] * 10 + [replace(OK, identity=Identity.LOST, title="Casino")] * 5
    story += [replace(confirmed, title="New Name")] * 5 + [replace(OK, identity=Identity.UNCONFIRMED)] * 35
    db = tmp_path / "h.sqlite3"
    store = open_store(str(db), write=True)
    try:
        for day, outcome in enumerate(story):
            run = store.begin_run("d.yaml", started_at=at(DAYS - len(story) + day))
            store.record(run, "e", "https://e.example/", at(DAYS - len(story) + day, 1), outcome)
            store.finish_run(run, network_available=True)
        memory, summary = store.identity_memory(["e"]), store.summaries(["e"], now=at(DAYS))["e"]
        assert memory["e"].confirmed_titles == ("New Name", "Old Name")
        assert store.fold(fold_cutoff(5, NOW)) == len(story) - 30
        assert store.identity_memory(["e"]) == memory and store.identity_memory() == memory
        folded = store.summaries(["e"], now=at(DAYS))["e"]
        assert folded.shares == summary.shares and folded.last_verified == summary.last_verified
        assert folded.shares.checks_30 == 30 and summary.shares.checks_365 == len(story)
    finally:
        store.close()


TITLED = [replace(OK, title="Other"), replace(OK, title=None, content_updated="2027-01-01")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=st.lists(st.lists(st.sampled_from([OK, DEAD, BLOCKED, MOVED, TIMEOUT, None, *TITLED]),
                              min_size=1, max_size=60), min_size=1, max_size=3),
    cutoffs=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=3),
)
def test_any_history_reports_the_same_after_any_folds(stories: list[list[Outcome | None]], cutoffs: list[int]) -> None:
    ids = [f"e{n}" for n in range(len(stories))]
    directory = parse_directory("organisations:\n" + "".join(
        f"  - id: {i}\n    country: C\n    name: {i}\n    website: https://{i}.example/\n" for i in ids), "d.yaml")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "h.sqlite3"
        store = open_store(str(db), write=True)
        length = max(len(s) for s in stories)
        for day in range(length):
            run = store.begin_run("d.yaml", started_at=at(DAYS - length + day))
            for entry_id, story in zip(ids, stories, strict=True):
                if day < len(story) and story[day] is not None:
                    store.record(run, entry_id, f"https://{entry_id}.example/", at(DAYS - length + day, 1), story[day])
            store.finish_run(run, network_available=True)
        before = build_report(directory, store, Policy(), now=NOW)
        for days in sorted(cutoffs, reverse=True):  # older cutoffs first, as time goes by
            store.fold(fold_cutoff(days, NOW))
            assert build_report(directory, store, Policy(), now=NOW) == before
        store.close()


def test_the_migration_adds_the_folded_table_to_a_store_without_it(tmp_path: Path) -> None:
    version = next(n for n, sql in MIGRATIONS.items() if "folded" in sql)
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        connection.executescript(tables(id="INTEGER PRIMARY KEY", ref="INTEGER") + "DROP TABLE folded;")
        assert "folded" not in {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        connection.executescript(MIGRATIONS[version])
        assert connection.execute("SELECT count(*) FROM folded").fetchone() == (0,)


# --- the text form ---------------------------------------------------------------------------------


def test_the_text_form_rebuilds_the_store_exactly(history: Path, tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    store = open_store(str(history), write=False)
    try:
        runs, checks = journal.export(store, folder)
    finally:
        store.close()
    assert runs == DAYS and checks == rows(history, "checks")
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted({f"{at(day)[:7]}.jsonl" for day in range(DAYS)})
    lines = [json.loads(line) for f in sorted(folder.iterdir()) for line in f.read_text().splitlines()]
    short = [v for v in lines if isinstance(v, list) and len(v) == 2]
    assert len(short) > checks / 2  # most days, most sites say what they said the day before

    rebuilt = tmp_path / "rebuilt.sqlite3"
    store = open_store(str(rebuilt), write=True)
    try:
        assert journal.import_(store, folder) == (DAYS, checks)
        assert journal.import_(store, folder) == (0, 0)  # what it has already is passed over
    finally:
        store.close()
    assert report_of(rebuilt) == report_of(history)
    query = "SELECT run_id, entry_id, url, checked_at, status, reason, detail, http_status, final_url, title," \
            " content_updated FROM checks ORDER BY id"
    with sqlite3.connect(history) as a, sqlite3.connect(rebuilt) as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute("SELECT * FROM runs").fetchall() == b.execute("SELECT * FROM runs").fetchall()


def test_import_brings_an_old_store_up_to_date(history: Path, tmp_path: Path) -> None:
    folder, partial = tmp_path / "journal", tmp_path / "partial"
    store = open_store(str(history), write=False)
    try:
        journal.export(store, folder)
    finally:
        store.close()
    # An old copy of the store (an Actions cache from some days ago): the text form up to
    # the middle of the last month, imported.
    partial.mkdir()
    files = sorted(folder.iterdir())
    cut = max(range(len(files)), key=lambda n: files[n].read_text().count('{"run"'))  # a whole month
    for f in files[:cut]:
        (partial / f.name).write_bytes(f.read_bytes())
    lines = files[cut].read_text().splitlines(keepends=True)
    runs_at = [n for n, line in enumerate(lines) if line.startswith('{"run"')]
    (partial / files[cut].name).write_text("".join(lines[: runs_at[len(runs_at) // 2]]))
    old = tmp_path / "old.sqlite3"
    store = open_store(str(old), write=True)
    try:
        some, _ = journal.import_(store, partial)
        # The rest: the runs it has are skimmed; the later runs' short lines still resolve
        # to the full lines of the runs skimmed before them.
        rest, _ = journal.import_(store, folder)
    finally:
        store.close()
    assert some + rest == DAYS and len(runs_at) >= 28
    assert report_of(old) == report_of(history)


def test_export_only_appends_what_is_new(history: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(history.read_bytes())
    folder = tmp_path / "journal"
    store = open_store(str(db), write=True)
    try:
        journal.export(store, folder)
        newest = sorted(folder.iterdir())[-1]
        before = newest.read_bytes()
        assert journal.export(store, folder) == (0, 0)
        run = store.begin_run("organisations.yaml", started_at=at(DAYS - 1, 3600))
        store.record(run, "steady", "https://steady.example/", at(DAYS - 1, 3601), replace(OK, title="Home, renamed"))
        store.record(run, "long-dead", "https://long-dead.example/", at(DAYS - 1, 3602), OK)
        store.finish_run(run, network_available=True)
        assert journal.export(store, folder) == (1, 2)
    finally:
        store.close()
    after = newest.read_bytes()
    assert after.startswith(before)  # appended, never rewritten
    added = [json.loads(line) for line in after[len(before):].decode().splitlines()]
    assert added[0]["run"] == run
    assert added[1] == ["steady", 1]  # the same as its last line but for the time
    assert added[2][0] == "long-dead" and len(added[2]) == len(journal.COLUMNS)  # changed: in full


def test_a_file_written_before_the_store_had_a_column_still_imports(tmp_path: Path) -> None:
    # The text form's first files were written with the check columns of schema 1; columns
    # added since (warnings, identity, identity_detail, origin) take the store's defaults.
    folder = tmp_path / "journal"
    folder.mkdir()
    old_columns = ["entry_id", "url", "checked_at", "status", "reason", "detail", "http_status",
                   "final_url", "title", "content_updated"]
    (folder / "2026-11.jsonl").write_text("\n".join(json.dumps(v) for v in [
        {"history": journal.FORMAT, "columns": old_columns},
        {"run": 1, "started_at": "2026-11-01T00:00:00Z", "finished_at": "2026-11-01T00:01:00Z",
         "directory": "d.yaml", "network": "available", "checked": 1},
        ["steady", "https://steady.example/", 5, "ok", "ok", "", 200, None, "Home", None],
    ]) + "\n", encoding="utf-8")
    store = open_store(str(tmp_path / "h.sqlite3"), write=True)
    try:
        assert journal.import_(store, folder) == (1, 1)
        (check,) = store.checks_of_run(1)
    finally:
        store.close()
    assert (check.checked_at, check.title, check.warnings, check.identity, check.identity_detail) == (
        "2026-11-01T00:00:05Z", "Home", (), None, "")


def test_a_bad_text_form_is_a_path_line_problem_and_imports_nothing(history: Path, tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    store = open_store(str(history), write=False)
    try:
        journal.export(store, folder)
    finally:
        store.close()
    last = sorted(folder.iterdir())[-1]
    lines = last.read_text().splitlines()
    lines[3] = '["steady", "not a time"'
    last.write_text("\n".join(lines) + "\n")
    db = tmp_path / "new.sqlite3"
    result = run_crawler("history", "import", "--db", str(db), "--journal", str(folder))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{last}:4: not a JSON value")
    assert rows(db, "runs") == 0  # nothing of the good files went in either


def test_history_commands_end_to_end(history: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(history.read_bytes())
    folder = tmp_path / "journal"
    exported = run_crawler("history", "export", "--db", str(db), "--journal", str(folder))
    assert exported.returncode == 0, exported.stderr
    assert f"{DAYS} runs" in exported.stdout
    rebuilt = tmp_path / "rebuilt.sqlite3"
    imported = run_crawler("history", "import", "--db", str(rebuilt), "--journal", str(folder))
    assert imported.returncode == 0, imported.stderr
    # The import folds what the policy (90 days by default) would have folded; nothing else.
    assert rows(rebuilt, "checks") < rows(db, "checks") and rows(rebuilt, "folded") > 0
    pages = pragma(db, "page_count")
    folded = run_crawler("history", "fold", "--db", str(db))
    assert folded.returncode == 0 and "folded" in folded.stdout
    assert rows(db, "checks") == rows(rebuilt, "checks")
    # The pages the folded checks held are given back (VACUUM), not kept as free pages.
    assert pragma(db, "page_count") < pages and pragma(db, "freelist_count") == 0
