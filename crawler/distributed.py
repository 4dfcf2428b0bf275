"""One crawl shared by several crawler processes, on one machine or many.

The engine is scrapy-redis on a Redis server: its `Scheduler` (with its `RFPDupeFilter`
and priority queue) holds every request on its way to a downloader, so redirects and
retries are picked up by whichever process has room; its start-URLs list
(``REDIS_START_URLS_KEY``, popped in batches by `RedisMixin.next_requests`) holds the
entries waiting to be started. Our requests pass the dupefilter by, as in one process:
two entries may list one URL, and each gets its check. Checks go into one PostgreSQL
history store (`crawler.store.postgres`), which every process writes.

scrapy-redis's spider reads that list in `start_requests()`, which Scrapy 2.16+ no longer
calls; `SharedWebsitesSpider.start()` is the adapter: it takes a batch whenever this
process's downloader has room, and stays open (so the process does) until the run is over.

Who does what:

* the coordinator (``crawler crawl --redis URL --db postgresql://...``, exactly one per
  crawl, held by a Redis lock) begins the run in the store, lists every entry in Redis,
  crawls like the others, and when every entry has its check settles the run (the
  network verdict), writes the reports and clears the crawl's keys;
* workers (the same command with ``--worker``, any number, started before or after the
  coordinator) wait for a run, take entries while they have room, record their checks,
  and stop when the coordinator says the run is over.

Exactly once: the coordinator lists each entry once; a batch leaves the list in one
Redis transaction and a request leaves the scheduler queue in another, so each entry's
request chain (redirects and retries included) is in one process at a time and ends in
one check. The run's counts are HINCRBYs on one hash.

A process killed mid-crawl loses the entries it had taken (scrapy-redis does not
acknowledge work): when nothing has progressed for `stall_after` seconds the coordinator
settles the run with the checks made; the others keep their earlier history.

Requests travel pickled (scrapy-redis's serializer): use a Redis server that only your
crawlers can reach.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis
import scrapy
from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings
from scrapy.utils.asyncio import sleep
from scrapy_redis import defaults as redis_defaults
from scrapy_redis.connection import get_redis
from scrapy_redis.spiders import RedisMixin
from scrapy_redis.utils import bytes_to_str

from crawler.directory import Entry, load_directory
from crawler.errors import SharedCrawlError
from crawler.items import CANARY_ID, Check, utc_now
from crawler.pipelines import HistoryPipeline
from crawler.spiders.websites import WebsitesSpider, entry_request
from crawler.store import is_postgres
from crawler.store.postgres import PostgresStore
from crawler.store.rows import RunRow
from crawler.text import without_password
from crawler.verdict.outcome import Outcome, Reason, Status

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

    from crawler.options import CrawlOptions

logger = logging.getLogger(__name__)

# scrapy-redis 0.9.1 calls APIs Scrapy has since deprecated (`spider=` arguments to the
# stats collector, `Spider.log()`): notes for its maintainers, nothing our users can act on.
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")

SPIDER = WebsitesSpider.name
START_KEY = redis_defaults.START_URLS_KEY % {"name": SPIDER}  # entries waiting to start
QUEUE_KEY = redis_defaults.SCHEDULER_QUEUE_KEY % {"spider": SPIDER}  # the scheduler's requests
SEEN_KEY = redis_defaults.SCHEDULER_DUPEFILTER_KEY % {"spider": SPIDER}  # the dupefilter's fingerprints
LEAD_KEY = f"{SPIDER}:lead"  # the coordinator's lock
RUN_KEY = f"{SPIDER}:run"  # hash: run_id, total, state (running, finished), network

LEAD_TTL = 30  # seconds: a coordinator that stops renewing its lock this long is gone
POLL = 0.2  # seconds between looks at the shared state while there is nothing to start
WORKER_WAIT = 300.0  # seconds a worker waits for a coordinator to start a run
FINISHED_TTL = 24 * 3600  # seconds a finished run's hashes stay, for late workers to read
PUSH_CHUNK = 1000  # entries per RPUSH when listing a large directory


def settings(base: Settings, redis_url: str) -> dict[str, object]:
    """The Scrapy settings of a shared crawl, on top of `base` (ours)."""
    pipelines = dict(base.getdict("ITEM_PIPELINES"))
    order = pipelines.pop("crawler.pipelines.HistoryPipeline", 300)
    pipelines["crawler.distributed.SharedHistoryPipeline"] = order
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # One process closing must not empty the others' queue; the coordinator clears it.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": pipelines,
    }


@dataclass
class SharedCrawl:
    """This process's part in a shared crawl: the Redis connection, the store, the run."""

    redis: redis.Redis
    store: PostgresStore
    run_id: int
    total: int  # checks the run needs: every entry, and the canary if there is one
    name: str  # this process, for the per-process counts
    stall_after: float
    lead: Lock | None = None  # the coordinator's lock; None in a worker
    unlisted: list[Entry] = field(default_factory=list)  # the coordinator's entries without a website
    _progress: tuple[int, float] = (-1, 0.0)  # (checks done, when that count was first seen)
    _renewed: float = 0.0

    @property
    def coordinator(self) -> bool:
        return self.lead is not None

    @property
    def counts_key(self) -> str:
        return f"{RUN_KEY}:{self.run_id}"  # done, attempted, answered, canary, by:<process>

    # --- while crawling ----------------------------------------------------------------

    def counted(self, attempted: int, answered: int) -> None:
        """One check recorded (committed to the store) by this process; `attempted` and
        `answered` (0 or 1) are what it adds to the network verdict's evidence."""
        pipe = self.redis.pipeline()
        pipe.hincrby(self.counts_key, "done", 1)
        pipe.hincrby(self.counts_key, "attempted", attempted)
        pipe.hincrby(self.counts_key, "answered", answered)
        pipe.hincrby(self.counts_key, f"by:{self.name}", 1)
        pipe.execute()

    def canary(self, ok: bool) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self.counts_key, "canary", "ok" if ok else "failed")
        pipe.hincrby(self.counts_key, "done", 1)
        pipe.execute()

    def over(self) -> bool:
        """Whether this process may stop: for the coordinator, every check is in (or
        nothing has moved for `stall_after` seconds); for a worker, the coordinator has
        settled the run, started another, or is gone."""
        self._keep_lead()
        if self.coordinator:
            done = int(self.redis.hget(self.counts_key, "done") or 0)
            return done >= self.total or self._stalled(done)
        pipe = self.redis.pipeline()
        pipe.hmget(RUN_KEY, "run_id", "state")
        pipe.exists(LEAD_KEY)
        (run_id, state), lead = pipe.execute()
        return run_id != str(self.run_id) or state != "running" or not lead

    def _stalled(self, done: int) -> bool:
        now = time.monotonic()
        if done != self._progress[0]:
            self._progress = (done, now)
            return False
        if now - self._progress[1] < self.stall_after:
            return False
        if self.redis.llen(START_KEY) or self.redis.zcard(QUEUE_KEY):
            return False
        logger.warning(
            "shared crawl: no check for %.0f s and nothing left to start; settling run %d with %d of %d "
            "checks (a worker probably stopped mid-crawl; the entries it held keep their earlier history)",
            self.stall_after, self.run_id, done, self.total,
        )
        return True

    def _keep_lead(self) -> None:
        lead = self.lead
        if lead is None or time.monotonic() - self._renewed < LEAD_TTL / 3:
            return
        try:
            lead.reacquire()
        except LockError:
            # Expired while we were busy: take it back unless another coordinator has.
            if not lead.acquire(blocking=False):
                raise SharedCrawlError(
                    "shared crawl: another coordinator took over this Redis database; stopping"
                ) from None
        self._renewed = time.monotonic()

    # --- the end -----------------------------------------------------------------------

    def network_evidence(self) -> tuple[bool, int, int]:
        """Whether the canary failed, checks attempted, checks answered: the whole crawl's."""
        canary, attempted, answered = self.redis.hmget(self.counts_key, "canary", "attempted", "answered")
        return canary == "failed", int(attempted or 0), int(answered or 0)

    def settled(self, run: RunRow) -> None:
        """The coordinator closed the run in the store: tell the workers, clear the queues."""
        pipe = self.redis.pipeline()
        pipe.hset(RUN_KEY, mapping={"state": "finished", "network": run.network})
        pipe.expire(RUN_KEY, FINISHED_TTL)
        pipe.expire(self.counts_key, FINISHED_TTL)
        pipe.delete(START_KEY, QUEUE_KEY, SEEN_KEY)
        pipe.execute()
        if self.lead is not None:
            try:
                self.lead.release()
            except LockError:
                pass  # expired meanwhile: nothing to release

    def verdict(self) -> str:
        """The run's network verdict as the coordinator published it, or 'interrupted'."""
        run_id, network = self.redis.hmget(RUN_KEY, "run_id", "network")
        return network if run_id == str(self.run_id) and network else "interrupted"

    def close(self) -> None:
        self.store.close()
        self.redis.close()


