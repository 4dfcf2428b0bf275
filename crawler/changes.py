"""Which directory entries a change touched, judged against a git ref (for CI on PRs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from crawler.directory import Directory, DirectoryError, Entry, parse_directory
from crawler.errors import UsageError


def changed_entries(directory: Directory, ref: str) -> set[str]:
    """Ids of entries added, or with any field changed, since `ref`.

    The file's content at `ref` comes from `git show`; a file that did not exist there
    makes every entry new. Moving an entry to another line is not a change. Raises
    UsageError when git cannot answer (not a repository, unknown ref).
    """
    path = Path(directory.path).resolve()
    try:
        top = _git(path.parent, "rev-parse", "--show-toplevel").strip()
        relative = path.relative_to(Path(top).resolve()).as_posix()
        _git(path.parent, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
        raise UsageError(f"--changed-since: {ref!r} is not a commit of the git repository holding {directory.path}") from None
    try:
        before_text = _git(path.parent, "show", f"{ref}:{relative}")
    except subprocess.CalledProcessError:
        return {e.id for e in directory.entries}  # the file is new since ref
    try:
        before = parse_directory(before_text, f"{ref}:{relative}")
    except DirectoryError:
        return {e.id for e in directory.entries}  # it was broken then: check everything now
    old = {e.id: _content(e) for e in before.entries}
    return {e.id for e in directory.entries if old.get(e.id) != _content(e)}


def _content(entry: Entry) -> tuple[object, ...]:
    return (entry.country, entry.name, entry.name_en, entry.website, entry.notes)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout
