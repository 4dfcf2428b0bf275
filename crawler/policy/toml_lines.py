"""Where each key of a TOML document is written: `tomllib` parses values but keeps no lines.

`key_lines` walks the text of a document `tomllib` has already accepted and returns, for every
key path (``("crawl", "timeout")``), the 1-based line where it is first written, whichever
way it is spelled: under a ``[crawl]`` header, as a dotted key ``crawl.timeout = 30``, quoted
(``"crawl".'timeout'``), inside an inline table, or after a multi-line string or array whose
lines look like keys (they are skipped as values). A table header's own line is recorded for
the table's path, and a dotted key records each of its prefixes it introduces.

The walk is lenient: it assumes valid TOML and never raises on it; on text that is not valid
it returns what it found so far.
"""

from __future__ import annotations

import tomllib

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\n\r")

KeyPath = tuple[str, ...]


def key_lines(text: str) -> dict[KeyPath, int]:
    """Each key path of the TOML `text` -> the line (1-based) that first writes it."""
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (IndexError, ValueError, tomllib.TOMLDecodeError):
        pass  # not valid TOML after all: the lines found so far are still right
    return scanner.lines


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}

    # --- characters ------------------------------------------------------------------------

    def peek(self, n: int = 1) -> str:
        return self.text[self.at : self.at + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.at, self.at + n)
        self.at += n

    def done(self) -> bool:
        return self.at >= len(self.text)

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t") and not self.done():
            self.advance()

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.at)
            self.advance((len(self.text) if end < 0 else end) - self.at)

    def skip_space(self) -> None:
        """Blanks, comments and newlines (inside arrays)."""
        while not self.done() and self.peek() in (" ", "\t", "\n", "\r", "#"):
            if self.peek() == "#":
                self.skip_comment()
            else:
                self.advance()

    def skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.at)
        self.advance((len(self.text) if end < 0 else end + 1) - self.at)

    # --- the document ----------------------------------------------------------------------

    def record(self, path: KeyPath, line: int) -> None:
        for n in range(1, len(path) + 1):
            self.lines.setdefault(path[:n], line)

    def document(self) -> None:
        table: KeyPath = ()
        while not self.done():
            self.skip_blanks()
            char = self.peek()
            if char in ("#", "\n", "\r") or self.done():
                self.skip_to_line_end()
                continue
            line = self.line
            if char == "[":
                double = self.peek(2) == "[["
                self.advance(2 if double else 1)
                self.skip_blanks()
                table = self.key()
                self.record(table, line)
                self.skip_to_line_end()
                continue
            key = table + self.key()
            self.record(key, line)
            self.skip_blanks()
            self.advance()  # "="
            self.skip_blanks()
            self.value(key)
            self.skip_to_line_end()

    def key(self) -> KeyPath:
        """A dotted key; the scanner stops after it (before "=", "]" or "}")."""
        parts: list[str] = []
        while True:
            self.skip_blanks()
            parts.append(self.simple_key())
            self.skip_blanks()
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def simple_key(self) -> str:
        char = self.peek()
        if char in ('"', "'"):
            start = self.at
            self.string()
            return str(tomllib.loads("k = " + self.text[start : self.at])["k"])
        start = self.at
        while not self.done() and self.peek() in _BARE:
            self.advance()
        if self.at == start:
            raise ValueError("expected a key")
        return self.text[start : self.at]

    # --- values (skipped, but inline tables record their keys) -------------------------------

    def value(self, path: KeyPath | None) -> None:
        """Skip one value; `path` is its key, None inside an array (whose tables are not ours)."""
        char = self.peek()
        if char in ('"', "'"):
            self.string()
        elif char == "[":
            self.array()
        elif char == "{":
            self.inline_table(path)
        else:
            while not self.done() and self.peek() not in _SCALAR_END:
                self.advance()

    def string(self) -> None:
        quote = self.peek()
        if self.peek(3) == quote * 3:
            self.advance(3)
            end = self._find_unescaped(quote * 3, escapes=quote == '"')
            self.advance(end - self.at)
            # Up to two more quotes may close the content ("""a"""" is 'a"').
            while self.peek(4) == quote * 4:
                self.advance()
            self.advance(3)
            return
        self.advance()
        end = self._find_unescaped(quote, escapes=quote == '"')
        self.advance(end + 1 - self.at)

    def _find_unescaped(self, closing: str, *, escapes: bool) -> int:
        at = self.at
        while True:
            end = self.text.index(closing, at)
            if not escapes:
                return end
            backslashes = 0
            while self.text[end - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2 == 0:
                return end
            at = end + 1

    def array(self) -> None:
        self.advance()  # "["
        while True:
            self.skip_space()
            if self.peek() == "]":
                self.advance()
                return
            self.value(None)
            self.skip_space()
            if self.peek() == ",":
                self.advance()

    def inline_table(self, path: KeyPath | None) -> None:
        self.advance()  # "{"
        while True:
            self.skip_blanks()
            if self.peek() == "}":
                self.advance()
                return
            line = self.line
            key = self.key()
            if path is not None:
                self.record(path + key, line)
            self.skip_blanks()
            self.advance()  # "="
            self.skip_blanks()
            self.value(None if path is None else path + key)
            self.skip_blanks()
            if self.peek() == ",":
                self.advance()