def join(options: CrawlOptions, base: Settings) -> SharedCrawl:
    """Connect to Redis and the store and take this process's part: lead a new run or
    wait (at most WORKER_WAIT seconds) for one. Raises StoreError/ValueError before any
    crawling, so the CLI reports it like any bad store or option."""
    if not is_postgres(options.db):
        raise ValueError("--redis needs a store every process can write: --db postgresql://...")
    url = options.redis or ""
    client = get_redis(url=url, decode_responses=True)
    try:
        client.ping()
    except RedisError as exc:
        client.close()
        raise SharedCrawlError(f"{without_password(url)}: cannot reach Redis ({exc})") from None
    try:
        store = PostgresStore.open(options.db, write=True, shared=True)
    except BaseException:
        client.close()
        raise
    name = f"{socket.gethostname()}:{os.getpid()}"
    stall_after = max(60.0, 10 * options.timeout)
    try:
        if options.worker:
            run_id, total = _await_run(client, url)
            return SharedCrawl(client, store, run_id, total, name, stall_after)
        return _lead(client, store, options, name, stall_after, base)
    except RedisError as exc:
        store.close()
        client.close()
        raise SharedCrawlError(f"{without_password(url)}: Redis failed while joining the shared crawl ({exc})") from None
    except BaseException:
        store.close()
        client.close()
        raise


