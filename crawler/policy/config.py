"""`crawler.toml`: a directory's own policy, read with `tomllib`.

Where it is found: the file `--config PATH` names; else `crawler.toml` beside the directory
file `--directory` names; else, with neither flag, `./crawler.toml` (which may name the
directory file) or `crawler.toml` beside the default directory file
(``data/crawler.toml``). Paths written in the file are relative to the file's own folder, so
a directory and its config travel together; paths on the command line are relative to where
the command runs.

Every value has one source: the command line overrides the file, the file overrides the
defaults (`KEYS`). `Config.source` names it (``data/crawler.toml:7``, ``command line
(--timeout)``, ``default``), and `crawler config` prints every value with its source.

A bad file is reported like a bad directory file: every problem at once, each as
``PATH:LINE: message`` (an unknown key with a "did you mean"), exit 2 (`ConfigError`).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler import settings as defaults
from crawler.directory import BUILT_IN_KEYS, Problem
from crawler.errors import CrawlerError, UsageError
from crawler.net.resolver import parse_resolve
from crawler.policy.toml_lines import key_lines
from crawler.verdict.outcome import DEFAULT_FAIL_ON, Status, parse_statuses

CONFIG_NAME = "crawler.toml"
DEFAULT_DIRECTORY = "data/organisations.yaml"
MAX_CONFIG_BYTES = 1024 * 1024  # a hand-written policy; anything larger is a mistake


class ConfigError(CrawlerError):
    """The config file is unusable; `problems` lists every reason found, sorted by line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Bad(ValueError):
    """A value that does not fit its key; the message completes "'KEY' ..."."""


# --- what a value may be ---------------------------------------------------------------------

Check = Callable[[Any], Any]


