"""The directory file: YAML in, validated entries with line numbers out.

This module knows nothing about HTTP. It reads the file with PyYAML's safe composer (nodes
carry line numbers; no tag is ever constructed into an object), checks every entry, and either
returns a `Directory` or raises `DirectoryError` with every problem found, sorted by line, each
printable as ``PATH:LINE: message``.
"""

from __future__ import annotations

import bisect
import difflib
import ipaddress
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from crawler import decisions
from crawler.decisions import Accept, Decision
from crawler.errors import CrawlerError

#: Larger files are refused unread: the directory is edited by hand, so anything this big is a
#: mistake or an attack, and the pure-Python YAML parser would spend a long time on it.
MAX_FILE_BYTES = 256 * 1024 * 1024  # room for 1,000,000 entries (benchmarks/sizes.py)

# libyaml's parser when PyYAML was built with it (the wheels are): same safe loading, same
# line marks, and an order of magnitude faster on directories of 100,000 entries.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_KEY = "organisations"
_EXPECTED = f"expected a mapping with the key '{TOP_KEY}' holding a list of entries"
REQUIRED_KEYS = ("id", "country", "name")
OPTIONAL_KEYS = ("name_en", "website", "notes")
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
DECISIONS_KEY = "check"  # the entry's decisions (crawler.decisions)
#: Every key the format itself defines; a directory's own fields are declared besides them
#: (crawler.toml's ``extra_keys``).
BUILT_IN_KEYS = (*KNOWN_KEYS, DECISIONS_KEY)

_ID_RE = re.compile(r"[a-z0-9-]+")
_LABEL_RE = re.compile(r"[a-z0-9_-]+")  # a host label after punycode; "_" occurs in real hosts
_SPACE = re.compile(r"\s")  # white space, as str.isspace() has it
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TAG_NAMES = {
    _STR_TAG: "a string",
    _NULL_TAG: "nothing (null)",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:timestamp": "a date",
}


# Line breaks to YAML but not to editors or GitHub, which end lines at \n, \r\n and \r only.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_EDITOR_BREAK = re.compile(r"\r\n?|\n")


class _Lines:
    """1-based line numbers of character positions as editors count them.

    PyYAML's marks count U+0085, U+2028 and U+2029 as line breaks too, so one inside a quoted
    value shifted every later ``PATH:LINE``; a text without them is counted as PyYAML counts.
    """

    def __init__(self, text: str | _Capped | TextIO) -> None:
        self._text = text
        self._starts: list[int] | None = None
        # A stream is parsed only when it holds none of those breaks (`_read` looks first).
        self._exact = not isinstance(text, str) or not any(ch in text for ch in _YAML_ONLY_BREAKS)

    def at(self, index: int) -> int:
        """The line of the character at `index` (a stream is read again: after the parse only)."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _EDITOR_BREAK.finditer(_whole(self._text)))]
        return bisect.bisect_right(self._starts, index)

    def of(self, mark: Any) -> int:
        """The line of a PyYAML mark."""
        return mark.line + 1 if self._exact else self.at(mark.index)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file; `line` is 1-based, 0 when it concerns the whole file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # Messages quote the file's own text; a control character in it (an ESC from a
        # YAML "\e", say) is shown as an escape, never sent raw to the terminal.
        return f"{self.path}:{self.line}: {_visible(self.message)}"


class DirectoryError(CrawlerError):
    """The directory file is unusable; `problems` lists every reason found, sorted by line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Entry:
    """One validated organisation: strings as written, optional ones None when absent or null."""

    id: str
    country: str
    name: str
    name_en: str | None
    website: str | None
    notes: str | None
    line: int  # the line to edit: the `website:` key's line if present, else `entry_line`
    entry_line: int  # where the entry starts
    decisions: tuple[Decision, ...] = ()  # under its `check:` key, in file order
    extra: tuple[tuple[str, Any], ...] = ()  # the directory's own fields (declared), in file order

    @property
    def fields(self) -> dict[str, Any]:
        """The directory's own fields of this entry, by name (plain values: JSON-ready)."""
        return dict(self.extra)

    @property
    def ascii_url(self) -> str | None:
        """`website` with an internationalised host in punycode (what DNS needs), else as is."""
        if self.website is None:
            return None
        parts = urlsplit(self.website)
        if parts.hostname is None or parts.hostname.isascii():
            return self.website
        userinfo, at, hostport = parts.netloc.rpartition("@")
        _, colon, port = hostport.partition(":")  # a non-ASCII host is never an IPv6 literal
        netloc = userinfo + at + parts.hostname.encode("idna").decode("ascii") + colon + port
        # Splice by hand rather than urlunsplit, which would drop an empty "?" or "#".
        head, slashes, rest = self.website.partition("//")
        return head + slashes + netloc + rest[len(parts.netloc) :]


