"""ledger.formats: every filing format read from its content into header, body and exhibits.

The inputs in tests/formats/ are small files written for these tests, imitating each structure:
a 1990s PEM-enveloped full submission, a modern inline-XBRL full submission, an .nc feed file
with bare CR line endings, HTML primary documents, Windows-1252 text and broken files.
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from ledger.errors import BadInput
from ledger.formats import Document, Header, Submission, detect, html_to_text, read_submission
from ledger.text.normalise import normalise

INPUTS = Path(__file__).resolve().parent / "formats"


def read(name: str, as_name: str | None = None) -> Submission:
    return read_submission((INPUTS / name).read_bytes(), as_name or name)


def paragraphs(doc: Document) -> list[str]:
    """The document's paragraphs as the ledger normalises them (one a line)."""
    return normalise(doc.text).split("\n")


def in_one_paragraph(sentence: str, doc: Document) -> bool:
    """The sentence is whole, in reading order, inside one normalised paragraph."""
    return any(sentence in paragraph for paragraph in paragraphs(doc))


# --- a 1990s full submission in a PEM envelope --------------------------------------------------

@pytest.fixture(scope="module")
def pem() -> Submission:
    return read("pem_1997_full_submission.txt")


def test_pem_header(pem):
    assert pem.format == "sgml"
    assert pem.header == Header(
        accession="0000912345-97-000042", form_type="8-K", period=date(1997, 8, 1),
        filed=date(1997, 8, 14), company="BLUEWATER INSTRUMENTS INC", cik="912345",
        file_number="000-21987", irs_number="941234567",
        items=("Other events", "Financial statements and exhibits"))
    assert pem.warnings == ()


def test_pem_body_is_the_plain_text_8k(pem):
    assert (pem.body.type, pem.body.sequence, pem.body.filename) == ("8-K", 1, None)
    text = pem.body.text
    for gone in ("<PAGE>", "<TABLE>", "</TABLE>", "<CAPTION>", "<S>", "<C>", "PRIVACY-ENHANCED",
                 "Proc-Type", "MIC-Info", "ACCESSION NUMBER", "<TEXT>", "<DOCUMENT>"):
        assert gone not in text
    assert "Series A Convertible Preferred Stock          500,000       $10.00" in text   # table text kept
    assert in_one_paragraph('On August 1, 1997, Bluewater Instruments, Inc. (the "Company") sold 500,000 shares of its '
            "Series A Convertible Preferred Stock to two institutional investors for an aggregate "
            "purchase price of $5,000,000.", pem.body)


def test_pem_sentence_across_a_page_break_is_whole(pem):
    assert in_one_paragraph("The Company also issued to the investors warrants to purchase 125,000 shares of its common "
            "stock at an exercise price of $6.50 per share, which may be exercised at any time during "
            "the five years following the date of issuance.", pem.body)
    assert "-2-" not in pem.body.text


def test_pem_exhibit(pem):
    assert [(d.type, d.sequence) for d in pem.exhibits] == [("EX-99", 2)]
    assert in_one_paragraph("PORTLAND, Maine, August 4, 1997 -- Bluewater Instruments, Inc. (Nasdaq: BWIN) today "
            "announced that it has completed the private sale of $5 million of its Series A "
            "Convertible Preferred Stock.", pem.exhibits[0])


# --- a modern full submission with inline XBRL --------------------------------------------------

@pytest.fixture(scope="module")
def modern() -> Submission:
    return read("modern_ixbrl_full_submission.txt")


def test_modern_header(modern):
    assert modern.format == "sgml"
    h = modern.header
    assert h.accession == "0001999999-25-000123"
    assert h.form_type == "8-K"
    assert h.period == date(2025, 3, 7)
    assert h.filed == date(2025, 3, 10)
    assert h.company == "Northwind Therapeutics, Inc."        # not the former name
    assert h.cik == "1999999"
    assert h.file_number == "001-41234"
    assert h.irs_number == "861234567"                         # modern headers say EIN
    assert h.items == ("Unregistered Sales of Equity Securities", "Financial Statements and Exhibits")
    assert modern.warnings == ()