def _kind(value: Any) -> str:
    """Name a TOML value's kind for a message."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _number(minimum: float, unit: str, *, integer: bool = False, above: bool = False) -> Check:
    """A number (an integer if `integer`) at least `minimum` (greater than it if `above`)."""
    what = f"{'a whole number' if integer else 'a number'} of {unit}" if unit else (
        "a whole number" if integer else "a number")
    bound = f"greater than {minimum:g}" if above else f"at least {minimum:g}"

    def check(value: Any) -> Any:
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type:
            raise _Bad(f"must be {what}, found {_kind(value)}")
        if not math.isfinite(value) or value < minimum or (above and value == minimum):
            raise _Bad(f"must be {what} {bound}, found {value}")
        return value if integer else float(value)

    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, found {_kind(value)}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be a string, found {_kind(value)}")
    if not value.strip() or any(not c.isprintable() for c in value):
        raise _Bad("must be one line of text, not empty")
    return value


def _path(value: Any) -> str:
    return _text(value)


def _optional_url(value: Any) -> str | None:
    if not isinstance(value, str):
        raise _Bad(f"must be an http(s) URL, found {_kind(value)}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Bad(f"must be an http(s) URL, found {value!r}")
    # It goes into a header (the User-Agent): printable ASCII, no spaces, no parentheses.
    if not value.isascii() or any(c.isspace() or not c.isprintable() or c in "()" for c in value):
        raise _Bad(f"must be a URL of printable ASCII without spaces or parentheses, found {value!r}")
    return value


def _statuses(value: Any) -> tuple[str, ...]:
    words = value.split(",") if isinstance(value, str) else value
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise _Bad(f"must be a list of statuses, found {_kind(value)}")
    try:
        chosen = parse_statuses(",".join(words))
    except UsageError as exc:
        raise _Bad(str(exc)) from None
    return tuple(sorted(chosen))


def _strings(each: Callable[[str], None]) -> Check:
    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"must be a list of strings, found {_kind(value)}")
        for item in value:
            each(item)
        return tuple(value)

    return check


def _resolve_spec(spec: str) -> None:
    try:
        parse_resolve(spec)
    except UsageError as exc:
        raise _Bad(str(exc).replace("--resolve ", "has ")) from None


_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _extra_key(name: str) -> None:
    if not _FIELD_RE.fullmatch(name):
        raise _Bad(f"has {name!r}: a field name is letters, digits, '_' and '-', starting with a letter")
    if name in BUILT_IN_KEYS:
        raise _Bad(f"has {name!r}, which the directory format already defines")


# --- the keys ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Key:
    """One value of the policy: its dotted name in the file, what it may be, its default."""

    name: str
    check: Check
    default: Any
    help: str
    dest: str | None = None  # the argparse destination of the command-line option, if any
    flag: str | None = None  # that option, as typed
    path: bool = False  # a file or folder: relative to the config file's folder

    @property
    def table(self) -> str:
        return self.name.rpartition(".")[0]


KEYS: tuple[Key, ...] = (
    Key("directory", _path, DEFAULT_DIRECTORY, "the directory file", "directory", "--directory", path=True),
    Key("db", _path, defaults.CRAWLER_DB, "the history store: an SQLite file or a postgresql:// URL",
        "db", "--db", path=True),
    Key("reports", _path, defaults.CRAWLER_REPORTS, "where the reports are written", "reports", "--reports",
        path=True),
    Key("extra_keys", _strings(_extra_key), (), "the directory's own entry fields, allowed besides the built-in ones"),
    # How each site is checked.
    Key("crawl.timeout", _number(0, "seconds", above=True), float(defaults.DOWNLOAD_TIMEOUT),
        "per request", "timeout", "--timeout"),
    Key("crawl.concurrency", _number(1, "requests", integer=True), defaults.CONCURRENT_REQUESTS,
        "requests in flight across all sites", "concurrency", "--concurrency"),
    Key("crawl.jobs", _number(1, "processes", integer=True), None,
        "crawl processes on this machine (not set: one per core, fewer for small crawls; 1: one process)",
        "jobs", "--jobs"),
    Key("crawl.entry_budget", _number(0, "timeouts"), defaults.CRAWLER_ENTRY_BUDGET,
        "one entry's whole check (hops, page, extra requests, waits) may take this many times its timeout "
        "(0: no limit)"),
    Key("crawl.per_host", _number(1, "requests", integer=True), defaults.CONCURRENT_REQUESTS_PER_DOMAIN,
        "requests in flight to one host"),
    Key("crawl.retries", _number(0, "retries", integer=True), defaults.RETRY_TIMES,
        "more tries after a transient failure (reset, refusal, DNS error, 5xx)"),
    Key("crawl.retry_after_max", _number(0, "seconds"), defaults.CRAWLER_RETRY_AFTER_MAX,
        "the longest Retry-After waited for (0: never wait)"),
    Key("crawl.read_limit", _number(1024, "bytes", integer=True), defaults.CRAWLER_READ_LIMIT,
        "bytes read of each page"),
    Key("crawl.inflate_limit", _number(1024, "bytes", integer=True), defaults.CRAWLER_INFLATE_LIMIT,
        "bytes a compressed body may inflate to"),
    Key("crawl.resolve", _strings(_resolve_spec), (), "HOST:PORT:ADDRESS overrides, as curl's --resolve",
        "resolve", "--resolve"),
    Key("crawl.allow_private", _flag, defaults.CRAWLER_ALLOW_PRIVATE,
        "permit loopback and private addresses", "allow_private", "--allow-private"),
    Key("crawl.canary", _optional_url, defaults.CRAWLER_CANARY_URL,
        "a URL that must answer, or the run counts as 'network unavailable'", "canary", "--canary"),
    # The extra requests beyond the listed page, and how politely they are made.
    Key("requests.soft404_probe", _flag, defaults.CRAWLER_SOFT404_ENABLED,
        "probe a surely-missing path when a page looks like 'not found'"),
    Key("requests.freshness", _flag, defaults.CRAWLER_FRESHNESS_ENABLED,
        "fetch a feed or sitemap.xml to date each site's content", "freshness", "--no-freshness"),
    Key("requests.rdap", _flag, defaults.CRAWLER_RDAP_ENABLED,
        "the registration watch: ask each listed domain's RDAP registry when it was registered and expires",
        "rdap", "--no-rdap"),
    Key("requests.rdap_bootstrap", _path, None,
        "IANA's RDAP bootstrap file (not set: data/rdap-dns.json once `crawler rdap-bootstrap --refresh` "
        "wrote it, else the bundled snapshot)", "rdap_bootstrap", "--rdap-bootstrap", path=True),
    Key("requests.rdap_per_run", _number(0, "domains", integer=True), defaults.CRAWLER_RDAP_PER_RUN,
        "domains asked per crawl at most (the rest at the next one)"),
    Key("requests.rdap_max_age_days", _number(0, "days"), float(defaults.CRAWLER_RDAP_MAX_AGE_DAYS),
        "an RDAP answer younger than this is not asked again"),
    Key("requests.robots_txt", _flag, defaults.CRAWLER_SIDE_ROBOTS,
        "the extra requests obey each site's robots.txt (the listed page is fetched as a browser would)"),
    Key("requests.delay", _number(0, "seconds"), defaults.CRAWLER_SIDE_DELAY,
        "between two extra requests to one host (robots.txt's Crawl-delay, if longer, wins)"),
    Key("requests.contact", _optional_url, defaults.CRAWLER_CONTACT,
        "a URL about this crawler, put in the User-Agent for site owners"),
    # What the history makes of the checks.
    Key("grace.checks", _number(1, "checks", integer=True), defaults.CRAWLER_DEAD_AFTER_CHECKS,
        "a failing site is 'remove or replace' after this many failed checks..."),
    Key("grace.days", _number(0, "days", integer=True), defaults.CRAWLER_DEAD_AFTER_DAYS,
        "...spanning at least this many days"),
    Key("report.stale_after_days", _number(1, "days", integer=True), defaults.CRAWLER_STALE_AFTER_DAYS,
        "an entry not verified for this long is stale"),
    Key("report.inactive_after_days", _number(1, "days", integer=True), defaults.CRAWLER_INACTIVE_AFTER_DAYS,
        "content older than this is flagged inactive"),
    Key("report.title", _text, defaults.CRAWLER_PAGE_TITLE, "the heading of the readers' page (index.html)"),
    Key("check.fail_on", _statuses, tuple(sorted(DEFAULT_FAIL_ON)), "statuses that fail `crawler check`",
        "fail_on", "--fail-on"),
    Key("check.reports", _flag, False,
        "`crawler check` also writes the reports (where `reports` says); --reports DIR does it once"),
    # When each entry is due (`crawl --due`).
    Key("schedule.due", _flag, False, "every crawl checks only the entries that are due", "due", "--due"),
    Key("schedule.max", _number(0, "entries", integer=True), 0, "at most this many entries a run (0: no limit)",
        "max", "--max"),
    Key("schedule.alive_days", _number(0, "days", above=True), 7.0, "an entry that answered is due again after this"),
    Key("schedule.failing_days", _number(0, "days", above=True), 1.0,
        "a failing entry is due again after this, until the grace period decides"),
    Key("schedule.spread", _flag, True,
        "fill each run up to an even share of the directory, so a large one spreads over the interval"),
    # The history store over the years.
    Key("history.fold_after_days", _number(0, "days", integer=True), defaults.CRAWLER_HISTORY_FOLD_AFTER_DAYS,
        "checks older than this (beyond each entry's last 30) are folded into per-entry summaries (0: never)"),
    Key("history.journal", _path, "history", "the folder of the history's text form (crawler history export/import)",
        "journal", "--journal", path=True),
)
BY_NAME: dict[str, Key] = {k.name: k for k in KEYS}
TABLES = frozenset(k.table for k in KEYS if k.table)

#: Config key -> the Scrapy setting it becomes (`Config.settings`), for keys not in CrawlOptions.
SETTINGS: dict[str, str] = {
    "crawl.entry_budget": "CRAWLER_ENTRY_BUDGET",
    "crawl.per_host": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "crawl.retries": "RETRY_TIMES",
    "crawl.retry_after_max": "CRAWLER_RETRY_AFTER_MAX",
    "crawl.read_limit": "CRAWLER_READ_LIMIT",
    "crawl.inflate_limit": "CRAWLER_INFLATE_LIMIT",
    "requests.soft404_probe": "CRAWLER_SOFT404_ENABLED",
    "requests.rdap_per_run": "CRAWLER_RDAP_PER_RUN",
    "requests.rdap_max_age_days": "CRAWLER_RDAP_MAX_AGE_DAYS",
    "requests.robots_txt": "CRAWLER_SIDE_ROBOTS",
    "requests.delay": "CRAWLER_SIDE_DELAY",
    "requests.contact": "CRAWLER_CONTACT",
    "grace.checks": "CRAWLER_DEAD_AFTER_CHECKS",
    "grace.days": "CRAWLER_DEAD_AFTER_DAYS",
    "report.stale_after_days": "CRAWLER_STALE_AFTER_DAYS",
    "report.inactive_after_days": "CRAWLER_INACTIVE_AFTER_DAYS",
    "report.title": "CRAWLER_PAGE_TITLE",
    "extra_keys": "CRAWLER_EXTRA_KEYS",
    "history.fold_after_days": "CRAWLER_HISTORY_FOLD_AFTER_DAYS",
}


# --- the effective values --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    value: Any
    source: str  # "default", "PATH:LINE", or "command line (--flag)"


@dataclass(frozen=True)
class Config:
    """The effective policy: every key of `KEYS` with its value and where it came from."""

    path: str | None  # the config file read, None when there is none
    values: Mapping[str, Value]

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def source(self, name: str) -> str:
        return self.values[name].source

    def settings(self) -> dict[str, Any]:
        """The Scrapy settings this policy sets beyond `crawler.options.CrawlOptions`'s fields."""
        chosen: dict[str, Any] = {setting: self[key] for key, setting in SETTINGS.items()}
        chosen["CRAWLER_EXTRA_KEYS"] = list(self["extra_keys"])
        if self["requests.contact"]:
            chosen["USER_AGENT"] = user_agent(self["requests.contact"])
        return chosen


