"""Each tool's verdicts in the benchmark's classes, and their agreement with the web's truth.

Classes (see `benchmarks.web.TRUTH`): ``ok``, ``redirect`` (a 301 followed to a 200),
``timeout``, ``http-404``, ``http-500``, ``refused``, ``dns``. Anything else a tool says is
kept as its own words (e.g. ``dead/connection`` or ``excluded``), so a mismatch shows what
was said instead.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

#: Our (status, reason) -> class. Everything else is reported as "status/reason".
OURS: dict[tuple[str, str], str] = {
    ("ok", "ok"): "ok",
    ("redirected", "http-301"): "redirect",
    ("dead", "timeout"): "timeout",
    ("dead", "http-404"): "http-404",
    ("server-error", "http-500"): "http-500",
    ("dead", "refused"): "refused",
    ("dead", "dns"): "dns",
}


def ours(staleness_json: Path) -> dict[str, str]:
    """Entry id -> class, from our crawler's reports/staleness.json."""
    report = json.loads(staleness_json.read_text(encoding="utf-8"))
    return {
        e["id"]: OURS.get((e["status"], e["reason"]), f"{e['status']}/{e['reason']}")
        for e in report["entries"]
    }


def _lychee_error(status: dict[str, object]) -> str:
    code = status.get("code")
    if code == 404:
        return "http-404"
    if code == 500:
        return "http-500"
    if code is not None:
        return f"http-{code}"
    text = f"{status.get('text', '')} {status.get('details', '')}".lower()
    if "connection refused" in text:
        return "refused"
    if "dns" in text or "lookup address" in text or "name or service not known" in text:
        return "dns"
    if "timed out" in text or "timeout" in text:
        return "timeout"
    return "error: " + str(status.get("details") or status.get("text"))[:60]


def lychee(output_json: Path, url_to_id: dict[str, str]) -> dict[str, str]:
    """Entry id -> class, from ``lychee -v --format json`` output (``-v`` lists successes)."""
    report = json.loads(output_json.read_text(encoding="utf-8"))
    redirected = {
        r["origin"] for per_input in report.get("redirect_map", {}).values() for r in per_input
    }
    found: dict[str, str] = {}

    def each(key: str) -> list[dict[str, object]]:
        return [r for per_input in report.get(key, {}).values() for r in per_input]

    for r in each("success_map"):
        found[str(r["url"])] = "redirect" if r["url"] in redirected else "ok"
    for r in each("timeout_map"):
        found[str(r["url"])] = "timeout"
    for r in each("excluded_map"):
        found[str(r["url"])] = "excluded"
    for r in each("error_map"):
        found[str(r["url"])] = _lychee_error(r["status"])  # type: ignore[arg-type]
    return {url_to_id[url]: verdict for url, verdict in found.items() if url in url_to_id}


@dataclass(frozen=True)
class Agreement:
    agree: int
    total: int
    mismatches: Counter[tuple[str, str]]  # (truth, said) -> count; "missing" if nothing said

    def worst(self, n: int = 4) -> str:
        return ", ".join(f"{t}->{s} x{c}" for (t, s), c in self.mismatches.most_common(n))


def agreement(truth: dict[str, str], said: dict[str, str]) -> Agreement:
    mismatches: Counter[tuple[str, str]] = Counter()
    for entry, expected in truth.items():
        got = said.get(entry, "missing")
        if got != expected:
            mismatches[expected, got] += 1
    return Agreement(len(truth) - sum(mismatches.values()), len(truth), mismatches)
