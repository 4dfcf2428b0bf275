"""`junit.xml`: one test case per directory entry, for CI systems.

A failing status (`Status.failing`: dead, parked, moved, server-error, refused-by-policy)
is a ``<failure>``; ``blocked``, ``no-website`` and not-yet-checked entries are
``<skipped>``; everything else passes, and so does a status that a maintainer's decision in
force accepts (`crawler.decisions`). Written one test case at a time, by hand, as
ElementTree writes an indented tree (the tests compare the two byte for byte), with
every value passed through `xml_safe`, so the file parses whatever the titles contain.
(By hand, 10,000 test cases take 0.33 s instead of 0.43 s.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from crawler.reports.escape import plain_text, xml_attribute, xml_safe, xml_text
from crawler.reports.model import EntryReport, Report, Unchecked, shown_status
from crawler.verdict.outcome import Status


def iter_junit(report: Report) -> Iterator[str]:
    """`junit.xml` text in pieces: a single ``<testsuite>`` named after the directory file,
    one ``<testcase>`` per piece.

    The suite's counts come from a first, cheap pass over the statuses; then each test
    case is written on its own, so no tree of the whole suite is ever held.
    """
    failures = skipped = 0
    for entry in report.entries:
        verdict = _verdict(entry)
        failures += verdict == "failure"
        skipped += verdict == "skipped"
    attributes = {
        "name": report.directory,
        "tests": str(len(report.entries)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "timestamp": report.run.started_at or report.generated_at,
    }
    duration = _seconds(report.run.started_at, report.run.finished_at)
    if duration is not None:
        attributes["time"] = f"{duration:.3f}"
    start = "<testsuite" + "".join(f' {k}="{xml_attribute(v)}"' for k, v in attributes.items())

    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not report.entries:
        yield f"{start} />\n"
        return
    yield f"{start}>\n"
    for entry in report.entries:
        yield _testcase(report, entry)
    yield "</testsuite>\n"


def render_junit(report: Report) -> str:
    """The whole `junit.xml` text (`iter_junit` joined)."""
    return "".join(iter_junit(report))


def _testcase(report: Report, entry: EntryReport) -> str:
    """The entry's ``<testcase>``, with a ``<failure>`` or ``<skipped>`` as its verdict says,
    indented one level inside the suite, as `ET.indent` would."""
    case = _attributes(
        classname=plain_text(entry.country), name=entry.id, file=report.directory, line=str(entry.line)
    )
    lines = [f"  <testcase{case}>"]
    properties = [
        f'      <property{_attributes(name=key, value=plain_text(str(value)))} />'
        for key in ("url", "final_url", "status", "reason", "http_status", "title", "identity")
        if (value := getattr(entry, key)) is not None and value != ""
    ]
    properties += [
        f'      <property{_attributes(name="decision", value=plain_text(f"{d.what}: {d.reason}"))} />'
        for d in entry.decisions
        if d.applied
    ]
    properties += [
        f'      <property{_attributes(name="warning", value=plain_text(w))} />' for w in entry.warnings
    ]
    if properties:
        lines += ["    <properties>", *properties, "    </properties>"]
    else:
        lines.append("    <properties />")

    verdict = _verdict(entry)
    if verdict == "failure":
        # The grace period shows here too: a failure not yet confirmed is "unreachable"; a
        # site that answers but is someone else's now fails as "lost".
        lost = entry.identity == "lost" and not _failing(entry.status)
        failure = _attributes(type="lost" if lost else shown_status(entry), message=_message(entry))
        lines.append(f"    <failure{failure}>{xml_text(_failure_text(report, entry))}</failure>")
    elif verdict == "skipped":
        lines.append(f"    <skipped{_attributes(message=_message(entry))} />")
    lines.append("  </testcase>\n")
    return "\n".join(lines)


def _attributes(**values: str) -> str:
    """` name="value"` for each, in order, escaped for XML."""
    return "".join(f' {name}="{xml_attribute(value)}"' for name, value in values.items())


def _failing(status: Status | Unchecked) -> bool:
    return isinstance(status, Status) and status.failing


def _verdict(entry: EntryReport) -> str:
    """"failure" (a failing status, or an identity lost to someone else), "skipped" or "passed";
    a status a decision accepts passes (a lost identity is no status: it still fails)."""
    status = entry.status
    if entry.accepted and entry.identity != "lost":
        return "passed"
    if not isinstance(status, Status):  # unchecked: no check yet
        return "skipped"
    if status.failing or entry.identity == "lost":
        return "failure"
    if status in (Status.BLOCKED, Status.NO_WEBSITE):
        return "skipped"
    return "passed"


def _message(entry: EntryReport) -> str:
    """``dead (dns): name not found``: one line."""
    if entry.status == "unchecked":
        return "not checked yet"
    status = shown_status(entry)
    message = f"{status} ({entry.reason})" if entry.reason else status
    if entry.detail:
        message += f": {entry.detail}"
    if entry.identity == "lost":
        message += f"; identity lost: {entry.identity_detail}"
    return _one_line(message)


def _failure_text(report: Report, entry: EntryReport) -> str:
    """The failure's body: where to edit, what was found, since when."""
    lines = [f"{report.directory}:{entry.line}: {shown_status(entry)}: {entry.reason}"]
    if entry.detail:
        lines.append(f"detail: {entry.detail}")
    if entry.url:
        lines.append(f"url: {entry.url}")
    if entry.final_url and entry.final_url != entry.url:
        lines.append(f"final url: {entry.final_url}")
    if entry.title_changed:
        lines.append(f"title: {entry.previous_title or ''} -> {entry.title or ''}")
    if entry.identity == "lost":
        lines.append(f"identity lost: {entry.identity_detail}")
    if entry.failing_since:
        failures = entry.consecutive_failures
        lines.append(f"failing since {entry.failing_since}, {failures} consecutive failures")
    if entry.action_detail:
        lines.append(f"to do: {entry.action_detail}")
    return "\n".join(_one_line(line) for line in lines)


def _one_line(s: str) -> str:
    return xml_safe(plain_text(s))


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    try:
        elapsed = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    except (TypeError, ValueError):  # unparsable, or one time with a zone and one without
        return None
    return max(0.0, elapsed.total_seconds())
