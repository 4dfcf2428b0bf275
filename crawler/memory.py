"""What the history knows that a check needs, read once when a crawl starts.

The identity of a site is judged against what its checks showed while it was confirmed
(`crawler.verdict.identity.Known`), and RDAP lookups are made only when the store's cache of
them is old (`crawler.registrations`). Both come from the history store, which the spider does
not otherwise know: `load_memory` reads them through a reader of its own and hands back plain
values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.errors import StoreError
from crawler.store import open_store
from crawler.store.rows import DomainRow, IdentityMemory

logger = logging.getLogger(__name__)

_NOTHING = IdentityMemory()


@dataclass
class Memory:
    """Per entry, its identity's memory; per registered domain, its last RDAP answer."""

    identities: dict[str, IdentityMemory] = field(default_factory=dict)
    domains: dict[str, DomainRow] = field(default_factory=dict)

    def identity_of(self, entry_id: str) -> IdentityMemory:
        return self.identities.get(entry_id, _NOTHING)


def load_memory(location: str | None, entry_ids: Iterable[str] | None = None) -> Memory:
    """What the store at `location` remembers of these entries (every entry when None), and
    every domain's last RDAP answer. An unreadable store gives an empty memory (logged): the
    checks go on, as for a directory crawled for the first time."""
    if not location:
        return Memory()
    try:
        store = open_store(location, write=False)
    except StoreError as exc:
        logger.warning("identity memory unavailable, judging without it: %s", exc)
        return Memory()
    try:
        return Memory(store.identity_memory(entry_ids), store.domains())
    finally:
        store.close()
