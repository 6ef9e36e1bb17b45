"""Schema 5: the events table is indexed by type only for the types looked up among every row
(ledger/store/contract.py INDEXED_TYPES: corrections, retractions, balance assertions), so an
append no longer pays a B-tree insert into a full type index; type lookups still use the index,
and a lookup of any other type still finds every row.

tests/fixtures/ledger_v4.db was made by the schema-4 code (affb2a2): the five example filings
through tests/fixtures/make_fixture.py, then one `ledger retract` and one `ledger correct`. Like
every fixture it is never regenerated."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from events import DAY_RANK, EventCorrected, EventRetracted
from ledger.store import SCHEMA_VERSION, open_store, verify, verify_against
from ledger.store.contract import INDEXED_TYPES
from ledger.store.sqlite import SQLiteStore, read_sql
from tests.store.support import DOC, common, filing, info, stream_id, D1, D2

FIXTURE_V4 = Path(__file__).resolve().parents[1] / "fixtures" / "ledger_v4.db"
FIXTURE_V4_CHECKPOINT = (32, "b1ff4feaba8c3f6a5bd350f5ec64709342af5bdeb89994faa24131b776d4ffc6")   # do not update


def type_index_sql(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'events_type'").fetchone()[0]
    finally:
        con.close()


def plan(store: SQLiteStore, sql: str, params: dict) -> str:
    return " ".join(r["detail"] for r in store._db.query("EXPLAIN QUERY PLAN " + sql, params))


@pytest.fixture
def v4_copy(tmp_path) -> Path:
    return Path(shutil.copy(FIXTURE_V4, tmp_path / "ledger.db"))


def test_a_schema_4_ledger_gets_the_partial_type_index_and_keeps_every_row_and_hash(v4_copy):
    assert "WHERE" not in type_index_sql(v4_copy)           # as schema 4 made it: every row indexed
    with open_store(v4_copy) as store:
        assert store.migrated_from == 4 and Path(store.backup_path).exists()
        assert verify_against(store, *FIXTURE_V4_CHECKPOINT).ok, "tests/fixtures/ledger_v4.db must stay as committed"
        retracted = [s.event_id for s in store.log(types=[EventRetracted.TYPE])]
        corrected = [s.event_id for s in store.log(types=[EventCorrected.TYPE])]
        assert retracted == ["5e1dc17579dbc53e56fb8ad071bd44623970982f3037f51b69e50f4d17cf2ef6-1"]
        assert corrected == ["d3533d38cd5116357bd3657a7107a6f25b659eb94a6e557b368f0e51310618a9-1"]
        new = stream_id("a filing after the upgrade")
        store.append(info(new), [filing(new, D1), common(new, D2)], DOC)
        assert verify(store).ok and store.count() == 34
    sql = type_index_sql(v4_copy)
    assert "WHERE type IN ('balance_assertion', 'event_corrected', 'event_retracted')" in sql, sql
    with open_store(v4_copy, read_only=True) as reader:
        assert reader._found_version() == SCHEMA_VERSION   # 4 -> 5 -> 6


def test_lookups_of_the_indexed_types_use_the_index(tmp_path):
    with open_store(tmp_path / "ledger.db", create=True) as store:
        for types in ([EventRetracted.TYPE], [EventCorrected.TYPE, EventRetracted.TYPE], list(INDEXED_TYPES)):
            assert "INDEX events_type" in plan(store, *SQLiteStore._log_sql(None, 0, types)), types
            assert "INDEX events_type" in plan(store, *read_sql(types=types)), types
        # an issuer's corrections: the issuer's index, as before
        assert "INDEX events_issuer" in plan(store, *read_sql(issuer_key="x", types=[EventCorrected.TYPE]))


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    db = Path(shutil.copy(FIXTURE_V4, tmp_path_factory.mktemp("v4") / "ledger.db"))
    open_store(db).close()
    store = open_store(db, read_only=True)
    yield store, list(store.log()), list(store.read())
    store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(types=st.lists(st.sampled_from(sorted(DAY_RANK)), unique=True))
def test_a_lookup_by_any_types_finds_exactly_the_rows_of_those_types(upgraded, types):
    """The partial index's term is added only when every type asked for is indexed: any other set
    of types still finds all its rows, in the same order as an unfiltered read."""
    store, log, read = upgraded
    assert [s.seq for s in store.log(types=types)] == [s.seq for s in log if s.type in types]
    assert [s.seq for s in store.read(types=types)] == [s.seq for s in read if s.type in types]
