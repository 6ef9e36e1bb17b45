"""Pass 2, mentions: the roles money takes from its local grammar, the securities a sentence names
and the counts bound to them. Sentences are written for these tests, in the styles of several eras
and law firms; each test asserts exact figures, kinds and roles."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.extract.mentions import Kind, Role, read


def roles(text: str) -> list[tuple[Decimal, Role]]:
    return [(x.value, x.role) for x in read(text).money]


def secs(text: str) -> list[tuple]:
    """(kind, label, count, underlying) of each security named, in order."""
    return [(s.kind, s.label, s.count.value if s.count else None, s.underlying.value if s.underlying else None)
            for s in read(text).securities]


# --- money and its role -----------------------------------------------------------------------
@pytest.mark.parametrize("text, value, role", [
    ("The Company sold 1,000,000 shares of common stock at a price of $2.50 per share.", "2.50", Role.PER_SHARE),
    ("The Company sold 4,500,000 ordinary shares at $1.20 per ordinary share.", "1.20", Role.PER_SHARE),
    ("The units were sold at $1.00 per unit.", "1.00", Role.PER_UNIT),
    ("The Company sold 250,000 pre-funded warrants at $3.999 per pre-funded warrant.", "3.999", Role.PER_PREFUNDED),
    ("The combined purchase price of $4.25 per share and accompanying warrant was paid in cash.", "4.25", Role.COMBINED),
    ("The shares were sold at $4.25 per share and accompanying warrant.", "4.25", Role.COMBINED),
    ("The warrants have an exercise price of $5.00 per share.", "5.00", Role.EXERCISE),
    ("The warrants are exercisable at $6.10 per share.", "6.10", Role.EXERCISE),
    ("The notes are convertible into common stock at $0.75 per share.", "0.75", Role.CONVERSION),
    ("The Debentures have a conversion price of $0.80.", "0.80", Role.CONVERSION),
    ("The Series A Preferred Stock has a stated value of $1,000 per share.", "1000", Role.STATED_VALUE),
    ("The Company sold shares of common stock, par value $0.001 per share, to investors.", "0.001", Role.PAR),
    ("The Company sold 100,000 shares of its $0.001 par value common stock to investors.", "0.001", Role.PAR),
    ("The offering resulted in gross proceeds of $10,000,000.", "10000000", Role.GROSS),
    ("The Company sold 500 shares of preferred stock for aggregate consideration of $500,000.", "500000", Role.GROSS),
    ("The Company received net proceeds of approximately $9.2 million.", "9200000", Role.NET),
    ("The Company paid the placement agent a fee of 7% of the gross proceeds, or $700,000.", "700000", Role.FEE),
    ("The Company paid a cash fee of $120,000 to the finder.", "120000", Role.FEE),
])
def test_money_takes_its_role_from_the_words_around_it(text, value, role):
    assert roles(text) == [(Decimal(value), role)]


def test_a_sale_sentence_tells_each_amount_apart():
    text = ("On March 3, 2004, the Company sold 1,000,000 shares of common stock at $2.00 per share "
            "for gross proceeds of $2,000,000, and paid the placement agent a cash fee of $140,000.")
    assert roles(text) == [(Decimal("2.00"), Role.PER_SHARE), (Decimal("2000000"), Role.GROSS),
                           (Decimal("140000"), Role.FEE)]


def test_a_price_named_as_an_exercise_price_outranks_per_share():
    text = "The Company also issued warrants to purchase 300,000 shares with an exercise price of $1.75 per share."
    assert roles(text) == [(Decimal("1.75"), Role.EXERCISE)]


# --- securities and their counts --------------------------------------------------------------
def test_a_warrant_count_is_read_across_an_aside():
    text = ("The Company also issued warrants, which expire five years after issuance, "
            "to purchase 500,000 shares of common stock.")
    assert secs(text) == [(Kind.WARRANT, "warrants", None, Decimal(500000))]


def test_shares_and_prefunded_warrants_in_one_sentence():
    text = ("The Company sold 1,200,000 shares of common stock and pre-funded warrants to purchase "
            "300,000 shares of common stock.")
    assert secs(text) == [(Kind.COMMON, "Common Stock", Decimal(1200000), None),
                          (Kind.PREFUNDED, "Pre-Funded Warrants", None, Decimal(300000))]


def test_warrants_by_series_keep_their_series_and_counts():
    text = ("The Company issued Series A Warrants to purchase 2,000,000 shares and Series B Warrants "
            "to purchase 1,000,000 shares.")
    found = read(text).securities
    assert [(s.label, s.series, s.underlying.value) for s in found] == [
        ("Series A Warrants", "A", Decimal(2000000)), ("Series B Warrants", "B", Decimal(1000000))]


@pytest.mark.parametrize("text, label, series", [
    ("The Company issued 1,500 shares of Series B Convertible Preferred Stock to the investor.",
     "Series B Convertible Preferred Stock", "B"),
    ("The Company issued 2,000 shares of 8% Series C Preferred Stock.", "8% Series C Preferred Stock", "C"),
    ("The Company issued 2,000 shares of Series C 8% Convertible Preferred Stock.",
     "Series C 8% Convertible Preferred Stock", "C"),
])
def test_preferred_by_series_with_the_rate_before_or_after(text, label, series):
    [s] = read(text).securities
    assert (s.kind, s.label, s.series) == (Kind.PREFERRED, label, series)
    assert s.count.value == (1500 if "1,500" in text else 2000)


@pytest.mark.parametrize("text, label, count", [
    ("The Company sold 3,000,000 American Depositary Shares to investors.", "American Depositary Shares", 3000000),
    ("The Company sold 3,000,000 ADSs to investors.", "American Depositary Shares", 3000000),
    ("The Company sold 4,500,000 ordinary shares to investors.", "Ordinary Shares", 4500000),
    ("The Company issued 250,000 Class A ordinary shares.", "Class A Ordinary Shares", 250000),
    ("The Company sold 1,000,000 common shares to a strategic investor.", "Common Stock", 1000000),
])
def test_common_equity_in_its_several_names(text, label, count):
    assert secs(text) == [(Kind.COMMON, label, Decimal(count), None)]


def test_units_are_counted():
    assert secs("The Company sold 2,000,000 units at $0.50 per unit.") == [(Kind.UNIT, "Units", Decimal(2000000), None)]


def test_a_warrant_for_half_a_share_is_a_fraction_not_a_count():
    found = read("Each unit consists of one share and a warrant to purchase one-half of one share.").securities
    [w] = [s for s in found if s.kind is Kind.WARRANT]
    assert (w.underlying, w.underlying_fraction) == (None, Decimal("0.5"))


def test_a_number_of_shares_equal_to_a_percent_is_a_formula():
    text = ("The Company will issue to the agent warrants to purchase a number of shares equal to 6% "
            "of the shares sold in the offering.")
    [w] = read(text).securities
    assert (w.kind, w.underlying, w.formula, w.percent) == (Kind.WARRANT, None, True, Decimal(6))


def test_a_table_row_binds_the_count_to_its_warrants():
    [w] = read("Series A Warrants 3,000,000 $1.10 five years").securities
    assert (w.label, w.series, w.underlying.value) == ("Series A Warrants", "A", Decimal(3000000))


def test_a_defined_term_is_kept_with_its_security():
    [s] = read('The Company sold 400,000 shares (the "Purchased Shares") to the investor.').securities
    assert (s.kind, s.count.value, s.defined) == (Kind.COMMON, Decimal(400000), "Purchased Shares")


# --- what is not a count ----------------------------------------------------------------------
def test_a_year_is_not_a_count():
    found = read("The Company exchanged a 1995 Warrant for new shares.").securities
    assert all(s.count is None and s.underlying is None for s in found)


def test_a_paragraph_number_is_not_a_count():
    assert read("2 The shares were sold to investors at $3.00 per share.").securities == ()


def test_a_range_is_not_a_count():
    assert read("The Company expects to sell 2.6 to 2.8 million shares of common stock.").securities == ()


def test_what_each_preferred_share_carries_is_not_a_count():
    text = "The Company sold 100 Preferred Shares at $10,000 for each Preferred Share together with 5,000 Warrants."
    assert secs(text) == [(Kind.PREFERRED, "Preferred Shares", Decimal(100), None),
                          (Kind.WARRANT, "Warrants", None, None)]


def test_one_share_a_warrant_buys_is_a_ratio_not_a_count():
    text = "Each warrant entitles the holder to purchase one share of common stock at $0.10."
    [w] = [s for s in read(text).securities if s.kind is Kind.WARRANT]
    assert w.underlying is None


# --- properties -------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1_000, max_value=999_999_999))
def test_any_count_with_commas_reads_back_exactly(n):
    text = f"On May 3, 2022, the Company sold {n:,} shares of common stock to investors."
    assert secs(text) == [(Kind.COMMON, "Common Stock", Decimal(n), None)]


PREFIXES = ["", "On June 4, 2013, ", "As a result of the closing, ", "Pursuant to the Purchase Agreement, ",
            "In connection with the Offering described above, "]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PREFIXES), st.integers(min_value=1, max_value=99_999).map(lambda c: Decimal(c) / 100))
def test_money_roles_are_stable_under_a_prefix_clause(prefix, price):
    body = (f"the Company sold 1,000,000 shares of common stock at ${price:,.2f} per share and warrants with an "
            f"exercise price of $9.75 per share, for gross proceeds of $4,000,000.")
    text = prefix + (body[0].upper() + body[1:] if not prefix else body)
    assert roles(text) == [(price.quantize(Decimal("0.01")), Role.PER_SHARE), (Decimal("9.75"), Role.EXERCISE),
                           (Decimal("4000000"), Role.GROSS)]
