"""What one crawl's parts share: handed from the command to the spider, the pipeline and the
extensions, and filled in as the crawl goes.

`crawler.run` makes the context before Scrapy starts (with the `Directory` the command has
already loaded and validated) and passes it to the spider as its ``context`` argument;
``scrapy crawl websites`` makes it in the spider from the settings. The pipeline and the
extensions read it from the spider (`WebsitesSpider.context`), never by path or by
``getattr``; `crawler.run` reads the run's result back from it when the crawl is over.
Stats stay what they are in Scrapy: numbers for observing a crawl, not a mailbox.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from crawler.directory import Directory, Entry, Problem
from crawler.verdict.outcome import Network

#: A Scrapy signal sent from another thread when the crawl did not stop in time, or was told
#: twice: settle the run now; the process exits right after.
STOP_FORCED = object()


@dataclass
class RunContext:
    """One crawl's facts. The first fields are fixed when it starts; the rest are set by the
    part named beside them, and read by `crawler.run` when the crawl is over."""

    directory: Directory | None  # None in a shared crawl's worker, which reads no directory file
    entries: tuple[Entry, ...]  # what this run checks, in file order (`--only` applied)
    canary: str | None = None  # a URL that must answer, or the network counts as unavailable
    problems: tuple[Problem, ...] = ()  # ``scrapy crawl`` with a bad directory file: nothing runs
    # Set as the crawl goes:
    canary_failed: bool | None = None  # the spider, when the canary has answered or failed
    run_id: int | None = None  # the pipeline, when it has begun (or joined) the run
    recorded: int = 0  # the pipeline: checks this process committed to the store
    network: Network | None = None  # the pipeline, when it has settled the run
    bugs: int = 0  # the pipeline: errors of the crawler itself (logged with their tracebacks)
    stopped_by: int | None = None  # `crawler.extensions.Shutdown`: the signal that stopped the crawl
    failure: BaseException | None = field(default=None, repr=False)  # the first error that stopped us

    @classmethod
    def choose(cls, directory: Directory, only: Collection[str] = (), canary: str | None = None) -> RunContext:
        """The context of a crawl of `directory`'s entries, or of those whose ids are in `only`."""
        chosen = set(only)
        entries = tuple(e for e in directory.entries if not chosen or e.id in chosen)
        return cls(directory, entries, canary)

    @property
    def directory_path(self) -> str:
        """The directory file as the user named it ("" in a worker)."""
        return self.directory.path if self.directory is not None else ""

    def fail(self, error: BaseException) -> None:
        """Remember the first error that stopped the crawl or its reports (later ones follow from it)."""
        if self.failure is None:
            self.failure = error
