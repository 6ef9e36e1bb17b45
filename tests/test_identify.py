"""identify(): issuer, date, form and public date per kind of document; a missing cover page is a
warning, not a refusal; only a document that names no issuer is refused."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.errors import LedgerError
from ledger.extract import NotAFiling, extract
from ledger.extract.cover import read_cover
from ledger.extract.identify import NoIssuer, identify
from ledger.extract.segment import segment
from ledger.intake import read_filing
from ledger.text.normalise import normalise

HERE = Path(__file__).parent
EXAMPLES = sorted((HERE.parent / "examples" / "filings").glob("*.txt"))


def _identify(text: str, header=None):
    document = segment(text, "8-K" if header else None)
    return identify(text, header, document.kind, document=document)


def test_a_filing_without_a_cover_page_takes_its_issuer_and_date_from_the_text_with_warnings():
    filing = read_filing(HERE / "formats" / "releases" / "coverless_8k.txt")
    assert filing.kind == "8-K"
    found = _identify(filing.normalised)
    assert (found.issuer_name, found.report_date, found.form, found.public_date) == (
        "Ostrander Biologics Corporation", date(2015, 6, 3), "8-K", None)
    assert found.warnings == (
        "issuer read from the text, not the cover page: Ostrander Biologics Corporation",
        "no date of report on the cover and no signature date; the first date in the text (2015-06-03) is used")
    assert [q.text for q in found.quotes] == ["Ostrander Biologics Corporation", "June 3, 2015"]
    assert all(filing.normalised[q.start:q.end] == q.text for q in found.quotes)


def test_a_coverless_filing_is_extracted_not_refused():
    filing = read_filing(HERE / "formats" / "releases" / "coverless_8k.txt")
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                     source_name="coverless_8k.txt", header=filing.header)
    assert result.events[0].issuer.name == "Ostrander Biologics Corporation"
    assert "coverless_8k.txt: issuer read from the text, not the cover page: Ostrander Biologics Corporation" \
        in result.warnings
    assert [(e.shares, str(e.price)) for e in result.events[1:] if hasattr(e, "price")] == [(1_250_000, "2.00")]


def test_the_company_defined_as_the_company_is_the_issuer():
    text = normalise("Item 8.01 Other Events.\n\nOn May 2, 2011, Larkspur Mining Corp. (the \"Company\") sold "
                     "100,000 shares of common stock to an investor. The Company filed this with the Securities and "
                     "Exchange Commission.")
    found = _identify(text)
    assert found.issuer_name == "Larkspur Mining Corp."
    assert found.warnings[0] == "issuer read from the text, not the cover page: Larkspur Mining Corp."


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_readable_cover_gives_what_it_gave_before_and_no_warning(path):
    filing = read_filing(path)
    cover = read_cover(filing.normalised)
    found = _identify(filing.normalised, filing.header)
    header = filing.header
    assert found.issuer_name == cover.issuer_name or (header and header.company)
    assert found.report_date == ((header and header.period) or cover.report_date or cover.signature_date)
    assert found.form == ((header and header.form_type) or cover.form or "8-K")
    assert found.quotes == cover.quotes


def test_no_issuer_anywhere_is_refused_in_one_line():
    with pytest.raises(NoIssuer, match="^no registrant name found on the cover page, in the SEC header or in the text$"):
        _identify("FORM 8-K\nsomething")
    with pytest.raises(LedgerError, match="no registrant name"):
        extract("FORM 8-K\nsomething", stream="s", raw_sha256="0", source_name="x.txt")


def test_a_release_names_its_issuer_from_the_lead_past_tickers_and_markup():
    text = normalise("Headline\n\nLONDON, 5 March 2013 -- **Greyfriars Instruments plc** (LSE: GFI) (AIM: GFI) "
                     "(\"Greyfriars\" or the \"Company\") is pleased to announce a placing of 8,000,000 new shares.")
    found = _identify(text)
    assert (found.issuer_name, found.report_date, found.public_date, found.form) == (
        "Greyfriars Instruments plc", date(2013, 3, 5), date(2013, 3, 5), "press release")
    assert found.warnings == ()


def test_a_release_without_an_issuer_is_refused():
    text = normalise("NEW YORK, Jan. 4, 2010 (GLOBE NEWSWIRE) -- today something happened to the markets.")
    with pytest.raises(NotAFiling, match="no registrant name found"):
        extract(text, stream="s", raw_sha256="0", source_name="x.txt")
