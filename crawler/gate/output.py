"""What `crawler check` prints, in the format asked for (`--format`).

- ``text``: one line per problem, in file order, ``PATH:LINE: STATUS: URL: reason: detail``,
  as compilers and lychee print; ignored problems say why after ``ignored:``.
- ``github``: GitHub Actions workflow commands: an error annotation per failing problem on
  its line, a warning for each ignored one.
- ``json``: the problems as one JSON document, for programs.
- ``sarif``: SARIF 2.1.0 for GitHub code scanning: one result per problem at its file
  location, one rule per status, and a fingerprint that stays the same while the entry,
  its status and its URL do (so an alert follows the entry when lines move).

In ``text``, PATH is the directory file as the user named it (a terminal or an editor opens
it from there); elsewhere it is the path inside its repository (`location.repository_path`),
the form annotations and code scanning need, and never a path of this machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crawler import __version__
from crawler.gate.judgement import Problem
from crawler.text import clean_text
from crawler.verdict.outcome import Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FORMATS = ("text", "github", "json", "sarif")

#: What each status means for the directory, as the rules of the SARIF output say it.
RULE_TEXT: dict[Status, str] = {
    Status.OK: "The site answered normally.",
    Status.REDIRECTED: "The listed URL permanently redirects within its own domain: list the new URL.",
    Status.MOVED: "The listed URL now leads to another registered domain: check the organisation is still there.",
    Status.PARKED: "The domain shows a parking or for-sale page: the organisation has probably lost it.",
    Status.BLOCKED: "The site refused the automatic check (401, 403, 429 or a challenge): check it by hand.",
    Status.SERVER_ERROR: "The site's server answered with an error (5xx) after a retry.",
    Status.DEAD: "Nothing usable answered (DNS, refused, timeout, 404, 410, TLS...).",
    Status.NO_WEBSITE: "The entry lists no website.",
    Status.REFUSED_BY_POLICY: "The URL or a redirect points at a private or reserved address.",
}


@dataclass(frozen=True, slots=True)
class GateRun:
    """What the output needs besides the problems."""

    path: str  # the directory file as the user named it
    repository_path: str  # the same file, relative to its repository's root
    checked: int
    fail_on: frozenset[Status]
    changed_since: str | None = None


def render(fmt: str, run: GateRun, problems: Sequence[Problem]) -> str:
    """The output of `crawler check` in format `fmt` (one of `FORMATS`)."""
    return _RENDERERS[fmt](run, problems)


def _detail(problem: Problem) -> str:
    """``http-404`` / ``timeout: no answer in 2 s``: the reason (unless it only repeats
    the status) and the detail, as one clean line."""
    entry = problem.entry
    reason = entry.reason if entry.reason and entry.reason != entry.status else ""
    return clean_text(": ".join(part for part in (reason, entry.detail) if part))


def _message(problem: Problem) -> str:
    """``dead: https://x.example/: http-404``: the category once, the URL, the evidence."""
    entry = problem.entry
    parts = [str(entry.status), clean_text(entry.url) or "no URL", _detail(problem)]
    return ": ".join(part for part in parts if part)


def _text(run: GateRun, problems: Sequence[Problem]) -> str:
    lines = []
    for problem in problems:
        line = f"{run.path}:{problem.entry.line}: {_message(problem)}"
        if not problem.fails:
            line += f" (ignored: {problem.ignored_because})"
        lines.append(line)
    return "".join(f"{line}\n" for line in lines)


def _github(run: GateRun, problems: Sequence[Problem]) -> str:
    lines = []
    for problem in problems:
        command = "error" if problem.fails else "warning"
        message = _message(problem) if problem.fails else f"{_message(problem)} (ignored: {problem.ignored_because})"
        title = f"{problem.entry.id}: {problem.entry.status}" + ("" if problem.fails else " (ignored)")
        lines.append(
            f"::{command} file={_property(run.repository_path)},line={problem.entry.line},title={_property(title)}::{_data(message)}"
        )
    return "".join(f"{line}\n" for line in lines)


def _data(text: str) -> str:
    # Workflow command data: %, CR and LF are escaped (GitHub's toolkit escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    # Workflow command properties additionally escape : and , (toolkit escapeProperty).
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _json(run: GateRun, problems: Sequence[Problem]) -> str:
    document = {
        "format_version": 1,
        "directory": run.repository_path,
        "checked": run.checked,
        "fail_on": sorted(run.fail_on),
        "changed_since": run.changed_since,
        "failing": sum(p.fails for p in problems),
        "problems": [
            {
                "id": p.entry.id,
                "line": p.entry.line,
                "url": p.entry.url,
                "status": p.entry.status,
                "reason": p.entry.reason,
                "detail": p.entry.detail,
                "final_url": p.entry.final_url,
                "failing_since": p.entry.failing_since,
                "consecutive_failures": p.entry.consecutive_failures,
                "dead_confirmed": p.entry.dead_confirmed,
                "fails": p.fails,
                "ignored_because": p.ignored_because or None,
            }
            for p in problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def fingerprint(problem: Problem) -> str:
    """Stable while the entry, its status and its listed URL stay the same (not its line)."""
    entry = problem.entry
    key = "\x1f".join((entry.id, str(entry.status), entry.url or ""))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _sarif(run: GateRun, problems: Sequence[Problem]) -> str:
    rules = sorted(run.fail_on | {p.status for p in problems})
    rule_index = {status: i for i, status in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for problem in problems:
        message = _message(problem)
        if not problem.fails:
            message += f" (ignored: {problem.ignored_because})"
        results.append({
            "ruleId": str(problem.status),
            "ruleIndex": rule_index[problem.status],
            "kind": "fail",
            "level": "error" if problem.fails else "note",
            "message": {"text": f"{problem.entry.id}: {message}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": run.repository_path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": problem.entry.line},
                },
            }],
            "partialFingerprints": {"entryStatusUrl/v1": fingerprint(problem)},
            "properties": {"entry": problem.entry.id, "url": problem.entry.url, "fails": problem.fails},
        })  # fmt: skip
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "crawler",
                "version": __version__,
                "rules": [
                    {
                        "id": str(status),
                        "name": str(status).title().replace("-", ""),
                        "shortDescription": {"text": f"Website {status}"},
                        "fullDescription": {"text": RULE_TEXT[status]},
                        "defaultConfiguration": {"level": "error"},
                    }
                    for status in rules
                ],
            }},
            "automationDetails": {"id": f"crawler/check/{run.repository_path}/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[GateRun, Sequence[Problem]], str]] = {
    "text": _text,
    "github": _github,
    "json": _json,
    "sarif": _sarif,
}
