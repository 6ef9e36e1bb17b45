"""Event ids are unique by construction, short to type, and old ledgers keep theirs."""
from __future__ import annotations

import sqlite3

import pytest

from ledger.errors import AmbiguousEventId, StoreError
from ledger.ids import event_id, legacy_event_id, parse_ref, short_id
from ledger.store import open_store, verify
from tests.filing_factory import accession, write_filings


@pytest.fixture(scope="module")
def agent_db(tmp_path_factory, run):
    """Forty filings by one filer agent in one year: the first 12 characters of every accession
    number are the same, so schema-1 ids (12 characters + version) collided from the second on."""
    folder = tmp_path_factory.mktemp("agent")
    write_filings(folder / "filings", range(1, 41))
    db = folder / "ledger.db"
    result = run("--db", db, "ingest", folder / "filings")
    assert result.exit_code == 0, result.output
    assert "40 filing(s) read, 80 event(s) appended" in result.stderr and "0 failed" in result.stderr
    return db


def test_every_filing_of_one_agent_in_one_year_lands_with_its_own_ids(agent_db):
    with open_store(agent_db, read_only=True) as store:
        ids = [s.event_id for s in store.log()]
        assert len(ids) == len(set(ids)) == 80
        assert ids[:4] == [f"{accession(1)}-1", f"{accession(1)}-2", f"{accession(2)}-1", f"{accession(2)}-2"]
        assert verify(store).ok


def test_a_whole_id_and_a_unique_prefix_name_the_same_event(run, agent_db):
    whole = run("--db", agent_db, "show", f"{accession(17)}-2", "--format", "json")
    assert whole.exit_code == 0, whole.output
    assert '"shares": 10017' in whole.stdout
    prefix = run("--db", agent_db, "show", f"{accession(17)[:-1]}-2", "--format", "json")   # ...-00001 + 7 left off
    assert prefix.exit_code == 2 and "ambiguous" in prefix.stderr     # 000010..000019 all match
    unique = run("--db", agent_db, "show", f"{accession(40)[:-1]}-2", "--format", "json")     # only 000040
    assert unique.exit_code == 0 and '"shares": 10040' in unique.stdout


def test_an_ambiguous_prefix_is_refused_with_the_candidates(run, agent_db):
    result = run("--db", agent_db, "show", "0001104659-00-00-2")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "is ambiguous: it names 40 events" in line and f"{accession(1)}-2" in line and "type more" in line
    with open_store(agent_db, read_only=True) as store, pytest.raises(AmbiguousEventId):
        store.event("0001104659-00-00-2")


def test_too_short_or_unknown_ids_name_nothing(run, agent_db):
    for typed in ("000-2", f"{accession(41)}-1", f"{accession(1)}-3", "nonsense"):
        result = run("--db", agent_db, "show", typed)
        assert result.exit_code == 2 and f"no event {typed}" in result.stderr, typed


def test_hash_named_streams_show_short_ids_that_lookups_accept(run, built_db):
    table = run("--db", built_db, "events").stdout
    assert "d68db1fc7039-2" in table and "d68db1fc7039f2036d3cb94aee811736dafaeac8c049d3484ad2ab77249a875d-2" not in table
    shown = run("--db", built_db, "show", "d68db1fc7039-2", "--format", "json")
    assert shown.exit_code == 0 and '"event_id": "d68db1fc7039f2036d3cb94aee811736dafaeac8c049d3484ad2ab77249a875d-2"' in shown.stdout


def test_id_forms():
    stream = "sha256:" + "ab" * 32
    assert event_id(stream, 3) == "ab" * 32 + "-3" and short_id(event_id(stream, 3)) == "abababababab-3"
    assert legacy_event_id("accession:0001104659-00-012345", 2) == "0001104659-0-2"
    assert short_id("0001104659-00-012345-2") == "0001104659-00-012345-2"     # accession ids stay whole
    assert parse_ref("abc-1") is None and parse_ref("abcd-0") is None
    assert parse_ref("abcd-12").version == 12


def test_a_constraint_the_driver_reports_reaches_the_user_as_one_plain_sentence(tmp_path):
    """Not by construction any more, but should a row ever clash, no driver text is shown."""
    with open_store(tmp_path / "l.db", create=True) as store:
        store._db.execute("CREATE TABLE clash (x UNIQUE)")
        store._db.execute("INSERT INTO clash VALUES (1)")
        with pytest.raises(StoreError) as caught, store._errors():
            store._db.execute("INSERT INTO clash VALUES (1)")
    assert "UNIQUE constraint failed" not in str(caught.value)
    assert "refused a row that breaks one of its constraints (SQLITE_CONSTRAINT_UNIQUE)" in str(caught.value)
    assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
