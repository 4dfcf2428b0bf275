"""Safe by default: the address guard, bounded work per site, bad input, clean terminal output.

Every crawl here runs the real CLI in a subprocess against loopback only: simulated-web hosts
are pointed at 127.0.0.1 with `--resolve` (the operator's trusted choice), a test's own servers
live under `.invalid` (answered locally, never asked of DNS), and the inward spellings under
test never get as far as a connection. Proxy variables are blanked, so nothing leaves through
a proxy either.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SimWeb, run_crawler, write_directory

from crawler.demo.web import HUGE_SIZE
from crawler.net.addresses import allowed, is_public, parse_ip_literal

# Empty values switch a proxy off (urllib's rule, which Scrapy follows).
NO_PROXY = {name: "" for name in ("http_proxy", "https_proxy", "all_proxy",
                                  "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
RSS_BOUND_KB = 400 * 1024  # a correctness cap (nothing buffered whole), not a speed target


def crawler(*args: str, ca: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_crawler(*args, ca=ca, env={**NO_PROXY, **(env or {})}, timeout=120)


def resolve(simweb: SimWeb, *hosts: str) -> list[str]:
    """``--resolve`` for just these simulated-web hosts, on every port that serves them."""
    args: list[str] = []
    for host in hosts:
        for port in simweb.hosts[host]["ports"]:
            args += ["--resolve", f"{host}:{port}:127.0.0.1"]
    return args


def entries(reports: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((reports / "staleness.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in report["entries"]}


# --- 1. No SSRF ---------------------------------------------------------------------------

# Entry id -> URL; {port} is the simulated web's plain-HTTP port, so any connection that got
# through would land on it (or, for IPv6, on the witness listening on [::1]:{port}).
INWARD = {
    "localhost": "http://localhost:{port}/",  # a name whose answer (from /etc/hosts) is inward
    "dotted": "http://127.0.0.1:{port}/",
    "decimal": "http://2130706433:{port}/",
    "octal": "http://0177.0.0.1:{port}/",
    "hex": "http://0x7f.1:{port}/",
    "short": "http://127.1:{port}/",
    "unspecified": "http://0.0.0.0:{port}/",  # Linux connects 0.0.0.0 to the local host
    "zero": "http://0:{port}/",
    "mapped": "http://[::ffff:127.0.0.1]:{port}/",
    "loopback-v6": "http://[::1]:{port}/",
    "unspecified-v6": "http://[::]:{port}/",
}


class Witness:
    """Listens on [::1]:PORT, where the simulated web (IPv4 only) does not, and counts the
    connections queued there. Nobody accepts them: the kernel completes a connection into
    the listen queue on its own, so counting the queue after the crawl misses none."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self.sock.bind(("::1", port))
        self.sock.listen(64)

    def connections(self) -> int:
        self.sock.setblocking(False)
        count = 0
        try:
            while True:
                connection, _ = self.sock.accept()
                connection.close()
                count += 1
        except BlockingIOError:
            pass
        finally:
            self.sock.close()
        return count

    @classmethod
    def start(cls, port: int) -> Witness | None:
        try:
            return cls(port)
        except OSError:  # no IPv6 loopback here, or the port is taken on it
            return None


@dataclass
class Guarded:
    result: subprocess.CompletedProcess[str]
    entries: dict[str, dict[str, Any]]
    requests: list[dict[str, str]]
    v6_connections: int | None


