"""Per-entry decisions (crawler.decisions) and the directory's own fields, end to end.

One real crawl of the simulated web, of a directory file committed to a git repository (so
`git blame` names who wrote each decision), shows each decision kind in force, an expired
one turned into a maintainer warning, and a declared extra field in the reports; the gate
(`crawler check`) honours the decisions; wrong decisions and undeclared fields are bad input.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import SimWeb, run_crawler

FUTURE, PAST = "2999-01-01", "2020-01-01"
AUTHOR = "Jane Maintainer"


def entry(entry_id: str, url: str, *extra: str) -> str:
    lines = [f"  - id: {entry_id}", "    country: Testland", f"    name: Entry {entry_id}", f"    website: {url}"]
    return "\n".join([*lines, *(f"    {line}" for line in extra)]) + "\n"


def directory_text(simweb: SimWeb) -> str:
    return "organisations:\n" + "".join([
        entry("refusing", simweb.url("forbidden.org"), "email: office@forbidden.example", "check:",
              "  accept: refusal", "  reason: a firewall refuses robots; checked by hand", f"  until: {FUTURE}"),
        entry("redirecting", simweb.url("perm-redirect.org"), "tags: [campaign, temporary]", "check:",
              "  accept: redirect", "  reason: the campaign page is temporary"),
        entry("moving", simweb.url("moved-away.org"), "check:",
              "  - accept: redirect", "    reason: an alliance site for the election", f"    until: {FUTURE}"),
        entry("skipped", simweb.url("hang.org"), "check:",
              f"  skip-until: {FUTURE}", "  reason: down for a rebuild, says their newsletter"),
        entry("patient", simweb.url("slow-basement.org") + "patient", "check:",
              "  timeout: 6", "  reason: a slow server in a basement"),
        entry("impatient", simweb.url("slow-basement.org") + "impatient"),
        # Five hops of 1.8 s each (9 s): cut at 3 x the run's 1 s timeout, not at 3 x 4 s.
        entry("patient-hops", simweb.url("slow-hops.org"), "check:",
              "  timeout: 4", "  reason: a chain of slow redirects we know of"),
        entry("expired-refusal", simweb.url("forbidden.org") + "again", "check:",
              "  accept: refusal", "  reason: was fine until the new year", f"  until: {PAST}"),
        entry("expired-on-ok", simweb.url("ok-site.org"), "check:",
              "  timeout: 20", "  reason: it was slow last winter", f"  until: {PAST}"),
    ])


def git(work: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=work, check=True, capture_output=True)


@dataclass
class Decided:
    work: Path
    directory: Path
    common: list[str]
    code: int
    stderr: str
    report: dict[str, Any]
    markdown: str
    junit: str
    html: str
    requests: list[dict[str, str]]

    def entry(self, entry_id: str) -> dict[str, Any]:
        return next(e for e in self.report["entries"] if e["id"] == entry_id)


@pytest.fixture(scope="module")
def decided(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Decided:
    work = tmp_path_factory.mktemp("decisions")
    directory = work / "organisations.yaml"
    directory.write_text(directory_text(simweb), encoding="utf-8")
    (work / "crawler.toml").write_text('extra_keys = ["email", "tags"]\n', encoding="utf-8")
    git(work, "init", "-q")
    git(work, "add", "organisations.yaml", "crawler.toml")
    git(work, "-c", f"user.name={AUTHOR}", "-c", "user.email=jane@example.org", "commit", "-qm", "decisions")
    common = ["--directory", str(directory), "--db", str(work / "h.sqlite3"), "--reports", str(work / "reports"),
              "--timeout", "1", "--no-freshness", *simweb.resolve_args()]
    simweb.reset()
    result = run_crawler("crawl", *common, ca=simweb.ca)
    requests = simweb.requests()
    reports = work / "reports"
    report = json.loads((reports / "staleness.json").read_text()) if result.returncode == 0 else {"entries": []}
    text = {name: (reports / name).read_text() if result.returncode == 0 else "" for name in
            ("staleness.md", "junit.xml", "index.html")}
    return Decided(work, directory, common, result.returncode, result.stderr, report,
                   text["staleness.md"], text["junit.xml"], text["index.html"], requests)


def test_the_crawl_with_decisions_succeeds(decided: Decided) -> None:
    assert decided.code == 0, decided.stderr


def test_an_accepted_refusal_is_not_a_todo_and_says_who_decided(decided: Decided) -> None:
    refusing = decided.entry("refusing")
    assert (refusing["status"], refusing["reason"]) == ("blocked", "http-403")  # the facts stay
    assert refusing["accepted"] is True and refusing["action"] == "none"
    [decision] = refusing["decisions"]
    assert decision["decision"] == "accept refusal" and decision["until"] == FUTURE
    assert decision["in_force"] and decision["applied"]
    assert decision["by"] == AUTHOR and decision["since"]  # from git blame
    assert decision["line"] == decided.directory.read_text().splitlines().index("    check:", 0) + 2
    assert refusing["warnings"] == []
    # Every report shows it: the to-do list's decisions, the CI report, the readers' page.
    assert "**refusing**" in decided.markdown and "accept refusal" in decided.markdown
    assert f"by {AUTHOR}" in decided.markdown
    assert "3 accepted by decisions" in decided.markdown  # refusing, redirecting, moving
    assert 'name="decision" value="accept refusal: a firewall refuses robots; checked by hand"' in decided.junit
    assert "maintainers: accept refusal until 2999-01-01" in decided.html


@pytest.mark.parametrize(("entry_id", "status"), [("redirecting", "redirected"), ("moving", "moved")])
def test_an_accepted_redirect_keeps_the_listed_url(decided: Decided, entry_id: str, status: str) -> None:
    found = decided.entry(entry_id)
    assert found["status"] == status and found["accepted"] is True
    assert found["action"] == "none"  # no "fix the URL", no "check the identity"


def test_skip_until_keeps_the_entry_out_of_the_crawl(decided: Decided) -> None:
    assert not [r for r in decided.requests if r["host"] == "hang.org"]
    skipped = decided.entry("skipped")
    assert skipped["status"] == "unchecked" and skipped["decisions"][0]["applied"]
    assert decided.report["run"]["checked"] == len(decided.report["entries"]) - 1


def test_a_timeout_decision_gives_a_slow_site_the_time_it_needs(decided: Decided) -> None:
    # slow-basement.org answers after 1.5 s; the run's timeout is 1 s.
    assert (decided.entry("impatient")["status"], decided.entry("impatient")["reason"]) == ("dead", "timeout")
    assert decided.entry("patient")["status"] == "ok"


def test_a_longer_decided_timeout_lengthens_the_entry_time_budget(decided: Decided) -> None:
    # The per-entry budget is CRAWLER_ENTRY_BUDGET (3) x the entry's own timeout: with the
    # decision's 4 s that is 12 s, so the whole 9 s chain is followed to its live page; at 3 x
    # the run's 1 s it would have ended on the second hop.
    paths = [r["path"] for r in decided.requests if r["host"] == "slow-hops.org"]
    assert paths == ["/", "/1/", "/2/", "/3/", "/4/"]
    hops = decided.entry("patient-hops")
    # The hops are permanent redirects on its own domain: the chain's end is a live page.
    assert (hops["status"], hops["title"]) == ("redirected", "Slow Hops"), hops
    assert "budget-cut" not in hops["warnings"]


def test_an_expired_decision_is_a_warning_not_a_silent_return(decided: Decided) -> None:
    refusal = decided.entry("expired-refusal")
    assert refusal["accepted"] is False and refusal["warnings"] == ["decision-expired"]
    assert refusal["action"] == "check-by-hand"  # back on the list, as any refusal is
    assert refusal["decisions"][0]["in_force"] is False and refusal["decisions"][0]["until"] == PAST
    ok = decided.entry("expired-on-ok")
    assert ok["status"] == "ok" and ok["warnings"] == ["decision-expired"]
    assert ok["action"] == "watch" and "remove or renew it" in ok["action_detail"]
    assert "expired 2020-01-01" in decided.markdown
    assert 'name="warning" value="decision-expired"' in decided.junit


def test_declared_fields_of_the_directory_reach_the_json_report(decided: Decided) -> None:
    assert decided.entry("refusing")["extra"] == {"email": "office@forbidden.example"}
    assert decided.entry("redirecting")["extra"] == {"tags": ["campaign", "temporary"]}
    assert decided.entry("patient")["extra"] == {}


def test_the_gate_honours_accepting_decisions(decided: Decided, simweb: SimWeb) -> None:
    result = run_crawler("check", *decided.common, "--only", "refusing", "redirecting", "moving", "expired-refusal",
                         "--fail-on", "blocked,redirected,moved", ca=simweb.ca)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if ": blocked:" in line or ": moved:" in line
             or ": redirected:" in line]
    # Only the refusal whose decision expired fails; the others are accepted.
    assert len(lines) == 1 and lines[0].startswith(f"{decided.directory}:") and "http-403" in lines[0], result.stdout
    expired_line = decided.entry("expired-refusal")["line"]
    assert lines[0].startswith(f"{decided.directory}:{expired_line}:")
    assert "3 accepted by decisions" in result.stdout


# --- bad decisions and fields are bad input -------------------------------------------------


BAD = """\
organisations:
  - id: a
    country: C
    name: N
    website: https://a.example/
    emial: office@a.example
    phone: "123"
    check:
      accept: refusl
      until: 2027-02-30
  - id: b
    country: C
    name: N
    check:
      - timeout: -5
        reason: why not
      - reason: nothing decided
      - skip-until: 2027-01-01
        until: 2027-02-01
        reason: both ends
      - accept: refusal
        reason: ""
