"""The store contract, one suite for every engine (tests/store/conftest.py: memory, SQLite,
PostgreSQL). These tests use only the contract; what needs an engine's insides lives in
test_sqlite.py and test_postgres.py."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from events import Event, EventCorrected, FieldChange, Issuer
from events.envelope import Document
from ledger.errors import AmbiguousEventId, DuplicateStream, StoreError
from ledger.store import GENESIS, Store, VerifyReport, encode, open_store, verify, verify_against
from ledger.store.chain import row_hash
from tests.store.support import (
    ACME, BETA, D1, D2, D3, DOC, RAW_SHA, S1, S2, common, fee, filing, info, old_common_issued, one_stream, prov,
    stream_id, two_streams, warrant,
)


def test_every_engine_meets_the_protocol(store):
    assert isinstance(store, Store)


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
    assert stored[1].type == "common_issued" and stored[1].schema_version == 2
    assert store.head() == (4, stored[-1].hash)
    assert store.count() == 4


def test_the_same_filing_gives_the_same_hashes_on_every_engine(store):
    """The chain is the mapping's, not the engine's: this head is what SQLite, PostgreSQL and
    memory all compute, so a ledger copied between them proves itself by its head."""
    one_stream(store)
    with open_store("memory:") as reference:
        one_stream(reference)
        assert store.head() == reference.head()
        assert list(store.rows()) == list(reference.rows())


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


def test_decimals_stay_exact_and_payloads_are_text(store):
    one_stream(store)
    stored = list(store.log())
    price = stored[1].event.price
    assert isinstance(price, Decimal) and str(price) == "11.826"
    assert str(stored[3].event.cash) == "0.0010"  # trailing zero kept: no float on the way
    assert str(stored[2].event.exercise_price) == "12.50"
    rows = list(store.rows())
    assert all(isinstance(r.payload, str) and isinstance(r.effective_date, str) for r in rows)
    assert '"price":"11.826"' in rows[1].payload


def test_replay_orders_same_day_by_day_rank_then_seq(store):
    two_streams(store)
    replay = [(s.effective_date, s.type, s.stream) for s in store.read()]
    assert replay == [
        (D1, "filing_recorded", S1),
        (D2, "filing_recorded", S2),   # rank 0, though recorded after stream 1's D2 events
        (D2, "common_issued", S1),     # rank 20, seq 2
        (D2, "common_issued", S2),     # rank 20, seq 5: same rank falls back to seq
        (D2, "warrant_granted", S1),   # rank 30
        (D2, "fee_paid", S2),          # rank 40
    ]
    assert [s.seq for s in store.log()] == [1, 2, 3, 4, 5, 6]   # recording order is unaffected


def test_as_of_is_inclusive(store):
    store.append(info(), [filing(S1, D1), common(S1, D2), warrant(S1, D3)])
    assert [s.effective_date for s in store.read(as_of=D2)] == [D1, D2]
    assert [s.effective_date for s in store.read(as_of=D2 - timedelta(days=1))] == [D1]
    assert [s.effective_date for s in store.read(as_of=D1 - timedelta(days=1))] == []
    assert len(list(store.read(as_of=D3))) == 3
    assert len(list(store.read(as_of=datetime(2021, 3, 5, 23, 59)))) == 2   # late on D2 is still D2


def test_known_at_is_inclusive_and_an_undated_event_counts_as_known(store):
    store.append(info(S1, public=D2), [filing(S1, D1), common(S1, D1)])
    store.append(info(S2, public=D3), [filing(S2, D1)])
    store.append(info(stream_id("undated"), public=None), [filing(stream_id("undated"), D1)])
    assert [s.stream for s in store.read(known_at=D2)] == [S1, stream_id("undated"), S1]
    assert [s.stream for s in store.read(known_at=D2 - timedelta(days=1))] == [stream_id("undated")]
    assert len(list(store.read(known_at=D3))) == 4


def test_read_filters_by_issuer_stream_and_type(store):
    a, b = two_streams(store)
    assert [s.event for s in store.read(issuer_key="0001234567")] == a
    assert [s.event for s in store.read(stream=S2)] == [b[0], b[1], b[2]]
    assert [s.event for s in store.read(issuer_key="beta inc|333-99999", as_of=D1)] == []
    assert list(store.read(issuer_key="nobody")) == []
    assert [s.seq for s in store.read(types=["common_issued", "fee_paid"])] == [2, 5, 6]
    assert [s.seq for s in store.read(types=["fee_paid"], issuer_key="0001234567")] == []


def test_read_after_a_date_and_after_a_seq_leave_the_bound_out(store):
    """A snapshot's tail: ``after`` (a date) and ``after_seq`` exclude their own day and seq."""
    two_streams(store)
    every = list(store.read())
    day = every[0].effective_date
    assert [s.seq for s in store.read(after=day)] == [s.seq for s in every if s.effective_date > day]
    assert [s.seq for s in store.read(after_seq=4)] == [s.seq for s in every if s.seq > 4]
    assert [s.seq for s in store.read(issuer_key="0001234567", after_seq=1)] == [2, 3]


