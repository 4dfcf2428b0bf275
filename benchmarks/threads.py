"""CPU time per thread of a running process tree, read from Linux's /proc while it runs.

A process's rusage says how much CPU it used in all; it does not say which thread. Ours
runs Scrapy on one thread and resolves names with getaddrinfo on the reactor's thread
pool, so "how much do name lookups cost" is a question about the pool threads' CPU. A
`ThreadSampler` polls ``/proc/PID/task/TID/stat`` of a process and all its descendants a
few times a second and keeps each thread's latest user and system time; threads that end
between two polls lose at most one interval of CPU. Only on Linux; elsewhere it reports
nothing. (py-spy's samples cannot stand in: it counts some waiting threads as running.)
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class ThreadTime:
    pid: int
    tid: int
    name: str  # the thread's comm (Rust names its threads; Python's all carry the program's name)
    user: float  # seconds
    system: float

    @property
    def main(self) -> bool:
        """The process's first thread (Scrapy's reactor runs there)."""
        return self.pid == self.tid


def _stat(pid: int, tid: int) -> ThreadTime | None:
    try:
        text = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
    except OSError:
        return None
    # "tid (comm) state ..." -- comm may hold spaces and parentheses: split at the last ")".
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return ThreadTime(pid, tid, name, int(fields[11]) / _TICK, int(fields[12]) / _TICK)


def _tree(root: int) -> list[int]:
    """`root` and every process below it."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                pending += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
            except OSError:
                pass
    return found


class ThreadSampler:
    """Polls the threads of `pid`'s process tree until `stop()`; `threads` holds the latest
    reading of every thread seen, keyed by (pid, tid)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.threads: dict[tuple[int, int], ThreadTime] = {}
        self.names: dict[int, str] = {}  # pid -> the process's name
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            self.poll()
            self._done.wait(self.interval)

    def poll(self) -> None:
        for pid in _tree(self.pid):
            try:
                tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except OSError:
                continue
            for tid in tids:
                reading = _stat(pid, tid)
                if reading is not None:
                    self.threads[pid, tid] = reading
                    if reading.main:
                        self.names[pid] = reading.name

    def stop(self) -> None:
        """Stop polling (call before the process is reaped: its /proc entries go with it)."""
        self._done.set()
        self._thread.join()

    def by_role(self) -> dict[str, tuple[float, float]]:
        """(user, system) seconds per role: "PROCESS main" for each process's first thread,
        "PROCESS other threads" for the rest of it."""
        roles: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for t in self.threads.values():
            process = self.names.get(t.pid, str(t.pid))
            role = f"{process} {'main' if t.main else 'other threads'}"
            roles[role][0] += t.user
            roles[role][1] += t.system
        return {role: (user, system) for role, (user, system) in roles.items()}
