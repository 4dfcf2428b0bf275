"""`crawler demo`: the bundled simulated web, crawled, so a newcomer sees real reports.

Starts `crawler.demo.web` on loopback in a child process, writes a small directory whose
entries show every kind of verdict, crawls it with host names pointed at the child
(`--resolve`, and its throwaway CA through SSL_CERT_FILE), and leaves the directory,
the store and the reports in one folder. No internet is needed or used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from crawler.options import CrawlOptions
from crawler.run import CrawlResult, crawl

# (country, organisation name, simulated host or None for "no website listed")
DEMO_ENTRIES: tuple[tuple[str, str, str | None], ...] = (
    ("Alpha", "Alive and Well Society", "ok-site.org"),
    ("Alpha", "Cyrillic Party News", "novosti-partii.ru"),
    ("Alpha", "Quiet Co-operative", "stale-site.org"),
    ("Alpha", "Renamed Page Association", "perm-redirect.org"),
    ("Alpha", "Upgraded to HTTPS League", "upgrade.org"),
    ("Beta", "Moved Away Union", "moved-away.org"),
    ("Beta", "Meta Refresh Group", "meta-moved.org"),
    ("Beta", "Lapsed Domain Club", "forsale-lander.com"),
    ("Beta", "Expired Registration Circle", "expired-domain.com"),
    ("Gamma", "Behind a Challenge Forum", "challenge-cf.org"),
    ("Gamma", "Forbidden Federation", "forbidden.org"),
    ("Gamma", "Broken Server Alliance", "broken.org"),
    ("Gamma", "Gone Missing Network", "gone-404.org"),
    ("Gamma", "Soft Not Found Collective", "soft404.org"),
    ("Delta", "Never Answers Committee", "hang.org"),
    ("Delta", "Closed Door Council", "refused.org"),
    ("Delta", "Nowhere Institute", "no-such-host.invalid"),
    ("Delta", "Expired Certificate Trust", "expired-cert.org"),
    ("Delta", "Wrong Certificate Guild", "wrong-name.org"),
    ("Delta", "Round and Round Society", "loop.org"),
    ("Delta", "Inward Redirect Bureau", "inward-redirect.org"),
    ("Delta", "Suspended Hosting Circle", "suspended-cpanel.org"),
    ("Delta", "Bare Server Society", "nginx-default.org"),
    ("Beta", "Not Built Yet Collective", "builder-placeholder.org"),
    ("Beta", "Script Bounce Club", "script-moved.org"),
    ("Beta", "Eastside Food Cooperative", "taken-over.org"),
    ("Alpha", "Cookie Wall Cooperative", "cookie-wall.org"),
    ("Alpha", "Short Chain Guild", "chain-incomplete.org"),
    ("Epsilon", "Offline Reading Group", None),
)


def run_demo(out: Path, timeout: float = 3.0) -> tuple[CrawlResult, Path]:
    """Crawl the demo directory into `out`; return the result and the reports folder."""
    out.mkdir(parents=True, exist_ok=True)
    web = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.web", "--state-dir", str(out / "simweb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    try:
        assert web.stdout is not None
        line = web.stdout.readline()
        if not line:
            raise RuntimeError("the simulated web did not start")
        info: dict[str, Any] = json.loads(line)
        directory = _write_directory(out / "organisations.yaml", info)
        os.environ["SSL_CERT_FILE"] = info["ca"]  # trust the simulated web's CA only here
        resolve = [
            f"{host['ascii_host']}:{port}:127.0.0.1" for host in info["hosts"].values() for port in host["ports"]
        ] + [  # its RDAP server and caIssuers URLs
            f"{service['host']}:{port}:127.0.0.1" for service in info["services"].values() for port in service["ports"]
        ]
        # The registration watch asks the simulated web's own RDAP server, never a real registry.
        options = CrawlOptions(
            directory=str(directory), db=str(out / "history.sqlite3"), reports=str(out / "reports"),
            timeout=timeout, resolve=tuple(resolve), rdap_bootstrap=info["rdap_bootstrap"],
        )
        return crawl(options), out / "reports"
    finally:
        if web.stdin:
            web.stdin.close()
        web.terminate()
        web.wait(timeout=10)


def _write_directory(path: Path, info: dict[str, Any]) -> Path:
    lines = [
        "# The demo directory: each entry shows one kind of verdict of the crawler.",
        "organisations:",
    ]
    for index, (country, name, host) in enumerate(DEMO_ENTRIES, start=1):
        url = info["hosts"][host]["url"] if host else None
        lines += [
            f"  - id: demo-{index:02d}",
            f"    country: {country}",
            f"    name: {name}",
            f"    website: {url}" if url else "    website: null",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