@pytest.fixture(scope="module")
def guarded(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Guarded:
    """One crawl (no --allow-private) of every inward spelling, an inward redirect and a
    live site (so the run counts: a directory of refusals alone says nothing about the network)."""
    work = tmp_path_factory.mktemp("guarded")
    port = simweb.info["http"]
    urls: dict[str, str | None] = {k: v.format(port=port) for k, v in INWARD.items()}
    urls["inward-redirect"] = simweb.url("inward-redirect.org")
    urls["ok-site"] = simweb.url("ok-site.org")
    directory = write_directory(work / "organisations.yaml", urls)
    witness = Witness.start(port)
    simweb.reset()
    result = crawler(
        "crawl", "--directory", str(directory), "--db", str(work / "history.sqlite3"),
        "--reports", str(work / "reports"), "--timeout", "5",
        *resolve(simweb, "ok-site.org", "inward-redirect.org"),
    )
    requests = simweb.requests()
    v6_connections = witness.connections() if witness else None
    found = entries(work / "reports") if result.returncode == 0 else {}
    return Guarded(result, found, requests, v6_connections)


def test_guarded_crawl_ran_and_reached_the_live_site(guarded: Guarded) -> None:
    assert guarded.result.returncode == 0, guarded.result.stderr
    assert guarded.entries["ok-site"]["status"] == "ok"


@pytest.mark.parametrize("entry", [*INWARD, "inward-redirect"])
def test_inward_address_is_refused_by_policy(guarded: Guarded, entry: str) -> None:
    found = guarded.entries[entry]
    assert (found["status"], found["reason"]) == ("refused-by-policy", "private-address"), found


def test_server_received_no_request_for_an_inward_address(guarded: Guarded) -> None:
    hosts = {r["host"] for r in guarded.requests}
    # The log works (the live site and the redirecting site were asked) ...
    assert {"ok-site.org", "inward-redirect.org"} <= hosts
    # ... and nothing else was: not 127.0.0.1, 0.0.0.0, localhost nor any other spelling,
    # and not the redirect's target.
    assert hosts == {"ok-site.org", "inward-redirect.org"}, guarded.requests
    assert not [r for r in guarded.requests if r["path"].startswith("/secret")]
    if guarded.v6_connections is not None:
        assert guarded.v6_connections == 0


def test_allow_private_reaches_loopback(simweb: SimWeb, tmp_path: Path) -> None:
    secret = f"http://127.0.0.1:{simweb.info['http']}/secret"
    directory = write_directory(tmp_path / "organisations.yaml", {"inside": secret})
    simweb.reset()
    result = crawler(
        "crawl", "--allow-private", "--no-freshness", "--directory", str(directory),
        "--db", str(tmp_path / "history.sqlite3"), "--reports", str(tmp_path / "reports"),
    )
    assert result.returncode == 0, result.stderr
    found = entries(tmp_path / "reports")["inside"]
    assert (found["status"], found["title"]) == ("ok", "Secret")
    assert [(r["host"], r["path"]) for r in simweb.requests()] == [("127.0.0.1", "/secret")]


PUBLIC = ["93.184.216.34", "2606:2800:220:1::", "64:ff9b::5db8:d822", "::ffff:93.184.216.34",
          "2002:5db8:d822::"]
NOT_PUBLIC = [
    "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # CGNAT shared space
    "127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3",
    "224.0.0.1", "239.255.255.250",  # multicast
    "240.0.0.1", "255.255.255.255",  # reserved, broadcast
    "192.0.2.1", "198.18.0.1",  # documentation, benchmarking
    "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "ff0e::1",
    "::ffff:10.0.0.1", "::ffff:127.0.0.1",  # IPv4-mapped
    "::127.0.0.1", "::ffff:0:7f00:1",  # IPv4-compatible, IPv4-translated
    "64:ff9b::7f00:1", "64:ff9b::a00:1",  # NAT64 of loopback / private: judged by the IPv4 inside
    "64:ff9b:1::a00:1",  # local-use NAT64
    "2002:7f00:1::", "2002:a00:1::",  # 6to4 of loopback / private
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo, client 192.0.2.45
    "2001:db8::1", "3fff::1", "fec0::1", "100::1",  # documentation, site-local, discard
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert allowed(address, allow_private=False)
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_inward_addresses_are_refused(address: str) -> None:
    assert not allowed(address, allow_private=False)
    assert allowed(address, allow_private=True)  # the operator's explicit choice


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"), ("127.0.0.1.", "127.0.0.1"), ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("017700000001", "127.0.0.1"),
        ("example.org", None), ("4294967296", None), ("1.2.3.4.5", None), ("256.0.0.1", None),
        ("127.0.0.1..", None), ("", None),
    ],
)
def test_every_spelling_of_an_ip_literal_is_parsed(host: str, address: str | None) -> None:
    parsed = parse_ip_literal(host)
    assert (str(parsed) if parsed is not None else None) == address


