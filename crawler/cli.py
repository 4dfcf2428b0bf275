"""The `crawler` command: parse, call the library, print, return an exit code.

Exit codes (the spec's): 0 nothing to fail on, 1 problems found (`check`), 2 bad input
or usage, 3 the network was unavailable for the whole run, 70 the crawler itself failed
(a bug), 74 a file or the store could not be written (`crawler.errors.WriteError`).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path

from crawler import __version__, changes, fix, gate, gate_output, rdap_refresh
from crawler.demo import command as demo
from crawler.directory import DirectoryError, load_directory
from crawler.errors import CrawlerError, StoreError, UsageError
from crawler.net.resolver import parse_resolve
from crawler.options import CrawlOptions, check_origin
from crawler.registrations import DEFAULT_BOOTSTRAP
from crawler.reports import write_reports
from crawler.reports.location import repository_path
from crawler.run import CrawlFailed, CrawlResult, crawl, report
from crawler.store import is_postgres
from crawler.verdict import rdap
from crawler.verdict.outcome import DEFAULT_FAIL_ON, Network, Status, parse_statuses

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
junit.xml, changes.atom)."""

EPILOG = """\
exit codes: 0 fine, 1 problems found (check), 2 bad input or usage (or no history
            store: only crawl creates one),
            3 the network was unavailable (nothing answered; nothing recorded as failed),
            70 the crawler itself failed (a bug: please report it with its log),
            74 a report or the history store could not be written (a full disk, say)

examples:
  crawler validate
  crawler crawl
  crawler check --only england-wales --fail-on dead,parked
  crawler check --changed-since origin/main
  crawler check --format sarif > results.sarif
  crawler report
  crawler fix --dry-run
  crawler demo
  crawler rdap-bootstrap --refresh"""


def _add_directory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--directory", default="data/organisations.yaml", metavar="PATH",
        help="the directory file (default: %(default)s)",
    )


def _add_store(parser: argparse.ArgumentParser, reports: str | None = "reports") -> None:
    parser.add_argument(
        "--db", default="data/history.sqlite3", metavar="PATH",
        help="the history store: an SQLite file, or a postgresql:// URL (default: %(default)s)",
    )
    parser.add_argument(
        "--reports", default=reports, metavar="DIR",
        help="where reports are written (default: %(default)s/)" if reports
        else "also write the reports into DIR (by default the gate writes none)",
    )