def _lead(
    client: redis.Redis, store: PostgresStore, options: CrawlOptions, name: str, stall_after: float, base: Settings
) -> SharedCrawl:
    lead = client.lock(LEAD_KEY, timeout=LEAD_TTL, blocking=False)
    if not lead.acquire():
        raise SharedCrawlError(
            f"{without_password(options.redis or '')}: another coordinator is running a shared crawl on this "
            "Redis database; join it with --worker, or wait until it has finished"
        )
    try:
        client.delete(START_KEY, QUEUE_KEY, SEEN_KEY)  # what a crawl that died left behind
        only = set(options.only)
        entries = [e for e in load_directory(options.directory).entries if not only or e.id in only]
        listed = [e for e in entries if e.ascii_url is not None]
        run_id = store.begin_run(options.directory)
        total = len(entries) + (1 if base.get("CRAWLER_CANARY_URL") else 0)
        pipe = client.pipeline()  # one transaction: a worker sees all entries or none
        for start in range(0, len(listed), PUSH_CHUNK):
            pipe.rpush(START_KEY, *(_message(e) for e in listed[start : start + PUSH_CHUNK]))
        pipe.delete(RUN_KEY)
        pipe.hset(RUN_KEY, mapping={"run_id": run_id, "total": total, "state": "running", "started_at": utc_now()})
        pipe.execute()
    except BaseException:
        lead.release()
        raise
    logger.info("shared crawl: leading run %d, %d entries listed in Redis", run_id, len(listed))
    unlisted = [e for e in entries if e.ascii_url is None]
    return SharedCrawl(client, store, run_id, total, name, stall_after, lead=lead, unlisted=unlisted)


