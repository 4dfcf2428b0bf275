"""Shared fixtures: the simulated web (`crawler.demo.web`) for the whole test session."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0  # seconds to wait for the JSON line; a loaded CI machine can be slow

# No proxy, ever: a proxy in the environment must not see (or swallow) loopback requests.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SimWeb:
    """A running `python -m crawler.demo.web`, as the tests see it.

    `info` is the server's JSON line (see the `crawler.demo.web` docstring for its keys).
    """

    def __init__(self, process: subprocess.Popen[bytes], info: dict[str, Any]) -> None:
        self.process = process
        self.info = info

    @property
    def ca(self) -> str:
        """Path of the CA certificate, for SSL_CERT_FILE."""
        return str(self.info["ca"])

    @property
    def hosts(self) -> dict[str, dict[str, Any]]:
        return dict(self.info["hosts"])

    def url(self, host: str) -> str:
        """The starting URL of the scenario `host` (its scheme and port included)."""
        return str(self.info["hosts"][host]["url"])

    def resolve_args(self) -> list[str]:
        """``--resolve HOST:PORT:127.0.0.1`` for every served host and every port serving it.

        Hosts go in their ASCII (punycode) form, the name DNS would be asked for; a host
        that must not resolve (``no-such-host.invalid``) is left out.
        """
        args: list[str] = []
        for entry in self.info["hosts"].values():
            for port in entry["ports"]:
                args += ["--resolve", f"{entry['ascii_host']}:{port}:127.0.0.1"]
        for service in self.info["services"].values():  # its RDAP server, its caIssuers URLs
            for port in service["ports"]:
                args += ["--resolve", f"{service['host']}:{port}:127.0.0.1"]
        return args

    @property
    def rdap_bootstrap(self) -> str:
        """Path of an RDAP bootstrap file that sends the scenarios' domains to the web's RDAP server."""
        return str(self.info["rdap_bootstrap"])

    def takeover(self) -> None:
        """Make the domains of ``TAKEOVER_HOSTS`` change hands (pages and RDAP registration)."""
        self._control("/__takeover__")

    def requests(self) -> list[dict[str, str]]:
        """Every request recorded since the start or the last `reset()`, oldest first."""
        return self._control("/__requests__")

    def reset(self) -> None:
        """Forget the recorded requests (the file log keeps them)."""
        self._control("/__reset__")

    def next_edition(self) -> None:
        """Advance the title of ``retitled.org`` ("Edition 1" -> "Edition 2" ...)."""
        self._control("/__next_edition__")

    def _control(self, path: str) -> list[dict[str, str]]:
        with _LOOPBACK.open(f"http://127.0.0.1:{self.info['http']}{path}", timeout=10) as answer:
            return list(json.load(answer))


def _read_first_line(stream: Any, timeout: float) -> bytes:
    """The first line of `stream`, or TimeoutError; the read runs in a thread so it can time out."""
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise TimeoutError(f"no line from the simulated web within {timeout} s") from None


@contextmanager
def started_simweb(state_dir: Path) -> Iterator[SimWeb]:
    """A simulated web of its own, running until the block ends (state in `state_dir`)."""
    stderr = (state_dir / "stderr.log").open("wb")  # a file, so a chatty server never blocks
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.web", "--state-dir", str(state_dir)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    try:
        line = _read_first_line(process.stdout, START_TIMEOUT)
        if not line:
            raise RuntimeError(
                "the simulated web exited before it started:\n"
                + (state_dir / "stderr.log").read_text(errors="replace")
            )
        yield SimWeb(process, json.loads(line))
    finally:
        # Closing stdin asks it to stop; terminate() signals this very PID as a backstop.
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        stderr.close()


@pytest.fixture(scope="session")
def simweb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimWeb]:
    """The simulated web, started once for the session; `reset()` it before counting requests.
    Nobody calls its `takeover()`: a test that needs one starts its own (`started_simweb`)."""
    with started_simweb(tmp_path_factory.mktemp("simweb")) as web:
        yield web


def run_crawler(
    *args: str, ca: str | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT,
    timeout: float = 180, wrap: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crawler ARGS`` in a fresh process (a fresh Twisted reactor each time).

    `ca` becomes SSL_CERT_FILE, so the simulated web's certificates verify as real ones do.
    A crawl that does not name an RDAP bootstrap file gets ``--no-rdap`` (`without_rdap`).
    `wrap` is a command the crawler's command line is appended to (see `peak_rss_wrapper`).
    """
    args = without_rdap(args)
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    environment.pop("SSL_CERT_FILE", None)
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        environment.pop(proxy, None)
    if ca:
        environment["SSL_CERT_FILE"] = ca
    environment.update(env or {})
    return subprocess.run(
        [*wrap, sys.executable, "-m", "crawler", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout,
    )


def without_rdap(args: tuple[str, ...] | list[str]) -> list[str]:
    """`args` of a crawling command with ``--no-rdap`` added, unless they name an RDAP bootstrap
    file (then the test points the registration watch at the simulated web itself). The bundled
    bootstrap names the real registries: a test crawl must never ask them (no test traffic
    leaves 127.0.0.0/8), and the tests that are not about RDAP are not slowed by it."""
    args = list(args)
    if args and args[0] in ("crawl", "check") and not {"--no-rdap", "--rdap-bootstrap"} & set(args):
        return [args[0], "--no-rdap", *args[1:]]
    return args


# Runs the command given after it, then writes the peak resident set size of that command (its
# only child), in KiB, to the file named first: a resource measurement, not a timing. If the
# wrapper is killed (a test's timeout), the kernel kills the command too (PR_SET_PDEATHSIG).
_PEAK_RSS = (
    "import ctypes, resource, signal, subprocess, sys\n"
    "die_with_parent = lambda: ctypes.CDLL(None).prctl(1, signal.SIGKILL)\n"
    "code = subprocess.run(sys.argv[2:], preexec_fn=die_with_parent).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(code)\n"
)


def peak_rss_wrapper(report: Path) -> list[str]:
    """A `wrap` for `run_crawler`: the crawl's peak RSS in KiB ends up in `report`."""
    return [sys.executable, "-c", _PEAK_RSS, str(report)]


def write_directory(
    path: Path, urls: dict[str, str | None], country: str = "Testland", names: dict[str, str] | None = None
) -> Path:
    """A directory file with one entry per id -> URL (None: no website), named "Entry ID"
    unless `names` names it."""
    lines = ["organisations:"]
    for entry_id, url in urls.items():
        name = json.dumps((names or {}).get(entry_id, f"Entry {entry_id}"), ensure_ascii=False)
        lines += [f"  - id: {entry_id}", f"    country: {country}", f"    name: {name}"]
        lines.append(f"    website: {url}" if url else "    website: null")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


WAIT_DEADLINE = 60.0  # seconds any awaited condition may take on a slow machine


def wait_for(
    condition: Callable[[], Any], process: subprocess.Popen[bytes], log: Path, what: str = "the condition"
) -> Any:
    """Poll `condition` until it returns something true, and return that.

    Fails at once if `process` exits first (between polls we wait on the process itself,
    so an early exit is noticed without delay), or when the deadline passes; `log` is
    shown either way.
    """
    deadline = time.monotonic() + WAIT_DEADLINE
    while time.monotonic() < deadline:
        if value := condition():
            return value
        try:
            code = process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"{what}: the process exited ({code}) first:\n{log.read_text(errors='replace')}")
    pytest.fail(f"{what}: not within {WAIT_DEADLINE} s:\n{log.read_text(errors='replace')}")
