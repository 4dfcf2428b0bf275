"""`crawler rdap-bootstrap --refresh`: IANA's current RDAP bootstrap file, fetched on request only.

The one network request the crawler makes outside a crawl, and only when the user asks: a
plain HTTPS GET of a fixed URL with the standard library (no proxy: the crawler connects
directly, as everywhere), validated as a bootstrap file before it replaces the old copy.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from crawler.errors import NetworkUnavailable, UsageError
from crawler.verdict.rdap import MAX_BOOTSTRAP, Bootstrap

TIMEOUT = 60.0  # seconds


def refresh(url: str, out: Path) -> Bootstrap:
    """Download the bootstrap file at `url` into `out` (atomically). Raises NetworkUnavailable
    when it cannot be fetched, UsageError when it is not a bootstrap file; `out` is then left
    as it was."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"User-Agent": "organisations-directory-crawler (rdap-bootstrap)"})
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            body = answer.read(MAX_BOOTSTRAP + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise NetworkUnavailable(f"{url}: cannot download the RDAP bootstrap file ({exc})") from None
    if len(body) > MAX_BOOTSTRAP:
        raise UsageError(f"{url}: larger than {MAX_BOOTSTRAP} bytes: not an RDAP bootstrap file")
    try:
        bootstrap = Bootstrap.parse(body, url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Bootstrap(bootstrap.services, bootstrap.publication, str(out))