@dataclass(frozen=True, slots=True)
class Directory:
    """Every entry of one directory file, in file order; ids are unique."""

    path: str
    entries: tuple[Entry, ...]
    extra_keys: tuple[str, ...] = ()  # the fields of its own it was read with (crawler.toml)

    def by_id(self, id: str) -> Entry:
        """The entry with this id; KeyError if there is none."""
        for entry in self.entries:
            if entry.id == id:
                return entry
        raise KeyError(id)


def load_directory(path: str | os.PathLike[str], extra_keys: Sequence[str] = ()) -> Directory:
    """Read and validate the directory file at `path`; raises DirectoryError on any problem.

    `extra_keys` are entry fields of the directory's own (crawler.toml's ``extra_keys``),
    allowed besides the built-in ones. A command loads the file once and hands the
    `Directory` along (to the crawl, its pipeline and its reports, through
    `crawler.context.RunContext`).
    """
    return _read(os.fspath(path), tuple(extra_keys))


def _read(where: str, extra_keys: tuple[str, ...] = ()) -> Directory:
    # Read as a text stream, in pieces, never whole: a directory of a million entries is
    # about 120 MB of YAML, which would otherwise sit in memory twice (bytes and text)
    # beside the entries made from it.
    try:
        stream = open(where, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise DirectoryError([Problem(where, 0, "no such file")]) from None
    except OSError as e:
        raise DirectoryError([Problem(where, 0, f"cannot read the file: {e.strerror}")]) from None
    with stream:
        try:
            if os.fstat(stream.fileno()).st_size > MAX_FILE_BYTES:
                raise DirectoryError([Problem(where, 0, _too_large())])
            if _yaml_only_breaks(_Capped(stream)):  # rare: lines are then counted on the whole text
                stream.seek(0)
                return parse_directory(stream.read(), where, extra_keys)
            stream.seek(0)
            return parse_directory(_Capped(stream), where, extra_keys)
        except UnicodeDecodeError:
            raise DirectoryError(
                [Problem(where, 1, f"not valid UTF-8 (first bad byte on line {_bad_byte_line(where)}): "
                         "save it as UTF-8")]
            ) from None
        except _TooLarge:
            raise DirectoryError([Problem(where, 0, _too_large())]) from None
        except OSError as e:
            raise DirectoryError([Problem(where, 0, f"cannot read the file: {e.strerror}")]) from None


class _TooLarge(Exception):
    """More than MAX_FILE_BYTES characters came out of a file whose size said less (a pipe)."""


class _Capped:
    """A text stream that refuses to yield more than MAX_FILE_BYTES characters."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._read = 0

    def read(self, size: int = -1) -> str:
        piece = self._stream.read(size)
        self._read += len(piece)
        if self._read > MAX_FILE_BYTES:
            raise _TooLarge
        return piece

    def seek(self, offset: int) -> int:
        return self._stream.seek(offset)


def _yaml_only_breaks(stream: _Capped) -> bool:
    """Whether the text holds a line break that YAML counts and editors do not (read in pieces)."""
    while piece := stream.read(1 << 20):
        if any(ch in piece for ch in _YAML_ONLY_BREAKS):
            return True
    return False


def _bad_byte_line(where: str) -> int:
    """The line of the first byte of `where` that is not UTF-8 (1 if it cannot be found)."""
    try:
        with open(where, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return data[: e.start].count(b"\n") + 1
    except OSError:
        pass
    return 1


def parse_directory(text: str | _Capped | TextIO, path: str, extra_keys: Sequence[str] = ()) -> Directory:
    """Validate directory `text` (the text, or a text stream read once in pieces); `path`
    is only used in problems and in the result; `extra_keys` are the entry fields the
    directory declares as its own (crawler.toml's ``extra_keys``).

    Raises DirectoryError, and nothing else, listing every problem found (a stream may
    also raise what reading it raises).
    """
    if isinstance(text, str) and len(text) > MAX_FILE_BYTES:
        raise DirectoryError([Problem(path, 0, _too_large())])
    checker = _Checker(path, text, tuple(extra_keys))
    entries = checker.check(text)
    if checker.problems:
        raise DirectoryError(checker.problems)
    return Directory(path, tuple(entries), tuple(extra_keys))


class _Checker:
    """Reads the YAML event stream once, checking each entry as soon as it is complete.

    Only one entry's nodes exist at a time (composing the whole file first would hold
    every node of 100,000 entries at once), and problems are collected instead of
    stopping at the first.
    """

    def __init__(self, path: str, text: str | _Capped | TextIO, extra_keys: tuple[str, ...] = ()) -> None:
        self.path = path
        self.lines = _Lines(text)
        self.extra_keys = extra_keys
        self.known = (*BUILT_IN_KEYS, *(k for k in extra_keys if k not in BUILT_IN_KEYS))
        self.problems: list[Problem] = []
        self._anchors: list[Problem] = []  # anchors and aliases, reported whatever else happens
        self._resolver = yaml.resolver.Resolver()

    def report(self, at: Node | int, message: str) -> None:
        line = at if isinstance(at, int) else self.lines.of(at.start_mark)
        self.problems.append(Problem(self.path, line, message))

    def check(self, text: str | _Capped | TextIO) -> list[Entry]:
        """Every valid entry; problems (syntax, anchors, shape, entries) go to `problems`."""
        try:
            entries = self._document(iter(yaml.parse(text, Loader=YAML_LOADER)))
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            message = f"YAML syntax error: {e.problem or e.context}"
            if e.problem and e.context and e.context_mark is not None:
                message += f" ({e.context} started on line {self.lines.of(e.context_mark)})"
            self._stop_at(self.lines.of(mark) if mark is not None else 1, message)
        except yaml.reader.ReaderError as e:
            what = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
            self._stop_at(self.lines.at(_character_index(_whole(text), e.position)),
                          f"character {what} is not allowed in YAML: remove it")
        except yaml.YAMLError as e:  # no position known
            self._stop_at(1, f"YAML error: {e}")
        except RecursionError:  # composing recurses once per nesting level
            self._stop_at(1, "nested too deeply: expected a list of flat entries")
        else:
            if self._anchors:
                # With anchors refused the values are untrustworthy: report only them.
                self.problems = sorted(self._anchors, key=lambda p: p.line)
                return []
            self.problems.sort(key=lambda p: p.line)
            return entries
        return []

    def _stop_at(self, line: int, message: str) -> None:
        # After a syntax error the rest is unreadable: what was found of the entries before
        # it would only distract; the anchors seen so far are still worth saying.
        self.problems = [*self._anchors, Problem(self.path, line, message)]

    def _document(self, events: Iterator[yaml.Event]) -> list[Entry]:
        first = self._next_content(events)
        if first is None:
            self.report(1, f"{_EXPECTED}, found an empty file")
            return []
        if not isinstance(first, yaml.MappingStartEvent):
            root = self._node(first, events)
            self.report(root, f"{_EXPECTED}, found {_describe(root)}")
            return []
        entries: list[Entry] | None = None
        seen: dict[str, int] = {}
        while not isinstance(event := next(events), yaml.MappingEndEvent):
            key = self._node(event, events)
            value_start = next(events)
            name = key.value if isinstance(key, ScalarNode) else None
            if name == TOP_KEY and name not in seen and isinstance(value_start, yaml.SequenceStartEvent):
                self._anchor(value_start)
                entries = self._entries(events)
            else:
                value = self._node(value_start, events)
                if name == TOP_KEY and name not in seen:
                    self.report(value, f"{_EXPECTED} (each entry starting with '- '), found "
                                f"'{TOP_KEY}' holding {_describe(value)}")
                    entries = []
                else:
                    self._root_key(key, seen)
            if name is not None:
                seen.setdefault(name, self.lines.of(key.start_mark))
        if entries is None:
            self.report(self.lines.of(first.start_mark),
                        f"{_EXPECTED} (each entry starting with '- '), found no key '{TOP_KEY}'")
            return []
        return entries

    def _root_key(self, key: Node, seen: dict[str, int]) -> None:
        if not isinstance(key, ScalarNode):
            self.report(key, f"expected a key name, found {_describe(key)}")
        elif key.value in seen:
            self.report(key, f"duplicate key '{key.value}' (first on line {seen[key.value]})")
        else:
            self.report(key, f"unknown key '{key.value}' (expected {TOP_KEY})")

    def _entries(self, events: Iterator[yaml.Event]) -> list[Entry]:
        entries: list[Entry] = []
        first_line: dict[str, int] = {}  # id -> line of its first use, valid entry or not
        while not isinstance(event := next(events), yaml.SequenceEndEvent):
            id_, id_line, entry = self.entry(self._node(event, events))
            if id_ is not None and id_ in first_line:
                self.report(id_line, f"duplicate id '{id_}' (first used on line "
                            f"{first_line[id_]}): ids must be unique")
            elif entry is not None:
                entries.append(entry)
            if id_ is not None:
                first_line.setdefault(id_, id_line)
        return entries

    def _next_content(self, events: Iterator[yaml.Event]) -> yaml.Event | None:
        """Skip the stream and document start; None for an empty stream."""
        for event in events:
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
                continue
            if isinstance(event, (yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                return None
            return event
        return None

    def _anchor(self, event: yaml.Event) -> None:
        # Refused outright (alias bombs), and anchors too: nobody editing this file needs them.
        if (anchor := getattr(event, "anchor", None)) is not None:
            what = "alias '*" if isinstance(event, yaml.AliasEvent) else "anchor '&"
            self._anchors.append(Problem(self.path, self.lines.of(event.start_mark),
                                         f"{what}{anchor}' is not allowed: write each value out in full"))

    def _node(self, event: yaml.Event, events: Iterator[yaml.Event]) -> Node:
        """Compose the subtree that `event` starts, as PyYAML's composer would (no aliases)."""
        self._anchor(event)
        if isinstance(event, yaml.ScalarEvent):
            tag = self._tag(event, ScalarNode, event.value)
            return ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(item := next(events), yaml.SequenceEndEvent):
                items.append(self._node(item, events))
            return SequenceNode(self._tag(event, SequenceNode), items, event.start_mark, item.end_mark)
        if isinstance(event, yaml.MappingStartEvent):
            pairs: list[tuple[Node, Node]] = []
            while not isinstance(key := next(events), yaml.MappingEndEvent):
                pairs.append((self._node(key, events), self._node(next(events), events)))
            return MappingNode(self._tag(event, MappingNode), pairs, event.start_mark, key.end_mark)
        # An alias (already reported): stand in a null so the walk can go on.
        return ScalarNode(_NULL_TAG, "", event.start_mark, event.end_mark)

    def _tag(self, event: Any, kind: type[Node], value: str | None = None) -> str:
        """The explicit tag, or the one YAML's implicit rules give (`2019` is an int...)."""
        if event.tag not in (None, "!"):
            return str(event.tag)
        return str(self._resolver.resolve(kind, value, event.implicit))

    def entry(self, node: Node) -> tuple[str | None, int, Entry | None]:
        """Check one entry: its id and id line (for duplicates), and the Entry if it is valid."""
        if not isinstance(node, MappingNode):
            self.report(node, f"expected an entry (a mapping with keys {', '.join(KNOWN_KEYS)}), "
                        f"found {_describe(node)}")
            return None, 0, None
        before = len(self.problems)
        entry_line = self.lines.of(node.start_mark)
        key_lines: dict[str, int] = {}
        nodes: dict[str, Node] = {}
        for key, key_line, value in self.keys(node, self.known):
            key_lines[key], nodes[key] = key_line, value
        extra = tuple((key, self.plain(key, nodes.pop(key))) for key in list(nodes) if key not in BUILT_IN_KEYS)
        found = self.decisions(nodes.pop(DECISIONS_KEY)) if DECISIONS_KEY in nodes else ()
        values = {key: self.string(key, value) for key, value in nodes.items()}
        for key in REQUIRED_KEYS:
            if key not in nodes:
                self.report(node, f"missing required key '{key}'")
            elif values[key] is None and nodes[key].tag == _NULL_TAG:
                self.report(nodes[key], f"'{key}' is null: expected a non-empty string")
        id_ = values.get("id")
        id_line = key_lines.get("id", entry_line)
        if id_ is not None and not _ID_RE.fullmatch(id_):
            self.report(nodes["id"], f"id '{id_}' is not valid: expected lowercase letters, "
                        "digits and '-' only ([a-z0-9-]+)")
        website = values.get("website")
        if website is not None and (why := _website_problem(website)) is not None:
            self.report(nodes["website"], f"website '{website}' {why}")
        if len(self.problems) > before:
            return id_, id_line, None
        line = key_lines.get("website", entry_line)
        return id_, id_line, Entry(
            values["id"] or "", sys.intern(values["country"] or ""), values["name"] or "",
            values.get("name_en"), website, values.get("notes"), line, entry_line, found, extra)

    def keys(self, node: MappingNode, known: tuple[str, ...]) -> Iterator[tuple[str, int, Node]]:
        """Yield (key, key's line, value) for known keys, reporting unknown and repeated ones."""
        seen: dict[str, int] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, f"expected a key name, found {_describe(key_node)}")
                continue
            key, line = key_node.value, self.lines.of(key_node.start_mark)
            if key in seen:
                self.report(line, f"duplicate key '{key}' (first on line {seen[key]})")
            elif key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "expected " + ", ".join(known)
                if known is self.known and not close:
                    hint += f"; a field of your own must be declared in crawler.toml: extra_keys = [\"{key}\"]"
                self.report(line, f"unknown key '{key}' ({hint})")
            else:
                yield key, line, value
            seen.setdefault(key, line)

    def plain(self, key: str, node: Node) -> Any:
        """A field of the directory's own as a plain value: text, number, boolean, null, a
        date as YYYY-MM-DD, or lists and mappings of them (what JSON can hold)."""
        try:
            value = yaml.constructor.SafeConstructor().construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as e:
            self.report(node, f"'{key}' cannot be read: {getattr(e, 'problem', None) or e}")
            return None
        return self._json_ready(key, node, value)

    def _json_ready(self, key: str, node: Node, value: Any) -> Any:
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, list):
            return [self._json_ready(key, node, v) for v in value]
        if isinstance(value, dict):
            return {str(k): self._json_ready(key, node, v) for k, v in value.items()}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        self.report(node, f"'{key}' holds {type(value).__name__} data: expected text, numbers, lists or mappings")
        return None

    def decisions(self, node: Node) -> tuple[Decision, ...]:
        """The entry's decisions under `check:` (one mapping, or a list of them), each checked."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, SequenceNode) and not items:
            self.report(node, f"'{DECISIONS_KEY}' is an empty list: remove it, or write a decision")
        found: list[Decision] = []
        for item in items:
            decision = self.decision(item)
            if decision is not None:
                found.append(decision)
        return tuple(found)

    def decision(self, node: Node) -> Decision | None:
        if not isinstance(node, MappingNode):
            self.report(node, f"expected a decision (a mapping with keys {', '.join(decisions.KEYS)}), "
                        f"found {_describe(node)}")
            return None
        before = len(self.problems)
        nodes = {key: value for key, _, value in self.keys(node, decisions.KEYS)}
        reason = self.string("reason", nodes["reason"]) if "reason" in nodes else None
        if "reason" not in nodes or (reason is None and nodes["reason"].tag == _NULL_TAG):
            self.report(node, "a decision needs a 'reason': say why, for whoever reads it next")
        accept = self.accept(nodes["accept"]) if "accept" in nodes else None
        skip_until = self.day("skip-until", nodes["skip-until"]) if "skip-until" in nodes else None
        until = self.day("until", nodes["until"]) if "until" in nodes else None
        timeout = self.seconds(nodes["timeout"]) if "timeout" in nodes else None
        if not {"accept", "skip-until", "timeout"} & nodes.keys():
            self.report(node, "a decision must say what it decides: accept, skip-until or timeout")
        if "skip-until" in nodes and "until" in nodes:
            self.report(nodes["until"], "'until' beside 'skip-until': skip-until already says when it ends")
        if len(self.problems) > before:
            return None
        return Decision(reason or "", self.lines.of(node.start_mark), accept, skip_until, timeout, until)

    def accept(self, node: Node) -> Accept | None:
        if isinstance(node, ScalarNode) and node.tag == _STR_TAG and node.value in tuple(Accept):
            return Accept(node.value)
        words = [a.value for a in Accept]
        shown = f"'{node.value}'" if isinstance(node, ScalarNode) and node.tag == _STR_TAG else _describe(node)
        close = difflib.get_close_matches(node.value, words, n=1) if isinstance(node, ScalarNode) else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.report(node, f"'accept' must be {' or '.join(words)}, found {shown}{hint}")
        return None

    def day(self, key: str, node: Node) -> date | None:
        """A date written YYYY-MM-DD (plain, as YAML reads a date, or quoted)."""
        if isinstance(node, ScalarNode) and node.tag in (_STR_TAG, _TIMESTAMP_TAG) and _DAY_RE.fullmatch(node.value):
            try:
                return date.fromisoformat(node.value)
            except ValueError:
                pass
        shown = f"'{node.value}'" if isinstance(node, ScalarNode) else _describe(node)
        self.report(node, f"'{key}' must be a date written YYYY-MM-DD, found {shown}")
        return None

    def seconds(self, node: Node) -> float | None:
        if isinstance(node, ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG):
            try:
                value = float(node.value.replace("_", ""))
            except ValueError:
                value = -1.0
            if 0 < value <= decisions.MAX_TIMEOUT:
                return value
        shown = node.value if isinstance(node, ScalarNode) else _describe(node)
        self.report(node, f"'timeout' must be a number of seconds, more than 0 and at most "
                    f"{decisions.MAX_TIMEOUT:g}, found {shown}")
        return None

    def string(self, key: str, node: Node) -> str | None:
        """The value as a string; None for null. Reports non-strings and empty strings."""
        scalar = isinstance(node, ScalarNode)
        if scalar and node.tag == _STR_TAG and node.value.strip():
            return node.value
        if scalar and node.tag == _STR_TAG:
            fix = "a non-empty string" if key in (*REQUIRED_KEYS, "reason") else "a value, or null"
            self.report(node, f"'{key}' is empty: expected {fix}")
        elif scalar and node.tag in _TAG_NAMES and node.tag != _NULL_TAG:
            # A plain 2019, yes or 2011-05-07 is not read as text: say how to make it text.
            self.report(node, f"'{key}' must be a string, found {_describe(node)}: "
                        f"quote it, as {key}: \"{node.value}\"")
        elif not scalar or node.tag != _NULL_TAG:
            self.report(node, f"'{key}' must be a string, found {_describe(node)}")
        return None


def _character_index(text: str, position: int) -> int:
    """The character index of a reader error's position: libyaml gives a byte offset into the
    UTF-8 text, PyYAML's own reader a character index."""
    if YAML_LOADER is yaml.SafeLoader:
        return position
    return len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))


