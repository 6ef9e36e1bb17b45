"""Snapshots (ledger/snapshots.py): a replay that starts from an issuer's snapshot and folds only
the events after it answers exactly as a replay of every event, byte for byte, whatever arrived
after the snapshot was cut."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.envelope import StoredEvent
from ledger import snapshots
from ledger.projections.report import json_chunks, replay, to_json_contract
from ledger.projections.state import StateFormatError, pack, unpack
from ledger.store import MEMORY, open_store
from ledger.views import effective_events, replay_issuers, replay_ledger
from tests.random_ledger import days, filings, maybe_days, recorded, three_issuers


def full_replay_json(store, as_of: date, known_at: date | None) -> str:
    """The answer from every event, with no snapshot: the whole-ledger fold."""
    issuers = {info.issuer_key: info.issuer for info in store.streams()}
    result = replay(effective_events(store, as_of=as_of, known_at=known_at), as_of=as_of, issuers=issuers,
                    known_at=known_at)
    return json.dumps(to_json_contract(result), indent=2) + "\n"


def snapshot_replay_json(store, as_of: date, known_at: date | None) -> str:
    return "".join(json_chunks(replay_issuers(store, as_of=as_of, known_at=known_at, rendered=True)))


def objects_replay_json(store, as_of: date, known_at: date | None) -> str:
    return json.dumps(to_json_contract(replay_ledger(store, as_of=as_of, known_at=known_at)), indent=2) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_snapshot_plus_tail_equals_a_full_replay(data):
    """Cut snapshots (at random spacing) after a random first batch; then, after them, later
    filings and 8-K/As (some amending filings the snapshots hold, dated before or after their
    cuts), splits, exercises, retractions, corrections and moved dates, each maybe cut again;
    then replay at random dates, with and without a random known-at date."""
    store = open_store(MEMORY)
    data.draw(filings(store))
    every = data.draw(st.integers(1, 6))
    if data.draw(st.booleans()):
        data.draw(recorded(store))
    snapshots.refresh(store, every=every)
    data.draw(filings(store, first=100))
    data.draw(recorded(store, first=2000))
    if data.draw(st.booleans()):
        keys = sorted({i.issuer_key for i in store.streams()})
        snapshots.refresh(store, data.draw(st.lists(st.sampled_from(keys), unique=True)), every=every)
    for _ in range(3):
        as_of, known_at = data.draw(days), data.draw(maybe_days)
        expected = full_replay_json(store, as_of, known_at)
        assert snapshot_replay_json(store, as_of, known_at) == expected
        assert objects_replay_json(store, as_of, known_at) == expected


def test_a_fresh_snapshot_is_used_and_only_the_tail_is_read():
    store = open_store(MEMORY)
    three_issuers(store)
    key = "cik:1"
    as_of = max(e.effective_date for e in store.read(issuer_key=key))
    kept, written = snapshots.refresh(store, every=1)
    assert kept == 3 and written >= 3
    read: list[StoredEvent] = []
    real = store.read

    def counting(**kw):
        for e in real(**kw):
            if kw.get("issuer_key") == key and kw.get("after_seq") is None:
                read.append(e)
            yield e

    store.read = counting
    text = snapshot_replay_json(store, as_of, None)
    assert read == []       # the snapshot covers every event of the issuer up to as_of: no tail
    store.read = real
    assert text == full_replay_json(store, as_of, None)


def test_snapshots_stop_being_used_when_a_correction_arrives_and_come_back_with_a_refresh():
    store = open_store(MEMORY)
    three_issuers(store)
    snapshots.refresh(store)
    as_of = date(2010, 1, 1)
    assert snapshots.usable(store, "cik:1", as_of=as_of, known_at=None, amendment_streams=set())
    from events import EventRetracted
    from events.envelope import StreamInfo
    from tests.random_ledger import said
    target = next(e for e in store.read(issuer_key="cik:1") if e.type == "common_issued")
    info = next(store.streams(issuer_key="cik:1"))
    stream = "manual:" + "f" * 60
    store.append(StreamInfo(stream, "cik:1", info.issuer, "record", None, "by hand", "f" * 64),
                 [EventRetracted(effective_date=target.effective_date, provenance=said(stream, "no"),
                                 target=target.event_id, reason="wrong")])
    assert snapshots.usable(store, "cik:1", as_of=as_of, known_at=None, amendment_streams=set()) == []
    assert snapshot_replay_json(store, as_of, None) == full_replay_json(store, as_of, None)
    snapshots.refresh(store, ["cik:1"])
    assert snapshots.usable(store, "cik:1", as_of=as_of, known_at=None, amendment_streams=set())
    assert snapshot_replay_json(store, as_of, None) == full_replay_json(store, as_of, None)


def test_a_damaged_snapshot_is_not_used(tmp_path):
    store = open_store(tmp_path / "l.db", create=True)
    three_issuers(store)
    snapshots.refresh(store, every=1)
    as_of = date(2010, 1, 1)
    expected = full_replay_json(store, as_of, None)
    store.close()
    conn = sqlite3.connect(tmp_path / "l.db")
    conn.execute("UPDATE snapshots SET state = x'00ff'")     # a cache table: no append-only trigger
    conn.commit()
    conn.close()
    store = open_store(tmp_path / "l.db")
    assert snapshot_replay_json(store, as_of, None) == expected


def test_state_that_is_not_ours_is_refused():
    import marshal
    import zlib

    import lz4.block
    from ledger.projections.report import ReportFold
    from ledger.projections.state import FORMAT, load
    good = pack((FORMAT, (), (), (), (), (), (), (), (), (), ("0", 0, "0", 0, False, ()), (), ()))
    assert unpack(good)[0] == FORMAT
    flipped = good[:-1] + bytes([good[-1] ^ 1])
    unchecked = lz4.block.compress(marshal.dumps((FORMAT,) + ((),) * 11))
    for blob in (b"", b"not ours", flipped, zlib.crc32(unchecked).to_bytes(4, "big")[::-1] + unchecked,
                 pack((FORMAT - 1,) + ((),) * 11), pack((FORMAT, (), (), ())), pack([1, 2])):
        try:
            unpack(blob)
        except StateFormatError:
            continue
        raise AssertionError(f"{blob!r} was read as a snapshot")
    # Whole and of this format, but a row of the wrong shape: refused on load, not met mid-replay.
    for lot_rows in ((("text",),), (("a", "b", "c"),), ("not a row",)):
        bad = pack((FORMAT, (), ("k",), lot_rows, (), (), (), (), (), (), ("0", 0, "0", 0, False, ()), (), ()))
        with pytest.raises(StateFormatError):
            load(ReportFold(date(2000, 1, 1)), "cik:1", [bad])


def test_an_event_moved_before_the_snapshot_by_a_correction_is_counted_once():
    from events import EventCorrected, FieldChange
    from events.envelope import StreamInfo
    from tests.random_ledger import said
    store = open_store(MEMORY)     # cik:2 has no 8-K/A, which would restate the moved event away
    three_issuers(store)
    target = next(e for e in store.read(issuer_key="cik:2") if e.type == "common_issued")
    info = next(store.streams(issuer_key="cik:2"))
    stream = "manual:" + "e" * 60
    store.append(StreamInfo(stream, "cik:2", info.issuer, "record", None, "by hand", "e" * 64),
                 [EventCorrected(effective_date=target.effective_date, provenance=said(stream, "moved"),
                                 target=target.event_id, changes=(FieldChange("effective_date", "1999-01-04"),),
                                 reason="date")])
    snapshots.refresh(store, every=1)
    as_of = date(2010, 1, 1)
    [first, *_] = snapshots.usable(store, "cik:2", as_of=as_of, known_at=None, amendment_streams=set())
    assert first.as_of == date(1999, 1, 4)      # the moved event opens the issuer's history
    assert snapshot_replay_json(store, as_of, None) == full_replay_json(store, as_of, None)
    assert snapshot_replay_json(store, date(1999, 6, 1), None) == full_replay_json(store, date(1999, 6, 1), None)


def test_the_cli_keeps_snapshots_on_ingest_and_checks_them(tmp_path):
    """`ledger ingest` leaves snapshots for the issuers it wrote to; `ledger snapshots --check`
    agrees with them, and fails (exit 1, one line) once one is changed by hand."""
    from pathlib import Path
    from typer.testing import CliRunner
    from cli.app import app
    db = tmp_path / "l.db"
    filings = sorted((Path(__file__).resolve().parent.parent / "examples" / "filings").glob("*.txt"))
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "ingest", "--jobs", "1", *map(str, filings)])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        [key] = {i.issuer_key for i in store.streams()}
        kept = store.snapshots(key)
        assert kept and kept[0].covers_seq == store.head()[0]
        expected = full_replay_json(store, date(2000, 6, 30), None)
    result = runner.invoke(app, ["--db", str(db), "replay", "--as-of", "2000-06-30", "--format", "json"])
    assert result.exit_code == 0 and result.stdout == expected
    assert '"common_shares": 1865918' in result.stdout
    result = runner.invoke(app, ["--db", str(db), "snapshots", "--check"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    blob = conn.execute("SELECT state FROM snapshots ORDER BY as_of LIMIT 1").fetchone()[0]
    state = list(unpack(blob))
    state[10] = ("1", *state[10][1:])          # capital raised, changed by hand
    conn.execute("UPDATE snapshots SET state = ? WHERE as_of = (SELECT min(as_of) FROM snapshots)",
                 (pack(tuple(state)),))
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["--db", str(db), "snapshots", "--check"])
    assert result.exit_code == 1
    assert "snapshots differ from the events for 1 issuer(s)" in result.stderr
    result = runner.invoke(app, ["--db", str(db), "snapshots"])
    assert result.exit_code == 0 and "kept for 1 issuer(s)" in result.stderr
    result = runner.invoke(app, ["--db", str(db), "snapshots", "--check"])
    assert result.exit_code == 0
