"""Projections over hand-built events from NeoTherapeutics' 1999-2002 8-Ks."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import attrs
import pytest

from events import (
    Basis, CommonIssued, DAY_RANK, FeePaid, FeeRole, FilingRecorded, Issuer, PreferredIssued,
    Provenance, QuantityBasis, QuantityFormula, Quote, WarrantGranted, WarrantKind,
)
from ledger.projections import (
    WarrantStatus, cap_table, outstanding_warrants, replay, to_json_contract, totals,
)
from ledger.projections.totals import check_consideration
from events.envelope import StoredEvent

KEY = "neotherapeutics inc|000-28782"
NEO = Issuer(name="NeoTherapeutics, Inc.", file_number="000-28782", irs_number="93-0979187", state="Delaware")
ISSUERS = {KEY: NEO}
BUYERS_1999 = ("Strong River Investments, Inc.", "Montrose Investments Ltd.")


def said(filing: str, *sentences: str) -> Provenance:
    return Provenance(filing, tuple(Quote(i * 1000, i * 1000 + len(s), s) for i, s in enumerate(sentences)))


JAN99, NOV99, MAR02 = "sha256:002", "sha256:000", "sha256:004"
PUBLIC = {JAN99: date(1999, 2, 8), NOV99: date(1999, 12, 3), MAR02: date(2002, 3, 26)}


def wrap(*pairs: tuple[str, object], key: str = KEY) -> list[StoredEvent]:
    """(event_id, event) pairs as the store hands them back: in replay order, numbered."""
    ordered = sorted(pairs, key=lambda p: (p[1].effective_date, DAY_RANK[p[1].TYPE]))
    return [
        StoredEvent(
            seq=seq, event_id=event_id, stream=e.provenance.filing, version=seq, issuer_key=key,
            type=e.TYPE, schema_version=e.SCHEMA_VERSION, effective_date=e.effective_date,
            public_date=PUBLIC.get(e.provenance.filing), recorded_at="2024-05-01T12:00:00Z", quote=e.provenance.sentence,
            prev_hash=f"{seq - 1:064x}", hash=f"{seq:064x}", event=e,
        )
        for seq, (event_id, e) in enumerate(ordered, 1)
    ]


JAN29, NOV19, MAR15 = date(1999, 1, 29), date(1999, 11, 19), date(2002, 3, 15)

FILING_JAN99 = FilingRecorded(
    effective_date=JAN29, provenance=said(JAN99, "Date of Report (Date of earliest event reported) January 29, 1999"),
    issuer=NEO, form="8-K", report_date=JAN29, signature_date=date(1999, 2, 8), public_date=date(1999, 2, 8),
    identity="002", raw_sha256="raw002", source_name="002_224ff9c854471a24.txt",
)
PREFERRED = PreferredIssued(
    effective_date=JAN29,
    provenance=said(JAN99, "Pursuant to the Agreement, the Company issued and sold to the investors shares of the "
                    "Company's 5% Series A Preferred Stock with Conversion Features (\"Series A shares\") and issued "
                    "Warrants to purchase 75,000 shares of common stock, for total consideration of $4.0 million."),
    series="Series A", title="5% Series A Preferred Stock with Conversion Features", dividend_rate=Decimal(5),
    stated_amount=Decimal("4000000"), stated_amount_basis=Basis.BY_REFERENCE,
    consideration=Decimal("4000000"), consideration_basis=Basis.STATED, consideration_kind="cash",
    holders_description="two institutional investors",
)
WARRANTS_1999 = WarrantGranted(
    effective_date=JAN29,
    provenance=said(JAN99, "In connection with the purchase of the Series A shares, the investors also received "
                    "warrants to purchase 75,000 shares of common stock at $12.98 per share for a period of 5 years."),
    tranche="Warrants", kind=WarrantKind.INVESTOR, shares=75_000, exercise_price=Decimal("12.98"),
    term_years=Decimal(5), expires_on=date(2004, 1, 29), expiry_basis=Basis.COMPUTED,
    holders_description="two institutional investors",
)
FINDERS_FEE = ("In connection with this financing, the Company paid a finder's fee to an unrelated third party "
               "consisting of cash and warrants to purchase common stock of the Company.")
FEE_1999 = FeePaid(
    effective_date=JAN29, provenance=said(JAN99, FINDERS_FEE),
    role=FeeRole.FINDER, payee_description="an unrelated third party", cash=None, cash_basis=Basis.UNDISCLOSED,
    warrants=True,
)
COMMON_1999 = CommonIssued(
    effective_date=NOV19,
    provenance=said(NOV99, "Pursuant to the Agreement, the Company issued and sold to the investors a total of "
                    "845,594 shares of the Company's common stock at a purchase price of $11.826 per share.",
                    "4.1 Securities Purchase Agreement dated as of November 19, 1999, by and among Registrant, "
                    "Strong River Investments, Inc. and Montrose Investments Ltd."),
    shares=845_594, price=Decimal("11.826"), consideration=Decimal("10000000"), consideration_kind="cash",
    buyers=BUYERS_1999, buyers_description="two institutional investors",
)
CLOSING = WarrantGranted(
    effective_date=NOV19,
    provenance=said(NOV99, "... and issued five-year warrants (\"Closing Warrants\") to purchase a total of 126,839 "
                    "shares of common stock at an exercise price of $14.24 per share."),
    tranche="Closing Warrants", kind=WarrantKind.CLOSING, shares=126_839, exercise_price=Decimal("14.24"),
    term_years=Decimal(5), expires_on=date(2004, 11, 19), expiry_basis=Basis.COMPUTED, holders=BUYERS_1999,
)
ADJUSTABLE = WarrantGranted(
    effective_date=NOV19,
    provenance=said(NOV99, "In addition, the Company issued warrants (\"Adjustable Warrants\") to purchase a number "
                    "of shares of common stock, to be determined at two vesting dates four and six months "
                    "subsequent to the closing, at an exercise price of $0.001 per share."),
    tranche="Adjustable Warrants", kind=WarrantKind.ADJUSTABLE, shares=None, quantity_basis=QuantityBasis.FORMULA,
    exercise_price=Decimal("0.001"), holders=BUYERS_1999,
    formula=QuantityFormula(
        description="10 lowest closing bid prices during the 30 trading days before each vesting date",
        vesting_dates=(date(2000, 3, 19), date(2000, 5, 19)), vesting_basis=Basis.COMPUTED,
        zero_above_price=Decimal("13.25"), zero_above_approximate=True, cutoff_price=Decimal("17.74"),
    ),
)
FINDER_WARRANTS = WarrantGranted(
    effective_date=NOV19, provenance=said(NOV99, FINDERS_FEE),
    tranche="finder's warrants", kind=WarrantKind.FINDER, shares=None, quantity_basis=QuantityBasis.UNDISCLOSED,
    exercise_price=None, exercise_price_basis=Basis.UNDISCLOSED, holders_description="an unrelated third party",
)
FEE_NOV99 = FeePaid(
    effective_date=NOV19, provenance=FINDER_WARRANTS.provenance, role=FeeRole.FINDER,
    payee_description="an unrelated third party", cash=None, cash_basis=Basis.UNDISCLOSED, warrants=True,
)
COMMON_2002 = CommonIssued(
    effective_date=MAR15,
    provenance=said(MAR02, "After considering these expressions of interest, on March 15, 2002, NeoTherapeutics "
                    "agreed to issue an additional 525,000 shares of its common stock and warrants to purchase up "
                    "to 131,250 shares of its common stock to investors on the same terms as the earlier offering, "
                    "for aggregate additional consideration of $1,050,000."),
    shares=525_000, price=Decimal("2.00"), price_basis=Basis.BY_REFERENCE, consideration=Decimal("1050000"),
    consideration_kind="cash", buyers_description="investors", tranche="additional closing",
)
WARRANTS_2002 = WarrantGranted(
    effective_date=MAR15, provenance=COMMON_2002.provenance, tranche="additional warrants",
    kind=WarrantKind.INVESTOR, shares=131_250, exercise_price=Decimal("2.75"),
    exercise_price_basis=Basis.BY_REFERENCE, holders_description="investors",
)
FEE_2002 = FeePaid(
    effective_date=MAR15,
    provenance=said(MAR02, "NeoTherapeutics paid aggregate fees and expenses of approximately $70,500 to a third "
                    "party finder in connection with this additional offering."),
    role=FeeRole.FINDER, payee_description="a third party finder", cash=Decimal("70500"), cash_basis=Basis.APPROXIMATE,
    approximate=True, includes_expenses=True,
)

LEDGER = wrap(
    ("filing-jan99", FILING_JAN99), ("pref-a", PREFERRED), ("w-1999", WARRANTS_1999), ("fee-jan99", FEE_1999),
    ("common-nov99", COMMON_1999), ("w-closing", CLOSING), ("w-adjustable", ADJUSTABLE),
    ("w-finder", FINDER_WARRANTS), ("fee-nov99", FEE_NOV99),
    ("common-mar02", COMMON_2002), ("w-mar02", WARRANTS_2002), ("fee-mar02", FEE_2002),
)


def run(as_of: date, events=None, **kw):
    return replay(iter(LEDGER if events is None else events), as_of=as_of, issuers=ISSUERS, **kw)


def only(result):
    (report,) = result.issuers
    return report


def tranche(report, label):
    (row,) = [w for w in report.warrants if w.tranche == label]
    return row


# ---- cap table ----------------------------------------------------------------------------

def test_cap_table_rows_as_of_2002():
    table = cap_table(iter(LEDGER), as_of=MAR15)[KEY]
    pref, common, extra = table.holdings
    assert (pref.security_class, pref.shares, pref.stated_amount, pref.price) == (
        "5% Series A Preferred Stock with Conversion Features", None, Decimal("4000000"), None)
    assert pref.holders == () and pref.holders_description == "two institutional investors"
    assert common.security_class == "Common Stock" and "Common" in common.security_class
    assert (common.shares, common.price, common.date) == (845_594, Decimal("11.826"), NOV19)
    assert common.holders == BUYERS_1999          # joint buyers stay one lot
    assert common.event_ids == ("common-nov99",)
    assert common.sources == tuple(q.text for q in COMMON_1999.provenance.quotes)
    assert extra.event_ids == ("common-mar02",) and extra.holders == ()


def test_class_summary():
    classes = {c.security_class: c for c in cap_table(iter(LEDGER), as_of=MAR15)[KEY].classes}
    common = classes["Common Stock"]
    assert (common.lots, common.shares, common.undetermined_lots, common.stated_amount) == (2, 1_370_594, 0, None)
    pref = classes["5% Series A Preferred Stock with Conversion Features"]
    assert (pref.lots, pref.shares, pref.undetermined_lots) == (1, 0, 1)   # count unknown, not zero
    assert pref.stated_amount == Decimal("4000000") and pref.unstated_amount_lots == 0


def test_preferred_class_falls_back_to_series():
    e = attrs.evolve(PREFERRED, title="Series B shares")
    (row,) = cap_table(iter(wrap(("p", e))), as_of=JAN29)[KEY].holdings
    assert row.security_class == "Series A Preferred Stock"


def test_issuance_is_present_on_its_date_not_the_day_before():
    assert cap_table(iter(LEDGER), as_of=date(1999, 11, 18))[KEY].holdings[-1].event_ids == ("pref-a",)
    assert cap_table(iter(LEDGER), as_of=NOV19)[KEY].holdings[-1].event_ids == ("common-nov99",)


# ---- warrants -----------------------------------------------------------------------------

def test_grant_is_absent_the_day_before_and_present_on_the_day():
    before = outstanding_warrants(iter(LEDGER), as_of=date(1999, 11, 18))[KEY]
    assert [w.tranche for w in before] == ["Warrants"]
    on = outstanding_warrants(iter(LEDGER), as_of=NOV19)[KEY]
    assert [w.tranche for w in on] == ["Warrants", "Closing Warrants", "Adjustable Warrants", "finder's warrants"]
    assert outstanding_warrants(iter(LEDGER), as_of=date(1999, 1, 28)) == {}


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2004, 1, 28), WarrantStatus.OUTSTANDING),
    (date(2004, 1, 29), WarrantStatus.EXPIRED),
    (date(2004, 1, 30), WarrantStatus.EXPIRED),
])
def test_five_year_warrant_expires_on_its_expiry_date(as_of, status):
    assert tranche(only(run(as_of)), "Warrants").status == status


@pytest.mark.parametrize(("as_of", "status"), [
    (NOV19, WarrantStatus.CONTINGENT),
    (date(2000, 3, 19), WarrantStatus.CONTINGENT),     # first vesting date: still one to come
    (date(2000, 5, 18), WarrantStatus.CONTINGENT),
    (date(2000, 5, 19), WarrantStatus.OUTSTANDING),    # last vesting date
])
def test_adjustable_warrant_is_contingent_until_its_last_vesting_date(as_of, status):
    assert tranche(only(run(as_of)), "Adjustable Warrants").status == status


def test_warrant_row_fields():
    report = only(run(MAR15))
    closing = tranche(report, "Closing Warrants")
    assert (closing.kind, closing.shares, closing.quantity_basis, closing.exercise_price) == (
        WarrantKind.CLOSING, 126_839, QuantityBasis.FIXED, Decimal("14.24"))
    assert (closing.issued_on, closing.expires_on, closing.holders) == (NOV19, date(2004, 11, 19), BUYERS_1999)
    assert closing.event_ids == ("w-closing",)
    finder = tranche(report, "finder's warrants")
    assert (finder.shares, finder.quantity_basis, finder.exercise_price, finder.status) == (
        None, QuantityBasis.UNDISCLOSED, None, WarrantStatus.OUTSTANDING)
    assert tranche(report, "additional warrants").expires_on is None   # unknown expiry never expires


# ---- totals -------------------------------------------------------------------------------

def test_totals_before_the_second_deal():
    t = totals(iter(LEDGER), as_of=date(1999, 11, 18))[KEY]
    assert (t.common_shares, t.warrant_shares_outstanding, t.capital_raised) == (0, 75_000, Decimal("4000000"))
    assert (t.undetermined_warrant_tranches, t.contingent_warrant_tranches) == (0, 0)
    assert (t.fees_paid_cash, t.undisclosed_cash_fees, t.fees_approximate) == (Decimal(0), 1, False)


def test_totals_on_the_day_of_the_second_deal():
    t = totals(iter(LEDGER), as_of=NOV19)[KEY]
    assert t.common_shares == 845_594
    assert t.warrant_shares_outstanding == 75_000 + 126_839
    assert t.contingent_warrant_tranches == 1        # adjustable
    assert t.undetermined_warrant_tranches == 1      # finder's
    assert t.capital_raised == Decimal("14000000")
    assert t.undisclosed_cash_fees == 2 and t.undisclosed_consideration == 0


def test_totals_as_of_2002_and_after_expiry():
    t = totals(iter(LEDGER), as_of=MAR15)[KEY]
    assert t.common_shares == 1_370_594
    assert t.warrant_shares_outstanding == 75_000 + 126_839 + 131_250
    assert (t.undetermined_warrant_tranches, t.contingent_warrant_tranches) == (2, 0)  # adjustable has vested
    assert t.capital_raised == Decimal("15050000") and str(t.capital_raised) == "15050000"
    assert (t.fees_paid_cash, t.fees_approximate, t.undisclosed_cash_fees) == (Decimal("70500"), True, 2)
    later = totals(iter(LEDGER), as_of=date(2004, 1, 29))[KEY]
    assert later.warrant_shares_outstanding == 126_839 + 131_250


def test_undisclosed_consideration_is_counted_not_summed():
    e = attrs.evolve(COMMON_1999, consideration=None, consideration_basis=Basis.NOT_STATED)
    t = totals(iter(wrap(("c", e))), as_of=NOV19)[KEY]
    assert (t.capital_raised, t.undisclosed_consideration) == (Decimal(0), 1)


def test_fee_with_no_cash_stated_is_not_an_undisclosed_cash_fee():
    e = attrs.evolve(FEE_1999, cash_basis=Basis.NOT_STATED)
    assert totals(iter(wrap(("f", e))), as_of=JAN29)[KEY].undisclosed_cash_fees == 0


# ---- cross-check --------------------------------------------------------------------------

def common(shares, price, consideration):
    return wrap(("c-x", attrs.evolve(COMMON_1999, shares=shares, price=Decimal(price),
                                     consideration=Decimal(consideration))))[0]


def test_cross_check_accepts_the_rounded_price():
    # 845,594 x 11.826 = 9,999,994.644; a price to 3 places may be off by 0.0005 a share (422.797).
    (stored,) = [s for s in LEDGER if s.event_id == "common-nov99"]
    assert check_consideration(stored) is None
    assert run(NOV19).warnings == ()


@pytest.mark.parametrize(("consideration", "warns"), [("2005.00", False), ("1995.00", False), ("2005.01", True)])
def test_cross_check_boundary(consideration, warns):
    # 1,000 x 2.00 = 2,000.00; price to 2 places allows 0.005 a share = 5.00
    assert (check_consideration(common(1000, "2.00", consideration)) is not None) == warns


def test_cross_check_warning_names_event_and_figures_in_the_report():
    result = run(NOV19, events=[common(845_594, "11.826", "12000000")])
    (warning,) = result.warnings
    assert warning.startswith("NeoTherapeutics, Inc.: c-x: ")
    assert "845594" in warning and "11.826" in warning and "9999994.644" in warning and "12000000" in warning


# ---- report and JSON contract -------------------------------------------------------------

def test_events_after_as_of_are_ignored_even_if_the_store_passed_them():
    cut = [s for s in LEDGER if s.effective_date <= NOV19]
    assert run(NOV19, events=LEDGER) == run(NOV19, events=cut)   # LEDGER runs to 2002
    assert only(run(NOV19)).totals.capital_raised == Decimal("14000000")


def test_known_at_leaves_out_what_was_not_yet_public():
    # The March 15, 2002 sale was made public on March 26.
    assert [h.date for h in only(run(MAR15, known_at=date(2002, 3, 25))).holdings] == [JAN29, NOV19]
    assert [h.date for h in only(run(MAR15, known_at=date(2002, 3, 26))).holdings] == [JAN29, NOV19, MAR15]


def test_known_at_keeps_events_without_a_public_date_and_names_them():
    undated = [attrs.evolve(s, public_date=None) for s in LEDGER if s.event_id == "common-mar02"]
    result = run(MAR15, events=undated, known_at=date(2002, 3, 20))
    assert only(result).totals.common_shares == 525_000
    assert result.warnings == ("1 event(s) have no public date and are counted as known by 2002-03-20: common-mar02",)


def test_issuers_sorted_by_name_and_unknown_issuer_warned():
    other = wrap(("acme-c", attrs.evolve(COMMON_1999, buyers=())), key="acme|000-1")
    result = replay(iter(sorted(LEDGER + other, key=lambda s: s.effective_date)), as_of=MAR15,
                    issuers={**ISSUERS, "acme|000-1": Issuer(name="Acme Corp")})
    assert [r.issuer.name for r in result.issuers] == ["Acme Corp", "NeoTherapeutics, Inc."]
    missing = replay(iter(other), as_of=MAR15, issuers={})
    assert only(missing).issuer == Issuer(name="acme|000-1")
    assert missing.warnings == ("acme|000-1: no issuer details were supplied; shown under its issuer key",)


def test_issuer_with_only_a_filing_gets_zero_totals_and_no_rows():
    report = only(run(JAN29, events=LEDGER[:1]))
    assert (report.holdings, report.warrants, report.totals.common_shares) == ((), (), 0)


def test_json_contract_shape_and_types():
    doc = to_json_contract(run(MAR15, known_at=date(2002, 3, 26)))
    assert json.loads(json.dumps(doc)) == doc       # plain JSON values only
    assert set(doc) == {"as_of", "known_at", "issuers", "warnings"}
    assert (doc["as_of"], doc["known_at"], doc["warnings"]) == ("2002-03-15", "2002-03-26", [])
    (issuer,) = doc["issuers"]
    assert issuer["issuer"] == {"name": "NeoTherapeutics, Inc.", "cik": None, "file_number": "000-28782"}
    assert issuer["totals"] == {
        "common_shares": 1_370_594, "warrant_shares_outstanding": 333_089, "undetermined_warrant_tranches": 2,
        "contingent_warrant_tranches": 0, "capital_raised": "15050000", "undisclosed_consideration": 0,
        "fees_paid_cash": "70500", "undisclosed_cash_fees": 2, "fees_approximate": True,
    }
    assert all(type(issuer["totals"][k]) is int for k in ("common_shares", "warrant_shares_outstanding"))
    pref, common, _ = issuer["holdings"]
    assert set(common) == {"class", "holders", "holders_description", "shares", "stated_amount", "price",
                           "conversion_price", "conversion_share_cap", "consideration_kind", "date", "event_ids",
                           "sources"}
    assert (common["conversion_price"], common["conversion_share_cap"]) == (None, None)
    assert (common["consideration_kind"], pref["consideration_kind"]) == ("cash", "cash")
    assert (common["shares"], common["price"], common["stated_amount"], common["date"]) == (
        845_594, "11.826", None, "1999-11-19")
    assert common["holders"] == list(BUYERS_1999) and common["event_ids"] == ["common-nov99"]
    assert (pref["class"], pref["stated_amount"], pref["shares"]) == (
        "5% Series A Preferred Stock with Conversion Features", "4000000", None)
    warrants = {w["tranche"]: w for w in issuer["warrants"]}
    assert list(warrants) == ["Warrants", "Closing Warrants", "Adjustable Warrants", "finder's warrants",
                              "additional warrants"]
    assert set(warrants["Warrants"]) == {"tranche", "kind", "holders", "holders_description", "shares",
                                         "quantity_basis", "exercise_price", "issued_on", "expires_on", "status",
                                         "event_ids", "sources"}
    assert warrants["Warrants"]["expires_on"] == "2004-01-29" and warrants["Warrants"]["exercise_price"] == "12.98"
    adj = warrants["Adjustable Warrants"]
    assert (adj["kind"], adj["shares"], adj["quantity_basis"], adj["exercise_price"], adj["status"]) == (
        "adjustable", None, "formula", "0.001", "outstanding")
    assert type(adj["kind"]) is str and type(adj["status"]) is str


def test_json_decimals_never_use_exponent_notation():
    e = attrs.evolve(COMMON_1999, consideration=Decimal("1E+7"), price=Decimal("0.00000010"))
    doc = to_json_contract(run(NOV19, events=wrap(("c", e))))
    assert doc["issuers"][0]["totals"]["capital_raised"] == "10000000"
    assert doc["issuers"][0]["holdings"][0]["price"] == "0.00000010"


# ---- streaming ----------------------------------------------------------------------------

class OnePass:
    """An iterable that can be iterated once and refuses len() and indexing."""

    def __init__(self, items):
        self._items, self._used = items, False

    def __iter__(self):
        assert not self._used, "iterated twice"
        self._used = True
        return (item for item in self._items)

    def __len__(self):
        raise AssertionError("len() called on the event stream")

    def __getitem__(self, index):
        raise AssertionError("event stream indexed")


def test_folds_take_a_generator_in_one_pass():
    expected = run(MAR15)
    assert replay((s for s in LEDGER), as_of=MAR15, issuers=ISSUERS) == expected
    assert replay(OnePass(LEDGER), as_of=MAR15, issuers=ISSUERS) == expected
    assert totals(OnePass(LEDGER), as_of=MAR15) == totals(iter(LEDGER), as_of=MAR15)
    assert cap_table(OnePass(LEDGER), as_of=MAR15)[KEY].holdings == expected.issuers[0].holdings
    assert outstanding_warrants(OnePass(LEDGER), as_of=MAR15)[KEY] == expected.issuers[0].warrants
