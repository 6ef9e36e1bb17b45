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
    ("total gross proceeds of CAD $316,000 (the", "CAD $316,000", D("316000"), "money", "CAD"),
    ("an exercise price of U.S.$1.25 per share", "U.S.$1.25", D("1.25"), "money", "US$"),
    ("the sum of 10 dollars and 25 cents", "10 dollars and 25 cents", D("10.25"), "money", "$"),
    ("proceeds of 2,000,000 U.S. dollars", "2,000,000 U.S. dollars", D("2000000"), "money", "US$"),
    ("proceeds of 2,000,000 Canadian dollars", "2,000,000 Canadian dollars", D("2000000"), "money", "C$"),
    ("a royalty reduced by AU$10/oz of gold", "AU$10", D("10"), "money", "AU$"),
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


# --- numbers in words, and words with their digits ---------------------------------------------

WORDS = [
    ("the Company shall issue one million shares", "one million", D("1000000"), "count", None),
    ("two million five hundred thousand shares", "two million five hundred thousand", D("2500000"), "count", None),
    ("the sum of fifty thousand dollars in cash", "fifty thousand dollars", D("50000"), "money", "$"),
    ("within five business days", "five", D("5"), "count", None),
    ("twenty-five investors", "twenty-five", D("25"), "count", None),
    ("one hundred accredited investors", "one hundred", D("100"), "count", None),
    ("raised a million dollars", "a million dollars", D("1000000"), "money", "$"),
    ("ONE HUNDRED TWENTY THOUSAND SHARES", "ONE HUNDRED TWENTY THOUSAND", D("120000"), "count", None),
    ("Twelve Hundred Thousand shares", "Twelve Hundred Thousand", D("1200000"), "count", None),
    ("one hundred and fifty shares", "one hundred and fifty", D("150"), "count", None),
    ("at One Dollar and Fifty Cents per share", "One Dollar and Fifty Cents", D("1.50"), "money", "$"),
    ("at six percent per annum", "six percent", D("6"), "percent", None),
    ("at one and one-half percent per month", "one and one-half percent", D("1.5"), "percent", None),
    ("a term of one and a half years", "one and a half", D("1.5"), "count", None),
]


@pytest.mark.parametrize("text, form, value, kind, currency", WORDS)
def test_numbers_in_words(text, form, value, kind, currency):
    fig = only(text)
    assert (written(text, fig), fig.value, fig.kind, fig.currency, fig.words) == (form, value, kind, currency, True)


def test_a_is_a_number_only_before_a_scale_word():
    assert figures("a placement agent and a third party") == []
    assert written("a hundred shares", only("a hundred shares")) == "a hundred"


@pytest.mark.parametrize("words, value", [
    ("two million five hundred thousand", 2500000), ("thirty-six", 36), ("one hundred twenty thousand", 120000),
    ("Nine Hundred Ninety-Nine Million Nine Hundred Ninety-Nine Thousand Nine Hundred Ninety-Nine", 999999999),
    ("a million", 1000000), ("twelve hundred", 1200), ("zero", 0), ("one thousand and one", 1001),
    ("five five", None), ("million", None), ("", None), ("one thousand two million", None),
    ("two shares", None), ("one-half", None), ("2,500", None),
])
def test_number_words_reads_a_whole_number_or_nothing(words, value):
    assert number_words(words) == value


PAIRS = [
    # 1990s law-firm prose
    ("issued One Million Two Hundred Thousand (1,200,000) shares of Common Stock",
     "One Million Two Hundred Thousand (1,200,000)", D("1200000"), "count", None),
    ("the Company shall issue one million (1,000,000) shares", "one million (1,000,000)", D("1000000"), "count", None),
    ("the sum of fifty thousand dollars ($50,000) in cash", "fifty thousand dollars ($50,000)", D("50000"), "money", "$"),
    ("the sum of Twenty-Five Thousand Dollars ($25,000)", "Twenty-Five Thousand Dollars ($25,000)", D("25000"), "money", "$"),
    ("exercisable for a period of two (2) years", "two (2)", D("2"), "count", None),
    ("the sum of ($50,000) fifty thousand dollars", "($50,000) fifty thousand dollars", D("50000"), "money", "$"),
    ("within 10 (ten) business days", "10 (ten)", D("10"), "count", None),
    ("interest at six percent (6%) per annum", "six percent (6%)", D("6"), "percent", None),
    ("at One Dollar and Fifty Cents ($1.50) per share", "One Dollar and Fifty Cents ($1.50)", D("1.50"), "money", "$"),
    ("six and three-quarters percent (6 3/4%) Notes", "six and three-quarters percent (6 3/4%)", D("6.75"), "percent", None),
    ("one-half (1/2) warrant for each share", "one-half (1/2)", D("0.5"), "fraction", None),
    ("Five Hundred Thousand (500,000) shares at an exercise price", "Five Hundred Thousand (500,000)",
     D("500000"), "count", None),
]


