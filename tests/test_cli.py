"""The command line as users and CI scripts meet it: exit codes, messages, side effects."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SimWeb, run_crawler, write_directory

from crawler.cli import build_parser


def crawl_args(simweb: SimWeb, work: Path, directory: Path, *extra: str) -> list[str]:
    return [
        "--directory", str(directory), "--db", str(work / "history.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "2", *simweb.resolve_args(), *extra,
    ]


def test_validate_accepts_the_real_directory() -> None:
    result = run_crawler("validate")
    assert result.returncode == 0, result.stderr
    assert "42 organisations" in result.stdout


def test_bad_directory_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "organisations:\n"
        "  - id: one\n    country: A\n    name: One\n    website: ftp://one.example/\n"
        "  - id: one\n    country: B\n    name: Two\n"
        "  - id: three\n    country: C\n    webiste: https://three.example/\n",
        encoding="utf-8",
    )
    store = ["--db", str(tmp_path / "h.sqlite3"), "--reports", str(tmp_path / "reports")]
    for args in (["validate"], ["crawl", *store], ["check", *store]):
        result = run_crawler(*args, "--directory", str(broken))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert [line.split(":")[1] for line in lines] == ["5", "6", "9", "11"], lines
        assert all(line.startswith(f"{broken}:") for line in lines)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "h.sqlite3").exists()
    assert not (tmp_path / "reports").exists()


def test_network_unavailable_exits_3_and_loses_nothing(simweb: SimWeb, tmp_path: Path) -> None:
    url = simweb.url("ok-site.org")
    port = url.rsplit(":", 1)[1].strip("/")
    directory = write_directory(tmp_path / "d.yaml", {"alive": url, "none": None})
    common = ["--directory", str(directory), "--db", str(tmp_path / "h.sqlite3"),
              "--reports", str(tmp_path / "r"), "--timeout", "2"]
    first = run_crawler("crawl", *common, "--resolve", f"ok-site.org:{port}:127.0.0.1")
    assert first.returncode == 0, first.stderr
    verified = json.loads((tmp_path / "r" / "staleness.json").read_text())["entries"][0]["last_verified"]

    def checks() -> list[tuple[object, ...]]:
        with sqlite3.connect(tmp_path / "h.sqlite3") as db:
            return db.execute("SELECT * FROM checks ORDER BY id").fetchall()

    before = checks()
    # Nothing listens on 127.0.0.2: every connection is refused, as with no network at all.
    for _ in range(2):
        down = run_crawler("crawl", *common, "--resolve", f"ok-site.org:{port}:127.0.0.2")
        assert down.returncode == 3
        assert "network unavailable" in down.stderr
        assert checks() == before
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert [n for (n,) in db.execute("SELECT network FROM runs ORDER BY id")] == [
            "available", "unavailable", "unavailable"
        ]
    report = json.loads((tmp_path / "r" / "staleness.json").read_text())
    assert report["run"]["network"] == "unavailable"
    assert report["entries"][0]["last_verified"] == verified
    assert report["entries"][0]["status"] == "ok"


def test_failing_canary_means_network_unavailable(simweb: SimWeb, tmp_path: Path) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"alive": simweb.url("ok-site.org")})
    result = run_crawler(
        "crawl", *crawl_args(simweb, tmp_path, directory, "--canary", "http://canary.invalid/"), ca=simweb.ca
    )
    assert result.returncode == 3, result.stderr
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM checks").fetchone() == (0,)


@pytest.fixture(scope="module")
def gate(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("gate")
    directory = write_directory(work / "organisations.yaml", {
        "alive": simweb.url("ok-site.org"),
        "gone": simweb.url("gone-404.org"),
        "parked": simweb.url("forsale-lander.com"),
        "guarded": simweb.url("forbidden.org"),
    })
    return work, directory


def test_check_prints_problems_as_path_line_and_exits_1(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    result = run_crawler("check", *crawl_args(simweb, work, directory), ca=simweb.ca)
    assert result.returncode == 1, result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith(str(directory))]
    assert len(problems) == 2, result.stdout
    assert problems[0] == f"{directory}:9: dead: http-404"
    assert problems[1].startswith(f"{directory}:13: parked: parked: parking signals")
    assert not any(":17:" in p for p in problems)  # blocked is not in the default --fail-on


def test_check_only_and_fail_on(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    fine = run_crawler("check", *crawl_args(simweb, work, directory, "--only", "alive"), ca=simweb.ca)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    strict = run_crawler(
        "check", *crawl_args(simweb, work, directory, "--only", "guarded", "--fail-on", "blocked"), ca=simweb.ca
    )
    assert strict.returncode == 1
    assert f"{directory}:17: blocked: http-403" in strict.stdout
    unknown = run_crawler("check", *crawl_args(simweb, work, directory, "--only", "nope"))
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_check_speaks_github_annotations(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    result = run_crawler(
        "check", *crawl_args(simweb, work, directory, "--only", "gone"), ca=simweb.ca,
        env={"GITHUB_ACTIONS": "true"},
    )
    assert result.returncode == 1
    assert f"::error file={directory},line=9,title=gone::dead: http-404" in result.stdout


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_check_changed_since_checks_only_changed_entries(simweb: SimWeb, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "Test")
    directory = repo / "data" / "organisations.yaml"
    write_directory(directory, {
        "alive": simweb.url("ok-site.org"), "uk": simweb.url("www.ok-site.co.uk"), "old": simweb.url("gone-410.org"),
    })
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    write_directory(directory, {
        "alive": simweb.url("ok-site.org"),  # unchanged
        "uk": simweb.url("gone-404.org"),  # changed website
        "old": simweb.url("gone-410.org"),  # unchanged (dead, but not this PR's doing)
        "new": simweb.url("forsale-lander.com"),  # added
    })
    simweb.reset()
    result = run_crawler(
        "check", *crawl_args(simweb, tmp_path, directory, "--changed-since", "HEAD"), ca=simweb.ca, cwd=repo
    )
    assert result.returncode == 1, result.stderr
    hosts = {r["host"] for r in simweb.requests()}
    assert "gone-404.org" in hosts and "forsale-lander.com" in hosts
    assert "ok-site.org" not in hosts and "gone-410.org" not in hosts
    assert "2 checked" in result.stdout

    git(repo, "commit", "-qam", "change")
    quiet = run_crawler("check", *crawl_args(simweb, tmp_path, directory, "--changed-since", "HEAD"), cwd=repo)
    assert quiet.returncode == 0 and "no entries added or changed" in quiet.stdout
    bad = run_crawler("check", *crawl_args(simweb, tmp_path, directory, "--changed-since", "no-such-ref"), cwd=repo)
    assert bad.returncode == 2 and "no-such-ref" in bad.stderr


def test_fix_rewrites_only_the_redirected_url_lines(simweb: SimWeb, tmp_path: Path) -> None:
    redirected = simweb.url("perm-redirect.org")
    upgraded = simweb.url("upgrade.org")
    directory = tmp_path / "organisations.yaml"
    original = (
        "# Our directory. Keep this comment.\n"
        "organisations:\n"
        "  # first entry, commented\n"
        "  - id: moved-in-place   # trailing comment\n"
        "    country:   Spaced Out\n"
        "    name: 'Quoted Name'\n"
        f"    website: {redirected}   # keep me\n"
        "  - id: upgraded\n"
        "    country: B\n"
        "    name: \"Double\"\n"
        f"    website: \"{upgraded}\"\n"
        "  - id: fine\n"
        "    country: C\n"
        "    name: Fine\n"
        f"    website: {simweb.url('ok-site.org')}\n"
    )
    directory.write_text(original, encoding="utf-8")
    crawled = run_crawler("crawl", *crawl_args(simweb, tmp_path, directory), ca=simweb.ca)
    assert crawled.returncode == 0, crawled.stderr
    result = run_crawler("fix", "--directory", str(directory), "--db", str(tmp_path / "history.sqlite3"),
                         "--reports", str(tmp_path / "reports"))
    assert result.returncode == 0, result.stderr
    after = directory.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(original.splitlines(), after.splitlines()) if a != b]
    assert len(original.splitlines()) == len(after.splitlines())
    port = simweb.info["https"]
    assert changed == [
        (f"    website: {redirected}   # keep me", f"    website: {redirected}new-home/   # keep me"),
        (f"    website: \"{upgraded}\"", f"    website: \"https://upgrade.org:{port}/\""),
    ]
    assert result.stdout.count("\n-    website") == 2 and result.stdout.count("\n+    website") == 2
    again = run_crawler("fix", "--directory", str(directory), "--db", str(tmp_path / "history.sqlite3"))
    assert again.returncode == 0 and "nothing to fix" in again.stdout


def test_scrapy_crawl_records_the_same_results(simweb: SimWeb, tmp_path: Path) -> None:
    hosts = ["ok-site.org", "perm-redirect.org", "gone-404.org", "forsale-lander.com", "expired-cert.org"]
    directory = write_directory(tmp_path / "d.yaml", {h.replace(".", "-"): simweb.url(h) for h in hosts})
    ours = run_crawler("crawl", *crawl_args(simweb, tmp_path / "ours", directory), ca=simweb.ca)
    assert ours.returncode == 0, ours.stderr
    resolve = ",".join(a for a in simweb.resolve_args() if a != "--resolve")
    env = {k: v for k, v in os.environ.items() if k != "SSL_CERT_FILE"}
    env["SSL_CERT_FILE"] = simweb.ca
    scrapy = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "websites",
         "-s", f"CRAWLER_DIRECTORY={directory}", "-s", f"CRAWLER_DB={tmp_path / 'theirs.sqlite3'}",
         "-s", f"CRAWLER_REPORTS={tmp_path / 'theirs'}", "-s", f"CRAWLER_RESOLVE={resolve}",
         "-s", "DOWNLOAD_TIMEOUT=2", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert scrapy.returncode == 0, scrapy.stderr

    def verdicts(db: Path) -> list[tuple[str, str, str]]:
        with sqlite3.connect(db) as store:
            return store.execute("SELECT entry_id, status, reason FROM checks ORDER BY entry_id").fetchall()

    assert verdicts(tmp_path / "ours" / "history.sqlite3") == verdicts(tmp_path / "theirs.sqlite3")
    assert len(verdicts(tmp_path / "theirs.sqlite3")) == len(hosts)
    assert (tmp_path / "theirs" / "staleness.json").exists()


def test_help_names_every_command_and_the_readme_documents_them() -> None:
    parser = build_parser()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[union-attr]
        assert f"crawler {name}" in readme, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in readme, f"{name} {flag} is not in the README"
                    assert action.help, f"{name} {flag} has no help text"
    result = run_crawler("--help")
    assert result.returncode == 0
    for name in subparsers.choices:  # type: ignore[union-attr]
        assert name in result.stdout


def test_progress_and_summary_on_stderr_and_quiet_silences_them(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    loud = run_crawler("crawl", *crawl_args(simweb, work, directory), ca=simweb.ca)
    assert loud.returncode == 0, loud.stderr
    assert "checked 4/4" in loud.stderr  # not a terminal: plain lines, then the summary table
    table = dict(line.split() for line in loud.stderr.splitlines() if line.startswith("  "))
    assert table == {"ok": "1", "dead": "1", "parked": "1", "blocked": "1"}
    quiet = run_crawler("crawl", *crawl_args(simweb, work, directory, "--quiet"), ca=simweb.ca)
    assert quiet.returncode == 0
    assert quiet.stderr == "" and quiet.stdout == ""