def user_agent(contact: str) -> str:
    """The crawler's User-Agent with `contact` in it, as bots write theirs (``+URL``)."""
    return f"{defaults.USER_AGENT[:-1]}; +{contact})"


def find_config(config: str | None, directory: str | None) -> str | None:
    """The config file a command reads (see the module docstring), or None.

    `config` is ``--config``'s value (it must exist: UsageError if not), `directory`
    ``--directory``'s (None when not given).
    """
    if config is not None:
        if not os.path.isfile(config):
            raise UsageError(f"--config {config}: no such file")
        return config
    if directory is not None:
        beside = os.path.join(os.path.dirname(directory), CONFIG_NAME)
        return beside if os.path.isfile(beside) else None
    for candidate in (CONFIG_NAME, os.path.join(os.path.dirname(DEFAULT_DIRECTORY), CONFIG_NAME)):
        if os.path.isfile(candidate):
            return candidate
    return None


def load_config(path: str | None, given: Mapping[str, Any] | None = None) -> Config:
    """The effective policy: `given` (command-line values by key name, already typed; None
    for options not given) over the file at `path` (if any) over the defaults.

    Raises ConfigError listing every problem of the file, UsageError for a bad
    command-line value.
    """
    from_file: dict[str, tuple[Any, int]] = read_file(path) if path else {}
    folder = os.path.dirname(path) if path else ""
    values: dict[str, Value] = {}
    for key in KEYS:
        if given and given.get(key.name) is not None:
            try:
                value = key.check(given[key.name])
            except _Bad as exc:
                raise UsageError(f"{key.flag}: {exc}".replace(" found ", " given ")) from None
            values[key.name] = Value(value, f"command line ({key.flag})")
        elif key.name in from_file:
            value, line = from_file[key.name]
            if key.path and not str(value).startswith(("postgresql://", "postgres://")):
                value = os.path.normpath(os.path.join(folder, value)) if folder else value
            values[key.name] = Value(value, f"{path}:{line}")
        else:
            values[key.name] = Value(key.default, "default")
    return Config(path, values)


