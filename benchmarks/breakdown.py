"""How our crawler's CPU divides between Scrapy's floor and our own parts, in real crawls.

``python -m benchmarks.breakdown [--hosts 10000] [--names system|resolve] [--pages
markup|filler]`` crawls the simulated web twice at the equal settings of `benchmarks.run`
(names through the system resolver and realistic markup by default, as there):

* **floor**: Scrapy with our settings (handler, middlewares, extensions) and a spider that
  requests every URL and does nothing with the answer: no analysis, no items, no store, no
  reports. What a check costs before we do anything with it.
* **ours**: the real crawl, with the CPU time of our main parts summed around their calls:
  the page analysis, the store, the start and the reports. The clock is the calling
  thread's (``time.thread_time``): not the name-lookup threads busy meanwhile, and not the
  time the thread waits for a core on a busy machine.

py-spy's samples (`benchmarks.profile`) overstate small, frequent functions; these sums
are exact, apart from the clock itself (a few microseconds a call on this VM). Like every
benchmark here, it reports and never fails.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import run
from benchmarks.web import PAGES, plan

HERE = Path(__file__).resolve().parent
FLOOR_SPIDER = HERE / "floor_spider.py"

# What the probe times: (module, attribute, label). Functions of the spider's module are
# looked up there, so the spider calls the timed ones.
PARTS = (
    ("crawler.spiders.websites", "decode_html", "page: decode"),
    ("crawler.spiders.websites", "title_from_text", "page: title"),
    ("crawler.spiders.websites", "wants_soft404_probe", "page: soft-404 test"),
    ("crawler.spiders.websites", "classify_page", "page: verdict (parking, challenge signals)"),
    ("crawler.verdict.freshness", "from_html", "page: content date (with freshness on)"),
    ("crawler.verdict.freshness", "feed_links", "page: feed links (with freshness on)"),
    ("crawler.net.resolver", "GuardedResolver.resolveHostName", "names: the resolver's reactor side (not the lookup)"),
    ("crawler.pipelines", "HistoryPipeline.process_item", "store: one check"),
    ("crawler.pipelines", "HistoryPipeline.close_spider", "end: finish the run, write the reports"),
    ("crawler.spiders.websites", "WebsitesSpider.start", "start: directory and requests"),
)


def _timed(fn: Any, label: str, spent: Counter[str], calls: Counter[str]) -> Any:
    if inspect.isasyncgenfunction(fn):
        @functools.wraps(fn)
        async def timed_gen(*args: Any, **kwargs: Any) -> Any:
            # Only the generator's own steps: not the time its consumer spends between them.
            gen = fn(*args, **kwargs)
            while True:
                started = time.thread_time()
                try:
                    item = await gen.__anext__()
                except StopAsyncIteration:
                    spent[label] += time.thread_time() - started
                    return
                spent[label] += time.thread_time() - started
                calls[label] += 1
                yield item

        return timed_gen

    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - started
            calls[label] += 1

    return timed


def probe(scrapy_args: list[str]) -> None:
    """Run ``scrapy SCRAPY_ARGS`` with PARTS timed; print the sums to stderr at exit."""
    import atexit
    import importlib

    spent: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for module_name, attribute, label in PARTS:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(getattr(owner, name), label, spent, calls))

    @atexit.register
    def report() -> None:
        for label in (label for _, _, label in PARTS):
            print(f"PART\t{spent[label]:.2f}\t{calls[label]}\t{label}", file=sys.stderr)

    from scrapy.cmdline import execute

    sys.argv = ["scrapy", *scrapy_args]
    execute()


def floor_command(ours: list[str], urls: Path) -> tuple[list[str], dict[str, str]]:
    """The floor spider's command and environment, from `run.ours_command`'s: the same
    settings, without the store and the reports (no items reach them anyway)."""
    settings = [*ours[ours.index("crawl") + 2 :], "-s", "ITEM_PIPELINES={}"]
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(FLOOR_SPIDER), *settings]
    return cmd, {**os.environ, "FLOOR_URLS": str(urls)}


def crawl(
    kind: str, n: int, seed: int, work: Path, names: str = "system", pages: str = "markup"
) -> tuple[run.Usage, list[tuple[float, int, str]]]:
    args = argparse.Namespace(timeout=run.TIMEOUT, concurrency=run.CONCURRENCY)
    hosts = plan(n, seed, pages)
    files = run.namespace_files(hosts, work) if names == "system" else []
    with run.web(n, seed, 1, pages) as served:
        directory, urls = run.write_inputs(hosts, served, work)
        for stale in (work / "history.sqlite3", work / "history.sqlite3.lock"):
            stale.unlink(missing_ok=True)
        cmd = run.ours_command(served, directory, work, args.timeout, args.concurrency, names)
        if kind == "floor":
            cmd, env = floor_command(cmd, urls)
        else:
            cmd = [sys.executable, "-m", "benchmarks.breakdown", "--probe", *cmd[cmd.index("crawl") :]]
            env = None
        if files:
            cmd = run.in_namespace(files, cmd)
        used = run.measure(cmd, work / f"{kind}.log", env=env)
    parts = []
    for line in (work / f"{kind}.log").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("PART\t"):
            _, seconds, count, label = line.split("\t", 3)
            parts.append((float(seconds), int(count), label))
    return used, parts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--probe"]:
        probe(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000, help="N (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated web (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "breakdown", help="work directory")
    parser.add_argument(
        "--names", choices=("system", "resolve"), default="system",
        help="how both crawls reach the names, as in benchmarks.run (default: %(default)s)",
    )
    parser.add_argument("--pages", choices=PAGES, default="markup", help="as in benchmarks.run (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.names == "system" and not run.can_use_namespace():
        print("--names system needs root and unshare (or use --names resolve)", file=sys.stderr)
        return 0
    rows = []
    for kind in ("floor", "ours"):
        work = args.out / kind
        work.mkdir(parents=True, exist_ok=True)
        print(f"N={args.hosts}: {kind} ...", file=sys.stderr, flush=True)
        used, parts = crawl(kind, args.hosts, args.seed, work, args.names, args.pages)
        rows.append((kind, used, parts))
    print("| crawl | wall s | CPU s | peak RSS MB | CPU by thread |\n| --- | ---: | ---: | ---: | --- |")
    for kind, used, _ in rows:
        print(f"| {kind} | {used.wall:.1f} | {used.cpu:.1f} | {used.rss_mb:.0f} | {used.split()} |")
    print("\n| part of ours | CPU s | calls |\n| --- | ---: | ---: |")
    for seconds, count, label in rows[-1][2]:
        print(f"| {label} | {seconds:.2f} | {count:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
