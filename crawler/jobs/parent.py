"""The parent of ``crawler crawl --jobs N``: the `websites` crawl whose checks come from children.

`ShardedWebsitesSpider` is the spider of the command's own Scrapy crawl. It opens the run as
one process would (`WebsitesSpider.opening`: the canary, the entries without a website),
starts one child per share (`crawler.jobs.child`), and yields the checks the children send
as its own start items, so the history pipeline, the progress line, the network verdict and
the reports are exactly those of a crawl alone. The spider stays open until every child has
ended; when it closes for any other reason (a signal, the store failing) it closes the
children's channels, and they stop at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import protocol, threads
from twisted.internet.defer import CancelledError, Deferred, DeferredList, DeferredQueue

from crawler.directory import Entry
from crawler.items import Check
from crawler.jobs.channel import FrameReader, Job, ShardDone, frame
from crawler.spiders.websites import WebsitesSpider

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: Settings a child never takes from the parent: it forwards instead of recording, and the
#: parent alone shows progress, asks the canary and hears signals (it stops the children
#: by closing their channels: `crawler.extensions.Shutdown` runs in the parent only).
CHILD_SETTINGS: dict[str, Any] = {
    "ITEM_PIPELINES": {"crawler.jobs.child.ForwardPipeline": 300},
    "CRAWLER_PROGRESS": False,
    "CRAWLER_CANARY_URL": None,
    "CRAWLER_STOP_GRACE": 0,
}


@dataclass(frozen=True, slots=True)
class ShardEnded:
    """A child process has exited (after its channel closed)."""

    index: int
    exit_code: int


class ShardChannel(protocol.Protocol):
    """The parent's end of one child's socket: messages in, and the child's end once it closes."""

    def __init__(self, index: int, child: subprocess.Popen[bytes], inbox: DeferredQueue[object]) -> None:
        self.index, self.child, self.inbox = index, child, inbox
        self.reader = FrameReader()
        self.checks = 0  # received from this child
        self.ended: Deferred[int] = Deferred()  # fires with the exit code once the child is gone

    def dataReceived(self, data: bytes) -> None:
        for message in self.reader.feed(data):
            self.checks += isinstance(message, Check)
            self.inbox.put(message)

    def connectionLost(self, reason: Failure = protocol.connectionDone) -> None:
        # The child closes its end only by exiting: wait for its exit code off the reactor.
        threads.deferToThread(self.child.wait).addCallback(self._exited)

    def _exited(self, code: int) -> None:
        self.inbox.put(ShardEnded(self.index, code))
        self.ended.callback(code)

    def stop(self) -> None:
        """Ask the child to stop now (it leaves when its channel closes)."""
        if self.transport is not None and self.transport.connected:
            self.transport.loseConnection()


class ShardedWebsitesSpider(WebsitesSpider):
    """The `websites` spider of a parent: checks of `shards` (one child each) as start items."""

    def __init__(self, shards: Sequence[Sequence[Entry]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shards = [tuple(share) for share in shards]
        self.channels: list[ShardChannel] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stop_children, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for first in self.opening():
            yield first
        inbox: DeferredQueue[object] = DeferredQueue()
        settings = child_settings(self.crawler.settings, len(self.shards))
        self.channels = [self._start_child(n, share, settings, inbox) for n, share in enumerate(self.shards)]
        done: set[int] = set()
        running = len(self.channels)
        while running:
            try:
                message = await maybe_deferred_to_future(inbox.get())
            except (CancelledError, asyncio.CancelledError):
                return  # the engine is stopping (a signal): it closes the spider, and so the children
            if isinstance(message, ShardDone):
                self.context.bugs += message.bugs
                done.add(message.index)
            elif isinstance(message, ShardEnded):
                running -= 1
                logger.info(
                    "crawl process %d of %d (pid %d) ended: %d checks of %d entries",
                    message.index + 1, len(self.channels), self.channels[message.index].child.pid,
                    self.channels[message.index].checks, len(self.shards[message.index]),
                )
                if message.exit_code != 0 or message.index not in done:
                    # It did not finish its share: the entries it had not sent keep their history.
                    logger.error(
                        "crawl process %d of %d ended with exit code %d before it finished its share",
                        message.index + 1, len(self.channels), message.exit_code,
                    )
                    self.context.bugs += 1
            else:
                yield message  # a check, or another item for the store (an RDAP answer)

    def _start_child(
        self, index: int, entries: tuple[Entry, ...], settings: dict[str, Any], inbox: DeferredQueue[object]
    ) -> ShardChannel:
        from twisted.internet import reactor

        ours, theirs = socket.socketpair()
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "crawler.jobs", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            )
        finally:
            theirs.close()
        channel = ShardChannel(index, child, inbox)
        factory = protocol.Factory.forProtocol(lambda: channel)
        reactor.adoptStreamConnection(ours.fileno(), socket.AF_UNIX, factory)  # type: ignore[attr-defined]
        ours.close()  # the reactor holds its own duplicate
        assert channel.transport is not None
        channel.transport.write(frame(Job(index, settings, entries)))
        return channel

    async def stop_children(self) -> None:
        """Stop the children still running; returns once every child has exited (at once on
        their channel closing), so the crawl ends after them, never leaving one behind."""
        for channel in self.channels:
            channel.stop()
        await maybe_deferred_to_future(DeferredList([channel.ended for channel in self.channels]))


def child_settings(settings: BaseSettings, children: int) -> dict[str, Any]:
    """What a child runs with: every setting the parent has beyond Scrapy's defaults (ours and
    the command line's), the crawl's concurrency and RDAP lookups shared out, and
    `CHILD_SETTINGS` on top."""
    values = settings.copy_to_dict()
    chosen = {name: values[name] for name in values if (settings.getpriority(name) or 0) > 0}
    for shared_out in ("CONCURRENT_REQUESTS", "CRAWLER_RDAP_PER_RUN"):  # the whole crawl's, shared out
        chosen[shared_out] = math.ceil(settings.getint(shared_out) / children)
    chosen.update(CHILD_SETTINGS)
    return chosen
