"""Registration data (RDAP, RFC 9083) of a registered domain: where to ask, and what the answer says.

Where to ask comes from IANA's RDAP bootstrap file for DNS (RFC 9224,
https://data.iana.org/rdap/dns.json): top-level domains -> their registry's RDAP base URLs. A
snapshot is bundled (``rdap_dns.json`` beside this module), as tldextract bundles its suffix
list, and is never refreshed behind the user's back: ``crawler rdap-bootstrap --refresh`` writes
a fresh copy only when asked, and `CRAWLER_RDAP_BOOTSTRAP` (``--rdap-bootstrap``) points a crawl
at another file.

What the answer says: the domain's ``registration`` and ``expiration`` events. Everything here
is pure; parsing raises `ValueError` with a message fit for a person, and nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from crawler.verdict.outcome import WarningCode

#: The bundled snapshot of IANA's bootstrap file.
BUNDLED = Path(__file__).with_name("rdap_dns.json")
#: Where IANA publishes the bootstrap file (``crawler rdap-bootstrap --refresh``).
IANA_URL = "https://data.iana.org/rdap/dns.json"
#: A registration ending this soon is a maintainer's warning.
EXPIRES_SOON = timedelta(days=30)
MAX_BOOTSTRAP = 4 * 1024 * 1024  # bytes: IANA's file is about 40 KB
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """Top-level domain (ASCII, lower case) -> the RDAP base URL of its registry (ending in "/")."""

    services: dict[str, str]
    publication: str = ""  # as the file says, e.g. "2026-11-20T17:00:02Z"
    source: str = ""  # where it was read from, for messages

    @classmethod
    def parse(cls, text: str | bytes, source: str = "") -> Bootstrap:
        """Read a bootstrap file (RFC 9224's JSON). Raises ValueError naming what is wrong."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{source or 'RDAP bootstrap'}: not JSON ({exc})") from None
        services: dict[str, str] = {}
        entries = data.get("services") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError(f"{source or 'RDAP bootstrap'}: no 'services' list (not an RDAP bootstrap file)")
        for entry in entries:
            if not (isinstance(entry, list) and len(entry) >= 2 and isinstance(entry[0], list) and isinstance(entry[1], list)):
                raise ValueError(f"{source or 'RDAP bootstrap'}: a service is not [[TLDs], [URLs]]: {entry!r:.80}")
            urls = [u for u in entry[1] if isinstance(u, str) and u.startswith(("https://", "http://"))]
            if not urls:
                continue
            # RFC 9224: prefer https where a registry offers both.
            base = next((u for u in urls if u.startswith("https://")), urls[0])
            base = base if base.endswith("/") else base + "/"
            for tld in entry[0]:
                if isinstance(tld, str) and tld:
                    services[tld.strip(".").lower()] = base
        if not services:
            raise ValueError(f"{source or 'RDAP bootstrap'}: lists no registry")
        return cls(services, str(data.get("publication", "")), source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Bootstrap:
        """The bootstrap file at `path`, or the bundled snapshot. Raises ValueError (unreadable, bad)."""
        location = Path(path) if path else BUNDLED
        try:
            with location.open("rb") as handle:
                text = handle.read(MAX_BOOTSTRAP + 1)
        except OSError as exc:
            raise ValueError(f"{location}: cannot read the RDAP bootstrap file ({exc.strerror})") from None
        if len(text) > MAX_BOOTSTRAP:
            raise ValueError(f"{location}: larger than {MAX_BOOTSTRAP} bytes: not an RDAP bootstrap file")
        return cls.parse(text, str(location))

    def url_for(self, domain: str) -> str | None:
        """The RDAP URL of `domain` (a registered domain, ASCII), or None when no registry of its
        suffix is listed. The longest listed suffix wins."""
        labels = domain.strip(".").lower().split(".")
        for start in range(1, len(labels)):
            base = self.services.get(".".join(labels[start:]))
            if base is not None:
                return f"{base}domain/{domain.strip('.').lower()}"
        return None


@dataclass(frozen=True, slots=True)
class Registration:
    """What a registry's RDAP record says of a domain's registration."""

    registered: date | None
    expires: date | None


def parse_record(body: bytes | str) -> Registration:
    """The registration and expiration dates of an RDAP domain record (RFC 9083 events).

    Raises ValueError when the body is not an RDAP domain object.
    """
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError("not an RDAP object")
    kind = data.get("objectClassName")
    if kind is not None and kind != "domain":
        raise ValueError(f"an RDAP {kind!r} object, not a domain")
    events = data.get("events", [])
    if not isinstance(events, list):
        raise ValueError("'events' is not a list")
    found: dict[str, date] = {}
    for event in events:
        if not isinstance(event, dict):
            continue
        action, when = event.get("eventAction"), _date(event.get("eventDate"))
        if isinstance(action, str) and when is not None:
            found.setdefault(action.lower(), when)
    return Registration(found.get("registration"), found.get("expiration"))


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    parts = _DATE.match(value.strip())
    if parts is None:
        return None
    try:
        return date(int(parts[1]), int(parts[2]), int(parts[3]))
    except ValueError:
        return None


def warnings_for(answer: str | None, expires: date | None, today: date) -> tuple[str, ...]:
    """The maintainer's warnings a domain's registration gives: it ends within `EXPIRES_SOON`
    (or has ended), or the registry holds no such domain."""
    if answer == "not-found":
        return (WarningCode.DOMAIN_NOT_REGISTERED,)
    if expires is not None and expires <= today + EXPIRES_SOON:
        return (WarningCode.DOMAIN_EXPIRES_SOON,)
    return ()
