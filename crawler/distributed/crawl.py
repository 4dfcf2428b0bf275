"""One crawl shared by several crawler processes, on one machine or many, that loses nothing.

The entries wait in Redis in a lease queue (`crawler.distributed.leases`): a process takes entries
while it has room, each lent to it until its check is committed to the one PostgreSQL
history store (`crawler.store.postgres`) that every process writes. Requests stay in the
process that took their entry (Scrapy's own scheduler), so an entry's redirects, retries
and side requests are asked by one process, as in a crawl alone.

Who does what:

* the coordinator (``crawler crawl --redis URL --db postgresql://...``, exactly one at a
  time, held by a Redis lock and a PostgreSQL advisory lock) begins the run in the store,
  lists every entry in Redis, crawls like the others, and once no entry is waiting or lent
  out settles the run (the network verdict, from the store's checks), writes the reports
  and clears the crawl's keys;
* workers (the same command with ``--worker``, any number, started before or after the
  coordinator) wait for a run, take entries while they have room, record their checks,
  and stop when the run is settled.

What can fail, and what happens (the README's "Past one machine" says it for users):

* a process dies (SIGKILL, a lost machine): it stops renewing its leases, and they expire
  after ``--lease`` seconds; the next process asking for work puts those entries back first;
* an entry is checked twice (its lease expired under a process that then finished after
  all): the store keeps the first check (a unique index on run and entry);
* the coordinator dies: the workers go on (for up to `WORKER_WAIT` without one); the same
  command started again takes the run over from Redis, lists what has no check yet, and
  finishes it;
* Redis goes away: every process stops taking entries, records the checks it has in
  flight, and waits up to twice the lease for Redis; if it comes back, the crawl goes on
  (the coordinator lists again what Redis lost), otherwise each process stops and says so,
  the run is left unsettled, and ``crawler crawl --redis ... --resume`` finishes it later;
* with ``--origin NAME`` on the processes, a failure seen from one origin is looked at
  again from another before it is recorded, and the check records where it was seen from.

Requests never travel through Redis; only entries (JSON) do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis
from redis.backoff import NoBackoff
from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from redis.retry import Retry
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.internet.defer import CancelledError

from crawler.context import RunContext
from crawler.directory import Entry
from crawler.distributed.leases import Lease, LeaseQueue
from crawler.errors import SharedCrawlError, UsageError, WriteError
from crawler.items import CANARY_ID, OUTCOME_STAT, Check, DomainLookup, utc_now
from crawler.pipelines import HistoryPipeline
from crawler.spiders.websites import WebsitesSpider
from crawler.store import Store, is_postgres
from crawler.store.postgres import PostgresStore
from crawler.text import without_password
from crawler.verdict.outcome import Network, Outcome

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

    from crawler.options import CrawlOptions

logger = logging.getLogger(__name__)

SPIDER = WebsitesSpider.name
LEAD_KEY = f"{SPIDER}:lead"  # the coordinator's lock
RUN_KEY = f"{SPIDER}:run"  # hash: run_id, state (running, finished), network, lease, started_at

LEASE = 30.0  # seconds an entry stays lent to a process that stops renewing it (--lease)
LEAD_MIN = 3.0  # seconds: the coordinator's lock lasts a lease, and at least this long
POLL = 0.2  # seconds between looks at the shared state while there is nothing to take
TAKE_AT_ONCE = 64  # entries asked for per request for work: leases start when taken
WORKER_WAIT = 300.0  # seconds a worker waits for a run to start, or without a coordinator
FINISHED_TTL = 24 * 3600  # seconds a finished run's hashes stay, for late workers to read
REDIS_TIMEOUT = 5.0  # seconds a Redis command may take before Redis counts as gone


def settings(base: Settings, redis_url: str) -> dict[str, object]:
    """The Scrapy settings of a shared crawl, on top of `base` (ours): its pipeline."""
    pipelines = dict(base.getdict("ITEM_PIPELINES"))
    order = pipelines.pop("crawler.pipelines.HistoryPipeline", 300)
    pipelines["crawler.distributed.crawl.SharedHistoryPipeline"] = order
    return {"ITEM_PIPELINES": pipelines}


@dataclass
class SharedCrawl:
    """This process's part in a shared crawl: the Redis connection and queue, the store, the run.

    Every Redis command goes through here; a `RedisError` starts an outage (`_lost`), during
    which nothing new is taken and finished leases are remembered to be told later."""

    redis: redis.Redis
    queue: LeaseQueue
    store: PostgresStore
    run_id: int
    name: str  # this process, as the holder of its leases
    origin: str | None
    lease: float  # seconds
    url: str  # Redis, without its password, for messages
    lead: Lock | None = None  # the coordinator's lock; None in a worker
    entries: tuple[Entry, ...] = ()  # the coordinator's: what the run checks (to list again)
    canary_before: str | None = None  # a resumed run's canary, as an earlier coordinator saw it
    held: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entry id -> origins that saw it fail
    complete: bool = False  # the coordinator saw nothing waiting or lent out: the run may be settled
    failure: str | None = None  # why this process stopped before the run was over
    _outage_since: float | None = None
    _tried: float = 0.0
    _unfinished: list[tuple[str, bool]] = field(default_factory=list)  # finished during an outage
    _renewed_lead: float = 0.0
    _lead_absent_since: float | None = None
    _others: tuple[float, bool] = (0.0, False)  # (when looked, whether another origin is live)

    @property
    def coordinator(self) -> bool:
        return self.lead is not None

    @property
    def counts_key(self) -> str:
        return f"{RUN_KEY}:{self.run_id}"  # canary, by:<process>

    @property
    def lease_ms(self) -> int:
        return int(self.lease * 1000)

    @property
    def grace(self) -> float:
        """Seconds Redis may be away before this process gives up."""
        return 2 * self.lease

    # --- taking and giving back -------------------------------------------------------

    def take(self, room: int) -> list[Lease]:
        """Up to `room` entries lent to this process (none while Redis is away)."""
        if self._outage_since is not None and not self._recovered():
            return []
        try:
            leases = self.queue.take(min(room, TAKE_AT_ONCE), self.name, self.origin, self.lease_ms)
        except RedisError as exc:
            self._lost(exc)
            return []
        for lease in leases:
            self.held[lease.entry.id] = lease.seen
        return leases

    def renew(self) -> None:
        """Extend the leases this process holds (every third of a lease, from the reactor)."""
        if self._outage_since is not None:
            return
        try:
            lost = self.queue.renew(self.held, self.name, self.origin, self.lease_ms)
            self._keep_lead()
        except RedisError as exc:
            self._lost(exc)
            return
        if lost:
            # Expired while this process was too slow to renew: someone may check them again;
            # the store keeps whichever check comes first.
            logger.info("shared crawl: %d lease(s) expired before they were renewed", len(lost))

    def second_look_wanted(self, outcome: Outcome, seen: tuple[str, ...]) -> bool:
        """Whether a failure seen from here should be looked at again from another origin."""
        if not (self.origin and outcome.status.failing and outcome.status.reaches_network) or seen:
            return False
        now = time.monotonic()
        if now - self._others[0] > 1.0:  # one look at the live origins a second is plenty
            try:
                self._others = (now, self.queue.other_origin_live(self.origin))
            except RedisError as exc:
                self._lost(exc)
                return False
        return self._others[1]

    def ask_again(self, entry_id: str, seen: tuple[str, ...]) -> bool:
        """Hand the entry back for a second look; False if Redis could not take it back."""
        try:
            self.queue.ask_again(entry_id, seen)
        except RedisError as exc:
            self._lost(exc)
            return False
        self.held.pop(entry_id, None)
        return True

    def origin_of(self, outcome: Outcome, seen: tuple[str, ...]) -> str | None:
        """Where the check was seen from: this origin, after those that saw it fail first
        when it fails again here ("a,b"); None when it reached no network or nobody is named."""
        if not outcome.status.reaches_network:
            return None
        names = (*seen, self.origin) if outcome.status.failing and self.origin else (self.origin,)
        return ",".join(n for n in names if n) or None

    def finished(self, entry_id: str, recorded: bool) -> None:
        """The entry's check is in the store (`recorded`: by this process)."""
        self.held.pop(entry_id, None)
        if self._outage_since is None:
            try:
                self.queue.finish(entry_id, self.name, self.counts_key, recorded)
                return
            except RedisError as exc:
                self._lost(exc)
        self._unfinished.append((entry_id, recorded))  # told once Redis is back

    def give_back(self) -> None:
        """Return what this process still holds to the front of the queue (it is stopping)."""
        if not self.held or self._outage_since is not None:
            return
        try:
            self.queue.release(self.held, self.name)
        except RedisError:
            pass  # the leases expire instead
        self.held.clear()

    def canary(self, ok: bool) -> None:
        try:
            self.redis.hset(self.counts_key, "canary", "ok" if ok else "failed")
        except RedisError as exc:
            self._lost(exc)

    # --- when to stop --------------------------------------------------------------------

    def over(self) -> bool:
        """Whether this process may stop taking work: for the coordinator, nothing is waiting
        or lent out; for a worker, the run is settled (or gone, or without a coordinator for
        `WORKER_WAIT`); for either, Redis has been away too long (`failure` says so)."""
        if self.failure is not None:
            return True
        if self._outage_since is not None:
            self._recovered()
            return self.failure is not None
        try:
            self._keep_lead()
            # One transaction: the run's state and what is left come from the same Redis
            # (a restart between two reads could make an emptied queue look finished).
            pipe = self.redis.pipeline()
            pipe.hmget(RUN_KEY, "run_id", "state")
            pipe.exists(LEAD_KEY)
            self.queue.count_remaining(pipe)
            (run_id, state), lead, *left = pipe.execute()
            if run_id is None:  # Redis is back from a restart that lost its data (or was flushed)
                if not self.coordinator:
                    self._lost("it lost the run's data; waiting for the coordinator to list the run again")
                    return False
                logger.warning("shared crawl: Redis lost the run's data; listing what has no check yet")
                self.list_missing()
                return False
            if self.coordinator:
                self.complete = sum(left) == 0
                return self.complete
        except RedisError as exc:
            self._lost(exc)
            return False
        if run_id != str(self.run_id) or state != "running":
            return True
        return self._without_lead(bool(lead))

    def _without_lead(self, lead: bool) -> bool:
        now = time.monotonic()
        if lead:
            self._lead_absent_since = None
            return False
        if self._lead_absent_since is None:
            self._lead_absent_since = now
            logger.warning("shared crawl: the coordinator is gone; going on without it (start it again to finish the run)")
        if now - self._lead_absent_since < WORKER_WAIT:
            return False
        self.failure = (
            f"no coordinator for {WORKER_WAIT:.0f} s: stopping; the checks made here are recorded, "
            f"and starting the coordinator again finishes run {self.run_id}"
        )
        return True

    def _keep_lead(self) -> None:
        lead = self.lead
        if lead is None or time.monotonic() - self._renewed_lead < lead_ttl(self.lease) / 3:
            return
        try:
            lead.reacquire()
        except LockError:
            # Expired while we were busy or Redis was away: take it back unless another has.
            if not lead.acquire(blocking=False):
                self.failure = "another coordinator took over this Redis database; stopping"
        self._renewed_lead = time.monotonic()

    # --- Redis going away and coming back ---------------------------------------------------

    def _lost(self, why: RedisError | str) -> None:
        if self._outage_since is None:
            self._outage_since = self._tried = time.monotonic()
            logger.warning(
                "shared crawl: Redis at %s went away (%s); taking no new entries, recording the checks in "
                "progress, and waiting up to %.0f s for it", self.url, why, self.grace,
            )

    def _recovered(self) -> bool:
        """During an outage: whether Redis is back (looked at about once a second). Gives up,
        setting `failure`, once it has been away longer than `grace`."""
        now = time.monotonic()
        if now - self._tried < 1.0:
            return False
        self._tried = now
        try:
            self.redis.ping()
            run_id = self.redis.hget(RUN_KEY, "run_id")
            if run_id != str(self.run_id) and self.coordinator:
                logger.warning("shared crawl: Redis came back without the run; listing what has no check yet")
                self.list_missing()
                run_id = str(self.run_id)
            if run_id == str(self.run_id):
                for entry_id, recorded in self._unfinished:
                    self.queue.finish(entry_id, self.name, self.counts_key, recorded)
                self._unfinished.clear()
                self._outage_since = None
                self._renewed_lead = 0.0
                logger.warning("shared crawl: Redis at %s is back; going on", self.url)
                return True
        except RedisError:
            pass
        assert self._outage_since is not None
        if now - self._outage_since > self.grace:
            self.failure = (
                f"Redis at {self.url} has been away for {now - self._outage_since:.0f} s: stopping; the checks "
                "made here are recorded" + (
                    f", and run {self.run_id} is left open: when Redis is back, start this command "
                    "again (with --resume if Redis lost its data) to finish it" if self.coordinator else ""
                )
            )
        return False

    # --- listing, and the end ---------------------------------------------------------------

    def list_missing(self) -> list[Entry]:
        """List in Redis the run's entries that have no check yet and are not already there;
        publish the run. The coordinator's, at the start and when Redis lost its data."""
        done = self.store.recorded_entries(self.run_id)
        missing = [e for e in self.entries if e.id not in done]
        present = self.queue.listed()
        added = self.queue.add(
            (e for e in missing if e.ascii_url is not None and e.id not in present), between=self._keep_lead
        )
        pipe = self.redis.pipeline()
        pipe.delete(RUN_KEY)
        pipe.hset(RUN_KEY, mapping={
            "run_id": self.run_id, "state": "running", "lease": self.lease, "started_at": utc_now(),
        })
        pipe.execute()
        logger.info("shared crawl: run %d, %d entries listed in Redis (%d already checked)", self.run_id, added, len(done))
        return missing

    def canary_failed(self, here: bool | None) -> bool:
        """Whether the canary failed: as this process saw it, else as an earlier coordinator did."""
        return here if here is not None else self.canary_before == "failed"

    def settled(self, network: Network) -> None:
        """The coordinator closed the run in the store: tell the workers, clear the queues."""
        self.held.clear()  # nothing to give back to a run that is over
        try:
            pipe = self.redis.pipeline()
            pipe.hset(RUN_KEY, mapping={"run_id": self.run_id, "state": "finished", "network": network.value})
            pipe.expire(RUN_KEY, FINISHED_TTL)
            pipe.expire(self.counts_key, FINISHED_TTL)
            pipe.delete(*self.queue.keys)
            pipe.execute()
            if self.lead is not None:
                self.lead.release()
        except LockError:
            pass  # expired meanwhile: nothing to release
        except RedisError as exc:
            # The store says it all; workers read the verdict from there when Redis is away.
            logger.warning("shared crawl: could not tell Redis the run is settled (%s)", exc)

    def verdict(self) -> Network:
        """The run's network verdict as the coordinator settled it, or interrupted."""
        try:
            run_id, network = self.redis.hmget(RUN_KEY, "run_id", "network")
            if run_id == str(self.run_id) and network:
                return Network(network)
        except RedisError:
            pass
        run = self.store.run(self.run_id)  # the store has the last word when Redis is away
        if run is not None and run.network in (Network.AVAILABLE, Network.UNAVAILABLE):
            return run.network
        return Network.INTERRUPTED

    def close(self) -> None:
        self.store.close()
        self.redis.close()


