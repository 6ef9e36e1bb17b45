"""Forms beyond the 8-K: which family a form is, the form a headerless cover names, and the date
each family is dated by."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from ledger.extract import extract
from ledger.text.normalise import normalise
from ledger.formats.forms import CURRENT, PERIODIC, PROSPECTUS, REGISTRATION, family, form_on_cover


@pytest.mark.parametrize("form, fam", [
    ("8-K", CURRENT), ("8-K/A", CURRENT), ("6-K", CURRENT), ("press release", CURRENT), (None, CURRENT),
    ("10-Q", PERIODIC), ("10-Q/A", PERIODIC), ("10-K", PERIODIC), ("10-QSB", PERIODIC), ("10-KSB", PERIODIC),
    ("10-K405", PERIODIC), ("20-F", PERIODIC), ("40-F", PERIODIC),
    ("424B1", PROSPECTUS), ("424B3", PROSPECTUS), ("424B4", PROSPECTUS), ("424B5", PROSPECTUS),
    ("S-1", REGISTRATION), ("S-1/A", REGISTRATION), ("S-3", REGISTRATION), ("S-3ASR", REGISTRATION),
    ("F-1", REGISTRATION), ("F-3", REGISTRATION), ("F-3/A", REGISTRATION), ("SB-2", REGISTRATION),
])
def test_family(form, fam):
    assert family(form) == fam


@pytest.mark.parametrize("cover, form", [
    ("SECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\n\nFORM 10-Q\n", "10-Q"),
    ("UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\n\nFORM 10-KSB\n\nANNUAL REPORT UNDER SECTION 13", "10-KSB"),
    ("[X] QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT", "10-Q"),
    ("Filed Pursuant to Rule 424(b)(5)\nRegistration No. 333-271234\n\nPROSPECTUS SUPPLEMENT", "424B5"),
    ("Filed pursuant to Rule 424 (b) (4)\n", "424B4"),
    ("As filed with the Securities and Exchange Commission on May 1, 2023\n\nFORM S-3\nREGISTRATION STATEMENT", "S-3"),
    ("FORM 6-K\n\nREPORT OF FOREIGN PRIVATE ISSUER", "6-K"),
    ("REPORT OF FOREIGN PRIVATE ISSUER\nPursuant to Rule 13a-16", "6-K"),
    ("FORM 20-F\n[ ] REGISTRATION STATEMENT", "20-F"),
    # A form named in a sentence about another filing is not this document's form.
    ("as described in our Annual Report on Form 10-K, ...\n\nFORM 8-K\nCURRENT REPORT", "8-K"),
    ("the Company filed with the Commission on Form 10-Q", None),
    ("The Company will file a Form 10-Q for the quarter", None),
    ("AMENDMENT NO. 2 TO FORM S-1\nREGISTRATION STATEMENT UNDER THE SECURITIES ACT OF 1933", "S-1"),
])
def test_form_on_cover(cover, form):
    found = form_on_cover(cover)
    assert (found[0] if found else None) == form
    if found:
        assert cover[found[1]:found[2]].upper().replace(" ", "").startswith(("FORM", "RULE", "QUARTERLY", "REPORT"))


def _extract(text: str):
    text = normalise(text)        # as ingest reads a file (ledger/intake.py)
    return extract(text, stream="sha256:" + "0" * 64, raw_sha256="0" * 64, source_name="t.txt")


_COVER = """                      SECURITIES AND EXCHANGE COMMISSION
                            Washington, D.C. 20549

{form_line}

{date_line}

                      Commission file number 0-29841

                          HALVORSEN BIOLOGICS, INC.
            (Exact name of registrant as specified in its charter)

{body}

                                  SIGNATURES

Date: {signed}                   By: /s/ Jane Roe
"""


def test_a_10q_is_dated_by_its_period_and_public_on_its_signature():
    e = _extract(_COVER.format(form_line="FORM 10-Q", date_line="For the quarterly period ended March 31, 2001",
                               body="Nothing to report.", signed="May 14, 2001")).events[0]
    assert (e.form, e.report_date, e.public_date, e.effective_date) == ("10-Q", date(2001, 3, 31), date(2001, 5, 14),
                                                                       date(2001, 3, 31))
    assert any(q.text == "March 31, 2001" for q in e.provenance.quotes)


def test_a_prospectus_is_dated_by_the_supplement_not_its_base_prospectus():
    text = _COVER.format(
        form_line="Filed Pursuant to Rule 424(b)(5)\nRegistration No. 333-254321",
        date_line="PROSPECTUS SUPPLEMENT\n(To Prospectus dated January 4, 2024)",
        body="The date of this prospectus supplement is March 5, 2024.\n\nPROSPECTUS\n\n"
             "The date of this prospectus is January 4, 2024.", signed="")
    e = _extract(text.replace("Date: ", "")).events[0]
    assert (e.form, e.report_date, e.public_date) == ("424B5", date(2024, 3, 5), date(2024, 3, 5))


def test_a_registration_statement_is_dated_by_its_filing():
    text = _COVER.format(form_line="FORM S-3\nREGISTRATION STATEMENT UNDER THE SECURITIES ACT OF 1933",
                         date_line="As filed with the Securities and Exchange Commission on June 2, 2023",
                         body="We may offer up to $100,000,000 of common stock from time to time.", signed="")
    e = _extract(text.replace("Date: ", "")).events[0]
    assert (e.form, e.report_date, e.public_date) == ("S-3", date(2023, 6, 2), date(2023, 6, 2))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(1993, 1, 1), max_value=date(2030, 12, 31)),
       label=st.sampled_from(["For the quarterly period ended", "For the fiscal year ended",
                              "FOR THE QUARTERLY PERIOD ENDED", "For the period ended", "For the quarter ended"]),
       form=st.sampled_from(["10-Q", "10-K", "10-QSB", "10-KSB"]))
def test_any_period_label_and_date_dates_a_periodic_report(day, label, form):
    written = f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
    e = _extract(_COVER.format(form_line=f"FORM {form}", date_line=f"{label} {written}", body="None.",
                               signed="May 14, 2031")).events[0]
    assert (e.form, e.report_date) == (form, day)


def test_a_prospectus_that_never_names_the_commission_is_read():
    """A 424B cover names its rule; it need not say "Securities and Exchange Commission"."""
    from ledger.extract.segment import EIGHT_K, document_kind
    text = normalise("Filed Pursuant to Rule 424(b)(5)\nRegistration No. 333-254321\n\nPROSPECTUS SUPPLEMENT\n\n"
                     "Acme Therapeutics, Inc.\n\n2,000,000 Shares of Common Stock\n")
    assert document_kind(text) == EIGHT_K


def test_a_small_business_issuer_names_itself_in_its_charter():
    text = _COVER.format(form_line="FORM 10-KSB", date_line="For the fiscal year ended December 31, 2005",
                         body="None.", signed="March 30, 2006").replace(
        "(Exact name of registrant as specified in its charter)", "(Name of small business issuer in its charter)")
    e = _extract(text).events[0]
    assert (e.issuer.name, e.form, e.report_date) == ("HALVORSEN BIOLOGICS, INC.", "10-KSB", date(2005, 12, 31))
