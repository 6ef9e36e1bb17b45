"""Issuances not for cash: every issuance says what was given for it (consideration_kind), old
ledgers are read with the kind their figures imply, and replay, export, history and explain show it."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from events import CommonIssued, ConsiderationKind, PreferredIssued, Provenance, Quote, from_payload, to_payload
from events.rules import InvalidEvent
from ledger.projections import replay, to_json_contract
from tests.golden_support import extracted_payloads
from tests.ids_support import shortened
from tests.test_projections import (
    COMMON_1999, FILING_JAN99, ISSUERS, MAR02, PREFERRED, said, wrap,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
NOV99_COMMON = "863674c153e7-2"    # the 845,594 shares sold on 19 November 1999 ($10,000,000)
PROV = Provenance("sha256:x", (Quote(0, 1, "x"),))


# -- the records ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cls, fields", [
    (CommonIssued, dict(shares=850_000, price_basis="not_stated", consideration_basis="not_stated")),
    (PreferredIssued, dict(series="Series A", title="Series A Preferred Stock")),
])
def test_an_issuance_must_say_what_was_given_for_it(cls, fields):
    with pytest.raises(TypeError, match="consideration_kind"):
        cls(effective_date=date(1999, 5, 4), provenance=PROV, **fields)     # no silent 'cash'
    with pytest.raises(InvalidEvent, match=r"^consideration_kind: 'barter' is not one of cash, acquisition, "
                                           r"exchange, services, conversion, other, not_stated$"):
        cls(effective_date=date(1999, 5, 4), provenance=PROV, consideration_kind="barter", **fields)
    event = cls(effective_date=date(1999, 5, 4), provenance=PROV, consideration_kind="acquisition", **fields)
    assert event.consideration_kind is ConsiderationKind.ACQUISITION
    assert to_payload(event)["consideration_kind"] == "acquisition"


# -- schema 1 events, upcast on read -------------------------------------------------------------


def v1(event) -> dict:
    """The payload a release before consideration kinds wrote: the same fields, no kind."""
    payload = to_payload(event)
    del payload["consideration_kind"]
    return payload


@pytest.mark.parametrize("changes, kind", [
    ({}, "cash"),                                                                     # price and consideration
    ({"consideration": None, "consideration_basis": "not_stated"}, "cash"),           # a price only
    ({"price": None, "price_basis": "not_stated"}, "cash"),                           # a consideration only
    ({"price": None, "price_basis": "not_stated", "consideration": None,
      "consideration_basis": "not_stated"}, "not_stated"),                            # neither: never assumed cash
])
def test_a_schema_1_common_issue_is_cash_when_it_states_a_price_or_a_consideration(changes, kind):
    payload = {**v1(COMMON_1999), **changes}
    event = from_payload("common_issued", 1, payload)
    assert event.consideration_kind == kind
    assert {k: v for k, v in to_payload(event).items() if k != "consideration_kind"} == payload   # nothing else moved


def test_a_schema_1_preferred_issue_is_cash_only_when_it_states_a_consideration():
    assert from_payload("preferred_issued", 1, v1(PREFERRED)).consideration_kind == "cash"
    unpaid = {**v1(PREFERRED), "consideration": None, "consideration_basis": "not_stated"}
    # A stated value is a liquidation figure, not a price paid.
    assert from_payload("preferred_issued", 1, {**unpaid, "stated_value": "1000"}).consideration_kind == "not_stated"


def stored_rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT seq, type, schema_version, payload, hash FROM events ORDER BY seq").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fixture", ["ledger_v1.db", "ledger_v2.db"])
def test_old_ledgers_replay_with_kinds_and_their_rows_are_not_rewritten(run, tmp_path, fixture):
    db = Path(shutil.copy(FIXTURES / fixture, tmp_path / fixture))
    before = [r for r in stored_rows(db)]
    assert {(t, v) for _, t, v, _, _ in before if t in ("common_issued", "preferred_issued")} == {
        ("common_issued", 1), ("preferred_issued", 1)}
    result = run("--db", db, "replay", "--as-of", "2002-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    [issuer] = json.loads(result.stdout)["issuers"]
    assert [(h["shares"], h["consideration_kind"]) for h in issuer["holdings"]] == [
        (None, "cash"), (845594, "cash"), (520324, "cash"), (500000, "cash"), (2575000, "cash"), (525000, "cash")]
    assert issuer["totals"]["capital_raised"] == "35200000"
    assert run("--db", db, "verify").exit_code == 0
    assert stored_rows(db) == before          # upcast on read only: payloads, versions and hashes as they were


def test_the_extractor_and_the_upcaster_give_the_same_kind_for_the_same_filing(filings):
    """A filing ingested by this release and the same filing read from a ledger written before
    consideration kinds: the same kind, so an old ledger and a rebuilt one replay alike."""
    con = sqlite3.connect(f"file:{FIXTURES / 'ledger_v2.db'}?mode=ro", uri=True)
    try:
        old = con.execute("SELECT type, payload FROM events WHERE type IN ('common_issued', 'preferred_issued') "
                          "ORDER BY seq").fetchall()
    finally:
        con.close()
    upcast = [from_payload(t, 1, json.loads(p)).consideration_kind for t, p in old]
    fresh = [e["payload"]["consideration_kind"] for f in filings for e in extracted_payloads(f)
             if e["type"] in ("common_issued", "preferred_issued")]
    assert upcast == fresh == ["cash"] * 6


def test_the_extractor_reads_shares_issued_in_a_merger_as_acquisition_consideration():
    events = extracted_payloads(ROOT / "tests" / "filings" / "acquisition_with_statements.txt")
    [common] = [e["payload"] for e in events if e["type"] == "common_issued"]
    assert (common["shares"], common["price"], common["consideration"]) == (850000, None, None)
    assert common["consideration_kind"] == "acquisition"


# -- the projections -----------------------------------------------------------------------------

ACQUIRED = CommonIssued(
    effective_date=date(2002, 3, 13),
    provenance=said(MAR02, "On March 13, 2002 the Company issued 850,000 shares of its common stock, valued at "
                           "$4,250,000, to the former stockholders of Fernlo Corp. in the merger."),
    shares=850_000, price=None, price_basis="not_stated", consideration=Decimal("4250000"),
    consideration_kind="acquisition", buyers_description="the former stockholders of Fernlo Corp.")
EXCHANGED = CommonIssued(
    effective_date=date(2002, 3, 13),
    provenance=said(MAR02, "The Company issued 100,000 shares of common stock in exchange for its 8% notes."),
    shares=100_000, price=None, price_basis="not_stated", consideration=None, consideration_basis="not_stated",
    consideration_kind="exchange", buyers_description="holders of its 8% notes")


def report(*pairs):
    events = wrap(("filing-jan99", FILING_JAN99), *pairs)
    [r] = replay(iter(events), as_of=date(2002, 3, 31), issuers=ISSUERS).issuers
    return r


def test_shares_not_issued_for_cash_are_in_the_cap_table_but_raise_no_money():
    cash_only = report(("common-nov99", COMMON_1999))
    both = report(("common-nov99", COMMON_1999), ("acquired", ACQUIRED), ("exchanged", EXCHANGED))
    assert [(h.shares, h.consideration_kind) for h in both.holdings] == [
        (845_594, "cash"), (850_000, "acquisition"), (100_000, "exchange")]
    assert both.totals.common_shares == 845_594 + 850_000 + 100_000
    assert both.totals.capital_raised == cash_only.totals.capital_raised == Decimal("10000000")
    # The exchange states no figure, but it is not cash whose amount is missing.
    assert both.totals.undisclosed_consideration == cash_only.totals.undisclosed_consideration == 0


def test_a_kind_not_stated_is_shown_as_such_and_its_stated_consideration_still_counts():
    unknown = attrs.evolve(COMMON_1999, consideration_kind="not_stated")
    r = report(("common-nov99", unknown))
    assert r.holdings[0].consideration_kind == "not_stated"
    assert r.totals.capital_raised == Decimal("10000000")


def test_the_json_contract_carries_the_kind():
    events = wrap(("filing-jan99", FILING_JAN99), ("common-nov99", COMMON_1999), ("acquired", ACQUIRED))
    doc = to_json_contract(replay(iter(events), as_of=date(2002, 3, 31), issuers=ISSUERS))
    [issuer] = doc["issuers"]
    assert [h["consideration_kind"] for h in issuer["holdings"]] == ["cash", "acquisition"]
    assert issuer["totals"]["capital_raised"] == "10000000"


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def acquired_db(run, db_copy) -> Path:
    """The example ledger with the November 1999 sale re-recorded as acquisition consideration."""
    result = run("--db", db_copy, "correct", NOV99_COMMON, "--set", "consideration_kind=acquisition",
                 "--reason", "the shares were consideration for an acquisition", "--source", "10-K 1999, note 9")
    assert result.exit_code == 0, result.output
    return db_copy


def test_replay_json_shows_the_kind_and_leaves_it_out_of_capital_raised(run, built_db, acquired_db):
    def issuer(db):
        result = run("--db", db, "replay", "--as-of", "2000-06-30", "--format", "json")
        assert result.exit_code == 0, result.output
        [i] = shortened(json.loads(result.stdout))["issuers"]
        return i

    before, after = issuer(built_db), issuer(acquired_db)
    assert [(h["shares"], h["consideration_kind"]) for h in before["holdings"]] == [
        (None, "cash"), (845594, "cash"), (520324, "cash"), (500000, "cash")]
    assert [(h["shares"], h["consideration_kind"]) for h in after["holdings"]] == [
        (None, "cash"), (845594, "acquisition"), (520324, "cash"), (500000, "cash")]
    assert (before["totals"]["capital_raised"], after["totals"]["capital_raised"]) == ("29000000", "19000000")
    assert after["totals"]["common_shares"] == before["totals"]["common_shares"] == 1865918


def test_replay_table_shows_the_kind(run, acquired_db):
    result = run("--db", acquired_db, "replay", "--as-of", "2000-06-30", env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "stated amount" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")][4:6] == ["price", "for"]
    rows = {line.split("│")[3].strip(): line for line in result.stdout.splitlines()
            if line.startswith("│") and line.split("│")[3].strip()[:1].isdigit()}
    assert [c.strip() for c in rows["845,594"].split("│")[5:7]] == ["11.826", "acquisition"]
    assert [c.strip() for c in rows["500,000"].split("│")[5:7]] == ["14.00", "cash"]


def test_export_cap_table_has_the_kind_column(run, acquired_db):
    result = run("--db", acquired_db, "export", "cap-table", "--as-of", "2000-06-30")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["shares"], r["consideration_kind"]) for r in rows] == [
        ("", "cash"), ("845594", "acquisition"), ("520324", "cash"), ("500000", "cash")]


def test_explain_lists_a_non_cash_issue_as_left_out(run, acquired_db):
    result = run("--db", acquired_db, "explain", "capital_raised", "--as-of", "2000-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    [issuer] = shortened(json.loads(result.stdout))["issuers"]
    assert (issuer["total"], issuer["itemised"], issuer["residual"]) == ("19000000", "19000000", "0")
    [item] = [i for i in issuer["items"] if i["event_ids"] == [NOV99_COMMON]]
    assert (item["amount"], item["counted"], item["note"]) == ("10000000", False, "not for cash (acquisition)")
    assert result.stderr == ""


def test_history_lists_issuances_with_their_kind(run, built_db):
    result = run("--db", built_db, "history", "--filing", "863674c1", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    [sale] = [r for r in rows if r["type"] == "common_issued"]
    assert "consideration_kind=cash" in sale["summary"]
    table = run("--db", built_db, "history", "--filing", "863674c1", env={"COLUMNS": "250"})
    assert "consideration_kind=cash" in table.stdout


def test_a_kind_outside_the_vocabulary_is_refused_in_one_line(run, db_copy):
    result = run("--db", db_copy, "correct", NOV99_COMMON, "--set", "consideration_kind=barter", "--reason", "x")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: consideration_kind: 'barter' is not one of cash, acquisition, exchange, services, conversion, "
        "other, not_stated; 863674c153e7-2 was not corrected"]
