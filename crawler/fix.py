"""`crawler fix`: replace permanently redirected URLs in the directory file.

The edit is textual and confined to each `website:` value, so comments, order, quoting and
spacing elsewhere stay byte-for-byte as the maintainers left them (a YAML round-trip would
re-flow what it does not understand). A site chooses the URL it redirects to, so the new value
is written as a scalar YAML cannot misread -- plain only when it provably reads back as itself,
else double-quoted and escaped -- and the edited text is read again before it is written: every
changed website must read back as exactly the new URL and everything else as it was, or
nothing is written and the entries are named.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import replace
from pathlib import Path

import yaml

from crawler.directory import (
    YAML_LOADER,
    Directory,
    DirectoryError,
    Problem,
    parse_directory,
)
from crawler.reports.model import Report
from crawler.verdict.outcome import Status

# A URL that YAML reads back as itself when written plain, in block and in flow context: the
# scheme, then characters that are no indicator anywhere but at a token's start (which the
# scheme takes). No "#", no ",[]{}", no white space, and no ":" at the end.
_PLAIN_SAFE = re.compile(r"https?://[A-Za-z0-9._~:/%?=&+-]*+(?<!:)", re.ASCII)
_BOM = "\ufeff"


def yaml_scalar(value: str, *, plain: bool = True) -> str:
    """`value` as a YAML scalar that reads back exactly as `value`: plain if `plain` is allowed
    and provably safe, else double-quoted with every character outside printable ASCII, the
    backslash and the double quote escaped."""
    if plain and _PLAIN_SAFE.fullmatch(value):
        return value
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _website_values(text: str) -> dict[str, yaml.ScalarEvent]:
    """Each entry's `website` value as YAML read it (with its marks), by entry id.

    `text` is a directory file that has passed validation: a top mapping whose sequence of
    entries holds mappings, whose values are scalars but for decisions (``check:``) and the
    directory's own fields, which may be lists or mappings (never a website).
    """
    found: dict[str, yaml.ScalarEvent] = {}
    depth = 0
    entry: dict[str, yaml.ScalarEvent] = {}
    key: str | None = None
    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth == 3:  # an entry begins
                entry, key = {}, None
            elif depth == 4:  # a key's value that is a list or a mapping: not a website
                key = None
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            if depth == 3 and "id" in entry and "website" in entry:
                found[entry["id"].value] = entry["website"]
            depth -= 1
        elif depth == 3 and isinstance(event, yaml.ScalarEvent):
            if key is None:
                key = event.value
            else:
                entry[key], key = event, None
    return found


def apply_redirects(directory: Directory, report: Report, *, write: bool) -> str:
    """Rewrite each `redirected` entry's URL to its final URL; return a unified diff.

    Only entries whose latest check is `redirected` are touched, and only when their website
    still holds the URL that was checked. Writes atomically, and only an edit that reads back
    as intended: otherwise raises DirectoryError naming each entry whose edit would not.
    """
    path = Path(directory.path)
    original = path.read_text(encoding="utf-8")
    bom = _BOM if original.startswith(_BOM) else ""
    text = original[len(bom) :]
    values = _website_values(text)
    by_id = {e.id: e for e in directory.entries}
    edits: list[tuple[int, int, str]] = []
    wanted: dict[str, str] = {}
    for item in report.entries:
        entry = by_id.get(item.id)
        if item.status != Status.REDIRECTED or not entry or not entry.website or not item.final_url:
            continue
        value = values.get(entry.id)
        if value is None or value.value != entry.website or item.final_url == entry.website:
            continue  # the file changed since the crawl: leave it to a human
        start, end = value.start_mark.index, value.end_mark.index
        if "\n" in text[start:end] or "\r" in text[start:end]:
            continue  # a value folded over several lines: leave it to a human
        edits.append((start, end, yaml_scalar(item.final_url, plain=not value.style)))
        wanted[entry.id] = item.final_url
    if not edits:
        return ""
    updated = text
    for start, end, scalar in sorted(edits, reverse=True):
        updated = updated[:start] + scalar + updated[end:]
    _check_reads_back(updated, directory, wanted)
    if write:
        temporary = path.with_name(f".{path.name}.fix-tmp")
        temporary.write_text(bom + updated, encoding="utf-8")
        os.replace(temporary, path)
    return "".join(
        difflib.unified_diff(
            text.splitlines(True), updated.splitlines(True), f"a/{directory.path}", f"b/{directory.path}"
        )
    )


def _check_reads_back(updated: str, directory: Directory, wanted: dict[str, str]) -> None:
    """Raise DirectoryError unless `updated` reads as `directory` with `wanted` websites."""
    try:
        after = parse_directory(updated, directory.path, directory.extra_keys)
    except DirectoryError as exc:
        by_line = {e.line: e.id for e in directory.entries}
        raise DirectoryError([
            _refused(directory, by_line.get(p.line, "?"), f"the new text would not validate ({p.message})")
            for p in exc.problems
        ]) from None
    expected = {
        e.id: replace(e, website=wanted[e.id]) if e.id in wanted else e for e in directory.entries
    }
    read = {e.id: e for e in after.entries}
    wrong = sorted(i for i in expected.keys() | read.keys() if expected.get(i) != read.get(i))
    if wrong:
        raise DirectoryError(
            [_refused(directory, entry_id, "it would not read back as written") for entry_id in wrong]
        )


def _refused(directory: Directory, entry_id: str, why: str) -> Problem:
    entry = next((e for e in directory.entries if e.id == entry_id), None)
    line = entry.line if entry is not None else 0
    return Problem(directory.path, line, f"crawler fix: not rewriting the website of '{entry_id}': "
                   f"{why}; nothing was written")
