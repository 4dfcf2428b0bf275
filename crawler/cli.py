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
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from crawler import __version__, changes, decisions, fix, rdap_refresh
from crawler.demo import command as demo
from crawler.directory import Directory, DirectoryError, load_directory
from crawler.errors import CrawlerError, StoreError, UsageError
from crawler.gate import judgement as gate
from crawler.gate import output as gate_output
from crawler.net.resolver import parse_resolve
from crawler.options import CrawlOptions, check_origin
from crawler.pipelines import policy_from
from crawler.policy import config as policy
from crawler.policy import schedule
from crawler.policy.config import BY_NAME, Config, ConfigError
from crawler.registrations import DEFAULT_BOOTSTRAP
from crawler.reports import write_reports
from crawler.reports.location import repository_path
from crawler.run import CrawlFailed, CrawlResult, crawl, report, settings_for
from crawler.store import fold_cutoff, is_postgres, journal, open_store
from crawler.verdict import rdap
from crawler.verdict.outcome import Network, Status

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
  crawler crawl --due --max 5000
  crawler config
  crawler check --only england-wales --fail-on dead,parked
  crawler check --changed-since origin/main
  crawler check --format sarif > results.sarif
  crawler report
  crawler fix --dry-run
  crawler demo
  crawler rdap-bootstrap --refresh"""


# Options default to None (not given): the value then comes from crawler.toml or the
# defaults (crawler.policy.config.KEYS), whose defaults the help texts show.


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


def _add_store(parser: argparse.ArgumentParser, for_gate: bool = False) -> None:
    parser.add_argument(
        "--db", metavar="PATH",
        help=f"the history store: an SQLite file, or a postgresql:// URL ({_default('db')})",
    )
    parser.add_argument(
        "--reports", metavar="DIR",
        help="also write the reports into DIR (by default the gate writes none: crawler.toml's "
        "check.reports = true writes them where `reports` says)" if for_gate
        else f"where reports are written ({_default('reports')}/)",
    )


def _add_crawling(parser: argparse.ArgumentParser, for_gate: bool = False) -> None:
    _add_directory(parser)
    _add_store(parser, for_gate)
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
        "--jobs", type=int, metavar="N",
        help="crawl processes on this machine (default: one per core, fewer for small crawls; "
        "1: one process)",
    )
    parser.add_argument(
        "--no-freshness", dest="freshness", action="store_false", default=None,
        help="skip the sitemap and feed requests that date each site's content",
    )
    parser.add_argument(
        "--no-rdap", dest="rdap", action="store_false", default=None,
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
    _add_crawling(p, for_gate=True)
    p.add_argument("--only", nargs="+", default=[], metavar="ID", help="check only these entry ids")
    p.add_argument(
        "--changed-since", metavar="GIT_REF",
        help="check only entries added or changed in the directory file since this git ref",
    )
    _add_fail_on(p)
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


def _options(
    args: argparse.Namespace, config: Config, only: Sequence[str] = (), reports: str | None = ""
) -> CrawlOptions:
    """The crawl's options from the effective policy; `reports` "" means the policy's folder
    (None: write no reports)."""
    redis = getattr(args, "redis", None)
    jobs = config["crawl.jobs"]
    if jobs not in (None, 1) and redis:
        if config.source("crawl.jobs").startswith("command line"):
            raise UsageError("--jobs shares a crawl on one machine; with --redis, start more workers instead")
        jobs = None  # crawler.toml's jobs is for crawls on one machine; a shared crawl has workers
    if config["requests.rdap"] and config["requests.rdap_bootstrap"]:
        _bootstrap(config["requests.rdap_bootstrap"])  # a bad file is a usage error before anything starts
    quiet, verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
    return CrawlOptions(
        directory=config["directory"], db=config["db"], reports=config["reports"] if reports == "" else reports,
        timeout=config["crawl.timeout"], concurrency=config["crawl.concurrency"],
        resolve=tuple(config["crawl.resolve"]), allow_private=config["crawl.allow_private"],
        canary=config["crawl.canary"], only=tuple(only), freshness=config["requests.freshness"],
        rdap=config["requests.rdap"], rdap_bootstrap=config["requests.rdap_bootstrap"],
        progress=not quiet,
        log_level="INFO" if verbose else "WARNING" if not quiet else "ERROR",
        redis=redis, worker=getattr(args, "worker", False), jobs=jobs,
        origin=check_origin(getattr(args, "origin", None)), lease=getattr(args, "lease", None),
        resume=getattr(args, "resume", False),
        extra=config.settings(),
    )


def cmd_validate(args: argparse.Namespace) -> Exit:
    directory = _directory(_config(args))
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
    for flag, given in (("--origin", options.origin), ("--lease", options.lease), ("--resume", options.resume)):
        if given and not options.redis:
            raise UsageError(f"{flag} is for a shared crawl: give its --redis URL")
    if options.resume and options.worker:
        raise UsageError("--resume is for the coordinator: workers join whatever run is going")
    if options.lease is not None and options.lease <= 0:
        raise UsageError("--lease must be positive")
    if options.worker:  # a worker reads no directory file: the coordinator chose the entries
        return _finish(crawl(options, None), args, options.reports)
    # Every problem of the directory file at once, before any request.
    directory = _directory(config)
    # The entries to check are chosen here, once, before a crawl shares them out (--jobs,
    # --redis): every process checks its part of this choice.
    choice = _choice(config, directory, options)
    if choice is not None:
        if not args.quiet:
            print(_choice_line(choice), file=sys.stderr)
        if not choice.ids:
            # Nothing to check now: the reports are rewritten all the same (dates move on).
            written = write_reports(report(directory, options), Path(options.reports or "reports"))
            if not args.quiet:
                print(f"0 entries checked; reports in {written[0].parent}/")
            return Exit.OK
        options = dataclasses.replace(options, only=choice.ids)
    return _finish(crawl(options, directory), args, options.reports)


def _choice(config: Config, directory: Directory, options: CrawlOptions) -> schedule.Choice | None:
    """The entries this crawl checks (crawler.policy.schedule), or None for every one of them."""
    due, limit = config["schedule.due"], config["schedule.max"]
    today = datetime.now(UTC).date()
    if not due and not limit and not any(decisions.skipped(e.decisions, today) for e in directory.entries):
        return None  # the common case: everything, without reading the history first
    plan = schedule.Schedule(
        config["schedule.alive_days"], config["schedule.failing_days"], config["schedule.spread"], limit
    )
    store = open_store(options.db, write=False)  # before the first crawl: an empty history
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


def _require_store(db: str) -> None:
    """Only `crawl` creates a history store: elsewhere a missing one is a mistyped --db,
    which must not pass for an empty history (empty reports, a gate without grace)."""
    if not is_postgres(db) and not Path(db).exists():
        raise StoreError(f"{db}: no history store there (`crawler crawl` creates one; check --db)")


def cmd_check(args: argparse.Namespace) -> Exit:
    config = _config(args)
    fail_on = policy.statuses_of(config)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    directory = _directory(config)
    _require_store(config["db"])
    chosen = list(args.only)
    unknown = [i for i in chosen if i not in {e.id for e in directory.entries}]
    if unknown:
        raise UsageError(f"--only: no entry with id {', '.join(unknown)} in {directory.path}")
    touched = None
    if args.changed_since:
        touched = changes.changes_since(directory, args.changed_since)
        chosen = sorted(set(chosen) | touched.all) if chosen else sorted(touched.all)
        if not chosen:
            _say(fmt, f"no entries added or changed since {args.changed_since}")
            if fmt in ("json", "sarif"):
                sys.stdout.write(gate_output.render(fmt, _gate_run(args, directory.path, 0, fail_on), []))
            return Exit.OK
    today = datetime.now(UTC).date()
    skipped = {e.id for e in directory.entries if decisions.skipped(e.decisions, today)}
    if skipped:
        chosen = [i for i in (chosen or [e.id for e in directory.entries]) if i not in skipped]
        if not chosen:
            _say(fmt, f"nothing to check: every chosen entry is skipped by a decision ({len(skipped)})")
            if fmt in ("json", "sarif"):
                sys.stdout.write(gate_output.render(fmt, _gate_run(args, directory.path, 0, fail_on), []))
            return Exit.OK
    # The gate writes no reports unless asked: --reports DIR, or crawler.toml's check.reports.
    writes = args.reports is not None or config["check.reports"]
    options = _options(args, config, only=chosen, reports="" if writes else None)
    result = crawl(options, directory)
    if result.network is not Network.AVAILABLE:
        return _finish(result, args, options.reports)
    # The model, not the raw checks: it knows the history (failing since, the grace rules)
    # and the maintainers' decisions (a status one accepts is no problem).
    wanted = {c.entry_id for c in result.checks}
    checked = dataclasses.replace(directory, entries=tuple(e for e in directory.entries if e.id in wanted))
    entries = report(checked, options).entries
    problems = gate.judge(entries, fail_on, touched)
    sys.stdout.write(gate_output.render(fmt, _gate_run(args, directory.path, len(wanted), fail_on), problems))
    failing = sum(p.fails for p in problems)
    if not args.quiet:
        ignored = len(problems) - failing
        accepted = sum(1 for e in entries if e.accepted and e.status in fail_on)
        summary = f"{len(wanted)} checked, {failing} failing on {','.join(sorted(fail_on))}"
        summary += f", {ignored} ignored (not this change's doing)" if ignored else ""
        summary += f", {accepted} accepted by decisions" if accepted else ""
        _say(fmt, summary)
    return Exit.PROBLEMS if failing else Exit.OK


def _gate_run(args: argparse.Namespace, path: str, checked: int, fail_on: frozenset[Status]) -> gate_output.GateRun:
    return gate_output.GateRun(path, repository_path(path), checked, fail_on, args.changed_since)


def _say(fmt: str, line: str) -> None:
    """A line for people: on standard output, unless that carries a JSON document."""
    print(line, file=sys.stderr if fmt in ("json", "sarif") else sys.stdout)


def _finish(result: CrawlResult, args: argparse.Namespace, reports: str | None) -> Exit:
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
    if reports:
        print(f"{len(result.checks)} entries checked; reports in {reports}/")
    else:
        print(f"{len(result.checks)} entries checked")
    if result.by_this_process is not None:
        print(f"{result.by_this_process} checks made here (shared run {result.run_id})")
    return Exit.OK


def cmd_report(args: argparse.Namespace) -> Exit:
    config = _config(args)
    directory = _directory(config)
    options = _options(args, config)
    _require_store(options.db)
    written = write_reports(report(directory, options), Path(options.reports or "reports"))
    for path in written:
        print(path)
    return Exit.OK


def cmd_fix(args: argparse.Namespace) -> Exit:
    config = _config(args)
    directory = _directory(config)
    options = _options(args, config)
    _require_store(options.db)
    model = report(directory, options)
    diff = fix.apply_redirects(directory, model, write=not args.dry_run)
    if not diff:
        print("nothing to fix: no permanently redirected entries in the last crawl")
        return Exit.OK
    sys.stdout.write(diff)
    changed = sum(1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    lines = f"{changed} line{'s' if changed != 1 else ''}"
    if args.dry_run:
        print(f"dry run: {directory.path} not written ({lines} would change)")
    else:
        # The next report compares each entry's URL with where its check ended: the fixed
        # entries are no longer "fix the URL".
        print(f"wrote {directory.path}: {lines} changed; `crawler report` no longer lists them")
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


def cmd_history(args: argparse.Namespace) -> Exit:
    config = _config(args)
    if args.history_command != "import":  # import may build a store; the others read one
        _require_store(config["db"])
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
    "rdap-bootstrap": cmd_rdap_bootstrap,
}