def _whole(text: str | _Capped | TextIO) -> str:
    """The whole text (read again from the start for a stream: only once parsing has stopped)."""
    if isinstance(text, str):
        return text
    text.seek(0)
    return text.read()


def _visible(text: str) -> str:
    return "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _too_large() -> str:
    return f"file is larger than {MAX_FILE_BYTES} bytes: refusing to read it"


def _describe(node: Node) -> str:
    """Name a node's kind for a message: "a list", "an integer"..."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _TAG_NAMES.get(node.tag, f"a value tagged '{node.tag}'")


def _website_problem(url: str) -> str | None:
    """What is wrong with `url` as a listed website (completing "website 'URL' ..."), or None."""
    if not url.isprintable() or _SPACE.search(url):
        return "contains white space or control characters: expected a URL (write a space as %20)"
    try:
        parts = urlsplit(url)
    except ValueError as e:  # e.g. an unclosed "[" of an IPv6 literal
        return f"is not a valid URL ({e})"
    if "://" not in url:
        return "is not an http(s) URL: expected it to start with https:// or http://"
    if parts.scheme.lower() not in ("http", "https"):
        return f"has the scheme '{parts.scheme}': expected http or https"
    if not parts.hostname:
        return "has no host: expected https://HOST/..."
    if "@" in parts.netloc:
        return "contains a user name or password: remove the part up to '@'"
    try:
        bad_port = parts.port == 0 or parts.netloc.endswith(":")  # ValueError past 65535
    except ValueError:
        bad_port = True
    if bad_port:
        return "has a bad port: expected a number from 1 to 65535"
    return _host_problem(parts.hostname, literal=parts.netloc.startswith("["))


def _host_problem(host: str, literal: bool) -> str | None:
    """What is wrong with a (lower-cased) host name, or with a bracketed IP literal, or None."""
    if literal:  # urlsplit lets IPvFuture ("[v1.x]") and zone ids through: check it is IPv6
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"has an invalid IPv6 address '{host}'"
        return None
    if host.isascii():  # what the IDNA codec would check of an ASCII name: labels of 1-63
        ascii_host = host if all(len(label) <= 63 for label in host.split(".")) else ""
    else:
        try:
            ascii_host = host.encode("idna").decode("ascii")  # this is what validates IDN labels
        except UnicodeError:
            ascii_host = ""
    if not all(_LABEL_RE.fullmatch(label) for label in ascii_host.removesuffix(".").split(".")):
        return (f"has an invalid host name '{host}': expected labels of letters, digits and '-', "
                "1 to 63 characters each, separated by single dots")
    return None