@pytest.mark.parametrize("text, form, value, kind, currency", PAIRS)
def test_words_with_their_digits_are_one_figure_valued_by_the_digits(text, form, value, kind, currency):
    fig = only(text)
    assert (written(text, fig), fig.value, fig.kind, fig.currency, fig.words) == (form, value, kind, currency, True)
    assert str(fig.value) == str(value)


def test_words_and_digits_that_disagree_are_not_merged():
    text = "one million (1,100,000) shares"
    found = figures(text)
    assert [(written(text, f), f.value, f.words) for f in found] == [
        ("one million", D("1000000"), True), ("1,100,000", D("1100000"), False)]


def test_parenthesised_digits_without_words_are_a_plain_count():
    text = "Net loss (1,234) (5,678)"
    assert [(written(text, f), f.value, f.kind) for f in figures(text)] == [
        ("1,234", D("1234"), "count"), ("5,678", D("5678"), "count")]


FRACTIONS = [
    ("one-half of one share", "one-half", D("0.5")),
    ("one half of a warrant", "one half", D("0.5")),
    ("one-third of the shares", "one-third", D(1) / D(3)),
    ("one third of the shares", "one third", D(1) / D(3)),
    ("three-quarters of a share", "three-quarters", D("0.75")),
    ("two thirds of the holders", "two thirds", D(2) / D(3)),
    ("one-tenth of one share", "one-tenth", D("0.1")),
    ("1/2 of one warrant", "1/2", D("0.5")),
    ("½ of one warrant", "½", D("0.5")),
    ("¾ of a share", "¾", D("0.75")),
    ("each representing 1/40th interest in a share", "1/40th", D("0.025")),
]


@pytest.mark.parametrize("text, form, value", FRACTIONS)
def test_fractions(text, form, value):
    found = figures(text)
    fig = found[0]
    assert (written(text, fig), fig.value, fig.kind) == (form, value, "fraction")
    assert [f.value for f in found[1:]] in ([], [D(1)])          # "... of one share"


def test_a_unit_of_one_share_and_one_half_of_one_warrant():
    text = "each Unit consisting of one share of Common Stock and one-half of one Warrant, at $6.00 per Unit"
    assert [(written(text, f), f.value, f.kind) for f in figures(text)] == [
        ("one", D(1), "count"), ("one-half", D("0.5"), "fraction"), ("one", D(1), "count"),
        ("$6.00", D("6.00"), "money")]


def test_mixed_numbers_in_prices():
    text = "at $6 3/4 per share, and later at $12-1/2 per share"
    assert [(written(text, f), f.value) for f in figures(text)] == [("$6 3/4", D("6.75")), ("$12-1/2", D("12.5"))]


# --- what is not a figure ----------------------------------------------------------------------

