"""The history's text form: append-only JSON lines, one file per month, fit to commit to git.

A binary store committed after every crawl is a new multi-megabyte blob each day; these files
only ever grow at their end, so git stores each day as a small delta, and a store can be
rebuilt from them at any time (`import_`). `export` appends the runs the files lack (runs
still running wait for the next export); `import_` adds to a store the runs it lacks, in one
transaction. Run ids are kept, so the two stay in step.

A file ``YYYY-MM.jsonl`` holds the runs that started that month (UTC), each line one JSON
value:

* first, the header: ``{"history": 1, "columns": ["entry_id", "url", "checked_at", ...]}``,
  the check columns of the store that wrote it (a later crawler may add columns; an
  importer fills the ones a file lacks with nothing);
* a run: ``{"run": 12, "started_at": "...", "finished_at": "...", "directory": "...",
  "network": "available", "checked": 42}``, followed by its checks;
* a check, as a list of the header's columns, ``checked_at`` written as whole seconds after
  its run started where that is exact (else as the time itself);
* or, when nothing but the time differs from the same entry's previous check in the same
  file, just ``[entry_id, seconds]``: most days most sites say what they said yesterday.

A bad file is reported as ``PATH:LINE: message`` (`JournalError`), and nothing is imported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.directory import Problem
from crawler.errors import CrawlerError
from crawler.store import Store
from crawler.store.rows import RunRow
from crawler.store.sql import CHECK_COLUMNS
from crawler.verdict.outcome import Network, Status

FORMAT = 1
COLUMNS: tuple[str, ...] = tuple(c.strip() for c in CHECK_COLUMNS.split(","))
_ENTRY, _TIME = COLUMNS.index("entry_id"), COLUMNS.index("checked_at")
SUFFIX = ".jsonl"
# What a column a file lacks (written before the store had it) is filled with: the store's
# default for its NOT NULL text columns (crawler.store.schema), else nothing.
_ABSENT: tuple[Any, ...] = tuple("" if c in ("detail", "warnings", "identity_detail") else None for c in COLUMNS)
_STATUSES = frozenset(s.value for s in Status)


class JournalError(CrawlerError):
    """The text form cannot be read; `problems` says where (nothing was imported)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- writing -----------------------------------------------------------------------------------


def export(store: Store, folder: Path) -> tuple[int, int]:
    """Append every settled run the files lack (with its checks); (runs, checks) appended."""
    files = _files(folder)
    last = _last_run(files[-1]) if files else 0
    runs = 0
    checks = 0
    open_file: tuple[Path, _Writer] | None = None
    try:
        for run in store.runs():
            if run.id <= last:
                continue
            if run.network is Network.RUNNING:
                break  # runs are appended in order: this one and later ones wait
            month = run.started_at[:7]
            if open_file is None or not open_file[0].name.startswith(month):
                if open_file is not None:
                    open_file[1].close()
                path = _target(folder, month)
                open_file = (path, _Writer.open(path))
            checks += open_file[1].run(run, store.check_rows(run.id))
            runs += 1
    finally:
        if open_file is not None:
            open_file[1].close()
    return runs, checks