def test_snapshots_are_kept_whole_and_refused_once_the_issuer_has_moved_on(store):
    from ledger.store.snapshots import Snapshot
    assert store.snapshots("0001234567") == []          # a ledger that never kept any
    two_streams(store)
    snaps = [Snapshot("0001234567", D1, 3, 2, D2, False, b"\x00one"),
             Snapshot("0001234567", D2, 3, 3, D2, True, bytes(range(256)))]
    assert store.put_snapshots("0001234567", 3, snaps) is True
    assert store.snapshots("0001234567") == snaps           # by date, bytes as given
    assert store.snapshots("0001234567", as_of=D2 - timedelta(days=1)) == snaps[:1]
    assert store.snapshots("0001234567", as_of=D2) == snaps   # inclusive
    assert store.snapshots("beta inc|333-99999") == []
    # Replaced whole: the old set goes.
    assert store.put_snapshots("0001234567", 6, snaps[:1]) is True
    assert store.snapshots("0001234567") == snaps[:1]
    # Another issuer's later events do not matter; the issuer's own do.
    assert store.put_snapshots("beta inc|333-99999", 3, snaps) is False
    assert store.snapshots("beta inc|333-99999") == []
    one_stream(store, stream_id("filing three"))
    assert store.put_snapshots("0001234567", 6, snaps) is False
    assert store.snapshots("0001234567") == snaps[:1]


def test_log_after_seq_stream_and_type(store):
    two_streams(store)
    assert [s.seq for s in store.log(after_seq=4)] == [5, 6]
    assert [s.seq for s in store.log(stream=S1)] == [1, 2, 3]
    assert [s.seq for s in store.log(stream=S2, after_seq=5)] == [6]
    assert list(store.log(after_seq=6)) == []
    assert [s.seq for s in store.log(types=["filing_recorded"])] == [1, 4]
    assert [s.seq for s in store.log(types=["filing_recorded"], after_seq=1)] == [4]
    assert list(store.log(types=[])) == []


def test_read_and_log_hand_out_iterators_not_lists(store):
    two_streams(store)
    it, log = store.read(), store.log()
    assert not isinstance(it, list | tuple) and iter(it) is it and iter(log) is log
    assert next(it).seq == 1 and next(log).seq == 1


def test_rows_are_the_stored_rows_in_seq_order(store):
    two_streams(store)
    rows = list(store.rows())
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r.hash for r in rows] == [s.hash for s in store.log()]
    assert all(row_hash(r.prev_hash, r) == r.hash for r in rows)
    assert [r.seq for r in store.rows(after_seq=4)] == [5, 6]


def test_streams_and_documents(store):
    two_streams(store)
    s1, s2 = list(store.streams())
    assert s1 == attrs.evolve(info(S1), report_date=D1)         # read from the filing event
    assert s2 == attrs.evolve(info(S2, BETA, "beta inc|333-99999"), report_date=D2)
    assert s2.issuer == Issuer("Beta Inc", None, "333-99999")
    assert list(store.streams(issuer_key="beta inc|333-99999")) == [s2]
    assert list(store.streams(issuer_key="nobody")) == []
    assert list(store.streams(stream=S1)) == [s1] and list(store.streams(stream=stream_id("never"))) == []
    assert list(store.streams(raw_sha256=RAW_SHA)) == [s1, s2]
    assert store.document(RAW_SHA) == DOC
    assert isinstance(store.document(RAW_SHA).raw, bytes)
    assert store.document("0" * 64) is None