NOT_FIGURES = [
    "Item 3.02 Unregistered Sales of Equity Securities",
    "Items 1.01, 3.02 and 9.01",
    "in reliance on Rule 506(b) of Regulation D",
    "exempt under Section 4(a)(2) of the Securities Act",
    "Regulation S-K Item 601(b)(10)",
    "Registration Statement (File No. 333-275761)",
    "Commission File Number: 001-12345",
    "IRS Employer Identification No. 12-3456789",
    "CUSIP No. 12345X109",
    "(212) 555-1234",
    "Tel: 212-555-1234",
    "New York, NY 10022",
    "Boston, Massachusetts 02110",
    "1345 Avenue of the Americas",
    "on Form S-1 and Form 8-K and Form 10-K and Form 20-F",
    "Exhibit 99.1 and Exhibits 4.1, 10.1 and 99.1",
    "Series A Preferred Stock",
    "(Nasdaq: ABCD) (NYSE American: XYZ)",
    "at 9:00 a.m. and 4 p.m. and 10:30 AM",
    "the 1st, 2nd, 3rd and 21st closings",
    "the COVID-19 pandemic",
    "version 1.2.3",
    "Section 5.1 of the Purchase Agreement",
    "Rule 144 and Rule 144A",
    "(1) the Company and (2) the Investors",
    "under § 3(a)(9)",
    "dated 2/13/2025",
    "Rule 425 under the Securities Act (17 CFR 230.425)",
    "Contact: Phone: +47 472 38 440, email",
    "For the six months ended May 31, May 31, 2025"[len("For the six "):],
    "the Jan. 5 closing",
    "under IFRS 18, ASC 718 and Topic 606",
    "24/7 support",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_a_figure(text):
    assert figures(text) == [], [text[f.start:f.end] for f in figures(text)]


@pytest.mark.parametrize("text, years", [
    ("in 2024 the Company", ["2024"]),
    ("for fiscal 2025", ["2025"]),
    ("8% Notes due 2027", ["2027"]),
    ("the 2019 Equity Incentive Plan", ["2019"]),
    ("the Securities Act of 1933", ["1933"]),
    ("the years ended December 31, 2024 and 2023", ["2023"]),
    ("in January 2025", ["2025"]),
    ("under the 2024 ATM Program", ["2024"]),
    ("Copyright (c) 2025 Newswire", ["2025"]),
    ("the Financial Services and Markets Act 2000", ["2000"]),
])
def test_a_bare_year_is_a_year_never_a_count(text, years):
    found = [f for f in figures(text) if f.kind != "percent"]
    assert [(written(text, f), f.kind) for f in found] == [(y, "year") for y in years]


def test_a_four_digit_count_is_still_a_count():
    text = "the Company issued 2000 shares"
    assert (written(text, only(text)), only(text).kind) == ("2000", "count")


def test_an_item_number_and_a_figure_in_one_sentence():
    text = "Item 3.02. On March 3, 2025, the Company sold 1,500,000 shares under Rule 506(b) for $3,000,000."
    assert [(written(text, f), f.value) for f in figures(text)] == [("1,500,000", D("1500000")), ("$3,000,000", D("3000000"))]


def test_the_1990s_sentence():
    text = ("On January 29, 1999, the Company issued One Million Two Hundred Thousand (1,200,000) shares of its "
            "Common Stock, $.001 par value, at a price of Two Dollars ($2.00) per share, pursuant to Section 4(2) "
            "of the Securities Act of 1933, as amended.")
    assert [(written(text, f), f.value, f.kind, f.words) for f in figures(text)] == [
        ("One Million Two Hundred Thousand (1,200,000)", D("1200000"), "count", True),
        ("$.001", D("0.001"), "money", False),
        ("Two Dollars ($2.00)", D("2.00"), "money", True),
        ("1933", D("1933"), "year", False),
    ]


# --- properties --------------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st     # noqa: E402
from num2words import num2words                               # noqa: E402


@given(st.integers(min_value=0, max_value=10 ** 15 - 1))
def test_any_count_with_thousands_separators_reads_back_exactly(n):
    text = f"the Company sold {n:,} shares"
    fig = only(text)
    assert (written(text, fig), fig.value, fig.kind) == (f"{n:,}", D(n), "count")


@given(st.integers(min_value=0, max_value=10 ** 15 - 1))
def test_any_count_without_separators_reads_back_exactly(n):
    text = f"the Company sold {n} shares"
    fig = only(text)
    assert (written(text, fig), fig.value) == (str(n), D(n))


scaled_decimals = st.decimals(min_value=0, max_value=10 ** 6, places=6, allow_nan=False, allow_infinity=False)


@given(scaled_decimals, st.sampled_from(["", "$", "US$", "C$", "€", "NOK "]))
def test_a_decimal_in_millions_reads_back_as_whole_units(d, currency):
    text = f"gross proceeds of {currency}{d} million before fees"
    fig = only(text)
    assert written(text, fig) == f"{currency}{d} million"
    assert fig.value == d * 10 ** 6
    assert fig.kind == ("money" if currency else "count")
    assert fig.currency == (currency.strip() or None)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_numbers_in_words_read_back(n):
    words = num2words(n)
    assert number_words(words) == n
    text = f"the Company issued {words} shares"
    fig = only(text)
    assert (written(text, fig), fig.value, fig.words) == (words, D(n), True)


@given(st.integers(min_value=1, max_value=999_999_999))
def test_numbers_in_words_with_their_digits_are_one_figure(n):
    text = f"the Company issued {num2words(n).title()} ({n:,}) shares"
    fig = only(text)
    assert (written(text, fig), fig.value, fig.words) == (f"{num2words(n).title()} ({n:,})", D(n), True)


@given(st.decimals(min_value=0, max_value=10 ** 6, places=5, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=5))
def test_prices_keep_their_digits(d, places):
    price = d.quantize(D(10) ** -places)
    text = f"at a purchase price of ${price} per share"
    fig = only(text)
    assert (written(text, fig), str(fig.value), fig.kind) == (f"${price}", str(price), "money")


# Text made of the pieces figures and their look-alikes are made of, glued in any order.
_PIECES = ["1", "0", "25", "2,500,000", "1.5", ".50", ",", ".", "-", "/", "(", ")", "%", "$", "US", "€", " ",
           "one", "half", "million", "thousand", "hundred", "and", "a", "of", "Item", "Rule", "Section", "No.",
           "January", "13", "2025", "approximately", "up to", "dollars", "cents", "percent", "½", "M", "mm",
           "NOK", "Form S-1", "9:00", "a.m.", "1st", "twenty-five", "(2)", "333-275761", "\u2011", "x"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=60))
