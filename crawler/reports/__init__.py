"""The reports: one writer per format, every one rendering the same `Report`.

`write_reports` renders all formats first and then moves each file into place with
`atomic_write`, so a reader sees either the previous report or the new one, never half.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from crawler.report_model import Report
from crawler.reports.html import render_html
from crawler.reports.json_report import render_json
from crawler.reports.junit import render_junit
from crawler.reports.markdown import render_markdown

__all__ = [
    "REPORTS",
    "atomic_write",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "write_reports",
]

#: File name -> renderer, in the order they are written.
REPORTS: dict[str, Callable[[Report], str]] = {
    "staleness.md": render_markdown,
    "staleness.json": render_json,
    "index.html": render_html,
    "junit.xml": render_junit,
}

_NEW_FILE_MODE = 0o644  # reports are meant to be published


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) so that no reader ever sees a partial file.

    The text goes to a temporary file in the same directory, is flushed to disk and then
    renamed over `path` (`os.replace`, atomic on POSIX and Windows). On any error the
    temporary file is removed and `path` is left as it was. A replaced file keeps its
    permissions; a new one is made readable by all. Characters UTF-8 cannot encode (lone
    surrogates) are written as ``?`` rather than losing the whole report.
    """
    path = Path(path)
    data = text.encode("utf-8", errors="replace")
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)


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


def write_reports(report: Report, out_dir: Path) -> list[Path]:
    """Write every report into `out_dir` (created if missing); return the paths written.

    All formats are rendered before any file is replaced, so a rendering error leaves
    the previous set of reports untouched.
    """
    out_dir = Path(out_dir)
    rendered = {name: render(report) for name, render in REPORTS.items()}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, text in rendered.items():
        path = out_dir / name
        atomic_write(path, text)
        paths.append(path)
    return paths
