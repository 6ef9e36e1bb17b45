"""The SQL view `deals` (schema 6) gives exactly the rows of `ledger export deals` (no --as-of): every
column, in the same order, as the export's CSV writes them (decimals as exact text, counts as
integers, empty as NULL).

Held to the export on the ledger of every example and test filing, after a retraction and
corrections, on an 8-K/A ingested before and after its original, on a ledger of events built here
(non-cash issuances, pre-funded warrants, one price written two ways, fees of each basis, preferred
and notes), on a schema-5 ledger upgraded to 6 and on random ledgers (tests/random_ledger.py)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import (
    Basis, CommonIssued, ConversionTerms, FeePaid, FeeRole, FilingRecorded, Issuer, NoteIssued, PreferredIssued,
    QuantityBasis, WarrantGranted, WarrantKind,
)
from events.envelope import StreamInfo
from ledger.export import DEAL_COLUMNS
from ledger.services.exports import deals_export
from ledger.store import open_store
from tests.random_ledger import filings as random_filings
from tests.random_ledger import recorded, said
from tests.test_cli_subprocess import installed, ledger  # noqa: F401  (the fixture fails early without the script)

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "tests" / "filings"
ALL_FILINGS = sorted((ROOT / "examples" / "filings").glob("*.txt")) + sorted(FILINGS.glob("*.txt"))
NOV_1999, FEB_2000, APR_2000 = "863674c153e7", "0982e151f89f", "c2760587d348"
NEO, ACME = "NeoTherapeutics, Inc.", "ACME WIDGETS, INC."


def view_rows(db: Path) -> list[dict]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cursor = con.execute("SELECT * FROM deals")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor]
    finally:
        con.close()


def exported(run, db: Path) -> list[dict]:
    result = run("--db", db, "export", "deals", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def same_rows(run, db: Path) -> list[dict]:
    """The view's rows, once checked equal to the export's: the same columns, order and values."""
    view = view_rows(db)
    assert view == exported(run, db)
    for row in view:      # nothing is a float: money is text
        assert list(row) == list(DEAL_COLUMNS)
        assert not any(isinstance(v, float) for v in row.values()), row
    return view


def deal(rows: list[dict], issuer: str, day: str) -> dict:
    [found] = [r for r in rows if r["issuer"] == issuer and r["date"] == day]
    return found


@pytest.fixture(scope="module")
def all_db(tmp_path_factory, run) -> Path:
    """`ledger ingest examples/filings/*.txt tests/filings/*.txt`, once for the module. Read-only."""
    db = tmp_path_factory.mktemp("all") / "all.db"
    result = run("--db", db, "ingest", *ALL_FILINGS)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def all_copy(all_db, tmp_path) -> Path:
    return Path(shutil.copy(all_db, tmp_path / "all.db"))


# -- every filing ----------------------------------------------------------------------------------

def test_the_view_is_the_export_on_every_filing(run, all_db):
    rows = same_rows(run, all_db)
    assert len(rows) == 23       # + the recap pair's 8-K, the 6-K and the underwritten 424B5; the 10-Q's recap and shares for services are none; + the 10-Q's, 10-KSB's and 20-F's sales (3)
    assert [r["issuer"] for r in rows] == sorted(r["issuer"] for r in rows)     # by issuer name, then date
    neo = [r for r in rows if r["issuer"] == NEO]
    assert [r["date"] for r in neo] == ["1999-01-29", "1999-11-19", "2000-02-25", "2000-04-28", "2002-03-13"]
    nov = deal(rows, NEO, "1999-11-19")
    assert (nov["securities"], nov["shares"], nov["price"], nov["gross_proceeds"], nov["warrant_shares"],
            nov["warrant_coverage_pct"]) == (
        "Common Stock; Closing Warrants; Adjustable Warrants", 845594, "11.826", "10000000", 126839, "15.00")
    preferred = deal(rows, NEO, "1999-01-29")     # 75,000 / floor(4,000,000 / 13.06) = 75,000 / 306,278
    assert (preferred["securities"], preferred["warrant_coverage_pct"], preferred["fees_basis"]) == (
        "5% Series A Preferred Stock with Conversion Features; Warrants", "24.49", "undisclosed")
    amended = deal(rows, ACME, "2005-06-06")      # the 8-K/A counts under the 8-K it amends: one deal
    assert (amended["form"], amended["source"], amended["shares"], amended["warrant_shares"]) == (
        "8-K; 8-K/A", "pipe_placement_agent.txt; pipe_placement_agent_amendment.txt", 2100000, 1050000)
    assert amended["filing"] == "sha256:7f7230bae7f78460b059d7814fd4d47b1c8e2a4189d2c7cb333b83301c080004"
    assert not [r for r in rows if r["issuer"].startswith("Quillmark")]    # shares for an acquisition: no deal
    two_closings = deal(rows, "Northstar Energy Holdings Corp.", "2010-06-30")
    assert two_closings["securities"] == "Common Stock; Warrants; additional closing"
    assert (two_closings["investors"], two_closings["gross_proceeds"]) == (
        "Alder Creek Capital LLC; Bison Ridge Fund, L.P.; Mr. Thomas Greer", "1400000")
    debentures = deal(rows, "CASCADE MICROSYSTEMS CORPORATION", "1997-08-14")
    assert (debentures["fees_cash"], debentures["fees_basis"]) == ("240000", "stated")


def test_the_view_is_the_export_csv_of_a_real_process_cell_for_cell(all_db):
    proc = ledger("--db", all_db, "export", "deals", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    lines = list(csv.reader(io.StringIO(proc.stdout, newline="")))
    assert lines[0] == list(DEAL_COLUMNS)
    as_text = [["" if v is None else str(v) for v in r.values()] for r in view_rows(all_db)]
    assert lines[1:] == as_text and len(as_text) == 23


def test_a_pre_funded_warrant_joins_the_shares_it_stands_for(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", FILINGS / "registered_direct_prefunded.htm").exit_code == 0
    [row] = same_rows(run, db)
    assert (row["securities"], row["shares"], row["warrant_shares"], row["warrant_coverage_pct"]) == (
        "Common Stock; Pre-Funded Warrants; Common Warrants", 1500000, 2000000, "100.00")   # 2,000,000 / (1,500,000 + 500,000)


# -- as the record changes ---------------------------------------------------------------------------

def record(run, db, *args) -> None:
    result = run("--db", db, *args, "--source", "10-Q note 1", "--source-date", "2003-01-15")
    assert result.exit_code == 0, result.output


def test_after_a_retraction_and_corrections_the_view_is_still_the_export(run, all_copy):
    record(run, all_copy, "retract", f"{NOV_1999}-2", "--reason", "never closed")      # its only sale
    record(run, all_copy, "correct", f"{FEB_2000}-2", "--set", "shares=520000", "--set", "price=15.38",
           "--set", "consideration=7997600", "--reason", "typo")
    record(run, all_copy, "correct", f"{FEB_2000}-3", "--set", "shares=130000", "--reason", "typo")
    record(run, all_copy, "correct", f"{APR_2000}-2", "--set", "effective_date=2000-07-15", "--reason", "closed later")
    rows = same_rows(run, all_copy)
    neo = [r for r in rows if r["issuer"] == NEO]
    assert [r["date"] for r in neo] == ["1999-01-29", "2000-02-25", "2000-07-15", "2002-03-13"]   # no November deal
    feb = deal(rows, NEO, "2000-02-25")
    assert (feb["shares"], feb["price"], feb["gross_proceeds"], feb["warrant_shares"], feb["warrant_coverage_pct"]) == (
        520000, "15.38", "7997600", 130000, "25.00")
    assert len(rows) == 22


@pytest.mark.parametrize("order", ["original-first", "amendment-first"])
def test_an_8k_a_counts_under_its_original_in_either_order_of_ingest(run, tmp_path, order):
    original, amendment = FILINGS / "pipe_placement_agent.txt", FILINGS / "pipe_placement_agent_amendment.txt"
    db = tmp_path / "ledger.db"
    first, second = (original, amendment) if order == "original-first" else (amendment, original)
    assert run("--db", db, "ingest", first).exit_code == 0
    [alone] = same_rows(run, db)
    assert alone["form"] == ("8-K" if order == "original-first" else "8-K/A")    # no original yet: its own deal
    assert run("--db", db, "ingest", second).exit_code == 0
    [row] = same_rows(run, db)
    assert (row["form"], row["source"], row["shares"], row["price"], row["gross_proceeds"],
            row["warrant_coverage_pct"]) == (
        "8-K; 8-K/A", "pipe_placement_agent.txt; pipe_placement_agent_amendment.txt", 2100000, "1.50", "3150000",
        "50.00")


def test_a_schema_5_ledger_upgraded_to_6_gets_this_view(run, tmp_path):
    db = Path(shutil.copy(ROOT / "tests" / "fixtures" / "ledger_v5.db", tmp_path / "ledger.db"))
    with open_store(db) as store:
        assert store.migrated_from == 5
    rows = same_rows(run, db)      # the fixture's retraction (Nov 1999) and correction (Feb 2000) applied
    assert [(r["date"], r["shares"], r["price"]) for r in rows] == [
        ("1999-01-29", None, None), ("2000-02-25", 520000, "15.38"), ("2000-04-28", 500000, "14.00"),
        ("2002-03-13", 3100000, "2.00")]


# -- events built here ------------------------------------------------------------------------------

def append(store, key: str, name: str, serial: int, report: date, facts: list) -> None:
    stream = facts[0].provenance.filing
    issuer = Issuer(name, key.removeprefix("cik:"))
    head = FilingRecorded(effective_date=report, provenance=said(stream, "cover"), issuer=issuer, form="8-K",
                          report_date=report, signature_date=report, public_date=report, identity=stream,
                          raw_sha256=stream, source_name=f"edge-{serial}.txt", items=("3.02",))
    info = StreamInfo(stream, key, issuer, "8-K", report, f"edge-{serial}.txt", hashlib.sha256(stream.encode()).hexdigest())
    store.append(info, [head, *facts])


def edge_ledger(path: Path) -> None:
    d1, d2 = date(2010, 1, 4), date(2010, 1, 5)
    with open_store(path, create=True) as store:
        s = "sha256:" + "e1" * 32
        append(store, "cik:900", "Edge Pharma", 1, d1, [
            CommonIssued(effective_date=d2, provenance=said(s, "sold 1000"), shares=1000, price=Decimal("1.50"),
                         consideration=Decimal("1500.00"), consideration_kind="cash", buyers=("B Fund", "A Fund")),
            CommonIssued(effective_date=d1, provenance=said(s, "sold 500"), shares=500, price=Decimal("1.5"),
                         consideration=Decimal("750.5"), consideration_kind="not_stated", buyers=("A Fund", "C Fund")),
            CommonIssued(effective_date=d1, provenance=said(s, "for a company"), shares=200, price=None,
                         price_basis=Basis.NOT_STATED, consideration=Decimal("999"), consideration_kind="acquisition",
                         security="Acquisition Stock", buyers=("Target Holders",)),
            WarrantGranted(effective_date=d2, provenance=said(s, "pre-funded"), tranche="Pre-Funded Warrants",
                           kind=WarrantKind.PRE_FUNDED, shares=300, exercise_price=Decimal("0.001")),
            WarrantGranted(effective_date=d2, provenance=said(s, "investors'"), tranche="Series A Warrants",
                           kind=WarrantKind.INVESTOR, shares=450, exercise_price=Decimal("2")),
            WarrantGranted(effective_date=d2, provenance=said(s, "adjustable"), tranche="Adjustable Warrants",
                           kind=WarrantKind.ADJUSTABLE, shares=None, quantity_basis=QuantityBasis.FORMULA,
                           exercise_price=Decimal("0.01")),
            WarrantGranted(effective_date=d2, provenance=said(s, "agent's"), tranche="Agent Warrants",
                           kind=WarrantKind.PLACEMENT_AGENT, shares=50, exercise_price=Decimal("2")),
            FeePaid(effective_date=d2, provenance=said(s, "agent fee"), role=FeeRole.PLACEMENT_AGENT,
                    cash=Decimal("120.5"), approximate=True),
            FeePaid(effective_date=d2, provenance=said(s, "finder, warrants"), role=FeeRole.FINDER, cash=None,
                    cash_basis=Basis.NOT_STATED, warrants=True),
        ])
        s = "sha256:" + "e2" * 32
        append(store, "cik:900", "Edge Pharma", 2, date(2010, 3, 1), [
            PreferredIssued(effective_date=date(2010, 3, 1), provenance=said(s, "preferred"), series="Series X",
                            title="Series X Preferred", stated_amount=Decimal("1000"), stated_amount_basis=Basis.STATED,
                            consideration=Decimal("1000"), consideration_basis=Basis.STATED, consideration_kind="cash",
                            holders_description="an investor", conversion=ConversionTerms(fixed_price=Decimal("3"))),
            NoteIssued(effective_date=date(2010, 3, 1), provenance=said(s, "notes"), security="8% Notes",
                       principal=Decimal("5000"), holders=("N Fund",)),
            WarrantGranted(effective_date=date(2010, 3, 1), provenance=said(s, "warrants"), tranche="Warrants",
                           kind=WarrantKind.INVESTOR, shares=100, exercise_price=Decimal("4")),
        ])
        s = "sha256:" + "e3" * 32       # shares for services and warrants: no money raised, no deal
        append(store, "cik:900", "Edge Pharma", 3, date(2010, 5, 1), [
            CommonIssued(effective_date=date(2010, 5, 1), provenance=said(s, "for services"), shares=10,
                         price=None, price_basis=Basis.NOT_STATED, consideration=None,
                         consideration_basis=Basis.NOT_STATED, consideration_kind="services"),
            WarrantGranted(effective_date=date(2010, 5, 1), provenance=said(s, "warrants"), tranche="Warrants",
                           kind=WarrantKind.INVESTOR, shares=5, exercise_price=Decimal("4")),
        ])
        s = "sha256:" + "a1" * 32       # nothing known but the price
        append(store, "cik:901", "Alpha Co", 4, date(2011, 2, 1), [
            CommonIssued(effective_date=date(2011, 2, 1), provenance=said(s, "sold"), shares=None,
                         shares_basis=Basis.UNDISCLOSED, price=Decimal("2"), consideration=None,
                         consideration_basis=Basis.NOT_STATED, consideration_kind="cash"),
            WarrantGranted(effective_date=date(2011, 2, 1), provenance=said(s, "warrants"), tranche="Warrants",
                           kind=WarrantKind.INVESTOR, shares=None, quantity_basis=QuantityBasis.UNDISCLOSED,
                           exercise_price=Decimal("3")),
            FeePaid(effective_date=date(2011, 2, 1), provenance=said(s, "fee"), role=FeeRole.PLACEMENT_AGENT,
                    cash=None, cash_basis=Basis.UNDISCLOSED),
        ])


def test_the_view_is_the_export_on_events_built_here(run, tmp_path):
    db = tmp_path / "edge.db"
    edge_ledger(db)
    rows = same_rows(run, db)
    with open_store(db, read_only=True) as store:      # and the library's rows, as the CSV writes them
        columns, library = deals_export(store)
        assert [dict(zip(columns, (v.isoformat() if isinstance(v, date) else v for v in r))) for r in library] == rows
    assert [tuple(r.values())[:11] for r in rows] == [
        ("Alpha Co", "2011-02-01", "Common Stock; Warrants", None, "2", None, None, None, None, "undisclosed", None),
        # the sales on the 4th and 5th, not the acquisition; 1.5 and 1.50 are one price (the first sale's text);
        # 450 / (1,500 common + 300 pre-funded); a fee of warrants alone is no undisclosed cash fee
        ("Edge Pharma", "2010-01-04", "Common Stock; Pre-Funded Warrants; Series A Warrants; Adjustable Warrants",
         1500, "1.5", "2250.50", 450, "25.00", "120.5", "approximate", "A Fund; C Fund; B Fund"),
        # preferred-only coverage: 100 / floor(1,000 / 3) = 100 / 333; the notes' principal is no gross proceeds
        ("Edge Pharma", "2010-03-01", "Series X Preferred; 8% Notes; Warrants", None, None, "1000", 100, "30.03",
         None, "none", "N Fund"),
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_view_is_the_export_on_random_ledgers(data):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ledger.db")
        with open_store(path, create=True) as store:
            data.draw(random_filings(store))
            data.draw(recorded(store))
            columns, rows = deals_export(store)
            expected = [dict(zip(columns, (v.isoformat() if isinstance(v, date) else v for v in r))) for r in rows]
        assert view_rows(Path(path)) == expected
