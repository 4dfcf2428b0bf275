"""What a name lookup costs the crawler: the reactor thread's share and the thread pool's.

``python -m benchmarks.resolve_cost [--names 10000] [--in-flight 128] [--threads 32]``
resolves N distinct names through `crawler.net.resolver.GuardedResolver` on Twisted's epoll
reactor, as a crawl does, keeping IN_FLIGHT lookups going, and reports per lookup the CPU
of the reactor thread (``time.thread_time``) and of the rest of the process (the thread
pool running getaddrinfo), with the wall time. Three ways, each in a fresh process:

* ``system``: the system resolver (getaddrinfo in the reactor's thread pool), in a private
  mount namespace whose /etc/hosts lists the N names (as `benchmarks.run --names system`;
  root and unshare needed);
* ``system, small hosts file``: as many lookups against an /etc/hosts of 100 lines, its
  names in turn, with the resolver's cache off: what the pool costs without glibc's O(N)
  scan of a long hosts file (the benchmark's artefact);
* ``override``: ``--resolve``'s path (`CRAWLER_RESOLVE`), answered at once.

Only 127.0.0.1 is ever named; nothing is connected to. It reports, never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _child(mode: str, names: list[str], in_flight: int, threads: int, cache: bool = True) -> dict[str, float]:
    """Resolve `names` in this process; CPU and wall time spent."""
    from twisted.internet import epollreactor

    epollreactor.install()
    from twisted.internet import reactor

    from crawler.net.resolver import GuardedResolver

    overrides = ["*:80:127.0.0.1"] if mode == "override" else []
    guarded = GuardedResolver(reactor, overrides=overrides, allow_private=True)
    if not cache:
        guarded._remember = lambda host, addresses: None  # type: ignore[method-assign]
    guarded.install_on_reactor()
    reactor.getThreadPool().adjustPoolsize(maxthreads=threads)  # what Scrapy does with the setting
    pending = iter(names)
    found = {"addresses": 0, "done": 0, "empty": 0}
    clock: dict[str, float] = {}
    state = {"free": 0, "pumping": False}

    class Receiver:
        def __init__(self) -> None:
            self.count = 0

        def resolutionBegan(self, resolution: Any) -> None:
            pass

        def addressResolved(self, address: Any) -> None:
            self.count += 1

        def resolutionComplete(self) -> None:
            found["addresses"] += self.count
            found["empty"] += self.count == 0
            found["done"] += 1
            state["free"] += 1
            pump()

    def pump() -> None:
        # A loop, not recursion: the override path completes inside resolveHostName.
        if state["pumping"]:
            return
        state["pumping"] = True
        while state["free"] and (name := next(pending, None)) is not None:
            state["free"] -= 1
            reactor.nameResolver.resolveHostName(Receiver(), name, 80)
        state["pumping"] = False
        if found["done"] == len(names) and "end" not in clock:
            clock["end"] = time.monotonic()
            clock["main"] = time.thread_time() - clock["main"]
            reactor.callLater(0, reactor.stop)

    def begin() -> None:
        clock["wall"] = time.monotonic()
        clock["main"] = time.thread_time()
        clock["process"] = _process_cpu()
        state["free"] = min(in_flight, len(names))
        pump()

    reactor.callWhenRunning(begin)
    reactor.run()
    process = _process_cpu() - clock["process"]
    return {"wall": clock["end"] - clock["wall"], "main": clock["main"], "process": process, **found}


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _namespace(work: Path, hosts_names: list[str], cmd: list[str]) -> list[str]:
    from benchmarks import run

    hosts = work / "hosts"
    hosts.write_text("127.0.0.1 localhost\n" + "".join(f"127.0.0.1 {name}\n" for name in hosts_names))
    (work / "nsswitch.conf").write_text("hosts: files\n")
    (work / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return run.in_namespace([str(hosts), str(work / "nsswitch.conf"), str(work / "resolv.conf")], cmd)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        mode, count, in_flight, threads, hosts_lines = argv[1], *map(int, argv[2:6])
        # With a small hosts file, its names in turn, and the resolver's cache off.
        names = [f"site{i % hosts_lines:06d}.internal" for i in range(count)]
        print(json.dumps(_child(mode, names, in_flight, threads, cache=hosts_lines >= count)))
        return 0
    from benchmarks import run

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=10_000, help="lookups (default: %(default)s)")
    parser.add_argument("--in-flight", type=int, default=128, help="lookups going at once (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=0, help="thread pool size (default: the crawler's setting)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "resolve_cost", help="work directory")
    args = parser.parse_args(argv)
    if args.threads == 0:
        from crawler import settings

        args.threads = settings.REACTOR_THREADPOOL_MAXSIZE
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{args.names:,} lookups, {args.in_flight} in flight, {args.threads} pool threads; load {os.getloadavg()[0]:.2f}")
    print("\n| way | wall s | reactor thread µs/lookup | other threads µs/lookup | all µs/lookup |")
    print("| --- | ---: | ---: | ---: | ---: |")
    ways = [("override", args.names), ("system", args.names), ("system, small hosts file", 100)]
    for label, lines in ways:
        mode = "override" if label == "override" else "system"
        cmd = [sys.executable, "-m", "benchmarks.resolve_cost", "--child", mode, str(args.names), str(args.in_flight), str(args.threads), str(lines)]
        if mode == "system":
            if not run.can_use_namespace():
                print(f"| {label} | skipped: needs root and unshare | | | |")
                continue
            cmd = _namespace(args.out, [f"site{i:06d}.internal" for i in range(lines)], cmd)
        done = subprocess.run(cmd, cwd=run.REPO, capture_output=True, text=True, timeout=600)
        try:
            result = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(f"| {label} | failed: {done.stderr.strip()[-200:]} | | | |")
            continue
        n = result["done"]
        main_us = result["main"] / n * 1e6
        all_us = result["process"] / n * 1e6
        print(f"| {label} | {result['wall']:.2f} | {main_us:.0f} | {all_us - main_us:.0f} | {all_us:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
