"""Figures and names the reader used to get wrong without a word: numbers broken by a line wrap,
and a registrant name over two cover lines. Each test goes end to end: bytes on disk -> read ->
normalise -> extract."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from events import CommonIssued, FilingRecorded
from ledger.ingest import ingest_file
from ledger.intake import read_filing
from ledger.text.normalise import normalise

COVER = """\
                       SECURITIES AND EXCHANGE COMMISSION
                             Washington, D.C. 20549

                                    FORM 8-K

                                 CURRENT REPORT

       Date of Report (Date of earliest event reported): March 3, 2011

{name}
             (Exact name of registrant as specified in its charter)

         Nevada                    000-51234                 88-1234567
 (State or other Jurisdiction    (Commission File Number)     (IRS Employer
      of Incorporation)                                   Identification Number)

Item 3.02 Unregistered Sales of Equity Securities

{body}

                                   SIGNATURES

Date: March 7, 2011                     By: /s/ Authorized Officer
"""
NAME = "                              WILLOW CREEK SENSORS, INC."


def filing(tmp_path: Path, body: str, name: str = NAME, file: str = "wrapped.txt") -> Path:
    path = tmp_path / file
    path.write_text(COVER.format(name=name, body=body))
    return path


def facts(path: Path) -> list:
    outcome = ingest_file(None, path, dry_run=True)
    assert outcome.status == "dry-run", outcome.error
    return list(outcome.events)


def sale(path: Path) -> CommonIssued:
    found = [e for e in facts(path) if isinstance(e, CommonIssued)]
    assert len(found) == 1, found
    return found[0]


# Each form of a figure broken at a line end, inside the sale sentence.
WRAPS = {
    "comma": ("On March 3, 2011, the Company sold 845,\n594 shares of its common stock to accredited\n"
              "investors at a price of $11.826 per share.", 845594, Decimal("11.826")),
    "decimal point": ("On March 3, 2011, the Company sold 845,594 shares of its common stock at $11.\n"
                      "826 per share to accredited investors.", 845594, Decimal("11.826")),
    "dollar sign": ("On March 3, 2011, the Company sold 845,594 shares of its common stock at a price of $\n"
                    "11.826 per share to accredited investors.", 845594, Decimal("11.826")),
    "two groups": ("On March 3, 2011, the Company sold 1,250,\n000 shares of its common stock at $8.00 per share\n"
                   "for aggregate consideration of $10,000,\n000.", 1250000, Decimal("8.00")),
    "indented continuation": ("On March 3, 2011, the Company sold 845,   \n      594 shares of its common stock at $\n"
                              "   11.826 per share.", 845594, Decimal("11.826")),
}


@pytest.mark.parametrize("form", WRAPS, ids=str)
def test_a_figure_broken_by_a_line_wrap_is_read_whole(tmp_path, form):
    body, shares, price = WRAPS[form]
    event = sale(filing(tmp_path, body))
    assert (event.shares, event.price) == (shares, price)


def test_a_consideration_broken_after_a_thousands_comma_is_read_whole(tmp_path):
    event = sale(filing(tmp_path, WRAPS["two groups"][0]))
    assert event.consideration == Decimal("10000000")


def test_quotes_stay_exact_slices_of_the_normalised_text(tmp_path):
    for form, (body, _, _) in WRAPS.items():
        path = filing(tmp_path, body, file=f"{form.replace(' ', '_')}.txt")
        text = read_filing(path).normalised
        for event in facts(path):
            for q in event.provenance.quotes:
                assert text[q.start:q.end] == q.text, (form, q)


@pytest.mark.parametrize("text, want", [
    ("sold 845,\n594 shares", "sold 845,594 shares"),
    ("at $11.\n826 per share", "at $11.826 per share"),
    ("of $10,000,\n000.", "of $10,000,000."),
    ("of $\n11.826 each", "of $11.826 each"),
    ("raised $1,234,\n567.89 in all", "raised $1,234,567.89 in all"),
])
def test_normalise_joins_each_form_of_wrapped_figure(text, want):
    assert normalise(text) == want


@pytest.mark.parametrize("text", [
    "items 1,\n2 and 3",                 # a list, not a thousands group
    "in 1999,\n200 shares were sold",    # a year before a comma is not a thousands group
    "in 1999.\n2000 shares were sold",   # a sentence ending in a year, then a new figure
    "at $5.\n2000 shares were sold",     # a dollar amount ending a sentence, then a count
    "sold 845,\n5941 shares",            # four digits after the break: not one group
    "the price was $5.\nThe shares",     # a sentence that ends at the point
    "sold 845,\n\n594 shares",           # a paragraph break is never joined
])
def test_normalise_keeps_apart_what_is_not_one_figure(text):
    head, tail = text.split("\n", 1)
    glued = head + tail.lstrip("\n")          # the two sides read as one figure
    out = normalise(text)
    assert glued not in out
    assert out.replace("\n", " ") == " ".join(text.split())


def test_a_registrant_name_wrapped_over_two_cover_lines(tmp_path):
    name = "                    Birch Valley Corporation\n                    of New England, Inc."
    head = next(e for e in facts(filing(tmp_path, WRAPS["comma"][0], name=name)) if isinstance(e, FilingRecorded))
    assert head.issuer.name == "Birch Valley Corporation of New England, Inc."


def test_a_registrant_name_with_a_small_word_on_its_own_line(tmp_path):
    name = "                    Birch Valley Corporation of New England, Inc.\n" + "-" * 60
    head = next(e for e in facts(filing(tmp_path, WRAPS["comma"][0], name=name)) if isinstance(e, FilingRecorded))
    assert head.issuer.name == "Birch Valley Corporation of New England, Inc."


def test_cover_boilerplate_before_a_shouted_name_is_not_part_of_it(tmp_path):
    name = "PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934\n      BIRCH VALLEY CORPORATION"
    head = next(e for e in facts(filing(tmp_path, WRAPS["comma"][0], name=name)) if isinstance(e, FilingRecorded))
    assert head.issuer.name == "BIRCH VALLEY CORPORATION"


# -- plausibility: signs, sizes, zeros and impossible dates ----------------------------------------

def refusal(path: Path) -> str:
    outcome = ingest_file(None, path, dry_run=True)
    assert outcome.status == "failed", outcome
    return outcome.error


def test_a_minus_sign_is_not_dropped(tmp_path):
    path = filing(tmp_path, "On March 3, 2011, the Company sold -845,594 shares of its common stock at $11.826 per share.")
    assert refusal(path) == (
        f"{path}: '-845,594' is written with a minus sign, and was read as the shares of a common_issued; a financing "
        "does not issue a negative amount, so the filing is refused rather than recorded with the sign dropped")


def test_a_unicode_minus_sign_is_not_dropped(tmp_path):
    path = filing(tmp_path, "On March 3, 2011, the Company sold 845,594 shares of its common stock at \u2212$11.826 per share.")
    assert "'\u2212$11.826' is written with a minus sign, and was read as the price of a common_issued" in refusal(path)


@pytest.mark.parametrize("body", [
    "On March 3, 2011, the Company sold 845,594 shares of its Series A-1 common stock at $11.826 per share.",
    "On March 3, 2011, the Company sold one million shares (1,000,000) of its common stock at $11.826 per share.",
    "On March 3, 2011, the Company sold 845,594 shares of its common stock at $11.826 per share under Rule 10b-5.",
])
def test_hyphens_and_parentheses_are_not_minus_signs(tmp_path, body):
    assert ingest_file(None, filing(tmp_path, body), dry_run=True).status == "dry-run"


def test_an_implausible_share_count_is_refused(tmp_path):
    path = filing(tmp_path, "On March 3, 2011, the Company sold 1,000,000,000,000,000 shares of its common stock at "
                            "$11.826 per share.")
    error = refusal(path)
    assert error.startswith(f"{path}: 1,000,000,000,000,000 is read as the shares of a common_issued from ")
    assert error.endswith("over 1,000,000,000,000 shares is no issuer's, so it is taken as a misreading and the "
                          "filing is refused")


def test_a_zero_price_is_kept_with_a_warning_naming_file_and_figure(tmp_path, run):
    path = filing(tmp_path, "On March 3, 2011, the Company sold 845,594 shares of its common stock at $0 per share.")
    outcome = ingest_file(None, path, dry_run=True)
    assert [e.price for e in outcome.events if isinstance(e, CommonIssued)] == [Decimal(0)]
    warning = (f"{path}: price is 0 in the common_issued from \"On March 3, 2011, the Company sold 845,594 shares of "
               "its common stock at $0 per ...\"; a sale at zero is implausible, check it")
    assert warning in outcome.warnings
    result = run("--db", tmp_path / "l.db", "ingest", path)
    assert result.exit_code == 0 and f"warning: {warning}" in result.stderr.splitlines()


def test_an_impossible_date_of_a_sale_is_not_swapped_for_another(tmp_path):
    path = filing(tmp_path, "On February 30, 2011, the Company sold 845,594 shares of its common stock at $11.826 "
                            "per share.")
    assert refusal(path) == (
        f"{path}: 'February 30, 2011' is not a calendar date, and it is in the paragraph a common_issued is read "
        "and dated from; refusing the filing rather than date it by a guess")


def test_an_impossible_date_of_report_is_not_swapped_for_the_signature_date(tmp_path):
    path = filing(tmp_path, WRAPS["comma"][0])
    path.write_text(path.read_text().replace("reported): March 3, 2011", "reported): February 30, 2011"))
    assert refusal(path) == (
        f"{path}: 'February 30, 2011' is not a calendar date, and it is on the cover page, where the filing's own "
        "dates are read; refusing the filing rather than date it by a guess")


def test_an_impossible_date_nothing_is_read_from_is_a_warning(tmp_path):
    body = WRAPS["comma"][0] + "\n\nItem 8.01 Other Events\n\nThe annual meeting will be held on June 31, 2011."
    outcome = ingest_file(None, filing(tmp_path, body), dry_run=True)
    assert outcome.status == "dry-run"
    assert [e.shares for e in outcome.events if isinstance(e, CommonIssued)] == [845594]
    assert f"{tmp_path / 'wrapped.txt'}: 'June 31, 2011' is not a calendar date; no fact is dated by it" in outcome.warnings


# -- property: a figure wrapped at any of its breaks reads whole ------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1_000, 10 ** 13), cents=st.none() | st.integers(0, 999), dollar=st.booleans(),
       where=st.integers(0, 100), indent=st.sampled_from(["", " ", "   ", "\t"]),
       trail=st.sampled_from(["", " ", "  "]))
def test_a_figure_wrapped_at_any_comma_or_point_reads_whole(n, cents, dollar, where, indent, trail):
    figure = f"{n:,}" + (f".{cents:03d}" if cents is not None and dollar else "")
    text = ("$" if dollar else "") + figure
    # Every place a line may break inside the figure: after "$", after each comma, after the point.
    breaks = [i + 1 for i, c in enumerate(text) if c in ",." or (c == "$" and i == 0)]
    at = breaks[where % len(breaks)]
    wrapped = text[:at] + trail + "\n" + indent + text[at:]
    assert normalise(f"The total was {wrapped} in all.") == f"The total was {text} in all."


@settings(max_examples=100, deadline=None)
@given(items=st.lists(st.integers(0, 99), min_size=2, max_size=6))
def test_a_list_of_small_numbers_wrapped_after_a_comma_stays_a_list(items):
    text = "items " + ",\n".join(map(str, items)) + " in all"
    assert normalise(text) == "items " + ", ".join(map(str, items)) + " in all"
