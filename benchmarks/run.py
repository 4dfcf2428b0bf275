"""Benchmark our crawler against lychee on a simulated web of N hosts, and print a table.

``python -m benchmarks.run [--sizes 1000,10000] [--tools ours,lychee]`` from the checkout's
root, with the project's venv. For each N it starts `benchmarks.web` afresh for each tool,
writes the directory (our YAML) and the same URLs for lychee, runs the tool as a child
process and reports its wall time, CPU time (user + sys, from ``os.wait4``), peak RSS and
how many verdicts agree with what the web was told to do. The scheduling limit is the best
wall time any client could reach with the same timeout and concurrency
(`benchmarks.schedule`). Results also go to ``benchmarks/results/`` (not committed).

Settings are the same for both tools: timeout 10 s, no retries, 128 requests in flight,
redirects followed, each tool's own per-host politeness. Nothing here ever fails: a tool
that is missing or crashes gets a row saying so.

``--rounds R`` runs the tools R times each, alternating (ours, lychee, ours, ...), and adds
a row with each round's ours / lychee CPU ratio and their median: this VM's speed drifts by
10-15 % between runs, so a single pair says little about a ratio near a target.

``--defaults`` instead runs ours as a user would: ``python -m crawler crawl --directory ...
--db ... --reports ... --timeout T --allow-private`` (or ``--resolve '*:PORT:127.0.0.1' ...``
with ``--names resolve``) and nothing else, so
the crawler's own defaults apply (CONCURRENT_REQUESTS 512, 2 per host, one retry for
transient failures other than timeouts, freshness requests on). Its scheduling limit counts
the retry of a 5xx and the /sitemap.xml request of a page that does not date itself
(`Host.busy_seconds`) on the default number of slots. lychee runs beside it at 1,024 in
flight (``--lychee-concurrency``), its best here and the issue's anchor, measured against
its own limit (one request per site on its slots); ``--tools ours`` leaves it out.

How each tool finds the hosts without real DNS (everything goes to 127.0.0.1): through the
system resolver, as a real crawl does (``--names system``, the default). Each tool runs in a
private mount namespace (``unshare --mount``, needs root) in which /etc/hosts lists the N
names, /etc/nsswitch.conf says ``hosts: files`` (no DNS query is ever sent) and
/etc/resolv.conf names only 127.0.0.1. The machine's own files are never touched. Ours then
resolves every name with getaddrinfo in the reactor's thread pool (REACTOR_THREADPOOL_MAXSIZE)
through `crawler.net.resolver.GuardedResolver` and its cache, and needs ``--allow-private``
(``CRAWLER_ALLOW_PRIVATE``) for the loopback answers, which the address guard otherwise
refuses. glibc reads /etc/hosts afresh on every lookup, so with N names each lookup costs
O(N); the table's notes give that cost for both tools, measured in the same namespace.
``--names resolve`` is the first benchmarks' way for ours: ``CRAWLER_RESOLVE`` (the
``--resolve`` option) with a wildcard per listening port, no system lookup at all (lychee
has no such option and always uses the namespace).

``--pages markup`` (the default) serves realistic tag-dense home pages (`benchmarks.markup`);
``--pages filler`` the first benchmarks' plain-word pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks import gen_directory, schedule, verdicts
from benchmarks.threads import ThreadSampler
from benchmarks.web import PAGES, Host, plan

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TIMEOUT = 10.0
CONCURRENCY = 128
# lychee's requests in flight beside ours with --defaults: the anchor, lychee at its best here.
ANCHOR_CONCURRENCY = 1024


def crawler_defaults() -> tuple[int, int]:
    """(CONCURRENT_REQUESTS, retries) of the crawler's settings module, for --defaults."""
    from crawler import settings

    retries = settings.RETRY_TIMES if settings.RETRY_ENABLED else 0
    return settings.CONCURRENT_REQUESTS, retries


@dataclass
class Usage:
    wall: float
    cpu: float  # user + sys seconds of the child and the children it waited for
    rss_mb: float  # peak resident set size
    exit_code: int
    machine_cpu: float = 0.0  # CPU seconds the whole machine spent meanwhile (all processes)
    user: float = 0.0  # of `cpu`, in user mode
    system: float = 0.0  # of `cpu`, in the kernel (system calls: connect, send, recv, epoll...)
    threads: dict[str, tuple[float, float]] = field(default_factory=dict)  # ThreadSampler.by_role

    def split(self) -> str:
        """User and kernel time, and the CPU of the main threads and the other threads."""
        words = [f"user {self.user:.1f} s + sys {self.system:.1f} s"]
        for role, (user, system) in sorted(self.threads.items(), key=lambda kv: -sum(kv[1])):
            if user + system >= 0.05:
                words.append(f"{role} {user + system:.1f} s ({user:.1f} + {system:.1f})")
        return ", ".join(words)


