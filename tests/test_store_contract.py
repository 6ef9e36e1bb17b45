"""Contract tests for the event store. Every store factory runs the same suite."""
from __future__ import annotations

import hashlib
import inspect
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

import ledger.store
from events import (
    Basis, CommonIssued, Event, FeePaid, FilingRecorded, Issuer, Provenance, Quote, WarrantGranted,
    to_payload,
)
from events import codec
from ledger.store.chain import GENESIS, row_hash
from ledger.errors import AppendOnlyViolation, DuplicateStream, LedgerNotFound, StoreError
from ledger.store import EncodedEvent, EventStore, VerifyReport, read_sql
from events.envelope import Document, StreamInfo

# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "file"])
def make_store(request, tmp_path):
    """A factory of empty stores; every contract test runs once per implementation."""
    opened = []

    def factory() -> EventStore:
        if request.param == "memory":
            store = EventStore.open(":memory:")
        else:
            store = EventStore.open(tmp_path / f"ledger{len(opened)}.db", create=True)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store) -> EventStore:
    return make_store()


# -- builders: real events ---------------------------------------------------------------------

D1, D2, D3 = date(2021, 3, 1), date(2021, 3, 5), date(2021, 4, 1)
ACME = Issuer("Acme Corp", "0001234567", "000-12345")
BETA = Issuer("Beta Inc", None, "333-99999")


