"""Scrapy extensions: the per-page read limit, garbage-collector tuning, progress reporting and
prompt stops on SIGINT and SIGTERM."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import Request, Spider, signals
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.context import STOP_FORCED, RunContext
from crawler.items import ANSWERED_STAT, OUTCOME_STAT
from crawler.net.handler import STOPPING
from crawler.spiders.websites import WebsitesSpider
from crawler.verdict.outcome import Network

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ReadLimit:
    """Stops reading a body after CRAWLER_READ_LIMIT bytes and keeps what arrived.

    A verdict needs the status, the headers and the top of the page (the title, the
    dates); reading 60 MB to learn a title wastes time and memory. The response is
    delivered truncated (`StopDownload(fail=False)`), not failed. A request may lower
    the limit with ``meta["read_limit"]``.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getint("CRAWLER_READ_LIMIT")
        if limit <= 0:
            raise NotConfigured
        extension = cls(limit)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    def bytes_received(self, data: bytes, request: Request, **kwargs: Any) -> None:
        seen = request.meta.get("_bytes_read", 0) + len(data)
        request.meta["_bytes_read"] = seen
        if seen >= request.meta.get("read_limit", self.limit):
            raise StopDownload(fail=False)


class GarbageCollection:
    """Runs Python's cycle collector less often during a crawl, and restores it after.

    Every request leaves cycles behind (Deferreds, failures with their tracebacks), so the
    young generation fills every 700 allocations by default, and its passes promote what
    they meet to older generations, whose passes walk the crawl's long-lived objects.
    With CRAWLER_GC_THRESHOLD allocations between young passes, the collector's own time
    in a 10,000-site crawl fell from 2.8 to 0.8 s (measured with `gc.callbacks`); the
    garbage still goes, a little later. What exists when the engine starts (modules,
    settings, components) lives as long as the crawl and is frozen out of the walks.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.saved: tuple[int, ...] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("CRAWLER_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.saved = gc.get_threshold()
        _, older, oldest = self.saved
        gc.set_threshold(self.threshold, older, oldest)
        gc.freeze()

    def engine_stopped(self) -> None:
        if self.saved is not None:
            gc.unfreeze()
            gc.set_threshold(*self.saved)
            self.saved = None


class Progress:
    """How far the crawl is, while it runs; what it found, once, at the end.

    On a terminal: one live line, redrawn in place, cut to the terminal's width; a log
    record never lands on it (the line is cleared before any handler of the root logger
    writes, and drawn again at the next tick). Elsewhere (logs, CI): one plain line every
    CRAWLER_PROGRESS_INTERVAL seconds. While the crawl runs the lines say how many checks
    were made and how many a server answered, nothing more: whether a failure is the site's
    or the network's is only known at the end. Then, if the network was available, a
    table of the checks per status, printed once; if not, no table (the run's checks are
    discarded, and the command says why). CRAWLER_PROGRESS = False silences it all.
    The counts are the pipeline's stats (crawler/outcome/<status>, crawler/answered), the
    total the run context's entries: nothing is counted twice.
    """

    def __init__(self, crawler: Crawler, stream: TextIO, interval: float) -> None:
        self.crawler = crawler
        self.stream = stream
        self.live = stream.isatty()
        self.interval = 0.5 if self.live else interval
        self.context: RunContext | None = None  # the websites spider's, once it is open
        self.started = time.monotonic()
        self.drawn = False  # the live line is on the screen
        self._task: task.LoopingCall | None = None
        self._guard = _ClearLiveLine(self)
        self._guarded: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("CRAWLER_PROGRESS", True):
            raise NotConfigured
        extension = cls(crawler, sys.stderr, crawler.settings.getfloat("CRAWLER_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        # Extensions are made before the spider; its context is read once it exists.
        if isinstance(spider, WebsitesSpider):
            self.context = spider.context
        if self.live:
            self._guarded = list(logging.getLogger().handlers)
            for handler in self._guarded:
                handler.addFilter(self._guard)
        self._task = task.LoopingCall(self.show)
        self._task.start(self.interval, now=False)

    def counts(self) -> dict[str, int]:
        """Checks recorded so far, per status."""
        stats = self.crawler.stats
        assert stats is not None
        return {
            key.removeprefix(OUTCOME_STAT): int(value)
            for key, value in stats.get_stats().items()
            if key.startswith(OUTCOME_STAT)
        }

    def head(self, done: int) -> str:
        """``checked 120/1,000 in 37s``."""
        total = f"{len(self.context.entries):,}" if self.context is not None else "?"
        return f"checked {done:,}/{total} in {time.monotonic() - self.started:.0f}s"

    def line(self, counts: dict[str, int]) -> str:
        """``checked 120/1,000 in 37s, 98 answered``: short, and true whatever the end says."""
        done = sum(counts.values())
        text = self.head(done)
        if done:
            stats = self.crawler.stats
            assert stats is not None
            text += f", {int(stats.get_value(ANSWERED_STAT, 0)):,} answered"
        return text

    def show(self) -> None:
        text = self.line(self.counts())
        if self.live:
            self.stream.write("\r\x1b[K" + fit(text, shutil.get_terminal_size().columns - 1))
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self) -> None:
        """Take the live line off the screen (before a log record is written there)."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def spider_closed(self) -> None:
        if self._task and self._task.running:
            self._task.stop()
        for handler in self._guarded:
            handler.removeFilter(self._guard)
        self._guarded = []
        self.clear()
        counts = self.counts()
        self.stream.write(self.head(sum(counts.values())) + "\n")
        network = self.context.network if self.context is not None else None
        if network is Network.UNAVAILABLE:
            self.stream.flush()
            return  # its checks were discarded: a table of them would blame the sites
        width = max((len(s) for s in counts), default=6)
        for status, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            self.stream.write(f"  {status:<{width}}  {n:>6}\n")
        self.stream.flush()


