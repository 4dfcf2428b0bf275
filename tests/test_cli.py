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


def check_args(simweb: SimWeb, work: Path, directory: Path, *extra: str) -> list[str]:
    """`crawl_args` without --reports: the gate as CI runs it."""
    args = crawl_args(simweb, work, directory, *extra)
    at = args.index("--reports")
    return args[:at] + args[at + 2 :]


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
    """A directory whose history store a crawl has created (the gate reads an existing one)."""
    work = tmp_path_factory.mktemp("gate")
    directory = write_directory(work / "organisations.yaml", {
        "alive": simweb.url("ok-site.org"),
        "gone": simweb.url("gone-404.org"),
        "parked": simweb.url("forsale-lander.com"),
        "guarded": simweb.url("forbidden.org"),
    })
    crawled = run_crawler("crawl", *crawl_args(simweb, work, directory), ca=simweb.ca)
    assert crawled.returncode == 0, crawled.stderr
    return work, directory


def reports_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_check_prints_problems_in_file_order_and_leaves_reports_alone(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    before = reports_of(work / "reports")
    result = run_crawler(
        "check", *check_args(simweb, work, directory, "--fail-on", "dead,parked,blocked"), ca=simweb.ca
    )
    assert result.returncode == 1, result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith(str(directory))]
    # File order (not the order the checks finished in), one category per line, the URL in each.
    assert [p.split(":")[1] for p in problems] == ["9", "13", "17"], result.stdout
    assert problems[0] == f"{directory}:9: dead: {simweb.url('gone-404.org')}: http-404"
    assert problems[1].startswith(f"{directory}:13: parked: {simweb.url('forsale-lander.com')}: parking signals")
    assert problems[2] == f"{directory}:17: blocked: {simweb.url('forbidden.org')}: http-403"
    assert "4 checked, 3 failing on blocked,dead,parked" in result.stdout
    # A read-only gate: the reports a crawl wrote are byte for byte and time for time as they were.
    assert reports_of(work / "reports") == before
    asked = run_crawler(
        "check", *check_args(simweb, work, directory, "--only", "alive"), "--reports", str(work / "asked"),
        ca=simweb.ca,
    )
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "staleness.md" in {p.name for p in (work / "asked").iterdir()}


