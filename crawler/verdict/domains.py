"""Registered domains, judged with the Public Suffix List.

tldextract is built with its bundled snapshot of the list and no URL to refresh it
from: the crawler must never fetch the list over the network (CI machines and this
project's test machines have no internet, and a fetch would be a request we did not
mean to make).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# Private suffixes count too: two blogs on blogspot.com are two sites, not one.
# wordpress.com hosts blogs the same way but is not on the list.
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(),
    cache_dir=None,
    include_psl_private_domains=True,
    extra_suffixes=("wordpress.com",),
)


# A check asks about its own hosts (listed, final) within moments; a large cache would only
# keep every host of a 100,000-site crawl alive (17 MB at 65,536 hosts).
@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """``www.example.co.uk`` -> ``example.co.uk``; IDN hosts are compared in punycode.

    A host with no known suffix (an IP address, ``localhost``) is its own domain.
    """
    host = host.strip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # already ASCII or not encodable: compare as given
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host


def is_public_suffix(host: str) -> bool:
    """Whether `host` is itself a public suffix (``co.uk``, ``blogspot.com``): nothing to register."""
    return not _EXTRACT(host.strip(".").lower()).domain


def host_of(url: str) -> str:
    """The URL's host in lower case; "" when there is none or the URL cannot be parsed."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