class _ClearLiveLine(logging.Filter):
    """A filter on the root logger's handlers that lets every record through, after
    taking the live progress line off the screen, so the record starts on a clean line."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


def fit(text: str, width: int) -> str:
    """`text` cut to `width` characters (at least 1), ending in "…" when cut."""
    width = max(width, 1)
    return text if len(text) <= width else text[: width - 1] + "…"


class Shutdown:
    """SIGINT and SIGTERM stop a crawl within seconds, even while a page is being parsed.

    The first signal cancels every download in flight (the `STOPPING` signal, heard by the
    download handler) and closes the spider: checks already recorded stay, entries not yet
    checked are not failures, and the pipeline settles the run as interrupted and writes
    the reports, which say so. If the crawl has not stopped CRAWLER_STOP_GRACE seconds
    later (the reactor's thread stuck in a long parse cannot hear anything), or a second
    signal comes, the run is settled from this extension's own thread (`STOP_FORCED`,
    heard by the pipeline) and the process exits at once with 128 + the signal's number.

    Installed on the reactor's first turn, after Scrapy's own handlers (which wait for
    every download in flight, up to the timeout), so these are the ones in force for
    `crawler crawl` and `scrapy crawl websites` alike.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, crawler: Crawler, grace: float) -> None:
        self.crawler = crawler
        self.grace = grace
        self.stopped = threading.Event()
        self.number = 0  # the signal that asked for the stop

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        grace = crawler.settings.getfloat("CRAWLER_STOP_GRACE")
        if grace <= 0:
            raise NotConfigured
        extension = cls(crawler, grace)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        # Scrapy installs its handlers once the reactor has started up, which is after the
        # engine started: ours go in on the reactor's first turn, after Scrapy's.
        from twisted.internet import reactor

        reactor.callLater(0, self._install)

    def _install(self) -> None:
        if threading.current_thread() is threading.main_thread():  # signals go to the main thread
            for number in self.SIGNALS:
                signal.signal(number, self._first)

    def engine_stopped(self) -> None:
        self.stopped.set()

    def _context(self) -> RunContext | None:
        spider = self.crawler.spider
        return spider.context if isinstance(spider, WebsitesSpider) else None

    def _first(self, number: int, frame: object) -> None:
        # In the main thread, between two bytecodes of whatever it was doing: only note the
        # stop and hand the work to the reactor and to a watchdog.
        for other in self.SIGNALS:
            signal.signal(other, self._second)
        self.number = number
        context = self._context()
        if context is not None:
            context.stopped_by = number
        from twisted.internet import reactor

        reactor.callFromThread(self._stop)
        threading.Thread(target=self._watch, name="crawler-shutdown", daemon=True).start()

    def _stop(self) -> None:
        logger.warning("stopping (%s): the checks made so far are kept", signal.Signals(self.number).name)
        self.crawler.signals.send_catch_log(STOPPING)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="shutdown"))

    def _watch(self) -> None:
        if not self.stopped.wait(self.grace):
            self._force(self.number, f"the crawl did not stop within {self.grace:g} s", reports=True)

    def _second(self, number: int, frame: object) -> None:
        self._force(number, "a second signal", reports=False)

    def _force(self, number: int, why: str, reports: bool) -> None:
        sys.stderr.write(f"\ncrawler: forced to stop ({why}); settling the run as interrupted\n")
        try:
            self.crawler.signals.send_catch_log(STOP_FORCED, forced_by=number, reports=reports)
        finally:
            sys.stderr.flush()
            os._exit(128 + number)