def test_a_zone_id_never_makes_an_address_public() -> None:
    assert not allowed("fe80::1%eth0", allow_private=False)
    assert not is_public(ipaddress.ip_address("2606:2800:220:1::%eth0"))


# --- 2. Bounded work per site --------------------------------------------------------------


class CountingRelay:
    """A TCP relay on 127.0.0.1 to the simulated web that counts the bytes it delivered to the
    crawler: the server-side proof of how much of a page the crawler actually read."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.delivered = 0
        self.lock = threading.Lock()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        # Small buffers on our side, so "delivered" is close to what the crawler took in.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        upstream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        threading.Thread(target=self._pump_up, args=(client, upstream), daemon=True).start()
        try:
            while data := upstream.recv(64 * 1024):
                client.sendall(data)
                with self.lock:
                    self.delivered += len(data)
        except OSError:
            pass  # the crawler hung up
        finally:
            client.close()
            upstream.close()

    @staticmethod
    def _pump_up(client: socket.socket, upstream: socket.socket) -> None:
        try:
            while data := client.recv(64 * 1024):
                upstream.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()


@dataclass
class Measured:
    result: subprocess.CompletedProcess[str]
    entries: dict[str, dict[str, Any]]
    peak_rss_kb: int


MEASURE = (  # the fallback when /usr/bin/time is missing: the peak RSS of our only child
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(f'Maximum resident set size (kbytes): "
    "{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')\n"
    "sys.exit(code)\n"
)


def measured_crawl(work: Path, urls: dict[str, str | None], args: list[str], ca: str) -> Measured:
    """`crawler crawl` under /usr/bin/time -v (or getrusage), with its peak resident memory."""
    work.mkdir(parents=True, exist_ok=True)
    directory = write_directory(work / "organisations.yaml", urls)
    stats = work / "rusage.txt"
    command = [sys.executable, "-m", "crawler", "crawl", "--no-rdap", "--directory", str(directory),
               "--db", str(work / "history.sqlite3"), "--reports", str(work / "reports"),
               "--no-freshness", *args]
    time_bin = shutil.which("time", path="/usr/bin")
    prefix = [time_bin, "-o", str(stats), "-v"] if time_bin else [sys.executable, "-c", MEASURE, str(stats)]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(NO_PROXY, SSL_CERT_FILE=ca)
    result = subprocess.run([*prefix, *command], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats.read_text())
    assert match, stats.read_text()
    found = entries(work / "reports") if result.returncode == 0 else {}
    return Measured(result, found, int(match.group(1)))


@dataclass
class Hostile:
    baseline: Measured
    huge: Measured
    bomb: Measured
    huge_delivered: int
    trickle_requests: int


@pytest.fixture(scope="module")
def hostile(simweb: SimWeb, tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """Three crawls, each with the live ok-site.org: with trickle.org (the baseline for
    memory), with huge.org behind a counting relay, and with gzip-bomb.org."""
    work = tmp_path_factory.mktemp("hostile")
    ok = {"ok-site": simweb.url("ok-site.org")}
    common = ["--timeout", "2", *resolve(simweb, "ok-site.org")]
    simweb.reset()
    baseline = measured_crawl(
        work / "baseline", {**ok, "trickle": simweb.url("trickle.org")},
        [*common, *resolve(simweb, "trickle.org")], simweb.ca,
    )
    trickle_requests = sum(r["host"] == "trickle.org" for r in simweb.requests())
    relay = CountingRelay(simweb.info["http"])
    try:
        huge = measured_crawl(
            work / "huge", {**ok, "huge": f"http://huge.org:{relay.port}/"},
            [*common, "--resolve", f"huge.org:{relay.port}:127.0.0.1"], simweb.ca,
        )
    finally:
        relay.close()
    bomb = measured_crawl(
        work / "bomb", {**ok, "bomb": simweb.url("gzip-bomb.org")},
        [*common, *resolve(simweb, "gzip-bomb.org")], simweb.ca,
    )
    print(
        "\npeak RSS of `crawler crawl` (kB): "
        f"ok-site.org + trickle.org {baseline.peak_rss_kb}, "
        f"+ huge.org (60 MB) {huge.peak_rss_kb}, + gzip-bomb.org (1 GiB inflated) {bomb.peak_rss_kb}; "
        f"huge.org bytes delivered to the crawler: {relay.delivered} of {HUGE_SIZE}"
    )
    return Hostile(baseline, huge, bomb, relay.delivered, trickle_requests)


def test_huge_page_is_judged_from_its_top_without_reading_it_all(hostile: Hostile) -> None:
    assert hostile.huge.result.returncode == 0, hostile.huge.result.stderr
    found = hostile.huge.entries["huge"]
    assert (found["status"], found["title"]) == ("ok", "Archive of Everything")
    # The server side: the crawler hung up long before the end of the 60 MB.
    assert 0 < hostile.huge_delivered < HUGE_SIZE // 3
    assert hostile.huge.peak_rss_kb < RSS_BOUND_KB


def test_gzip_bomb_is_stopped_before_it_inflates(hostile: Hostile) -> None:
    assert hostile.bomb.result.returncode == 0, hostile.bomb.result.stderr
    found = hostile.bomb.entries["bomb"]
    assert (found["status"], found["reason"]) == ("dead", "too-large")
    assert hostile.bomb.peak_rss_kb < RSS_BOUND_KB  # 1 GiB inflated would not fit under it


def test_trickling_server_ends_in_a_timeout(hostile: Hostile) -> None:
    assert hostile.baseline.result.returncode == 0, hostile.baseline.result.stderr
    found = hostile.baseline.entries["trickle"]
    assert (found["status"], found["reason"]) == ("dead", "timeout")
    assert 1 <= hostile.trickle_requests <= 2  # one try and at most one retry, then it gave up
    assert hostile.baseline.entries["ok-site"]["status"] == "ok"
    assert hostile.baseline.peak_rss_kb < RSS_BOUND_KB


# --- 3. Bad input ---------------------------------------------------------------------------

ENTRY = "  - id: {id}\n    country: Testland\n    name: Entry {id}\n    website: https://{id}.invalid/\n"


# Each writes a bad directory file and returns how many distinct lines must be reported.


def alias_bomb(path: Path) -> int:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\norganisations: *i\n", encoding="utf-8")
    return 1


def too_large(path: Path) -> int:
    from crawler.directory import MAX_FILE_BYTES

    with path.open("w", encoding="utf-8") as f:
        f.write("organisations:\n" + ENTRY.format(id="x"))
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: a file that large, without writing it all
    return 1


def binary(path: Path) -> int:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4096))
    return 1


def several_problems(path: Path) -> int:
    path.write_text(
        "organisations:\n"
        + ENTRY.format(id="fine")
        + ENTRY.format(id="fine")  # duplicate id
        + "  - id: Not_A_Slug\n    country: Testland\n    name: Bad id\n"
        + "  - id: no-name\n    country: Testland\n"  # missing name
        + "  - id: ftp-site\n    country: Testland\n    name: FTP\n    website: ftp://example.invalid/\n"
        + "  - id: typo\n    country: Testland\n    name: Typo\n    webiste: https://typo.invalid/\n",
        encoding="utf-8",
    )
    return 5


PROBLEM_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+): \S.*$")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("make", [alias_bomb, too_large, binary, several_problems], ids=lambda f: f.__name__)
def test_bad_directory_is_refused_and_nothing_is_written(tmp_path: Path, make: Callable[[Path], int]) -> None:
    directory = tmp_path / "organisations.yaml"
    at_least = make(directory)
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "staleness.json").write_text('{"earlier": true}\n', encoding="utf-8")
    before = snapshot(reports)
    db = tmp_path / "history.sqlite3"
    result = crawler("crawl", "--directory", str(directory), "--db", str(db), "--reports", str(reports))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    problem_lines = set()
    for line in result.stderr.splitlines():
        match = PROBLEM_LINE.match(line)
        assert match and match["path"] == str(directory), line
        problem_lines.add(int(match["line"]))
    assert len(problem_lines) >= at_least, result.stderr  # every problem at once, each at its line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["organisations.yaml", "reports"]  # no store, no lock
    assert snapshot(reports) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["crawl", "--resolve", "ok-site.org:80"], ["--resolve", "HOST:PORT:ADDRESS"]),
        (["crawl", "--resolve", "ok-site.org:http:127.0.0.1"], ["--resolve", "port"]),
        (["crawl", "--resolve", "ok-site.org:99999:127.0.0.1"], ["--resolve", "port"]),
        (["crawl", "--resolve", "ok-site.org:80:localhost"], ["--resolve", "not an IP address"]),
        (["check", "--fail-on", "dead,bogus"], ["bogus", "valid"]),
    ],
    ids=["resolve-missing-part", "resolve-word-port", "resolve-big-port", "resolve-name", "fail-on"],
)
def test_bad_option_is_refused_with_a_message(tmp_path: Path, args: list[str], words: list[str]) -> None:
    directory = write_directory(tmp_path / "organisations.yaml", {"a": "https://a.invalid/"})
    db, reports = tmp_path / "history.sqlite3", tmp_path / "reports"
    result = crawler(*args, "--directory", str(directory), "--db", str(db), "--reports", str(reports))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert not db.exists() and not reports.exists()


# --- 6. No raw escape sequences on the terminal ---------------------------------------------
# `crawler check` prints status, reason and detail (never the title). Untrusted text reaches
# the detail through a server's Retry-After header; the page's title is stored, not printed.

HOSTILE_TEXT = "\x1b[31mred\x1b]0;pwned\x07\x1b[2J\x9b1m\u202etxt"


class Refusing(http.server.BaseHTTPRequestHandler):
    """Answers 429 with escape sequences in Retry-After and in the title."""

    def do_GET(self) -> None:
        body = f"<title>{HOSTILE_TEXT}</title><p>slow down</p>".encode()
        self.send_response(429, "Too Many Requests")
        self.send_header("Retry-After", "5" + HOSTILE_TEXT)  # latin-1 on the wire; \u202e dropped below
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_header(self, keyword: str, value: str) -> None:
        super().send_header(keyword, value.encode("latin-1", "ignore").decode("latin-1"))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def refusing_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("github", [False, True], ids=["plain", "github-annotations"])
def test_check_prints_no_escape_sequences(refusing_server: int, tmp_path: Path, github: bool) -> None:
    port = refusing_server
    directory = write_directory(tmp_path / "organisations.yaml", {"rude": f"http://rude.invalid:{port}/"})
    store = ["--db", str(tmp_path / "history.sqlite3"), "--resolve", f"rude.invalid:{port}:127.0.0.1"]
    first = crawler("crawl", "--no-freshness", "--directory", str(directory), *store, "--reports", str(tmp_path / "first"))
    assert first.returncode == 0, first.stderr  # the history the gate reads
    result = crawler(
        "check", "--fail-on", "blocked", "--no-freshness", "--directory", str(directory), *store,
        "--reports", str(tmp_path / "reports"), env={"GITHUB_ACTIONS": "true"} if github else {},
    )
    assert result.returncode == 1, result.stderr
    line = next(l for l in result.stdout.splitlines() if "blocked" in l)
    assert "http-429: retry after 5" in line
    if github:
        assert line.startswith("::error file=")
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x9b" not in stream and "\x07" not in stream
    # The store keeps what the server sent, exactly; only the terminal is cleaned.
    report = entries(tmp_path / "reports")["rude"]
    assert "\x1b" in report["detail"]


def test_directory_problems_print_no_escape_sequences(tmp_path: Path) -> None:
    directory = tmp_path / "organisations.yaml"
    directory.write_text(
        'organisations:\n  - id: "bad\\e[31mred"\n    country: T\n    name: x\n'
        '    "\\e]0;pwned\\a": 1\n    website: "https://x\\e[2J.invalid/"\n',
        encoding="utf-8",
    )
    result = crawler("check", "--directory", str(directory), "--db", str(tmp_path / "h.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.count(f"{directory}:") == 3
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
