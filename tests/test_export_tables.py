"""`ledger export events|deals`: golden CSV and JSON on the example filings' ledger, JSON and JSON Lines
parsing back to the CSV's rows, deals as the record stands (corrections, retractions, 8-K/A), the
dilution rules, and the deal fold over events built here."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from events import (
    Basis, CommonIssued, ConversionTerms, FeePaid, FeeRole, PreferredIssued, Provenance, QuantityBasis, Quote,
    WarrantGranted, WarrantKind,
)
from events.envelope import StoredEvent
from ledger.export import DEAL_COLUMNS, EVENT_COLUMNS
from ledger.projections.deals import as_converted, coverage_percent, deals
from ledger.services.exports import deals_export, events_export
from ledger.store import open_store
from tests.test_cli_subprocess import installed, ledger  # noqa: F401  (the fixture fails early without the script)

GOLDEN = Path(__file__).parent / "golden" / "exports"
FILINGS = Path(__file__).parent / "filings"
AS_OF = "2000-06-30"
NEO = "NeoTherapeutics, Inc."


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def as_csv_cells(obj: dict) -> dict:
    """A JSON object's values as the CSV writes them: null empty, numbers as digits, the payload
    object as its canonical JSON text."""
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, dict):
            return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return str(v)
    return {k: cell(v) for k, v in obj.items()}


def ok(result):
    assert result.exit_code == 0, result.output
    return result


# -- deals --------------------------------------------------------------------------------------

def test_deals_as_of_mid_2000_are_the_four_neotherapeutics_financings(run, built_db):
    out = ok(run("--db", built_db, "export", "deals", "--as-of", AS_OF)).stdout
    rows = csv_rows(out)
    assert list(rows[0]) == list(DEAL_COLUMNS)
    assert [(r["date"], r["shares"], r["price"], r["gross_proceeds"], r["warrant_shares"], r["warrant_coverage_pct"])
            for r in rows] == [
        ("1999-01-29", "", "", "4000000", "75000", "24.49"),       # preferred: against 4,000,000 / 13.06 = 306,278
        ("1999-11-19", "845594", "11.826", "10000000", "126839", "15.00"),   # closing warrants; adjustable not determined
        ("2000-02-25", "520324", "15.375", "8000000", "104000", "19.99"),
        ("2000-04-28", "500000", "14.00", "7000000", "125000", "25.00"),     # its warrants dated 2000-05-01
    ]
    # The deals' proceeds add up to the replay's capital raised.
    replayed = json.loads(ok(run("--db", built_db, "replay", "--as-of", AS_OF, "--format", "json")).stdout)
    assert sum(Decimal(r["gross_proceeds"]) for r in rows) == Decimal(
        replayed["issuers"][0]["totals"]["capital_raised"]) == Decimal("29000000")
    assert {r["issuer"] for r in rows} == {NEO} and {r["form"] for r in rows} == {"8-K"}
    assert [r["source"] for r in rows] == ["002_224ff9c854471a24.txt", "000_ba47be5c523c5283.txt",
                                           "001_5be251fb1d6ea1d0.txt", "003_7584369deb35cbf4.txt"]
    assert {r["fees_basis"] for r in rows} == {"undisclosed"} and {r["fees_cash"] for r in rows} == {""}
    assert rows[0]["securities"] == "5% Series A Preferred Stock with Conversion Features; Warrants"
    assert rows[1]["investors"] == "Strong River Investments, Inc.; Montrose Investments Ltd."
    assert out.splitlines() == (GOLDEN / "deals_2000-06-30.csv").read_text(encoding="utf-8").splitlines()


def test_deals_with_no_as_of_take_every_filing_golden_json(run, built_db):
    out = ok(run("--db", built_db, "export", "deals", "--format", "json")).stdout
    assert out == (GOLDEN / "deals.json").read_bytes().decode("utf-8")
    rows = json.loads(out)
    last = rows[-1]
    # Two closings (2002-03-13 and -15) of one filing: one deal, dated by the first.
    assert (last["date"], last["shares"], last["price"], last["gross_proceeds"], last["warrant_shares"],
            last["warrant_coverage_pct"], last["fees_cash"], last["fees_basis"]) == \
        ("2002-03-13", 3100000, "2.00", "6200000", 775000, "25.00", "70500", "approximate")
    assert [r["date"] for r in rows[:4]] == ["1999-01-29", "1999-11-19", "2000-02-25", "2000-04-28"]


@pytest.mark.parametrize("table", ["deals", "events"])
def test_json_and_jsonl_parse_back_to_the_csv_rows(run, built_db, table):
    base = ("--db", built_db, "export", table)
    from_csv = csv_rows(ok(run(*base)).stdout)
    from_json = json.loads(ok(run(*base, "--format", "json")).stdout)
    lines = ok(run(*base, "--format", "jsonl")).stdout.splitlines()
    from_jsonl = [json.loads(line) for line in lines]
    assert len(from_csv) == len(from_json) == len(lines) == (5 if table == "deals" else 30)
    assert from_json == from_jsonl
    assert [as_csv_cells(o) for o in from_json] == from_csv
    assert all(list(o) == list(DEAL_COLUMNS if table == "deals" else EVENT_COLUMNS) for o in from_json)


def test_deal_numbers_are_numbers_and_decimals_exact_strings(run, built_db):
    [pref, nov, *_] = json.loads(ok(run("--db", built_db, "export", "deals", "--format", "json")).stdout)
    assert pref["shares"] is None and pref["price"] is None and pref["fees_cash"] is None
    assert nov["shares"] == 845594 and nov["warrant_shares"] == 126839
    assert nov["price"] == "11.826" and nov["warrant_coverage_pct"] == "15.00"


def test_deals_of_one_issuer_and_of_none(run, tmp_path, built_db):
    db = tmp_path / "two.db"
    ok(run("--db", db, "ingest", FILINGS / "units_two_closings_no_agent.txt",
           FILINGS / "registered_direct_prefunded.htm", FILINGS / "acquisition_with_statements.txt"))
    rows = json.loads(ok(run("--db", db, "export", "deals", "--format", "json")).stdout)
    # Sorted by issuer name; the acquisition (shares given for a company) is no financing.
    assert [r["issuer"] for r in rows] == ["Lumen Vale Biosciences, Inc.", "Northstar Energy Holdings Corp."]
    lumen, north = rows
    # 1,500,000 shares and 500,000 pre-funded warrants sold with 2,000,000 common warrants: 100%
    # coverage, the pre-funded standing for shares; the agent's 105,000 warrants are a fee.
    assert (lumen["shares"], lumen["warrant_shares"], lumen["warrant_coverage_pct"]) == (1500000, 2000000, "100.00")
    assert lumen["gross_proceeds"] is None     # the gross pays for the pre-funded warrants too: no one sale's
    assert (lumen["fees_cash"], lumen["fees_basis"]) == (None, "undisclosed")    # 7% of the proceeds
    assert (north["shares"], north["price"], north["gross_proceeds"], north["warrant_coverage_pct"]) == \
        (1750000, "0.80", "1400000", "50.00")
    only = json.loads(ok(run("--db", db, "export", "deals", "--issuer", "northstar", "--format", "json")).stdout)
    assert only == [north]
    result = run("--db", db, "export", "deals", "--issuer", "Nobody Corp")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: no issuer in the ledger matches 'Nobody Corp'\n"


def test_an_amended_financing_is_one_deal_as_restated(run, tmp_path):
    db = tmp_path / "amended.db"
    ok(run("--db", db, "ingest", FILINGS / "pipe_placement_agent.txt"))
    [before] = json.loads(ok(run("--db", db, "export", "deals", "--format", "json")).stdout)
    assert (before["shares"], before["gross_proceeds"], before["warrant_shares"], before["fees_cash"],
            before["fees_basis"], before["form"]) == (2000000, "3000000", 1000000, "210000", "stated", "8-K")
    ok(run("--db", db, "ingest", FILINGS / "pipe_placement_agent_amendment.txt"))
    [after] = json.loads(ok(run("--db", db, "export", "deals", "--format", "json")).stdout)
    assert (after["shares"], after["gross_proceeds"], after["warrant_shares"], after["warrant_coverage_pct"]) == \
        (2100000, "3150000", 1050000, "50.00")
    assert after["filing"] == before["filing"] and after["form"] == "8-K; 8-K/A"
    assert after["source"] == "pipe_placement_agent.txt; pipe_placement_agent_amendment.txt"
    # Known before the amendment was public, the deal is as the original told it.
    with open_store(db) as store:
        amendment = next(s for s in store.streams() if s.form == "8-K/A")
    known = (amendment.public_date - date.resolution).isoformat()
    [then] = json.loads(ok(run("--db", db, "export", "deals", "--format", "json", "--known-at", known)).stdout)
    # (named as the latest filing names the issuer, as replay does whatever --known-at says)
    assert then == {**before, "issuer": "ACME WIDGETS, INC."} and after["issuer"] == "ACME WIDGETS, INC."


def test_deals_follow_corrections_and_retractions(run, db_copy):
    with open_store(db_copy) as store:
        [sale] = [e for e in store.log(types=None) if e.type == "common_issued" and e.effective_date == date(2000, 4, 28)]
    ok(run("--db", db_copy, "correct", sale.event_id, "--set", "shares=400000", "--reason", "test",
           "--source", "10-Q", "--source-date", "2000-08-14"))
    rows = json.loads(ok(run("--db", db_copy, "export", "deals", "--as-of", AS_OF, "--format", "json")).stdout)
    assert (rows[3]["shares"], rows[3]["warrant_coverage_pct"]) == (400000, "31.25")   # 125,000 / 400,000
    # As known before the correction, the deal stands as filed.
    before = json.loads(ok(run("--db", db_copy, "export", "deals", "--as-of", AS_OF, "--format", "json",
                               "--known-at", "2000-08-13")).stdout)
    assert (before[3]["shares"], before[3]["warrant_coverage_pct"]) == (500000, "25.00")
    ok(run("--db", db_copy, "retract", sale.event_id, "--reason", "never closed", "--source", "10-Q",
           "--source-date", "2000-08-15"))
    rows = json.loads(ok(run("--db", db_copy, "export", "deals", "--as-of", AS_OF, "--format", "json")).stdout)
    assert [r["date"] for r in rows] == ["1999-01-29", "1999-11-19", "2000-02-25"]


def test_deals_stream_issuer_by_issuer(built_db):
    """The rows come from a generator that reads one issuer when asked: nothing is read before."""
    with open_store(built_db) as store:
        columns, rows = deals_export(store, as_of=date(2000, 6, 30))
        assert columns == DEAL_COLUMNS
        first = next(rows)
        assert first[:2] == (NEO, date(1999, 1, 29))
        assert len(list(rows)) == 3


# -- events -------------------------------------------------------------------------------------

def test_events_golden_and_the_stored_rows(run, built_db):
    out = ok(run("--db", built_db, "export", "events", "--as-of", AS_OF, "--issuer", "neotherapeutics")).stdout
    rows = csv_rows(out)
    assert len(rows) == 24 and [r["seq"] for r in rows] == [str(i) for i in range(1, 25)]   # 2002's 6 left out
    golden = csv_rows((GOLDEN / "events_2000-06-30.csv").read_text(encoding="utf-8"))
    assert [{k: v for k, v in r.items() if k not in ("recorded_at", "hash")} for r in rows] == golden
    # recorded_at, the payload text, the quote and the hash are the stored row's, byte for byte.
    with open_store(built_db) as store:
        stored = {r.seq: r for r in store.rows()}
    for r in rows:
        row = stored[int(r["seq"])]
        assert (r["recorded_at"], r["payload"], r["quote"], r["hash"], r["event_id"], r["type"]) == \
            (row.recorded_at, row.payload, row.quote, row.hash, row.event_id, row.type)
    assert rows[1]["quote"].startswith("Pursuant to the Agreement, the Company issued and sold to the investors a "
                                       "total of 845,594 shares")
    assert json.loads(rows[1]["payload"])["shares"] == 845594


def test_events_known_at_and_as_of(run, built_db):
    def seqs(*extra):
        out = ok(run("--db", built_db, "export", "events", "--format", "jsonl", *extra)).stdout
        return [json.loads(line)["seq"] for line in out.splitlines()]
    assert seqs() == list(range(1, 31))
    assert seqs("--known-at", "1999-02-08") == list(range(13, 20))       # only the January 1999 8-K was public
    assert seqs("--as-of", "1999-01-29") == list(range(13, 20))
    assert seqs("--as-of", "2000-04-30") == list(range(1, 22)) + [23, 24]   # its warrants are dated 2000-05-01


def test_events_rows_match_ledger_events_json(run, built_db):
    """The same events, payloads and quotes as `ledger events --format json`."""
    events = [json.loads(line) for line in ok(run("--db", built_db, "events", "--format", "json")).stdout.splitlines()]
    exported = json.loads(ok(run("--db", built_db, "export", "events", "--format", "json")).stdout)
    assert [(e["seq"], e["event_id"], e["type"], e["payload"]) for e in events] == \
        [(e["seq"], e["event_id"], e["type"], e["payload"]) for e in exported]


def test_events_export_reads_row_by_row(built_db):
    with open_store(built_db) as store:
        columns, rows = events_export(store, issuer_key=None)
        assert columns == EVENT_COLUMNS
        assert next(rows)[:6] == (1, next(store.log()).event_id, next(store.log()).stream, 1, NEO, "filing_recorded")


# -- as a real process ----------------------------------------------------------------------------

def test_export_deals_and_events_as_a_real_process(tmp_path):
    db = tmp_path / "ledger.db"
    proc = ledger("--db", db, "ingest", *sorted((Path(__file__).parents[1] / "examples" / "filings").glob("*.txt")))
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "deals.json"
    proc = ledger("--db", db, "export", "deals", "--as-of", AS_OF, "--format", "json", "-o", out)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert out.read_text(encoding="utf-8") == ledger("--db", db, "export", "deals", "--as-of", AS_OF,
                                                     "--format", "json").stdout
    assert [d["warrant_coverage_pct"] for d in json.loads(out.read_text())] == ["24.49", "15.00", "19.99", "25.00"]
    proc = ledger("--db", db, "export", "events", "--format", "jsonl")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 30
    proc = ledger("--db", db, "export", "warrants", "--format", "jsonl")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "error: export warrants: --as-of is required: the date to replay to, YYYY-MM-DD\n"


# -- the dilution rules and the fold, on events built here ------------------------------------

@pytest.mark.parametrize("warrants, sold, pct", [
    (126_839, 845_594, "15.00"), (104_000, 520_324, "19.99"), (125_000, 500_000, "25.00"),
    (1, 800, "0.12"), (3, 800, "0.38"),            # exactly half a hundredth: to the even digit
    (5, 8, "62.50"), (0, 10, "0.00"), (2, 1, "200.00"),
    (None, 10, None), (10, None, None), (10, 0, None),
])
def test_coverage_percent(warrants, sold, pct):
    assert coverage_percent(warrants, sold) == (None if pct is None else Decimal(pct))
    if pct is not None:
        assert str(coverage_percent(warrants, sold)) == pct


def test_as_converted():
    assert as_converted(Decimal("4000000"), Decimal("13.06")) == 306_278
    assert as_converted(Decimal("1000"), Decimal("10")) == 100
    assert as_converted(None, Decimal("13.06")) is None and as_converted(Decimal("1"), None) is None


def said(stream: str) -> Provenance:
    return Provenance(stream, (Quote(0, 4, "text"),))


def stored(seq: int, stream: str, event) -> StoredEvent:
    return StoredEvent(seq, f"{stream}-{seq}", stream, seq, "k", event.TYPE, event.SCHEMA_VERSION,
                       event.effective_date, event.effective_date, "2024-01-01T00:00:00Z", "text", "0" * 64,
                       "1" * 64, event)


D1, D2 = date(2010, 1, 5), date(2010, 1, 9)


def test_fold_groups_by_filing_and_keeps_unknowns_unknown():
    events = [
        stored(1, "a", CommonIssued(effective_date=D2, provenance=said("a"), shares=1000, price=Decimal("2"),
                                    consideration=Decimal("2000"), consideration_kind="cash")),
        stored(2, "a", CommonIssued(effective_date=D1, provenance=said("a"), shares=None, shares_basis=Basis.UNDISCLOSED,
                                    price=Decimal("2.5"), consideration_kind="not_stated",
                                    consideration=None, consideration_basis=Basis.NOT_STATED)),
        stored(3, "a", WarrantGranted(effective_date=D1, provenance=said("a"), tranche="Series A Warrants",
                                      kind=WarrantKind.INVESTOR, shares=None, quantity_basis=QuantityBasis.FORMULA,
                                      exercise_price=Decimal("3"))),
        stored(4, "a", FeePaid(effective_date=D1, provenance=said("a"), role=FeeRole.PLACEMENT_AGENT,
                               cash=Decimal("100"))),
        stored(5, "b", PreferredIssued(effective_date=D1, provenance=said("b"), series="A", title="Series A Preferred",
                                       stated_amount=Decimal("1000"), stated_amount_basis=Basis.STATED,
                                       consideration=Decimal("1000"), consideration_kind="cash",
                                       holders=("Fund",), conversion=ConversionTerms(
                                           fixed_price=Decimal("3"), fixed_price_basis=Basis.STATED))),
        stored(6, "b", WarrantGranted(effective_date=D1, provenance=said("b"), tranche="Warrants",
                                      kind=WarrantKind.INVESTOR, shares=111, exercise_price=Decimal("3"))),
        stored(7, "b", WarrantGranted(effective_date=D1, provenance=said("b"), tranche="agent warrants",
                                      kind=WarrantKind.PLACEMENT_AGENT, shares=50, exercise_price=Decimal("3"))),
        stored(8, "c", CommonIssued(effective_date=D1, provenance=said("c"), shares=500, price_basis=Basis.NOT_STATED,
                                    consideration_basis=Basis.NOT_STATED, consideration_kind="services")),
    ]
    a, b = deals(sorted(events, key=lambda s: (s.effective_date, s.seq)))   # "c" paid for services: no deal
    assert (a.filing, a.date, a.shares, a.price, a.gross_proceeds, a.warrant_shares, a.warrant_coverage_pct) == \
        ("a", D1, None, None, Decimal("2000"), None, None)
    assert (a.fees_cash, a.fees_basis, a.securities) == (Decimal("100"), "stated", ("Common Stock", "Series A Warrants"))
    # 1,000 / 3 = 333 common as converted; 111 / 333 = 33.33%; the agent's 50 are not coverage.
    assert (b.filing, b.shares, b.coverage_base, b.warrant_shares, b.warrant_coverage_pct) == \
        ("b", None, 333, 111, Decimal("33.33"))
    assert (b.fees_basis, b.investors, b.securities) == ("none", ("Fund",), ("Series A Preferred", "Warrants"))


def test_fold_puts_an_amendment_under_its_original():
    events = [
        stored(1, "orig", CommonIssued(effective_date=D1, provenance=said("orig"), shares=1000, price=Decimal("1"),
                                       consideration=Decimal("1000"), consideration_kind="cash", buyers=("X",))),
        stored(2, "amend", WarrantGranted(effective_date=D1, provenance=said("amend"), tranche="Warrants",
                                          kind=WarrantKind.INVESTOR, shares=500, exercise_price=Decimal("2"))),
    ]
    [deal] = deals(events, {"amend": "orig"})
    assert (deal.filing, deal.streams, deal.warrant_shares, deal.warrant_coverage_pct) == \
        ("orig", ("orig", "amend"), 500, Decimal("50.00"))
    assert [d.filing for d in deals(events)] == ["orig"]     # unmatched, the amendment alone sold nothing