def stream_id(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


S1, S2 = stream_id("filing one"), stream_id("filing two")
RAW = b"ACME CORP 8-K\r\nItem 3.02 Unregistered Sales of Equity Securities\r\n"
RAW_SHA = hashlib.sha256(RAW).hexdigest()
DOC = Document(RAW_SHA, "acme-8k.txt", RAW, "ACME CORP 8-K\nItem 3.02 Unregistered Sales of Equity Securities\n")


def prov(stream: str, text: str) -> Provenance:
    return Provenance(stream, (Quote(100, 100 + len(text), text),))


def info(stream: str = S1, issuer: Issuer = ACME, key: str = "0001234567",
         public: date | None = D2) -> StreamInfo:
    return StreamInfo(stream, key, issuer, "8-K", public, "acme-8k.txt", RAW_SHA)


def filing(stream: str, day: date, issuer: Issuer = ACME) -> FilingRecorded:
    return FilingRecorded(
        effective_date=day, provenance=prov(stream, "Date of Report: March 1, 2021"),
        issuer=issuer, form="8-K", report_date=day, signature_date=D2, public_date=D2,
        identity=stream.split(":")[1], raw_sha256=RAW_SHA, source_name="acme-8k.txt",
    )


def common(stream: str, day: date, price: str = "11.826", shares: int = 1_000_000) -> CommonIssued:
    return CommonIssued(
        effective_date=day,
        provenance=prov(stream, f"The Company sold {shares:,} shares at ${price} per share."),
        shares=shares, price=Decimal(price), consideration=Decimal("11826000.00"), consideration_kind="cash",
        buyers=("Alpha Fund LP", "Beta Partners"), buyers_description="two institutional investors",
    )


def warrant(stream: str, day: date) -> WarrantGranted:
    return WarrantGranted(
        effective_date=day, provenance=prov(stream, "Closing Warrants to purchase 500,000 shares."),
        tranche="Closing Warrants", kind="closing", shares=500_000,
        exercise_price=Decimal("12.50"), term_years=Decimal("5"), expires_on=date(2026, 3, 5),
        expiry_basis=Basis.COMPUTED, holders=("Alpha Fund LP",),
    )


def fee(stream: str, day: date) -> FeePaid:
    return FeePaid(
        effective_date=day, provenance=prov(stream, "a fee of 7.0% of the gross proceeds"),
        role="placement_agent", payee="Broker LLC", cash=Decimal("0.0010"),
        percent_of_proceeds=Decimal("7.0"),
    )


def one_stream(store: EventStore, stream: str = S1, **kw) -> list:
    events = [filing(stream, D1), common(stream, D1), warrant(stream, D2), fee(stream, D2)]
    return store.append(info(stream, **kw), events, DOC, recorded_at="2024-01-02T03:04:05Z")


def two_streams(store: EventStore) -> tuple[list, list]:
    """Stream 1 then stream 2; both report on D2, so replay must interleave them."""
    a = [filing(S1, D1), common(S1, D2, "11.826"), warrant(S1, D2)]
    b = [filing(S2, D2, BETA), common(S2, D2, "3.10", 20_000), fee(S2, D2)]
    store.append(info(S1), a, DOC)
    store.append(info(S2, BETA, "beta inc|333-99999"), b)
    return a, b


# -- helpers for tampering (they bypass the store on purpose) ----------------------------------


def unlock(store: EventStore) -> None:
    """Drop the append-only triggers, as someone with the file and another tool could."""
    names = [r["name"] for r in store.db.query(
        "SELECT name FROM sqlite_master WHERE type = :t", {"t": "trigger"})]
    assert names, "the store should have append-only triggers"
    for name in names:
        store.db.execute(f'DROP TRIGGER "{name}"')  # identifiers from sqlite_master


def row(store: EventStore, seq: int) -> dict:
    return next(store.db.query("SELECT * FROM events WHERE seq = :seq", {"seq": seq}))


def insert_row(store: EventStore, values: dict) -> None:
    cols = ", ".join(values)
    store.db.execute(f"INSERT INTO events ({cols}) VALUES ({', '.join(':' + c for c in values)})",
                     values)


def rehash_chain(store: EventStore) -> None:
    """What a careful forger does after editing: recompute every hash from the start."""
    prev = GENESIS
    for r in list(store.db.query("SELECT * FROM events ORDER BY seq")):
        new = row_hash(prev, r)
        store.db.execute("UPDATE events SET prev_hash = :p, hash = :h WHERE seq = :seq",
                         {"p": prev, "h": new, "seq": r["seq"]})
        prev = new


# -- appending and reading back ----------------------------------------------------------------


def test_append_assigns_seq_versions_ids_and_chain(store):
    stored = one_stream(store)
    h = S1.split(":")[1]
    assert [s.seq for s in stored] == [1, 2, 3, 4]
    assert [s.version for s in stored] == [1, 2, 3, 4]
    assert [s.event_id for s in stored] == [f"{h}-{v}" for v in (1, 2, 3, 4)]   # the whole hash: unique
    assert stored[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:]))
    assert {s.recorded_at for s in stored} == {"2024-01-02T03:04:05Z"}
    assert {s.public_date for s in stored} == {D2}
    assert stored[1].quote == "The Company sold 1,000,000 shares at $11.826 per share."
    assert stored[1].type == "common_issued" and stored[1].schema_version == CommonIssued.SCHEMA_VERSION == 2
    assert store.head() == (4, stored[-1].hash)
    assert store.count() == 4


def test_seq_continues_across_streams_without_gaps(store):
    a, b = two_streams(store)
    log = list(store.log())
    assert [s.seq for s in log] == [1, 2, 3, 4, 5, 6]
    assert [s.version for s in log] == [1, 2, 3, 1, 2, 3]
    assert log[3].prev_hash == log[2].hash  # the chain runs across streams
    assert [s.event for s in log] == a + b


def test_default_recorded_at_is_utc_iso(store):
    [stored] = store.append(info(), [filing(S1, D1)])
    when = datetime.fromisoformat(stored.recorded_at)
    assert when.utcoffset() == timedelta(0)
    assert abs(datetime.now(when.tzinfo) - when) < timedelta(minutes=5)


def test_round_trip_equality(store):
    events = [filing(S1, D1), common(S1, D1), warrant(S1, D2), fee(S1, D2)]
    returned = store.append(info(), events, DOC)
    assert [s.event for s in returned] == events
    assert [s.event for s in store.read()] == events
    assert [s.event for s in store.log()] == events
    assert list(store.read()) == returned