def _await_run(client: redis.Redis, url: str) -> tuple[int, int]:
    deadline = time.monotonic() + WORKER_WAIT
    while True:
        run_id, total, state = client.hmget(RUN_KEY, "run_id", "total", "state")
        if run_id and state == "running" and client.exists(LEAD_KEY):
            return int(run_id), int(total or 0)
        if time.monotonic() > deadline:
            raise SharedCrawlError(
                f"{without_password(url)}: no coordinator started a shared crawl within {WORKER_WAIT:.0f} s; "
                "start one with the same command without --worker"
            )
        time.sleep(POLL)  # waiting for a condition in another process, with a deadline


def _message(entry: Entry) -> str:
    # scrapy-redis's start-URL message: JSON with "url" and "meta".
    return json.dumps({"url": entry.ascii_url, "meta": {"entry": dataclasses.asdict(entry)}})


class SharedWebsitesSpider(RedisMixin, WebsitesSpider):
    """The `websites` spider in one process of a shared crawl (spider argument `shared`)."""

    def __init__(self, shared: SharedCrawl, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shared = shared
        self.total = shared.total

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.shared.coordinator:
            canary = self.crawler.settings.get("CRAWLER_CANARY_URL")
            if canary:
                yield scrapy.Request(canary, callback=self._canary_ok, errback=self._canary_failed, dont_filter=True)
            for entry in self.shared.unlisted:
                yield Check(entry.id, None, utc_now(), Outcome(Status.NO_WEBSITE, Reason.NO_WEBSITE, "no website listed"))
        engine = self.crawler.engine
        while not self.shared.over():
            if not engine.needs_backout():
                batch = list(self.next_requests())  # one transaction takes them off the list
                if batch:
                    for request in batch:
                        yield request
                    continue
            await sleep(POLL)  # nothing to start here now: look again shortly

    def make_request_from_data(self, data: bytes | str) -> scrapy.Request:
        message = json.loads(bytes_to_str(data, self.redis_encoding))
        entry = Entry(**message["meta"]["entry"])
        return entry_request(entry, message["url"], self.parse, self.failed)

    def spider_idle(self) -> None:
        """scrapy-redis keeps an idle spider open; ours stays open in `start()` instead,
        so once that has returned an idle spider may close."""

    def _canary_ok(self, response: scrapy.http.Response) -> None:
        super()._canary_ok(response)
        self.shared.canary(ok=True)

    def _canary_failed(self, failure: Failure) -> None:
        super()._canary_failed(failure)
        self.shared.canary(ok=False)


class SharedHistoryPipeline(HistoryPipeline):
    """`HistoryPipeline` for one process of a shared crawl: records into the shared
    store's run; only the coordinator settles the run and writes the reports.
    Stats it adds: crawler/shared/recorded (checks this process recorded)."""

    shared: SharedCrawl

    def open_spider(self) -> None:
        self.shared = self.crawler.spider.shared
        self.store = self.shared.store
        self.run_id = self.shared.run_id

    def process_item(self, item: Any) -> Any:
        before = self.attempted, self.answered
        item = super().process_item(item)  # committed to the store, counted in this process
        if isinstance(item, Check) and item.entry_id != CANARY_ID:
            self.shared.counted(self.attempted - before[0], self.answered - before[1])
            self.crawler.stats.inc_value("crawler/shared/recorded")
        return item

    def network_evidence(self) -> tuple[bool, int, int]:
        return self.shared.network_evidence()

    def settled(self, run: RunRow) -> None:
        self.shared.settled(run)

    def close_spider(self) -> None:
        if self.shared.coordinator:
            super().close_spider()
            return
        self.crawler.stats.set_value("crawler/network", self.shared.verdict())
        self.crawler.stats.set_value("crawler/run_id", self.run_id)
        self.store = None  # the store is the SharedCrawl's; it closes it