def read_file(path: str) -> dict[str, tuple[Any, int]]:
    """The file's values by key name, each with its line; ConfigError with every problem."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem(path, 0, f"cannot read the file: {exc.strerror}")]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError([Problem(path, 0, f"larger than {MAX_CONFIG_BYTES} bytes: not a config file")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError([Problem(path, line, "not valid UTF-8: save it as UTF-8")]) from None
    return parse_config(text, path)


_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)$|\(at end of document\)$")


def parse_config(text: str, path: str) -> dict[str, tuple[Any, int]]:
    """Validate config `text` (`path` only names it in problems)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_LINE.search(message)
        line = int(found.group(1)) if found and found.group(1) else text.count("\n") + 1
        raise ConfigError([Problem(path, line, f"TOML syntax error: {_TOML_LINE.sub('', message).strip()}")]) from None
    lines = key_lines(text)
    problems: list[Problem] = []
    values: dict[str, tuple[Any, int]] = {}
    for parts, value in _leaves(document):
        name = ".".join(parts)
        line = _line_of(lines, parts)
        key = BY_NAME.get(name)
        if key is None:
            problems.append(Problem(path, line, _unknown(parts, value)))
            continue
        try:
            values[name] = (key.check(value), line)
        except _Bad as exc:
            problems.append(Problem(path, line, f"'{name}' {exc}"))
    if problems:
        raise ConfigError(problems)
    return values


