"""The entries of a shared crawl in Redis, each lent to one process at a time: leased, not popped.

A process takes entries with a lease that expires (on the Redis server's clock, so the
machines' clocks never matter) unless it renews it; it renews the leases of everything it
still holds every third of the lease; once the entry's check is committed to the store it
finishes the lease. A process that dies (SIGKILL, a lost machine) stops renewing, and the
next process that asks for work puts its expired entries back at the front of the queue
first. Nothing is ever lost between Redis and the store: an entry leaves the queues only
once its check is recorded. An entry may be checked twice (its lease expired under a slow
process that then finished after all); the store keeps the first check
(`crawler.store.sql.SqlStore.record`).

A failure seen from one origin (``crawler crawl --origin NAME``) may be handed back for a
second look from another: it then waits in its own queue, with the origins that have seen
it, and is taken by a process of an origin that has not, or by anyone once no live origin
is left that has not. An origin is live while one of its processes keeps asking for work
or renewing leases.

Every step that moves an entry is one Lua script, so it is atomic in Redis. Keys (all under
``PREFIX:``): ``pending`` (list of ids), ``recheck`` (list of ids), ``leases`` (sorted set:
id -> expiry in ms), ``holders`` (hash: id -> process), ``seen`` (hash: id -> ",a,b,"),
``entries`` (hash: id -> the entry as JSON), ``origins`` (hash: origin -> live until, ms).
This module knows Redis and the directory's `Entry`, nothing of Scrapy or the store.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import redis

from crawler.decisions import Accept, Decision
from crawler.directory import Entry


def entry_json(entry: Entry) -> str:
    """`entry` as the JSON a worker reads back with `entry_from_json` (its decisions' dates as
    YYYY-MM-DD, its own fields as they are: plain values)."""
    return json.dumps(dataclasses.asdict(entry), default=_plain)


def entry_from_json(text: str | bytes) -> Entry:
    """The `Entry` that `entry_json` wrote, decisions and fields included."""
    data = json.loads(text)
    data["decisions"] = tuple(
        Decision(
            d["reason"], d["line"], Accept(d["accept"]) if d["accept"] else None, _day(d["skip_until"]),
            d["timeout"], _day(d["until"]),
        )
        for d in data.get("decisions", ())
    )
    data["extra"] = tuple((name, value) for name, value in data.get("extra", ()))
    return Entry(**data)


def _plain(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


CHUNK = 5_000  # entries per Redis round trip when listing a large directory
SCAN = 200  # second looks a process considers per request for work

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: pending, recheck, leases, holders, seen, entries, origins
# ARGV: how many, holder, origin ('' for none), lease in ms
_TAKE = _NOW + """
local ttl = tonumber(ARGV[4])
local origin = ARGV[3]
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  if redis.call('HEXISTS', KEYS[5], id) == 1 then
    redis.call('LPUSH', KEYS[2], id)
  else
    redis.call('LPUSH', KEYS[1], id)
  end
