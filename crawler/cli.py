"""The `crawler` command: parse, call the library, print, return an exit code.

Exit codes (the spec's): 0 nothing to fail on, 1 problems found (`check`), 2 bad input
or usage, 3 the network was unavailable for the whole run, 70 the crawler itself failed
(a bug), 74 a file or the store could not be written (`crawler.errors.WriteError`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from crawler import __version__, changes, decisions, fix, schedule
from crawler import config as policy
from crawler.config import BY_NAME, Config, ConfigError
from crawler.demo import command as demo
from crawler.directory import Directory, DirectoryError, load_directory
from crawler.errors import CrawlerError, UsageError
from crawler.net.resolver import parse_resolve
from crawler.options import CrawlOptions
from crawler.reports import write_reports
from crawler.pipelines import policy_from
from crawler.run import CrawlFailed, CrawlResult, crawl, report, settings_for
from crawler.store import fold_cutoff, journal, open_store
from crawler.store.rows import CheckRow
from crawler.text import clean_text
from crawler.verdict.outcome import Network

logger = logging.getLogger("crawler")


class Exit(IntEnum):
    OK = 0
    PROBLEMS = 1
    BAD_INPUT = 2
    NETWORK_UNAVAILABLE = 3
    CRASHED = 70  # sysexits' EX_SOFTWARE: the crawler itself failed (a bug)
    CANNOT_WRITE = 74  # sysexits' EX_IOERR: a report or the store could not be written


DESCRIPTION = """\
Check the websites listed in a directory of organisations: which still answer, which
moved, died or were parked, and when each was last verified. Results are kept in a
history store and written as reports (staleness.md, staleness.json, index.html,
junit.xml)."""

EPILOG = """\
exit codes: 0 fine, 1 problems found (check), 2 bad input or usage,
            3 the network was unavailable (nothing answered; nothing recorded as failed),
            70 the crawler itself failed (a bug: please report it with its log),
            74 a report or the history store could not be written (a full disk, say)