def _leaves(table: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, value) of every value; the tables this format has are walked into."""
    for name, value in table.items():
        parts = (*prefix, name)
        dotted = ".".join(parts)
        if isinstance(value, dict) and dotted not in BY_NAME and dotted in TABLES:
            yield from _leaves(value, parts)
        else:
            yield parts, value


def _line_of(lines: Mapping[tuple[str, ...], int], parts: tuple[str, ...]) -> int:
    for n in range(len(parts), 0, -1):
        if parts[:n] in lines:
            return lines[parts[:n]]
    return 1


def _unknown(parts: tuple[str, ...], value: Any) -> str:
    name = ".".join(parts)
    is_table = isinstance(value, dict)
    what = "table" if is_table else "key"
    candidates = sorted(TABLES) if is_table else [k.name for k in KEYS]
    # The right key in the wrong table first ("timeout" for "crawl.timeout"), then spelling.
    same_leaf = [k.name for k in KEYS if k.name.rpartition(".")[2] == parts[-1]] if not is_table else []
    close = same_leaf or difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close and not is_table:
        leaf = difflib.get_close_matches(parts[-1], [k.name.rpartition(".")[2] for k in KEYS], n=1)
        close = [k.name for k in KEYS if leaf and k.name.endswith(leaf[0])][:1]
    hint = f"did you mean '{close[0]}'?" if close else f"see `crawler config` for the {what}s there are"
    return f"unknown {what} '{name}' ({hint})"


# --- showing it ----------------------------------------------------------------------------


def render(config: Config) -> str:
    """The effective policy as TOML, each value with its source as a comment (`crawler config`)."""
    out = [f"# config file: {config.path or f'none ({CONFIG_NAME} not found)'}"]
    width = 40
    current = None
    for key in KEYS:
        if key.table != current:
            current = key.table
            if current:
                out.append(f"\n[{current}]")
        leaf = key.name.rpartition(".")[2]
        value = config[key.name]
        text = f"# {leaf} = (not set)" if value is None else f"{leaf} = {_toml(value)}"
        out.append(f"{text:<{width}} # {config.source(key.name)}")
    return "\n".join(out) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # A JSON string is a TOML basic string: the same escapes for quotes, backslashes, controls.
    return json.dumps(str(value), ensure_ascii=False)


def statuses_of(config: Config) -> frozenset[Status]:
    """`check.fail_on` as statuses."""
    return frozenset(Status(s) for s in config["check.fail_on"])


def given_from(args: Any, keys: Sequence[Key] = KEYS) -> dict[str, Any]:
    """Command-line values by key name from an argparse namespace (options not given: None)."""
    return {k.name: getattr(args, k.dest, None) for k in keys if k.dest}
