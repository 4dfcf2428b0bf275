"""A hostile site costs its own check, never the crawl: trap sites on the simulated web.

The traps (`crawler.demo.web`): a feed and a sitemap whose date elements run into white space
to the end of the file, a page whose head holds a 100,000-letter attribute name, a tag with
40,000 attributes and 1,000 unclosed JSON-LD scripts, and two servers that send header lines
without end. Before the parsers were made linear, any one of the first three held the whole
crawl for minutes (the reactor thread does the parsing); the header floods grew the crawler
to gigabytes. Every crawl here runs the real CLI against loopback only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import SimWeb, peak_rss_wrapper, run_crawler, write_directory

from crawler.net.head import MAX_HEAD_BYTES, MAX_HEAD_LINES, _HeadMeter

TIMEOUT = 10  # the crawl's --timeout, seconds
# The subprocess's own timeout: the crawl must end within --timeout plus start-up and a margin
# for a loaded machine; the traps held it for minutes. (Not a timing assertion: it only fails
# on a crawl that does not end.)
GRACE = 50
ORDINARY = ["ok-site.org", "perm-redirect.org", "gone-404.org", "forsale-lander.com",
            "fresh-feed.org", "fresh-sitemap.org"]
TRAPS = ["trap-feed.org", "trap-sitemap.org", "trap-page.org", "header-flood.org",
         "header-fold.org"]
PEAK_RSS_LIMIT_KIB = 150 * 1024


def entry_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-")


def resolve(simweb: SimWeb, hosts: list[str]) -> list[str]:
    args: list[str] = []
    for host in hosts:
        for port in simweb.hosts[host]["ports"]:
            args += ["--resolve", f"{simweb.hosts[host]['ascii_host']}:{port}:127.0.0.1"]
    return args


def crawl(simweb: SimWeb, tmp_path: Path, hosts: list[str]) -> tuple[dict[str, dict], int, str]:
    """Crawl `hosts`; their entries in staleness.json by host, the peak RSS in KiB, stderr."""
    directory = write_directory(tmp_path / "d.yaml", {entry_id(h): simweb.url(h) for h in hosts})
    peak = tmp_path / "peak-rss"
    result = run_crawler(
        "crawl", "--directory", str(directory), "--db", str(tmp_path / "h.sqlite3"),
        "--reports", str(tmp_path / "reports"), "--timeout", str(TIMEOUT),
        *resolve(simweb, hosts), ca=simweb.ca, timeout=TIMEOUT + GRACE,
        wrap=peak_rss_wrapper(peak),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "reports" / "staleness.json").read_text())
    by_id = {entry["id"]: entry for entry in report["entries"]}
    return {host: by_id[entry_id(host)] for host in hosts}, int(peak.read_text()), result.stderr


def test_trap_sites_cost_only_their_own_check(simweb: SimWeb, tmp_path: Path) -> None:
    entries, _, _ = crawl(simweb, tmp_path, ORDINARY + TRAPS)
    for host in ORDINARY + TRAPS:
        expected = simweb.hosts[host]["expect"]
        assert [entries[host]["status"], entries[host]["reason"]] == expected, entries[host]
    # The traps were read to the end: each is dated by what lies beyond its trap.
    for host in ("trap-feed.org", "trap-sitemap.org", "trap-page.org", "fresh-feed.org"):
        assert entries[host]["content_updated"] == simweb.hosts[host]["content_updated"], host
    assert entries["trap-page.org"]["title"] == "Trap Page"


def test_header_lines_without_end_are_refused_within_a_memory_budget(
    simweb: SimWeb, tmp_path: Path
) -> None:
    simweb.reset()
    entries, peak_kib, _ = crawl(simweb, tmp_path, ["header-flood.org", "header-fold.org", "ok-site.org"])
    asked = [r["host"] for r in simweb.requests()]
    for host in ("header-flood.org", "header-fold.org"):
        assert (entries[host]["status"], entries[host]["reason"]) == ("dead", "headers-too-large")
        assert "response head larger than" in entries[host]["detail"], entries[host]
        assert asked.count(host) == 1  # a verdict, not a transient failure: never retried
    assert (entries["ok-site.org"]["status"], entries["ok-site.org"]["reason"]) == ("ok", "ok")
    assert peak_kib < PEAK_RSS_LIMIT_KIB, f"peak RSS {peak_kib // 1024} MB"


# --- the head meter, fed by hand ------------------------------------------------------------


def feed(chunks: list[bytes]) -> str | None:
    meter = _HeadMeter()
    for chunk in chunks:
        if (problem := meter.take(chunk)) is not None:
            return problem
    return None


def test_only_the_head_is_counted_and_each_cap_says_why() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    assert feed([head + b"x\n" * 1_000_000]) is None  # a long body of short lines is body
    assert feed([head[:20], head[20:42], head[42:] + b"\n" * 1_000_000]) is None  # split reads
    assert "larger than" in (feed([b"HTTP/1.1 200 OK\r\n"] + [b"X: " + b"a" * 4000 + b"\r\n"] * 70) or "")
    assert f"more than {MAX_HEAD_LINES}" in (feed([b"HTTP/1.1 200 OK\r\n" + b"a:\n" * 600]) or "")
    assert "longer than" in (feed([b"HTTP/1.1 200 OK\r\nX: " + b"a" * 20_000]) or "")
    # 1xx answers reset Twisted's parser, not the count: endless "100 Continue" heads, read
    # after read, are refused.
    interim = b"HTTP/1.1 100 Continue\r\n\r\n"
    assert feed([interim] * (MAX_HEAD_BYTES // len(interim) + 2)) is not None