def lead_ttl(lease: float) -> float:
    """Seconds the coordinator's lock lasts without renewal: a lease (at least `LEAD_MIN`)."""
    return max(lease, LEAD_MIN)


def connect(url: str) -> redis.Redis:
    """A Redis client that fails fast (we handle Redis going away ourselves)."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


def join(options: CrawlOptions, context: RunContext) -> SharedCrawl:
    """Connect to Redis and the store and take this process's part: lead a new run of
    `context`'s entries (or finish one an earlier coordinator left), or wait (at most
    WORKER_WAIT seconds) for one. Raises a CrawlerError before any crawling, so the CLI
    reports it like any bad store or option. A coordinator taking over a run narrows
    `context.entries` to those without a check yet."""
    if not is_postgres(options.db):
        raise UsageError("--redis needs a store every process can write: --db postgresql://...")
    url = without_password(options.redis or "")
    client = connect(options.redis or "")
    try:
        client.ping()
    except RedisError as exc:
        client.close()
        raise SharedCrawlError(f"{url}: cannot reach Redis ({exc})") from None
    try:
        store = PostgresStore.open(options.db, write=True, shared=True)
    except BaseException:
        client.close()
        raise
    name = f"{socket.gethostname()}:{os.getpid()}"
    queue = LeaseQueue(client, SPIDER)
    try:
        if options.worker:
            run_id, lease = _await_run(client, queue, url, options.origin)
            return SharedCrawl(client, queue, store, run_id, name, options.origin, lease, url)
        return _lead(client, queue, store, options, context, name, url)
    except RedisError as exc:
        store.close()
        client.close()
        raise SharedCrawlError(f"{url}: Redis failed while joining the shared crawl ({exc})") from None
    except BaseException:
        store.close()
        client.close()
        raise


def _lead(
    client: redis.Redis, queue: LeaseQueue, store: PostgresStore, options: CrawlOptions,
    context: RunContext, name: str, url: str,
) -> SharedCrawl:
    lease = options.lease or LEASE
    lead = client.lock(LEAD_KEY, timeout=lead_ttl(lease), blocking=False)
    if not lead.acquire() and not _outlive(client, lead, url):
        raise SharedCrawlError(
            f"{url}: another coordinator is running a shared crawl on this Redis database; "
            "join it with --worker, or wait until it has finished"
        )
    try:
        left = client.hmget(RUN_KEY, "run_id", "state")
        resume: int | None = None
        if left[1] == "running" and left[0]:
            resume = int(left[0])  # its coordinator stopped before the end: finish it
        elif options.resume:
            resume = store.unfinished_run()
            if resume is None:
                raise UsageError(f"--resume: the last run in {store.location} is finished; nothing to resume")
        if resume is not None and store.resume_run(resume):
            run_id, canary = resume, client.hget(f"{RUN_KEY}:{resume}", "canary")
            logger.warning("shared crawl: taking over run %d, which an earlier coordinator left unfinished", run_id)
        else:
            if resume is not None:
                logger.warning("shared crawl: run %d is already settled; starting a new run", resume)
            queue.clear()  # what a crawl that died left behind
            run_id, canary = store.begin_run(context.directory_path), None
        crawl = SharedCrawl(
            client, queue, store, run_id, name, options.origin, lease, url,
            lead=lead, entries=context.entries, canary_before=canary,
        )
        if options.origin:  # known before any worker sees the run, so its failures get a second look
            queue.register(options.origin, crawl.lease_ms)
        missing = crawl.list_missing()
        if len(missing) != len(context.entries):  # taking over: check only what is left
            context.entries = tuple(missing)
            if canary is not None:
                context.canary = None
    except BaseException:
        try:
            lead.release()
        except (LockError, RedisError):
            pass
        raise
    return crawl


def _outlive(client: redis.Redis, lead: Lock, url: str) -> bool:
    """When a run is going: wait out the lock of its coordinator, in case it is a dead one
    (at most until the lock expires, plus a second); whether we hold the lock now."""
    if client.hget(RUN_KEY, "state") != "running":
        return False
    wait = max(0, int(client.pttl(LEAD_KEY))) / 1000 + 1
    logger.warning("shared crawl: a run is going on %s; waiting up to %.0f s to see whether its coordinator is alive", url, wait)
    return bool(lead.acquire(blocking=True, blocking_timeout=wait))


def _await_run(client: redis.Redis, queue: LeaseQueue, url: str, origin: str | None) -> tuple[int, float]:
    """The run to help: the one going, or the next one to start (at most WORKER_WAIT seconds
    from now). A run that starts and ends while this worker is still starting up is joined
    all the same, so the worker says how it ended instead of waiting for another."""
    deadline = time.monotonic() + WORKER_WAIT
    before = client.hget(RUN_KEY, "run_id")  # a run already over when we came is not ours
    while True:
        if origin:  # known as soon as it waits, so the run's first failures get a second look
            queue.register(origin, int(LEASE * 1000))
        run_id, state, lease = client.hmget(RUN_KEY, "run_id", "state", "lease")
        if run_id and (state == "running" or run_id != before):
            return int(run_id), float(lease or LEASE)
        if time.monotonic() > deadline:
            raise SharedCrawlError(
                f"{url}: no coordinator started a shared crawl within {WORKER_WAIT:.0f} s; "
                "start one with the same command without --worker"
            )
        time.sleep(POLL)  # waiting for a condition in another process, with a deadline


class SharedWebsitesSpider(WebsitesSpider):
    """The `websites` spider in one process of a shared crawl (spider argument `shared`).

    The coordinator opens the run as one process would (`WebsitesSpider.opening`: the
    canary, the entries without a website); every process then takes entries from the lease
    queue while it holds fewer than CONCURRENT_REQUESTS, each made into
    `WebsitesSpider.request_for`'s request, and renews its leases every third of a lease.
    """

    def __init__(self, shared: SharedCrawl, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shared = shared
        self._renewal: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        if self.shared.coordinator:
            for first in self.opening():
                yield first
        self._renewal = task.LoopingCall(self.shared.renew)
        self._renewal.start(self.shared.lease / 3, now=False)
        engine = self.crawler.engine
        most = self.crawler.settings.getint("CONCURRENT_REQUESTS")
        while not self.shared.over():
            room = most - len(self.shared.held)
            if room > 0 and not engine.needs_backout():
                batch = self.shared.take(room)
                if batch:
                    for lease in batch:
                        yield self.request_for(lease.entry)
                    continue
            try:
                await sleep(POLL)  # nothing to take here now: look again shortly
            except (CancelledError, asyncio.CancelledError):
                return  # the engine is stopping (a signal): nothing more to take

    def _closed(self) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        self.shared.give_back()

    def _canary_ok(self, response: Any) -> None:
        super()._canary_ok(response)
        self.shared.canary(ok=True)

    def _canary_failed(self, failure: Failure) -> None:
        super()._canary_failed(failure)
        self.shared.canary(ok=False)


class SharedHistoryPipeline(HistoryPipeline):
    """`HistoryPipeline` for one process of a shared crawl: records into the shared run
    (a second check of an entry is not recorded), finishes each entry's lease, hands a
    failure to another origin when one is there; only the coordinator settles the run
    (with the whole run's evidence, from the store) and writes the reports."""

    shared: SharedCrawl

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert isinstance(spider, SharedWebsitesSpider)
        self.shared = spider.shared
        self.store = self.shared.store
        self.context.run_id = self.shared.run_id

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DomainLookup):  # an RDAP answer for the store's cache, as alone
            return super().process_item(item)
        if not isinstance(item, Check) or item.entry_id == CANARY_ID:
            return item
        shared, outcome = self.shared, item.outcome
        seen = shared.held.get(item.entry_id, ())
        if shared.second_look_wanted(outcome, seen) and shared.ask_again(item.entry_id, (*seen, shared.origin or "")):
            self.crawler.stats.inc_value("crawler/second_looks")
            return item  # not recorded yet: another origin looks first
        assert self.store is not None
        try:
            recorded = self.store.record(
                shared.run_id, item.entry_id, item.url, item.checked_at, outcome, origin=shared.origin_of(outcome, seen)
            )
        except WriteError as exc:
            self.context.fail(exc)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store-failed"))
            raise DropItem(str(exc)) from exc
        shared.finished(item.entry_id, recorded)
        if recorded:
            self.context.recorded += 1
            self.crawler.stats.inc_value(OUTCOME_STAT + outcome.status.value)
        return item

    def network_evidence(self) -> tuple[bool, int, int]:
        assert self.store is not None
        attempted, answered = self.store.evidence(self.shared.run_id)
        return self.shared.canary_failed(self.context.canary_failed), attempted, answered

    def settled(self, network: Network) -> None:
        self.shared.settled(network)

    def settle(self, store: Store, run_id: int) -> Network:
        network = super().settle(store, run_id)
        if self.context.stopped_by is not None:  # told to stop: the run ends for every process
            self.shared.settled(network)
        return network

    def close_spider(self) -> None:
        shared = self.shared
        if shared.coordinator and shared.failure is None and (shared.complete or self.context.stopped_by is not None):
            super().close_spider()  # settled: complete, or interrupted by a signal
            return
        self.store = None  # the store is the SharedCrawl's; it closes it
        if shared.failure is not None:
            self.context.fail(SharedCrawlError(f"shared crawl: {shared.failure}"))
        else:
            self.context.network = shared.verdict()
