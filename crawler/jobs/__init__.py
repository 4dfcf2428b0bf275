"""Every core on one machine: one crawl split by registered domain into child processes.

Scrapy runs in one thread, and on a crawl of thousands of sites that thread's CPU is the
limit (about 2.5 ms a site), not the network. ``crawler crawl --jobs N`` runs N child
crawls side by side, each a whole Scrapy crawl with its own reactor (`crawler.jobs.child`),
and the command's own process leads them (`crawler.jobs.parent`):

* the parent loads the directory once, begins the run and makes the canary request and the
  checks of entries without a website, as one process would;
* it splits the listed entries by registered domain (`split_by_domain`), so every host
  lives in exactly one child: the per-host politeness of one process (at most 2 requests
  at a time) holds for the whole crawl;
* each child checks its share and sends each `Check` back; the parent alone records them
  in the history store (one writer, as ever), counts progress, settles the network verdict
  of the whole run and writes the reports, through the same pipeline a crawl alone uses.

What a caller may rely on: every entry is checked by exactly one process, once; nothing
but the parent writes the store; stopping the parent (a signal, a store that cannot be
written) stops the children at once, and a parent that dies takes them with it (they watch
their channel to it). One process is used when a crawl is too small to gain from more
(`processes_for`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from crawler.directory import Entry
from crawler.verdict.domains import host_of, registered_domain

#: Listed entries per process below which another process is not worth starting, when the
#: user did not ask for a number: a child costs about a second of CPU to start Scrapy
#: (benchmarks/jobs.py), and a few hundred sites take about that much to check.
MIN_ENTRIES_PER_PROCESS = 500


def cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes_for(listed: int, jobs: int | None) -> int:
    """How many crawl processes to use for `listed` entries with a website.

    `jobs` as the user gave it (``--jobs``), or None: every core, but only as many as the
    crawl is large enough to use (`MIN_ENTRIES_PER_PROCESS` each), so ``crawler check`` on
    two entries stays one process.
    """
    if jobs is not None:
        return max(1, min(jobs, listed))
    return max(1, min(cores(), listed // MIN_ENTRIES_PER_PROCESS))


def split_by_domain(entries: Sequence[Entry], parts: int) -> list[tuple[Entry, ...]]:
    """The entries with a website, in at most `parts` shares; never empty ones.

    All entries of one registered domain (``www.example.org`` and ``example.org`` alike) go
    into one share, so one host is only ever asked by one process. Domains are dealt
    largest first to the share with the fewest entries so far, so shares come out even
    unless one domain is most of the directory. Each share keeps the directory's order.
    """
    by_domain: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        if entry.ascii_url is not None:
            by_domain.setdefault(registered_domain(host_of(entry.ascii_url)), []).append(position)
    shares: list[list[int]] = [[] for _ in range(max(1, parts))]
    for positions in sorted(by_domain.values(), key=len, reverse=True):
        min(shares, key=len).extend(positions)
    return [tuple(entries[p] for p in sorted(share)) for share in shares if share]


def shares(entries: Sequence[Entry], jobs: int | None) -> list[tuple[Entry, ...]]:
    """The shares of a crawl of `entries` with ``--jobs`` `jobs` (None: the default): one
    per child process, or a single one when the crawl runs in one process."""
    listed = sum(1 for entry in entries if entry.ascii_url is not None)
    return split_by_domain(entries, processes_for(listed, jobs))
