"""One child crawl of ``crawler crawl --jobs N`` (run as ``python -m crawler.jobs FD``).

The child reads its `Job` from the socket FD, checks the job's entries with the `websites`
spider and the job's settings (the parent's own), and sends every `Check` back instead of
recording it: `ForwardPipeline` takes the history pipeline's place. It stops at once when
the parent closes the socket (the parent stopped, or died), since nobody would record what
it found; Ctrl-C on a terminal goes to the parent, which stops it that way too, so signal
handling stays in the parent alone.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.context import RunContext
from crawler.jobs.channel import Job, ShardDone, frame, receive
from crawler.spiders.websites import WebsitesSpider

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


#: The exit code of a child whose parent went away (nobody reads it but the logs).
PARENT_GONE = 75


class ShardSpider(WebsitesSpider):
    """The `websites` spider over share `index` of the entries; `channel` leads to the parent."""

    def __init__(self, channel: socket.socket, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channel, self.index = channel, index


class ForwardPipeline:
    """Sends each item (each check) to the parent, which records it; counts the crawler's own errors."""

    def __init__(self, channel: socket.socket, index: int) -> None:
        self.channel, self.index = channel, index
        self.bugs = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        spider = crawler.spider
        if not isinstance(spider, ShardSpider):
            raise NotConfigured("the forward pipeline serves a child crawl's spider only")
        pipeline = cls(spider.channel, spider.index)
        crawler.signals.connect(pipeline.bug, signal=signals.spider_error)
        crawler.signals.connect(pipeline.bug, signal=signals.item_error)
        return pipeline

    def bug(self, **kwargs: Any) -> None:
        self.bugs += 1  # Scrapy logged it with its traceback; the parent exits 70 for it

    def process_item(self, item: Any) -> Any:
        # Every item goes to the parent's pipeline: the checks, and what else the spider
        # finds for the store (RDAP answers for its cache).
        self._send(item)
        return item

    def close_spider(self) -> None:
        self._send(ShardDone(self.index, self.bugs))

    def _send(self, message: object) -> None:
        # Blocking, and that is the back-pressure: a child never runs ahead of what the
        # parent can record by more than the socket's buffer.
        try:
            self.channel.sendall(frame(message))
        except OSError:
            _parent_gone()


def _parent_gone() -> None:
    # Nothing to save: the child holds no store and no file. Leave at once, from any thread.
    os._exit(PARENT_GONE)


def _watch(channel: socket.socket) -> None:
    """Leave as soon as the parent closes its end (or dies)."""

    def wait() -> None:
        try:
            while channel.recv(4096):
                pass
        except OSError:
            pass
        _parent_gone()

    threading.Thread(target=wait, name="parent-watch", daemon=True).start()


def run(fd: int) -> int:
    """Run the child crawl whose channel is the socket `fd`; the exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for the whole crawl
    channel = socket.socket(fileno=fd)
    try:
        job = receive(channel)
    except (EOFError, OSError):
        return PARENT_GONE
    assert isinstance(job, Job)
    _watch(channel)
    settings = Settings()
    settings.setdict(job.settings, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(ShardSpider, channel=channel, index=job.index, context=RunContext(None, job.entries))
    process.start(install_signal_handlers=False)
    return 0