def test_decimals_stay_exact_and_payload_is_text(store):
    one_stream(store)
    stored = list(store.log())
    price = stored[1].event.price
    assert isinstance(price, Decimal) and str(price) == "11.826"
    assert str(stored[3].event.cash) == "0.0010"  # trailing zero kept: no float on the way
    assert str(stored[2].event.exercise_price) == "12.50"
    r = next(store.db.query(
        "SELECT typeof(payload) AS t, payload FROM events WHERE seq = :seq", {"seq": 2}))
    assert r["t"] == "text"
    assert '"price":"11.826"' in r["payload"]
    reals = next(store.db.query(
        "SELECT count(*) AS n FROM events WHERE typeof(payload) != 'text' "
        "OR typeof(effective_date) != 'text'"))["n"]
    assert reals == 0


def test_replay_orders_same_day_by_day_rank_then_seq(store):
    a, b = two_streams(store)
    replay = [(s.effective_date, s.type, s.stream) for s in store.read()]
    assert replay == [
        (D1, "filing_recorded", S1),
        (D2, "filing_recorded", S2),   # rank 0, though recorded after stream 1's D2 events
        (D2, "common_issued", S1),     # rank 20, seq 2
        (D2, "common_issued", S2),     # rank 20, seq 5: same rank falls back to seq
        (D2, "warrant_granted", S1),   # rank 30
        (D2, "fee_paid", S2),          # rank 40
    ]
    # Recording order is unaffected.
    assert [s.seq for s in store.log()] == [1, 2, 3, 4, 5, 6]


def test_same_day_order_comes_from_the_event_types_table(store):
    two_streams(store)
    ranks = {r["type"]: r["day_rank"] for r in store.db.query("SELECT * FROM event_types")}
    assert ranks == ledger.store.DAY_RANK
    store.db.execute("UPDATE event_types SET day_rank = :r WHERE type = :t",
                     {"r": 99, "t": "filing_recorded"})
    assert [s.type for s in store.read(as_of=D2) if s.effective_date == D2][-1] == "filing_recorded"


def test_as_of_is_inclusive(store):
    store.append(info(), [filing(S1, D1), common(S1, D2), warrant(S1, D3)])
    assert [s.effective_date for s in store.read(as_of=D2)] == [D1, D2]
    assert [s.effective_date for s in store.read(as_of=D2 - timedelta(days=1))] == [D1]
    assert [s.effective_date for s in store.read(as_of=D1 - timedelta(days=1))] == []
    assert len(list(store.read(as_of=D3))) == 3
    # a datetime late on D2 still means "as of D2"
    assert len(list(store.read(as_of=datetime(2021, 3, 5, 23, 59)))) == 2


def test_read_filters_by_issuer_and_stream(store):
    a, b = two_streams(store)
    assert [s.event for s in store.read(issuer_key="0001234567")] == a
    assert [s.event for s in store.read(stream=S2)] == [b[0], b[1], b[2]]
    assert [s.event for s in store.read(issuer_key="beta inc|333-99999", as_of=D1)] == []
    assert list(store.read(issuer_key="nobody")) == []


def test_log_after_seq_and_stream(store):
    a, b = two_streams(store)
    assert [s.seq for s in store.log(after_seq=4)] == [5, 6]
    assert [s.seq for s in store.log(stream=S1)] == [1, 2, 3]
    assert [s.seq for s in store.log(stream=S2, after_seq=5)] == [6]
    assert list(store.log(after_seq=6)) == []


def test_read_and_log_stream_from_the_cursor_and_use_indexes(store):
    two_streams(store)
    assert inspect.isgenerator(store.read()) and inspect.isgenerator(store.log())
    it = store.read()
    assert next(it).seq == 1  # lazily, one at a time
    for kw, index in [({"as_of": D2}, "events_replay"), ({"issuer_key": "x"}, "events_issuer"),
                      ({"issuer_key": "x", "as_of": D2}, "events_issuer"), ({}, "events_replay")]:
        sql, params = read_sql(**kw)
        plan = " ".join(r["detail"] for r in store.db.query("EXPLAIN QUERY PLAN " + sql, params))
        assert f"INDEX {index}" in plan, (kw, plan)


