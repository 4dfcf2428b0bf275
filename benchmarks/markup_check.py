"""The simulated web's markup pages, checked against the crawler's own page code.

``python -m benchmarks.markup_check --check 3000`` runs our title, page-signal and date code
over the live pages of a 3,000-host web and prints any page that would not be judged a plain
live page (a signal, no title, a date where none was planned, a refresh); ``--show INDEX``
prints one host's page. Apart from `benchmarks.markup` so that the page writer does not
import the web that serves its pages.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from benchmarks.markup import page
from benchmarks.web import Kind, plan
from crawler.verdict import freshness, page_signals
from crawler.verdict.title import decode_html, title_from_text


def _check(n: int, seed: int) -> int:
    """Run the crawler's page code over the pages of an n-host plan; print what it finds."""
    hosts = [h for h in plan(n, seed, pages="markup") if h.kind in (Kind.OK, Kind.SLOW)]
    sizes = []
    problems = 0
    langs: dict[str, int] = {}
    for host in hosts:
        body = page(seed, host.index, host.name, host.page_bytes, host.dated)
        sizes.append(len(body))
        text = decode_html(body, "text/html; charset=utf-8")
        title = title_from_text(text)
        lang = text.split('lang="', 1)[1][:2]
        langs[lang] = langs.get(lang, 0) + 1
        found = [
            *page_signals.parked_signals(text, title, f"http://{host.name}/"),
            *page_signals.challenge_signals(text, title, 200, {}),
            *page_signals.soft_404_signals(title, text),
        ]
        dated = freshness.from_html(text) is not None
        if found or not title or dated != host.dated or b"refresh" in body.lower():
            problems += 1
            print(f"{host.name}: title {title!r}, signals {found}, dated {dated} (planned {host.dated})")
    sizes.sort()
    print(
        f"{len(hosts)} live pages: {sizes[0]:,}-{sizes[-1]:,} bytes, median {statistics.median(sizes):,.0f}, "
        f"{sum(h.dated for h in hosts)} dated; languages {dict(sorted(langs.items()))}; {problems} with a problem"
    )
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, metavar="N", help="check the pages of an N-host web with our page code")
    parser.add_argument("--show", type=int, metavar="INDEX", help="print the page of this host (of a 10,000-host web)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.show is not None:
        host = plan(max(10_000, args.show + 1), args.seed, pages="markup")[args.show]
        sys.stdout.write(page(args.seed, host.index, host.name, host.page_bytes, host.dated).decode())
        return 0
    return _check(args.check or 1_000, args.seed)


if __name__ == "__main__":
    sys.exit(main())
