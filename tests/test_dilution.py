"""Fully diluted shares and ownership: NeoTherapeutics' figures through the CLI, and the rules
(rounding, caps, variable prices, conversions, notes, undetermined quantities) on events built here."""
from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

from hypothesis import given, strategies as st

from events import (
    Basis, CommonIssued, ConversionTerms, FilingRecorded, Issuer, NoteIssued, PreferredIssued, QuantityBasis,
    QuantityFormula, WarrantGranted, WarrantKind,
)
from ledger.projections import replay
from ledger.projections.dilution import (
    LotFact, TrancheFact, as_converted, coverage_percent, fully_diluted, of_report, percent,
)
from tests.ids_support import shortened
from tests.test_projections import said, wrap

JAN99_PREFERRED = "d68db1fc7039-2"
KEY = "cik:1"
ACME = Issuer(name="Acme Corp", cik="1")


def fd_of(run, db, as_of: str) -> dict:
    result = run("--db", db, "replay", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    [issuer] = shortened(json.loads(result.stdout))["issuers"]
    return issuer["fully_diluted"]


# -- the rules ---------------------------------------------------------------------------------------

def test_conversion_rounds_down_and_needs_both_figures():
    assert as_converted(Decimal("4000000"), Decimal("13.06")) == 306278        # 306,278.71...
    assert as_converted(Decimal("100"), Decimal("0.5")) == 200
    assert as_converted(Decimal("99.99"), Decimal("100")) == 0
    assert as_converted(None, Decimal("1")) is None
    assert as_converted(Decimal("1"), None) is None
    assert as_converted(Decimal("1"), Decimal("0")) is None


def test_percentages_have_two_places_rounded_half_even():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(5, 100000) == Decimal("0.00")      # 0.005: half, to the even 0.00
    assert percent(15, 100000) == Decimal("0.02")     # 0.015: half, to the even 0.02
    assert percent(7, 7) == Decimal("100.00")
    assert percent(1, 0) is None and percent(None, 5) is None
    assert coverage_percent(126839, 845594) == Decimal("15.00")
    assert coverage_percent(104000, 520324) == Decimal("19.99")
    assert coverage_percent(None, 10) is None


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_percent_is_the_exact_quotient_rounded_half_even(part, whole):
    # 60 digits hold these quotients to far below a hundredth, so decimal's own rounding is the reference
    expected = Context(prec=60).divide(Decimal(part) * 100, Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
    assert percent(part, whole) == expected


# -- NeoTherapeutics, through the CLI -----------------------------------------------------------------

def test_neotherapeutics_fully_diluted_on_30_june_2000(run, built_db):
    fd = fd_of(run, built_db, "2000-06-30")
    assert (fd["common_shares"], fd["warrant_shares"]) == (1865918, 430839)
    # The Series A: $4,000,000 at the fixed $13.06 is 306,278 shares (rounded down); at most 1,450,000.
    assert (fd["convertible_shares_at_fixed_price"], fd["convertible_shares_at_cap"]) == (306278, 1450000)
    assert (fd["total_at_fixed_price"], fd["total_at_cap"]) == (2603035, 3746757)
    assert fd["conversion_rounding"] == "down"
    [series_a] = fd["convertibles"]
    assert series_a["event_ids"] == [JAN99_PREFERRED]
    assert (series_a["amount"], series_a["conversion_price"], series_a["share_cap"]) == ("4000000", "13.06", 1450000)
    assert series_a["variable_formula"].startswith("the lesser of the fixed price or at a variable rate of 101%")
    # Adjustable and finder's warrants: listed with their basis, never counted.
    assert [(u["kind"], u["figure"], u["basis"].split(":")[0]) for u in fd["undetermined"]] == [
        ("finder", "shares", "undisclosed"), ("adjustable", "shares", "formula"),
        ("finder", "shares", "undisclosed"), ("finder", "shares", "undisclosed"), ("finder", "shares", "undisclosed")]
    rows = {o["holders"]: o for o in fd["ownership"]}
    strong = rows["Strong River Investments, Inc.; Montrose Investments Ltd."]   # warrants named the other way round
    assert (strong["common_shares"], strong["warrant_shares"], strong["fully_diluted_shares"]) == (1365918, 230839, 1596757)
    assert (strong["basic_percent"], strong["fully_diluted_percent"], strong["fully_diluted_percent_at_cap"]) == (
        "73.20", "61.34", "42.62")
    royal = rows["Royal Canadian Growth Fund"]
    assert (royal["common_shares"], royal["basic_percent"], royal["fully_diluted_shares"]) == (500000, "26.80", 625000)
    westover = rows["Westover Investments L.P.; Montrose Investments L.P."]
    assert (westover["common_shares"], westover["fully_diluted_shares"], westover["fully_diluted_shares_at_cap"]) == (
        0, 75000 + 306278, 75000 + 1450000)
    assert sum(o["fully_diluted_shares"] for o in fd["ownership"]) == fd["total_at_fixed_price"]
    assert sum(o["fully_diluted_shares_at_cap"] for o in fd["ownership"]) == fd["total_at_cap"]


def test_a_conversion_counts_against_the_cap_and_the_amount(run, db_copy):
    result = run("--db", db_copy, "record", "conversion", "--preferred", "Series A", "--issuer", "NeoTherapeutics",
                 "--common", "150000", "--amount-converted", "2,000,000", "--date", "1999-09-01", "--source", "10-Q")
    assert result.exit_code == 0, result.output
    fd = fd_of(run, db_copy, "1999-12-31")
    [series_a] = fd["convertibles"]
    assert (series_a["amount"], series_a["at_fixed_price"], series_a["at_cap"]) == ("2000000", 153139, 1300000)
    assert fd["common_shares"] == 845594 + 150000
    assert fd["total_at_fixed_price"] == 845594 + 150000 + 75000 + 126839 + 153139
    assert fd["total_at_cap"] == 845594 + 150000 + 75000 + 126839 + 1300000


def test_the_table_shows_both_figures_and_what_is_not_counted(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Fully diluted (conversions rounded down)" in out
    line = next(x for x in out.splitlines() if "fully diluted shares" in x)
    assert "2,603,035" in line and "3,746,757" in line
    assert "Not counted: quantities undetermined" in out
    assert "formula: a price formula sets the number of shares at later vesting dates" in out
    assert "73.20%" in out and "61.34%" in out


# -- built events ---------------------------------------------------------------------------------------

def filing(stream: str, day: date) -> FilingRecorded:
    return FilingRecorded(effective_date=day, provenance=said(stream, "cover"), issuer=ACME, form="8-K", report_date=day,
                          signature_date=day, public_date=day, identity=stream, raw_sha256=stream, source_name="a.txt")


def acme(*events, as_of=date(2001, 12, 31)):
    pairs = [(f"e{n}", e) for n, e in enumerate(events, 1)]
    [report] = replay(wrap(*pairs, key=KEY), as_of=as_of, issuers={KEY: ACME}).issuers
    return of_report(report)


DAY = date(2001, 3, 1)


def common(shares, buyers=("A Fund",)):
    return CommonIssued(effective_date=DAY, provenance=said("s", "sold"), shares=shares, price=Decimal("1"),
                        consideration=Decimal(shares), consideration_kind="cash", buyers=buyers)


def preferred(amount, **terms):
    return PreferredIssued(effective_date=DAY, provenance=said("s", "preferred"), series="Series B",
                           title="Series B Preferred Stock", stated_amount=amount, consideration=amount,
                           stated_amount_basis=Basis.NOT_STATED if amount is None else Basis.STATED,
                           consideration_basis=Basis.NOT_STATED if amount is None else Basis.STATED, consideration_kind="cash",
                           holders=("B Fund",), conversion=ConversionTerms(**terms) if terms else None)


def test_a_variable_price_without_a_cap_has_no_most():
    fd = acme(filing("s", DAY), common(1000),
              preferred(Decimal("5000"), fixed_price=Decimal("2.00"), variable_formula="90% of the market price"))
    [c] = fd.convertibles
    assert (c.at_fixed_price, c.at_cap) == (2500, None)
    assert (fd.total_at_fixed_price, fd.total_at_cap) == (3500, 1000)
    [u] = fd.undetermined
    assert (u.kind, u.figure, u.basis) == ("preferred", "at_cap", "a variable conversion price with no cap")


def test_a_fixed_price_only_becomes_no_more_than_at_that_price_and_a_cap_binds_at_any_price():
    fd = acme(filing("s", DAY), preferred(Decimal("5000"), fixed_price=Decimal("2.00")))
    assert (fd.total_at_fixed_price, fd.total_at_cap, fd.undetermined) == (2500, 2500, ())
    fd = acme(filing("s", DAY), preferred(Decimal("5000"), fixed_price=Decimal("2.00"), share_cap=1000))
    assert (fd.total_at_fixed_price, fd.total_at_cap) == (1000, 1000)


def test_preferred_without_terms_or_amount_is_listed_not_counted():
    fd = acme(filing("s", DAY), preferred(Decimal("5000")), preferred(None, fixed_price=Decimal("2.00"), share_cap=700))
    assert (fd.convertible_shares_at_fixed_price, fd.convertible_shares_at_cap) == (0, 700)
    assert [(u.figure, u.basis) for u in fd.undetermined] == [
        ("at_fixed_price and at_cap", "no conversion terms stated"), ("at_fixed_price", "no stated amount")]


def test_notes_convert_at_their_price_and_a_matured_note_is_left_out():
    fixed = NoteIssued(effective_date=DAY, provenance=said("s", "note"), security="8% Convertible Notes",
                       principal=Decimal("1000000"), conversion_price=Decimal("2.50"), holders=("C Fund",))
    floating = NoteIssued(effective_date=DAY, provenance=said("s", "note 2"), security="Floating Notes",
                          principal=Decimal("300000"), conversion_formula="85% of the lowest closing price")
    matured = NoteIssued(effective_date=DAY, provenance=said("s", "note 3"), security="Old Notes",
                         principal=Decimal("100"), conversion_price=Decimal("1"), maturity=date(2001, 6, 1))
    fd = acme(filing("s", DAY), common(600), fixed, floating, matured)
    assert [(c.security, c.at_fixed_price, c.at_cap) for c in fd.convertibles] == [
        ("8% Convertible Notes", 400000, 400000), ("Floating Notes", None, None)]
    assert (fd.total_at_fixed_price, fd.total_at_cap) == (400600, 400600)
    [u] = fd.undetermined
    assert (u.security, u.figure) == ("Floating Notes", "at_fixed_price and at_cap")
    c_fund = next(o for o in fd.ownership if o.holders == "C Fund")
    assert (c_fund.basic_percent, c_fund.fully_diluted_percent) == (Decimal("0.00"), Decimal("99.85"))


def test_a_contingent_adjustable_tranche_is_listed_until_it_vests():
    adjustable = WarrantGranted(effective_date=DAY, provenance=said("s", "adjustable"), tranche="Adjustable Warrants",
                                kind=WarrantKind.ADJUSTABLE, quantity_basis=QuantityBasis.FORMULA,
                                exercise_price=Decimal("0.01"), holders=("A Fund",),
                                formula=QuantityFormula("a formula", vesting_dates=(date(2001, 9, 1),)))
    fd = acme(filing("s", DAY), common(1000), adjustable, as_of=date(2001, 6, 30))
    [u] = fd.undetermined
    assert u.basis.startswith("contingent until its last vesting date; formula:")
    assert fd.total_at_fixed_price == 1000


@given(st.lists(st.tuples(st.sampled_from(((), ("A",), ("B", "C"), ("C", "B"))), st.none() | st.integers(0, 10**9),
                          st.booleans()), max_size=12),
       st.lists(st.tuples(st.sampled_from(((), ("A",), ("C", "B"))), st.none() | st.integers(0, 10**6),
                          st.sampled_from(("outstanding", "expired", "contingent", "exercised"))), max_size=8))
def test_holder_groups_add_up_to_the_totals(lots, tranches):
    lot_facts = [LotFact("Common Stock" if is_common else "Series A Preferred Stock", is_common, holders, "investors",
                         shares if is_common else None, None if is_common else Decimal(shares or 0) + 1,
                         None if is_common else Decimal("3"), None if is_common else 10**6, None, 0, ("id",))
                 for holders, shares, is_common in lots]
    tranche_facts = [TrancheFact("W", "investor", holders, "investors", shares, "fixed", status, ("id",))
                     for holders, shares, status in tranches]
    fd = fully_diluted(lot_facts, tranche_facts, ())
    assert sum(o.common_shares for o in fd.ownership) == fd.common_shares
    assert sum(o.fully_diluted_shares for o in fd.ownership) == fd.total_at_fixed_price
    assert sum(o.fully_diluted_shares_at_cap for o in fd.ownership) == fd.total_at_cap
    assert fd.total_at_fixed_price == fd.common_shares + fd.warrant_shares + fd.convertible_shares_at_fixed_price
    assert fd.warrant_shares == sum(s for _, s, status in tranches if status == "outstanding" and s)
    assert len(fd.undetermined) == (sum(1 for _, s, c in lots if c and s is None)
                                    + sum(1 for _, s, st_ in tranches
                                          if st_ == "contingent" or (st_ == "outstanding" and s is None)))


def test_a_group_with_nothing_determined_is_left_out_of_ownership():
    fd = acme(filing("s", DAY), common(1000), preferred(Decimal("5000")))
    assert [o.holders for o in fd.ownership] == ["A Fund"]
    assert [u.holders for u in fd.undetermined] == [("B Fund",)]


def test_the_dilution_export_has_each_holder_group_and_the_total(run, built_db, tmp_path):
    out = tmp_path / "dilution.csv"
    result = run("--db", built_db, "export", "dilution", "--as-of", "2000-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == [
        "issuer,row,holders,common_shares,basic_percent,warrant_shares,convertible_shares_at_fixed_price,"
        "convertible_shares_at_cap,fully_diluted_shares,fully_diluted_percent,fully_diluted_shares_at_cap,"
        "fully_diluted_percent_at_cap,undetermined",
        '"NeoTherapeutics, Inc.",holder group,"Strong River Investments, Inc.; Montrose Investments Ltd.",'
        "1365918,73.20,230839,0,0,1596757,61.34,1596757,42.62,",
        '"NeoTherapeutics, Inc.",holder group,Royal Canadian Growth Fund,500000,26.80,125000,0,0,625000,24.01,625000,16.68,',
        '"NeoTherapeutics, Inc.",holder group,Westover Investments L.P.; Montrose Investments L.P.,'
        "0,0.00,75000,306278,1450000,381278,14.65,1525000,40.70,",
        '"NeoTherapeutics, Inc.",total,,1865918,100.00,430839,306278,1450000,2603035,100.00,3746757,100.00,5',
    ]
    result = run("--db", built_db, "export", "dilution", "--as-of", "2000-06-30", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows[-1]["fully_diluted_shares_at_cap"] == 3746757 and rows[-1]["undetermined"] == 5
    assert rows[0]["basic_percent"] == "73.20"
    missing = run("--db", built_db, "export", "dilution")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines() == ["error: export dilution: --as-of is required: the date to replay to, YYYY-MM-DD"]
