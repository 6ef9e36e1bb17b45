"""Upgrades: an older ledger opens with this release, after a backup; a newer or foreign file is refused."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import ledger.intake
import ledger.store.sqlite_migrations
from ledger.errors import StoreError
from ledger.store.sqlite_schema import SCHEMA_VERSION
from ledger.store import open_store, verify
from ledger.store.sqlite import SQLiteStore
from tests.filing_factory import accession, write_filings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILINGS = Path(__file__).resolve().parents[1] / "examples" / "filings"
V1_CHECKPOINT = "adeab00e4e159acf82759fabca2b8b17fa73f3bf77b0e9a22244a48e1221cef3@30"


@pytest.fixture
def v1(tmp_path) -> Path:
    return Path(shutil.copy(FIXTURES / "ledger_v1.db", tmp_path / "ledger.db"))


def meta(db: Path) -> dict:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta"))
    finally:
        con.close()


def test_a_schema_1_ledger_is_upgraded_on_open_after_a_backup(run, v1):
    original = v1.read_bytes()
    result = run("--db", v1, "replay", "--as-of", "2000-06-30", "--format", "json")    # a reader
    assert result.exit_code == 0, result.output
    assert f"upgraded the ledger from schema 1 to {SCHEMA_VERSION}" in result.stderr
    backup = v1.with_name("ledger.db.schema-1.bak")
    assert backup.read_bytes() == original                     # the file as it was, byte for byte
    assert meta(v1) == {"schema_version": str(SCHEMA_VERSION), "legacy_event_ids_through": "30", "chain_v2_from": "31"}
    [issuer] = json.loads(result.stdout)["issuers"]
    assert issuer["totals"]["common_shares"] == 1865918
    again = run("--db", v1, "replay", "--as-of", "2000-06-30")
    assert "upgraded" not in again.stderr and not v1.with_name("ledger.db.schema-1.2.bak").exists()


def test_old_ids_keep_working_and_new_filings_get_whole_ids(run, v1, tmp_path):
    assert run("--db", v1, "show", "863674c153e7-3").exit_code == 0    # a schema-1 id, as stored
    write_filings(tmp_path / "new", [5, 6])
    assert run("--db", v1, "ingest", tmp_path / "new").exit_code == 0
    with open_store(v1, read_only=True) as store:
        assert store.event("863674c153e7-3").seq == 3
        assert [s.event_id for s in store.log(after_seq=30)] == [
            f"{accession(5)}-1", f"{accession(5)}-2", f"{accession(6)}-1", f"{accession(6)}-2"]
    verified = run("--db", v1, "verify", "--against", V1_CHECKPOINT)    # rows 1-30 untouched
    assert verified.exit_code == 0, verified.output


def test_a_legacy_id_after_the_upgrade_fails_verify(v1):
    """Only rows written before the upgrade may carry schema-1 ids."""
    with open_store(v1) as store:
        assert store.legacy_ids_through == 30
        store.legacy_ids_through = 29          # as if row 30 had been written after the upgrade
        report = verify(store)
    assert (report.ok, report.bad_seq) == (False, 30) and "does not match stream" in report.problem


def test_a_failed_migration_leaves_the_ledger_as_it_was(v1, monkeypatch):
    original = v1.read_bytes()

    def broken(conn):
        conn.execute("DROP TABLE event_types")
        raise RuntimeError("step failed halfway")

    monkeypatch.setitem(ledger.store.sqlite_migrations.STEPS, 1, broken)
    with pytest.raises(RuntimeError, match="halfway"):
        open_store(v1)
    assert meta(v1)["schema_version"] == "1"
    con = sqlite3.connect(v1)
    assert con.execute("SELECT count(*) FROM event_types").fetchone()[0] > 0   # the drop was rolled back
    con.close()
    assert v1.with_name("ledger.db.schema-1.bak").read_bytes() == original


def test_a_ledger_from_a_newer_release_is_refused(run, v1):
    con = sqlite3.connect(v1)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")   # no triggers on meta
    con.commit()
    con.close()
    result = run("--db", v1, "replay", "--as-of", "2000-06-30")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {v1}: this ledger was written by a newer release (schema 99); "
                                     f"this program reads schema {SCHEMA_VERSION} and older: upgrade deal-ledger")


@pytest.mark.parametrize("ddl", [
    "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)",                  # another application's file
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, payload TEXT)",             # an events table, no meta
    "CREATE TABLE meta (key TEXT, value TEXT); CREATE TABLE events (seq INTEGER)",   # no schema version
])
def test_another_applications_sqlite_file_is_not_a_ledger(run, tmp_path, ddl):
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.executescript(ddl)
    con.close()
    for args in (("replay", "--as-of", "2000-06-30"), ("ingest", FIXTURES / "make_fixture.py")):
        result = run("--db", db, *args)
        assert result.exit_code == 2
        assert f"{db}: not a ledger database" in result.stderr and "no such table" not in result.stderr


def test_a_file_that_is_not_sqlite_is_not_a_ledger(run, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 100)
    result = run("--db", db, "replay", "--as-of", "2000-06-30")
    assert result.exit_code == 2 and result.stderr.strip() == f"error: {db}: not a ledger database (not a SQLite file)"


def test_a_file_recorded_by_an_earlier_release_under_another_identity_is_a_duplicate(run, tmp_path, monkeypatch):
    """A filing without an accession number is keyed by the sha256 of its normalised text, which a
    newer reader may normalise differently (wrapped figures are joined now). The same bytes must
    still be found, or the filing would be counted twice."""
    path = FILINGS / "000_ba47be5c523c5283.txt"
    db = tmp_path / "ledger.db"
    old_stream = "sha256:" + "0" * 64
    with monkeypatch.context() as earlier:    # an earlier release: another identity for the same bytes
        earlier.setattr(ledger.intake, "identity", lambda normalised: old_stream)
        assert run("--db", db, "ingest", path).exit_code == 0
    result = run("--db", db, "ingest", path)
    assert result.exit_code == 0
    assert f"already in the ledger as {old_stream}" in result.stderr
    assert "0 event(s) appended, 1 duplicate(s) skipped" in result.stderr
    with open_store(db, read_only=True) as store:
        assert [s.stream for s in store.streams()] == [old_stream]


def test_an_upgrade_that_cannot_write_says_why_in_one_line(run, v1, monkeypatch):
    """A reader of an old ledger it may not write (a read-only file, as a non-root user has it)."""
    real_opened = SQLiteStore._opened.__func__

    def opened(cls, name, *, create, read_only):
        if not read_only:
            raise StoreError(f"{name}: cannot write: the database file or its folder is read-only")
        return real_opened(cls, name, create=create, read_only=read_only)

    monkeypatch.setattr(SQLiteStore, "_opened", classmethod(opened))
    result = run("--db", v1, "replay", "--as-of", "2000-06-30")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {v1}: this ledger has schema 1 and must be upgraded to schema {SCHEMA_VERSION} before this "
        f"release can read it, which failed: {v1}: cannot write: the database file or its folder is read-only"]
