"""Extraction: golden files for every bundled and test filing, and the facts that matter by name."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from events import Basis, QuantityBasis, RightKind, WarrantKind
from ledger.intake import read_filing
from ledger.extract.values import add_term, parse_date, parse_money, MONEY_RE, word_number
from ledger.text.normalise import normalise, sentences
from tests.golden_support import ROOT, SOURCES, extracted_payloads

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_extraction_matches_golden_file(source: Path):
    golden = GOLDEN / f"{source.stem}.json"
    assert golden.exists(), f"no golden file for {source.name}: run python tests/golden/regenerate.py and review it"
    assert extracted_payloads(source) == json.loads(golden.read_text()), \
        f"{source.name} extracts differently from {golden.name}; if the change is right, regenerate and review the diff"


def facts(name: str) -> list[dict]:
    path = next(p for p in SOURCES if p.name.startswith(name))
    return [dict(e["payload"], type=e["type"]) for e in extracted_payloads(path)]


def only(items, **want):
    found = [i for i in items if all(i.get(k) == v for k, v in want.items())]
    assert len(found) == 1, f"expected one {want}, found {len(found)}"
    return found[0]


def test_every_quote_is_an_exact_span_of_the_normalised_text():
    for source in SOURCES:
        text = read_filing(source).normalised     # the text the ledger keeps and quotes point into
        for event in extracted_payloads(source):
            for q in event["payload"]["provenance"]["quotes"]:
                assert text[q["start"]:q["end"]] == q["text"], (source.name, q)


def test_cover_page_of_each_neotherapeutics_filing():
    expected = {"000": ("1999-11-19", "1999-12-03"), "001": ("2000-02-25", "2000-03-31"),
                "002": ("1999-01-29", "1999-02-08"), "003": ("2000-04-28", "2000-05-24"),
                "004": ("2002-03-15", "2002-03-26")}
    for prefix, (report, signed) in expected.items():
        filing = only(facts(prefix), type="filing_recorded")
        assert filing["issuer"] == {"name": "NeoTherapeutics, Inc.", "cik": None, "file_number": "000-28782",
                                    "irs_number": "93-0979187", "state": None}
        assert (filing["report_date"], filing["signature_date"], filing["public_date"]) == (report, signed, signed)
        assert filing["form"] == "8-K" and filing["identity"].startswith("sha256:")


def test_series_a_preferred_and_its_conversion_terms():
    f = facts("002")
    pref = only(f, type="preferred_issued")
    assert (pref["series"], pref["dividend_rate"], pref["effective_date"]) == ("Series A", "5", "1999-01-29")
    assert pref["shares"] is None and pref["shares_basis"] == "not_stated"
    # $4.0 million is what was paid for the preferred and the warrants together.
    assert (pref["stated_amount"], pref["stated_amount_basis"]) == ("4000000", "by_reference")
    assert pref["holders"] == ["Westover Investments L.P.", "Montrose Investments L.P."]
    conv = pref["conversion"]
    assert (conv["fixed_price"], conv["fixed_only_days"], conv["share_cap"]) == ("13.06", 90, 1450000)
    assert (conv["variable_percent"], conv["variable_reference"]) == ("101", "Per Share Market Value")
    assert (conv["increment_percent"], conv["increment_period"]) == ("25", "monthly")
    warrant = only(f, type="warrant_granted", kind="investor")
    assert (warrant["shares"], warrant["exercise_price"], warrant["term_years"], warrant["expires_on"]) == \
        (75000, "12.98", "5", "2004-01-29")
    assert len(warrant["provenance"]["quotes"]) >= 2   # told twice, merged into one tranche
    option = only(f, type="contingent_right", kind="option_to_sell")
    assert (option["amount"], option["exercisable_from"], option["exercisable_from_basis"]) == \
        ("2000000", "1999-07-28", "computed")   # 180 days after January 29, 1999
    assert "Series B" in option["security"]
    only(f, type="contingent_right", kind="issuer_redemption")


def test_adjustable_warrants_of_november_1999():
    f = facts("000")
    adj = only(f, type="warrant_granted", kind="adjustable")
    assert adj["shares"] is None and adj["quantity_basis"] == "formula"
    assert adj["exercise_price"] == "0.001" and adj["expires_on"] is None
    formula = adj["formula"]
    assert formula["vesting_dates"] == ["2000-03-19", "2000-05-19"] and formula["vesting_basis"] == "computed"
    assert (formula["zero_above_price"], formula["zero_above_approximate"], formula["cutoff_price"]) == ("13.25", True, "17.74")
    assert adj["holders"] == ["Montrose Investments Ltd.", "Strong River Investments, Inc."]
    redeem = only(f, type="contingent_right", kind="issuer_redemption")
    assert redeem["exercisable_from"] == "2000-03-19"   # "at the time of the first vesting date"
    closing = only(f, type="warrant_granted", kind="closing")
    assert (closing["shares"], closing["exercise_price"], closing["expires_on"]) == (126839, "14.24", "2004-11-19")
    common = only(f, type="common_issued")
    assert (common["shares"], common["price"], common["consideration"]) == (845594, "11.826", "10000000")
    assert common["buyers"] == ["Strong River Investments, Inc.", "Montrose Investments Ltd."]


def test_finders_fee_in_cash_and_warrants_with_no_amounts():
    for prefix in ("000", "001", "002", "003"):
        f = facts(prefix)
        fee = only(f, type="fee_paid")
        assert (fee["role"], fee["cash"], fee["cash_basis"], fee["warrants"]) == ("finder", None, "undisclosed", True)
        assert fee["payee"] is None and fee["payee_description"] == "an unrelated third party"
        finder = only(f, type="warrant_granted", kind="finder")
        assert (finder["shares"], finder["quantity_basis"], finder["exercise_price"]) == (None, "undisclosed", None)


def test_warrant_date_differs_from_agreement_date():
    f = facts("003")
    assert only(f, type="common_issued")["effective_date"] == "2000-04-28"
    warrant = only(f, type="warrant_granted", kind="investor")
    assert (warrant["effective_date"], warrant["expires_on"]) == ("2000-05-01", "2005-05-01")   # "dated as of May 1, 2000"


def test_a_warrant_exhibit_to_someone_outside_the_purchase_agreement_is_not_an_investor_holder():
    # Exhibit 4.4 is a warrant to Dlouhy Investments Inc., who is not a party to the purchase
    # agreement (4.1); the body's investor warrants go to the one buyer.
    warrant = only(facts("003"), type="warrant_granted", kind="investor")
    assert warrant["holders"] == ["Royal Canadian Growth Fund"]
    assert not any("Dlouhy" in q["text"] for q in warrant["provenance"]["quotes"])


def test_additional_closing_on_the_same_terms_and_approximate_fee():
    f = facts("004")
    first = only(f, type="common_issued", shares=2575000)
    assert (first["price"], first["consideration"], first["effective_date"]) == ("2.00", "5150000", "2002-03-13")
    extra = only(f, type="common_issued", shares=525000)
    assert (extra["price"], extra["price_basis"], extra["consideration"], extra["effective_date"]) == \
        ("2.00", "by_reference", "1050000", "2002-03-15")
    assert only(f, type="warrant_granted", shares=131250)["exercise_price_basis"] == "by_reference"
    assert only(f, type="warrant_granted", shares=643750)["exercise_price"] == "2.75"
    fee = only(f, type="fee_paid")
    assert (fee["cash"], fee["approximate"], fee["includes_expenses"]) == ("70500", True, True)
    assert fee["payee"] is None and fee["payee_description"] == "a third party finder"   # never the issuer


def test_filings_without_financing_yield_only_the_filing():
    # The third grants an officer options and restricted shares, and recaps a past offering and
    # the warrants outstanding at year end in its results: none of it is a financing.
    for prefix in ("auditor_change", "officer_departure", "officer_award_and_results"):
        assert [e["type"] for e in facts(prefix)] == ["filing_recorded"]


def test_placement_agent_fee_and_warrants():
    f = facts("pipe_placement_agent")
    fee = only(f, type="fee_paid")
    assert (fee["payee"], fee["cash"], fee["warrant_shares"]) == ("Roth Harbor Securities LLC", "210000", 100000)
    agent = only(f, type="warrant_granted", kind="placement_agent")
    assert (agent["shares"], agent["exercise_price"], agent["holders"]) == (100000, "1.875", ["Roth Harbor Securities LLC"])
    investor = only(f, type="warrant_granted", kind="investor")
    assert (investor["term_years"], investor["expires_on"]) == ("5", "2010-06-06")   # term told in a later sentence


def test_preferred_stated_value_times_shares():
    pref = only(facts("preferred_stated_value"), type="preferred_issued")
    assert (pref["shares"], pref["stated_value"], pref["stated_amount"], pref["stated_amount_basis"]) == \
        (5000, "1000", "5000000", "computed")
    assert (pref["conversion"]["fixed_price"], pref["conversion"]["share_cap"]) == ("0.80", 7000000)


@pytest.mark.parametrize("text, expected", [
    ("January 29, 1999", date(1999, 1, 29)), ("MARCH 13,2002", date(2002, 3, 13)),
    ("on this 8th day of January, 2025", date(2025, 1, 8)), ("February 30, 2001", None), ("no date", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("$4.0 million", Decimal("4000000")), ("$10,000,000", Decimal("10000000")), ("$11.826", Decimal("11.826")),
    ("$14.00", Decimal("14.00")), ("$0.75 million", Decimal("750000")), ("$159.4 million", Decimal("159400000"))])
def test_parse_money_keeps_exact_digits(text, expected):
    value = parse_money(MONEY_RE.search(text))
    assert value == expected and str(value) == str(expected)


def test_terms_and_words():
    assert word_number("five") == 5 and word_number("thirty-six") == 36 and word_number("lots") is None
    assert add_term(date(1999, 1, 29), Decimal(5)) == date(2004, 1, 29)
    assert add_term(date(2024, 5, 17), Decimal("5.5")) == date(2029, 11, 17)
    assert add_term(date(2000, 2, 29), Decimal(1)) == date(2001, 2, 28)


def test_normalise_removes_page_numbers_and_joins_broken_words():
    raw = "The Company issued con-\nvertible preferred and five-\nyear warrants.\n\n   2\n\f  Next page text."
    text = normalise(raw)
    assert "convertible preferred and five-year warrants." in text and "\n2\n" not in text
    assert [s.text for s in sentences(text)] == ["The Company issued convertible preferred and five-year warrants.",
                                                 "Next page text."]


def test_units_of_a_share_and_half_a_warrant_with_a_delayed_term():
    f = facts("units_private_placement")
    common = only(f, type="common_issued")
    assert (common["shares"], common["price"], common["consideration"]) == (2400000, "0.50", "1200000")
    assert common["buyers"] == ["Lakeview Partners, L.P.", "Ruth Osei", "Gantry Capital LLC"]
    warrant = only(f, type="warrant_granted")
    # one-half of a warrant per unit: whole warrants only, so the count depends on how each holder's units
    # round and the text does not print it; three years commencing six months after issuance
    assert (warrant["shares"], warrant["quantity_basis"], warrant["exercise_price"], warrant["term_years"],
            warrant["expires_on"]) == (None, "formula", "0.75", "3", "2016-10-11")
    assert "one-half of a warrant" in warrant["formula"]["description"]


def test_html_registered_direct_with_pre_funded_warrants_and_agent():
    f = facts("registered_direct_prefunded")
    assert only(f, type="filing_recorded")["issuer"]["name"] == "Lumen Vale Biosciences, Inc."
    assert all("999,999" not in q["text"] for e in f for q in e["provenance"]["quotes"])   # hidden ix:header
    common = only(f, type="common_issued")
    assert (common["shares"], common["price"], common["effective_date"]) == (1500000, "2.00", "2023-02-07")
    # "approximately $4.0 million" pays for the shares and the pre-funded warrants together: it is
    # no one event's consideration (1,500,000 x $2.00 is $3.0 million)
    assert (common["consideration"], common["consideration_basis"]) == (None, "not_stated")
    pre = only(f, type="warrant_granted", kind="pre_funded")
    assert (pre["shares"], pre["exercise_price"]) == (500000, "0.0001")   # not the $1.9999 purchase price
    agent = only(f, type="warrant_granted", kind="placement_agent")
    assert (agent["shares"], agent["exercise_price"], agent["holders"]) == (105000, "2.50", ["Cobalt Street Securities, LLC"])
    fee = only(f, type="fee_paid")
    assert (fee["role"], fee["cash"], fee["cash_basis"], fee["percent_of_proceeds"]) == ("placement_agent", None, "formula", "7.0")


def test_full_submission_with_selling_stockholders_and_press_release():
    f = facts("underwritten_selling_holders")
    filing = only(f, type="filing_recorded")
    assert (filing["accession"], filing["issuer"]["cik"], filing["report_date"], filing["public_date"]) == \
        ("0000777777-09-000012", "777777", "2009-10-30", "2009-11-04")
    common = only(f, type="common_issued")   # the press release repeats it; counted once
    assert (common["shares"], common["price"]) == (3000000, "12.50")   # not the 5,000,000 with sellers' shares
    assert only(f, type="contingent_right")["kind"] == "investor_option"


def test_convertible_notes_are_their_own_security_and_plain_notes_are_not_equity():
    f = facts("convertible_notes")
    notes = [e for e in f if e["type"] == "note_issued"]
    assert [(n["principal"], n["conversion_price"], n["maturity"], n["interest_rate"]) for n in notes] == \
        [("4000000", "1.25", "2024-09-14", "8"), ("500000", None, None, None)]
    assert notes[1]["conversion_price_basis"] == "formula" and notes[1]["conversion_formula"].startswith("the lower of $1.00")
    assert notes[1]["holders"] == ["Harbor Point Capital LLC"]
    assert not [e for e in f if e["type"] in ("common_issued", "preferred_issued", "warrant_granted")]


def test_acquisition_shares_are_approximate_and_statements_recap_nothing():
    f = facts("acquisition_with_statements")
    common = only(f, type="common_issued")
    assert (common["shares"], common["shares_basis"], common["price"]) == (850000, "approximate", None)
    # the target's capitalisation and its audited notes (past issuances) are not facts of this filing
    assert [e["type"] for e in f] == ["filing_recorded", "common_issued"]


def test_a_term_that_starts_later_and_a_closing_after_the_agreement():
    # "exercisable beginning six months after the date of issuance and will expire five years from
    # the date they first become exercisable"; agreed March 3, closed March 7.
    f = facts("pipe_delayed_exercise_later_closing")
    common = only(f, type="common_issued")
    assert (common["effective_date"], common["shares"], common["price"]) == ("2006-03-07", 3200000, "2.50")
    assert (common["consideration"], common["consideration_basis"]) == ("8000000", "approximate")
    warrant = only(f, type="warrant_granted", kind="investor")
    assert (warrant["shares"], warrant["exercise_price"], warrant["term_years"], warrant["expires_on"]) == (
        1600000, "3.25", "5", "2011-09-07")
    fee = only(f, type="fee_paid")
    assert (fee["payee"], fee["percent_of_proceeds"], fee["cash"], fee["warrant_shares"]) == (
        "Rodman & Renshaw, LLC", "6", None, 96000)
    agent = only(f, type="warrant_granted", kind="placement_agent")
    assert (agent["holders"], agent["exercise_price"], agent["expires_on"]) == (["Rodman & Renshaw, LLC"], "3.125", None)


def test_debentures_agent_warrants_on_the_same_terms_and_a_named_buyer():
    f = facts("debentures_and_regulation_s_sale")
    note = only(f, type="note_issued")
    assert (note["principal"], note["interest_rate"], note["maturity"], note["conversion_price"]) == (
        "3000000", "6", "2000-08-14", None)          # "the lesser of $4.50 ... or 80% of ...": a formula
    assert note["conversion_formula"].startswith("the lesser of $4.50 per share or 80% of the average")
    investor = only(f, type="warrant_granted", kind="investor")
    assert (investor["shares"], investor["exercise_price"], investor["expires_on"]) == (150000, "5.25", "2000-08-14")
    agent = only(f, type="warrant_granted", kind="placement_agent")
    assert (agent["holders"], agent["shares"], agent["exercise_price"], agent["exercise_price_basis"],
            agent["expires_on"]) == (["Westpark Securities, Inc."], 30000, "5.25", "by_reference", "2000-08-14")
    fee = only(f, type="fee_paid")
    assert (fee["payee"], fee["cash"]) == ("Westpark Securities, Inc.", "240000")
    sale = only(f, type="common_issued")
    assert (sale["effective_date"], sale["shares"], sale["price"], sale["buyers"]) == (
        "1997-09-02", 400000, "3.75", ["Harbor Point Partners, L.P."])
    assert (sale["consideration"], sale["consideration_basis"]) == (None, "not_stated")


def test_units_in_two_closings_amounts_in_words_and_no_agent():
    f = facts("units_two_closings_no_agent")
    assert [e["type"] for e in f] == ["filing_recorded", "common_issued", "warrant_granted", "common_issued",
                                      "warrant_granted"]          # "no commissions were paid": no fee
    first, second = (e for e in f if e["type"] == "common_issued")
    assert (first["effective_date"], first["shares"], first["price"], first["consideration"]) == (
        "2010-06-30", 1250000, "0.80", "1000000")                # "one million dollars ($1,000,000)"
    assert (second["effective_date"], second["shares"], second["price"], second["price_basis"],
            second["consideration"]) == ("2010-07-15", 500000, "0.80", "by_reference", "400000")
    assert second["buyers"] == ["Alder Creek Capital LLC", "Bison Ridge Fund, L.P.", "Mr. Thomas Greer"]
    assert first["buyers"] == [] and first["buyers_description"] == "accredited investors"
    w1, w2 = (e for e in f if e["type"] == "warrant_granted")
    assert (w1["shares"], w1["exercise_price"], w1["expires_on"]) == (625000, "1.20", "2013-06-30")
    assert (w2["shares"], w2["exercise_price"], w2["expires_on"], w2["holders"]) == (
        250000, "1.20", "2013-06-30", second["buyers"])


def test_preferred_with_warrants_a_half_year_term_and_an_agent_named_by_alias():
    f = facts("preferred_and_warrants_agent_alias")
    pref = only(f, type="preferred_issued")
    assert (pref["effective_date"], pref["shares"], pref["stated_value"], pref["stated_amount"]) == (
        "2019-11-14", 5000, "1000", "5000000")                  # agreed Nov 12, "closed on November 14"
    assert pref["conversion"]["fixed_price"] == "2.00"
    warrant = only(f, type="warrant_granted", kind="investor")
    assert (warrant["term_years"], warrant["expires_on"]) == ("5.5", "2025-05-14")
    fee = only(f, type="fee_paid")
    assert (fee["payee"], fee["percent_of_proceeds"], fee["cash"]) == ("H.C. Wainwright & Co., LLC", "7.0", None)


def test_regulation_s_preferred_with_a_discount_formula_and_warrants_exercisable_through_a_date():
    # "... under Regulation S. The Series C Stock is convertible ...": "S." ends the sentence.
    f = facts("regulation_s_preferred_and_warrants")
    pref = only(f, type="preferred_issued")
    assert (pref["series"], pref["dividend_rate"], pref["shares"], pref["holders_description"]) == (
        "Series C", "6", 1500, "two offshore investors")
    assert (pref["stated_amount"], pref["consideration"]) == (None, None)     # only net proceeds are given
    assert (pref["conversion"]["variable_percent"], pref["conversion"]["fixed_price"]) == ("82", None)
    warrant = only(f, type="warrant_granted")
    assert (warrant["shares"], warrant["exercise_price"], warrant["expires_on"], warrant["expiry_basis"]) == (
        50000, "3.00", "2001-03-31", "stated")


def test_a_lettered_name_before_a_period_ends_the_sentence():
    text = "Shares were sold under Regulation S. The Series A Stock converts. Mr. J. Smith signed."
    assert [s.text for s in sentences(text)] == [
        "Shares were sold under Regulation S.", "The Series A Stock converts.", "Mr. J. Smith signed."]


def test_a_warrant_exhibit_naming_no_buyer_still_names_the_holder():
    # The buyers filter applies only when some exhibit names a buyer; otherwise the exhibit's
    # holder stands, rather than leaving the tranche with none.
    f = facts("warrant_exhibit_to_a_non_buyer")
    assert only(f, type="common_issued")["buyers"] == ["Alpha Fund L.P."]
    assert only(f, type="warrant_granted")["holders"] == ["Alpha Management LLC"]
