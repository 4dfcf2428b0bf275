"""crawler.toml (crawler.policy.config): found beside the directory, the command line over the file over
the defaults, every value's source shown by `crawler config`, bad files as PATH:LINE problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SimWeb, run_crawler

from crawler.policy.config import KEYS, ConfigError, load_config, parse_config, render
from crawler.policy.toml_lines import key_lines

# --- a directory of its own, outside the repository, with no flags ---------------------------


@pytest.fixture(scope="module")
def elsewhere(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a directory file and its crawler.toml, and nothing else."""
    work = tmp_path_factory.mktemp("elsewhere")
    (work / "list.yaml").write_text(
        "organisations:\n"
        f"  - id: alive\n    country: Here\n    name: Alive\n    website: {simweb.url('ok-site.org')}\n"
        f"  - id: gone\n    country: Here\n    name: Gone\n    website: {simweb.url('gone-404.org')}\n"
        f"  - id: parked\n    country: Here\n    name: Parked\n    website: {simweb.url('forsale-lander.com')}\n",
        encoding="utf-8",
    )
    resolve = ", ".join(json.dumps(spec) for spec in simweb.resolve_args()[1::2])
    (work / "crawler.toml").write_text(
        "# Our list's policy: every command reads it, no flags needed.\n"
        'directory = "list.yaml"\n'
        'db = "state/history.sqlite3"\n'
        'reports = "public"\n'
        "\n"
        "[crawl]\n"
        "timeout = 5\n"
        f"resolve = [{resolve}]\n"
        "\n"
        "[requests]\n"
        "freshness = false\n"
        "\n"
        "[check]\n"
        'fail_on = ["dead"]\n'
        "\n"
        "[report]\n"
        'title = "Our Little List"\n'
        "stale_after_days = 10\n",
        encoding="utf-8",
    )
    return work


def test_crawl_check_and_report_run_from_the_config_alone(elsewhere: Path, simweb: SimWeb) -> None:
    crawled = run_crawler("crawl", cwd=elsewhere, ca=simweb.ca)
    assert crawled.returncode == 0, crawled.stderr
    assert (elsewhere / "state" / "history.sqlite3").is_file()
    report = json.loads((elsewhere / "public" / "staleness.json").read_text())
    assert report["directory"] == "list.yaml"
    assert {e["id"]: e["status"] for e in report["entries"]} == {"alive": "ok", "gone": "dead", "parked": "parked"}
    assert "<h1>Our Little List</h1>" in (elsewhere / "public" / "index.html").read_text()

    checked = run_crawler("check", cwd=elsewhere, ca=simweb.ca)
    assert checked.returncode == 1, checked.stderr
    problems = [line for line in checked.stdout.splitlines() if line.startswith("list.yaml:")]
    # The gate's line (PATH:LINE: STATUS: URL: reason); parked is not in this list's fail_on.
    assert problems == [f"list.yaml:9: dead: {simweb.url('gone-404.org')}: http-404"]

    (elsewhere / "public" / "staleness.json").unlink()
    reported = run_crawler("report", cwd=elsewhere)
    assert reported.returncode == 0, reported.stderr
    assert (elsewhere / "public" / "staleness.json").is_file()
    assert not (elsewhere / "reports").exists() and not (elsewhere / "data").exists()


def test_config_shows_each_value_and_where_it_came_from(elsewhere: Path) -> None:
    shown = run_crawler("config", "--timeout", "7", cwd=elsewhere)
    assert shown.returncode == 0, shown.stderr
    lines = {line.split("#")[0].strip(): line.rsplit("# ", 1)[1] for line in shown.stdout.splitlines()
             if "=" in line and not line.startswith("#")}
    assert lines['db = "state/history.sqlite3"'] == "crawler.toml:3"
    assert lines['directory = "list.yaml"'] == "crawler.toml:2"
    assert lines["timeout = 7.0"] == "command line (--timeout)"  # the command line wins
    assert lines['fail_on = ["dead"]'] == "crawler.toml:14"
    assert lines["stale_after_days = 10"] == "crawler.toml:18"
    assert lines["inactive_after_days = 365"] == "default"
    assert shown.stdout.startswith("# config file: crawler.toml\n")
    # What it prints is itself a valid crawler.toml with the same values.
    (elsewhere / "printed.toml").write_text(shown.stdout, encoding="utf-8")
    again = load_config(str(elsewhere / "printed.toml"))
    assert again["crawl.timeout"] == 7.0 and again["check.fail_on"] == ("dead",)


