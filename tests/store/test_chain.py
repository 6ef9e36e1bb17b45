"""Chain v2 (schema 4) beside chain v1: what a row's hash covers, how a ledger made before schema 4
keeps its v1 rows and switches at a recorded seq, and that tampering is caught either side of it.

tests/fixtures/ledger_v3.db was made by the schema-3 code (chain v1 throughout) before chain v2
existed; like every fixture it is never regenerated."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from events import Issuer
from events.envelope import StreamInfo
from ledger import ids
from ledger.services.copy import copy_ledger
from ledger.store import GENESIS, open_store, verify, verify_against
from ledger.store.chain import CHAINED_COLUMNS, content_v2, row_content_v1, row_content_v2, row_hash
from ledger.store.mapping import COLUMNS, EncodedEvent, EventRow, chained_rows, chained_values
from tests.store.support import D1, D2, DOC, common, fee, filing, info, stream_id, warrant

FIXTURE_V3 = Path(__file__).resolve().parents[1] / "fixtures" / "ledger_v3.db"
FIXTURE_V3_CHECKPOINT = (30, "0509d016f7f0039ff83b563cba053730dba8ac2f182ae0a88a214e9775325820")   # do not update
NEW = stream_id("a filing after the upgrade")
V1_ONLY = 10**18   # a v2_from no seq reaches: every row hashed as chain v1


# -- the content ----------------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
rows = st.fixed_dictionaries({
    name: (st.integers(min_value=-5, max_value=10**12) if name in ("seq", "version", "schema_version")
           else st.none() | text if name == "public_date" else text)
    for name in CHAINED_COLUMNS
})


@settings(max_examples=300, deadline=None)
@given(a=rows, b=rows)
def test_v2_content_is_self_delimiting_so_different_rows_never_share_it(a, b):
    """Lengths before every field: no shift of text between neighbouring fields gives the same
    content, so the hash covers each column on its own."""
    assert (row_content_v2(a) == row_content_v2(b)) == (a == b)


@settings(max_examples=300, deadline=None)
@given(row=rows)
def test_the_appends_fast_v2_content_is_the_chains_definition(row):
    assert content_v2(*(row[name] for name in CHAINED_COLUMNS)) == row_content_v2(row)



encoded_events = st.lists(st.builds(
    EncodedEvent, type=text, schema_version=st.integers(min_value=1, max_value=10**6),
    effective_date=text, payload=text, quote=text), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(stream=st.sampled_from(("accession:", "sha256:", "manual:", "")).flatmap(lambda p: text.map(lambda t: p + t)),
       issuer_key=text, public_date=st.none() | st.dates(), recorded_at=text, encoded=encoded_events,
       seq=st.integers(min_value=0, max_value=10**12), prev=text, v2_from=st.integers(min_value=1, max_value=10**12 + 8))
def test_the_appends_rows_are_the_chains_definition(stream, issuer_key, public_date, recorded_at, encoded, seq, prev, v2_from):
    """chained_values builds each row's content from parts shared by the filing, once: every row
    still hashes the chain's own definition of its content (v1 or v2 by its seq), and has the id
    ledger.ids gives, whatever the text."""
    head = (seq, prev)
    filing_info = StreamInfo(stream=stream, issuer_key=issuer_key, issuer=Issuer("X", None, None), form="8-K",
                             public_date=public_date, source_name="x.txt", raw_sha256="0" * 64)
    rows = chained_values(filing_info, encoded, head=head, recorded_at=recorded_at, v2_from=v2_from)
    assert [EventRow(*r) for r in rows] == chained_rows(filing_info, encoded, head=head, recorded_at=recorded_at,
                                                          v2_from=v2_from)
    for version, values in enumerate(rows, start=1):
        row = dict(zip(COLUMNS, values))
        assert row["seq"] == seq + version and row["event_id"] == ids.event_id(stream, version)
        assert row["prev_hash"] == prev and row["hash"] == row_hash(prev, row, v2_from)
        prev = row["hash"]

def test_a_v2_column_of_the_wrong_type_is_a_changed_row_not_another_spelling():
    row = {name: "x" for name in CHAINED_COLUMNS} | {"seq": 1, "version": 1, "schema_version": 1}
    for name, wrong in (("seq", "1"), ("version", 1.0), ("payload", 1), ("public_date", b"2020")):
        with pytest.raises(TypeError):
            row_content_v2(row | {name: wrong})


# -- a new ledger: every row is v2 ------------------------------------------------------------------

def events_of(stream):
    return [filing(stream, D1), common(stream, D1), warrant(stream, D2), fee(stream, D2)]


@pytest.fixture
def v2_ledger(tmp_path):
    path = tmp_path / "ledger.db"
    with open_store(path, create=True) as store:
        assert store.chain_v2_from == 1
        store.append(info(NEW), events_of(NEW), DOC)
        for r in store.rows():
            assert r.hash == row_hash(r.prev_hash, r, 1) != row_hash(r.prev_hash, r, V1_ONLY)
    return path


def unlocked(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f'DROP TRIGGER "{name}"')   # identifiers from sqlite_master
    return con


def changed(name: str, value):
    if name == "public_date":
        return "2020-01-01" if value is None else None
    if isinstance(value, int):
        return value + 100
    return value + " "


def tampered(path, name: str, seq: int):
    """verify's report once column ``name`` of row ``seq`` is changed by hand (triggers dropped)."""
    con = unlocked(path)
    value = con.execute(f"SELECT {name} FROM events WHERE seq = :seq", {"seq": seq}).fetchone()[0]
    con.execute(f"UPDATE events SET {name} = :v WHERE seq = :seq", {"v": changed(name, value), "seq": seq})
    con.close()
    with open_store(path, read_only=True) as store:
        return verify(store)


