"""Numbered schema migrations. Step N turns a schema-N ledger into schema N+1.

The store applies the steps a file needs in one transaction on open, after writing a backup copy
beside the file. Event rows are never rewritten: their hashes, and the checkpoints users keep,
stay valid across every upgrade.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ledger.store.sqlite_schema import EVENTS_TYPE_INDEX, NO_REPLACE, SCHEMA_VERSION, TRIGGERS
from ledger.store.sqlite_views import DROP_VIEWS, VIEWS


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    # Schema 1 ids (12 characters of the accession number + version) collided across filings of
    # one filer agent. Rows up to here keep them; later rows get whole ids (ledger/ids.py).
    conn.execute("INSERT INTO meta (key, value) SELECT 'legacy_event_ids_through', "
                 "CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM events")
    # Day ranks became per-connection TEMP tables, so that opening a ledger to read never writes.
    conn.execute("DROP TABLE IF EXISTS event_types")
    # A file's bytes find the stream an earlier release recorded them under (duplicates).
    conn.execute("CREATE INDEX IF NOT EXISTS streams_raw ON streams (raw_sha256)")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    # A filing's date of report and what it amends become stream columns, read from its filing
    # event as this release decodes it (upcast): amendment matching filters on columns, not JSON.
    from events import FilingRecorded, from_json
    conn.execute("ALTER TABLE streams ADD COLUMN report_date TEXT")
    conn.execute("ALTER TABLE streams ADD COLUMN amends TEXT")
    conn.execute("CREATE INDEX streams_reported ON streams (issuer_key, report_date)")
    filled = []
    for stream, schema_version, payload in conn.execute(
            "SELECT stream, schema_version, payload FROM events WHERE version = 1 AND type = :t",
            {"t": FilingRecorded.TYPE}):
        head = from_json(FilingRecorded.TYPE, schema_version, payload)
        if head.report_date is not None or head.amends is not None:
            filled.append({"stream": stream, "amends": head.amends,
                           "report_date": None if head.report_date is None else head.report_date.isoformat()})
    # The two new columns were empty until now: filling them changes no recorded fact. The
    # trigger that refuses updates is lifted for this one statement, inside this transaction.
    conn.execute("DROP TRIGGER streams_no_update")
    conn.executemany("UPDATE streams SET report_date = :report_date, amends = :amends WHERE stream = :stream", filled)
    conn.execute(next(t for t in TRIGGERS if "streams_no_update" in t))
    for statement in NO_REPLACE:   # an INSERT OR REPLACE from another tool is refused too
        conn.execute(statement)


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    # Chain v2 (ledger/store/chain.py) from the next row on: the rows already there keep v1 and
    # verify as before; the first v2 row chains to the last v1 row's hash.
    conn.execute("INSERT INTO meta (key, value) SELECT 'chain_v2_from', "
                 "CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM events")
    # No query needs it (sqlite_schema.py), and every append paid for it.
    conn.execute("DROP INDEX IF EXISTS events_public")


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    # Only the types looked up among every row are indexed by type: every append paid a B-tree
    # insert into the full index (sqlite_schema.py). An index holds no recorded fact.
    conn.execute("DROP INDEX IF EXISTS events_type")
    conn.execute(EVENTS_TYPE_INDEX)


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    # Views for browsing the file (Datasette, `ledger serve`): the events read by what they mean. A
    # view holds no data: no row is written or rewritten, so every hash and checkpoint stays valid.
    for statement in DROP_VIEWS + VIEWS:
        conn.execute(statement)


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
}

assert sorted(STEPS) == list(range(1, SCHEMA_VERSION)), "every schema version needs its step"


def migrate(conn: sqlite3.Connection, found: int) -> None:
    """Apply steps ``found`` .. SCHEMA_VERSION-1 inside the caller's transaction."""
    for version in range(found, SCHEMA_VERSION):
        STEPS[version](conn)
    conn.execute("UPDATE meta SET value = :v WHERE key = 'schema_version'", {"v": str(SCHEMA_VERSION)})
