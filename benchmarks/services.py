"""A Redis server and a PostgreSQL server on 127.0.0.1 for the shared-crawl benchmarks.

Debian's ``redis-server`` and PostgreSQL (``/usr/lib/postgresql/*/bin``), started on free
ports with their data in a temporary folder, stopped by PID (PostgreSQL refuses to run as
root: as root it runs as the ``postgres`` user). The same recipe as the tests' `services`
fixture, for scripts: `running()` is a context manager. PostgreSQL runs with
``synchronous_commit = off`` (its WAL is written in the background, as SQLite in WAL mode
with ``synchronous = NORMAL`` does for a crawl alone), fsync on.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

DEADLINE = 60.0  # seconds a server may take to start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _wait(ready: callable, what: str) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            ready()
            return
        except Exception:
            time.sleep(0.1)  # polling a server that is starting, with a deadline
    raise RuntimeError(f"{what} did not start within {DEADLINE:.0f} s")


def _stop(process: subprocess.Popen[bytes], how: int) -> None:
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder)], stdout=log, stderr=subprocess.STDOUT,
            )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        _wait(client.ping, "redis-server")
        client.close()

    def stop(self) -> None:
        """Stop it; without persistence, everything it held is gone."""
        if self.process is not None:
            _stop(self.process, signal.SIGTERM)
            self.process = None


@dataclass
class Services:
    redis: RedisServer
    pg_port: int
    _made: list[str] = field(default_factory=list)

    def pg_url(self, name: str) -> str:
        """A fresh, empty PostgreSQL database called `name`."""
        with psycopg.connect(self._pg("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self._pg(name)

    def _pg(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{database}"


@contextmanager
def running() -> Iterator[Services]:
    """Redis and PostgreSQL, running until the block ends."""
    bin_dir = pg_bin()
    if shutil.which("redis-server") is None or bin_dir is None:
        raise RuntimeError("needs Debian's redis-server and postgresql (apt-get install redis-server postgresql)")
    data = Path(tempfile.mkdtemp(prefix="crawler-bench-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    server = RedisServer(free_port(), data)
    postgres = None
    try:
        server.start()
        subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
        pg_port = free_port()
        with (data / "postgres.log").open("ab") as log:
            postgres = subprocess.Popen(
                [*as_postgres, str(bin_dir / "postgres"), "-D", str(data / "db"), "-c", "listen_addresses=127.0.0.1",
                 "-p", str(pg_port), "-k", str(data), "-c", "synchronous_commit=off",
                 "-c", "max_connections=200"],
                stdout=log, stderr=subprocess.STDOUT,
            )
        url = f"postgresql://postgres@127.0.0.1:{pg_port}/postgres"
        _wait(lambda: psycopg.connect(url, connect_timeout=2).close(), "postgres")
        yield Services(server, pg_port)
    finally:
        if postgres is not None:
            _stop(postgres, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
