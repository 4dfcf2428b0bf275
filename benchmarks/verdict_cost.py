"""CPU per page of a page's whole verdict, in whichever crawler checkout is on the path.

``python -m benchmarks.verdict_cost`` times what the spider does with a page that answered --
decode, title, page signals, classification, and the identity where that checkout has one --
on the benchmark web's pages of 8, 23 and 92 KiB, in CPU milliseconds per page (the best of 5
passes). Run it once more with ``PYTHONPATH=/path/to/other/checkout`` (this file then
imported from there, or copied) to compare two versions on the same machine, interleaved::

    for i in 1 2 3; do PYTHONPATH=../main python -m benchmarks.verdict_cost; python -m benchmarks.verdict_cost; done
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks.web import Host, Kind, page
from crawler.verdict import classify
from crawler.verdict.title import decode_html, title_from_text

try:  # checkouts before issue 12 have no identity and no `read`
    from crawler.verdict import identity
except ImportError:  # pragma: no cover - depends on the checkout
    identity = None  # type: ignore[assignment]

NAME = "Association 7"  # the name the benchmark directory lists (benchmarks/gen_directory.py)


def one_page(body: bytes, i: int) -> object:
    text = decode_html(body, "text/html; charset=utf-8")
    answered = classify.Page("http://site000007.internal/", f"http://site000007.internal/{i}", 200, {}, (), text,
                             title_from_text(text))
    if identity is None:
        classify.wants_soft404_probe(answered)
        return classify.classify_page(answered)
    reading = classify.read(answered)
    classify.script_hop(answered, reading)
    classify.wants_soft404_probe(answered)
    outcome = classify.classify_page(answered, reading)
    seen = identity.Seen(outcome.status, text, answered.title, reading.text, answered.final_url)
    return identity.judge(identity.Known((NAME,)), seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="pages per pass")
    args = parser.parse_args(argv)
    figures = []
    for kib in (8, 23, 92):
        body = page(Host(7, "site000007.internal", Kind.OK, 0.1, 0.0, kib * 1024))
        passes = []
        for _ in range(5):
            started = time.process_time()  # CPU: steadier than the wall clock on a shared machine
            for i in range(args.repeat):
                one_page(body, i)
            passes.append((time.process_time() - started) / args.repeat * 1000)
        figures.append(f"{min(passes):.3f}")
    where = classify.__file__.rsplit("/crawler/", 1)[0]
    print(f"{' / '.join(figures)} ms per page (8 / 23 / 92 KiB), identity {'yes' if identity else 'no'}, {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
