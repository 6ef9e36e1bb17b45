"""The SQLite ledger's tables, written out as DDL so every column type and constraint is deliberate."""
from __future__ import annotations

# Bumped in ledger/store/contract.py when the DDL changes, with the step in sqlite_migrations.py.
# The store refuses a database newer than this program and migrates an older one (after a backup).
from ledger.store.contract import INDEXED_TYPES_SQL, SCHEMA_VERSION  # noqa: F401 - re-exported for the migrations

# Tables that only ever grow. Their UPDATE/DELETE triggers are the last line of defence:
# they hold even for someone who opens the file with another tool.
APPEND_ONLY = ("events", "streams", "documents")

# Partial (schema 5): a query uses it when it repeats the same term (sqlite.py _types_clause).
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
        raw BLOB NOT NULL,
        normalised TEXT NOT NULL
    )""",
    """CREATE TABLE streams (
        stream TEXT PRIMARY KEY,
        issuer_key TEXT NOT NULL,
        issuer_name TEXT NOT NULL,
        cik TEXT,
        file_number TEXT,
        form TEXT NOT NULL,
        public_date TEXT,
        source_name TEXT NOT NULL,
        raw_sha256 TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        report_date TEXT,
        amends TEXT
    )""",
    "CREATE INDEX streams_issuer ON streams (issuer_key)",
    # Re-ingesting the same bytes is a duplicate even when a release changed their normalised text.
    "CREATE INDEX streams_raw ON streams (raw_sha256)",
    # Amendment matching: an issuer's filings with a date of report (schema 3).
    "CREATE INDEX streams_reported ON streams (issuer_key, report_date)",
    # seq is the rowid: a global, gapless recording order assigned by the store (last + 1).
    """CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        stream TEXT NOT NULL,
        version INTEGER NOT NULL,
        issuer_key TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        effective_date TEXT NOT NULL,
        public_date TEXT,
        recorded_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        quote TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (stream, version)
    )""",
    "CREATE INDEX events_replay ON events (effective_date, seq)",
    "CREATE INDEX events_issuer ON events (issuer_key, effective_date)",
    # log(types=...): corrections, balance assertions, retractions, a few among a million rows.
    EVENTS_TYPE_INDEX,   # partial: only INDEXED_TYPES (ledger/store/contract.py)
    # No index on public_date (schema 4): known_at only ever narrows a replay that an as_of or an
    # issuer already ranges over, and the index cost every append a B-tree insert.
)

# Built from the constant table names above (identifiers, never values).
TRIGGERS = tuple(
    f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
    BEGIN
        SELECT RAISE(ABORT, 'events are append-only: {op} on {table} is refused');
    END"""
    for table in APPEND_ONLY
    for op in ("UPDATE", "DELETE")
)

# INSERT OR REPLACE deletes the row it replaces, and SQLite fires DELETE triggers for that only
# when recursive_triggers is on, which another tool's connection need not set. So an insert that
# would replace a row is refused before it starts (schema 3). A document already kept is left as
# it is: the same bytes under a second stream are stored once.
NO_REPLACE = (
    """CREATE TRIGGER events_no_replace BEFORE INSERT ON events
    WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq OR event_id = NEW.event_id
                 OR (stream = NEW.stream AND version = NEW.version))
    BEGIN
        SELECT RAISE(ABORT, 'events are append-only: REPLACE on events is refused');
    END""",
    """CREATE TRIGGER streams_no_replace BEFORE INSERT ON streams
    WHEN EXISTS (SELECT 1 FROM streams WHERE stream = NEW.stream)
    BEGIN
        SELECT RAISE(ABORT, 'events are append-only: REPLACE on streams is refused');
    END""",
    """CREATE TRIGGER documents_no_replace BEFORE INSERT ON documents
    WHEN EXISTS (SELECT 1 FROM documents WHERE raw_sha256 = NEW.raw_sha256)
    BEGIN
        SELECT RAISE(IGNORE);
    END""",
)

# Views for browsing the file in Datasette or any SQLite tool (schema 6): they hold no data and write
# nothing; the events, streams and documents stay append-only.
from ledger.store.sqlite_views import VIEWS  # noqa: E402

DDL = TABLES + TRIGGERS + NO_REPLACE + VIEWS

# Same-day replay order is the program's, not the file's: each connection gets it as a TEMP
# table (which a read-only connection may create), so reading a ledger never writes to it.
TEMP_EVENT_TYPES = "CREATE TEMP TABLE IF NOT EXISTS event_types (type TEXT PRIMARY KEY, day_rank INTEGER NOT NULL)"
