"""What the page-text verdicts cost per page, and per signal: its clue test against its regex.

``python -m benchmarks.signals_cost`` prints, for pages of the simulated web of a few sizes, the
time `crawler.verdict.page_signals.read_page` takes on an ordinary (not parked) page -- the
signals of every kind of stand-in page (parked, placeholder, suspended, server-default) -- and
the time of a page's whole verdict and identity (`classify.read`, `script_hop`,
`classify_page`, `identity.judge`, the title and decoding included); then, for each stand-in
signal a non-thin page pays for, how long its clue test and its regular expression alone take
on the 92 KiB page. The profile of a 10,000-site crawl put a third of our CPU in the parked
signals once (see README).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from benchmarks.verdict_cost import (
    one_page as verdict_and_identity,  # decode, title, signals, verdict, identity
)
from benchmarks.web import Host, Kind, page
from crawler.verdict import page_signals, page_text
from crawler.verdict.title import decode_html

TITLE = "Association 7 - local group"


def html_of(kib: int) -> str:
    return decode_html(page(Host(7, "site000007.internal", Kind.OK, 0.1, 0.0, kib * 1024)), "text/html; charset=utf-8")


def per_call_ms(fn: Callable[[int], object], repeat: int) -> float:
    # CPU time of this process: steadier than the wall clock on a machine others share.
    started = time.process_time()
    for i in range(repeat):
        fn(i)
    return (time.process_time() - started) / repeat * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per measurement")
    args = parser.parse_args(argv)
    print("| page | read_page per page | verdict + identity per page |\n| ---: | ---: | ---: |")
    for kib in (8, 23, 92):
        html = html_of(kib)
        body = html.encode()
        # A new URL per call: the module caches the last few answers by their arguments.
        reading = per_call_ms(lambda i: page_signals.read_page(html, TITLE, f"http://site000007.internal/{i}"), args.repeat)
        whole = per_call_ms(lambda i: verdict_and_identity(body, i), args.repeat)
        print(f"| {kib} KiB | {reading:.2f} ms | {whole:.2f} ms |")

    html = html_of(92)
    limited = html[: page_text.SCAN_LIMIT]
    subjects = {
        "title": TITLE.lower(),
        "text": f"{TITLE} {page_text.visible_text(html)}".lower(),
        "html": limited.lower(),
        "url": "http://site000007.internal/",
    }
    print("\nOn the 92 KiB page (not thin), per stand-in signal it pays for (microseconds):\n")
    print("| signal | kind | where | clues | clue test | regex alone |\n| --- | --- | --- | ---: | ---: | ---: |")
    for signal in page_signals.SIGNALS:
        if signal.kind not in ("parked", "placeholder", "suspended", "server-default") or signal.max_words:
            continue
        if signal.where not in subjects:
            continue
        subject = subjects[signal.where]
        clue = per_call_ms(lambda i: any(c in subject for c in signal.clues), args.repeat) * 1000
        regex = per_call_ms(lambda i: signal.pattern.search(subject), args.repeat) * 1000
        print(f"| {signal.name} | {signal.kind} | {signal.where} | {len(signal.clues)} | {clue:.0f} | {regex:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
