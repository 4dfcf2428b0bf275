"""What the parked-page check costs per page, and per signal: its clue test against its regex.

``python -m benchmarks.signals_cost`` prints, for pages of the simulated web of a few sizes,
the time `crawler.page_signals.parked_signals` takes on an ordinary (not parked) page, and for
each parked signal how long its clue test and its regular expression alone take on the
92 KiB page. The profile of a 10,000-site crawl puts a third of our CPU here (see README).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from benchmarks.web import Host, Kind, page
from crawler.verdict import page_signals
from crawler.verdict.title import decode_html

TITLE = "Association 7 - local group"


def html_of(kib: int) -> str:
    return decode_html(page(Host(7, "site000007.internal", Kind.OK, 0.1, 0.0, kib * 1024)), "text/html; charset=utf-8")


def per_call_ms(fn: Callable[[int], object], repeat: int) -> float:
    started = time.perf_counter()
    for i in range(repeat):
        fn(i)
    return (time.perf_counter() - started) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per measurement")
    args = parser.parse_args(argv)
    print("| page | parked_signals per page |\n| ---: | ---: |")
    for kib in (8, 23, 92):
        html = html_of(kib)
        # A new URL per call: the module caches the last few answers by their arguments.
        cost = per_call_ms(lambda i: page_signals.parked_signals(html, TITLE, f"http://site000007.internal/{i}"), args.repeat)
        print(f"| {kib} KiB | {cost:.2f} ms |")

    html = html_of(92)
    limited = html[: page_signals.SCAN_LIMIT]
    subjects = {
        "title": TITLE.lower(),
        "text": f"{TITLE} {page_signals.visible_text(html)}".lower(),
        "html": limited.lower(),
        "url": "http://site000007.internal/",
    }
    print("\nOn the 92 KiB page, per signal (microseconds):\n")
    print("| signal | where | clues | clue test | regex alone |\n| --- | --- | ---: | ---: | ---: |")
    for signal in page_signals.SIGNALS:
        if signal.kind != "parked" or signal.where not in subjects:
            continue
        subject = subjects[signal.where]
        clue = per_call_ms(lambda i: any(c in subject for c in signal.clues), args.repeat) * 1000
        regex = per_call_ms(lambda i: signal.pattern.search(subject), args.repeat) * 1000
        print(f"| {signal.name} | {signal.where} | {len(signal.clues)} | {clue:.0f} | {regex:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
