"""What each step of our page analysis costs per page, on the simulated web's pages.

``python -m benchmarks.page_cost [--pages markup,filler] [--count 400]`` times, outside any
crawl, every step `crawler.spiders.websites` takes on a live host's 200 page: decoding,
the title, the parked-page and soft-404 signals (the verdict), the content date and the
feed links (with freshness on), over the first COUNT live pages of a 2,000-host web. Each
figure is the best of five passes, in microseconds per page. A crawl's profile says how
much the page analysis weighs in the whole; this says which step to look at.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from benchmarks.web import PAGES, Kind, page, plan
from crawler.verdict import freshness, page_signals, page_text
from crawler.verdict.classify import Page, classify_page, wants_soft404_probe
from crawler.verdict.title import decode_html, title_from_text

CONTENT_TYPE = "text/html; charset=utf-8"


def best_us(step: Callable[[int], object], count: int, passes: int = 5) -> float:
    """Microseconds per call of step(0..count-1), the best of `passes` passes."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for i in range(count):
            step(i)
        best = min(best, (time.perf_counter() - started) / count)
    return best * 1e6


def costs(pages: str, count: int, seed: int) -> tuple[int, list[tuple[str, float]]]:
    """(median page bytes, [(step, microseconds per page)]) for this kind of page."""
    hosts = [h for h in plan(2_000, seed, pages) if h.kind is Kind.OK][:count]
    bodies = [page(h, pages, seed) for h in hosts]
    texts = [decode_html(body, CONTENT_TYPE) for body in bodies]
    titles = [title_from_text(text) for text in texts]
    urls = [f"http://{h.name}/" for h in hosts]
    checked = [
        Page(listed_url=u, final_url=u, status=200, headers={"content-type": CONTENT_TYPE}, hops=(), text=t, title=ti)
        for u, t, ti in zip(urls, texts, titles)
    ]
    n = len(hosts)
    steps: list[tuple[str, Callable[[int], object]]] = [
        ("decode (`decode_html`)", lambda i: decode_html(bodies[i], CONTENT_TYPE)),
        ("title (`title_from_text`)", lambda i: title_from_text(texts[i])),
        ("visible text (`page_text.visible_text`)", lambda i: page_text.visible_text(texts[i])),
        ("parked signals (`parked_signals`, visible text included)", lambda i: page_signals.parked_signals(texts[i], titles[i], urls[i])),
        ("soft-404 test (`wants_soft404_probe`)", lambda i: wants_soft404_probe(checked[i])),
        ("verdict (`classify_page`)", lambda i: classify_page(checked[i])),
        ("content date (`freshness.from_html`)", lambda i: freshness.from_html(texts[i])),
        ("feed links (`freshness.feed_links`)", lambda i: freshness.feed_links(texts[i], urls[i])),
    ]
    return int(statistics.median(map(len, bodies))), [(label, best_us(step, n)) for label, step in steps]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="markup, filler or both (default: %(default)s)")
    parser.add_argument("--count", type=int, default=400, help="live pages to time (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.pages.split(",") if k.strip()]
    results = {kind: costs(kind, args.count, args.seed) for kind in kinds}
    print("| step | " + " | ".join(f"{k} (median {results[k][0]:,} B) µs/page" for k in kinds) + " |")
    print("| --- |" + " ---: |" * len(kinds))
    labels = [label for label, _ in results[kinds[0]][1]]
    for row, label in enumerate(labels):
        print(f"| {label} | " + " | ".join(f"{results[k][1][row][1]:.0f}" for k in kinds) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
