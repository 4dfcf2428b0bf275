"""Failures of the crawler's own: a bug exits 70 with its traceback, never 1 or 2; a file that
cannot be written exits 74 naming it; the directory file is read once per crawl.

Bugs are injected into a real `python -m crawler` process: a short program replaces one of
the crawler's functions with one that raises, then runs the command as the console script
does. Everything else (the simulated web, the downloader, the store) is real.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SimWeb, run_crawler, write_directory

# Replaces MODULE.NAME (or MODULE.CLASS.NAME) with a function that raises, then runs `crawler
# ARGS`. Patched before the CLI is imported, so modules that import the name (`from M import
# NAME`) get the fake.
_INJECT = """
import importlib, sys
path = sys.argv[1].split(".")
for cut in range(len(path) - 1, 0, -1):  # the longest prefix that is a module, then attributes
    try:
        owner = importlib.import_module(".".join(path[:cut]))
        break
    except ImportError:
        continue
module = owner
for attribute in path[cut:-1]:
    owner = getattr(owner, attribute)
# Compiled as code of that module's file: the bug is where a real one would be.
code = 'def broken(*args, **kwargs):\\n    raise RuntimeError("injected bug")\\n'
namespace = {}
exec(compile(code, module.__file__, "exec"), namespace)
setattr(owner, path[-1], namespace["broken"])
from crawler.cli import main
sys.exit(main(sys.argv[2:]))
"""

# Counts how often the directory file is parsed, printed on standard error at exit.
_COUNT_PARSES = """
import atexit, sys
import crawler.directory as directory
parses = []
real = directory.parse_directory
def counted(*args, **kwargs):
    parses.append(args[1] if len(args) > 1 else kwargs.get("path"))
    return real(*args, **kwargs)
directory.parse_directory = counted
atexit.register(lambda: print(f"PARSES={len(parses)}", file=sys.stderr))
from crawler.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _python(program: str, *args: str, ca: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "SSL_CERT_FILE")}
    if ca:
        env["SSL_CERT_FILE"] = ca
    return subprocess.run(
        [sys.executable, "-c", program, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def _common(simweb: SimWeb, work: Path, directory: Path, command: str = "crawl") -> list[str]:
    """The options of `command` for a crawl of `directory` into `work`."""
    files = ["--directory", str(directory), "--db", str(work / "h.sqlite3"), "--reports", str(work / "reports")]
    return files if command == "report" else [*files, "--timeout", "3", "--no-rdap", *simweb.resolve_args()]


@pytest.fixture
def directory(simweb: SimWeb, tmp_path: Path) -> Path:
    return write_directory(tmp_path / "d.yaml", {"alive": simweb.url("ok-site.org"), "none": None})


@pytest.mark.parametrize(
    ("command", "broken"),
    [
        ("crawl", "crawler.verdict.classify.classify_page"),  # in a spider callback
        ("check", "crawler.verdict.classify.classify_page"),
        ("crawl", "crawler.store.sql.SqlStore.record"),  # in the item pipeline
        ("report", "crawler.reports.model.advise"),  # outside any crawl
    ],
)
def test_a_bug_exits_70_with_its_traceback(
    simweb: SimWeb, tmp_path: Path, directory: Path, command: str, broken: str
) -> None:
    if command in ("report", "check"):  # a history to report on or judge by, made by a sound crawl
        assert run_crawler("crawl", *_common(simweb, tmp_path, directory), ca=simweb.ca).returncode == 0
    result = _python(_INJECT, broken, command, *_common(simweb, tmp_path, directory, command), ca=simweb.ca)
    assert result.returncode == 70, result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: injected bug" in result.stderr
    assert "network unavailable" not in result.stderr


def test_a_bug_in_a_downloader_component_is_not_a_dead_site(
    simweb: SimWeb, tmp_path: Path, directory: Path
) -> None:
    result = _python(
        _INJECT, "crawler.middlewares.retry_after_seconds", "crawl", *_common(simweb, tmp_path, directory),
        ca=simweb.ca,
    )
    assert result.returncode == 70, result.stderr
    assert "RuntimeError: injected bug" in result.stderr
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        recorded = dict(db.execute("SELECT entry_id, status FROM checks"))
    assert "alive" not in recorded  # no site is blamed for our bug
    assert recorded == {"none": "no-website"}


def test_the_directory_file_is_parsed_once_per_crawl(simweb: SimWeb, tmp_path: Path, directory: Path) -> None:
    for command in ("crawl", "check"):
        result = _python(_COUNT_PARSES, command, *_common(simweb, tmp_path, directory), ca=simweb.ca)
        assert result.returncode == 0, result.stderr
        assert "PARSES=1" in result.stderr.splitlines()
    assert (tmp_path / "reports" / "staleness.json").exists()


def _unshare() -> list[str]:
    """A private mount namespace (as root; else as the root of a new user namespace)."""
    if shutil.which("unshare") is None:
        pytest.fail("the full-disk test needs util-linux's unshare")
    return ["unshare", "--mount", "--propagation", "private"] + ([] if os.geteuid() == 0 else ["--map-root-user"])


# Inside a private mount namespace: a 1 MiB tmpfs over the reports folder, holding the good
# reports of an earlier crawl and then filled up; the crawl; then whether every old report is
# still there byte for byte (exit 99 if not); the crawl's own exit code otherwise.
_FULL_DISK = """
mount -t tmpfs -o size=1m tmpfs "$REPORTS" || exit 98
cp "$SAVED"/* "$REPORTS"/ && { dd if=/dev/zero of="$REPORTS/.filler" bs=4k 2>/dev/null; true; }
"$PYTHON" -m crawler "$@"
code=$?
for old in "$SAVED"/*; do cmp -s "$old" "$REPORTS/${old##*/}" || exit 99; done
exit $code
"""


def test_reports_on_a_full_disk_exit_74_naming_the_file_and_keep_the_old_ones(
    simweb: SimWeb, tmp_path: Path, directory: Path
) -> None:
    reports = tmp_path / "reports"
    assert run_crawler("crawl", *_common(simweb, tmp_path, directory), ca=simweb.ca).returncode == 0
    saved = tmp_path / "saved"
    shutil.copytree(reports, saved)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(SSL_CERT_FILE=simweb.ca, REPORTS=str(reports), SAVED=str(saved), PYTHON=sys.executable)
    full = subprocess.run(
        [*_unshare(), "sh", "-c", _FULL_DISK, "sh", "crawl", *_common(simweb, tmp_path, directory)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert full.returncode == 74, full.stderr
    message = [line for line in full.stderr.splitlines() if "cannot write" in line]
    assert message == [f"crawler: {reports / 'staleness.md'}: cannot write (No space left on device)"], full.stderr
    assert "Traceback" not in full.stderr
    # The run's checks were recorded before the reports failed.
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM runs WHERE network = 'available'").fetchone()[0] == 2
