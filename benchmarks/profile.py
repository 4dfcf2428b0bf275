"""Where our crawler's CPU goes: py-spy samples one crawl of the simulated web.

``python -m benchmarks.profile [--hosts 10000] [--py-spy PATH]`` runs the same command as
`benchmarks.run` (ours) under ``py-spy record --format speedscope --function``, writes the
profile to ``benchmarks/results/profile-N.speedscope.json`` (open it in speedscope) and
prints who does the work (ours by module, Scrapy, Twisted, name lookups in the thread pool),
then the top functions by self and by total (inclusive) samples. py-spy samples only
threads that are running, so the shares approximate CPU time, not wall time (idle thread-pool
workers it counts anyway are left out). ``--names`` and ``--pages`` are `benchmarks.run`'s.
``--summarize FILE`` only prints the tables for an existing profile. ``--defaults`` profiles
`crawler crawl` with its defaults instead (as ``run.py --defaults``; timeout 10 s), into
``profile-N-defaults.speedscope.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks import breakdown, run
from benchmarks.web import PAGES, plan


def _short(path: str) -> str:
    """A file path without this machine's prefixes."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    if "/crawler/" in path:
        return "crawler/" + path.rsplit("/crawler/", 1)[1]
    stdlib = re.search(r"lib/python3\.\d+/(.*)", path)
    return stdlib.group(1) if stdlib else Path(path).name


def _package(name: str) -> str:
    """`crawler/verdict/page_signals.py` -> crawler.verdict.page_signals, `twisted/internet/tcp.py`
    -> twisted, stdlib -> its module."""
    where = name.rsplit("(", 1)[-1]
    if where.startswith("crawler/"):
        return where.split(".py")[0].replace("/", ".")
    head = where.split("/")[0].split(".py")[0].split(":")[0]
    return head or "?"


# Where a thread waits for work: py-spy 0.4 counts some of these samples as running (the
# thread pool's idle workers in `Queue.get`), though they cost no CPU.
_WAITING = frozenset({"Condition.wait", "Thread._wait_for_tstate_lock", "Event.wait"})


def _owner(short_path: str) -> str | None:
    """Whose code a frame is: a crawler module, scrapy or twisted; None for a library or the
    standard library, whose time belongs to whoever called it."""
    if short_path.startswith("crawler/"):
        return short_path.split(".py")[0].replace("/", ".")
    head = short_path.split("/", 1)[0]
    return head if head in ("scrapy", "twisted") else None


def areas(data: dict, top: int = 12) -> list[str]:
    """The profile split by who does the work, as the markdown lines of two tables.

    Samples of the reactor's thread pool whose stack holds getaddrinfo are name lookups;
    idle workers (`_WAITING`) are left out. Every other sample belongs to the innermost
    frame of ours, Scrapy or Twisted on its stack, so the standard library and other
    libraries (re, lxml, sqlite3, zope, pydispatch, sockets) count for whoever called them;
    samples with none of the three (start-up imports, the interpreter) are "other".
    """
    frames = data["shared"]["frames"]
    shorts = [_short(f.get("file", "?")) for f in frames]
    owners = [_owner(path) for path in shorts]
    waiting = [f["name"] in _WAITING for f in frames]
    lookup = [f["name"] == "getaddrinfo" for f in frames]
    importing = [f["name"] == "_find_and_load" for f in frames]
    spent: Counter[str] = Counter()
    ours_inclusive: Counter[str] = Counter()
    idle = threads = 0.0
    for prof in data["profiles"]:
        main_thread = "PoolThread" not in prof["name"]
        for stack, weight in zip(prof["samples"], prof["weights"]):
            if not stack:
                continue
            if waiting[stack[-1]]:
                idle += weight
                continue
            if not main_thread:
                threads += weight
                spent["name lookups (getaddrinfo)" if any(lookup[i] for i in stack) else "thread pool, other"] += weight
                continue
            if any(importing[i] for i in stack):
                spent["start-up: imports"] += weight
                continue
            owner = next((owners[i] for i in reversed(stack) if owners[i] is not None), None)
            spent[owner or "other"] += weight
            for name in {frames[i]["name"] + " (" + shorts[i] + ")" for i in stack if owners[i] and owners[i].startswith("crawler.")}:
                ours_inclusive[name] += weight
    total = sum(spent.values())
    ours = sum(v for k, v in spent.items() if k.startswith("crawler."))
    summary = Counter(
        {
            "ours (crawler.*)": ours,
            "Scrapy": spent["scrapy"],
            "Twisted": spent["twisted"],
            "name lookups (getaddrinfo)": spent["name lookups (getaddrinfo)"],
            "thread pool, other": spent["thread pool, other"],
            "start-up: imports": spent["start-up: imports"],
            "other": spent["other"],
        }
    )
    lines = [
        f"By owner: {total:.1f} s of samples ({idle:.1f} s of idle pool workers left out; "
        f"{threads:.1f} s in the thread pool)",
        "",
        "| who | seconds | share |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {k} | {v:.1f} | {100 * v / total:.1f} % |" for k, v in summary.most_common() if v]
    lines += ["", "Ours by module (innermost owner; libraries it calls included)", "", "| module | seconds | share |", "| --- | ---: | ---: |"]
    lines += [
        f"| {k} | {v:.1f} | {100 * v / total:.1f} % |"
        for k, v in spent.most_common() if k.startswith("crawler.")
    ][:top]
    lines += ["", f"Ours: top {top} functions, inclusive", "", "| function | seconds | share |", "| --- | ---: | ---: |"]
    lines += [f"| `{k}` | {v:.1f} | {100 * v / total:.1f} % |" for k, v in ours_inclusive.most_common(top)]
    return lines + [""]


