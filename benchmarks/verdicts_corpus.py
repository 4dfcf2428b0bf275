"""The verdicts on the labelled corpus (tests/verdict_corpus.py): precision and recall per class.

``python -m benchmarks.verdicts_corpus`` prints, for each class of page (live, parked,
placeholder, suspended, server-default, challenge, soft-404, takeover, script-moved), how many
pages the corpus holds, how many the crawler put there, its precision and recall; then the
number of living pages called dead or lost (the goal is 0), the known misses, and the time
the verdict and the identity take per page (decode, title, signals, classification, identity).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from crawler.verdict.outcome import Identity
from tests.verdict_corpus import CASES, LABELS, judge_case, judged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus for the timing")
    args = parser.parse_args(argv)

    said = {case.name: judge_case(case) for case in CASES}
    truth = {case.name: case.label for case in CASES}
    print(f"{len(CASES)} pages\n")
    print("| class | pages | called so | right | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label in LABELS:
        actual = {n for n, t in truth.items() if t == label}
        called = {n for n, s in said.items() if s == label}
        right = actual & called
        precision = f"{len(right) / len(called):.3f}" if called else "-"
        recall = f"{len(right) / len(actual):.3f}" if actual else "-"
        print(f"| {label} | {len(actual)} | {len(called)} | {len(right)} | {precision} | {recall} |")

    live = [c for c in CASES if c.label == "live"]
    dead_or_lost = [c.name for c in live if said[c.name] in ("takeover", "suspended", "server-default", "soft-404")
                    or said[c.name].startswith("dead/")]
    print(f"\nliving pages called dead or lost: {len(dead_or_lost)} of {len(live)}"
          + (f" ({', '.join(dead_or_lost)})" if dead_or_lost else ""))
    other = [c.name for c in live if said[c.name] != "live" and c.name not in dead_or_lost]
    print(f"living pages called anything else: {len(other)}" + (f" ({', '.join(other)})" if other else ""))
    confirmed = sum(judged(c)[1] is Identity.CONFIRMED for c in live)
    print(f"living pages whose identity a first check confirms: {confirmed} of {len(live)}")
    misses = Counter(f"{truth[n]} -> {s}" for n, s in said.items() if s != truth[n])
    print("mistakes: " + (", ".join(f"{k} x{v}" for k, v in misses.most_common()) or "none"))
    for case in CASES:
        if case.known_miss:
            print(f"  known miss {case.name}: {case.known_miss}")

    started = time.process_time()
    for _ in range(args.repeat):
        for case in CASES:
            judge_case(case)
    per_page = (time.process_time() - started) / (args.repeat * len(CASES)) * 1000
    print(f"\nverdict + identity per page (decode, title, signals, classification, identity): {per_page:.3f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
