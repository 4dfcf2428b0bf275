"""One crawl shared by several processes: scrapy-redis on a real Redis server, a real
PostgreSQL store, `crawler crawl --redis` in subprocesses against the simulated web.

The `services` fixture starts Debian's redis-server and PostgreSQL on 127.0.0.1 (free
ports, data in a temporary folder) and stops them by PID at the end. When they are not
installed it installs them with apt-get if it can (root), and otherwise skips, saying why.
Every wait is on a condition with a deadline.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, SimWeb, run_crawler, wait_for, write_directory

psycopg = pytest.importorskip("psycopg", reason="needs the 'distributed' extra: pip install -e '.[distributed]'")
redis = pytest.importorskip("redis", reason="needs the 'distributed' extra: pip install -e '.[distributed]'")

from crawler.errors import StoreError  # noqa: E402
from crawler.store import postgres as store_pg  # noqa: E402
from crawler.store.postgres import PostgresStore  # noqa: E402
from crawler.store.rows import DomainRow  # noqa: E402
from crawler.store.schema import SCHEMA_VERSION  # noqa: E402
from crawler.store.sqlite import SqliteStore  # noqa: E402
from crawler.verdict.outcome import Identity, Outcome, Status  # noqa: E402

DEADLINE = 60.0  # seconds a server may take to answer, or a crawl to finish, on a slow machine
PACKAGES = ("redis-server", "postgresql")


# --- the servers -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pg_bin() -> Path | None:
    """Debian's PostgreSQL programs (the newest version installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_binaries() -> str | None:
    """None when redis-server and PostgreSQL are there (installing them if we can), else why not."""
    missing = [p for p, found in zip(PACKAGES, (shutil.which("redis-server"), pg_bin())) if not found]
    if not missing:
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"Debian's {' and '.join(missing)} are not installed, and without root and apt-get they cannot be"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *missing]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {result.stderr.strip()[-300:]}"
    return None if shutil.which("redis-server") and pg_bin() else f"{' and '.join(missing)} still missing after apt-get"