def test_modern_body_is_the_inline_xbrl_8k_as_text(modern):
    body = modern.body
    assert (body.type, body.sequence, body.filename) == ("8-K", 1, "nwtx-20250307.htm")
    assert in_one_paragraph("On March 7, 2025, Northwind Therapeutics, Inc. (the \u201cCompany\u201d) sold 2,500,000 "
            "shares of its common stock to accredited investors at a price of $4.00 per share in a "
            "private placement.", body)
    assert in_one_paragraph("The Company also issued to the investors warrants to purchase up to 1,250,000 shares of "
            "common stock at an exercise price of $5.00 per share, exercisable for five years.", body)
    paras = paragraphs(body)
    assert "Item 3.02 Unregistered Sales of Equity Securities." in paras      # one table row
    assert "UNITED STATES" in paras and "SECURITIES AND EXCHANGE COMMISSION" in paras   # <br>
    assert "Delaware 001-41234 86-1234567" in paras
    assert "(State or other jurisdiction of incorporation) (Commission File Number) (IRS Employer Identification No.)" in paras
    assert "99.1 Press release dated March 7, 2025." in paras


def test_modern_hidden_xbrl_header_and_styles_are_gone(modern):
    text = modern.body.text + "".join(d.text for d in modern.exhibits)
    for hidden in ("HIDDEN-AMENDMENT-FLAG-FALSE", "HIDDEN-CONTEXT-IDENTIFIER", "0001999999",
                   "2025-03-07", "xbrli", "margin", "nwtx-20250307", "<", "&#160;", "\u00a0"):
        assert hidden not in text


def test_modern_exhibits_skip_binaries_and_xbrl(modern):
    assert [(d.type, d.sequence, d.filename) for d in modern.exhibits] == [
        ("EX-10.1", 2, "ex10-1.htm"), ("EX-99.1", 3, "ex99-1.htm")]
    every = "".join(d.text for d in (modern.body, *modern.exhibits))
    assert "SCHEMA-DOCUMENTATION-MUST-NOT-APPEAR" not in every       # EX-101.SCH
    assert "VIEWER-PAGE-MUST-NOT-APPEAR" not in every                # TYPE XML R1.htm
    assert "begin 644" not in every and "\nM" not in every            # uuencoded GRAPHIC / ZIP


def test_modern_press_release(modern):
    release = modern.exhibits[1]
    assert paragraphs(release)[:2] == ["Exhibit 99.1", "Northwind Therapeutics Announces $10.0 Million Private Placement"]
    # &#150; is Windows-1252 for an en dash; &#160; a no-break space.
    assert in_one_paragraph("BOSTON, March 7, 2025 \u2013 Northwind Therapeutics, Inc. (Nasdaq: NWTX) today announced that "
            "it has sold 2,500,000 shares of common stock at $4.00 per share, for gross proceeds of "
            "$10.0 million.", release)


def test_a_page_break_after_a_whole_sentence_joins_nothing(modern):
    paras = paragraphs(modern.body)
    after = paras.index("The warrants may not be exercised to the extent the holder would own more than "
                        "4.99% of the outstanding shares.")
    assert paras[after - 1].endswith("exercisable for five years.")      # the page number "2" is gone


def test_a_sentence_cut_by_an_html_page_break_is_put_back_together():
    html = ("<p>The Company may redeem the notes at a price equal to the sum of the remaining payments, discounted "
            "to present value on a semi-annual basis</p><p>&#160;</p><p style='text-align:center'>7</p>"
            "<div style='page-break-before: always'></div>"
            "<p>(assuming a 360-day year) plus accrued interest.</p>"
            "<p>The notes are unsecured obligations of the Company.</p>"
            "<div style='page-break-after: always'>8</div><p>Table of Contents</p>")
    assert html_to_text(html).split("\n\n") == [
        "The Company may redeem the notes at a price equal to the sum of the remaining payments, discounted to "
        "present value on a semi-annual basis (assuming a 360-day year) plus accrued interest.",
        "The notes are unsecured obligations of the Company.", "8", "Table of Contents"]


# --- .nc feed file with bare CR line endings ------------------------------------------------------

def test_nc_feed_file_with_bare_cr():
    raw = (INPUTS / "feed_bare_cr.nc").read_bytes()
    assert b"\r" in raw and b"\n" not in raw                      # the input really is CR-only
    nc = read_submission(raw, "feed.txt")                          # the name does not matter
    assert nc.format == "nc"
    assert nc.header == Header(
        accession="0001888888-24-000017", form_type="8-K/A", period=date(2024, 9, 30),
        filed=date(2024, 10, 2), company="KESTREL GRID SYSTEMS CORP", cik="1888888",
        file_number="000-56123", irs_number="271234567", items=("3.02", "9.01"))
    assert (nc.body.type, nc.body.sequence, nc.body.filename) == ("8-K/A", 1, "kgs-8ka.htm")
    assert in_one_paragraph("On September 30, 2024, Kestrel Grid Systems Corp. issued 400,000 shares of Series B "
            "Preferred Stock to a single investor for $2,000,000.", nc.body)
    assert "\r" not in nc.body.text
    assert [(d.type, d.text) for d in nc.exhibits] == [
        ("EX-99.1", "Kestrel Grid Systems closes $2.0 million preferred stock financing.")]