def _add_crawling(parser: argparse.ArgumentParser, reports: str | None = "reports") -> None:
    _add_directory(parser)
    _add_store(parser, reports)
    parser.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS",
        help="per request (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency", type=int, metavar="N",
        help="requests in flight across all sites (default: 512; per site it stays at 2)",
    )
    parser.add_argument(
        "--resolve", action="append", default=[], metavar="HOST:PORT:ADDRESS",
        help="send HOST's traffic on PORT to ADDRESS, as curl's option (repeatable; HOST may be *)",
    )
    parser.add_argument(
        "--allow-private", action="store_true",
        help="permit loopback and private addresses (refused by default, against SSRF)",
    )
    parser.add_argument(
        "--canary", metavar="URL",
        help="a URL that must answer; if it fails, the run counts as 'network unavailable'",
    )
    parser.add_argument(
        "--jobs", type=int, metavar="N",
        help="crawl processes on this machine (default: one per core, fewer for small crawls; "
        "1: one process)",
    )
    parser.add_argument(
        "--no-freshness", dest="freshness", action="store_false",
        help="skip the sitemap and feed requests that date each site's content",
    )
    parser.add_argument(
        "--no-rdap", dest="rdap", action="store_false",
        help="skip the registration watch (the RDAP lookups of each listed domain)",
    )
    parser.add_argument(
        "--rdap-bootstrap", metavar="FILE",
        help="IANA's RDAP bootstrap file to use (default: data/rdap-dns.json once "
        "'crawler rdap-bootstrap --refresh' wrote it, else the bundled snapshot)",
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
    p.add_argument(
        "--redis", metavar="URL",
        help="share this crawl with other processes through this Redis server "
        "(needs --db postgresql://...; see 'Past one machine' in the README)",
    )
    p.add_argument(
        "--worker", action="store_true",
        help="with --redis: help the running crawl instead of leading one (no reports here)",
    )
    p.add_argument(
        "--origin", metavar="NAME",
        help="with --redis: where this process checks from (a network, a region); a failure seen "
        "from one origin is checked again from another before it counts",
    )
    p.add_argument(
        "--lease", type=float, metavar="SECONDS",
        help="with --redis, on the coordinator: how long an entry stays with a process that "
        "stopped renewing it (a dead one) before it is handed out again (default: 30)",
    )
    p.add_argument(
        "--resume", action="store_true",
        help="with --redis, on the coordinator: finish the store's last unfinished shared run "
        "(after Redis lost its data) instead of starting a new one",
    )

    p = commands.add_parser(
        "check", help="the CI gate: check chosen entries, print problems, exit 1 if any",
        description="Check the chosen entries against an existing history store and print "
        "one line per problem, in file order, as PATH:LINE: category: URL: detail (GitHub "
        "annotations when GITHUB_ACTIONS=true). Writes no reports unless --reports is given.",
    )
    _add_crawling(p, reports=None)
    p.add_argument("--only", nargs="+", default=[], metavar="ID", help="check only these entry ids")
    p.add_argument(
        "--changed-since", metavar="GIT_REF",
        help="check only entries added or changed in the directory file since this git ref",
    )
    p.add_argument(
        "--fail-on", default=",".join(sorted(DEFAULT_FAIL_ON)), metavar="CATEGORY,...",
        help="statuses that fail the check (default: %(default)s)",
    )
    p.add_argument(
        "--format", choices=gate_output.FORMATS, metavar="FORMAT",
        help="text, github (annotations), json or sarif (SARIF 2.1.0, for GitHub code scanning); "
        "default: github when GITHUB_ACTIONS=true, else text",
    )

    p = commands.add_parser("report", help="rewrite the reports from the history store, without crawling")
    _add_directory(p)
    _add_store(p)

    p = commands.add_parser("validate", help="check the directory file only (no network)")
    _add_directory(p)

    p = commands.add_parser(
        "rdap-bootstrap", help="show the RDAP bootstrap file in use, or refresh it from IANA",
        description="Show which RDAP bootstrap file the registration watch uses (its publication "
        "date and how many top-level domains it lists); with --refresh, download IANA's current "
        "file and write it where crawls look first.",
    )
    p.add_argument("--refresh", action="store_true", help="download the current file (the only time this command uses the network)")
    p.add_argument("--url", default=rdap.IANA_URL, help="where to download it from (default: %(default)s)")
    p.add_argument(
        "--out", default=DEFAULT_BOOTSTRAP, metavar="FILE",
        help="the file to show, or to write with --refresh (default: %(default)s)",
    )

    p = commands.add_parser(
        "fix", help="rewrite permanently redirected URLs in the directory file, showing the diff",
        description="Replace each permanently redirected entry's URL by the one it redirects "
        "to, as the last crawl recorded; nothing else in the file changes.",
    )
    _add_directory(p)
    _add_store(p)
    p.add_argument("--dry-run", action="store_true", help="show the diff without writing the file")

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Expected failures (`CrawlerError`) are one message
    and their code; anything else is a bug of ours: its traceback is logged, exit 70."""
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except DirectoryError as exc:
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


def _options(args: argparse.Namespace, only: Sequence[str] = ()) -> CrawlOptions:
    for spec in args.resolve:
        parse_resolve(spec)  # a bad spec is a usage error before anything starts
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.jobs not in (None, 1) and getattr(args, "redis", None):
        raise UsageError("--jobs shares a crawl on one machine; with --redis, start more workers instead")
    if args.rdap and args.rdap_bootstrap:
        _bootstrap(args.rdap_bootstrap)  # a bad file is a usage error before anything starts
    return CrawlOptions(
        directory=args.directory, db=args.db, reports=args.reports, timeout=args.timeout,
        concurrency=args.concurrency, resolve=tuple(args.resolve), allow_private=args.allow_private,
        canary=args.canary, only=tuple(only), freshness=args.freshness,
        rdap=args.rdap, rdap_bootstrap=args.rdap_bootstrap,
        progress=not args.quiet,
        log_level="INFO" if args.verbose else "WARNING" if not args.quiet else "ERROR",
        redis=getattr(args, "redis", None), worker=getattr(args, "worker", False), jobs=args.jobs,
        origin=check_origin(getattr(args, "origin", None)), lease=getattr(args, "lease", None),
        resume=getattr(args, "resume", False),
    )


def cmd_validate(args: argparse.Namespace) -> Exit:
    directory = load_directory(args.directory)
    listed = sum(1 for e in directory.entries if e.website)
    print(f"{args.directory}: {len(directory.entries)} organisations, {listed} with a website: valid")
    return Exit.OK


def cmd_crawl(args: argparse.Namespace) -> Exit:
    options = _options(args)
    if options.worker and not options.redis:
        raise UsageError("--worker joins a shared crawl: give its --redis URL")
    for flag, given in (("--origin", options.origin), ("--lease", options.lease), ("--resume", options.resume)):
        if given and not options.redis:
            raise UsageError(f"{flag} is for a shared crawl: give its --redis URL")
    if options.resume and options.worker:
        raise UsageError("--resume is for the coordinator: workers join whatever run is going")
    if options.lease is not None and options.lease <= 0:
        raise UsageError("--lease must be positive")
    # Every problem of the directory file at once, before any request (a worker reads none).
    directory = None if options.worker else load_directory(args.directory)
    result = crawl(options, directory)
    return _finish(result, args)


def _require_store(db: str) -> None:
    """Only `crawl` creates a history store: elsewhere a missing one is a mistyped --db,
    which must not pass for an empty history (empty reports, a gate without grace)."""
    if not is_postgres(db) and not Path(db).exists():
        raise StoreError(f"{db}: no history store there (`crawler crawl` creates one; check --db)")


def cmd_check(args: argparse.Namespace) -> Exit:
    fail_on = parse_statuses(args.fail_on)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    directory = load_directory(args.directory)
    _require_store(args.db)
    chosen = list(args.only)
    unknown = [i for i in chosen if i not in {e.id for e in directory.entries}]
    if unknown:
        raise UsageError(f"--only: no entry with id {', '.join(unknown)} in {args.directory}")
    touched = None
    if args.changed_since:
        touched = changes.changes_since(directory, args.changed_since)
        chosen = sorted(set(chosen) | touched.all) if chosen else sorted(touched.all)
        if not chosen:
            _say(fmt, f"no entries added or changed since {args.changed_since}")
            if fmt in ("json", "sarif"):
                sys.stdout.write(gate_output.render(fmt, _gate_run(args, directory.path, 0, fail_on), []))
            return Exit.OK
    result = crawl(_options(args, only=chosen), directory)
    if result.network is not Network.AVAILABLE:
        return _finish(result, args)
    # The model, not the raw checks: it knows the history (failing since, the grace rules).
    wanted = {c.entry_id for c in result.checks}
    checked = dataclasses.replace(directory, entries=tuple(e for e in directory.entries if e.id in wanted))
    problems = gate.judge(report(checked, CrawlOptions(db=args.db)).entries, fail_on, touched)
    sys.stdout.write(gate_output.render(fmt, _gate_run(args, directory.path, len(wanted), fail_on), problems))
    failing = sum(p.fails for p in problems)
    if not args.quiet:
        ignored = len(problems) - failing
        summary = f"{len(wanted)} checked, {failing} failing on {','.join(sorted(fail_on))}"
        _say(fmt, summary + (f", {ignored} ignored (not this change's doing)" if ignored else ""))
    return Exit.PROBLEMS if failing else Exit.OK


def _gate_run(args: argparse.Namespace, path: str, checked: int, fail_on: frozenset[Status]) -> gate_output.GateRun:
    return gate_output.GateRun(path, repository_path(path), checked, fail_on, args.changed_since)


def _say(fmt: str, line: str) -> None:
    """A line for people: on standard output, unless that carries a JSON document."""
    print(line, file=sys.stderr if fmt in ("json", "sarif") else sys.stdout)


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
    if args.reports:
        print(f"{len(result.checks)} entries checked; reports in {args.reports}/")
    else:
        print(f"{len(result.checks)} entries checked")
    if result.by_this_process is not None:
        print(f"{result.by_this_process} checks made here (shared run {result.run_id})")
    return Exit.OK


def cmd_report(args: argparse.Namespace) -> Exit:
    directory = load_directory(args.directory)
    _require_store(args.db)
    written = write_reports(report(directory, CrawlOptions(db=args.db, reports=args.reports)), Path(args.reports))
    for path in written:
        print(path)
    return Exit.OK


def cmd_fix(args: argparse.Namespace) -> Exit:
    directory = load_directory(args.directory)
    _require_store(args.db)
    model = report(directory, CrawlOptions(db=args.db, reports=args.reports))
    diff = fix.apply_redirects(directory, model, write=not args.dry_run)
    if not diff:
        print("nothing to fix: no permanently redirected entries in the last crawl")
        return Exit.OK
    sys.stdout.write(diff)
    changed = sum(1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    lines = f"{changed} line{'s' if changed != 1 else ''}"
    if args.dry_run:
        print(f"dry run: {args.directory} not written ({lines} would change)")
    else:
        # The next report compares each entry's URL with where its check ended: the fixed
        # entries are no longer "fix the URL".
        print(f"wrote {args.directory}: {lines} changed; `crawler report` no longer lists them")
    return Exit.OK


def _bootstrap(path: str | None) -> rdap.Bootstrap:
    """The RDAP bootstrap file at `path` (the bundled snapshot for None); a bad one is bad input."""
    try:
        return rdap.Bootstrap.load(path)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_rdap_bootstrap(args: argparse.Namespace) -> Exit:
    if args.refresh:
        bootstrap = rdap_refresh.refresh(args.url, Path(args.out))
        print(f"{args.out}: {len(bootstrap.services)} top-level domains, published {bootstrap.publication or 'undated'}")
        return Exit.OK
    if not Path(args.out).exists():
        print(f"{args.out} does not exist (write it with --refresh); crawls use the bundled snapshot:")
    bootstrap = _bootstrap(args.out if Path(args.out).exists() else None)
    print(f"{bootstrap.source}: {len(bootstrap.services)} top-level domains, published {bootstrap.publication or 'undated'}")
    return Exit.OK


def cmd_demo(args: argparse.Namespace) -> Exit:
    result, reports = demo.run_demo(Path(args.out))
    print(f"{len(result.checks)} demo entries checked on the simulated web (127.0.0.1).")
    for name in ("index.html", "staleness.md", "staleness.json", "junit.xml", "changes.atom"):
        print(f"  {reports / name}")
    return Exit.OK if result.network is Network.AVAILABLE else Exit.NETWORK_UNAVAILABLE


COMMANDS = {
    "crawl": cmd_crawl,
    "check": cmd_check,
    "report": cmd_report,
    "validate": cmd_validate,
    "fix": cmd_fix,
    "demo": cmd_demo,
    "rdap-bootstrap": cmd_rdap_bootstrap,
}
