"""How `crawl --due` paces a large directory: a pure simulation of `crawler.policy.schedule.choose`.

``python -m benchmarks.pacing [--entries 100000] [--days 14] [--max N] [--seed S]`` runs one
crawl a day (at 04:17 UTC) of a directory of that many entries whose sites behave by a fixed
mix, feeding each day's outcomes back as the history `choose` reads the next day; no network,
no store. For each strategy it prints the checks per day and the oldest knowledge:

* ``oldest check``: the longest any entry has gone unchecked (what `--due` trades for fewer
  requests; every entry is checked at least this recently);
* ``oldest verification``: of the entries that are alive, the longest since one was last
  verified (ok or redirected).

The mix: 3 % of the sites are dead from the start, 1 % die on a random day, 2 % fail one check
in three, 2 % refuse robots (blocked), the rest answer. The grace period is the default
(3 failed checks spanning 7 days).
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.directory import Entry
from crawler.policy.schedule import Schedule, State, choose

START = datetime(2027, 1, 4, 4, 17, tzinfo=UTC)
GRACE_CHECKS, GRACE_DAYS = 3, 7


@dataclass
class Site:
    kind: str  # "alive", "dead", "dies", "flaky", "blocked"
    dies_on: int = 0

    def answers(self, day: int, rng: random.Random) -> str:
        """"ok", "failed" or "blocked" for a check on `day`."""
        if self.kind == "dead" or (self.kind == "dies" and day >= self.dies_on):
            return "failed"
        if self.kind == "flaky" and rng.random() < 1 / 3:
            return "failed"
        return "blocked" if self.kind == "blocked" else "ok"


@dataclass
class Memory:
    """What the history knows of one entry."""

    last_checked: datetime
    last_verified: datetime | None
    failing_since: datetime | None
    failures: int

    def state(self, url: str) -> State:
        grace_over = (
            self.failing_since is not None
            and self.failures >= GRACE_CHECKS
            and self.last_checked - self.failing_since >= timedelta(days=GRACE_DAYS)
        )
        return State(self.last_checked, url, self.failures > 0, grace_over)


def world(n: int, days: int, rng: random.Random) -> list[Site]:
    sites = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.03:
            sites.append(Site("dead"))
        elif roll < 0.04:
            sites.append(Site("dies", rng.randrange(days)))
        elif roll < 0.06:
            sites.append(Site("flaky"))
        elif roll < 0.08:
            sites.append(Site("blocked"))
        else:
            sites.append(Site("alive"))
    return sites


def simulate(n: int, days: int, schedule: Schedule | None, seed: int) -> list[tuple[int, dict[str, int], float, float]]:
    """Per day: (checks, checks by reason, oldest check in days, oldest verification in days).
    `schedule` None: a full crawl every day."""
    rng = random.Random(seed)
    sites = world(n, days, rng)
    entries = [
        Entry(f"e{i:06d}", "C", f"E {i}", None, f"https://e{i:06d}.example/", None, i * 5 + 2, i * 5 + 2)
        for i in range(n)
    ]
    memory: dict[str, Memory] = {}
    out = []
    for day in range(days):
        now = START + timedelta(days=day)
        if schedule is None:
            ids = [e.id for e in entries]
            counts = {"all": n}
        else:
            states = {e.id: memory[e.id].state(e.ascii_url or "") for e in entries if e.id in memory}
            choice = choose(entries, states, schedule, now, due=True)
            ids, counts = list(choice.ids), choice.counts()
        for entry_id in ids:
            site = sites[int(entry_id[1:])]
            answer = site.answers(day, rng)
            seen = memory.get(entry_id) or Memory(now, None, None, 0)
            if answer == "failed":
                memory[entry_id] = Memory(now, seen.last_verified, seen.failing_since or now, seen.failures + 1)
            else:
                verified = now if answer == "ok" else seen.last_verified
                memory[entry_id] = Memory(now, verified, None, 0)
        end = now + timedelta(hours=1)  # measured once the day's run is over
        oldest_check = max((end - m.last_checked).total_seconds() for m in memory.values()) / 86400
        alive = [
            memory[e.id] for e, s in zip(entries, sites, strict=True)
            if s.kind == "alive" and memory.get(e.id) and memory[e.id].last_verified
        ]
        oldest_verified = max(((end - m.last_verified).total_seconds() for m in alive if m.last_verified),
                              default=0.0) / 86400
        out.append((len(ids), counts, oldest_check, oldest_verified))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--max", type=int, default=20_000, help="the --max of the bounded strategy")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    strategies: list[tuple[str, Schedule | None]] = [
        ("every entry every day (crawl)", None),
        ("crawl --due (spread, the default)", Schedule()),
        ("crawl --due, spread = false", Schedule(spread=False)),
        (f"crawl --due --max {args.max}", Schedule(max=args.max)),
    ]
    for name, schedule in strategies:
        started = time.perf_counter()
        days = simulate(args.entries, args.days, schedule, args.seed)
        took = time.perf_counter() - started
        total = sum(d[0] for d in days)
        print(f"\n## {name}: {total:,} checks in {args.days} days ({took:.1f} s to simulate)\n")
        print("| day | checks | by reason | oldest check (days) | oldest verification of a live site (days) |")
        print("| ---: | ---: | --- | ---: | ---: |")
        for day, (checks, counts, oldest, verified) in enumerate(days, start=1):
            why = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
            print(f"| {day} | {checks:,} | {why} | {oldest:.2f} | {verified:.2f} |")


if __name__ == "__main__":
    main()