# --- HTML primary documents -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def htm() -> Submission:
    return read("standalone_8k.htm", "8k.txt")


def test_standalone_htm(htm):
    assert (htm.format, htm.header, htm.exhibits, htm.warnings) == ("html", None, (), ())
    assert (htm.body.type, htm.body.sequence, htm.body.filename) == ("8-K", None, None)


def test_htm_sentence_split_across_span_and_font_is_one_sentence(htm):
    assert in_one_paragraph("On June 3, 2016, Harbor Light Optics, Inc. (the \u201cCompany\u201d) entered into a Securities "
            "Purchase Agreement with certain accredited investors for the sale of 1,000,000 shares of "
            "common stock at $1.25 per share, together with convertible notes in the principal amount "
            "of $500,000.", htm.body)


def test_htm_nbsp_blocks_footnotes_and_hidden(htm):
    paras = paragraphs(htm.body)
    assert "Date of Report (Date of earliest event reported): June 3, 2016" in paras
    assert "Item 1.01 Entry into a Material Definitive Agreement." in paras
    assert "The Company paid the placement agent a cash fee of $87,500." in paras   # no "87,5001"
    assert paras[:3] == ["UNITED STATES", "SECURITIES AND EXCHANGE COMMISSION", "FORM 8-K"]
    assert ["10.1 Securities Purchase Agreement", "10.2 Form of Convertible Note"] == paras[-3:-1]
    for hidden in ("SCRIPT-TEXT", "STYLE-RULE", "IX-HEADER", "HIDDEN-DIV", "HIDDEN-SPAN", "Form 8-K\n"):
        assert hidden not in htm.body.text
    assert "\u00a0" not in htm.body.text


def test_htm_paragraphs_are_separated_by_blank_lines(htm):
    assert "\n\n" in htm.body.text
    assert all(line.strip() for line in htm.body.text.split("\n\n"))


def test_htm_wrapped_in_a_bare_document_block():
    s = read("wrapped_document.htm")
    assert (s.format, s.header) == ("html", None)
    assert (s.body.type, s.body.sequence, s.body.filename) == ("8-K", 1, "hlo-8k.htm")
    # display:inline on <font> inside display:block <div>s: one sentence, one paragraph each.
    assert paragraphs(s.body) == ["FORM 8-K", "On July 1, 2016, the Company sold 250,000 shares of common stock for $300,000."]


def test_html_to_text_tables_and_cells():
    html = ("<table><tr><td>(a)</td><td><p>The Company issued 5,000 shares.</p><p>It paid $1,000.</p></td></tr>"
            "<tr><td>Item 3.02</td><td>Unregistered Sales</td></tr></table>")
    assert html_to_text(html) == "(a) The Company issued 5,000 shares.\n\nIt paid $1,000.\n\nItem 3.02 Unregistered Sales"


def test_html_to_text_pre_keeps_lines():
    text = html_to_text("<html><body><pre>FORM 8-K\n\nThe Company sold\n100 shares.\n</pre></body></html>")
    assert normalise(text) == "FORM 8-K\nThe Company sold 100 shares."


# --- plain text and encodings -----------------------------------------------------------------------

def test_windows_1252_text():
    s = read("windows1252_8k.txt")
    assert (s.format, s.header, s.exhibits) == ("text", None, ())
    assert s.body.type == "8-K"
    assert "\r" not in s.body.text
    assert in_one_paragraph("On May 2, 2001, Copperfield Labs, Inc. (the \u201cCompany\u201d) sold 300,000 shares of common "
            "stock at $2.00 per share to the Company\u2019s principal investor.", s.body)


def test_plain_text_body_is_the_whole_text():
    example = Path(__file__).resolve().parents[1] / "examples" / "filings" / "000_ba47be5c523c5283.txt"
    raw = example.read_bytes()
    s = read_submission(raw, example.name)
    assert (s.format, s.header, s.exhibits, s.warnings) == ("text", None, (), ())
    assert s.body.text == raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def test_format_is_told_from_content_not_name():
    for name, expected in [("pem_1997_full_submission.txt", "sgml"), ("feed_bare_cr.nc", "nc"),
                           ("standalone_8k.htm", "html"), ("windows1252_8k.txt", "text")]:
        assert read(name, "filing.bin").format == expected
    assert detect("<DOCUMENT>\n<TYPE>8-K\n<TEXT>\n<html></html>\n</TEXT>\n</DOCUMENT>\n") == "document"
    assert detect("SECURITIES AND EXCHANGE COMMISSION\n<TABLE>\n<S>  <C>\n</TABLE>\n") == "text"


