"""The reports: one writer per format, every one rendering the same `Report`.

Each writer yields its text in pieces (`iter_*`), so a report of any size is written
without ever being held whole in memory; `render_*` joins the pieces. `write_reports`
streams every format into a temporary file next to its target and moves the files into
place only once all of them are complete, so a reader sees either the previous report or
the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from crawler.errors import WriteError
from crawler.reports.atom import iter_atom, render_atom
from crawler.reports.html import iter_html, render_html
from crawler.reports.json_report import iter_json, render_json
from crawler.reports.junit import iter_junit, render_junit
from crawler.reports.markdown import iter_markdown, render_markdown
from crawler.reports.model import Report

__all__ = [
    "REPORTS",
    "atomic_write",
    "iter_atom",
    "iter_html",
    "iter_json",
    "iter_junit",
    "iter_markdown",
    "render_atom",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "write_reports",
]

#: File name -> writer (the file's text in pieces), in the order they are written.
REPORTS: dict[str, Callable[[Report], Iterator[str]]] = {
    "staleness.md": iter_markdown,
    "staleness.json": iter_json,
    "index.html": iter_html,
    "junit.xml": iter_junit,
    "changes.atom": iter_atom,
}

_NEW_FILE_MODE = 0o644  # reports are meant to be published
_BATCH = 256  # pieces joined per write: fewer calls, and still only a few rows of text


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) so that no reader ever sees a partial file.

    The text goes to a temporary file in the same directory, is flushed to disk and then
    renamed over `path` (`os.replace`, atomic on POSIX and Windows). On any error the
    temporary file is removed and `path` is left as it was. A replaced file keeps its
    permissions; a new one is made readable by all. Characters UTF-8 cannot encode (lone
    surrogates) are written as ``?`` rather than losing the whole report.
    """
    path = Path(path)
    tmp_name = _write_temporary(path, [text])
    try:
        os.replace(tmp_name, path)
    except BaseException:
        _remove(tmp_name)
        raise
    _fsync_directory(path.parent)


def write_reports(report: Report, out_dir: Path) -> list[Path]:
    """Write every report into `out_dir` (created if missing); return the paths written.

    Every format is streamed into its temporary file before any report is replaced, so an
    error while writing (a renderer's bug, a full disk) leaves the previous set of reports
    untouched and no temporary file behind. An operating-system error is raised as a
    `WriteError` naming the report it was writing.
    """
    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError.of(exc, out_dir) from exc
    staged: list[tuple[str, Path]] = []
    path = out_dir
    try:
        for name, pieces in REPORTS.items():
            path = out_dir / name
            staged.append((_write_temporary(path, pieces(report)), path))
        for tmp_name, path in staged:
            os.replace(tmp_name, path)
    except OSError as exc:
        _discard(staged, out_dir, created)
        raise WriteError.of(exc, path) from exc
    except BaseException:
        _discard(staged, out_dir, created)
        raise
    _fsync_directory(out_dir)
    return [path for _, path in staged]


def _discard(staged: list[tuple[str, Path]], out_dir: Path, created: bool) -> None:
    for tmp_name, _ in staged:
        _remove(tmp_name)  # those already moved into place are gone: nothing to do
    if created:
        with contextlib.suppress(OSError):  # not empty: something else wrote there
            out_dir.rmdir()


def _write_temporary(path: Path, pieces: Iterable[str]) -> str:
    """Write `pieces` (UTF-8, lone surrogates as ``?``) to a new temporary file beside
    `path`, flushed to disk and with the mode `path` has (or `_NEW_FILE_MODE`); return its
    name. On any error the temporary file is removed."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # newline="": the pieces' "\n" are written as they are, on every platform.
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="") as tmp:
            batch: list[str] = []
            for piece in pieces:
                batch.append(piece)
                if len(batch) >= _BATCH:
                    tmp.write("".join(batch))
                    batch.clear()
            tmp.write("".join(batch))
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
    except BaseException:
        _remove(tmp_name)
        raise
    return tmp_name


def _remove(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