def test_check_only_and_fail_on(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    fine = run_crawler("check", *check_args(simweb, work, directory, "--only", "alive"), ca=simweb.ca)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "1 checked, 0 failing" in fine.stdout
    default = run_crawler("check", *check_args(simweb, work, directory, "--only", "guarded"), ca=simweb.ca)
    assert default.returncode == 0  # blocked is not in the default --fail-on
    strict = run_crawler(
        "check", *check_args(simweb, work, directory, "--only", "guarded", "--fail-on", "blocked"), ca=simweb.ca
    )
    assert strict.returncode == 1
    assert f"{directory}:17: blocked: {simweb.url('forbidden.org')}: http-403" in strict.stdout
    unknown = run_crawler("check", *check_args(simweb, work, directory, "--only", "nope"))
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_check_speaks_github_annotations(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    work, directory = gate
    result = run_crawler(
        "check", *check_args(simweb, work, directory, "--only", "gone"), ca=simweb.ca,
        env={"GITHUB_ACTIONS": "true"},
    )
    assert result.returncode == 1
    # The file as its repository names it (here: outside any repository, so its name).
    assert (
        f"::error file=organisations.yaml,line=9,title=gone%3A dead::dead: {simweb.url('gone-404.org')}: http-404"
        in result.stdout
    )


SARIF_SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


def test_check_writes_sarif_that_validates_and_json_for_programs(simweb: SimWeb, gate: tuple[Path, Path]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    work, directory = gate
    sarif = run_crawler("check", *check_args(simweb, work, directory, "--format", "sarif"), ca=simweb.ca)
    assert sarif.returncode == 1, sarif.stderr
    document = json.loads(sarif.stdout)  # the whole of standard output is the SARIF log
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert errors == [], errors[:3]
    run = document["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["dead", "parked"]  # one per problem, in file order
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "organisations.yaml"
    assert location["region"]["startLine"] == 9
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"dead", "parked"}
    again = json.loads(run_crawler("check", *check_args(simweb, work, directory, "--format", "sarif"), ca=simweb.ca).stdout)
    fingerprints = [r["partialFingerprints"] for r in results]
    assert fingerprints == [r["partialFingerprints"] for r in again["runs"][0]["results"]]  # stable
    assert len({json.dumps(f) for f in fingerprints}) == 2
    assert "2 failing" in sarif.stderr  # people's words stay off the document

    as_json = run_crawler("check", *check_args(simweb, work, directory, "--format", "json"), ca=simweb.ca)
    problems = json.loads(as_json.stdout)["problems"]
    assert [(p["id"], p["status"], p["fails"]) for p in problems] == [("gone", "dead", True), ("parked", "parked", True)]


@pytest.mark.parametrize("command", ["check", "report", "fix"])
def test_a_missing_store_is_an_error_not_an_empty_history(command: str, tmp_path: Path) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"one": "https://one.example/"})
    result = run_crawler(
        command, "--directory", str(directory), "--db", str(tmp_path / "mistyped.sqlite3"),
        "--reports", str(tmp_path / "reports"),
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "mistyped.sqlite3: no history store there" in result.stderr
    assert not (tmp_path / "mistyped.sqlite3").exists() and not (tmp_path / "reports").exists()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_check_changed_since_answers_only_for_what_the_change_did(simweb: SimWeb, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "Test")
    directory = repo / "data" / "organisations.yaml"
    base = {
        "alive": simweb.url("ok-site.org"), "uk": simweb.url("www.ok-site.co.uk"),
        "old": simweb.url("gone-410.org"), "renamed": simweb.url("soft404.org"),
    }  # fmt: skip
    write_directory(directory, base)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    # The daily crawl has seen the base: "old" and "renamed" fail, once (not confirmed).
    crawled = run_crawler("crawl", *crawl_args(simweb, tmp_path, directory), ca=simweb.ca, cwd=repo)
    assert crawled.returncode == 0, crawled.stderr

    changed = dict(base, uk=simweb.url("gone-404.org"), new=simweb.url("forsale-lander.com"))  # website, added
    write_directory(directory, changed)
    text = directory.read_text(encoding="utf-8")
    directory.write_text(text.replace('name: "Entry renamed"', 'name: "Entry renamed again"'), encoding="utf-8")
    simweb.reset()
    result = run_crawler(
        "check", *check_args(simweb, tmp_path, directory, "--changed-since", "HEAD"), ca=simweb.ca, cwd=repo
    )
    assert result.returncode == 1, result.stderr
    hosts = {r["host"] for r in simweb.requests()}
    assert {"gone-404.org", "forsale-lander.com", "soft404.org"} <= hosts
    assert "ok-site.org" not in hosts and "gone-410.org" not in hosts  # untouched: not checked
    lines = result.stdout.splitlines()
    failing = [line for line in lines if line.startswith(str(directory)) and "(ignored:" not in line]
    ignored = [line for line in lines if "(ignored:" in line]
    assert [line.split(":")[1] for line in failing] == ["9", "21"]  # uk's website, the new entry
    # Only the name of "renamed" changed, and its site's failure is not confirmed: not this change's doing.
    assert len(ignored) == 1 and ignored[0].startswith(f"{directory}:17: dead: {simweb.url('soft404.org')}: soft-404")
    assert "did not touch its website" in ignored[0] and "not confirmed" in ignored[0]
    assert "3 checked, 2 failing on dead,moved,parked,refused-by-policy, 1 ignored" in result.stdout

    # A pull request that only renames the failing entry passes, saying what it ignored.
    git(repo, "checkout", "-q", "--", ".")
    directory.write_text(directory.read_text(encoding="utf-8").replace('name: "Entry renamed"', 'name: "Entry renamed again"'), encoding="utf-8")
    rename = run_crawler(
        "check", *check_args(simweb, tmp_path, directory, "--changed-since", "HEAD"), ca=simweb.ca, cwd=repo,
        env={"GITHUB_ACTIONS": "true"},
    )
    assert rename.returncode == 0, rename.stdout + rename.stderr
    assert "::warning file=data/organisations.yaml,line=17,title=renamed%3A dead (ignored)::" in rename.stdout
    assert "::error" not in rename.stdout

    git(repo, "checkout", "-q", "--", ".")
    quiet = run_crawler("check", *check_args(simweb, tmp_path, directory, "--changed-since", "HEAD"), cwd=repo)
    assert quiet.returncode == 0 and "no entries added or changed" in quiet.stdout
    bad = run_crawler("check", *check_args(simweb, tmp_path, directory, "--changed-since", "no-such-ref"), cwd=repo)
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
    assert "## Fix the URL (2)" in (tmp_path / "reports" / "staleness.md").read_text(encoding="utf-8")
    store = ["--directory", str(directory), "--db", str(tmp_path / "history.sqlite3")]
    dry = run_crawler("fix", *store, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.rstrip().endswith(f"dry run: {directory} not written (2 lines would change)")
    assert directory.read_text(encoding="utf-8") == original
    result = run_crawler("fix", *store, "--reports", str(tmp_path / "reports"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(f"wrote {directory}: 2 lines changed; `crawler report` no longer lists them")
    # The next report no longer asks for the fix it made: the directory lists where the checks ended.
    reported = run_crawler("report", *store, "--reports", str(tmp_path / "reports"))
    assert reported.returncode == 0, reported.stderr
    todo = (tmp_path / "reports" / "staleness.md").read_text(encoding="utf-8")
    assert "Fix the URL" not in todo and "Nothing to do." in todo
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
