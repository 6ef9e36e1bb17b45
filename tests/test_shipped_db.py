"""The shipped ledger.db must be what ingesting examples/filings/*.txt produces today.

Rebuilt in a temporary folder and compared table by table, apart from recorded-at times and the
hashes that cover them."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ledger.store import open_store, verify

SHIPPED = Path(__file__).resolve().parents[1] / "ledger.db"
REBUILD = "ledger.db is stale: rebuild it with `rm ledger.db && ledger ingest examples/filings/*.txt`"

EVENT_COLUMNS = ("seq, event_id, stream, version, type, schema_version, effective_date, public_date, "
                 "payload, quote")
STREAM_COLUMNS = ("stream, issuer_key, issuer_name, cik, file_number, form, public_date, source_name, "
                  "raw_sha256")
DOCUMENT_COLUMNS = "raw_sha256, source_name, raw, normalised"


@pytest.fixture(scope="module")
def rebuilt(run, filings, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("rebuilt") / "ledger.db"
    result = run("--db", db, "ingest", *filings)   # the same order as the shell's sorted glob
    assert result.exit_code == 0, result.output
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def assert_same(table: str, columns: str, order: str, rebuilt: Path) -> None:
    sql = f"SELECT {columns} FROM {table} ORDER BY {order}"
    shipped, fresh = rows(SHIPPED, sql), rows(rebuilt, sql)
    assert len(shipped) == len(fresh), f"{table}: {len(shipped)} rows shipped, {len(fresh)} rebuilt. {REBUILD}"
    names = [c.strip() for c in columns.split(",")]
    for old, new in zip(shipped, fresh):
        diff = {n: (repr(a)[:200], repr(b)[:200]) for n, a, b in zip(names, old, new) if a != b}
        assert not diff, f"{table} row {old[0]!r} differs (shipped, rebuilt): {diff}. {REBUILD}"


def test_shipped_db_exists():
    assert SHIPPED.is_file(), f"no ledger.db in the repository root. {REBUILD}"


def test_events_match_a_rebuild(rebuilt):
    assert_same("events", EVENT_COLUMNS, "seq", rebuilt)


def test_streams_match_a_rebuild(rebuilt):
    assert_same("streams", STREAM_COLUMNS, "rowid", rebuilt)


def test_documents_match_a_rebuild(rebuilt):
    assert_same("documents", DOCUMENT_COLUMNS, "raw_sha256", rebuilt)


def test_shipped_db_passes_verify():
    with open_store(SHIPPED, read_only=True) as store:
        report = verify(store)
        assert report.ok, f"{report}. {REBUILD}"
        assert report.checked == store.count() == 30