def test_streams_and_documents(store):
    two_streams(store)
    s1, s2 = list(store.streams())
    assert s1 == info(S1)
    assert s2 == info(S2, BETA, "beta inc|333-99999")
    assert s2.issuer == Issuer("Beta Inc", None, "333-99999")
    assert list(store.streams("beta inc|333-99999")) == [s2]
    assert list(store.streams("nobody")) == []
    assert store.document(RAW_SHA) == DOC
    assert isinstance(store.document(RAW_SHA).raw, bytes)
    assert store.document("0" * 64) is None
    assert store.has_stream(S1) and not store.has_stream(stream_id("never"))


def test_same_document_under_two_streams_is_kept_once(store):
    store.append(info(S1), [filing(S1, D1)], DOC)
    store.append(info(S2), [filing(S2, D1)], DOC)
    assert next(store.db.query("SELECT count(*) AS n FROM documents"))["n"] == 1
    assert store.document(RAW_SHA) == DOC


def test_head_and_count_when_empty(store):
    assert store.head() == (0, "0" * 64)
    assert store.count() == 0
    assert list(store.read()) == [] and list(store.log()) == [] and list(store.streams()) == []


# -- append is all or nothing ------------------------------------------------------------------


def test_duplicate_stream_raises_and_writes_nothing(store):
    one_stream(store)
    before = (store.count(), store.head(), list(store.streams()))
    with pytest.raises(DuplicateStream) as caught:
        store.append(info(), [filing(S1, D3)])
    assert caught.value.stream == S1
    assert (store.count(), store.head(), list(store.streams())) == before


def test_empty_event_list_is_refused(store):
    with pytest.raises(ValueError):
        store.append(info(), [], DOC)
    assert store.count() == 0 and not store.has_stream(S1) and store.document(RAW_SHA) is None


def test_failure_midway_leaves_nothing(store, monkeypatch):
    one_stream(store, S2)
    before = (store.count(), store.head())
    real, calls = ledger.store.row_hash, []

    def flaky(prev, row):
        calls.append(row)
        if len(calls) == 3:
            # mid-transaction: the first two events are in, the failure must take them out
            assert store.count() == before[0] + 2
            raise RuntimeError("hashing failed on the third event")
        return real(prev, row)

    monkeypatch.setattr(ledger.store, "row_hash", flaky)
    other = Document("f" * 64, "other.txt", b"other", "other")
    with pytest.raises(RuntimeError, match="third event"):
        store.append(info(S1), [filing(S1, D1), common(S1, D1), warrant(S1, D2), fee(S1, D2)],
                     other)
    assert len(calls) == 3
    assert (store.count(), store.head()) == before
    assert not store.has_stream(S1)
    assert store.document(other.raw_sha256) is None
    assert store.verify().ok
    monkeypatch.undo()
    one_stream(store, S1)  # and the store is still usable
    assert store.count() == 8


def test_unregistered_event_type_is_refused_and_rolled_back(store):
    @attrs.frozen(kw_only=True)
    class Rumour(Event):
        TYPE = "rumour"

    with pytest.raises(ValueError, match="not a registered event type"):
        store.append(info(), [filing(S1, D1), Rumour(effective_date=D1, provenance=prov(S1, "x"))])
    assert store.count() == 0 and not store.has_stream(S1)


# -- append-only -------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "UPDATE events SET payload = '{}' WHERE seq = 1",
    "DELETE FROM events WHERE seq = 1",
    "UPDATE streams SET form = '10-K'",
    "DELETE FROM streams",
    "UPDATE documents SET normalised = ''",
    "DELETE FROM documents",
    "INSERT OR REPLACE INTO streams SELECT * FROM streams",  # REPLACE deletes first
])
def test_raw_updates_and_deletes_are_refused(store, sql):
    one_stream(store)
    before = list(store.log()), list(store.streams()), store.document(RAW_SHA)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute(sql)
    assert (list(store.log()), list(store.streams()), store.document(RAW_SHA)) == before


