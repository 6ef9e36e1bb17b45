"""The figures lexer (ledger/extract/figures.py): every figure as filings write it, exact values and
exact spans; what is not a figure is skipped; linear in the text."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.extract.figures import DateMention, Figure, dates, figures, number_words

D = Decimal


def only(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, [(text[f.start:f.end], f) for f in found]
    return found[0]


def written(text: str, fig: Figure) -> str:
    return text[fig.start:fig.end]


# (sentence, the figure as written, value, kind, currency)
DIGITS_AND_SCALES = [
    ("The Company sold 2,500,000 shares of common stock.", "2,500,000", D("2500000"), "count", None),
    ("an aggregate of 2500000 shares", "2500000", D("2500000"), "count", None),
    ("net income of 1,234.56 thousand", "1,234.56 thousand", D("1234560"), "count", None),
    ("par value 0.0001 per share", "0.0001", D("0.0001"), "count", None),
    ("at a price of $.50 per share", "$.50", D("0.50"), "money", "$"),
    ("the Company issued 2.5 million shares", "2.5 million", D("2500000"), "count", None),
    ("17.3 million shares were outstanding", "17.3 million", D("17300000"), "count", None),
    ("a market value of 1.2 billion", "1.2 billion", D("1200000000"), "count", None),
    ("gross proceeds of $159.4 million, before fees", "$159.4 million", D("159400000"), "money", "$"),
    ("a $15M registered direct offering", "$15M", D("15000000"), "money", "$"),
    ("raised $15 mm in the round", "$15 mm", D("15000000"), "money", "$"),
    ("raised $15 MM in the round", "$15 MM", D("15000000"), "money", "$"),
    ("a $2.5 mn bridge loan", "$2.5 mn", D("2500000"), "money", "$"),
    ("the $0.8 billion facility", "$0.8 billion", D("800000000"), "money", "$"),
    ("proceeds of US$40 million to the Company", "US$40 million", D("40000000"), "money", "US$"),
    ("a placement of A$12.8 million", "A$12.8 million", D("12800000"), "money", "A$"),
    ("a private placement of NOK 150 million", "NOK 150 million", D("150000000"), "money", "NOK"),
    ("at C$1.34 per unit", "C$1.34", D("1.34"), "money", "C$"),
    ("raised €5.0 million from investors", "€5.0 million", D("5000000"), "money", "€"),
    ("sold 250 thousand units", "250 thousand", D("250000"), "count", None),
    ("a purchase price of $4.00 per share", "$4.00", D("4.00"), "money", "$"),
    ("a purchase price of $ 4.00 per share", "$ 4.00", D("4.00"), "money", "$"),
    ("a par value of $0.00001", "$0.00001", D("0.00001"), "money", "$"),
    ("at US$ 0.55 per ADS", "US$ 0.55", D("0.55"), "money", "US$"),
    ("at US $0.55 per ADS", "US $0.55", D("0.55"), "money", "US$"),
    ("gross proceeds of USD 5,000,000", "USD 5,000,000", D("5000000"), "money", "USD"),
    ("the sum of 5,000,000 dollars in cash", "5,000,000 dollars", D("5000000"), "money", "$"),
    ("each with a $1,000 stated value", "$1,000", D("1000"), "money", "$"),
    ("a price of HK$2.10 per share", "HK$2.10", D("2.10"), "money", "HK$"),
    ("proceeds of SEK 300 million", "SEK 300 million", D("300000000"), "money", "SEK"),
    ("£3.5 million was raised", "£3.5 million", D("3500000"), "money", "£"),
    ("a price of 50 cents per share", "50 cents", D("0.50"), "money", "$"),
]

PERCENTS = [
    ("bears interest at 6% per annum", "6%", D("6")),
    ("bears interest at 6.0% per annum", "6.0%", D("6.0")),
    ("6 3/4% Convertible Subordinated Debentures", "6 3/4%", D("6.75")),
    ("6-3/4% Convertible Subordinated Debentures", "6-3/4%", D("6.75")),
    ("a coupon of 6½% per annum", "6½%", D("6.5")),
    ("a discount of 7.5 percent to the market price", "7.5 percent", D("7.5")),
    ("exercisable at 150% of the offering price", "150%", D("150")),
    ("a fee equal to 7 per cent of the gross proceeds", "7 per cent", D("7")),
]


@pytest.mark.parametrize("text, form, value, kind, currency", DIGITS_AND_SCALES)
def test_digits_scales_and_money_read_as_one_exact_figure(text, form, value, kind, currency):
    fig = only(text)
    assert written(text, fig) == form
    assert fig.value == value and str(fig.value) == str(value)     # the digits as written, too
    assert (fig.kind, fig.currency, fig.words) == (kind, currency, False)


@pytest.mark.parametrize("text, form, value", PERCENTS)
def test_percents(text, form, value):
    fig = only(text)
    assert (written(text, fig), fig.value, fig.kind, fig.currency) == (form, value, "percent", None)


def test_modern_press_release_sentence():
    text = ("NEW YORK, March 3, 2025 -- Acme Therapeutics, Inc. (Nasdaq: ACME) today announced the closing "
            "of its registered direct offering of 1,850,000 shares of common stock at a purchase price of "
            "$1.68 per share, for gross proceeds of approximately $3.1 million, before deducting fees.")
    found = figures(text)
    assert [(written(text, f), f.value, f.kind, f.approximate) for f in found] == [
        ("1,850,000", D("1850000"), "count", False),
        ("$1.68", D("1.68"), "money", False),
        ("$3.1 million", D("3100000"), "money", True),
    ]


QUALIFIED = [
    ("gross proceeds of approximately $3.1 million", "$3.1 million", True, False),
    ("about 2.5 million shares", "2.5 million", True, False),
    ("approx. $5.2 million", "$5.2 million", True, False),
    ("roughly 40% of the shares", "40%", True, False),
    ("nearly 1,000,000 shares", "1,000,000", True, False),
    ("some 300,000 shares", "300,000", True, False),
    ("up to 1,000,000 shares", "1,000,000", False, True),
    ("up to an aggregate of $10 million of shares", "$10 million", False, True),
    ("a maximum of 500,000 shares", "500,000", False, True),
    ("not more than 9.99% of the outstanding shares", "9.99%", False, True),
    ("no more than $2,000,000", "$2,000,000", False, True),
    ("up to approximately $25 million", "$25 million", True, True),
    ("an aggregate of 500,000 shares", "500,000", False, False),
]


@pytest.mark.parametrize("text, form, approximate, up_to", QUALIFIED)
def test_approximate_and_up_to_are_read_from_the_words_before_the_figure(text, form, approximate, up_to):
    fig = only(text)
    assert (written(text, fig), fig.approximate, fig.up_to) == (form, approximate, up_to)


DATES = [
    ("on January 29, 1999 the Company", "January 29, 1999", date(1999, 1, 29)),
    ("dated as of Jan. 29, 1999", "Jan. 29, 1999", date(1999, 1, 29)),
    ("on 29 January 1999", "29 January 1999", date(1999, 1, 29)),
    ("this 8th day of January, 2025", "8th day of January, 2025", date(2025, 1, 8)),
    ("on Feb. 13, 2025, the Company", "Feb. 13, 2025", date(2025, 2, 13)),
    ("on February 13th, 2025", "February 13th, 2025", date(2025, 2, 13)),
    ("closing date: 2025-02-13.", "2025-02-13", date(2025, 2, 13)),
    ("ON JANUARY 29,1999", "JANUARY 29,1999", date(1999, 1, 29)),
    ("on Sept. 5, 2024", "Sept. 5, 2024", date(2024, 9, 5)),
]


@pytest.mark.parametrize("text, form, value", DATES)
def test_dates_and_their_parts_are_no_figures(text, form, value):
    (found,) = dates(text)
    assert (text[found.start:found.end], found.value) == (form, value)
    assert figures(text) == []


def test_an_impossible_date_is_no_date_and_its_parts_are_no_figures():
    text = "on February 30, 2025 the Company"
    assert dates(text) == []
    assert figures(text) == []


def test_dates_in_a_sentence_with_figures():
    text = "On February 13, 2025, the Company sold 1,000,000 shares at $2.00 per share."
    assert dates(text) == [DateMention(3, 20, date(2025, 2, 13))]
    assert [written(text, f) for f in figures(text)] == ["1,000,000", "$2.00"]
