"""`crawler fix`: replace permanently redirected URLs in the directory file.

The edit is textual and confined to each `website:` line, so comments, order, quoting
and spacing elsewhere stay byte-for-byte as the maintainers left them (a YAML
round-trip would re-flow what it does not understand).
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from crawler.directory import Directory
from crawler.reports.model import Report
from crawler.verdict.outcome import Status

# Characters that would change the meaning of a plain YAML scalar.
_NEEDS_QUOTES = re.compile(r"[\s#'\"{}\[\],&*!|>%@`]|: ")


def apply_redirects(directory: Directory, report: Report, *, write: bool) -> str:
    """Rewrite each `redirected` entry's URL to its final URL; return a unified diff.

    Only entries whose latest check is `redirected` are touched, and only when their
    website line still holds the URL that was checked. Writes atomically.
    """
    path = Path(directory.path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    by_id = {e.id: e for e in directory.entries}
    for item in report.entries:
        entry = by_id.get(item.id)
        if item.status != Status.REDIRECTED or not entry or not entry.website or not item.final_url:
            continue
        index = entry.line - 1
        if index >= len(lines) or entry.website not in lines[index]:
            continue  # the line changed since; leave it to a human
        line = lines[index]
        start = line.index(entry.website)
        quoted = start > 0 and line[start - 1] in "'\""
        new = item.final_url
        if not quoted and _NEEDS_QUOTES.search(new):
            new = '"' + new.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines[index] = line[:start] + new + line[start + len(entry.website) :]
    updated = "".join(lines)
    if updated == text:
        return ""
    if write:
        temporary = path.with_name(f".{path.name}.fix-tmp")
        temporary.write_text(updated, encoding="utf-8")
        os.replace(temporary, path)
    return "".join(
        difflib.unified_diff(text.splitlines(True), lines, f"a/{directory.path}", f"b/{directory.path}")
    )