def test_trigger_errors_through_the_store_become_append_only_violation(store):
    one_stream(store)
    with pytest.raises(AppendOnlyViolation):
        with store._errors():
            store.db.execute("DELETE FROM events")
    assert store.count() == 4


def test_driver_errors_never_escape(store):
    one_stream(store)
    store.close()
    for call in (store.count, store.head, store.verify, lambda: list(store.read()),
                 lambda: list(store.log()), lambda: list(store.streams()),
                 lambda: store.document(RAW_SHA), lambda: store.has_stream(S1),
                 lambda: store.append(info(S2), [filing(S2, D1)])):
        with pytest.raises(StoreError):
            call()


# -- verify ------------------------------------------------------------------------------------


def test_verify_ok(store):
    assert store.verify() == VerifyReport(ok=True, checked=0, bad_seq=None, problem=None)
    two_streams(store)
    one_stream(store, stream_id("third"))
    assert store.verify() == VerifyReport(ok=True, checked=10, bad_seq=None, problem=None, documents=3)


@pytest.fixture
def tampered(store):
    """A good ledger of two streams (seq 1-3 and 4-6) with its triggers dropped."""
    two_streams(store)
    assert store.verify().ok
    unlock(store)
    return store


def test_verify_catches_edited_payload(tampered):
    tampered.db.execute("UPDATE events SET payload = replace(payload, '11.826', '1.826') "
                        "WHERE seq = 2")
    report = tampered.verify()
    assert (report.ok, report.bad_seq, report.checked) == (False, 2, 1)
    assert "hash mismatch" in report.problem


def test_verify_catches_edited_prev_hash(tampered):
    tampered.db.execute("UPDATE events SET prev_hash = :h WHERE seq = 3", {"h": "1" * 64})
    report = tampered.verify()
    assert (report.ok, report.bad_seq) == (False, 3)
    assert "prev_hash" in report.problem


def test_verify_catches_deleted_row(tampered):
    tampered.db.execute("DELETE FROM events WHERE seq = 3")
    report = tampered.verify()
    assert (report.ok, report.bad_seq, report.checked) == (False, 4, 2)
    assert report.problem == "row missing before seq 4"


def test_verify_catches_deleted_first_row(tampered):
    tampered.db.execute("DELETE FROM events WHERE seq = 1")
    assert tampered.verify().bad_seq == 2


def test_verify_catches_swapped_rows(tampered):
    r2, r3 = row(tampered, 2), row(tampered, 3)
    tampered.db.execute("DELETE FROM events WHERE seq IN (2, 3)")
    insert_row(tampered, {**r3, "seq": 2})
    insert_row(tampered, {**r2, "seq": 3})
    report = tampered.verify()
    assert (report.ok, report.bad_seq) == (False, 2)


def test_verify_catches_swapped_rows_even_when_rehashed(tampered):
    # Swap only the content within one stream and recompute the whole chain:
    # every hash is consistent now, but stream 1's versions run 1, 3, 2.
    r2, r3 = row(tampered, 2), row(tampered, 3)
    tampered.db.execute("DELETE FROM events WHERE seq IN (2, 3)")
    insert_row(tampered, {**r3, "seq": 2})
    insert_row(tampered, {**r2, "seq": 3})
    rehash_chain(tampered)
    report = tampered.verify()
    assert (report.ok, report.bad_seq) == (False, 2)
    assert report.problem == f"stream {S1} version 3 follows 1"


def test_verify_catches_forged_row_with_stale_hash(tampered):
    r = row(tampered, 2)
    tampered.db.execute("DELETE FROM events WHERE seq = 2")
    insert_row(tampered, {**r, "payload": r["payload"].replace("11.826", "1.826")})
    report = tampered.verify()
    assert (report.ok, report.bad_seq) == (False, 2)
    assert "hash mismatch" in report.problem