def test_a_bad_config_stops_every_command_with_path_line(elsewhere: Path, tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text((elsewhere / "list.yaml").read_text(), encoding="utf-8")
    (tmp_path / "crawler.toml").write_text(
        'directory = "list.yaml"\n[crawl]\ntimout = 5\nconcurrency = "many"\n', encoding="utf-8"
    )
    for command in ("validate", "crawl", "report", "config"):
        result = run_crawler(command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.splitlines() == [
            "crawler.toml:3: unknown key 'crawl.timout' (did you mean 'crawl.timeout'?)",
            "crawler.toml:4: 'crawl.concurrency' must be a whole number of requests, found a string",
        ], command
    assert not (tmp_path / "reports").exists() and not (tmp_path / "data").exists()


def test_config_beside_the_directory_is_found_and_config_flag_names_another(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    directory = tmp_path / "sub" / "list.yaml"
    directory.write_text("organisations:\n  - id: a\n    country: C\n    name: N\n", encoding="utf-8")
    (tmp_path / "sub" / "crawler.toml").write_text("[crawl]\ntimeout = 11\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("[crawl]\ntimeout = 12\n", encoding="utf-8")
    beside = run_crawler("config", "--directory", str(directory))
    assert "timeout = 11.0" in beside.stdout and f"{tmp_path / 'sub' / 'crawler.toml'}:2" in beside.stdout
    named = run_crawler("config", "--directory", str(directory), "--config", str(other))
    assert "timeout = 12.0" in named.stdout
    missing = run_crawler("config", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


# --- the parts ------------------------------------------------------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "c.toml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The same key, spelled as a table, a dotted key, a quoted key, inside an inline table.
        ("a = 1\n[crawl]\n\ntimout = 3\n", "c.toml:4: unknown key 'crawl.timout' (did you mean 'crawl.timeout'?)"),
        ("crawl.timout = 3\n", "c.toml:1: unknown key 'crawl.timout' (did you mean 'crawl.timeout'?)"),
        ('"crawl" . \'timout\' = 3\n', "c.toml:1: unknown key 'crawl.timout' (did you mean 'crawl.timeout'?)"),
        ('reports = """\ntimout = 1\n"""\ncrawl = { timeout = 3, timout = 4 }\n',
         "c.toml:4: unknown key 'crawl.timout' (did you mean 'crawl.timeout'?)"),
        # The right key in the wrong table.
        ("timeout = 3\n", "c.toml:1: unknown key 'timeout' (did you mean 'crawl.timeout'?)"),
        ("[crwal]\ntimeout = 3\n", "c.toml:1: unknown table 'crwal' (did you mean 'crawl'?)"),
        ("[grace]\nchecks = 0\n", "c.toml:2: 'grace.checks' must be a whole number of checks at least 1, found 0"),
        ("[crawl]\ntimeout = true\n", "c.toml:2: 'crawl.timeout' must be a number of seconds, found a boolean"),
        ('[requests]\ncontact = "mailto:me@example.org"\n',
         "c.toml:2: 'requests.contact' must be an http(s) URL, found 'mailto:me@example.org'"),
        ('[check]\nfail_on = ["dead", "gone"]\n', "c.toml:2: 'check.fail_on' unknown status 'gone'"),
        ('extra_keys = ["email", "website"]\n', "c.toml:1: 'extra_keys' has 'website', which the directory format"),
        ("[crawl]\ntimeout = \n", "c.toml:2: TOML syntax error: Invalid value"),
    ],
    ids=["table", "dotted", "quoted", "after-multiline-in-inline", "wrong-table", "unknown-table",
         "too-small", "wrong-type", "contact", "fail-on", "extra-key", "syntax"],
)
def test_each_problem_names_its_line(text: str, expected: str) -> None:
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


def test_every_problem_is_reported_at_once() -> None:
    found = problems("[crawl]\ntimout = 1\nconcurency = 2\n[report]\ntitle = 3\n")
    assert [p.split(":")[1] for p in found] == ["2", "3", "5"]


def test_key_lines_are_found_whichever_way_a_key_is_written() -> None:
    text = (
        "# comment = 1\n"  # 1
        'title = "a = b"\n'  # 2
        "[crawl]\n"  # 3
        "resolve = [\n"  # 4
        '  "x = y",\n'  # 5
        "]\n"  # 6
        "'quoted.key' = 1\n"  # 7
        "[report]\n"  # 8
        "inline = { a = 1, b = { c = 2 } }\n"  # 9
    )
    lines = key_lines(text)
    assert lines[("title",)] == 2
    assert lines[("crawl", "resolve")] == 4
    assert lines[("crawl", "quoted.key")] == 7
    assert lines[("report", "inline", "b", "c")] == 9
    assert ("x",) not in lines and ("comment",) not in lines


def test_defaults_print_as_a_valid_config(tmp_path: Path) -> None:
    path = tmp_path / "defaults.toml"
    path.write_text(render(load_config(None)), encoding="utf-8")
    loaded = load_config(str(path))
    for key in KEYS:
        if key.path:  # relative to the file's folder once read from it
            continue
        assert loaded[key.name] == key.default, key.name


def test_the_readme_example_is_a_valid_config_naming_every_key() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n") + len("```toml\n")
    example = readme[start : readme.index("```", start)]
    values = parse_config(example, "README.md")
    # Every key appears, set or (for those without a default) as a comment.
    unset = {k.name for k in KEYS if k.default is None}
    assert unset == {"crawl.canary", "crawl.jobs", "requests.contact", "requests.rdap_bootstrap"}
    assert {k.name for k in KEYS} - values.keys() == unset
    assert all(f"# {name.rpartition('.')[2]} = " in example for name in unset)