def test_streams_filter_on_form_and_date_of_report(store):
    two_streams(store)
    amendment = stream_id("amendment")
    head = attrs.evolve(filing(amendment, D2), form="8-K/A", amends=S1)
    store.append(attrs.evolve(info(amendment), form="8-K/A"), [head])
    [a] = store.streams(stream=amendment)
    assert (a.report_date, a.amends) == (D2, S1)
    assert [s.stream for s in store.streams(form="8-k")] == [S1, S2]          # any case
    assert [s.stream for s in store.streams(form="8-K/A")] == [amendment]
    assert [s.stream for s in store.streams(issuer_key="0001234567", form="8-K", report_date=D1)] == [S1]
    assert list(store.streams(issuer_key="0001234567", form="8-K", report_date=D3)) == []


def test_issuer_names_from_the_streams_columns(store):
    two_streams(store)
    renamed = stream_id("renamed")
    store.append(info(renamed, attrs.evolve(ACME, name="Acme Holdings"), public=D3), [filing(renamed, D3)])
    later = stream_id("acme again")
    store.append(info(later, public=D3), [filing(later, D3)])
    # each pair once, in the order of the last stream that carries it
    assert list(store.issuer_names()) == [("beta inc|333-99999", "Beta Inc"), ("0001234567", "Acme Holdings"),
                                          ("0001234567", "Acme Corp")]
    for cik in ("1234567", "0001234567", "00001234567"):        # a number: leading zeros aside
        assert list(store.issuer_names(cik=cik)) == [("0001234567", "Acme Holdings"), ("0001234567", "Acme Corp")]
    assert list(store.issuer_names(cik="123456")) == [] and list(store.issuer_names(cik="0")) == []
    assert list(store.issuer_names(issuer_key="beta inc|333-99999")) == [("beta inc|333-99999", "Beta Inc")]
    assert list(store.issuer_names(issuer_key="0001234567", cik="1234567"))[-1] == ("0001234567", "Acme Corp")
    assert list(store.issuer_names(issuer_key="beta inc|333-99999", cik="1234567")) == []


def test_a_stream_without_a_filing_event_has_no_date_of_report(store):
    store.append(info(), [common(S1, D1)])
    [s] = store.streams()
    assert (s.report_date, s.amends) == (None, None)


def test_event_by_id_and_by_typed_prefix(store):
    two_streams(store)
    [first] = store.log(types=["fee_paid"])
    assert store.event(first.event_id) == first
    prefix = S2.split(":")[1][:8]
    assert store.event(f"{prefix}-3") == first
    assert store.event("no-such-id") is None and store.event(f"{prefix}-9") is None


def test_a_prefix_that_names_two_events_is_ambiguous(store):
    a, b = "sha256:" + "ab12" + "0" * 60, "sha256:" + "ab12" + "1" * 60
    store.append(info(a), [filing(a, D1)])
    store.append(info(b), [filing(b, D1)])
    with pytest.raises(AmbiguousEventId):
        store.event("ab12-1")
    assert store.event("ab120-1").stream == a


def test_head_and_count_when_empty(store):
    assert store.head() == (0, GENESIS)
    assert store.count() == 0
    assert list(store.read()) == [] and list(store.log()) == [] and list(store.streams()) == []
    assert list(store.rows()) == []


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
    assert store.count() == 0 and list(store.streams()) == [] and store.document(RAW_SHA) is None


def test_unregistered_event_type_is_refused_and_nothing_written(store):
    @attrs.frozen(kw_only=True)
    class Rumour(Event):
        TYPE = "rumour"

    with pytest.raises(ValueError, match="not a registered event type"):
        store.append(info(), [filing(S1, D1), Rumour(effective_date=D1, provenance=prov(S1, "x"))])
    assert store.count() == 0 and list(store.streams()) == []


