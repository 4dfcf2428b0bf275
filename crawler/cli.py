"""The `crawler` command: parse, call the library, print, return an exit code.

Exit codes (the spec's): 0 nothing to fail on, 1 problems found (`check`), 2 bad input
or usage, 3 the network was unavailable for the whole run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path

from crawler import changes, fix, rdap_refresh
from crawler.demo import command as demo
from crawler.directory import Directory, DirectoryError, load_directory
from crawler.errors import StoreError
from crawler.net.resolver import parse_resolve
from crawler.options import CrawlOptions
from crawler.registrations import DEFAULT_BOOTSTRAP
from crawler.reports import write_reports
from crawler.run import CrawlFailed, CrawlResult, crawl, report
from crawler.store.rows import CheckRow
from crawler.text import clean_text
from crawler.verdict import rdap
from crawler.verdict.outcome import DEFAULT_FAIL_ON, parse_statuses


class Exit(IntEnum):
    OK = 0
    PROBLEMS = 1
    BAD_INPUT = 2
    NETWORK_UNAVAILABLE = 3
    CRASHED = 70  # sysexits' EX_SOFTWARE: the crawler itself failed (a bug)


DESCRIPTION = """\
Check the websites listed in a directory of organisations: which still answer, which
moved, died or were parked, and when each was last verified. Results are kept in a
history store and written as reports (staleness.md, staleness.json, index.html,
junit.xml)."""

EPILOG = """\
exit codes: 0 fine, 1 problems found (check), 2 bad input or usage,
            3 the network was unavailable (nothing answered; nothing recorded as failed),
            70 the crawler itself failed (a bug: please report it with its log)

