"""The directory loader: the real file loads; every kind of bad input is a `PATH:LINE` problem."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import directory
from crawler.directory import DirectoryError, Problem, load_directory, parse_directory

DATA = Path(__file__).resolve().parent.parent / "data" / "organisations.yaml"

#: The ids of the seed's websites.tsv, in the order of the organisations list.
SEED_IDS = (
    "argentina", "australia", "austria", "belgium", "bolivia", "brazil", "canada", "chile",
    "china", "cyprus", "czech-republic", "england-wales", "france", "germany", "greece",
    "hong-kong", "iceland", "ireland", "india", "israel", "italy", "japan", "kashmir",
    "kazakhstan", "lebanon", "malaysia", "mexico", "netherlands", "nigeria", "pakistan",
    "poland", "portugal", "quebec", "russia", "scotland", "spain", "sri-lanka", "south-africa",
    "sweden", "taiwan", "united-states", "venezuela",
)  # fmt: skip
#: The rows of websites.tsv with an empty website_then.
NO_WEBSITE = {
    "bolivia", "japan", "kashmir", "lebanon", "mexico", "pakistan", "russia", "spain", "taiwan",
    "venezuela",
}  # fmt: skip


def problems(text: str) -> list[Problem]:
    """The problems parse_directory reports for `text` (it must report some)."""
    with pytest.raises(DirectoryError) as info:
        parse_directory(text, "d.yaml")
    return info.value.problems


def entry_yaml(**fields: str) -> str:
    """A one-entry directory; each field value is pasted in as written (YAML source)."""
    values = {"id": "x", "country": "C", "name": "N"} | fields
    body = "\n    ".join(f"{key}: {value}" for key, value in values.items())
    return f"organisations:\n  - {body}\n"  # the entry starts on line 2, extra fields from 5


def test_real_directory_matches_the_seed() -> None:
    found = load_directory(DATA)
    assert tuple(e.id for e in found.entries) == SEED_IDS
    assert {e.id for e in found.entries if e.website is None} == NO_WEBSITE
    lines = DATA.read_text(encoding="utf-8").splitlines()
    for entry in found.entries:
        assert lines[entry.entry_line - 1] == f"  - id: {entry.id}"
        # every entry of the real file lists `website:`, if only as null
        assert lines[entry.line - 1].startswith("    website: ")
    assert found.by_id("quebec").country == "Québec"
    assert "Solidarity" in (found.by_id("scotland").notes or "")


# A copy of the directory broken in several ways at once; comments give the line numbers.
BROKEN = """\
organisations:
  - id: argentina
    country: Argentina
    name: La Chispa
  - id: argentina
    country: Argentina
    name: La Chispa again
  - id: australia
    country: Australia
  - id: austria
    country: Austria
    name: SLP
    website: ftp://www.slp.at/
  - id: belgium
    country: Belgium
    name: LSP / PSL
    webiste: http://www.socialisme.be
  - id: bolivia
    country: 1999
    name: ASR
  - id: Brazil_LSR
    country: Brazil
    name: LSR
    name: LSR again