examples:
  crawler validate
  crawler crawl
  crawler crawl --due --max 5000
  crawler config
  crawler check --only england-wales --fail-on dead,parked
  crawler check --changed-since origin/main
  crawler report
  crawler fix --dry-run
  crawler demo"""


# Options default to None (not given): the value then comes from crawler.toml or the
# defaults (crawler.config.KEYS), whose defaults the help texts show.


def _default(key: str) -> str:
    return f"default: {BY_NAME[key].default}"


def _add_directory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--directory", metavar="PATH", help=f"the directory file ({_default('directory')})",
    )
    parser.add_argument(
        "--config", metavar="PATH",
        help=f"the policy file ({policy.CONFIG_NAME} beside the directory file, if there is one)",
    )


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH",
        help=f"the history store: an SQLite file, or a postgresql:// URL ({_default('db')})",
    )
    parser.add_argument(
        "--reports", metavar="DIR", help=f"where reports are written ({_default('reports')}/)",
    )


def _add_crawling(parser: argparse.ArgumentParser) -> None:
    _add_directory(parser)
    _add_store(parser)
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help=f"per request ({_default('crawl.timeout')})",
    )
    parser.add_argument(
        "--concurrency", type=int, metavar="N",
        help="requests in flight across all sites (default: 512; per site it stays at 2)",
    )
    parser.add_argument(
        "--resolve", action="append", metavar="HOST:PORT:ADDRESS",
        help="send HOST's traffic on PORT to ADDRESS, as curl's option (repeatable; HOST may be *)",
    )
    parser.add_argument(
        "--allow-private", action="store_true", default=None,
        help="permit loopback and private addresses (refused by default, against SSRF)",
    )
    parser.add_argument(
        "--canary", metavar="URL",
        help="a URL that must answer; if it fails, the run counts as 'network unavailable'",
    )
    parser.add_argument(
        "--no-freshness", dest="freshness", action="store_false", default=None,
        help="skip the sitemap and feed requests that date each site's content",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print only problems and errors")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crawler", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("crawl", help="check every entry, record the results, write the reports")
    _add_crawling(p)
    _add_schedule(p)
    p.add_argument(
        "--redis", metavar="URL",
        help="share this crawl with other processes through this Redis server "
        "(needs --db postgresql://...; see 'Past one machine' in the README)",
    )
    p.add_argument(
        "--worker", action="store_true",
        help="with --redis: help the running crawl instead of leading one (no reports here)",
    )

    p = commands.add_parser(
        "check", help="the CI gate: check chosen entries, print problems, exit 1 if any",
        description="Check the chosen entries and print one line per problem as "
        "PATH:LINE: category: detail (GitHub annotations when GITHUB_ACTIONS=true).",
    )
    _add_crawling(p)
    p.add_argument("--only", nargs="+", default=[], metavar="ID", help="check only these entry ids")
    p.add_argument(
        "--changed-since", metavar="GIT_REF",
        help="check only entries added or changed in the directory file since this git ref",
    )
    _add_fail_on(p)

    p = commands.add_parser("report", help="rewrite the reports from the history store, without crawling")
    _add_directory(p)
    _add_store(p)

    p = commands.add_parser("validate", help="check the directory file only (no network)")
    _add_directory(p)

    p = commands.add_parser(
        "fix", help="rewrite permanently redirected URLs in the directory file, showing the diff",
        description="Replace each permanently redirected entry's URL by the one it redirects "
        "to, as the last crawl recorded; nothing else in the file changes.",
    )
    _add_directory(p)
    _add_store(p)
    p.add_argument("--dry-run", action="store_true", help="show the diff without writing the file")

    p = commands.add_parser(
        "config", help="print the effective policy (crawler.toml, flags, defaults) and where each value comes from",
        description="Print every value of the policy, as TOML, with its source: the command "
        "line, the config file (PATH:LINE) or the default. Takes the options of crawl and check, "
        "to show what they would change.",
    )
    _add_crawling(p)
    _add_schedule(p)
    _add_fail_on(p)

    p = commands.add_parser(
        "history", help="the history store's text form (export, import) and retention (fold)",
        description="export appends the runs not yet written to the text form (one file per "
        "month, append-only, fit to commit); import brings a store up to date from it (a new "
        "store is rebuilt whole); fold folds old checks into per-entry summaries now.",
    )
    history_commands = p.add_subparsers(dest="history_command", required=True, metavar="ACTION")
    for name, text in (
        ("export", "append the runs the text form lacks"),
        ("import", "add the text form's runs the store lacks (rebuild a store)"),
        ("fold", "fold old checks into per-entry summaries (as every crawl does)"),
    ):
        h = history_commands.add_parser(name, help=text, description=text)
        _add_directory(h)
        h.add_argument("--db", metavar="PATH", help=f"the history store ({_default('db')})")
        if name != "fold":
            h.add_argument(
                "--journal", metavar="DIR", help=f"the text form's folder ({_default('history.journal')})",
            )

    p = commands.add_parser(
        "demo", help="crawl a demo directory on a bundled simulated web (no internet needed)",
        description="Start the simulated web on 127.0.0.1, crawl a directory whose entries "
        "show every kind of verdict, and print where the reports are.",
    )
    p.add_argument(
        "--out", default="demo", metavar="DIR",
        help="where the demo directory, store and reports go (default: %(default)s/)",
    )
    return parser


def _add_schedule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--due", action=argparse.BooleanOptionalAction, default=None,
        help="check only the entries that are due (new, edited, failing daily, the rest weekly); "
        "reports still cover every entry (default: false)",
    )
    parser.add_argument(
        "--max", type=int, metavar="N", help="check at most N entries, the most overdue first (default: no limit)",
    )


def _add_fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on", metavar="CATEGORY,...",
        help=f"statuses that fail the check (default: {','.join(BY_NAME['check.fail_on'].default)})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Expected failures (`CrawlerError`) are one message
    and their code; anything else is a bug of ours: its traceback is logged, exit 70."""
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except (DirectoryError, ConfigError, journal.JournalError) as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except CrawlerError as exc:
        print(f"crawler: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        _log_crash(exc)
        return Exit.CRASHED


def _log_crash(exc: Exception) -> None:
    """The traceback of a bug, on standard error (through logging, as Scrapy's own are)."""
    if not logging.getLogger().handlers:  # outside a crawl nothing has configured logging
        logging.basicConfig(format="%(levelname)s: %(message)s")
    if isinstance(exc, CrawlFailed):  # the tracebacks that matter were logged during the crawl
        logger.critical("crawler: %s", exc)
    else:
        logger.critical("crawler: the crawler itself failed (a bug: please report it with this log)", exc_info=exc)


def _config(args: argparse.Namespace) -> Config:
    """The effective policy: the command's flags over crawler.toml over the defaults."""
    for spec in getattr(args, "resolve", None) or []:
        parse_resolve(spec)  # a bad spec is a usage error before anything starts, in curl's words
    path = policy.find_config(getattr(args, "config", None), getattr(args, "directory", None))
    return policy.load_config(path, policy.given_from(args))


def _directory(config: Config) -> Directory:
    return load_directory(config["directory"], config["extra_keys"])


def _options(args: argparse.Namespace, config: Config, only: Sequence[str] = ()) -> CrawlOptions:
    quiet, verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
    return CrawlOptions(
        directory=config["directory"], db=config["db"], reports=config["reports"],
        timeout=config["crawl.timeout"], concurrency=config["crawl.concurrency"],
        resolve=tuple(config["crawl.resolve"]), allow_private=config["crawl.allow_private"],
        canary=config["crawl.canary"], only=tuple(only), freshness=config["requests.freshness"],
        progress=not quiet,
        log_level="INFO" if verbose else "WARNING" if not quiet else "ERROR",
        redis=getattr(args, "redis", None), worker=getattr(args, "worker", False),
        extra=config.settings(),
    )


def cmd_validate(args: argparse.Namespace) -> Exit:
    config = _config(args)
    directory = _directory(config)
    listed = sum(1 for e in directory.entries if e.website)
    print(f"{directory.path}: {len(directory.entries)} organisations, {listed} with a website: valid")
    return Exit.OK


def cmd_config(args: argparse.Namespace) -> Exit:
    sys.stdout.write(policy.render(_config(args)))
    return Exit.OK


def cmd_crawl(args: argparse.Namespace) -> Exit:
    config = _config(args)
    options = _options(args, config)
    if options.worker and not options.redis:
        raise UsageError("--worker joins a shared crawl: give its --redis URL")
    if options.worker:  # a worker reads no directory file: the coordinator chose the entries
        return _finish(crawl(options, None), args)
    # Every problem of the directory file at once, before any request.
    directory = _directory(config)
    choice = _choice(config, directory, options)
    if choice is not None:
        if not args.quiet:
            print(_choice_line(choice), file=sys.stderr)
        if not choice.ids:
            # Nothing to check now: the reports are rewritten all the same (dates move on).
            written = write_reports(report(directory, options), Path(options.reports))
            if not args.quiet:
                print(f"0 entries checked; reports in {written[0].parent}/")
            return Exit.OK
        options = replace(options, only=choice.ids)
    return _finish(crawl(options, directory), args)


def _choice(config: Config, directory: Directory, options: CrawlOptions) -> schedule.Choice | None:
    """The entries this crawl checks (crawler.schedule), or None for every one of them."""
    due, limit = config["schedule.due"], config["schedule.max"]
    today = datetime.now(UTC).date()
    if not due and not limit and not any(decisions.skipped(e.decisions, today) for e in directory.entries):
        return None  # the common case: everything, without reading the history first
    plan = schedule.Schedule(
        config["schedule.alive_days"], config["schedule.failing_days"], config["schedule.spread"], limit
    )
    store = open_store(options.db, write=False)
    try:
        states = schedule.states(directory.entries, store, policy_from(settings_for(options)))
    finally:
        store.close()
    return schedule.choose(directory.entries, states, plan, datetime.now(UTC), due=due)


def _choice_line(choice: schedule.Choice) -> str:
    counts = ", ".join(f"{n:,} {why}" for why, n in choice.counts().items())
    line = f"checking {len(choice.ids):,} entries" + (f" ({counts})" if counts else "")
    if choice.left:
        line += f"; {choice.left:,} due entries left for the next run (--max)"
    if choice.skipped:
        line += f"; {len(choice.skipped):,} skipped by decisions"
    return line


def cmd_check(args: argparse.Namespace) -> Exit:
    config = _config(args)
    fail_on = policy.statuses_of(config)
    directory = _directory(config)
    chosen = list(args.only)
    unknown = [i for i in chosen if i not in {e.id for e in directory.entries}]
    if unknown:
        raise UsageError(f"--only: no entry with id {', '.join(unknown)} in {directory.path}")
    if args.changed_since:
        changed = changes.changed_entries(directory, args.changed_since)
        chosen = sorted(set(chosen) | changed) if chosen else sorted(changed)
        if not chosen:
            print(f"no entries added or changed since {args.changed_since}")
            return Exit.OK
    today = datetime.now(UTC).date()
    skipped = {e.id for e in directory.entries if decisions.skipped(e.decisions, today)}
    if skipped:
        chosen = [i for i in (chosen or [e.id for e in directory.entries]) if i not in skipped]
        if not chosen:
            print(f"nothing to check: every chosen entry is skipped by a decision ({len(skipped)})")
            return Exit.OK
    result = crawl(_options(args, config, only=chosen), directory)
    if result.network is not Network.AVAILABLE:
        return _finish(result, args)
    failing = [c for c in result.checks if c.status in fail_on]
    problems = [c for c in failing if not decisions.accepted(directory.by_id(c.entry_id).decisions, c.status, today)]
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for check in problems:
        print(_problem_line(directory, check, annotate))
    if not args.quiet:
        accepted = f", {len(failing) - len(problems)} accepted by decisions" if len(failing) > len(problems) else ""
        print(f"{len(result.checks)} checked, {len(problems)} failing on {','.join(sorted(fail_on))}{accepted}")
    return Exit.PROBLEMS if problems else Exit.OK


def _problem_line(directory: Directory, check: CheckRow, annotate: bool) -> str:
    entry = directory.by_id(check.entry_id)
    detail = clean_text(f"{check.reason}: {check.detail}" if check.detail else check.reason)
    if annotate:
        # GitHub workflow command: message data must escape %, CR and LF.
        message = f"{check.status}: {detail}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={directory.path},line={entry.line},title={entry.id}::{message}"
    return f"{directory.path}:{entry.line}: {check.status}: {detail}"


def _finish(result: CrawlResult, args: argparse.Namespace) -> Exit:
    if result.network is not Network.AVAILABLE:
        print(
            "crawler: network unavailable: nothing answered, so nothing was recorded as failed "
            "and no last-verified date was lost",
            file=sys.stderr,
        )
        return Exit.NETWORK_UNAVAILABLE
    if args.quiet:
        return Exit.OK
    if getattr(args, "worker", False):
        print(f"{result.by_this_process} checks made here; {len(result.checks)} entries checked in run {result.run_id}")
        return Exit.OK
    print(f"{len(result.checks)} entries checked; reports in {args.reports}/")
    if result.by_this_process is not None:
        print(f"{result.by_this_process} checks made here (shared run {result.run_id})")
    return Exit.OK


def cmd_report(args: argparse.Namespace) -> Exit:
    config = _config(args)
    directory = _directory(config)
    options = _options(args, config)
    written = write_reports(report(directory, options), Path(options.reports))
    for path in written:
        print(path)
    return Exit.OK


def cmd_fix(args: argparse.Namespace) -> Exit:
    config = _config(args)
    directory = _directory(config)
    model = report(directory, _options(args, config))
    diff = fix.apply_redirects(directory, model, write=not args.dry_run)
    if not diff:
        print("nothing to fix: no permanently redirected entries in the last crawl")
        return Exit.OK
    sys.stdout.write(diff)
    return Exit.OK


def cmd_demo(args: argparse.Namespace) -> Exit:
    result, reports = demo.run_demo(Path(args.out))
    print(f"{len(result.checks)} demo entries checked on the simulated web (127.0.0.1).")
    for name in ("index.html", "staleness.md", "staleness.json", "junit.xml"):
        print(f"  {reports / name}")
    return Exit.OK if result.network is Network.AVAILABLE else Exit.NETWORK_UNAVAILABLE


def cmd_history(args: argparse.Namespace) -> Exit:
    config = _config(args)
    store = open_store(config["db"], write=args.history_command != "export")
    try:
        if args.history_command == "export":
            runs, checks = journal.export(store, Path(config["history.journal"]))
            print(f"{runs} runs ({checks} checks) appended to {config['history.journal']}/")
        elif args.history_command == "import":
            runs, checks = journal.import_(store, Path(config["history.journal"]))
            print(f"{runs} runs ({checks} checks) added to {config['db']}")
            folded = store.fold(_fold_before(config))
            if folded:
                store.compact()
                print(f"{folded} checks older than {config['history.fold_after_days']} days folded")
        else:
            folded = store.fold(_fold_before(config))
            if folded:
                store.compact()
            print(f"{folded} checks folded into per-entry summaries")
    finally:
        store.close()
    return Exit.OK


def _fold_before(config: Config) -> str | None:
    days = config["history.fold_after_days"]
    return fold_cutoff(days) if days else None


COMMANDS = {
    "crawl": cmd_crawl,
    "check": cmd_check,
    "report": cmd_report,
    "validate": cmd_validate,
    "fix": cmd_fix,
    "config": cmd_config,
    "history": cmd_history,
    "demo": cmd_demo,
}
