"""The PostgreSQL ledger's tables: the SQLite tables (sqlite_schema.py) column for column, so a row
and its hash are the same bytes on both engines.

Dates and timestamps are TEXT in ISO form, as SQLite stores them: the chain hashes the text, and
a DATE column would hand back a different value. ``seq`` is BIGINT assigned by the store (last + 1
under the head lock), never a SERIAL: a sequence leaves gaps on rollback and hands out numbers in
start order, not commit order. Every table is created unqualified, so it lands in the
connection's current schema (the first of its search_path).
"""
from __future__ import annotations

from ledger.store.contract import INDEXED_TYPES_SQL, SCHEMA_VERSION  # noqa: F401 - the version these tables are

# The SQLSTATE our append-only trigger raises: class "LD" is not one PostgreSQL uses, so the store
# can tell our refusal from every other error by its code alone.
APPEND_ONLY_SQLSTATE = "LDG01"

APPEND_ONLY = ("events", "streams", "documents", "ledger_lock")

# Byte order (COLLATE "C") on the text keys that are compared by range or sorted: the same order
# SQLite gives, and an index the typed-prefix lookup of event() can use whatever the database's
# default collation is.
# Partial (schema 5): used by a query that repeats its term (postgres.py _types_clause).
EVENTS_TYPE_INDEX = f"CREATE INDEX events_type ON events (type) WHERE {INDEXED_TYPES_SQL}"

TABLES = (
    # schema_version; legacy_event_ids_through: the last seq whose event id has the schema-1 form;
    # chain_v2_from: the first seq hashed with chain v2 (ledger/store/chain.py; schema 4).
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        raw_sha256 TEXT PRIMARY KEY,
        source_name TEXT NOT NULL,
        raw BYTEA NOT NULL,
        normalised TEXT NOT NULL
    )""",
    """CREATE TABLE streams (
        stream TEXT PRIMARY KEY,
        issuer_key TEXT NOT NULL,
        issuer_name TEXT NOT NULL,
        cik TEXT,
        file_number TEXT,
        form TEXT NOT NULL,
        public_date TEXT COLLATE "C",
        source_name TEXT NOT NULL,
        raw_sha256 TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        report_date TEXT COLLATE "C",
        amends TEXT
    )""",
    "CREATE INDEX streams_issuer ON streams (issuer_key)",
    # Re-ingesting the same bytes is a duplicate even when a release changed their normalised text.
    "CREATE INDEX streams_raw ON streams (raw_sha256)",
    # Amendment matching: an issuer's filings with a date of report.
    "CREATE INDEX streams_reported ON streams (issuer_key, report_date)",
    """CREATE TABLE events (
        seq BIGINT PRIMARY KEY,
        event_id TEXT COLLATE "C" NOT NULL UNIQUE,
        stream TEXT NOT NULL,
        version INTEGER NOT NULL,
        issuer_key TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        effective_date TEXT COLLATE "C" NOT NULL,
        public_date TEXT COLLATE "C",
        recorded_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        quote TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (stream, version)
    )""",
    "CREATE INDEX events_replay ON events (effective_date, seq)",
    "CREATE INDEX events_issuer ON events (issuer_key, effective_date)",
    EVENTS_TYPE_INDEX,   # log(types=...): a few among many rows; partial, as in SQLite (schema 5)
    # No index on public_date (schema 4): no query ranges over it alone (sqlite_schema.py).
    # The head lock: appends take this one row FOR UPDATE, so writers queue on it and each reads
    # the head only once the one before it has committed. Locking it needs UPDATE privilege on
    # the table; the trigger below refuses any actual UPDATE.
    """CREATE TABLE ledger_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1)
    )""",
    "INSERT INTO ledger_lock (id) VALUES (1)",
)

# One function for every refusal; it names the operation and the table, as SQLite's triggers do.
REFUSE_FUNCTION = f"""CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = '{APPEND_ONLY_SQLSTATE}';
END
$$"""

# Statement-level, so an UPDATE or DELETE is refused even when it matches no row; TRUNCATE fires
# only statement-level triggers. Built from the constant table names above (identifiers only).
TRIGGERS = tuple(
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
    for table in APPEND_ONLY
)

# Schema 3 -> 4, in the transaction that holds the create lock and the head lock: chain v2 from the
# next seq (the rows there keep v1), and the index no query needs dropped.
UPGRADES = {
    3: (
        "INSERT INTO meta (key, value) SELECT 'chain_v2_from', (COALESCE(MAX(seq), 0) + 1)::text FROM events",
        "DROP INDEX IF EXISTS events_public",
    ),
    # Schema 4 -> 5: only the types looked up among every row are indexed by type.
    4: (
        "DROP INDEX IF EXISTS events_type",
        EVENTS_TYPE_INDEX,
    ),
    # Schema 5 -> 6 added SQLite views for browsing in Datasette, which reads SQLite only: nothing here.
    5: (),
}

DDL = TABLES + (REFUSE_FUNCTION,) + TRIGGERS
