"""The scheduling limit: the best wall time any client could reach on a given web.

A client with C slots that starts the hosts in directory order, each the moment a slot is
free, and spends no time of its own, finishes when the last slot does (greedy list
scheduling). That is what "best possible at C slots" means in `performance-notes.md`; the
absolute floor, max(longest host, total work / C), is given alongside.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence


def greedy_makespan(durations: Sequence[float], slots: int) -> float:
    """Wall time of starting `durations` in order on `slots` parallel slots."""
    if not durations:
        return 0.0
    free_at = [0.0] * min(slots, len(durations))
    for d in durations:
        start = heapq.heappop(free_at)
        heapq.heappush(free_at, start + d)
    return max(free_at)


def floor(durations: Sequence[float], slots: int) -> float:
    """No schedule of these durations on `slots` slots can finish earlier than this."""
    if not durations:
        return 0.0
    return max(max(durations), sum(durations) / slots)


def retries_last_makespan(tries: Sequence[tuple[float, float | None]], slots: int) -> float:
    """Like `greedy_makespan`, but a host's retry (its second duration, if any) is queued
    behind every first try, as Scrapy's RETRY_PRIORITY_ADJUST = -1 does; a retry is due
    when its first try ends."""
    if not tries:
        return 0.0
    free_at = [0.0] * min(slots, len(tries))
    due: list[tuple[float, float]] = []  # (when the first try ended, the retry's duration)
    end = 0.0
    pending = iter(tries)
    left = len(tries)
    while left or due:
        start = heapq.heappop(free_at)
        if left:
            first, retry = next(pending)
            left -= 1
            finish = start + first
            if retry is not None:
                heapq.heappush(due, (finish, retry))
        else:
            ready, retry = heapq.heappop(due)
            finish = max(start, ready) + retry
        end = max(end, finish)
        heapq.heappush(free_at, finish)
    return end
