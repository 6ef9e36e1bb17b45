"""Schema evolution: ledgers written by this version must replay to the same figures in every later one.

tests/fixtures/ledger_v1.db was made by tests/fixtures/make_fixture.py from the five example
filings and is never regenerated (its checkpoint is pinned below). Later versions read it through
upcasters registered with ``events.codec.upcaster``: old events are upcast on read, never
rewritten. Tests work on a copy, since opening a schema-1 ledger upgrades its tables (after a backup).
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import ClassVar

import attrs
import cattrs
import pytest

from events import CommonIssued, Provenance, codec, registry
from ledger.checkpoint import Checkpoint
from ledger.store import SCHEMA_VERSION, UnreadableEvent, open_store, verify, verify_against

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ledger_v1.db"
# The fixture's head when it was made. A regenerated fixture has other recorded-at times, so other
# hashes: this catches it. Do not update this line; add a new fixture instead (see make_fixture.py).
FIXTURE_CHECKPOINT = "adeab00e4e159acf82759fabca2b8b17fa73f3bf77b0e9a22244a48e1221cef3@30"

FIGURES = {
    "2000-06-30": {"common_shares": 1865918, "warrant_shares_outstanding": 430839,
                   "undetermined_warrant_tranches": 5, "capital_raised": "29000000"},
    "2002-03-31": {"common_shares": 4965918, "warrant_shares_outstanding": 1205839},
}


@pytest.fixture
def fixture_copy(tmp_path) -> Path:
    return Path(shutil.copy(FIXTURE, tmp_path / "ledger_v1.db"))


def stored_rows(db: Path) -> list[dict]:
    """Every stored column of every event, read without the program (no upcasting, no writes)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM events ORDER BY seq")]
    finally:
        con.close()