"""
BAD_PROBLEMS = [
    (6, "unknown key 'emial' (did you mean 'email'?)"),
    (7, "unknown key 'phone'"),
    (9, "a decision needs a 'reason'"),
    (9, "'accept' must be refusal or redirect, found 'refusl' (did you mean 'refusal'?)"),
    (10, "'until' must be a date written YYYY-MM-DD, found '2027-02-30'"),
    (15, "'timeout' must be a number of seconds"),
    (17, "a decision must say what it decides"),
    (19, "'until' beside 'skip-until'"),
    (22, "'reason' is empty"),
]


def test_wrong_decisions_and_undeclared_fields_are_path_line_problems(tmp_path: Path) -> None:
    directory = tmp_path / "organisations.yaml"
    directory.write_text(BAD, encoding="utf-8")
    (tmp_path / "crawler.toml").write_text('extra_keys = ["email"]\n', encoding="utf-8")
    result = run_crawler("validate", "--directory", str(directory))
    assert result.returncode == 2, result.stdout
    found = result.stderr.splitlines()
    for line, message in BAD_PROBLEMS:
        assert any(f.startswith(f"{directory}:{line}: {message}") for f in found), (line, message, found)
    assert len(found) == len(BAD_PROBLEMS), found
    # An undeclared field says how to declare it.
    assert any('extra_keys = ["phone"]' in f for f in found)


def test_a_declared_field_is_valid_and_undeclared_it_is_not(tmp_path: Path) -> None:
    directory = tmp_path / "organisations.yaml"
    directory.write_text(entry("a", "https://a.example/", "email: office@a.example").join(
        ["organisations:\n", ""]), encoding="utf-8")
    config = tmp_path / "crawler.toml"
    config.write_text('extra_keys = ["email"]\n', encoding="utf-8")
    assert run_crawler("validate", "--directory", str(directory)).returncode == 0
    config.write_text("", encoding="utf-8")
    undeclared = run_crawler("validate", "--directory", str(directory))
    assert undeclared.returncode == 2
    assert undeclared.stderr.startswith(f"{directory}:6: unknown key 'email'")


def test_a_decided_entry_travels_whole_to_a_shared_crawls_workers() -> None:
    # A shared crawl lends entries through Redis as JSON (crawler.distributed.leases): a worker must get
    # the decisions (a timeout decision changes its requests) and the fields of its own.
    from crawler.decisions import Accept, Decision
    from crawler.directory import Entry
    from crawler.distributed.leases import entry_from_json, entry_json

    entry = Entry(
        "a", "C", "N", None, "https://a.example/", None, 5, 2,
        (Decision("firewall", 6, Accept.REFUSAL, until=date(2027, 3, 1)),
         Decision("slow", 9, skip_until=date(2027, 1, 1), timeout=90.0)),
        (("email", "office@a.example"), ("tags", ["x", "y"])),
    )
    assert entry_from_json(entry_json(entry)) == entry
