"""The history's one schema: its tables, its version and its migrations, for both engines.

Both engines (`crawler.store.sqlite`, `crawler.store.postgres`) create the same tables from
`TABLES`, each naming its own row-id type, and keep the same `SCHEMA_VERSION` (SQLite in
``PRAGMA user_version``, PostgreSQL in the one row of ``history_schema``). `MIGRATIONS[n]`
takes a store of version n to n + 1 and is written in SQL both engines accept.

Values are simple: ISO-8601 UTC strings ending in Z, status and reason strings from
`crawler.verdict.outcome`. They are typed again where rows leave the store
(`crawler.store.rows`).
"""

from __future__ import annotations

# SCHEMA_VERSION history:
#   1  runs and checks.
#   2  checks.warnings, checks.identity, checks.identity_detail; the domains table (RDAP).
#   3  checks.origin (where a shared crawl saw the verdict from); one check per entry and
#      run (the unique index checks_once), so a check recorded twice is recorded once.
#   4  folded: per-entry summaries of the checks the retention policy folded away.
SCHEMA_VERSION = 4

# The RDAP cache (`crawler.registrations`): one row per registered domain. `registered`,
# `expires` (YYYY-MM-DD) and `checked` (ISO-8601 UTC) are the registry's last answer, and
# `answer` what it was: `found`, or `not-found` (the registry holds no such domain); all
# NULL while no lookup has been answered. `tried` is the last lookup, answered or not.
DOMAINS = """
CREATE {temp}TABLE IF NOT EXISTS domains (
    domain      TEXT PRIMARY KEY,
    registered  TEXT,
    expires     TEXT,
    checked     TEXT,
    answer      TEXT,
    tried       TEXT NOT NULL
);
"""

# The retention policy (`SqlStore.fold`) folds an entry's oldest checks, beyond its last 30
# and older than the policy's age, into one row here: what those checks said that the
# reports still need. A check is folded only after every newer one of its entry is kept,
# so the folded ones are always the oldest; summaries() reads both.
FOLDED = """
CREATE {temp}TABLE IF NOT EXISTS folded (
    entry_id        TEXT PRIMARY KEY,
    checks          INTEGER NOT NULL,          -- how many checks were folded
    first_checked   TEXT NOT NULL,             -- the oldest of them
    last_checked    TEXT NOT NULL,             -- the newest of them
    last_verified   TEXT,                      -- the last ok or redirected among them
    streak_since    TEXT,                      -- the failing streak they end with: its start...
    streak_checks   INTEGER NOT NULL DEFAULT 0, -- ...and its length (0: they end with a calm check)
    last_title      TEXT,                      -- the last title among them
    content_updated TEXT,                      -- the last content date among them
    moments         TEXT NOT NULL DEFAULT '',  -- each one's time and verdict, within 366 days (shares)
    confirmed       TEXT NOT NULL DEFAULT ''   -- JSON: title -> last time its identity was confirmed
);
"""

# The tables. Each engine names its row ids (`id`, `ref`) and may make them TEMPORARY
# (`temp`); everything else is the same in both.
TABLES = """
-- One row per crawl. network: running (in progress), available, unavailable (nothing
-- answered: its checks were discarded), interrupted (killed; its checks stand).
CREATE {temp}TABLE IF NOT EXISTS runs (
    id          {id},
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    directory   TEXT NOT NULL,
    network     TEXT NOT NULL DEFAULT 'running',
    checked     INTEGER NOT NULL DEFAULT 0
);
-- One row per check of one entry. `entry_id` is the directory id, not a foreign key:
-- entries come and go in the YAML while their history stays. `warnings` are comma-separated
-- codes; `identity` is confirmed, unconfirmed, lost or NULL (nothing answered, or a check
-- made before schema 2).
CREATE {temp}TABLE IF NOT EXISTS checks (
    id              {id},
    run_id          {ref} NOT NULL REFERENCES runs(id),
    entry_id        TEXT NOT NULL,
    url             TEXT,
    checked_at      TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    http_status     INTEGER,
    final_url       TEXT,
    title           TEXT,
    content_updated TEXT,
    warnings        TEXT NOT NULL DEFAULT '',
    identity        TEXT,
    identity_detail TEXT NOT NULL DEFAULT '',
    -- Where the verdict was seen from: the --origin names of a shared crawl's processes,
    -- comma-separated when a failure was confirmed from a second one; NULL when unnamed.
    origin          TEXT
);
""" + DOMAINS + FOLDED
INDEXES = """
CREATE INDEX IF NOT EXISTS checks_by_entry ON checks (entry_id, id);
CREATE INDEX IF NOT EXISTS checks_by_run ON checks (run_id);
-- One check per entry and run: a shared crawl may check an entry twice (a lease that expired
-- under a slow worker), and the store keeps the first (INSERT ... ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX IF NOT EXISTS checks_once ON checks (run_id, entry_id);
"""

# Ordered migrations: MIGRATIONS[n] takes a store from version n to n + 1 (SQL that both
# SQLite and PostgreSQL accept; a store at version 0 is created from TABLES instead).
MIGRATIONS: dict[int, str] = {
    # ADD COLUMN one column at a time: the one form SQLite and PostgreSQL both accept.
    1: """
ALTER TABLE checks ADD COLUMN warnings TEXT NOT NULL DEFAULT '';
ALTER TABLE checks ADD COLUMN identity TEXT;
ALTER TABLE checks ADD COLUMN identity_detail TEXT NOT NULL DEFAULT '';
"""
    + DOMAINS.format(temp=""),
    2: """
ALTER TABLE checks ADD COLUMN origin TEXT;
DELETE FROM checks WHERE id NOT IN (SELECT MIN(id) FROM checks GROUP BY run_id, entry_id);
CREATE UNIQUE INDEX IF NOT EXISTS checks_once ON checks (run_id, entry_id);
""",
    3: FOLDED.format(temp=""),
}


def tables(*, id: str, ref: str, temp: str = "") -> str:
    """`TABLES` in one engine's words: its row-id column type (`id`), the type that refers
    to one (`ref`), and ``"TEMPORARY "`` for a reader's throwaway tables."""
    return TABLES.format(temp=temp, id=id, ref=ref)


def upgrade_steps(version: int, *, id: str, ref: str) -> str:
    """The SQL that takes a store at `version` to `SCHEMA_VERSION` (the tables, for 0)."""
    if version == 0:
        return tables(id=id, ref=ref) + INDEXES
    return "\n".join(MIGRATIONS[n] for n in range(version, SCHEMA_VERSION))