def test_rows_that_cannot_be_read_back_are_not_written(store):
    """A failure after rows are in, before commit: the whole filing is rolled back."""
    other = Document("f" * 64, "other.txt", b"other", "other")
    with pytest.raises(ValueError, match="no upcaster"):
        store.append_encoded(info(), [encode(filing(S1, D1)), old_common_issued(common(S1, D1))], other)
    assert store.count() == 0 and list(store.streams()) == [] and store.document(other.raw_sha256) is None
    one_stream(store)   # and the store is still usable
    assert store.count() == 4 and verify(store).ok


def test_old_schema_versions_are_upcast_on_read(store, monkeypatch):
    from events import codec

    def v0_to_v1(payload: dict) -> dict:
        payload = dict(payload)
        payload["shares"] = payload.pop("number")
        return payload

    monkeypatch.setitem(codec.UPCASTERS, ("common_issued", 0), v0_to_v1)
    event = common(S1, D1)
    store.append_encoded(info(), [old_common_issued(event)])
    [stored] = store.read()
    assert stored.schema_version == 0  # what the row says
    assert stored.event == event        # what the program sees
    assert '"number":1000000' in next(store.rows()).payload
    assert verify(store).ok


def test_append_encoded_keeps_the_stored_bytes(store):
    """What a copy between engines relies on: the same encoded events and recorded_at give the
    same rows, so the same head."""
    events = [filing(S1, D1), common(S1, D1), warrant(S1, D2)]
    stored = store.append_encoded(info(), [encode(e) for e in events], DOC, recorded_at="2024-01-02T03:04:05Z")
    with open_store("memory:") as reference:
        expected = reference.append(info(), events, DOC, recorded_at="2024-01-02T03:04:05Z")
    assert stored == expected


# -- verify ------------------------------------------------------------------------------------


def test_verify_ok(store):
    assert verify(store) == VerifyReport(ok=True, checked=0)
    two_streams(store)
    one_stream(store, stream_id("third"))
    assert verify(store) == VerifyReport(ok=True, checked=10, documents=3)


def test_chain_reads_a_range_of_seqs_and_verify_in_pieces_agrees(store):
    """chain(after_seq, through_seq) is what a piece of verify reads: exactly those rows, on every
    engine; and pieces of any size stitch to the walk's report."""
    from functools import partial
    from unittest import mock

    from ledger.store import verify_chunks
    two_streams(store)
    one_stream(store, stream_id("third"))
    assert [link[0] for link in store.chain(after_seq=3, through_seq=7)] == [4, 5, 6, 7]
    assert [link[0] for link in store.chain(after_seq=8)] == [9, 10]
    seq, hash = store.head()
    for rows in (1, 3, 4):
        with mock.patch.object(verify_chunks, "pieces", partial(verify_chunks.pieces, piece_rows=rows, in_process=True)):
            assert verify(store) == VerifyReport(ok=True, checked=10, documents=3)
            assert verify_against(store, 6, dict((link[0], link[5]) for link in store.chain())[6]).ok
            assert verify_against(store, seq, "1" * 64).bad_seq == seq


def test_verify_against_a_checkpoint(store):
    two_streams(store)
    seq, hash = store.head()
    one_stream(store, stream_id("third"))
    assert verify_against(store, seq, hash).ok
    report = verify_against(store, seq, "1" * 64)
    assert not report.ok and report.against_checkpoint and report.bad_seq == seq
    cut = verify_against(store, 99, hash)
    assert not cut.ok and "rows were removed" in cut.problem


def test_a_correction_is_a_new_event(store):
    """Nothing is updated: a correction appends, and both stay readable."""
    one_stream(store)
    target = next(store.log(types=["common_issued"]))
    fix = EventCorrected(effective_date=D3, provenance=prov(S2, "corrected"), target=target.event_id,
                         changes=(FieldChange("shares", 1100000),), reason="typo")
    store.append(info(S2), [fix])
    assert store.count() == 5 and store.event(target.event_id) == target
    assert [s.type for s in store.log(types=["event_corrected"])] == ["event_corrected"]