def test_verify_catches_forged_row_with_recomputed_hash(tampered):
    # The forged row is self-consistent; the next row's prev_hash no longer matches it.
    r = row(tampered, 2)
    forged = {**r, "payload": r["payload"].replace("11.826", "1.826")}
    forged["hash"] = row_hash(forged["prev_hash"], forged)
    tampered.db.execute("DELETE FROM events WHERE seq = 2")
    insert_row(tampered, forged)
    report = tampered.verify()
    assert (report.ok, report.bad_seq, report.checked) == (False, 3, 2)
    assert report.problem == "prev_hash does not match the hash of seq 2"


def test_verify_catches_row_inserted_after_a_gap(tampered):
    r = row(tampered, 6)
    insert_row(tampered, {**r, "seq": 8, "version": 4, "event_id": r["event_id"][:-1] + "4"})
    report = tampered.verify()
    assert (report.ok, report.bad_seq, report.checked) == (False, 8, 6)
    assert report.problem == "row missing before seq 8"


def test_verify_catches_version_gap(tampered):
    tampered.db.execute("UPDATE events SET version = 5, event_id = :id WHERE seq = 6",
                        {"id": S2.split(":")[1][:12] + "-5"})
    rehash_chain(tampered)
    report = tampered.verify()
    assert (report.bad_seq, report.problem) == (6, f"stream {S2} version 5 follows 2")


# -- upcasting on read -------------------------------------------------------------------------


def _old_common_issued(event: CommonIssued) -> EncodedEvent:
    """A common_issued payload as 'schema version 0' wrote it: the share count was 'number'."""
    payload = to_payload(event)
    payload["number"] = payload.pop("shares")
    return EncodedEvent("common_issued", 0, event.effective_date.isoformat(),
                        codec.canonical_json(payload), event.provenance.sentence)


def test_old_schema_versions_are_upcast_on_read(store, monkeypatch):
    def v0_to_v1(payload: dict) -> dict:
        payload = dict(payload)
        payload["shares"] = payload.pop("number")
        return payload

    monkeypatch.setitem(codec.UPCASTERS, ("common_issued", 0), v0_to_v1)
    event = common(S1, D1)
    store._append_encoded(info(), [_old_common_issued(event)], None, None)
    [stored] = store.read()
    assert stored.schema_version == 0  # what the row says
    assert stored.event == event        # what the program sees
    assert '"number":1000000' in row(store, 1)["payload"]
    assert store.verify().ok


def test_rows_that_cannot_be_read_back_are_not_written(store):
    with pytest.raises(ValueError, match="no upcaster"):
        store._append_encoded(info(), [_old_common_issued(common(S1, D1))], None, None)
    assert store.count() == 0 and not store.has_stream(S1)


# -- opening files (file stores only) ----------------------------------------------------------


def test_missing_path_without_create(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(LedgerNotFound) as caught:
        EventStore.open(path)
    assert caught.value.path == str(path)
    assert not path.exists()


def test_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database, just some text " * 100)
    for create in (False, True):
        with pytest.raises(StoreError, match="notes.db"):
            EventStore.open(path, create=create)


def test_sqlite_file_without_events_table(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    for create in (False, True):
        with pytest.raises(StoreError, match="other.db.*not a ledger"):
            EventStore.open(path, create=create)


def test_file_store_persists_and_reopens(tmp_path):
    path = tmp_path / "ledger.db"
    with EventStore.open(path, create=True) as store:
        two_streams(store)
        head = store.head()
    assert path.exists()
    assert not (tmp_path / "ledger.db-wal").exists()  # the last connection folds the WAL back in
    with EventStore.open(path) as store:
        assert store.head() == head and store.count() == 6
        assert store.verify().ok
        assert [s.type for s in store.read()][:2] == ["filing_recorded", "filing_recorded"]
        assert next(store.db.query("SELECT value FROM meta WHERE key = 'schema_version'"))["value"] == "2"
        store.append(info(stream_id("third")), [filing(stream_id("third"), D3)])
    with EventStore.open(str(path)) as store:
        assert store.count() == 7 and store.verify().ok


def test_memory_store_is_always_created():
    with EventStore.open(":memory:") as store:
        assert store.count() == 0 and store.verify().ok