"""
BROKEN_PROBLEMS = [
    (5, "duplicate id 'argentina' (first used on line 2)"),
    (8, "missing required key 'name'"),
    (13, "website 'ftp://www.slp.at/' has the scheme 'ftp': expected http or https"),
    (17, "unknown key 'webiste' (did you mean 'website'?)"),
    (19, "'country' must be a string, found an integer"),
    (21, "id 'Brazil_LSR' is not valid"),
    (24, "duplicate key 'name' (first on line 23)"),
]


@pytest.fixture(scope="module")
def broken_error(tmp_path_factory: pytest.TempPathFactory) -> DirectoryError:
    path = tmp_path_factory.mktemp("broken") / "organisations.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(DirectoryError) as info:
        load_directory(path)
    return info.value


@pytest.mark.parametrize(("line", "message"), BROKEN_PROBLEMS)
def test_broken_copy_reports_each_problem_at_its_line(
    broken_error: DirectoryError, line: int, message: str
) -> None:
    assert [p.line for p in broken_error.problems if message in p.message] == [line]


def test_broken_copy_reports_all_problems_at_once_sorted(broken_error: DirectoryError) -> None:
    assert [p.line for p in broken_error.problems] == [line for line, _ in BROKEN_PROBLEMS]
    for text, problem in zip(str(broken_error).splitlines(), broken_error.problems, strict=True):
        assert text == f"{problem.path}:{problem.line}: {problem.message}"
        assert problem.path.endswith("organisations.yaml")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("organisations:\n  - id: a\n    country: b: c\n", 3),  # a second ": " on a line
        ("organisations:\n  - id: a\n\tcountry: b\n", 3),  # a tab for indentation
        ("organisations:\n  - id: a\n - id: b\n", 3),  # dedented list item
        ("organisations:\n  - {id: a, country: b\n", 3),  # unclosed flow mapping (ends at EOF)
        ("organisations:\n  - id: a\n    name: \x07\n", 3),  # a control character
    ],
)
def test_syntax_error_is_one_problem_at_its_line(text: str, line: int) -> None:
    [problem] = problems(text)
    assert problem.line == line
    assert "YAML syntax error" in problem.message or "not allowed in YAML" in problem.message


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
) + "organisations: *i\n"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (BILLION_LAUGHS, list(range(1, 11))),
        ("organisations:\n  - &e\n    id: a\n    country: b\n    name: c\n", [2]),
        ("organisations:\n  - id: a\n    country: &c b\n    name: *c\n", [3, 4]),
    ],
)
def test_anchors_and_aliases_are_refused(text: str, lines: list[int]) -> None:
    found = problems(text)
    assert sorted({p.line for p in found}) == lines
    assert all("is not allowed" in p.message for p in found)


SMALL_CAP = 4096  # the size cap, lowered so a test need not write hundreds of megabytes


def test_oversized_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory, "MAX_FILE_BYTES", SMALL_CAP)
    [problem] = problems("#" * (SMALL_CAP + 1))
    assert problem.line == 0 and "larger than" in problem.message


def test_a_stream_longer_than_its_size_said_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pipe reports no size: the cap is then on what comes out of it.
    monkeypatch.setattr(directory, "MAX_FILE_BYTES", SMALL_CAP)
    fifo = tmp_path / "d.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"organisations:\n" + b"#" * SMALL_CAP))
    writer.start()
    try:
        with pytest.raises(DirectoryError) as info:
            load_directory(fifo)
    finally:
        writer.join(timeout=10)
    [problem] = info.value.problems
    assert problem.line == 0 and "larger than" in problem.message


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (None, 0, "no such file"),
        (b"#" * (SMALL_CAP + 1), 0, "larger than"),
        (b"organisations:\n  - id: caf\xe9\n", 1, "not valid UTF-8 (first bad byte on line 2)"),
        (b"", 1, "found an empty file"),
    ],
)
def test_whole_file_problems(
    tmp_path: Path, content: bytes | None, line: int, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory, "MAX_FILE_BYTES", SMALL_CAP)
    path = tmp_path / "d.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DirectoryError) as info:
        load_directory(path)
    [problem] = info.value.problems
    assert (problem.path, problem.line) == (str(path), line)
    assert message in problem.message


@pytest.mark.parametrize(
    ("website", "ascii_url"),
    [
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("http://пример.рф:8080/путь?q", "http://xn--e1afmkfd.xn--p1ai:8080/путь?q"),
        ("https://www.example.org", "https://www.example.org"),
        ("https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443/"),
    ],
)
def test_valid_websites_and_their_ascii_url(website: str, ascii_url: str) -> None:
    entry = parse_directory(entry_yaml(website=website), "d.yaml").entries[0]
    assert (entry.website, entry.ascii_url) == (website, ascii_url)


@pytest.mark.parametrize(
    ("website", "message"),
    [
        ("ftp://example.org/", "has the scheme 'ftp'"),
        ("mailto:info@example.org", "is not an http(s) URL"),
        ("www.example.org", "is not an http(s) URL"),
        ("http:///path", "has no host"),
        ("https://user:secret@example.org/", "user name or password"),
        ("https://example.org:99999/", "bad port"),
        ("https://example.org:0/", "bad port"),
        ("https://example.org:http/", "bad port"),
        ("'https://example .org/'", "white space"),
        ("https://exa..mple.org/", "invalid host name"),
        ("https://exa!mple.org/", "invalid host name"),
        ("'https://[::1/'", "not a valid URL"),
        ("'https://[v1.x]/'", "invalid IPv6 address"),
        ("''", "'website' is empty"),
        ("[https://example.org/]", "'website' must be a string, found a list"),
    ],
)
def test_invalid_websites(website: str, message: str) -> None:
    [problem] = problems(entry_yaml(website=website))
    assert problem.line == 5  # the website line
    assert message in problem.message


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("1999", "an integer"),
        ("no", "a boolean"),
        ("1.5", "a number"),
        ("2011-05-07", "a date"),
        ("[a, b]", "a list"),
        ("{a: b}", "a mapping"),
        ("!!binary aGk=", "a value tagged 'tag:yaml.org,2002:binary'"),
    ],
)
def test_non_string_values_name_the_key(value: str, found: str) -> None:
    [problem] = problems(entry_yaml(name_en=value))
    assert problem.line == 5
    assert problem.message.startswith(f"'name_en' must be a string, found {found}")


@pytest.mark.parametrize(
    ("text", "line", "entry_line"),
    [
        (entry_yaml(website="https://example.org/"), 5, 2),
        (entry_yaml(website="null"), 5, 2),
        (entry_yaml(notes="none"), 2, 2),
        ("organisations:\n  - {id: a, country: b, name: c}\n", 2, 2),
        ("organisations:\n  - id: a\n    country: b\n    name: c\n    website:\n"
         "      https://example.org/\n", 5, 2),
    ],
)  # fmt: skip
def test_line_points_at_the_website_key(text: str, line: int, entry_line: int) -> None:
    [entry] = parse_directory(text, "d.yaml").entries
    assert (entry.line, entry.entry_line) == (line, entry_line)


def test_by_id_raises_key_error_when_absent() -> None:
    found = parse_directory(entry_yaml(), "d.yaml")
    assert found.by_id("x").name == "N"
    with pytest.raises(KeyError):
        found.by_id("y")


# Fragments that, joined at random, reach past the YAML parser into the checks.
YAML_BITS = [
    "organisations:", "\n", "  ", "- ", "id: ", "country: ", "name: ", "website: ", "webiste: ",
    "notes: ", "a", "Ü", "1", "null", "true", "https://", "ftp://", "xn--", "bücher.", "org",
    ":80", "@", "[", "]", "{", "}", ",", ": ", "'", '"', "&a ", "*a", "!!int ", "? ", "|", "#",
    "---", "\t", "%", "\x00",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text() | st.lists(st.sampled_from(YAML_BITS), max_size=40).map("".join))
def test_arbitrary_text_raises_only_directory_error(text: str) -> None:
    try:
        parse_directory(text, "h.yaml")
    except DirectoryError as e:
        assert e.problems and all(p.path == "h.yaml" and p.line >= 0 for p in e.problems)


# Host labels, plain or internationalised (IDN): both must load.
_label = st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True) | st.text("äéпрж", min_size=1, max_size=8)
_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1).filter(str.strip)
_entry = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
        "country": _text,
        "name": _text,
    },
    optional={
        "name_en": _text,
        "notes": _text,
        "website": st.none()
        | st.builds("{}://{}.{}/".format, st.sampled_from(["http", "https"]), _label, _label),
    },
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_entry, max_size=6, unique_by=lambda e: e["id"]))
def test_valid_entries_round_trip(entries: list[dict[str, str | None]]) -> None:
    text = yaml.safe_dump({"organisations": entries}, allow_unicode=True, sort_keys=False)
    found = parse_directory(text, "h.yaml")
    assert [e.id for e in found.entries] == [e["id"] for e in entries]
    for entry, given_entry in zip(found.entries, entries, strict=True):
        assert (entry.name, entry.website) == (given_entry["name"], given_entry.get("website"))


# --- line numbers as editors count them ------------------------------------------------------

# U+2028, U+2029 and U+0085 end a line for YAML, not for an editor or GitHub: inside quoted
# values they must not move the line of anything after them.
YAML_ONLY_BREAKS = "organisations:\n" + (
    '  - id: first\n    country: "A\u2028B"\n    name: "C\u2029D\x85E"\n'
    "    notes: 'F\u2028G'\n    website: https://first.example/\n"
    "  - id: second\n    country: X\n    name: Y\n    website: ftp://second.example/\n"
    "  - id: Third\n    country: X\n    name: Z\n"
)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_numbers_count_only_the_breaks_editors_count(ending: str) -> None:
    text = YAML_ONLY_BREAKS.replace("\n", ending)
    assert [(p.line, p.message.split(" ")[0]) for p in problems(text)] == [
        (10, "website"), (11, "id"),
    ]
    valid = parse_directory(text.split(f"  - id: second{ending}")[0], "d.yaml")
    assert (valid.entries[0].entry_line, valid.entries[0].line) == (2, 6)


def test_a_refused_character_is_placed_on_its_line_after_wide_characters() -> None:
    # libyaml says where in bytes, the line is counted in characters and editor line breaks.
    text = "organisations:\n  - id: a\n    country: \"é\u2028ü😀\"\n    name: 'x\x07'\n"
    assert [p.line for p in problems(text)] == [4]
