"""SQLite's own side of the store: what the contract suite cannot see from outside. Tamper tests
edit the file with another connection (as someone with the file and the sqlite3 tool could), with
the append-only triggers dropped."""
from __future__ import annotations

import sqlite3

import pytest

import ledger.store.sqlite
from events import DAY_RANK
from events.envelope import Document
from ledger.errors import AppendOnlyViolation, LedgerNotFound, StoreError
from ledger.store import GENESIS, SCHEMA_VERSION, VerifyReport, open_store, verify
from ledger.store.chain import row_hash
from ledger.store.sqlite import SQLiteStore, read_sql
from tests.store.support import D1, D2, D3, DOC, RAW_SHA, S1, S2, common, fee, filing, info, one_stream, stream_id, two_streams, warrant


@pytest.fixture
def path(tmp_path):
    return tmp_path / "ledger.db"


@pytest.fixture
def store(path):
    with open_store(path, create=True) as opened:
        yield opened


@pytest.fixture
def raw(path, store):
    """Another connection to the same file, as another tool would open it."""
    con = sqlite3.connect(path, isolation_level=None)
    con.row_factory = sqlite3.Row
    yield con
    con.close()


def unlock(raw: sqlite3.Connection) -> None:
    """Drop the append-only triggers, as someone with the file and another tool could."""
    names = [r["name"] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    assert names, "the store should have append-only triggers"
    for name in names:
        raw.execute(f'DROP TRIGGER "{name}"')  # identifiers from sqlite_master


def row(raw: sqlite3.Connection, seq: int) -> dict:
    return dict(raw.execute("SELECT * FROM events WHERE seq = :seq", {"seq": seq}).fetchone())


def insert_row(raw: sqlite3.Connection, values: dict) -> None:
    cols = ", ".join(values)
    raw.execute(f"INSERT INTO events ({cols}) VALUES ({', '.join(':' + c for c in values)})", values)


def rehash_chain(raw: sqlite3.Connection) -> None:
    """What a careful forger does after editing: recompute every hash from the start."""
    prev = GENESIS
    for r in [dict(r) for r in raw.execute("SELECT * FROM events ORDER BY seq")]:
        new = row_hash(prev, r)
        raw.execute("UPDATE events SET prev_hash = :p, hash = :h WHERE seq = :seq",
                    {"p": prev, "h": new, "seq": r["seq"]})
        prev = new


def test_payloads_and_dates_are_text_never_real(store, raw):
    one_stream(store)
    r = raw.execute("SELECT typeof(payload) AS t, payload FROM events WHERE seq = 2").fetchone()
    assert r["t"] == "text" and '"price":"11.826"' in r["payload"]
    reals = raw.execute("SELECT count(*) FROM events WHERE typeof(payload) != 'text' "
                        "OR typeof(effective_date) != 'text'").fetchone()[0]
    assert reals == 0


def test_same_day_order_comes_from_the_connections_event_types_table(store):
    two_streams(store)
    ranks = {r["type"]: r["day_rank"] for r in store._db.query("SELECT * FROM event_types")}
    assert ranks == DAY_RANK
    store._db.execute("UPDATE event_types SET day_rank = 99 WHERE type = 'filing_recorded'")
    assert [s.type for s in store.read(as_of=D2) if s.effective_date == D2][-1] == "filing_recorded"


def test_replay_queries_use_their_indexes(store):
    two_streams(store)
    for kw, index in [({"as_of": D2}, "events_replay"), ({"issuer_key": "x"}, "events_issuer"),
                      ({"issuer_key": "x", "as_of": D2}, "events_issuer"), ({}, "events_replay")]:
        sql, params = read_sql(**kw)
        plan = " ".join(r["detail"] for r in store._db.query("EXPLAIN QUERY PLAN " + sql, params))
        assert f"INDEX {index}" in plan, (kw, plan)
    plan = " ".join(r["detail"] for r in store._db.query(
        "EXPLAIN QUERY PLAN SELECT * FROM streams WHERE issuer_key = :k AND upper(form) = :f AND report_date = :d",
        {"k": "x", "f": "8-K", "d": "2021-03-01"}))
    assert "INDEX streams_reported" in plan, plan


def test_same_document_under_two_streams_is_kept_once(store, raw):
    store.append(info(S1), [filing(S1, D1)], DOC)
    store.append(info(S2), [filing(S2, D1)], DOC)
    assert raw.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert store.document(RAW_SHA) == DOC


def test_failure_midway_leaves_nothing(store, monkeypatch):
    one_stream(store, S2)
    before = (store.count(), store.head())
    real, calls = ledger.store.sqlite.stored_events, []

    def failing(rows, events):
        calls.append(rows)
        # mid-transaction: all four rows are in, the failure must take them out
        assert store.count() == before[0] + 4
        raise RuntimeError("failed after the fourth row went in")

    monkeypatch.setattr(ledger.store.sqlite, "stored_events", failing)
    other = Document("f" * 64, "other.txt", b"other", "other")
    with pytest.raises(RuntimeError, match="after the fourth row"):
        store.append(info(S1), [filing(S1, D1), common(S1, D1), warrant(S1, D2), fee(S1, D2)], other)
    assert len(calls) == 1
    assert (store.count(), store.head()) == before
    assert list(store.streams(stream=S1)) == [] and store.document(other.raw_sha256) is None
    monkeypatch.setattr(ledger.store.sqlite, "stored_events", real)
    assert verify(store).ok
    one_stream(store, S1)  # and the store is still usable
    assert store.count() == 8


def test_a_writer_syncs_at_checkpoints_not_every_commit(store):
    """WAL with synchronous NORMAL: a commit survives a killed process (the many-process tests
    kill writers), without an fsync per filing."""
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1     # NORMAL
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_writer_keeps_its_statement_journal_in_memory_and_a_reader_its_default(tmp_path):
    """The append-only trigger makes SQLite journal each INSERT; on a temp file that doubled what
    an append wrote. Readers' sorts may be large, so they keep SQLite's default (a file). A writer
    checkpoints every 10,000 WAL pages, so the pages every append rewrites are copied less often."""
    db = tmp_path / "ledger.db"
    with open_store(db, create=True) as writer:
        one_stream(writer, S1)
        assert writer._db.execute("PRAGMA temp_store").fetchone()[0] == 2     # MEMORY
        assert writer._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10_000
        with open_store(db, read_only=True) as reader:
            assert reader._db.execute("PRAGMA temp_store").fetchone()[0] == 0  # the default
            assert reader.count() == writer.count() == 4


@pytest.mark.parametrize("sql", [
    "UPDATE events SET payload = '{}' WHERE seq = 1",
    "DELETE FROM events WHERE seq = 1",
    "UPDATE streams SET form = '10-K'",
    "DELETE FROM streams",
    "UPDATE documents SET normalised = ''",
    "DELETE FROM documents",
    "INSERT OR REPLACE INTO streams SELECT * FROM streams",  # REPLACE deletes first
])
def test_raw_updates_and_deletes_are_refused(store, raw, sql):
    one_stream(store)
    before = list(store.log()), list(store.streams()), store.document(RAW_SHA)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(sql)
    assert (list(store.log()), list(store.streams()), store.document(RAW_SHA)) == before


def test_trigger_errors_through_the_store_become_append_only_violation(store):
    one_stream(store)
    with pytest.raises(AppendOnlyViolation):
        with store._errors():
            store._db.execute("DELETE FROM events")
    assert store.count() == 4


# -- verify catches what the triggers cannot stop ---------------------------------------------


@pytest.fixture
def tampered(store, raw):
    """A good ledger of two streams (seq 1-3 and 4-6) with its triggers dropped."""
    two_streams(store)
    assert verify(store).ok
    unlock(raw)
    return store


def test_verify_catches_edited_payload(tampered, raw):
    raw.execute("UPDATE events SET payload = replace(payload, '11.826', '1.826') "
                        "WHERE seq = 2")
    report = verify(tampered)
    assert (report.ok, report.bad_seq, report.checked) == (False, 2, 1)
    assert "hash mismatch" in report.problem


def test_verify_catches_edited_prev_hash(tampered, raw):
    raw.execute("UPDATE events SET prev_hash = :h WHERE seq = 3", {"h": "1" * 64})
    report = verify(tampered)
    assert (report.ok, report.bad_seq) == (False, 3)
    assert "prev_hash" in report.problem


def test_verify_catches_deleted_row(tampered, raw):
    raw.execute("DELETE FROM events WHERE seq = 3")
    report = verify(tampered)
    assert (report.ok, report.bad_seq, report.checked) == (False, 4, 2)
    assert report.problem == "row missing before seq 4"


def test_verify_catches_deleted_first_row(tampered, raw):
    raw.execute("DELETE FROM events WHERE seq = 1")
    assert verify(tampered).bad_seq == 2


def test_verify_catches_swapped_rows(tampered, raw):
    r2, r3 = row(raw, 2), row(raw, 3)
    raw.execute("DELETE FROM events WHERE seq IN (2, 3)")
    insert_row(raw, {**r3, "seq": 2})
    insert_row(raw, {**r2, "seq": 3})
    report = verify(tampered)
    assert (report.ok, report.bad_seq) == (False, 2)


def test_verify_catches_swapped_rows_even_when_rehashed(tampered, raw):
    # Swap only the content within one stream and recompute the whole chain:
    # every hash is consistent now, but stream 1's versions run 1, 3, 2.
    r2, r3 = row(raw, 2), row(raw, 3)
    raw.execute("DELETE FROM events WHERE seq IN (2, 3)")
    insert_row(raw, {**r3, "seq": 2})
    insert_row(raw, {**r2, "seq": 3})
    rehash_chain(raw)
    report = verify(tampered)
    assert (report.ok, report.bad_seq) == (False, 2)
    assert report.problem == f"stream {S1} version 3 follows 1"


def test_verify_catches_forged_row_with_stale_hash(tampered, raw):
    r = row(raw, 2)
    raw.execute("DELETE FROM events WHERE seq = 2")
    insert_row(raw, {**r, "payload": r["payload"].replace("11.826", "1.826")})
    report = verify(tampered)
    assert (report.ok, report.bad_seq) == (False, 2)
    assert "hash mismatch" in report.problem


def test_verify_catches_forged_row_with_recomputed_hash(tampered, raw):
    # The forged row is self-consistent; the next row's prev_hash no longer matches it.
    r = row(raw, 2)
    forged = {**r, "payload": r["payload"].replace("11.826", "1.826")}
    forged["hash"] = row_hash(forged["prev_hash"], forged)
    raw.execute("DELETE FROM events WHERE seq = 2")
    insert_row(raw, forged)
    report = verify(tampered)
    assert (report.ok, report.bad_seq, report.checked) == (False, 3, 2)
    assert report.problem == "prev_hash does not match the hash of seq 2"


def test_verify_catches_row_inserted_after_a_gap(tampered, raw):
    r = row(raw, 6)
    insert_row(raw, {**r, "seq": 8, "version": 4, "event_id": r["event_id"][:-1] + "4"})
    report = verify(tampered)
    assert (report.ok, report.bad_seq, report.checked) == (False, 8, 6)
    assert report.problem == "row missing before seq 8"


def test_verify_catches_version_gap(tampered, raw):
    raw.execute("UPDATE events SET version = 5, event_id = :id WHERE seq = 6",
                        {"id": S2.split(":")[1][:12] + "-5"})
    rehash_chain(raw)
    report = verify(tampered)
    assert (report.bad_seq, report.problem) == (6, f"stream {S2} version 5 follows 2")


# -- opening files (file stores only) ----------------------------------------------------------


def test_missing_path_without_create(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(LedgerNotFound) as caught:
        open_store(path)
    assert caught.value.path == str(path)
    assert not path.exists()


def test_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database, just some text " * 100)
    for create in (False, True):
        with pytest.raises(StoreError, match="notes.db"):
            open_store(path, create=create)


def test_sqlite_file_without_events_table(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    for create in (False, True):
        with pytest.raises(StoreError, match="other.db.*not a ledger"):
            open_store(path, create=create)


def test_file_store_persists_and_reopens(tmp_path):
    path = tmp_path / "ledger.db"
    with open_store(path, create=True) as store:
        two_streams(store)
        head = store.head()
    assert path.exists()
    assert not (tmp_path / "ledger.db-wal").exists()  # the last connection folds the WAL back in
    with open_store(path) as store:
        assert store.head() == head and store.count() == 6
        assert verify(store).ok
        assert [s.type for s in store.read()][:2] == ["filing_recorded", "filing_recorded"]
        assert next(store._db.query("SELECT value FROM meta WHERE key = 'schema_version'"))["value"] == str(SCHEMA_VERSION)
        store.append(info(stream_id("third")), [filing(stream_id("third"), D3)])
    with open_store(str(path)) as store:
        assert store.count() == 7 and verify(store).ok


def test_memory_store_is_always_created():
    with open_store(":memory:") as store:
        assert store.count() == 0 and verify(store).ok


@pytest.mark.parametrize("sql", [
    "INSERT OR REPLACE INTO events SELECT * FROM events WHERE seq = 1",
    "REPLACE INTO streams SELECT * FROM streams",
])
def test_replace_is_refused_without_recursive_triggers(store, raw, sql):
    """A plain sqlite3 connection leaves recursive_triggers off, so REPLACE's delete would not
    fire the DELETE triggers: the no-replace triggers stop it first."""
    one_stream(store)
    assert raw.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    before = list(store.rows()), list(store.streams())
    with pytest.raises(sqlite3.IntegrityError, match="append-only: REPLACE"):
        raw.execute(sql)
    assert (list(store.rows()), list(store.streams())) == before


def test_a_document_replaced_from_outside_is_left_as_it_was(store, raw):
    one_stream(store)
    raw.execute("INSERT OR REPLACE INTO documents VALUES (:h, 'forged.txt', X'00', 'forged')", {"h": RAW_SHA})
    assert store.document(RAW_SHA) == DOC


from hypothesis import given, settings, strategies as st   # noqa: E402


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       number=st.integers(min_value=0, max_value=2**62), v2=st.booleans(), dated=st.booleans(),
       own_id=st.booleans())
def test_sqlites_chain_content_is_the_chains_own_text(text, number, v2, dated, own_id):
    """verify hashes the bytes SQLite builds: they must be the stored prev_hash and chain.row_content's
    text, of either chain version, for any text and any number a row may hold, and SQLite's id_ok
    must be ids.event_id's answer (verify re-reads a row whose hash or id differs, so a gap here
    would cost speed, never a false alarm, but it must not exist). The one exception: SQLite's
    length() and substr() stop at a NUL character, so a v2 row holding one is checked by verify's
    Python fallback (PostgreSQL cannot store a NUL at all)."""
    from ledger.ids import event_id
    from ledger.store.chain import row_content
    from ledger.store.mapping import EventRow
    from ledger.store.sqlite import CHAIN_SQL
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE events (seq, event_id, stream, version, issuer_key, type, schema_version, "
                "effective_date, public_date, recorded_at, payload, quote, prev_hash, hash)")
    stream, version = "s" + text, number % 1000
    row = EventRow(seq=number, event_id=event_id(stream, version) if own_id else text, stream=stream, version=version,
                   issuer_key=text, type="filing_recorded", schema_version=2, effective_date=text,
                   public_date=text if dated else None, recorded_at=text, payload='{"a":"' + text + '"}', quote=text,
                   prev_hash="ab" * 32, hash="1" * 64)
    con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row.values())
    v2_from = 0 if v2 else number + 1
    [(*_, id_ok, _, _, hashed, filing_payload)] = con.execute(
        CHAIN_SQL, {"after_seq": -1, "through_seq": 2**63 - 1, "v2_from": v2_from}).fetchall()
    expected = (row.prev_hash + row_content(row, v2_from)).encode()
    if v2 and "\x00" in text:
        assert hashed != expected
    else:
        assert hashed == expected
    if "\x00" in text:   # SQLite's text functions stop at a NUL too: the row is then read as stored
        assert not id_ok or row.event_id == event_id(stream, version)
    else:
        assert bool(id_ok) == (row.event_id == event_id(stream, version))
    assert filing_payload == row.payload


def test_a_row_whose_sql_content_differs_is_judged_on_its_python_content(store, raw, monkeypatch):
    """Should SQLite's JSON text ever differ from Python's, verify reads the row and decides on
    the chain's own definition: no false alarm."""
    two_streams(store)
    monkeypatch.setattr(ledger.store.sqlite, "CHAIN_SQL", ledger.store.sqlite.CHAIN_SQL.replace(
        "json_object(", "json_object('extra', 1, ", 1))
    assert verify(store) == VerifyReport(ok=True, checked=6, documents=2)


def test_a_filing_refused_midway_in_a_batch_is_rolled_back_alone(store, monkeypatch):
    """Its rows are in when the failure comes: the savepoint takes them out, the others stay whole."""
    real, calls = SQLiteStore._insert, []

    def failing(self, info, document, recorded_at, rows):
        calls.append(info.stream)
        real(self, info, document, recorded_at, rows)
        if len(calls) == 2:
            raise sqlite3.IntegrityError("refused after its rows went in")

    monkeypatch.setattr(SQLiteStore, "_insert", failing)
    s3 = stream_id("filing three")
    results = store.append_many([(info(S1), [filing(S1, D1), common(S1, D1)], DOC, None),
                                 (info(S2), [filing(S2, D2), fee(S2, D2), warrant(S2, D2)], None, None),
                                 (info(s3), [filing(s3, D3)], None, None)])
    assert isinstance(results[1], StoreError)   # a ledger error, never the raw driver one
    assert [len(results[0]), len(results[2])] == [2, 1] and [s.seq for s in results[2]] == [3]
    assert [i.stream for i in store.streams()] == [S1, s3] and store.count() == 3 and verify(store).ok


@pytest.mark.parametrize("make", ["zero bytes", "sqlite, no tables"])
def test_a_file_whose_creation_was_killed_is_no_ledger_yet_and_the_next_writer_makes_it(tmp_path, make):
    # A kill between creating the file and committing its tables leaves such a file.
    path = tmp_path / "ledger.db"
    if make == "zero bytes":
        path.write_bytes(b"")
    else:
        sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()
    with pytest.raises(LedgerNotFound):
        open_store(path, read_only=True)
    with open_store(path, create=True) as store:
        appended = one_stream(store)
    with open_store(path, read_only=True) as store:
        assert [r.event_id for r in store.rows()] == [e.event_id for e in appended] and len(appended) == 4
