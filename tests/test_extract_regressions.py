"""Wordings the pass tests found misread, each pinned once it was fixed: a warrant's per-warrant
ratio is not its count, an outstanding loan is not outstanding shares, units 'each containing',
'one share and one warrant', a bare 'a fee of', an agent named with initials, a total with selling
stockholders' shares, a total told before the firm shares, ADSs and the ordinary shares they hold."""
from __future__ import annotations

from decimal import Decimal

from events import Basis, WarrantKind
from ledger.extract.drafts import FeeDraft, SharesDraft, WarrantDraft
from tests.test_assembly import ITEM_302, drafts, run


def test_warrants_each_for_one_share_count_the_warrants():
    [w] = drafts(ITEM_302 + "On March 1, 2021, the Company issued 2,000,000 warrants, each to purchase one share of "
                            "common stock at $0.50, to the investors.\n", WarrantDraft)
    assert (w.shares.value, w.exercise_price.value) == (2_000_000, Decimal("0.50"))


def test_shares_for_an_outstanding_loan_are_an_exchange():
    [d] = drafts(ITEM_302 + "On March 1, 2021, the Company issued 750,000 shares of common stock to a lender in "
                            "settlement of an outstanding loan of $375,000.\n", SharesDraft)
    assert (d.shares.value, d.consideration_kind, d.consideration.value) == (750_000, "exchange", None)


def test_units_each_containing_a_share_and_two_warrants():
    body = ITEM_302 + "On March 1, 2021, the Company sold 2,000,000 Units at $1.00 per Unit, each containing one share of " \
                      "Common Stock and two Warrants.\n"
    [common] = drafts(body, SharesDraft)
    [warrant] = drafts(body, WarrantDraft)
    assert (common.shares.value, common.price.value, warrant.shares.value) == (2_000_000, Decimal("1.00"), 4_000_000)


def test_a_unit_of_one_share_and_a_warrant_for_half_a_share():
    body = ITEM_302 + ("On March 1, 2021, the Company sold 1,000,000 units at $2.00 per unit. Each Unit consists of one "
                       "share and a warrant to purchase one-half of one share.\n")
    [warrant] = drafts(body, WarrantDraft)
    assert (warrant.label, warrant.shares.value) == ("Warrants", 500_000)


def test_a_fee_of_a_percent_or_an_amount_paid_to_a_named_agent():
    body = ITEM_302 + ("On March 1, 2021, the Company sold 1,000,000 shares of common stock at $10.00 per share. The "
                       "Company paid H.C. Wainwright & Co., LLC a fee of 7% of the gross proceeds, or $700,000.\n")
    [fee] = drafts(body, FeeDraft)
    assert (fee.payee, fee.cash.value, fee.percent_of_proceeds) == ("H.C. Wainwright & Co., LLC", Decimal("700000"), Decimal("7"))


def test_an_agent_named_with_initials_gets_its_own_warrants_once():
    body = ITEM_302 + (
        "H.C. Wainwright & Co., LLC acted as the exclusive placement agent for the offering. On March 1, 2021, the "
        "Company sold 2,000,000 shares of common stock at $1.00 per share. The Company paid Wainwright a cash fee of "
        "$140,000 and agreed to issue to Wainwright warrants as compensation. On March 1, 2021, the Company issued to "
        "Wainwright's designees warrants to purchase 140,000 shares of common stock at $1.25 per share.\n")
    warrants = drafts(body, WarrantDraft)
    assert [(w.kind, w.shares.value, w.exercise_price.value) for w in warrants] == [
        (WarrantKind.PLACEMENT_AGENT, 140_000, Decimal("1.25"))]


def test_a_total_that_includes_selling_stockholders_shares_records_the_company_part():
    [d] = drafts(ITEM_302 + "On March 1, 2021, the Company closed an offering of 3,000,000 shares of common stock at "
                            "$5.00 per share, including 1,000,000 shares sold by selling stockholders.\n", SharesDraft)
    assert (d.shares.value, d.shares.basis(), d.price.value) == (2_000_000, Basis.COMPUTED, Decimal("5.00"))


