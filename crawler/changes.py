"""What git knows about the directory file: which entries a change touched, judged against a
git ref (for CI on PRs), and who wrote a line (for the decisions' audit trail)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.directory import Directory, DirectoryError, Entry, parse_directory
from crawler.errors import UsageError


@dataclass(frozen=True)
class EntryChanges:
    """The entries a change touched, by how: a pull request answers for what it added and
    for the websites it changed, not for a site that was failing before it."""

    added: frozenset[str]  # new since the ref (or everything, when the file is new or was broken)
    website_changed: frozenset[str]  # existed, with another `website`
    other_changed: frozenset[str]  # existed, same `website`, another name, country or note

    @property
    def touched_websites(self) -> frozenset[str]:
        """Entries whose listed website is this change's doing."""
        return self.added | self.website_changed

    @property
    def all(self) -> frozenset[str]:
        return self.added | self.website_changed | self.other_changed


def changes_since(directory: Directory, ref: str) -> EntryChanges:
    """How each entry differs from the directory file at `ref`.

    The file's content at `ref` comes from `git show`; a file that did not exist there
    (or could not be read then) makes every entry new. Moving an entry to another line
    is not a change. Raises UsageError when git cannot answer (not a repository, unknown ref).
    """
    path = Path(directory.path).resolve()
    every = frozenset(e.id for e in directory.entries)
    try:
        top = _git(path.parent, "rev-parse", "--show-toplevel").strip()
        relative = path.relative_to(Path(top).resolve()).as_posix()
        _git(path.parent, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
        raise UsageError(f"--changed-since: {ref!r} is not a commit of the git repository holding {directory.path}") from None
    try:
        before_text = _git(path.parent, "show", f"{ref}:{relative}")
    except subprocess.CalledProcessError:
        return EntryChanges(every, frozenset(), frozenset())  # the file is new since ref
    try:
        before = parse_directory(before_text, f"{ref}:{relative}", directory.extra_keys)
    except DirectoryError:
        return EntryChanges(every, frozenset(), frozenset())  # it was broken then: all new now
    old = {e.id: e for e in before.entries}
    added = frozenset(e.id for e in directory.entries if e.id not in old)
    website = frozenset(e.id for e in directory.entries if e.id in old and old[e.id].website != e.website)
    other = frozenset(
        e.id for e in directory.entries if e.id in old and e.id not in website and _content(old[e.id]) != _content(e)
    )
    return EntryChanges(added, website, other)


def changed_entries(directory: Directory, ref: str) -> set[str]:
    """Ids of entries added, or with any field changed, since `ref` (`changes_since`)."""
    return set(changes_since(directory, ref).all)


def _content(entry: Entry) -> tuple[object, ...]:
    # A decision moved to another line is not a change; a new reason or date is.
    decisions = tuple((d.reason, d.accept, d.skip_until, d.timeout, d.until) for d in entry.decisions)
    return (entry.country, entry.name, entry.name_en, entry.website, entry.notes, decisions, entry.extra)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@dataclass(frozen=True, slots=True)
class Blame:
    """Who last changed a line, and when (per `git blame`)."""

    author: str
    date: str  # YYYY-MM-DD (UTC)


BLAME_TIMEOUT = 30.0  # seconds; past it, the reports say "unknown" rather than wait
_MANY_LINES = 1_000  # past this many, blame the whole file once instead of line by line
_UNCOMMITTED = "0" * 40


def blame_lines(path: str, lines: Iterable[int]) -> dict[int, Blame]:
    """Line number -> who last committed it, for those of `lines` git can answer for.

    Empty when the file is not in a git repository, git is missing or slow, or a line has
    not been committed yet: an unknown author is shown as unknown, never guessed.
    """
    wanted = set(lines)
    file = Path(path)
    if not wanted or not file.is_file():
        return {}
    ranges = [] if len(wanted) > _MANY_LINES else [f"-L{n},{n}" for n in sorted(wanted)]
    try:
        out = subprocess.run(
            ["git", "blame", "--line-porcelain", *ranges, "--", file.name],
            cwd=file.parent or Path("."), check=True, capture_output=True, text=True,
            timeout=BLAME_TIMEOUT, errors="replace",
        ).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return {}
    found: dict[int, Blame] = {}
    sha, line, author = "", 0, ""
    for row in out.splitlines():
        if row.startswith("\t"):
            continue
        head, _, rest = row.partition(" ")
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            sha, line = head, int(rest.split()[1])
        elif head == "author":
            author = rest
        elif head == "author-time" and sha != _UNCOMMITTED and line in wanted:
            day = datetime.fromtimestamp(int(rest), UTC).date().isoformat()
            found[line] = Blame(author, day)
    return found
