"""Where our crawler's CPU goes: py-spy samples one crawl of the simulated web.

``python -m benchmarks.profile [--hosts 10000] [--py-spy PATH]`` runs the same command as
`benchmarks.run` (ours) under ``py-spy record --format speedscope --function``, writes the
profile to ``benchmarks/results/profile-N.speedscope.json`` (open it in speedscope) and
prints the top functions by self and by total (inclusive) samples. py-spy samples only
threads that are running, so the shares approximate CPU time, not wall time.
``--summarize FILE`` only prints the tables for an existing profile. ``--defaults`` profiles
`crawler crawl` with its defaults instead (as ``run.py --defaults``; timeout 10 s), into
``profile-N-defaults.speedscope.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from benchmarks import run
from benchmarks.web import plan


def _short(path: str) -> str:
    """A file path without this machine's prefixes."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    if "/crawler/" in path:
        return "crawler/" + path.rsplit("/crawler/", 1)[1]
    stdlib = re.search(r"lib/python3\.\d+/(.*)", path)
    return stdlib.group(1) if stdlib else Path(path).name


def _package(name: str) -> str:
    """`crawler/signals.py` -> crawler.signals, `twisted/internet/tcp.py` -> twisted, stdlib -> its module."""
    where = name.rsplit("(", 1)[-1]
    if where.startswith("crawler/"):
        return "crawler." + where.split("/")[1].split(".py")[0]
    head = where.split("/")[0].split(".py")[0].split(":")[0]
    return head or "?"


def summarize(profile: Path, top: int = 15) -> str:
    """Markdown tables of the top functions by self and by total time, and self time per package."""
    data = json.loads(profile.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    names = [f"{f['name']} ({_short(f.get('file', '?'))}:{f.get('line', '?')})" for f in frames]
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    seconds = 0.0
    for prof in data["profiles"]:
        for stack, weight in zip(prof["samples"], prof["weights"]):
            if not stack:
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
    out += table(f"Top {top} by self time", own)
    out += table(f"Top {top} by total (inclusive) time, without the run loop's frames (> 50 %)", total, True)
    out += ["Self time by package or module", "", "| package | seconds | share |", "| --- | ---: | ---: |"]
    out += [f"| {p} | {t:.1f} | {100 * t / seconds:.1f} % |" for p, t in packages.most_common(top)]
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
    parser.add_argument("--out", type=Path, default=run.HERE / "results")
    args = parser.parse_args(argv)
    if args.summarize:
        print(summarize(args.summarize, args.top))
        return 0
    py_spy = next(
        (p for p in (args.py_spy, str(run.HERE / ".venv-tools" / "bin" / "py-spy"), shutil.which("py-spy")) if p and Path(p).exists()),
        None,
    )
    if py_spy is None:
        print("py-spy not found: pip install py-spy (see benchmarks/README.md)", file=sys.stderr)
        return 0
    suffix = "-defaults" if args.defaults else ""
    work = args.out / f"n{args.hosts}" / f"profile{suffix}"
    work.mkdir(parents=True, exist_ok=True)
    profile = args.out / f"profile-{args.hosts}{suffix}.speedscope.json"
    bench = argparse.Namespace(ports=1, timeout=run.TIMEOUT, concurrency=run.CONCURRENCY)
    hosts = plan(args.hosts, args.seed)
    with run.web(args.hosts, args.seed, bench.ports) as served:
        directory, _ = run.write_inputs(hosts, served, work)
        (work / "history.sqlite3").unlink(missing_ok=True)
        if args.defaults:
            crawl = run.defaults_command(served, directory, work, bench.timeout)
        else:
            crawl = run.ours_command(served, directory, work, bench.timeout, bench.concurrency)
        cmd = [py_spy, "record", "--format", "speedscope", "--function", "--rate", str(args.rate), "-o", str(profile), "--", *crawl]
        used = run.measure(cmd, work / "py-spy.log")
    print(f"N={args.hosts}: wall {used.wall:.1f} s, CPU {used.cpu:.1f} s (py-spy included), exit {used.exit_code}")
    if profile.exists():
        print(summarize(profile, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