# --- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, problem", [
    ("bad_truncated.txt", "truncated: <DOCUMENT> 3 has no </DOCUMENT>"),
    ("bad_empty_text.txt", "the 8-K document's <TEXT> is empty"),
    ("bad_no_body_text.htm", "HTML with no body text"),
    ("bad_no_documents.txt", "no <DOCUMENT> in the submission"),
])
def test_bad_input(name, problem):
    with pytest.raises(BadInput) as caught:
        read(name)
    assert caught.value.problem == problem
    assert str(caught.value) == f"{name}: {problem}"
    assert "\n" not in str(caught.value)


def test_header_with_no_accession_is_a_warning():
    s = read("warn_no_accession.txt")
    assert s.header.accession is None
    assert s.header.form_type == "8-K" and s.header.filed == date(2003, 6, 12)
    assert s.warnings == ("header has no accession number",)
    assert "Pinecrest Foods Inc. sold 10,000 shares of common stock." in s.body.text


def test_accession_from_the_sec_document_line_when_the_header_lacks_it():
    raw = (INPUTS / "warn_no_accession.txt").read_bytes().replace(
        b"<SEC-DOCUMENT>\n", b"<SEC-DOCUMENT>0000777777-03-000005.txt : 20030612\n")
    s = read_submission(raw, "x.txt")
    assert s.header.accession == "0000777777-03-000005"
    assert len(s.warnings) == 1 and "no accession number" in s.warnings[0]


def test_no_document_of_the_submission_type_falls_back_to_the_first():
    raw = (INPUTS / "pem_1997_full_submission.txt").read_bytes().replace(
        b"CONFORMED SUBMISSION TYPE:\t8-K", b"CONFORMED SUBMISSION TYPE:\t8-K/A")
    s = read_submission(raw, "x.txt")
    assert s.header.form_type == "8-K/A"
    assert s.body.type == "8-K" and [d.type for d in s.exhibits] == ["EX-99"]
    assert s.warnings == ("no document of the submission type 8-K/A; document 1 (8-K) is taken as the main document",)


# --- size ---------------------------------------------------------------------------------------------

def test_a_50_mb_submission_with_uuencoded_graphics_is_quick():
    head = (INPUTS / "modern_ixbrl_full_submission.txt").read_text(encoding="ascii")
    head = head[:head.index("</SEC-DOCUMENT>")]
    line = "M" + "5&]R;2`X+4L@8W5R<F5N=\"!R97!O<G0@8GD@;F]R=&AW:6YD(&%N9\"!O=&AE<G,@,3(S-#4V"[:60]
    graphic = "\n".join([line] * 12_000)
    docs = "".join(f"<DOCUMENT>\n<TYPE>GRAPHIC\n<SEQUENCE>{n}\n<FILENAME>g{n}.jpg\n<TEXT>\n"
                   f"begin 644 g{n}.jpg\n{graphic}\n`\nend\n</TEXT>\n</DOCUMENT>\n" for n in range(10, 80))
    raw = (head + docs + "</SEC-DOCUMENT>\n").encode("ascii")
    assert len(raw) > 50_000_000
    started = time.perf_counter()
    s = read_submission(raw, "big.txt")
    assert time.perf_counter() - started < 10
    assert s.body.type == "8-K" and [d.type for d in s.exhibits] == ["EX-10.1", "EX-99.1"]


def test_ims_header_of_the_earliest_submissions():
    raw = (INPUTS / "pem_1997_full_submission.txt").read_bytes()
    raw = raw.replace(b"<SEC-DOCUMENT>", b"<IMS-DOCUMENT>").replace(b"SEC-HEADER>", b"IMS-HEADER>")
    s = read_submission(raw, "x.txt")
    assert (s.format, s.header.accession, s.header.company) == ("sgml", "0000912345-97-000042", "BLUEWATER INSTRUMENTS INC")


def test_bare_document_block_with_plain_text():
    raw = b"<DOCUMENT>\n<TYPE>8-K\n<SEQUENCE>1\n<TEXT>\nFORM 8-K\n\nThe Company sold 10 shares.\n</TEXT>\n</DOCUMENT>\n"
    s = read_submission(raw, "x.txt")
    assert (s.format, s.header, s.body.type, s.body.text) == ("sgml", None, "8-K", "FORM 8-K\n\nThe Company sold 10 shares.")