@pytest.mark.parametrize("name", [*CHAINED_COLUMNS, "prev_hash", "hash"])
def test_tampering_with_any_column_of_a_v2_row_is_caught(v2_ledger, name):
    seq = 3 if name != "seq" else 4   # seq: the last row moved on (a gap would be caught anyway)
    report = tampered(v2_ledger, name, seq)
    assert not report.ok and report.checked == seq - 1, report   # the rows before it are good, it is not


# -- a ledger made at schema 3: v1 rows, then v2 from a recorded seq --------------------------------

@pytest.fixture
def v3_copy(tmp_path):
    return Path(shutil.copy(FIXTURE_V3, tmp_path / "ledger.db"))


def test_a_schema_3_ledger_keeps_its_v1_chain_and_switches_at_a_recorded_seq(v3_copy):
    with open_store(v3_copy) as store:
        assert store.migrated_from == 3 and store.chain_v2_from == 31
        assert verify_against(store, *FIXTURE_V3_CHECKPOINT).ok, "tests/fixtures/ledger_v3.db must stay as committed"
        old = list(store.rows())
        assert all(r.hash == row_hash(r.prev_hash, r, V1_ONLY) for r in old)   # v1 bytes, as written
        stored = store.append(info(NEW), events_of(NEW), DOC)
        new = list(store.rows(after_seq=30))
        assert [s.seq for s in stored] == [31, 32, 33, 34]
        assert new[0].prev_hash == FIXTURE_V3_CHECKPOINT[1]                      # the chain runs on unbroken
        assert all(r.hash == row_hash(r.prev_hash, r, 31) != row_hash(r.prev_hash, r, V1_ONLY) for r in new)
        assert verify(store).ok and verify_against(store, *FIXTURE_V3_CHECKPOINT).ok
    con = sqlite3.connect(v3_copy)
    indexes = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    con.close()
    assert "events_public" not in indexes and {"events_replay", "events_issuer", "events_type"} <= indexes


@pytest.mark.parametrize("seq", [30, 31, 34])
@pytest.mark.parametrize("name", ["quote", "payload", "public_date", "version"])
def test_tampering_either_side_of_the_switch_is_caught(v3_copy, seq, name):
    with open_store(v3_copy) as store:
        store.append(info(NEW), events_of(NEW), DOC)
    report = tampered(v3_copy, name, seq)
    assert not report.ok and report.bad_seq == seq, report


def test_moving_the_recorded_switch_is_caught(v3_copy):
    """The switch lives outside the chain, in meta: moving it makes rows hash by the wrong version."""
    with open_store(v3_copy) as store:
        store.append(info(NEW), events_of(NEW), DOC)
    for moved, bad in (("1", 1), ("32", 31)):
        con = sqlite3.connect(v3_copy, isolation_level=None)
        con.execute("UPDATE meta SET value = :v WHERE key = 'chain_v2_from'", {"v": moved})
        con.close()
        with open_store(v3_copy, read_only=True) as store:
            report = verify(store)
        assert not report.ok and report.bad_seq == bad, report


def test_a_copy_of_an_upgraded_ledger_keeps_its_switch_and_its_hashes(v3_copy, tmp_path):
    with open_store(v3_copy) as source:
        source.append(info(NEW), events_of(NEW), DOC)
        with open_store(tmp_path / "copy.db", create=True) as target:
            report = copy_ledger(source, target)
            assert report.head == source.head() == target.head() and report.target_check.ok
            assert target.chain_v2_from == 31


def test_the_chain_version_of_a_ledger_with_events_cannot_change(v2_ledger):
    from ledger.errors import StoreError
    with open_store(v2_ledger) as store, pytest.raises(StoreError, match="cannot change"):
        store.set_chain_v2_from(5)


# -- PostgreSQL: a schema-3 ledger upgrades the same way, to the same hashes ------------------------

def test_a_postgres_schema_3_ledger_upgrades_keeps_its_chain_and_copies_back(v3_copy, pg_url, tmp_path):
    from tests.pg_support import connect
    with open_store(v3_copy) as source, open_store(pg_url, create=True) as target:
        copy_ledger(source, target)
        head = source.head()
    # Made as the schema-3 release left it: no switch recorded, the index there, schema 3.
    with connect(pg_url) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'chain_v2_from'")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        conn.execute("CREATE INDEX events_public ON events (public_date)")
    with open_store(pg_url, read_only=True) as reader:   # a reader has a writer upgrade it first
        assert reader.migrated_from == 3 and reader.chain_v2_from == 31 and reader.head() == head
        assert verify(reader).ok
    with open_store(pg_url) as store:
        assert store.chain_v2_from == 31
        store.append(info(NEW), events_of(NEW), DOC, recorded_at="2026-12-02T00:00:00Z")
        assert verify(store).ok
        with open_store(v3_copy) as sqlite_side:
            sqlite_side.append(info(NEW), events_of(NEW), DOC, recorded_at="2026-12-02T00:00:00Z")
            assert sqlite_side.head() == store.head()        # the same bytes, the same v2 hashes
        with open_store(tmp_path / "back.db", create=True) as back:
            assert copy_ledger(store, back).target_check.ok and back.head() == store.head()
    with connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'events_public' "
                            "AND schemaname = current_schema()").fetchone()[0] == 0
        conn.execute("ALTER TABLE events DISABLE TRIGGER USER")
        conn.execute("UPDATE events SET quote = quote || ' ' WHERE seq = 33")
    with open_store(pg_url, read_only=True) as reader:
        report = verify(reader)
        assert not report.ok and report.bad_seq == 33