end
if origin ~= '' then redis.call('HSET', KEYS[7], origin, now + ttl) end
local want = tonumber(ARGV[1])
local taken = {}
if redis.call('LLEN', KEYS[2]) > 0 then
  local live = {}
  local flat = redis.call('HGETALL', KEYS[7])
  for i = 1, #flat, 2 do
    if tonumber(flat[i + 1]) > now then live[#live + 1] = ',' .. flat[i] .. ',' end
  end
  for _, id in ipairs(redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[5]) - 1)) do
    if #taken >= want then break end
    local seen = redis.call('HGET', KEYS[5], id) or ','
    local mine = origin ~= '' and not string.find(seen, ',' .. origin .. ',', 1, true)
    local other = false
    for _, o in ipairs(live) do
      if not string.find(seen, o, 1, true) then other = true end
    end
    if mine or not other then
      redis.call('LREM', KEYS[2], 1, id)
      taken[#taken + 1] = id
    end
  end
end
if #taken < want then
  local ids = redis.call('LPOP', KEYS[1], want - #taken)
  if ids then
    for _, id in ipairs(ids) do taken[#taken + 1] = id end
  end
end
local out = {}
for _, id in ipairs(taken) do
  redis.call('ZADD', KEYS[3], now + ttl, id)
  redis.call('HSET', KEYS[4], id, ARGV[2])
  out[#out + 1] = redis.call('HGET', KEYS[6], id) or ''
  out[#out + 1] = redis.call('HGET', KEYS[5], id) or ''
end
return out
"""

# KEYS: leases, holders, origins; ARGV: holder, origin, lease in ms, ids...
_RENEW = _NOW + """
local lost = {}
for i = 4, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], now + tonumber(ARGV[3])) end
return lost
"""

# KEYS: leases, holders, seen, counts; ARGV: id, holder, 1 if the check was recorded here
_FINISH = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[4], 'by:' .. ARGV[2], 1) end
return 1
"""

# KEYS: leases, holders, seen, recheck; ARGV: id, ",origins,"
_RECHECK = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[4], ARGV[1])
return 1
"""

# KEYS: pending, recheck, leases, holders, seen; ARGV: holder, ids...
_RELEASE = """
local n = 0
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[1] then
    redis.call('ZREM', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
    if redis.call('HEXISTS', KEYS[5], ARGV[i]) == 1 then
      redis.call('LPUSH', KEYS[2], ARGV[i])
    else
      redis.call('LPUSH', KEYS[1], ARGV[i])
    end
    n = n + 1
  end
end
return n
"""

# KEYS: origins; ARGV: origin
_OTHERS = _NOW + """
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do
  if flat[i] ~= ARGV[1] and tonumber(flat[i + 1]) > now then return 1 end
end
return 0
"""


@dataclass(frozen=True, slots=True)
class Lease:
    """An entry lent to this process; `seen` names the origins it already failed from."""

    entry: Entry
    seen: tuple[str, ...] = ()


class LeaseQueue:
    """The shared crawl's entries in one Redis database (see the module docstring)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        names = ("pending", "recheck", "leases", "holders", "seen", "entries", "origins")
        self.pending, self.recheck_list, self.leases, self.holders, self.seen, self.entries, self.origins = (
            f"{prefix}:{name}" for name in names
        )
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._finish = client.register_script(_FINISH)
        self._recheck = client.register_script(_RECHECK)
        self._release = client.register_script(_RELEASE)
        self._others = client.register_script(_OTHERS)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key of the queue."""
        return (*self._work, self.origins)

    @property
    def _work(self) -> tuple[str, ...]:
        return (self.pending, self.recheck_list, self.leases, self.holders, self.seen, self.entries)

    def clear(self) -> None:
        """Forget every entry (what a crawl that died left behind); live origins stay known."""
        self.client.delete(*self._work)

    def register(self, origin: str, lease_ms: int) -> None:
        """Say that `origin` takes part (until `lease_ms` from now, unless said again); taking
        and renewing say it too."""
        self.client.eval(_NOW + "redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2])) return 1",
                         1, self.origins, origin, lease_ms)

    def listed(self) -> set[str]:
        """The ids waiting or lent out."""
        pipe = self.client.pipeline(transaction=False)
        pipe.lrange(self.pending, 0, -1)
        pipe.lrange(self.recheck_list, 0, -1)
        pipe.zrange(self.leases, 0, -1)
        pending, recheck, leased = pipe.execute()
        return {*pending, *recheck, *leased}

    def add(self, entries: Iterable[Entry], between: Callable[[], object] = lambda: None) -> int:
        """Put `entries` (each with a website) at the end of the queue; how many. `between`
        is called after each chunk (a coordinator listing a million entries keeps its lock)."""
        added = 0
        batch: list[Entry] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) >= CHUNK:
                added += self._add(batch)
                batch = []
                between()
        return added + (self._add(batch) if batch else 0)

    def _add(self, batch: Sequence[Entry]) -> int:
        pipe = self.client.pipeline()
        pipe.hset(self.entries, mapping={e.id: entry_json(e) for e in batch})
        pipe.rpush(self.pending, *(e.id for e in batch))
        pipe.execute()
        return len(batch)

    def take(self, n: int, holder: str, origin: str | None, lease_ms: int) -> list[Lease]:
        """Lend this process up to `n` entries (second looks it may give first)."""
        flat = self._take(keys=self._take_keys, args=[n, holder, origin or "", lease_ms, SCAN])
        leases = []
        for data, seen in zip(flat[0::2], flat[1::2]):
            if data:  # an id without its entry would be a bug of the listing; skip it
                leases.append(Lease(entry_from_json(data), tuple(o for o in seen.split(",") if o)))
        return leases

    @property
    def _take_keys(self) -> list[str]:
        return [self.pending, self.recheck_list, self.leases, self.holders, self.seen, self.entries, self.origins]

    def renew(self, ids: Iterable[str], holder: str, origin: str | None, lease_ms: int) -> list[str]:
        """Extend the leases this process holds on `ids`; the ids it no longer holds."""
        return list(self._renew(keys=[self.leases, self.holders, self.origins],
                                args=[holder, origin or "", lease_ms, *ids]))

    def finish(self, entry_id: str, holder: str, counts: str, recorded: bool) -> None:
        """The entry's check is in the store: it leaves the queue for good."""
        self._finish(keys=[self.leases, self.holders, self.seen, counts], args=[entry_id, holder, int(recorded)])

    def ask_again(self, entry_id: str, seen: Sequence[str]) -> None:
        """Hand the entry back for a look from an origin not in `seen`."""
        self._recheck(keys=[self.leases, self.holders, self.seen, self.recheck_list],
                      args=[entry_id, "," + ",".join(seen) + ","])

    def release(self, ids: Iterable[str], holder: str) -> int:
        """Give back what this process holds of `ids`, to the front of the queue."""
        ids = list(ids)
        if not ids:
            return 0
        return int(self._release(keys=[self.pending, self.recheck_list, self.leases, self.holders, self.seen],
                                 args=[holder, *ids]))

    def other_origin_live(self, origin: str) -> bool:
        return bool(self._others(keys=[self.origins], args=[origin]))

    def remaining(self) -> int:
        """Entries waiting or lent out (expired leases included, until someone asks for work)."""
        pipe = self.client.pipeline(transaction=False)
        self.count_remaining(pipe)
        return int(sum(pipe.execute()))

    def count_remaining(self, pipe: redis.client.Pipeline) -> None:
        """Add to `pipe` the three counts whose sum is `remaining` (for one transaction with more)."""
        pipe.llen(self.pending)
        pipe.llen(self.recheck_list)
        pipe.zcard(self.leases)
