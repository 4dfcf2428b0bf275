"""`crawler fix` proves its edit: what it writes reads back as exactly the new URL, or nothing
is written and the entry is named (exit 2).

A site chooses the URL it redirects to with one 301; before, a URL ending in ":" or holding a
quote was pasted into the YAML as it came and broke the file for every later command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import SimWeb, run_crawler
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.directory import DirectoryError, load_directory
from crawler.fix import apply_redirects, yaml_scalar
from crawler.reports.model import EntryReport, Report, RunInfo
from crawler.verdict.outcome import Status

# Path on hostile-redirects.org -> the quoting the entry starts with in the directory file.
HOSTILE = {"colon": "plain", "quotes": "single", "hash": "double", "colon-space": "flow"}


def directory_text(base: str) -> str:
    lines = ["organisations:"]
    for path, style in HOSTILE.items():
        url = f"{base}{path}"
        written = {"plain": url, "single": f"'{url}'", "double": f'"{url}"', "flow": url}[style]
        if style == "flow":
            lines.append(f"  - {{id: {path}, country: X, name: N, website: {written}}}  # flow")
        else:
            lines += [f"  - id: {path}", "    country: X", "    name: N",
                      f"    website: {written}   # {style}"]
    return "\n".join(lines) + "\n"


def test_hostile_redirect_targets_go_through_fix_and_read_back_exactly(
    simweb: SimWeb, tmp_path: Path
) -> None:
    directory = tmp_path / "organisations.yaml"
    directory.write_text(directory_text(simweb.url("hostile-redirects.org")), encoding="utf-8")
    host = simweb.hosts["hostile-redirects.org"]
    resolve = [a for p in host["ports"] for a in ("--resolve", f"{host['ascii_host']}:{p}:127.0.0.1")]
    store = ["--db", str(tmp_path / "h.sqlite3"), "--reports", str(tmp_path / "reports")]
    crawled = run_crawler("crawl", "--directory", str(directory), *store, "--timeout", "10",
                          *resolve, ca=simweb.ca)
    assert crawled.returncode == 0, crawled.stderr
    report = json.loads((tmp_path / "reports" / "staleness.json").read_text())
    final = {e["id"]: e["final_url"] for e in report["entries"]}
    assert {e["status"] for e in report["entries"]} == {"redirected"}, report["entries"]
    # The URLs the site chose, as the crawler recorded them (Scrapy percent-encodes '"' and
    # the space, and leaves the fragment out).
    assert final["colon"].endswith("/a:") and final["hash"].endswith("/page")
    assert final["quotes"].endswith("/it's%22q%22") and final["colon-space"].endswith("/colon:%20space")

    fixed = run_crawler("fix", "--directory", str(directory), *store)
    assert fixed.returncode == 0, fixed.stderr
    assert run_crawler("validate", "--directory", str(directory)).returncode == 0
    after = load_directory(directory)
    assert {e.id: e.website for e in after.entries} == final
    text = directory.read_text(encoding="utf-8")
    assert f'"{final["colon"]}"   # plain' in text  # ends in ":": quoted, though it was plain
    assert text.count("# ") == len(HOSTILE)  # every comment kept


def report_of(directory_path: str, final_urls: dict[str, str]) -> Report:
    entries = tuple(
        EntryReport(id=i, name="N", country="X", line=0, url=None, status=Status.REDIRECTED,
                    reason="http-301", final_url=url)
        for i, url in final_urls.items()
    )
    return Report("2026-12-01T00:00:00Z", directory_path, RunInfo(None, None, 0, None), entries)


@pytest.mark.parametrize(
    "final_url",
    ["https://example.org:/", "https://example.org/a b", "https://exa mple.org/", "ftp://example.org/"],
)
def test_an_edit_that_would_not_validate_writes_nothing_and_names_the_entry(
    tmp_path: Path, final_url: str
) -> None:
    path = tmp_path / "d.yaml"
    original = "organisations:\n  - id: a\n    country: X\n    name: N\n    website: https://example.org/\n"
    path.write_text(original, encoding="utf-8")
    directory = load_directory(path)
    with pytest.raises(DirectoryError) as refused:
        apply_redirects(directory, report_of(str(path), {"a": final_url}), write=True)
    assert path.read_text(encoding="utf-8") == original
    assert [p.line for p in refused.value.problems] == [5]
    assert "'a'" in str(refused.value) and "nothing was written" in str(refused.value)


def test_entries_with_decisions_and_fields_of_their_own_are_fixed_too(tmp_path: Path) -> None:
    # A decision (``check:``) and declared fields (a list, a mapping) may come before or after
    # the website; the edit still finds it, and reads back with the directory's own fields.
    path = tmp_path / "d.yaml"
    path.write_text(
        "organisations:\n"
        "  - id: a\n    country: X\n    name: N\n    tags: [one, two]\n"
        "    check:\n      timeout: 60\n      reason: slow\n    website: https://a.example/\n"
        "  - id: b\n    country: X\n    name: N\n    website: https://b.example/\n"
        "    contact: {email: b@b.example}\n    check:\n      - accept: refusal\n        reason: firewall\n",
        encoding="utf-8",
    )
    directory = load_directory(path, ("tags", "contact"))
    new = {"a": "https://a.example/home/", "b": "https://b.example/home/"}
    apply_redirects(directory, report_of(str(path), new), write=True)
    after = load_directory(path, ("tags", "contact"))
    assert {e.id: e.website for e in after.entries} == new
    assert [(e.extra, len(e.decisions)) for e in after.entries] == [
        ((("tags", ["one", "two"]),), 1), ((("contact", {"email": "b@b.example"}),), 1)
    ]


@pytest.mark.parametrize(
    "written", ["https://example.org/", "'https://example.org/'", '"https://example.org/"']
)
def test_urls_with_quotes_and_fragments_read_back_exactly(tmp_path: Path, written: str) -> None:
    # What a report could hold that no crawl through Scrapy records: quotes and "#" unencoded.
    path = tmp_path / "d.yaml"
    path.write_text(f"organisations:\n  - {{id: a, country: X, name: N, website: {written}}}\n"
                    f"  - id: b\n    country: X\n    name: N\n    website: {written}  # b\n",
                    encoding="utf-8")
    new = {"a": "https://example.org/it's\"quoted\"#top", "b": "https://example.org/x:#y:"}
    apply_redirects(load_directory(path), report_of(str(path), new), write=True)
    assert {e.id: e.website for e in load_directory(path).entries} == new


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_yaml_scalars_read_back_as_themselves(value: str) -> None:
    for style in (yaml_scalar(value), yaml_scalar(value, plain=False)):
        assert yaml.safe_load(f"key: {style}  # comment\n")["key"] == value
        assert yaml.safe_load(f"- {{key: {style}}}\n")[0]["key"] == value


@pytest.mark.parametrize(
    ("url", "plain"),
    [("https://example.org/a:", False), ("https://example.org/a#b", False),
     ("https://example.org/it's", False), ('https://example.org/"q"', False),
     ("https://example.org:8080/a?b=c&d=e%20f", True), ("https://example.org/[x]", False)],
)
def test_plain_only_when_provably_safe(url: str, plain: bool) -> None:
    assert (yaml_scalar(url) == url) is plain