def machine_busy_seconds() -> float:
    """CPU seconds all processes have used since boot (Linux /proc/stat; 0 elsewhere).

    The difference across a run, less the tool's and the web's own CPU, is what other
    processes took meanwhile: a better sign of a busy machine than the load average, which
    after a run still counts that run for a minute or more.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    n: int
    tool: str
    wall: float | None = None
    cpu: float | None = None
    rss_mb: float | None = None
    agree: int = 0
    total: int = 0
    mismatches: str = ""
    notes: list[str] = field(default_factory=list)


def measure(cmd: Sequence[str], log: Path, cwd: Path = REPO, env: dict[str, str] | None = None) -> Usage:
    """Run `cmd` to completion; its stdout and stderr go to `log`."""
    with open(log, "wb") as out:
        busy = machine_busy_seconds()
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        sampler = ThreadSampler(proc.pid)
        # Wait without reaping, so the sampler can read the threads until the very end.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        sampler.stop()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        busy = machine_busy_seconds() - busy
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Usage(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, busy,
        usage.ru_utime, usage.ru_stime, sampler.by_role(),
    )


def others_note(used: Usage, served: Web) -> str:
    """What other processes on the machine took during the run, in CPU seconds."""
    others = max(0.0, used.machine_cpu - used.cpu - served.cpu)
    return f"others' CPU meanwhile ~{others:.1f} s"


@dataclass
class Web:
    ports: list[int]
    closed_port: int
    seed: int = 1
    pages: str = "markup"
    counters: dict[str, int] = field(default_factory=dict)
    cpu: float = 0.0


@contextmanager
def web(n: int, seed: int, ports: int, pages: str = "markup") -> Iterator[Web]:
    """The simulated web for one tool's run; on exit it is stopped and its CPU time read."""
    cmd = [
        sys.executable, "-m", "benchmarks.web", "--hosts", str(n), "--seed", str(seed), "--ports", str(ports),
        "--pages", pages,
    ]
    proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        first = json.loads(proc.stdout.readline())
        served = Web(first["ports"], first["closed_port"], seed, pages)
        yield served
    finally:
        proc.stdin.close()  # the server stops when its stdin closes
        rest = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    lines = rest.decode().strip().splitlines()
    served.counters = json.loads(lines[-1]) if lines else {}
    served.cpu = usage.ru_utime + usage.ru_stime


def publish(lines: list[str], out: Path) -> None:
    """Print a benchmark's table and keep it as `results.md` and `results.json` in `out`."""
    table = "\n".join(lines)
    print(table)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(table + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps({"lines": lines}, indent=1), encoding="utf-8")


def write_inputs(hosts: list[Host], served: Web, work: Path) -> tuple[Path, Path]:
    directory, urls = work / "directory.yaml", work / "urls.txt"
    gen_directory.write(hosts, served.ports, served.closed_port, directory, urls, seed=served.seed, pages=served.pages)
    return directory, urls