def test_a_total_told_before_its_firm_shares_is_counted_once():
    body = ITEM_302 + (
        "On March 5, 2021, the Company closed its underwritten public offering of 4,600,000 shares of common stock at "
        "$2.00 per share, which includes 600,000 shares sold upon the full exercise of the underwriters' over-allotment "
        "option. The Company sold 4,000,000 shares of common stock in the firm offering.\n")
    assert [d.shares.value for d in drafts(body, SharesDraft)] == [4_600_000]


def test_ads_become_the_ordinary_shares_they_represent():
    body = ITEM_302 + ("On June 20, 2024, the Company closed a registered direct offering of 1,500,000 American Depositary "
                       "Shares, each representing ten ordinary shares, nominal value DKK 0.10 per share, at a price of "
                       "US$8.00 per ADS (equivalent to US$0.80 per ordinary share).\n")
    [d] = drafts(body, SharesDraft)
    assert (d.security, d.shares.value, d.price.value) == ("Ordinary Shares", 15_000_000, Decimal("0.80"))


def test_a_unit_with_a_non_transferable_common_share_purchase_warrant():
    body = ITEM_302 + ("On March 1, 2021, the Company sold 5,000,000 units at a price of $0.10 per Unit. Each Unit "
                       "consists of one common share of the Company and one non-transferable common share purchase "
                       "warrant. Each Warrant entitles the holder to acquire one common share at a price of $0.20 per "
                       "share for a period of thirty-six (36) months.\n")
    [warrant] = drafts(body, WarrantDraft)
    assert (warrant.shares.value, warrant.exercise_price.value) == (5_000_000, Decimal("0.20"))


def test_a_finders_warrant_named_with_an_apostrophe_takes_its_later_terms():
    body = ITEM_302 + ("On March 1, 2021, the Company sold 1,000,000 shares of common stock at $0.07 per share. The "
                       "Company paid finder’s fees of $2,940 and issued 42,000 finder’s warrants to an arm’s-length "
                       "party.\n\nEach Finder’s Warrant is exercisable into one common share for a period of two (2) "
                       "years at a price of $0.10.\n")
    [warrant] = drafts(body, WarrantDraft)
    assert (warrant.kind, warrant.shares.value, warrant.exercise_price.value) == (WarrantKind.FINDER, 42_000, Decimal("0.10"))


def test_shares_the_company_buys_back_are_no_issuance():
    body = ITEM_302 + ("The Company completed a normal course issuer bid on March 1, 2021, under which the Company "
                       "purchased 63,500 common shares at an average price of $0.444 per share, for an aggregate "
                       "purchase price of $28,213.\n")
    assert drafts(body, SharesDraft) == []


def test_shares_for_services_of_any_kind_are_services_and_take_no_cash_sale_price():
    """A periodic report's unregistered-sales item lists a sale for cash and shares for services side
    by side: the services shares are not cash, and the sale's price is not theirs."""
    body = ITEM_302 + ("On February 14, 2001, the Company sold 750,000 shares of its common stock to Larchmont Capital "
                       "Partners, L.P. at a purchase price of $8.00 per share.\n\nOn March 30, 2001, the Company issued "
                       "25,000 shares of its common stock to Bayshore Laboratory Services, Inc. in exchange for "
                       "laboratory services valued at $200,000.\n")
    sale, services = sorted(drafts(body, SharesDraft), key=lambda d: -d.shares.value)
    assert (sale.shares.value, sale.price.value, sale.consideration_kind) == (750_000, Decimal("8.00"), "cash")
    assert (services.shares.value, services.price.value, services.consideration_kind) == (25_000, None, "services")
    [named] = drafts(ITEM_302 + "On March 1, 2021, the Company issued 40,000 shares of common stock to Acme Advisory "
                                "Services, LLC for consulting and investor relations services.\n", SharesDraft)
    assert named.consideration_kind == "services"
