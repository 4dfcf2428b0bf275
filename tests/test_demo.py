"""`crawler demo` shows every kind of verdict from a fresh checkout, with no internet."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_crawler

from crawler.verdict.outcome import Status


def test_demo_crawls_the_bundled_web_and_shows_every_verdict(tmp_path: Path) -> None:
    result = run_crawler("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    reports = tmp_path / "demo" / "reports"
    assert str(reports / "index.html") in result.stdout
    entries = json.loads((reports / "staleness.json").read_text())["entries"]
    assert {e["status"] for e in entries} == {s.value for s in Status}
    assert "Quiet Co-operative" in (reports / "index.html").read_text()
    # The second-wave reasons, the identity and the warnings are on show too.
    reasons = {e["reason"] for e in entries}
    assert {"suspended", "server-default", "placeholder", "script"} <= reasons
    assert {e["identity"] for e in entries} >= {"confirmed", "unconfirmed", "lost", None}
    warnings = {w for e in entries for w in e["warnings"]}
    assert {"tls-chain-incomplete", "domain-expires-soon"} <= warnings
    assert any(e["domain"] and e["domain"]["registered"] for e in entries)  # from the web's own RDAP server