class _Writer:
    """Appends to one month's file, knowing each entry's last check in it (for the short form)."""

    def __init__(self, path: Path, last: dict[str, tuple[Any, ...]]) -> None:
        self.path = path
        self.last = last
        self.file = path.open("a", encoding="utf-8", newline="\n")

    @classmethod
    def open(cls, path: Path) -> _Writer:
        path.parent.mkdir(parents=True, exist_ok=True)
        last: dict[str, tuple[Any, ...]] = {}
        if path.exists() and path.stat().st_size:
            # The file's columns are ours (`_target`): its full lines are rows of `COLUMNS`.
            full: dict[str, list[Any]] = {}
            for _run in _read(path, wanted=lambda run_id: False, last=full):
                pass
            last = {entry: _without_time(row) for entry, row in full.items()}
            writer = cls(path, last)
        else:
            writer = cls(path, last)
            writer.write({"history": FORMAT, "columns": list(COLUMNS)})
        return writer

    def write(self, value: Any) -> None:
        self.file.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")

    def run(self, run: RunRow, rows: Iterator[tuple[Any, ...]]) -> int:
        self.write({
            "run": run.id, "started_at": run.started_at, "finished_at": run.finished_at,
            "directory": run.directory, "network": run.network.value, "checked": run.checked,
        })
        start = _parse(run.started_at)
        count = 0
        for row in rows:
            entry, when = row[_ENTRY], _offset(start, row[_TIME])
            rest = _without_time(row)
            if self.last.get(entry) == rest:
                self.write([entry, when])
            else:
                self.write([*row[:_TIME], when, *row[_TIME + 1 :]])
                self.last[entry] = rest
            count += 1
        return count

    def close(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()


def _target(folder: Path, month: str) -> Path:
    """The month's file to append to: its last one, unless a crawler with other check columns
    wrote it; then a new one after it (``YYYY-MM~2.jsonl``), so each file has one header."""
    files = sorted(folder.glob(f"{month}*{SUFFIX}"))
    if not files:
        return folder / f"{month}{SUFFIX}"
    last = files[-1]
    first = next(_lines(last), None)
    if first is None or (isinstance(first[1], dict) and first[1].get("columns") == list(COLUMNS)):
        return last
    return folder / f"{month}~{len(files) + 1}{SUFFIX}"


def _without_time(row: Sequence[Any]) -> tuple[Any, ...]:
    return (*row[:_TIME], *row[_TIME + 1 :])


def _offset(start: datetime | None, checked_at: str) -> int | str:
    """Whole seconds after the run's start, when that gives back exactly `checked_at`."""
    if start is None:
        return checked_at
    try:
        seconds = round((_parse_strict(checked_at) - start).total_seconds())
    except ValueError:
        return checked_at
    return seconds if seconds >= 0 and _iso(start + timedelta(seconds=seconds)) == checked_at else checked_at


# --- reading -----------------------------------------------------------------------------------


def import_(store: Store, folder: Path) -> tuple[int, int]:
    """Add the runs of the files (oldest first) that the store lacks; (runs, checks) added.

    Runs the store has are skimmed, not read: a store that is up to date costs a glance at
    each file. Raises JournalError (and adds nothing) when a line it reads is not valid."""
    if not folder.is_dir():
        raise JournalError([Problem(str(folder), 0, "no such folder: nothing to import")])
    have = {run.id for run in store.runs()}
    return store.add_runs(
        run for path in _files(folder) for run in _read(path, wanted=lambda run_id: run_id not in have)
    )


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def _last_run(path: Path) -> int:
    last = 0
    for run, _rows in _read(path, wanted=lambda run_id: False):
        last = max(last, run.id)
    return last


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    """The file's lines, parsed."""
    for lineno, line in _raw(path):
        yield lineno, _json(path, lineno, line)


def _raw(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if line.strip():
                yield lineno, line


def _json(path: Path, lineno: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise JournalError([Problem(str(path), lineno, f"not a JSON value: {exc.msg}")]) from None


def _read(
    path: Path, wanted: Callable[[int], bool] = lambda run_id: True, last: dict[str, list[Any]] | None = None
) -> Iterator[tuple[RunRow, list[tuple[Any, ...]]]]:
    """Each run of the file with its checks (rows of the store's `COLUMNS`; none for a run
    not `wanted`). `last` receives each entry's last full line (the file's columns, with
    its time), which is all a short line needs: a run not wanted is skimmed, reading only
    its full lines (a short one, ``["id",N]``, is the one line with a single comma)."""
    lines = _raw(path)
    first = next(lines, None)
    layout = _Layout(_header(path, (first[0], _json(path, *first)) if first else (1, None)))
    last = {} if last is None else last
    run: RunRow | None = None
    rows: list[tuple[Any, ...]] = []
    start: datetime | None = None
    for lineno, line in lines:
        if line.lstrip().startswith("{"):
            if run is not None:
                yield run, rows
            run, rows = _run(path, lineno, _json(path, lineno, line)), []
            start = _parse(run.started_at)
            reading = wanted(run.id)
        elif run is None:
            raise JournalError([Problem(str(path), lineno, "a check before any run")])
        elif reading:
            rows.append(_check(path, lineno, _json(path, lineno, line), layout, start, last))
        elif line.count(",") != 1:
            _check(path, lineno, _json(path, lineno, line), layout, start, last)
    if run is not None:
        yield run, rows


def _header(path: Path, first: tuple[int, Any]) -> list[str]:
    lineno, value = first
    if not (isinstance(value, dict) and value.get("history") == FORMAT and isinstance(value.get("columns"), list)):
        raise JournalError([Problem(str(path), lineno, f'expected the header {{"history": {FORMAT}, "columns": [...]}}')])
    columns = [str(c) for c in value["columns"]]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not {"entry_id", "checked_at", "status"} <= set(columns):
        what = f"unknown columns {', '.join(unknown)} (written by a newer crawler?)" if unknown else (
            "the columns must include entry_id, checked_at and status")
        raise JournalError([Problem(str(path), lineno, what)])
    return columns


def _run(path: Path, lineno: int, value: Any) -> RunRow:
    try:
        if not isinstance(value, dict):
            raise ValueError("a check before any run")
        return RunRow(
            int(value["run"]), str(value["started_at"]), value.get("finished_at"), str(value["directory"]),
            Network(value["network"]), int(value["checked"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise JournalError([Problem(str(path), lineno, f"not a run line: {exc}")]) from None


class _Layout:
    """Where a file's columns are, and where each of the store's `COLUMNS` is among them."""

    def __init__(self, columns: list[str]) -> None:
        self.width = len(columns)
        self.entry, self.time, self.status = (columns.index(c) for c in ("entry_id", "checked_at", "status"))
        self.picks = [columns.index(c) if c in columns else None for c in COLUMNS]


def _check(
    path: Path, lineno: int, value: Any, layout: _Layout, start: datetime | None, last: dict[str, list[Any]]
) -> tuple[Any, ...]:
    """One check line as a row of the store's `COLUMNS`."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and value[0] in last:
        row = list(last[value[0]])
        row[layout.time] = _time(path, lineno, start, value[1])
    elif isinstance(value, list) and len(value) == layout.width and isinstance(value[layout.entry], str):
        row = list(value)
        row[layout.time] = _time(path, lineno, start, value[layout.time])
        if row[layout.status] not in _STATUSES:
            raise JournalError([Problem(str(path), lineno, f"unknown status {row[layout.status]!r}")])
        last[value[layout.entry]] = row
    else:
        raise JournalError([Problem(str(path), lineno, f"not a check line: expected {layout.width} values, or "
                                    "[entry_id, seconds] after a full line of that entry")])
    return tuple(_ABSENT[n] if i is None else row[i] for n, i in enumerate(layout.picks))


def _time(path: Path, lineno: int, start: datetime | None, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and start is not None:
        return _iso(start + timedelta(seconds=value))
    raise JournalError([Problem(str(path), lineno, f"checked_at must be seconds after the run's start or a time, found {value!r}")])


def _parse(text: str) -> datetime | None:
    try:
        return _parse_strict(text)
    except ValueError:
        return None


def _parse_strict(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