def test_figures_never_overlap_and_their_spans_are_the_written_figure(text):
    found = figures(text)
    end = 0
    for f in found:
        assert end <= f.start < f.end <= len(text)
        piece = text[f.start:f.end]
        assert piece == piece.strip() and any(c.isalnum() for c in piece)
        assert f.value >= 0 and f.kind in ("count", "money", "percent", "fraction", "year")
        assert (f.currency is not None) == (f.kind == "money")
        end = f.end
    for m in dates(text):
        assert text[m.start:m.end].strip() == text[m.start:m.end]


# --- cost stays linear --------------------------------------------------------------------------

from tests.test_hostile_input import FACTOR, cost                # noqa: E402  the same CPU-time yardstick

REFERENCE = ("On March 3, 2025, the Company sold 1,500,000 shares at $2.00 per share for gross proceeds of "
             "approximately $3.0 million, and issued warrants to purchase one million (1,000,000) shares. ") * 1600


# 40,000 characters each: a quadratic step would cost ~10^9 operations here, a linear one milliseconds.
HOSTILE = {
    "a run of 1,1,1": "1," * 20_000,
    "a run of digits": "1" * 40_000,
    "a run of spaces": "$" + " " * 40_000 + "1",
    "a run of hyphenated digits": "1-" * 20_000,
    "a run of slashes": "1/" * 20_000,
    "a run of points": "1." * 20_000,
    "a run of dollar signs": "$" * 40_000,
    "a run of ones in words": "one " * 10_000,
    "a run of scale words": "million thousand hundred " * 1_600,
    "a run of word and digit pairs": "two (2) " * 5_000,
    "a run of references": "Item 1.01, " * 3_600,
    "a run of month names and days": "January 1, " * 3_600,
    "a run of dates": "January 1, 2025 " * 2_500,
    "a run of mixed fractions": "6 3/4% " * 6_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_runs_read_in_linear_time(name):
    hostile = HOSTILE[name]
    reference = REFERENCE[:len(hostile)]
    assert len(reference) >= 0.9 * len(hostile)
    h, r = cost(figures, hostile), cost(figures, reference)
    assert h <= FACTOR * r, f"{h:.3f}s on {name}, {r:.4f}s on ordinary text of the same size"


def test_a_run_of_malformed_thousands_is_no_figure_at_all():
    assert figures("1," * 100_000) == []
    assert figures("1" * 200_000) == []                     # far more digits than any figure


def test_a_long_run_of_figures_returns_each_of_them():
    found = figures("two (2) " * 5_000)
    assert len(found) == 5_000 and {f.value for f in found} == {D(2)}
