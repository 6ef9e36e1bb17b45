"""Pass 3, frames: within one sentence, whether a count is a sale (judged by its clause), what it
was sold for, on which date, what a unit holds and what a fee is. Sentences are written for these
tests in the styles of several eras and firms; every test asserts exact values."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.extract.frames import Fee, Grant, Makeup, Sale, Statement, sentence_frames
from ledger.extract.mentions import Kind, read
from ledger.text.normalise import Sentence

OWN = frozenset({"company", "registrant", "corporation", "issuer", "its", "our", "the", "such", "common", "class",
                 "series", "ordinary", "preferred", "beneficial", "record", "acme"})


def frames_of(text: str) -> list:
    return sentence_frames(Sentence(0, len(text), text, 0), read(text), 0, OWN)


def only(kind, text: str) -> list:
    return [f for f in frames_of(text) if isinstance(f, kind)]


def sales(text: str) -> list[tuple[int | None, str]]:
    return [(f.count, f.security.label) for f in only(Sale, text)]


def statements(text: str) -> dict[str, object]:
    return {f.what: f.value for f in only(Statement, text)}


# --- a sale, with its price and amount ---------------------------------------------------------
def test_a_plain_sale_with_price_amount_and_date():
    [s] = only(Sale, "On March 3, 2004, the Company sold 1,000,000 shares of common stock at $2.00 per share "
                     "for gross proceeds of $2,000,000.")
    assert (s.count, s.price.value, s.consideration.value, s.consideration_kind, s.date) == (
        1_000_000, Decimal("2.00"), Decimal("2000000"), "cash", date(2004, 3, 3))


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1_000, max_value=999_999_999))
def test_any_count_in_a_sale_sentence_reads_back_exactly(n):
    text = f"The Company sold {n:,} shares of common stock in a private placement at $0.50 per share."
    [s] = only(Sale, text)
    assert (s.count, s.security.kind, s.price.value) == (n, Kind.COMMON, Decimal("0.50"))


# --- counts that are not sales, judged by their clause ----------------------------------------
@pytest.mark.parametrize("text", [
    "The Company reserved 1,000,000 shares of common stock issuable upon exercise of the warrants.",
    "The Company granted the underwriters an option to purchase up to an additional 450,000 shares of common stock.",
    "Immediately after the offering, 12,500,000 shares of common stock were held by the Company's stockholders.",
    "The number of authorized shares will increase from 50,000,000 shares to 100,000,000 shares.",
    "The Company sold 10,000,000 common shares of Pinecrest Mining Corp. that it held to an investor for $2,000,000.",
    "As previously reported in the Company's Current Report on Form 8-K, the Company sold 500,000 shares of "
    "common stock at $1.00 per share.",
    "The Board adopted a stockholder rights plan and declared a dividend of one right for each of the "
    "10,000,000 shares of common stock outstanding.",
    "The Company effected a 1-for-10 reverse stock split, reducing the outstanding shares from 40,000,000 to "
    "4,000,000 shares.",
    "The Company granted stock options to purchase 250,000 shares of common stock to its directors at $1.00 per share.",
    "The Company filed a shelf registration statement under which it may from time to time offer and sell up to "
    "$50,000,000 of securities.",
    'On June 1, 2021, the Company issued the remaining shares (the "Tranche 2 Shares") to the investor.',
])
def test_no_sale_where_the_clause_says_otherwise(text):
    assert sales(text) == []


def test_the_underwriters_option_is_a_statement_beside_the_sale():
    text = ("The Company sold 3,000,000 shares of common stock at $1.00 per share, and the underwriters have an "
            "option to purchase up to an additional 450,000 shares.")
    assert sales(text) == [(3_000_000, "Common Stock")]
    assert statements(text)["option"] == 450_000


def test_shares_placed_in_escrow_are_part_of_the_sale_not_another():
    text = "The Company issued 2,000,000 shares of common stock to the sellers, of which 200,000 shares were placed in escrow."
    assert sales(text) == [(2_000_000, "Common Stock")]


def test_shares_sold_by_selling_stockholders_are_a_secondary_statement():
    text = ("The offering consists of 2,000,000 shares sold by the Company and 1,000,000 shares sold by selling "
            "stockholders at $10.00 per share.")
    assert sales(text) == [(2_000_000, "Common Stock")]
    assert statements(text)["secondary"] == 1_000_000


def test_another_companys_shares_are_no_sale_but_the_issuers_are():
    text = "On May 1, 2018, Acme Corp. sold 2,000,000 shares of Acme common stock at $0.40 per share."
    assert sales(text) == [(2_000_000, "Common Stock")]


# --- the kind of consideration ----------------------------------------------------------------
@pytest.mark.parametrize("text, kind", [
    ("On July 1, 2019, the Company issued 5,000,000 shares of common stock to the shareholders of Bluewater Labs, "
     "Inc. in exchange for all of the outstanding shares of Bluewater Labs, Inc.", "acquisition"),
    ("The Company issued 750,000 shares of common stock to a noteholder in exchange for the cancellation of "
     "$375,000 of indebtedness.", "exchange"),
    ("The Company issued 100,000 shares of common stock to a consultant for investor relations services.", "services"),
    ("The Company sold 800,000 shares of common stock in a private placement at $0.50 per share.", "cash"),
])
def test_the_kind_of_consideration(text, kind):
    [s] = only(Sale, text)
    assert s.consideration_kind == kind


def test_debt_exchanged_keeps_its_amount():
    [s] = only(Sale, "The Company issued 750,000 shares of common stock to a noteholder in exchange for the "
                     "cancellation of $375,000 of indebtedness.")
    assert (s.count, s.consideration.value) == (750_000, Decimal("375000"))


# --- dates ------------------------------------------------------------------------------------
def test_a_closing_date_is_the_sales_date():
    text = ("The private placement closed on April 12, 2023, and the Company sold 2,000,000 shares of common "
            "stock at $1.25 per share.")
    [s] = only(Sale, text)
    assert (s.date, s.expected) == (date(2023, 4, 12), False)
    assert statements(text)["closing"] == date(2023, 4, 12)


def test_an_expected_closing_is_marked_expected():
    text = ("The offering of 4,000,000 shares of common stock at $3.00 per share is expected to close on or about "
            "March 5, 2021.")
    [s] = only(Sale, text)
    assert (s.date, s.expected) == (date(2021, 3, 5), True)
    [closing] = [f for f in only(Statement, text) if f.what == "closing"]
    assert (closing.value, closing.approximate) == (date(2021, 3, 5), True)


def test_an_agreement_date_is_the_sentences_date_and_an_agreement_statement():
    text = ("On February 10, 2020, the Company entered into a securities purchase agreement with investors "
            "pursuant to which it sold 1,500,000 shares of common stock at $2.00 per share.")
    [s] = only(Sale, text)
    assert s.date == date(2020, 2, 10)
    assert statements(text)["agreement"] == date(2020, 2, 10)


def test_a_press_release_dateline_is_not_the_event_date():
    text = ("AUSTIN, Texas, Feb. 13, 2025 (GLOBE NEWSWIRE) -- Acme Robotics, Inc. today announced the pricing of "
            "its public offering of 6,000,000 shares of common stock at $1.50 per share.")
    [s] = only(Sale, text)
    assert (s.count, s.price.value, s.date) == (6_000_000, Decimal("1.50"), None)


def test_an_expiry_date_is_not_an_event_date():
    text = "The Company issued warrants to purchase 400,000 shares of common stock that expire on June 30, 2028."
    [g] = only(Grant, text)
    assert (g.shares, g.expires, g.date) == (400_000, date(2028, 6, 30), None)
    assert "closing" not in statements(text)


# --- grants -----------------------------------------------------------------------------------
def test_a_grant_with_its_exercise_price_and_date():
    [g] = only(Grant, "On May 3, 2022, the Company issued warrants to purchase 500,000 shares of common stock at an "
                      "exercise price of $1.50 per share.")
    assert (g.shares, g.exercise.value, g.date, g.fee_role) == (500_000, Decimal("1.50"), date(2022, 5, 3), None)


def test_a_five_year_warrant_has_a_term():
    [g] = only(Grant, "The Company issued to the investors five-year warrants to purchase 250,000 shares of common "
                      "stock at an exercise price of $0.60 per share.")
    assert (g.shares, g.exercise.value, g.term_years) == (250_000, Decimal("0.60"), Decimal(5))


# --- unit makeups -----------------------------------------------------------------------------
def makeup(text: str) -> tuple:
    [u] = only(Makeup, text)
    return u.shares, u.warrants, u.whole


@pytest.mark.parametrize("text, expected", [
    ("Each Unit consists of one share of common stock and one warrant to purchase one share of common stock.",
     (Decimal(1), Decimal(1), True)),
    ("The Company sold 1,000,000 units, each unit comprising one common share and one-half of one common share "
     "purchase warrant.", (Decimal(1), Decimal("0.5"), False)),
    ("Each Unit contains one share of Common Stock and two Warrants.", (Decimal(1), Decimal(2), True)),
    ("The Company sold 2,000,000 Units, each consisting of one share of Common Stock and two Warrants.",
     (Decimal(1), Decimal(2), True)),
    ("Each Unit is comprised of (i) one share of common stock and (ii) one warrant to purchase one-half of one "
     "share of common stock.", (Decimal(1), Decimal("0.5"), True)),
    ("Each Unit consists of one (1) common share and one-half of one warrant.", (Decimal(1), Decimal("0.5"), False)),
    ("Each Unit consists of one share of common stock and a warrant to purchase one-half of one share of common "
     "stock.", (Decimal(1), Decimal("0.5"), True)),
])
def test_a_unit_makeup_in_its_several_wordings(text, expected):
    assert makeup(text) == expected


def test_a_makeup_keeps_the_warrants_exercise_price():
    [u] = only(Makeup, "Each Unit consists of one share of common stock and one warrant to purchase one share of "
                       "common stock at an exercise price of $0.75 per share.")
    assert u.exercise.value == Decimal("0.75")


def test_a_sale_of_units_is_a_sale_of_units():
    text = "The Company sold 1,000,000 units, each unit comprising one common share and one-half of one common share purchase warrant."
    assert sales(text) == [(1_000_000, "Units")]


# --- fees -------------------------------------------------------------------------------------
def test_a_cash_fee():
    [f] = only(Fee, "The Company paid the placement agent a cash fee of $350,000.")
    assert (f.role, f.cash.value, f.percent, f.warrants) == ("placement_agent", Decimal("350000"), None, False)


def test_a_percent_fee():
    [f] = only(Fee, "The Company paid the placement agent a fee equal to 7.0% of the gross proceeds of the offering.")
    assert (f.role, f.cash, f.percent) == ("placement_agent", None, Decimal("7.0"))


def test_a_percent_fee_or_its_amount():
    [f] = only(Fee, "The Company paid H.C. Wainwright & Co., LLC, the placement agent, a cash fee of 7% of the gross "
                    "proceeds, or $700,000.")
    assert (f.role, f.payee_text, f.cash.value, f.percent) == (
        "placement_agent", "H.C. Wainwright & Co., LLC", Decimal("700000"), Decimal("7"))


def test_warrants_as_a_fee():
    text = ("The Company issued to the placement agent warrants to purchase 120,000 shares of common stock at an "
            "exercise price of $1.25 per share as compensation.")
    [f] = only(Fee, text)
    assert (f.role, f.warrants, f.warrant_shares) == ("placement_agent", True, 120_000)
    [g] = only(Grant, text)
    assert (g.shares, g.fee_role, g.exercise.value) == (120_000, "placement_agent", Decimal("1.25"))


@pytest.mark.parametrize("text", [
    "No commissions were paid in connection with the private placement.",
    "The Company may pay a finder's fee to certain finders in connection with the offering.",
])
def test_no_fee_where_none_was_paid(text):
    assert only(Fee, text) == []