def totals(run, db: Path, as_of: str) -> dict:
    result = run("--db", db, "replay", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    [issuer] = json.loads(result.stdout)["issuers"]
    return issuer["totals"]


def assert_same_figures(run, db: Path) -> None:
    for as_of, expected in FIGURES.items():
        got = totals(run, db, as_of)
        assert {k: got[k] for k in expected} == expected, as_of


# -- the fixture, read by the current code -------------------------------------------------------


def test_the_fixture_is_the_one_that_was_committed(run, fixture_copy):
    cp = Checkpoint.parse(FIXTURE_CHECKPOINT)
    with open_store(fixture_copy) as store:
        report = verify_against(store, cp.seq, cp.hash)
        assert report.ok, f"{report}: tests/fixtures/ledger_v1.db was changed or regenerated; it must stay old"
        assert {s.schema_version for s in store.log()} == {1}
    result = run("--db", fixture_copy, "verify", "--against", FIXTURE_CHECKPOINT)
    assert result.exit_code == 0, result.output


def test_the_fixture_replays_to_the_same_figures(run, fixture_copy):
    assert_same_figures(run, fixture_copy)
    with open_store(fixture_copy) as store:
        assert verify(store).ok


# -- the schema-2 fixture: whole event ids, same figures ------------------------------------------

FIXTURE_V2 = FIXTURE.with_name("ledger_v2.db")
FIXTURE_V2_CHECKPOINT = "d79fab02b0768721f2fcf81c55dca6b19ddab13261af2d5977f1d81bb0e9b02e@30"   # do not update


def test_the_schema_2_fixture_upgrades_keeping_its_chain_and_replays_to_the_same_figures(run, tmp_path):
    db = Path(shutil.copy(FIXTURE_V2, tmp_path / "ledger_v2.db"))
    result = run("--db", db, "verify", "--against", FIXTURE_V2_CHECKPOINT)
    assert result.exit_code == 0, result.output
    assert f"upgraded the ledger from schema 2 to {SCHEMA_VERSION}" in result.stderr
    assert [p.name for p in tmp_path.glob("*.bak")] == ["ledger_v2.db.schema-2.bak"]
    assert_same_figures(run, db)
    with open_store(db, read_only=True) as store:
        ids = [s.event_id for s in store.log()]
        assert all(len(i.rsplit("-", 1)[0]) == 64 for i in ids) and len(set(ids)) == 30
        assert store.legacy_ids_through == 0


# -- a future version of common_issued, simulated ------------------------------------------------


@attrs.frozen(kw_only=True)
class CommonIssuedV4(CommonIssued):
    """common_issued as a later version might have it: after the real v2 (consideration_kind), v3
    added a required ``currency`` and v4 renamed it ``consideration_currency``. A v1 payload cannot
    be structured into it as it is."""

    SCHEMA_VERSION: ClassVar[int] = 4

    consideration_currency: str


@pytest.fixture
def future_common_issued(monkeypatch):
    """Register CommonIssuedV4 and its two upcasters for the length of one test. The registry and
    the upcaster table are restored afterwards, so no other test sees them."""
    monkeypatch.setattr(codec, "UPCASTERS", dict(codec.UPCASTERS))  # the decorator writes here
    monkeypatch.setitem(registry.BY_TYPE, CommonIssued.TYPE, CommonIssuedV4)
    calls: list[tuple[int, dict]] = []

    @codec.upcaster("common_issued", 2)
    def add_currency(payload: dict) -> dict:
        calls.append((2, payload))
        return {**payload, "currency": "USD"}

    @codec.upcaster("common_issued", 3)
    def rename_currency(payload: dict) -> dict:
        calls.append((3, payload))
        payload = dict(payload)
        payload["consideration_currency"] = payload.pop("currency")
        return payload

    yield calls


def test_the_upcasters_are_really_needed(fixture_copy, future_common_issued):
    [v1] = [r for r in stored_rows(fixture_copy) if r["type"] == "common_issued"][:1]
    with pytest.raises(cattrs.BaseValidationError):
        codec.converter.structure(json.loads(v1["payload"]), CommonIssuedV4)  # v1 is not v4 as it is
    event = codec.from_json("common_issued", 1, v1["payload"])               # upcast: it is
    assert type(event) is CommonIssuedV4 and event.consideration_currency == "USD"
    assert event.consideration_kind == "cash"                                # the real v1 -> v2 step ran


def test_a_later_version_upcasts_the_fixture_to_the_same_figures_without_rewriting_it(
        run, fixture_copy, future_common_issued):
    before = stored_rows(fixture_copy)
    calls = future_common_issued

    assert_same_figures(run, fixture_copy)

    assert {step for step, _ in calls} == {2, 3}  # replay went through both simulated upcasters
    commons = {r["seq"]: r for r in before if r["type"] == "common_issued"}
    assert len(commons) == 5
    with open_store(fixture_copy) as store:
        read = [s for s in store.log() if s.type == "common_issued"]
        cp = Checkpoint.parse(FIXTURE_CHECKPOINT)
        assert verify_against(store, cp.seq, cp.hash).ok
    assert [s.seq for s in read] == list(commons)
    for s in read:
        assert s.schema_version == 1                      # what the row says
        assert type(s.event) is CommonIssuedV4            # what the program sees
        # Every v1 field carried over unchanged; only the new ones were added.
        assert codec.to_payload(s.event) == {**json.loads(commons[s.seq]["payload"]), "consideration_kind": "cash",
                                             "consideration_currency": "USD"}

    after = stored_rows(fixture_copy)
    assert after == before  # payload text, schema_version and hash of every row: byte-identical


def test_the_future_registration_does_not_leak():
    assert registry.BY_TYPE["common_issued"] is CommonIssued
    assert ("common_issued", 2) not in codec.UPCASTERS and ("common_issued", 3) not in codec.UPCASTERS
    assert ("common_issued", 1) in codec.UPCASTERS        # the real step to v2 stays
    assert CommonIssued.SCHEMA_VERSION == 2


# -- an event newer than the program ---------------------------------------------------------


def test_an_event_newer_than_the_program_is_refused_when_read(run, fixture_copy, monkeypatch):
    """A later program (common_issued v3) appended to the fixture; this one must refuse, not guess."""
    new_stream = "sha256:" + "ab" * 32
    with open_store(fixture_copy) as store:
        template = next(s for s in store.log() if s.type == "common_issued")
        info = next(store.streams())
        monkeypatch.setattr(CommonIssued, "SCHEMA_VERSION", 3)  # the later program
        event = attrs.evolve(template.event, provenance=Provenance(new_stream, template.event.provenance.quotes))
        [stored] = store.append(attrs.evolve(info, stream=new_stream), [event])
        monkeypatch.undo()                                       # back to this program
    assert (stored.seq, stored.schema_version) == (31, 3)

    with open_store(fixture_copy) as store:
        assert verify(store).ok  # the row is genuine: the chain holds
        with pytest.raises(UnreadableEvent) as caught:
            list(store.read())
        assert str(caught.value) == (f"{fixture_copy}: cannot read seq 31 ({stored.event_id}, common_issued v3): "
                                     "common_issued v3 is newer than this program (v2)")
        assert isinstance(caught.value, ValueError)
        assert [s.seq for s in store.log(stream=template.stream)] == list(range(1, 8))  # the rest reads

    result = run("--db", fixture_copy, "replay", "--as-of", "2002-03-31")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == (f"error: {fixture_copy}: cannot read seq 31 ({stored.event_id}, common_issued v3): "
                                     "common_issued v3 is newer than this program (v2)")