def test_a_closed_store_fails_with_a_store_error(location):
    store = open_store(location, create=True)
    one_stream(store)
    store.close()
    for call in (store.count, store.head, lambda: verify(store), lambda: list(store.read()),
                 lambda: list(store.log()), lambda: list(store.streams()), lambda: list(store.rows()),
                 lambda: store.document(RAW_SHA), lambda: store.event("x"),
                 lambda: store.append(info(S2), [filing(S2, D1)])):
        with pytest.raises(StoreError):
            call()


def test_a_server_password_is_never_shown():
    from ledger.store import redact
    assert redact("postgresql://ana:s3cret@db.example/ledger") == "postgresql://ana@db.example/ledger"
    assert redact("postgresql://ana@db.example/ledger?password=s3cret&port=5") == "postgresql://ana@db.example/ledger?port=5"
    assert redact("postgresql://ana@db.example/ledger?host=/tmp") == "postgresql://ana@db.example/ledger?host=/tmp"
    assert redact("ledger.db") == "ledger.db"


def test_a_rows_positional_values_follow_its_columns(store):
    """SQLite inserts EventRow.values() positionally: a hand-kept order that must match the record's."""
    from ledger.store.mapping import COLUMNS
    one_stream(store)
    for row in store.rows():
        assert row.values() == tuple(getattr(row, name) for name in COLUMNS)


# -- several filings per transaction (append_many) ---------------------------------------------

S3 = stream_id("filing three")


def _three():
    return [
        (info(S1), [filing(S1, D1), common(S1, D1), warrant(S1, D2), fee(S1, D2)], DOC, "2024-01-02T03:04:05Z"),
        (info(S2, BETA, "beta inc|333-99999"), [filing(S2, D2, BETA), common(S2, D2, "3.10", 20_000)], None,
         "2024-01-02T03:04:06Z"),
        (info(S3), [filing(S3, D3), fee(S3, D3)], DOC, "2024-01-02T03:04:07Z"),
    ]


def test_append_many_gives_the_rows_and_hashes_of_appending_one_by_one(store):
    results = store.append_many(_three())
    assert [len(r) for r in results] == [4, 2, 2]
    assert [s.seq for r in results for s in r] == list(range(1, 9))
    with open_store("memory:") as reference:
        for i, events, document, recorded_at in _three():
            reference.append(i, events, document, recorded_at=recorded_at)
        assert list(store.rows()) == list(reference.rows()) and store.head() == reference.head()
    assert [s.event for r in results for s in r] == [e for _, events, _, _ in _three() for e in events]
    assert [i.stream for i in store.streams()] == [S1, S2, S3]
    assert verify(store).ok and verify(store).documents == 3   # each filing event finds its text


def test_append_many_fails_a_duplicate_alone_even_within_the_batch(store):
    one_stream(store, S2)
    batch = _three()
    batch.insert(2, (info(S1), [filing(S1, D3)], None, None))      # S1 again, later in the same batch
    results = store.append_many(batch)
    assert isinstance(results[1], DuplicateStream) and results[1].stream == S2     # already in the ledger
    assert isinstance(results[2], DuplicateStream) and results[2].stream == S1     # earlier in this batch
    assert [len(results[0]), len(results[3])] == [4, 2]
    assert store.count() == 4 + 4 + 2 and [s.version for s in store.log(stream=S1)] == [1, 2, 3, 4]
    assert [i.stream for i in store.streams()] == [S2, S1, S3]
    assert verify(store).ok


def test_append_many_fails_a_bad_filing_alone(store):
    @attrs.frozen(kw_only=True)
    class Rumour(Event):
        TYPE = "rumour"

    batch = _three()
    batch[0] = (info(S1), [filing(S1, D1), Rumour(effective_date=D1, provenance=prov(S1, "x"))], DOC, None)
    batch.append((info(stream_id("empty")), [], None, None))
    results = store.append_many(batch)
    assert isinstance(results[0], ValueError) and "not a registered event type" in str(results[0])
    assert isinstance(results[3], ValueError)
    assert [len(results[1]), len(results[2])] == [2, 2]
    assert [i.stream for i in store.streams()] == [S2, S3] and store.count() == 4
    assert [s.seq for s in store.log()] == [1, 2, 3, 4] and verify(store).ok


def test_append_many_of_nothing_writes_nothing(store):
    assert store.append_many([]) == []
    assert store.head() == (0, GENESIS)