examples:
  crawler validate
  crawler crawl
  crawler check --only england-wales --fail-on dead,parked
  crawler check --changed-since origin/main
  crawler report
  crawler fix --dry-run
  crawler demo
  crawler rdap-bootstrap --refresh"""


def _add_directory(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--directory", default="data/organisations.yaml", metavar="PATH",
        help="the directory file (default: %(default)s)",
    )


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default="data/history.sqlite3", metavar="PATH",
        help="the history store: an SQLite file, or a postgresql:// URL (default: %(default)s)",
    )
    parser.add_argument(
        "--reports", default="reports", metavar="DIR",
        help="where reports are written (default: %(default)s/)",
    )


def _add_crawling(parser: argparse.ArgumentParser) -> None:
    _add_directory(parser)
    _add_store(parser)
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
    p.add_argument(
        "--fail-on", default=",".join(sorted(DEFAULT_FAIL_ON)), metavar="CATEGORY,...",
        help="statuses that fail the check (default: %(default)s)",
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
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except DirectoryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return Exit.BAD_INPUT
    except (StoreError, ValueError) as exc:
        print(f"crawler: {exc}", file=sys.stderr)
        return Exit.BAD_INPUT
    except CrawlFailed as exc:
        print(f"crawler: {exc}", file=sys.stderr)
        return Exit.CRASHED
    except KeyboardInterrupt:
        return 130


def _options(args: argparse.Namespace, only: Sequence[str] = ()) -> CrawlOptions:
    for spec in args.resolve:
        parse_resolve(spec)  # a bad spec is a usage error before anything starts
    if args.timeout <= 0:
        raise ValueError("--timeout must be positive")
    if args.concurrency is not None and args.concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    if args.rdap and args.rdap_bootstrap:
        rdap.Bootstrap.load(args.rdap_bootstrap)  # a bad file is a usage error before anything starts
    return CrawlOptions(
        directory=args.directory, db=args.db, reports=args.reports, timeout=args.timeout,
        concurrency=args.concurrency, resolve=tuple(args.resolve), allow_private=args.allow_private,
        canary=args.canary, only=tuple(only), freshness=args.freshness,
        rdap=args.rdap, rdap_bootstrap=args.rdap_bootstrap,
        progress=not args.quiet,
        log_level="INFO" if args.verbose else "WARNING" if not args.quiet else "ERROR",
        redis=getattr(args, "redis", None), worker=getattr(args, "worker", False),
    )


def cmd_validate(args: argparse.Namespace) -> Exit:
    directory = load_directory(args.directory)
    listed = sum(1 for e in directory.entries if e.website)
    print(f"{args.directory}: {len(directory.entries)} organisations, {listed} with a website: valid")
    return Exit.OK


def cmd_crawl(args: argparse.Namespace) -> Exit:
    options = _options(args)
    if options.worker and not options.redis:
        raise ValueError("--worker joins a shared crawl: give its --redis URL")
    if not options.worker:
        load_directory(args.directory)  # every problem at once, before any request
    result = crawl(options)
    return _finish(result, args)


def cmd_check(args: argparse.Namespace) -> Exit:
    fail_on = parse_statuses(args.fail_on)
    directory = load_directory(args.directory)
    chosen = list(args.only)
    unknown = [i for i in chosen if i not in {e.id for e in directory.entries}]
    if unknown:
        raise ValueError(f"--only: no entry with id {', '.join(unknown)} in {args.directory}")
    if args.changed_since:
        changed = changes.changed_entries(directory, args.changed_since)
        chosen = sorted(set(chosen) | changed) if chosen else sorted(changed)
        if not chosen:
            print(f"no entries added or changed since {args.changed_since}")
            return Exit.OK
    result = crawl(_options(args, only=chosen))
    if result.network != "available":
        return _finish(result, args)
    problems = [c for c in result.checks if c.status in fail_on]
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for check in problems:
        print(_problem_line(directory, check, annotate))
    if not args.quiet:
        print(f"{len(result.checks)} checked, {len(problems)} failing on {','.join(sorted(fail_on))}")
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
    if result.network != "available":
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
    directory = load_directory(args.directory)
    written = write_reports(report(directory, CrawlOptions(db=args.db, reports=args.reports)), Path(args.reports))
    for path in written:
        print(path)
    return Exit.OK


def cmd_fix(args: argparse.Namespace) -> Exit:
    directory = load_directory(args.directory)
    model = report(directory, CrawlOptions(db=args.db, reports=args.reports))
    diff = fix.apply_redirects(directory, model, write=not args.dry_run)
    if not diff:
        print("nothing to fix: no permanently redirected entries in the last crawl")
        return Exit.OK
    sys.stdout.write(diff)
    return Exit.OK


def cmd_rdap_bootstrap(args: argparse.Namespace) -> Exit:
    if args.refresh:
        bootstrap = rdap_refresh.refresh(args.url, Path(args.out))
        print(f"{args.out}: {len(bootstrap.services)} top-level domains, published {bootstrap.publication or 'undated'}")
        return Exit.OK
    if not Path(args.out).exists():
        print(f"{args.out} does not exist (write it with --refresh); crawls use the bundled snapshot:")
    bootstrap = rdap.Bootstrap.load(args.out if Path(args.out).exists() else None)
    print(f"{bootstrap.source}: {len(bootstrap.services)} top-level domains, published {bootstrap.publication or 'undated'}")
    return Exit.OK


def cmd_demo(args: argparse.Namespace) -> Exit:
    result, reports = demo.run_demo(Path(args.out))
    print(f"{len(result.checks)} demo entries checked on the simulated web (127.0.0.1).")
    for name in ("index.html", "staleness.md", "staleness.json", "junit.xml"):
        print(f"  {reports / name}")
    return Exit.OK if result.network == "available" else Exit.NETWORK_UNAVAILABLE


COMMANDS = {
    "crawl": cmd_crawl,
    "check": cmd_check,
    "report": cmd_report,
    "validate": cmd_validate,
    "fix": cmd_fix,
    "demo": cmd_demo,
    "rdap-bootstrap": cmd_rdap_bootstrap,
}