def stop(process: subprocess.Popen[bytes], how: int = signal.SIGTERM) -> None:
    """Stop one server we started, by its PID."""
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Services:
    redis_port: int
    pg_port: int
    _databases: Iterator[int] = field(default_factory=lambda: count(1))

    def redis_url(self) -> str:
        """A fresh Redis database (0 is left alone; 1-15 go to one test each)."""
        number = next(self._databases)
        assert number < 16, "Redis has 16 databases"
        return f"redis://127.0.0.1:{self.redis_port}/{number}"

    def pg_url(self, name: str) -> str:
        """A fresh PostgreSQL database called `name`."""
        with psycopg.connect(self._pg("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self._pg(name)

    def _pg(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{database}"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    reason = missing_binaries()
    if reason:
        pytest.skip(f"shared-crawl tests need a Redis server and PostgreSQL: {reason}")
    logs = tmp_path_factory.mktemp("services")
    # PostgreSQL refuses to run as root: as root, its folder belongs to the `postgres`
    # user, outside pytest's tmp tree (whose parents only root may enter).
    data = Path(tempfile.mkdtemp(prefix="crawler-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    bin_dir = pg_bin()
    assert bin_dir is not None
    started: list[tuple[subprocess.Popen[bytes], int]] = []
    redis_log, pg_log = (logs / "redis.log").open("wb"), (logs / "postgres.log").open("wb")
    try:
        redis_port, pg_port = free_port(), free_port()
        redis_server = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(logs)],
            stdout=redis_log, stderr=subprocess.STDOUT,
        )
        started.append((redis_server, signal.SIGTERM))
        client = redis.Redis(host="127.0.0.1", port=redis_port, socket_timeout=1)
        wait_for(lambda: _answers(client.ping), redis_server, logs / "redis.log", "redis-server")
        client.close()

        init = subprocess.run(
            [*as_postgres, str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres",
             "-A", "trust", "-E", "UTF8", "--no-sync"],
            capture_output=True, text=True, timeout=120,
        )
        assert init.returncode == 0, init.stdout + init.stderr
        postgres = subprocess.Popen(
            [*as_postgres, str(bin_dir / "postgres"), "-D", str(data / "db"),
             "-c", "listen_addresses=127.0.0.1", "-p", str(pg_port), "-k", str(data),
             "-c", "fsync=off", "-c", "synchronous_commit=off"],
            stdout=pg_log, stderr=subprocess.STDOUT,
        )
        started.append((postgres, signal.SIGINT))  # SIGINT: PostgreSQL's "fast" shutdown
        url = f"postgresql://postgres@127.0.0.1:{pg_port}/postgres"
        wait_for(lambda: _answers(lambda: psycopg.connect(url, connect_timeout=2).close()),
                 postgres, logs / "postgres.log", "postgres")
        yield Services(redis_port, pg_port)
    finally:
        for process, how in reversed(started):
            stop(process, how)
        redis_log.close()
        pg_log.close()
        shutil.rmtree(data, ignore_errors=True)


def _answers(call: Callable[[], Any]) -> bool:
    try:
        call()
    except Exception:
        return False
    return True


# --- the PostgreSQL store keeps History's semantics ------------------------------------


def outcome(status: Status, reason: str, http_status: int | None = None, title: str | None = None) -> Outcome:
    return Outcome(status, reason, "", http_status=http_status, title=title)


OK = Outcome(Status.OK, "ok", "", http_status=200, title="Home", identity=Identity.CONFIRMED,
             identity_detail="the title names it", warnings=("tls-chain-incomplete",))
DEAD = outcome(Status.DEAD, "http-404", 404)
REFUSED = outcome(Status.DEAD, "refused")
MOVED = outcome(Status.MOVED, "redirect", 200, "Elsewhere")


def exercise(open_store: Callable[..., Any]) -> dict[str, Any]:
    """The same history through a store's public methods; what a reader can then see."""
    store = open_store(write=True)
    plan = [
        ("available", [("a", OK), ("b", DEAD), ("c", OK)]),
        ("available", [("a", OK), ("b", DEAD), ("c", MOVED)]),
        ("unavailable", [("a", REFUSED), ("b", REFUSED)]),  # discarded
        ("available", [("a", OK), ("b", DEAD), ("c", OK)]),
    ]
    for day, (network, checks) in enumerate(plan, start=1):
        run = store.begin_run("dir.yaml", started_at=f"2030-01-0{day}T00:00:00Z")
        for entry, result in checks:
            store.record(run, entry, f"https://{entry}.example/", f"2030-01-0{day}T00:00:0{ord(entry) % 10}Z", result)
        store.finish_run(run, network_available=network == "available")
    killed = store.begin_run("dir.yaml", started_at="2030-01-09T00:00:00Z")
    store.record(killed, "a", "https://a.example/", "2030-01-09T00:00:01Z", OK)  # answered: stands
    store.close()
    store = open_store(write=True)  # settles the killed run
    dead_net = store.begin_run("dir.yaml", started_at="2030-01-10T00:00:00Z")
    store.record(dead_net, "b", "https://b.example/", "2030-01-10T00:00:01Z", REFUSED)  # nothing answered: goes
    store.close()
    store = open_store(write=True)
    store.record_domain(DomainRow("a.example", tried="2030-01-01T00:00:00Z", answer="found",
                                  registered="2001-01-01", expires="2031-01-01", checked="2030-01-01T00:00:00Z"))
    store.record_domain(DomainRow("a.example", tried="2030-01-02T00:00:00Z"))
    store.record_domain(DomainRow("b.example", tried="2030-01-02T00:00:00Z", answer="not-found",
                                  checked="2030-01-02T00:00:00Z"))
    store.close()
    reader = open_store(write=False)
    try:
        return {
            "domains": reader.domains(),
            "memory": (reader.identity_memory(["a", "b"]), reader.identity_memory()),
            "runs": [(r.id, r.started_at, r.directory, r.network, r.checked) for r in reader.runs()],
            "last_run": (lambda r: (r.id, r.network, r.checked))(reader.last_run()),
            "summaries": reader.summaries(["a", "b", "c", "unknown"], keep=2),
            "checks": [list(reader.checks_of_run(r.id)) for r in reader.runs()],
        }
    finally:
        reader.close()


def test_postgres_store_sees_what_the_sqlite_store_sees(services: Services, tmp_path: Path) -> None:
    url = services.pg_url("parity")
    sqlite = exercise(lambda write: SqliteStore.open(tmp_path / "h.sqlite3", write=write))
    postgres = exercise(lambda write: PostgresStore.open(url, write=write))
    assert postgres == sqlite
    assert sqlite["memory"][0]["a"].confirmed_titles == ("Home",) and set(sqlite["memory"][1]) == {"a", "c"}
    assert sqlite["domains"]["a.example"].registered == "2001-01-01"
    assert sqlite["summaries"]["a"].latest.warnings == ("tls-chain-incomplete",)
    assert [r[3] for r in sqlite["runs"]] == ["available", "available", "unavailable", "available", "interrupted", "interrupted"]


def test_postgres_folds_and_rebuilds_from_the_text_form_as_sqlite_does(services: Services, tmp_path: Path) -> None:
    from test_history import DIRECTORY, NOW, build_history

    from crawler.reports.model import Policy, build_report
    from crawler.store import fold_cutoff, journal, open_store

    sqlite_db, folder = tmp_path / "h.sqlite3", tmp_path / "journal"
    build_history(sqlite_db)
    url = services.pg_url("journal")
    reports = []
    for location, fill in ((str(sqlite_db), None), (url, folder)):
        store = open_store(location, write=True)
        try:
            if fill is None:
                journal.export(store, folder)
            else:  # PostgreSQL: rebuilt from the text form SQLite wrote
                assert journal.import_(store, folder)[0] > 0
            store.fold(fold_cutoff(30, NOW))
            reports.append(build_report(DIRECTORY, store, Policy(), now=NOW))
            if fill is not None:  # the runs came with their ids; new ones follow them
                assert store.begin_run("d.yaml") == max(r.id for r in store.runs())
                assert len({r.id for r in store.runs()}) == len(list(store.runs()))
        finally:
            store.close()
    assert reports[0] == reports[1]
    assert any(e.consecutive_failures > 30 for e in reports[1].entries)  # a streak across the fold
# The schema-1 tables as the first PostgreSQL crawlers wrote them (a copy, not an import).
PG_SCHEMA_1 = """
CREATE TABLE runs (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, started_at TEXT NOT NULL,
    finished_at TEXT, directory TEXT NOT NULL, network TEXT NOT NULL DEFAULT 'running',
    checked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE checks (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES runs(id), entry_id TEXT NOT NULL, url TEXT,
    checked_at TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '', http_status INTEGER, final_url TEXT, title TEXT, content_updated TEXT);
CREATE INDEX checks_by_entry ON checks (entry_id, id);
CREATE INDEX checks_by_run ON checks (run_id);
CREATE TABLE history_schema (version INTEGER NOT NULL);
INSERT INTO history_schema VALUES (1);
INSERT INTO runs (started_at, finished_at, directory, network, checked)
    VALUES ('2030-01-01T00:00:00Z', '2030-01-01T00:01:00Z', 'dir.yaml', 'available', 1);
INSERT INTO checks (run_id, entry_id, url, checked_at, status, reason, http_status, title)
    VALUES (1, 'a', 'https://a.example/', '2030-01-01T00:00:01Z', 'ok', 'ok', 200, 'Home');
"""


def test_postgres_schema_1_store_is_upgraded_in_place(services: Services) -> None:
    url = services.pg_url("schema1")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(PG_SCHEMA_1)
    with pytest.raises(StoreError, match="schema 1 is old"):
        PostgresStore.open(url, write=False)
    store = PostgresStore.open(url, write=True)
    try:
        (old,) = store.checks_of_run(1)
        assert (old.title, old.warnings, old.identity) == ("Home", (), None)
        run = store.begin_run("dir.yaml", started_at="2030-01-02T00:00:00Z")
        store.record(run, "a", "https://a.example/", "2030-01-02T00:00:01Z", OK)
        store.finish_run(run, network_available=True)
        store.record_domain(DomainRow("a.example", tried="2030-01-02T00:00:00Z"))
        assert store.summaries(["a"])["a"].latest.identity == Identity.CONFIRMED
        assert store.identity_memory(["a"])["a"].last_confirmed == "2030-01-02T00:00:01Z"
        assert list(store.domains()) == ["a.example"]
    finally:
        store.close()
    with psycopg.connect(url, autocommit=True) as connection:
        assert connection.execute("SELECT version FROM history_schema").fetchall() == [(SCHEMA_VERSION,)]


def test_postgres_store_refuses_as_the_sqlite_store_does(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_pg, "JOIN_WAIT", "100ms")  # how long a refused joiner waits first
    url = services.pg_url("refusals")
    empty = PostgresStore.open(url, write=False)  # before any crawl: empty, not an error
    assert (list(empty.runs()), empty.last_run(), empty.summaries(["a"])) == ([], None, {})
    empty.close()

    alone = PostgresStore.open(url, write=True)
    for shared in (False, True):
        with pytest.raises(StoreError, match="using this history store"):
            PostgresStore.open(url, write=True, shared=shared)
    reader = PostgresStore.open(url, write=False)  # readers are never refused
    reader.close()
    alone.close()

    coordinator = PostgresStore.open(url, write=True, shared=True)
    worker = PostgresStore.open(url, write=True, shared=True)
    with pytest.raises(StoreError, match="using this history store"):
        PostgresStore.open(url, write=True)
    run = coordinator.begin_run("dir.yaml")
    worker.record(run, "a", "https://a.example/", "2030-01-01T00:00:00Z", OK)
    with pytest.raises(StoreError, match="another shared crawl"):
        worker.begin_run("dir.yaml")
    assert coordinator.finish_run(run, network_available=True).checked == 1
    worker.close()
    coordinator.close()

    foreign = services.pg_url("foreign")
    with psycopg.connect(foreign, autocommit=True) as other:
        other.execute("CREATE TABLE runs (id int)")
    with pytest.raises(StoreError, match="not a history store"):
        PostgresStore.open(foreign, write=True)


# --- a crawl shared by three processes -------------------------------------------------

# Slow answers first: each process's first batch is held by them for seconds, so every
# process gets some of the work however their start-up times fall.
HOSTS = [
    "hang.org", "trickle.org", "ratelimited.org", "unavailable.org", "broken.org", "loop.org",
    "ok-site.org", "www.ok-site.co.uk", "perm-redirect.org", "perm308.org", "temp-redirect.org",
    "upgrade.org", "www-change.org", "chain.org", "moved-away.org", "meta-moved.org",
    "bücher-beispiel.de", "forbidden.org", "auth.org", "challenge-cf.org", "gone-404.org",
    "gone-410.org", "soft404.org", "soft404-home.org", "forsale-lander.com", "registrar-hold.net",
    "refused.org", "no-such-host.invalid", "expired-cert.org", "self-signed.org",
    "fresh-sitemap.org", "fresh-feed.org", "inward-redirect.org",
]
# Asked twice by any crawl: retried after a 5xx (a challenge page too) or a 429; a timeout
# is not retried.
RETRIED = {"ratelimited.org", "unavailable.org", "broken.org", "challenge-cf.org"}
# No HTTP request ever arrives: no address, nothing listening, or the TLS handshake fails.
NEVER_ASKED = {"no-such-host.invalid", "refused.org", "expired-cert.org", "self-signed.org"}
WORKERS = 2


def entry_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host.encode("idna").decode("ascii")).strip("-")


@dataclass
class Crawls:
    alone: dict[str, Any]  # staleness.json of the crawl by one process into SQLite
    shared: dict[str, Any]  # staleness.json of the shared crawl into PostgreSQL
    alone_requests: list[dict[str, str]]
    shared_requests: list[dict[str, str]]
    outputs: list[tuple[int, str, str]]  # (exit code, stdout, stderr): coordinator first
    db: str
    redis_url: str
    directory: dict[str, str | None]


@pytest.fixture(scope="module")
def crawls(simweb: SimWeb, services: Services, tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    work = tmp_path_factory.mktemp("shared")
    urls: dict[str, str | None] = {entry_id(h): simweb.url(h) for h in HOSTS}
    urls["no-website-listed"] = None
    directory = write_directory(work / "organisations.yaml", urls)
    # The canary (a 404 on a live site: it answered) may be fetched by any of the processes.
    canary = ["--canary", f"{simweb.url('ok-site.org')}canary"]
    common = ["--directory", str(directory), "--timeout", "2", "--concurrency", "2", *canary, *simweb.resolve_args()]

    simweb.reset()
    alone = run_crawler("crawl", *common, "--db", str(work / "h.sqlite3"), "--reports", str(work / "alone"),
                        ca=simweb.ca, timeout=DEADLINE)
    assert alone.returncode == 0, alone.stderr
    alone_requests = simweb.requests()

    db, redis_url = services.pg_url("shared"), services.redis_url()
    shared = [*common, "--db", db, "--redis", redis_url]
    simweb.reset()
    # Workers first: they wait for the coordinator's run, as on machines started in any order.
    processes = [
        start(*shared, "--worker", "--reports", str(work / f"worker{n}"), ca=simweb.ca, log=work / f"worker{n}")
        for n in range(WORKERS)
    ]
    processes.insert(0, start(*shared, "--reports", str(work / "shared"), ca=simweb.ca, log=work / "coordinator"))
    outputs = []
    for process, log in zip(processes, ["coordinator", *(f"worker{n}" for n in range(WORKERS))]):
        try:
            code = process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            for p in processes:
                stop(p)
            pytest.fail(f"the shared crawl did not finish within {DEADLINE} s:\n{(work / log).with_suffix('.err').read_text()}")
        outputs.append((code, (work / log).with_suffix(".out").read_text(), (work / log).with_suffix(".err").read_text()))
    shared_requests = simweb.requests()
    return Crawls(
        json.loads((work / "alone" / "staleness.json").read_text()),
        json.loads((work / "shared" / "staleness.json").read_text()),
        alone_requests, shared_requests, outputs, db, redis_url, urls,
    )


def start(*args: str, ca: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m crawler crawl ARGS` in the background; output into LOG.out and LOG.err."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["SSL_CERT_FILE"] = ca
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        rdap = [] if "--rdap-bootstrap" in args else ["--no-rdap"]
        return subprocess.Popen([sys.executable, "-m", "crawler", "crawl", *rdap, *args], cwd=ROOT, env=env,
                                stdout=out, stderr=err)


def test_every_process_finished_and_did_some_of_the_work(crawls: Crawls) -> None:
    made = []
    for code, out, err in crawls.outputs:
        assert code == 0, err
        assert "Traceback" not in err and "WARNING" not in err, err
        found = re.search(r"^(\d+) checks made here", out, re.MULTILINE)
        assert found, out
        made.append(int(found[1]))
    assert all(n > 0 for n in made), made
    assert sum(made) == len(crawls.directory)
    assert "reports in" in crawls.outputs[0][1]


def test_each_entry_was_checked_exactly_once(crawls: Crawls) -> None:
    with psycopg.connect(crawls.db) as db:
        runs = db.execute("SELECT id, network, checked FROM runs").fetchall()
        per_entry = dict(db.execute("SELECT entry_id, count(*) FROM checks GROUP BY entry_id").fetchall())
    assert runs == [(1, "available", len(crawls.directory))]
    assert per_entry == {entry: 1 for entry in crawls.directory}


def test_each_listed_url_was_asked_once_as_by_one_process(crawls: Crawls) -> None:
    def asked(requests: list[dict[str, str]]) -> Counter[tuple[str, str, str]]:
        # The soft-404 probe asks for a random path: one name for all of them.
        return Counter((r["listener"], r["host"], re.sub(r"^/[0-9a-f]+-", "/RANDOM-", r["path"])) for r in requests)

    alone, shared = asked(crawls.alone_requests), asked(crawls.shared_requests)
    for host in HOSTS:
        parts = urlsplit(crawls.directory[entry_id(host)] or "")
        listed = (parts.scheme, (parts.hostname or "").encode("idna").decode("ascii"), parts.path or "/")
        assert shared[listed] == alone[listed], host
        if host in NEVER_ASKED:
            assert shared[listed] == 0, host
        elif host != "loop.org":  # a redirect loop comes back to where it started
            assert shared[listed] == (2 if host in RETRIED else 1), host
    assert sorted(shared.items()) == sorted(alone.items())  # the probes, feeds, sitemaps and hops too


def test_reports_match_a_crawl_by_one_process(crawls: Crawls) -> None:
    def verdicts(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(e["id"], e["status"], e["reason"], e["title"], e["detail"], e["action"]) for e in report["entries"]]

    assert verdicts(crawls.shared) == verdicts(crawls.alone)
    assert crawls.shared["run"]["checked"] == crawls.alone["run"]["checked"] == len(crawls.directory)
    assert crawls.shared["run"]["network"] == "available"


def test_the_crawl_leaves_redis_clean_for_the_next(crawls: Crawls) -> None:
    client = redis.Redis.from_url(crawls.redis_url, decode_responses=True)
    try:
        assert sorted(client.keys()) == ["websites:run", "websites:run:1"]
        assert client.hget("websites:run", "state") == "finished"
        counts = client.hgetall("websites:run:1")
    finally:
        client.close()
    by_process = [int(v) for k, v in counts.items() if k.startswith("by:")]
    assert len(by_process) == WORKERS + 1 and sum(by_process) == len(crawls.directory)


def test_network_unavailable_is_settled_once_for_every_process(
    simweb: SimWeb, services: Services, tmp_path: Path
) -> None:
    directory = write_directory(tmp_path / "d.yaml", {f"down-{n}": simweb.url("refused.org") for n in range(4)})
    db = services.pg_url("unavailable")
    shared = ["--directory", str(directory), "--db", db, "--redis", services.redis_url(), "--timeout", "2",
              *simweb.resolve_args()]
    worker = start(*shared, "--worker", "--origin", "w", "--reports", str(tmp_path / "w"), ca=simweb.ca,
                   log=tmp_path / "worker")
    # The worker is waiting (it has said where it is from) before the run, which ends at once, starts.
    client = redis.Redis.from_url(shared[shared.index("--redis") + 1], decode_responses=True)
    wait_for(lambda: client.hget("websites:origins", "w"), worker, tmp_path / "worker.err", "the worker waiting")
    client.close()
    processes = [worker, start(*shared, "--reports", str(tmp_path / "r"), ca=simweb.ca, log=tmp_path / "coordinator")]
    codes = [p.wait(timeout=DEADLINE) for p in processes]
    errors = [(tmp_path / name).with_suffix(".err").read_text() for name in ("worker", "coordinator")]
    assert codes == [3, 3], errors
    assert all("network unavailable" in e for e in errors), errors
    with psycopg.connect(db) as store:
        assert store.execute("SELECT network, checked FROM runs").fetchall() == [("unavailable", 0)]
        assert store.execute("SELECT count(*) FROM checks").fetchone() == (0,)


# --- refusals before anything is crawled -----------------------------------------------


def test_shared_crawl_needs_a_shared_store_and_a_redis(tmp_path: Path) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"one": "https://one.example/"})
    sqlite = ["--directory", str(directory), "--db", str(tmp_path / "h.sqlite3"), "--reports", str(tmp_path / "r")]
    worker = run_crawler("crawl", *sqlite, "--worker")
    assert worker.returncode == 2 and "--redis" in worker.stderr
    unshared = run_crawler("crawl", *sqlite, "--redis", "redis://127.0.0.1:9/0")
    assert unshared.returncode == 2 and "postgresql://" in unshared.stderr
    assert not (tmp_path / "h.sqlite3").exists()


def test_a_second_coordinator_is_refused(services: Services, tmp_path: Path) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"one": "https://one.example/"})
    redis_url, db = services.redis_url(), services.pg_url("second")
    client = redis.Redis.from_url(redis_url)
    client.set("websites:lead", "someone else", ex=60)  # a coordinator is at work
    try:
        result = run_crawler("crawl", "--directory", str(directory), "--db", db, "--redis", redis_url,
                             "--reports", str(tmp_path / "r"), timeout=DEADLINE)
    finally:
        client.close()
    assert result.returncode == 2, result.stderr
    assert "another coordinator" in result.stderr and "--worker" in result.stderr
    assert "Traceback" not in result.stderr


# --- issue 16: a shared crawl that loses nothing ------------------------------------------
#
# Leases on a real Redis server (`crawler.distributed.leases`), then whole shared crawls in which a
# worker is SIGKILLed, the coordinator is SIGKILLed and started again, Redis goes away and
# comes back (or does not), and two origins look at each failure. Every wait is on a
# condition with a deadline; lease lengths are given in milliseconds where a test needs a
# lease to be expired already (0) or surely alive (a minute).

from crawler.directory import Entry  # noqa: E402
from crawler.distributed.leases import LeaseQueue  # noqa: E402

MINUTE = 60_000  # ms


def listed(n: int) -> Entry:
    return Entry(f"e{n}", "Testland", f"Entry {n}", None, f"https://e{n}.example/", None, n + 2, n + 2)


@pytest.fixture
def queue(services: Services) -> Iterator[LeaseQueue]:
    client = redis.Redis.from_url(services.redis_url(), decode_responses=True)
    try:
        yield LeaseQueue(client, "t")
    finally:
        client.flushdb()
        client.close()


def ids(leases: list[Any]) -> list[str]:
    return [lease.entry.id for lease in leases]


def test_an_entry_is_lent_to_one_process_until_its_check_is_in(queue: LeaseQueue) -> None:
    assert queue.add(listed(n) for n in range(5)) == 5
    first = queue.take(2, "p1", None, MINUTE)
    assert [lease.entry for lease in first] == [listed(0), listed(1)]  # whole entries, in order
    assert ids(queue.take(10, "p2", None, MINUTE)) == ["e2", "e3", "e4"]
    assert queue.take(1, "p3", None, MINUTE) == []  # every entry is lent out: nothing is popped for good
    assert queue.remaining() == 5
    assert queue.renew(["e0", "e2"], "p1", None, MINUTE) == ["e2"]  # p1 never held e2
    queue.finish("e0", "p1", "t:counts", True)
    assert queue.remaining() == 4 and queue.client.hget("t:counts", "by:p1") == "1"
    assert queue.release(["e1", "e2"], "p1") == 1  # gives back only its own
    assert ids(queue.take(5, "p3", None, MINUTE)) == ["e1"]


def test_a_lease_that_is_not_renewed_is_handed_out_again_first(queue: LeaseQueue) -> None:
    queue.add(listed(n) for n in range(4))
    assert ids(queue.take(2, "dead", None, 0)) == ["e0", "e1"]  # its leases expire at once
    assert ids(queue.take(3, "alive", None, MINUTE)) == ["e1", "e0", "e2"]
    assert queue.renew(["e0", "e1"], "dead", None, MINUTE) == ["e0", "e1"]  # no longer its own
    assert queue.client.hgetall(queue.holders) == {"e0": "alive", "e1": "alive", "e2": "alive"}


def test_a_failure_waits_for_another_origin_unless_none_is_left(queue: LeaseQueue) -> None:
    queue.add(listed(n) for n in range(3))
    assert ids(queue.take(2, "pa", "a", MINUTE)) == ["e0", "e1"]
    queue.register("b", MINUTE)
    queue.ask_again("e0", ["a"])
    assert ids(queue.take(5, "pa", "a", MINUTE)) == ["e2"]  # not its own failure: b is live
    again = queue.take(5, "pb", "b", MINUTE)
    assert ids(again) == ["e0"] and again[0].seen == ("a",)
    queue.ask_again("e1", ["a"])
    queue.register("b", 0)  # b is gone
    assert queue.other_origin_live("a") is False
    stale = queue.take(5, "pa", "a", MINUTE)
    assert ids(stale) == ["e1"] and stale[0].seen == ("a",)  # nobody else will look: a looks again


def test_the_postgres_store_records_a_check_once_and_resumes_a_run(services: Services) -> None:
    url = services.pg_url("once")
    store = PostgresStore.open(url, write=True, shared=True)
    try:
        run = store.begin_run("d.yaml")
        assert store.record(run, "a", "https://a.example/", "2030-01-01T00:00:00Z", DEAD, origin="eu,us") is True
        assert store.record(run, "a", "https://a.example/", "2030-01-01T00:00:01Z", OK, origin="us") is False
        assert store.record(run, "b", "https://b.example/", "2030-01-01T00:00:02Z", OK) is True
        assert [(c.entry_id, c.status, c.origin) for c in store.checks_of_run(run)] == [
            ("a", Status.DEAD, "eu,us"), ("b", Status.OK, None)]
        assert store.evidence(run) == (2, 2)  # a 404 answered too
        assert store.unfinished_run() == run and store.resume_run(run) is True
        store.finish_run(run, network_available=True)
        assert store.unfinished_run() is None and store.resume_run(run) is False
    finally:
        store.close()
    with psycopg.connect(url) as db:
        assert db.execute("SELECT version FROM history_schema").fetchone() == (SCHEMA_VERSION,)


def slow_directory(simweb: SimWeb, path: Path, n: int) -> dict[str, str | None]:
    """`n` entries on slow.org (half a second each): a crawl long enough to interrupt."""
    urls: dict[str, str | None] = {f"slow-{i}": simweb.url("slow.org") for i in range(n)}
    write_directory(path, urls)
    return urls


def shared_args(simweb: SimWeb, directory: Path, db: str, redis_url: str, *more: str) -> list[str]:
    return ["--directory", str(directory), "--db", db, "--redis", redis_url, "--timeout", "5",
            "--concurrency", "2", "--no-freshness", "-q", *simweb.resolve_args(), *more]


def checks_per_entry(db: str) -> dict[str, int]:
    """Checks per entry id in the store ({} before a crawl has made the tables)."""
    with psycopg.connect(db) as connection:
        try:
            return dict(connection.execute("SELECT entry_id, count(*) FROM checks GROUP BY entry_id").fetchall())
        except psycopg.errors.UndefinedTable:
            return {}


def runs_of(db: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(db) as connection:
        return connection.execute("SELECT id, network, checked FROM runs ORDER BY id").fetchall()


def finish(process: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    try:
        code = process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        stop(process)
        pytest.fail(f"{log.name} did not finish within {DEADLINE} s:\n{log.with_suffix('.err').read_text()}")
    return code, log.with_suffix(".err").read_text()


def holding(client: redis.Redis, pid: int) -> list[str]:
    return [i for i, holder in client.hgetall("websites:holders").items() if holder.endswith(f":{pid}")]


def test_a_worker_killed_mid_crawl_loses_nothing(simweb: SimWeb, services: Services, tmp_path: Path) -> None:
    urls = slow_directory(simweb, tmp_path / "d.yaml", 16)
    db, redis_url = services.pg_url("killed_worker"), services.redis_url()
    common = shared_args(simweb, tmp_path / "d.yaml", db, redis_url, "--reports", str(tmp_path / "r"))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    coordinator = start(*common, "--lease", "2", ca=simweb.ca, log=tmp_path / "coordinator")
    try:
        held = wait_for(lambda: holding(client, worker.pid), worker, tmp_path / "worker.err", "the worker's leases")
        worker.kill()  # SIGKILL: no goodbye, its leases just stop being renewed
        worker.wait(timeout=DEADLINE)
        code, err = finish(coordinator, tmp_path / "coordinator")
    finally:
        stop(worker)
        stop(coordinator)
        client.close()
    assert code == 0, err
    assert runs_of(db) == [(1, "available", len(urls))]
    per_entry = checks_per_entry(db)
    assert per_entry == {entry: 1 for entry in urls}  # every entry, the dead worker's too, once
    assert set(held) <= set(per_entry)


def test_a_coordinator_started_again_finishes_the_run(simweb: SimWeb, services: Services, tmp_path: Path) -> None:
    urls = slow_directory(simweb, tmp_path / "d.yaml", 16)
    db, redis_url = services.pg_url("restarted"), services.redis_url()
    common = shared_args(simweb, tmp_path / "d.yaml", db, redis_url, "--reports", str(tmp_path / "r"), "--lease", "2")
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    first = start(*common, ca=simweb.ca, log=tmp_path / "first")
    second = None
    try:
        wait_for(lambda: sum(checks_per_entry(db).values()) >= 2, first, tmp_path / "first.err", "two checks")
        first.kill()
        first.wait(timeout=DEADLINE)
        second = start(*common, ca=simweb.ca, log=tmp_path / "second")
        code, err = finish(second, tmp_path / "second")
        worker_code, worker_err = finish(worker, tmp_path / "worker")
    finally:
        for process in (worker, first, second):
            if process is not None:
                stop(process)
    assert code == 0, err
    assert "taking over run 1" in err
    assert worker_code == 0, worker_err
    assert runs_of(db) == [(1, "available", len(urls))]
    assert checks_per_entry(db) == {entry: 1 for entry in urls}
    report = json.loads((tmp_path / "r" / "staleness.json").read_text())
    assert {e["status"] for e in report["entries"]} == {"ok"}


def test_a_failure_is_confirmed_from_a_second_origin(simweb: SimWeb, services: Services, tmp_path: Path) -> None:
    gone = {f"gone-{n}": f"{simweb.url('gone-404.org')}page-{n}" for n in range(4)}
    live = {f"live-{n}": simweb.url("ok-site.org") for n in range(4)}
    write_directory(tmp_path / "d.yaml", {**gone, **live})
    db, redis_url = services.pg_url("origins"), services.redis_url()
    common = shared_args(simweb, tmp_path / "d.yaml", db, redis_url, "--reports", str(tmp_path / "r"))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    simweb.reset()
    worker = start(*common, "--worker", "--origin", "us-east", ca=simweb.ca, log=tmp_path / "worker")
    coordinator = None
    try:
        # The worker says where it is from while it waits, so the run's first failure has two origins.
        wait_for(lambda: client.hget("websites:origins", "us-east"), worker, tmp_path / "worker.err", "its origin")
        coordinator = start(*common, "--origin", "eu-west", ca=simweb.ca, log=tmp_path / "coordinator")
        code, err = finish(coordinator, tmp_path / "coordinator")
        worker_code, worker_err = finish(worker, tmp_path / "worker")
    finally:
        for process in (worker, coordinator):
            if process is not None:
                stop(process)
        client.close()
    assert (code, worker_code) == (0, 0), err + worker_err
    with psycopg.connect(db) as connection:
        rows = dict(connection.execute("SELECT entry_id, status || ' ' || coalesce(origin, '-') FROM checks").fetchall())
    for entry in gone:  # seen failing from one origin, then from the other
        assert rows[entry] in ("dead eu-west,us-east", "dead us-east,eu-west"), rows
    for entry in live:
        assert rows[entry] in ("ok eu-west", "ok us-east"), rows
    asked = Counter(r["path"] for r in simweb.requests() if r["host"] == "gone-404.org")
    assert asked == {f"/page-{n}": 2 for n in range(4)}  # each failure asked once from each origin
    report = json.loads((tmp_path / "r" / "staleness.json").read_text())
    assert {e["id"]: e["origin"] for e in report["entries"]}["gone-0"] == rows["gone-0"].split(" ")[1]
    markdown = (tmp_path / "r" / "staleness.md").read_text()
    assert "seen from eu-west and us-east" in markdown or "seen from us-east and eu-west" in markdown


@dataclass
class OwnRedis:
    """A redis-server of one test's own, to stop and start again on the same port."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        wait_for(lambda: _answers(client.ping), self.process, self.folder / "redis.log", "redis-server")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)  # without persistence: everything it held is gone
            self.process = None


@pytest.fixture
def own_redis(services: Services, tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def saying(log: Path, words: str) -> Callable[[], bool]:
    return lambda: words in log.read_text()


def test_redis_losing_its_data_unnoticed_loses_nothing(
    simweb: SimWeb, services: Services, own_redis: OwnRedis, tmp_path: Path
) -> None:
    # A restart faster than any process noticed, or a FLUSHALL: no connection error, just
    # an empty Redis. An empty queue must not pass for a finished run.
    urls = slow_directory(simweb, tmp_path / "d.yaml", 16)
    db = services.pg_url("flushed")
    common = shared_args(simweb, tmp_path / "d.yaml", db, own_redis.url, "--reports", str(tmp_path / "r"), "--lease", "3")
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    coordinator = start(*common, ca=simweb.ca, log=tmp_path / "coordinator")
    client = redis.Redis.from_url(own_redis.url)
    try:
        wait_for(lambda: sum(checks_per_entry(db).values()) >= 2, coordinator, tmp_path / "coordinator.err", "checks")
        client.flushall()
        codes = [finish(p, tmp_path / name)[0] for p, name in ((coordinator, "coordinator"), (worker, "worker"))]
    finally:
        client.close()
        stop(worker)
        stop(coordinator)
    texts = [(tmp_path / name).read_text() for name in ("coordinator.err", "worker.err")]
    assert codes == [0, 0], texts
    assert runs_of(db) == [(1, "available", len(urls))]
    assert checks_per_entry(db) == {entry: 1 for entry in urls}


@pytest.mark.parametrize("comes_back", [True, False], ids=["redis-returns", "redis-stays-away"])
def test_redis_going_away_loses_nothing(
    simweb: SimWeb, services: Services, own_redis: OwnRedis, tmp_path: Path, comes_back: bool
) -> None:
    urls = slow_directory(simweb, tmp_path / "d.yaml", 16)
    db = services.pg_url(f"outage_{comes_back}")
    common = shared_args(simweb, tmp_path / "d.yaml", db, own_redis.url, "--reports", str(tmp_path / "r"), "--lease", "3")
    common.remove("-q")  # the warnings about Redis are what this test reads
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    coordinator = start(*common, ca=simweb.ca, log=tmp_path / "coordinator")
    logs = [tmp_path / "coordinator.err", tmp_path / "worker.err"]
    try:
        wait_for(lambda: sum(checks_per_entry(db).values()) >= 2, coordinator, logs[0], "two checks")
        own_redis.stop()
        for process, log in zip((coordinator, worker), logs):
            wait_for(saying(log, "went away"), process, log, "the outage noticed")
        if comes_back:
            own_redis.start()  # empty: the coordinator lists again what has no check
        codes = [finish(process, log.with_suffix(""))[0] for process, log in zip((coordinator, worker), logs)]
    finally:
        stop(worker)
        stop(coordinator)
    texts = [log.read_text() for log in logs]
    if comes_back:
        assert codes == [0, 0], texts
        assert all("is back" in text for text in texts), texts
        assert runs_of(db) == [(1, "available", len(urls))]
        assert checks_per_entry(db) == {entry: 1 for entry in urls}
        return
    assert codes == [2, 2], texts
    assert all("has been away" in text and "Traceback" not in text for text in texts), texts
    assert "--resume" in texts[0]
    recorded = checks_per_entry(db)
    assert runs_of(db)[0][:2] == (1, "running") and set(recorded.values()) == {1}
    # Later, with Redis back (and empty), the coordinator finishes the run it left.
    own_redis.start()
    resumed = start(*common, "--resume", ca=simweb.ca, log=tmp_path / "resumed")
    code, err = finish(resumed, tmp_path / "resumed")
    assert code == 0, err
    assert runs_of(db) == [(1, "available", len(urls))]
    assert checks_per_entry(db) == {entry: 1 for entry in urls}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--origin", "eu"], "--origin is for a shared crawl"),
        (["--resume"], "--resume is for a shared crawl"),
        (["--redis", "redis://127.0.0.1:9/0", "--jobs", "2"], "--jobs"),
        (["--redis", "redis://127.0.0.1:9/0", "--worker", "--resume"], "--resume is for the coordinator"),
        (["--redis", "redis://127.0.0.1:9/0", "--origin", "a,b"], "--origin 'a,b'"),
    ],
)
def test_shared_crawl_options_are_checked_before_anything_runs(tmp_path: Path, args: list[str], words: str) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"one": "https://one.example/"})
    result = run_crawler("crawl", "--directory", str(directory), "--db", "postgresql://nobody@127.0.0.1:9/x",
                         "--reports", str(tmp_path / "r"), *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_a_signal_to_the_coordinator_ends_the_run_for_every_process(
    simweb: SimWeb, services: Services, tmp_path: Path
) -> None:
    slow_directory(simweb, tmp_path / "d.yaml", 16)
    db, redis_url = services.pg_url("coordinator_stopped"), services.redis_url()
    common = shared_args(simweb, tmp_path / "d.yaml", db, redis_url, "--reports", str(tmp_path / "r"))
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    coordinator = start(*common, ca=simweb.ca, log=tmp_path / "coordinator")
    try:
        wait_for(lambda: sum(checks_per_entry(db).values()) >= 2, coordinator, tmp_path / "coordinator.err", "checks")
        coordinator.send_signal(signal.SIGINT)
        code, err = finish(coordinator, tmp_path / "coordinator")
        worker_code, worker_err = finish(worker, tmp_path / "worker")
    finally:
        stop(worker)
        stop(coordinator)
    assert code == 128 + signal.SIGINT, err
    assert worker_code == 2 and "coordinator stopped" in worker_err, worker_err
    assert runs_of(db)[0][:2] == (1, "interrupted")
    with psycopg.connect(db) as connection:  # what was cut short is not a failure of any site
        assert connection.execute("SELECT DISTINCT status FROM checks").fetchall() == [("ok",)]
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        assert client.hget("websites:run", "state") == "finished"
        assert not client.exists("websites:pending", "websites:leases")
    finally:
        client.close()


def test_a_worker_told_to_stop_gives_its_entries_back(simweb: SimWeb, services: Services, tmp_path: Path) -> None:
    urls = slow_directory(simweb, tmp_path / "d.yaml", 16)
    db, redis_url = services.pg_url("worker_stopped"), services.redis_url()
    common = shared_args(simweb, tmp_path / "d.yaml", db, redis_url, "--reports", str(tmp_path / "r"))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    worker = start(*common, "--worker", ca=simweb.ca, log=tmp_path / "worker")
    # Leases of ten minutes: the run finishes within the deadline only if the worker gave its back.
    coordinator = start(*common, "--lease", "600", ca=simweb.ca, log=tmp_path / "coordinator")
    try:
        # Well under way (it has recorded a check, so it hears signals) and holding leases.
        wait_for(lambda: any(k.endswith(f":{worker.pid}") for k in client.hkeys("websites:run:1"))
                 and holding(client, worker.pid), worker, tmp_path / "worker.err", "the worker's leases")
        worker.send_signal(signal.SIGTERM)
        worker_code, worker_err = finish(worker, tmp_path / "worker")
        code, err = finish(coordinator, tmp_path / "coordinator")
    finally:
        stop(worker)
        stop(coordinator)
        client.close()
    assert worker_code == 128 + signal.SIGTERM and "go back to the shared crawl" in worker_err, worker_err
    assert code == 0, err
    assert runs_of(db) == [(1, "available", len(urls))]
    assert checks_per_entry(db) == {entry: 1 for entry in urls}


def test_a_postgres_store_of_the_first_schema_is_upgraded(services: Services) -> None:
    url = services.pg_url("first_schema")
    with psycopg.connect(url, autocommit=True) as db:  # as crawlers before the origin column left it
        db.execute(
            "CREATE TABLE runs (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, started_at TEXT NOT NULL,"
            " finished_at TEXT, directory TEXT NOT NULL, network TEXT NOT NULL DEFAULT 'running',"
            " checked INTEGER NOT NULL DEFAULT 0);"
            "CREATE TABLE checks (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " run_id BIGINT NOT NULL REFERENCES runs(id), entry_id TEXT NOT NULL, url TEXT, checked_at TEXT NOT NULL,"
            " status TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', http_status INTEGER,"
            " final_url TEXT, title TEXT, content_updated TEXT);"
            "CREATE TABLE history_schema (version INTEGER NOT NULL); INSERT INTO history_schema VALUES (1);"
            "INSERT INTO runs (started_at, directory, network) VALUES ('2030-01-01T00:00:00Z', 'd.yaml', 'available');"
            "INSERT INTO checks (run_id, entry_id, checked_at, status, reason) VALUES"
            " (1, 'a', '2030-01-01T00:00:01Z', 'ok', 'ok'), (1, 'a', '2030-01-01T00:00:02Z', 'dead', 'dns')"
        )
    store = PostgresStore.open(url, write=True)
    try:
        assert [(c.entry_id, c.status, c.origin) for c in store.checks_of_run(1)] == [("a", Status.OK, None)]
        assert store.record(1, "a", None, "2030-01-01T00:00:03Z", OK) is False
    finally:
        store.close()
    with psycopg.connect(url) as db:
        assert db.execute("SELECT version FROM history_schema").fetchone() == (SCHEMA_VERSION,)


def test_rdap_answers_of_a_shared_crawl_are_cached_in_the_store(
    simweb: SimWeb, services: Services, tmp_path: Path
) -> None:
    hosts = ("ok-site.org", "www.ok-site.co.uk", "new-owner.net")
    write_directory(tmp_path / "d.yaml", {entry_id(h): simweb.url(h) for h in hosts})
    db = services.pg_url("shared_rdap")
    args = shared_args(simweb, tmp_path / "d.yaml", db, services.redis_url(), "--reports", str(tmp_path / "r"),
                       "--rdap-bootstrap", simweb.rdap_bootstrap)
    code, err = finish(start(*args, ca=simweb.ca, log=tmp_path / "coordinator"), tmp_path / "coordinator")
    assert code == 0, err
    with psycopg.connect(db) as connection:
        cached = {row[0] for row in connection.execute("SELECT domain FROM domains WHERE answer IS NOT NULL")}
    assert cached, err  # what the shared pipeline got from the spider went into the store's cache
