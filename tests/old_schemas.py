"""History stores as earlier crawlers wrote them, for the tests of the migrations.

Copies, not imports of `crawler.store.schema`: a migration must take the stores that exist,
whatever the current schema becomes.
"""

# The SQLite tables of schema 1 (before warnings, identity, the RDAP cache and the origin),
# without rows: each test adds its own and sets ``PRAGMA user_version = 1``.
SQLITE_SCHEMA_1 = """
CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
    directory TEXT NOT NULL, network TEXT NOT NULL DEFAULT 'running', checked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE checks (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
    entry_id TEXT NOT NULL, url TEXT, checked_at TEXT NOT NULL, status TEXT NOT NULL,
    reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', http_status INTEGER, final_url TEXT,
    title TEXT, content_updated TEXT);
CREATE INDEX checks_by_entry ON checks (entry_id, id);
CREATE INDEX checks_by_run ON checks (run_id);
"""