def ours_command(
    served: Web, directory: Path, work: Path, timeout: float, concurrency: int, names: str = "system"
) -> list[str]:
    """`scrapy crawl websites` in the checkout: our spider, pipeline and settings, with retries off.

    The CLI has no flag for retries; `scrapy crawl` reads the same settings module. With
    `names` "system" the command must run `in_namespace` (the names are in its /etc/hosts).
    """
    if names == "resolve":
        resolve = ",".join(f"*:{port}:127.0.0.1" for port in [*served.ports, served.closed_port])
        reach = {"CRAWLER_RESOLVE": resolve}
    else:
        reach = {"CRAWLER_ALLOW_PRIVATE": "True"}  # the system answers 127.0.0.1
    settings = {
        "LOG_LEVEL": "WARNING",  # what `crawler crawl` uses without -v
        "RETRY_ENABLED": "False",
        "CONCURRENT_REQUESTS": str(concurrency),
        "DOWNLOAD_TIMEOUT": str(timeout),
        "DNS_TIMEOUT": str(timeout),
        **reach,
        "CRAWLER_FRESHNESS_ENABLED": "False",  # one request per site, as lychee makes
        "CRAWLER_RDAP_ENABLED": "False",  # no registry lookups either (older code ignores it)
        "CRAWLER_DIRECTORY": str(directory),
        "CRAWLER_DB": str(work / "history.sqlite3"),
        "CRAWLER_REPORTS": str(work / "reports"),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "websites"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def defaults_command(served: Web, directory: Path, work: Path, timeout: float, names: str = "system") -> list[str]:
    """`crawler crawl` with its defaults, only the timeout, where things are and how names are
    reached given (`--allow-private` for the system's loopback answers, or `--resolve`)."""
    cmd = [
        sys.executable, "-m", "crawler", "crawl", "--directory", str(directory),
        "--db", str(work / "history.sqlite3"), "--reports", str(work / "reports"), "--timeout", f"{timeout:g}",
    ]
    if names == "resolve":
        for port in [*served.ports, served.closed_port]:
            cmd += ["--resolve", f"*:{port}:127.0.0.1"]
    else:
        cmd += ["--allow-private"]
    return cmd


def can_use_namespace() -> bool:
    """Whether `in_namespace` can work here: root and unshare."""
    return shutil.which("unshare") is not None and os.geteuid() == 0


def run_before(n: int, seed: int, args: argparse.Namespace, work: Path) -> Row:
    """Ours as the code stands in the checkout `--before` names (a same-run pair of two versions)."""
    return run_ours(n, seed, args, work, checkout=args.before)


def run_ours(n: int, seed: int, args: argparse.Namespace, work: Path, checkout: Path | None = None) -> Row:
    checkout = checkout or args.checkout
    label = "ours, defaults (`crawler crawl`)" if args.defaults else "ours (Scrapy)"
    if checkout != REPO:
        label += f" at {_revision(checkout)}"
    row = Row(n, label)
    if args.names == "system" and not can_use_namespace():
        row.notes.append("skipped: --names system needs root and unshare (or use --names resolve)")
        return row
    hosts = plan(n, seed, args.pages)
    files = namespace_files(hosts, work) if args.names == "system" else []
    with web(n, seed, args.ports, args.pages) as served:
        directory, _ = write_inputs(hosts, served, work)
        for stale in (work / "history.sqlite3", work / "history.sqlite3.lock"):
            stale.unlink(missing_ok=True)
        if args.defaults:
            cmd = defaults_command(served, directory, work, args.timeout, args.names)
        else:
            cmd = ours_command(served, directory, work, args.timeout, args.concurrency, args.names)
        if files:
            cmd = in_namespace(files, cmd)
        used = measure(cmd, work / "ours.log", cwd=checkout)
    row.wall, row.cpu, row.rss_mb = used.wall, used.cpu, used.rss_mb
    report = work / "reports" / "staleness.json"
    if used.exit_code != 0 or not report.exists():
        row.notes.append(f"exit {used.exit_code}, see {work.name}/ours.log")
        return row
    result = verdicts.agreement({gen_directory.entry_id(h): h.truth for h in hosts}, verdicts.ours(report))
    row.agree, row.total, row.mismatches = result.agree, result.total, result.worst()
    run = json.loads(report.read_text(encoding="utf-8"))["run"]
    crawl = _seconds_between(run["started_at"], run["finished_at"])
    if crawl is not None:
        row.notes.append(f"crawl phase {crawl:.0f} s (rest: start-up, reports)")
    if files:
        row.notes.extend(artefact_note(files, work, n))
    row.notes.append(used.split())
    row.notes.append(f"web CPU {served.cpu:.1f} s")
    row.notes.append(others_note(used, served))
    requests = {k.removeprefix("requests/"): v for k, v in served.counters.items() if k.startswith("requests/")}
    row.notes.append(f"{sum(requests.values()):,} requests reached the web ({_by_kind(requests)})")
    return row


def _by_kind(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def _revision(checkout: Path) -> str:
    """The checkout's commit, short, for the table."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(checkout)


def _seconds_between(start: str | None, end: str | None) -> float | None:
    """Seconds between two of the store's timestamps (whole seconds, ISO-8601 UTC)."""
    if not start or not end:
        return None
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return (datetime.strptime(end, stamp) - datetime.strptime(start, stamp)).total_seconds()


# --- lychee ----------------------------------------------------------------------------

_IN_NAMESPACE = (
    'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf && '
    'mount --bind "$3" /etc/resolv.conf && shift 3 && exec "$@"'
)


def namespace_files(hosts: list[Host], work: Path) -> list[str]:
    """A private /etc/hosts with every name that should resolve, and files-only lookups."""
    hosts_file = work / "hosts"
    names = [h.name for h in hosts if not h.name.endswith(".invalid")]
    hosts_file.write_text("127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {name}\n" for name in names))
    (work / "nsswitch.conf").write_text("hosts: files\n")
    (work / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return [str(hosts_file), str(work / "nsswitch.conf"), str(work / "resolv.conf")]


def in_namespace(files: list[str], cmd: Sequence[str]) -> list[str]:
    return ["unshare", "--mount", "sh", "-c", _IN_NAMESPACE, "sh", *files, *cmd]


_LOOKUP_COST = """
import resource, socket, sys
names = open(sys.argv[1]).read().split()[3::2]  # skip "127.0.0.1 localhost"
sample = names[:: max(1, len(names) // 300)]
before = resource.getrusage(resource.RUSAGE_SELF)
for name in sample:
    socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
after = resource.getrusage(resource.RUSAGE_SELF)
spent = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
print(spent / len(sample) * len(names))
"""


def hosts_lookup_cpu(files: list[str], work: Path) -> float | None:
    """CPU seconds that N getaddrinfo calls cost with this /etc/hosts (from a sample)."""
    cmd = in_namespace(files, [sys.executable, "-c", _LOOKUP_COST, files[0]])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    try:
        return float(done.stdout.strip())
    except ValueError:
        (work / "lookup-cost.log").write_text(done.stdout + done.stderr)
        return None


_LOOKUP_CPU: dict[int, float | None] = {}  # N -> hosts_lookup_cpu, measured once per run


def artefact_note(files: list[str], work: Path, n: int) -> list[str]:
    """The notes' words for the hosts-file artefact: one lookup per name that resolves (both
    tools cache or reuse what they resolved), each scanning the N-line file."""
    if n not in _LOOKUP_CPU:
        _LOOKUP_CPU[n] = hosts_lookup_cpu(files, work)
    spent = _LOOKUP_CPU[n]
    return [] if spent is None else [f"of its CPU, ~{spent:.1f} s is glibc scanning the {n}-line /etc/hosts"]


def find_lychee(explicit: str | None) -> str | None:
    for candidate in (explicit, str(HERE / ".venv-tools" / "bin" / "lychee"), shutil.which("lychee")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def run_lychee(n: int, seed: int, args: argparse.Namespace, work: Path) -> Row:
    row = Row(n, "lychee")
    binary = find_lychee(args.lychee)
    if binary is None or not can_use_namespace():
        row.notes.append("skipped: needs the lychee binary, root and unshare")
        return row
    row.tool = f"lychee {_version([binary, '--version'])}"
    hosts = plan(n, seed, args.pages)
    files = namespace_files(hosts, work)
    output = work / "lychee.json"
    output.unlink(missing_ok=True)
    with web(n, seed, args.ports, args.pages) as served:
        _, urls = write_inputs(hosts, served, work)
        cmd = [
            binary, "-v", "--no-progress", "--mode", "plain", "--format", "json", "--output", str(output),
            "--timeout", f"{args.timeout:g}", "--max-retries", "0", "--max-concurrency", str(args.lychee_concurrency),
            str(urls),
        ]
        used = measure(in_namespace(files, cmd), work / "lychee.log")
    row.wall, row.cpu, row.rss_mb = used.wall, used.cpu, used.rss_mb
    if not output.exists():
        row.notes.append(f"exit {used.exit_code}, no output; see {work.name}/lychee.log")
        return row
    url_to_id = {h.url(served.ports, served.closed_port): gen_directory.entry_id(h) for h in hosts}
    result = verdicts.agreement({gen_directory.entry_id(h): h.truth for h in hosts}, verdicts.lychee(output, url_to_id))
    row.agree, row.total, row.mismatches = result.agree, result.total, result.worst()
    row.notes.extend(artefact_note(files, work, n))
    row.notes.append(used.split())
    row.notes.append(f"web CPU {served.cpu:.1f} s")
    row.notes.append(others_note(used, served))
    return row


# --- the table -------------------------------------------------------------------------

def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.split()[-1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def machine() -> dict[str, str]:
    import scrapy
    import twisted

    return {
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "twisted": twisted.__version__,
        "kernel": platform.release(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def busy_times(
    n: int, seed: int, timeout: float, retries: int = 0, freshness: bool = False, pages: str = "markup"
) -> list[float]:
    return [h.busy_seconds(timeout, retries, freshness) for h in plan(n, seed, pages)]


def limit_row(busy: list[float], n: int, concurrency: int, timeout: float | None = None) -> str:
    """The limit's row; with `timeout`, the --defaults table (a wall / timeout column)."""
    greedy = schedule.greedy_makespan(busy, concurrency)
    notes = f"floor {schedule.floor(busy, concurrency):.1f} s; slowest site {max(busy, default=0):.1f} s; {concurrency} slots"
    per_timeout = f" {greedy / timeout:.2f} |" if timeout else ""
    return f"| {n:,} | scheduling limit | {greedy:.1f} |{per_timeout} 1.00 | - | - | - | {notes} |"


def table_line(row: Row, limit: float, timeout: float | None = None, slowest: float | None = None) -> str:
    per_timeout = " - |" if timeout else ""
    if row.wall is None:
        return f"| {row.n:,} | {row.tool} | - |{per_timeout} - | - | - | - | {'; '.join(row.notes)} |"
    agree = f"{row.agree:,}/{row.total:,} ({100 * row.agree / row.total:.1f} %)" if row.total else "-"
    extra = [f"slowest site + {row.wall - slowest:.1f} s"] if slowest is not None else []
    notes = "; ".join(extra + row.notes + ([f"wrong: {row.mismatches}"] if row.mismatches else []))
    if timeout:
        per_timeout = f" {row.wall / timeout:.2f} |"
    return (
        f"| {row.n:,} | {row.tool} | {row.wall:.1f} |{per_timeout} {row.wall / limit:.2f} | {row.cpu:.1f} | "
        f"{row.rss_mb:.0f} | {agree} | {notes} |"
    )


HEADER = (
    "| N | tool | wall s | wall / limit | CPU s (user+sys) | peak RSS MB | verdicts agreeing | notes |\n"
    "| ---: | --- | ---: | ---: | ---: | ---: | --- | --- |"
)
HEADER_DEFAULTS = (
    "| N | tool | wall s | wall / timeout | wall / limit | CPU s (user+sys) | peak RSS MB | verdicts agreeing | notes |\n"
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--tools", default="ours,lychee", help="ours, lychee or both (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated web (default: %(default)s)")
    parser.add_argument("--ports", type=int, default=1, help="listening ports of the web (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per request (default: %(default)s)")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="requests in flight (default: %(default)s)")
    parser.add_argument(
        "--defaults", action="store_true",
        help="run ours as `crawler crawl` with its defaults (only --timeout given), and lychee at "
        f"{ANCHOR_CONCURRENCY} in flight beside it (unless --tools ours)",
    )
    parser.add_argument(
        "--lychee-concurrency", type=int,
        help=f"lychee's requests in flight (default: --concurrency; {ANCHOR_CONCURRENCY} with --defaults)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="run the tools this many times each, alternating, and print each round's CPU ratio "
        "and their median: this VM's speed drifts between runs (default: %(default)s)",
    )
    parser.add_argument(
        "--names", choices=("system", "resolve"), default="system",
        help="how ours reaches the names: the system resolver from a private /etc/hosts, as a real crawl "
        "resolves (needs root and unshare), or --resolve overrides, as the first benchmarks did "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--pages", choices=PAGES, default="markup",
        help="what live hosts serve: realistic tag-dense markup or the first benchmarks' filler (default: %(default)s)",
    )
    parser.add_argument(
        "--checkout", type=Path, default=REPO, metavar="DIR",
        help="run ours from this checkout (default: this one)",
    )
    parser.add_argument(
        "--before", type=Path, metavar="DIR",
        help="also run ours from this checkout of another commit (a `git worktree`), alternating with "
        "this one in every round, and print each round's CPU ratio this / that and their median",
    )
    parser.add_argument("--lychee", help="the lychee binary (default: benchmarks/.venv-tools/bin/lychee, then PATH)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="work and results directory")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tools = {t.strip() for t in args.tools.split(",")}
    if args.lychee_concurrency is None:
        args.lychee_concurrency = ANCHOR_CONCURRENCY if args.defaults else args.concurrency
    if args.defaults:
        args.concurrency, retries = crawler_defaults()
    runners = [(name, fn) for name, fn in (("ours", run_ours), ("lychee", run_lychee)) if name in tools]
    if args.before is not None:
        runners.insert(0, ("before", run_before))

    info = machine()
    info["names"] = (
        "system resolver, a private /etc/hosts of the N names (both tools)" if args.names == "system"
        else "ours: --resolve overrides; lychee: system resolver, a private /etc/hosts"
    )
    info["pages"] = args.pages
    if args.defaults:
        info["mode"] = (
            f"crawler defaults: {args.concurrency} slots, {retries} retry, freshness on, timeout {args.timeout:g} s; "
            f"lychee at {args.lychee_concurrency} in flight, no retries"
        )
    lines = [HEADER_DEFAULTS if args.defaults else HEADER]
    print("\n".join(f"{k}: {v}" for k, v in info.items()), flush=True)
    rows: list[Row] = []
    for n in sizes:
        if args.defaults:
            busy = busy_times(n, args.seed, args.timeout, retries, freshness=True, pages=args.pages)
        else:
            busy = busy_times(n, args.seed, args.timeout, pages=args.pages)
        limit = schedule.greedy_makespan(busy, args.concurrency)
        per_timeout = args.timeout if args.defaults else None
        lines.append(limit_row(busy, n, args.concurrency, per_timeout))
        if args.defaults:  # Scrapy queues a retry behind every first try: that order's limit too
            tries = [h.tries(args.timeout, retries, freshness=True) for h in plan(n, args.seed, args.pages)]
            later = schedule.retries_last_makespan(tries, args.concurrency)
            lines[-1] = lines[-1][: -len(" |")] + f"; with retries queued last {later:.1f} s |"
        # lychee's own limit: one request per site (no retries, no freshness) on its slots.
        lychee_busy = busy_times(n, args.seed, args.timeout, pages=args.pages)
        lychee_limit = schedule.greedy_makespan(lychee_busy, args.lychee_concurrency)
        if "lychee" in tools and args.lychee_concurrency != args.concurrency:
            row_text = limit_row(lychee_busy, n, args.lychee_concurrency, per_timeout)
            lines.append(row_text.replace("scheduling limit", "scheduling limit, lychee's work", 1))
        ratios: list[float] = []
        versus_before: list[float] = []
        for round_ in range(1, args.rounds + 1):
            cpu: dict[str, float | None] = {}
            for name, runner in runners:
                label = f"{name}-defaults" if args.defaults else name
                work = args.out / f"n{n}" / (label if args.rounds == 1 else f"{label}-{round_}")
                work.mkdir(parents=True, exist_ok=True)
                print(f"N={n}: {name} ...", file=sys.stderr, flush=True)
                load_before = os.getloadavg()[0]
                try:
                    row = runner(n, args.seed, args, work)
                except Exception as exc:  # a benchmark reports, it never fails
                    row = Row(n, name, notes=[f"failed: {type(exc).__name__}: {exc}"])
                # Before: what else ran on the machine; after: that plus the run itself.
                row.notes.append(f"load {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
                if args.rounds > 1:
                    row.notes.append(f"round {round_}")
                rows.append(row)
                cpu[name] = row.cpu
                if name == "lychee":
                    lines.append(table_line(row, lychee_limit, per_timeout))
                else:
                    lines.append(table_line(row, limit, per_timeout, max(busy) if args.defaults else None))
                print(lines[-1], file=sys.stderr, flush=True)
            if cpu.get("ours") and cpu.get("lychee"):
                ratios.append(cpu["ours"] / cpu["lychee"])  # type: ignore[operator]
            if cpu.get("ours") and cpu.get("before"):
                versus_before.append(cpu["ours"] / cpu["before"])  # type: ignore[operator]
        if ratios:
            each = ", ".join(f"{r:.2f}" for r in ratios)
            lines.append(f"| {n:,} | CPU ours / lychee | {each} (median {statistics.median(ratios):.2f}) | | | | | |")
        if versus_before:
            each = ", ".join(f"{r:.3f}" for r in versus_before)
            median = statistics.median(versus_before)
            lines.append(f"| {n:,} | CPU ours / before | {each} (median {median:.3f}) | | | | | |")
    table = "\n".join(lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text("\n".join(f"{k}: {v}" for k, v in info.items()) + "\n\n" + table + "\n")
    (args.out / "results.json").write_text(json.dumps({"machine": info, "rows": [asdict(r) for r in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