def summarize(profile: Path, top: int = 15) -> str:
    """Markdown tables: who does the work (`areas`), then the top functions by self and by
    total time, and self time per package (idle pool workers left out)."""
    data = json.loads(profile.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    names = [f"{f['name']} ({_short(f.get('file', '?'))}:{f.get('line', '?')})" for f in frames]
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    seconds = 0.0
    for prof in data["profiles"]:
        for stack, weight in zip(prof["samples"], prof["weights"]):
            if not stack or frames[stack[-1]]["name"] in _WAITING:
                continue
            seconds += weight
            own[names[stack[-1]]] += weight
            for name in {names[i] for i in stack}:
                total[name] += weight
    packages: Counter[str] = Counter()
    for name, spent in own.items():
        packages[_package(name)] += spent

    def table(title: str, counts: Counter[str], skip_spine: bool = False) -> list[str]:
        lines = [title, "", "| # | function (file:line) | seconds | share |", "| ---: | --- | ---: | ---: |"]
        ranked = [(n, c) for n, c in counts.most_common() if not (skip_spine and c > 0.5 * seconds)]
        for rank, (name, spent) in enumerate(ranked[:top], 1):
            lines.append(f"| {rank} | `{name}` | {spent:.1f} | {100 * spent / seconds:.1f} % |")
        return lines + [""]

    out = [f"{seconds:.1f} s of samples of running threads", ""]
    out += areas(data, top)
    out += table(f"Top {top} by self time", own)
    out += table(f"Top {top} by total (inclusive) time, without the run loop's frames (> 50 %)", total, True)
    out += ["Self time by package or module", "", "| package | seconds | share |", "| --- | ---: | ---: |"]
    out += [f"| {p} | {t:.1f} | {100 * t / seconds:.1f} % |" for p, t in packages.most_common(top)]
    return "\n".join(out) + "\n"


def perf_summary(data: Path, top: int = 20) -> str:
    """Markdown tables of a `perf record` file: CPU by library (the Python interpreter, the C
    libraries, the kernel) and the top symbols. perf's cpu-clock samples count only time on a
    core, so unlike py-spy's they are CPU time even on a busy machine; Python 3.11 gives perf
    no Python frames, so the interpreter is one line (py-spy --gil splits it)."""

    def report(sort: str) -> list[tuple[float, str]]:
        done = subprocess.run(
            ["perf", "report", "-i", str(data), "--sort", sort, "--stdio"], capture_output=True, text=True
        )
        rows = []
        for line in done.stdout.splitlines():
            if not line.strip() or line.startswith("#") or "%" not in line:
                continue
            share, _, rest = line.strip().partition("%")
            try:
                rows.append((float(share), " ".join(rest.split())))
            except ValueError:
                continue
        return rows

    out = ["| library | share of CPU samples |", "| --- | ---: |"]
    out += [f"| {name} | {share:.1f} % |" for share, name in report("dso")[:top]]
    out += ["", f"Top {top} symbols", "", "| symbol (library) | share |", "| --- | ---: |"]
    for share, name in report("dso,sym")[:top]:
        dso, _, symbol = name.partition(" ")
        out.append(f"| `{symbol.replace('[.] ', '').replace('[k] ', '')}` ({dso}) | {share:.1f} % |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000, help="N (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=int, default=250, help="samples per second (default: %(default)s)")
    parser.add_argument("--py-spy", dest="py_spy", help="the py-spy binary (default: benchmarks/.venv-tools, then PATH)")
    parser.add_argument("--summarize", type=Path, help="only summarize this speedscope file")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--defaults", action="store_true", help="profile `crawler crawl` with its defaults")
    parser.add_argument(
        "--floor", action="store_true",
        help="profile Scrapy's floor instead: our settings, a spider that does nothing (benchmarks.breakdown)",
    )
    parser.add_argument(
        "--names", choices=("system", "resolve"), default="system",
        help="how ours reaches the names, as in benchmarks.run (default: %(default)s)",
    )
    parser.add_argument("--pages", choices=PAGES, default="markup", help="as in benchmarks.run (default: %(default)s)")
    parser.add_argument(
        "--blocking", action="store_true",
        help="let py-spy pause the crawler for every sample (its default; here --nonblocking is the "
        "default: pausing dozens of thread-pool threads 250 times a second multiplied their CPU time)",
    )
    parser.add_argument(
        "--gil", action="store_true",
        help="only samples of threads holding the GIL (py-spy --gil): Python's own work, no system calls",
    )
    parser.add_argument(
        "--perf", action="store_true",
        help="record with Linux perf (cpu-clock) instead of py-spy: CPU by library and symbol, kernel included",
    )
    parser.add_argument(
        "--lines", action="store_true",
        help="sample by line, not by function (py-spy without --function): where inside a function",
    )
    parser.add_argument(
        "--checkout", type=Path, default=run.REPO, metavar="DIR",
        help="profile the crawler of this checkout (a `git worktree` of another commit; default: this one)",
    )
    parser.add_argument("--out", type=Path, default=run.HERE / "results")
    args = parser.parse_args(argv)
    if args.summarize:
        perf = args.summarize.name.endswith(".perf.data")
        print(perf_summary(args.summarize, args.top) if perf else summarize(args.summarize, args.top))
        return 0
    if args.perf and shutil.which("perf") is None:
        print("perf not found (linux-perf)", file=sys.stderr)
        return 0
    py_spy = next(
        (p for p in (args.py_spy, str(run.HERE / ".venv-tools" / "bin" / "py-spy"), shutil.which("py-spy")) if p and Path(p).exists()),
        None,
    )
    if py_spy is None and not args.perf:
        print("py-spy not found: pip install py-spy (see benchmarks/README.md)", file=sys.stderr)
        return 0
    suffix = "-defaults" if args.defaults else "-floor" if args.floor else ""
    work = args.out / f"n{args.hosts}" / f"profile{suffix}"
    work.mkdir(parents=True, exist_ok=True)
    suffix += "-gil" if args.gil and not args.perf else ""
    profile = args.out / f"profile-{args.hosts}{suffix}.speedscope.json"
    if args.names == "system" and not run.can_use_namespace():
        print("--names system needs root and unshare (or use --names resolve)", file=sys.stderr)
        return 0
    bench = argparse.Namespace(ports=1, timeout=run.TIMEOUT, concurrency=run.CONCURRENCY)
    hosts = plan(args.hosts, args.seed, args.pages)
    files = run.namespace_files(hosts, work) if args.names == "system" else []
    env = None
    with run.web(args.hosts, args.seed, bench.ports, args.pages) as served:
        directory, urls = run.write_inputs(hosts, served, work)
        (work / "history.sqlite3").unlink(missing_ok=True)
        if args.defaults:
            crawl = run.defaults_command(served, directory, work, bench.timeout, args.names)
        else:
            crawl = run.ours_command(served, directory, work, bench.timeout, bench.concurrency, args.names)
        if args.floor:
            crawl, env = breakdown.floor_command(crawl, urls)
        by = ([] if args.lines else ["--function"]) + (["--gil"] if args.gil else [])
        by += [] if args.blocking else ["--nonblocking"]
        cmd = [py_spy, "record", "--format", "speedscope", *by, "--rate", str(args.rate), "-o", str(profile), "--", *crawl]
        if args.perf:
            profile = profile.with_name(profile.name.replace(".speedscope.json", ".perf.data"))
            cmd = ["perf", "record", "-e", "cpu-clock", "-F", "999", "-o", str(profile), "--", *crawl]
        if files:
            cmd = run.in_namespace(files, cmd)
        used = run.measure(cmd, work / "py-spy.log", env=env, cwd=args.checkout)
    tool = "perf" if args.perf else "py-spy"
    # From /proc, not rusage: py-spy --nonblocking does not count the crawler it started.
    cpu = sum(user + system for user, system in used.threads.values()) or used.cpu
    print(f"N={args.hosts}: wall {used.wall:.1f} s, CPU {cpu:.1f} s ({tool} included), exit {used.exit_code}")
    print(f"Measured per thread (/proc): {used.split()}")
    print()
    if profile.exists():
        print(perf_summary(profile, args.top) if args.perf else summarize(profile, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
