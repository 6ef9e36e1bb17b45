"""Numbered schema migrations. Step N turns a schema-N ledger into schema N+1.

The store applies the steps a file needs in one transaction on open, after writing a backup copy
beside the file. Event rows are never rewritten: their hashes, and the checkpoints users keep,
stay valid across every upgrade.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ledger.schema import SCHEMA_VERSION


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    # Schema 1 ids (12 characters of the accession number + version) collided across filings of
    # one filer agent. Rows up to here keep them; later rows get whole ids (ledger/ids.py).
    conn.execute("INSERT INTO meta (key, value) SELECT 'legacy_event_ids_through', "
                 "CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM events")
    # Day ranks became per-connection TEMP tables, so that opening a ledger to read never writes.
    conn.execute("DROP TABLE IF EXISTS event_types")
    # A file's bytes find the stream an earlier release recorded them under (duplicates).
    conn.execute("CREATE INDEX IF NOT EXISTS streams_raw ON streams (raw_sha256)")


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _v1_to_v2,
}

assert sorted(STEPS) == list(range(1, SCHEMA_VERSION)), "every schema version needs its step"


def migrate(conn: sqlite3.Connection, found: int) -> None:
    """Apply steps ``found`` .. SCHEMA_VERSION-1 inside the caller's transaction."""
    for version in range(found, SCHEMA_VERSION):
        STEPS[version](conn)
    conn.execute("UPDATE meta SET value = :v WHERE key = 'schema_version'", {"v": str(SCHEMA_VERSION)})
