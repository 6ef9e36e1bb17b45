"""Periodic reports (10-Q, 10-K, 10-KSB, 20-F): the cover's shares outstanding become balances, and
only the sales items (and the subsequent-events note) are read for sales. Through the library, the
CLI in-process and once as a real process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from ledger.extract import extract, periodic
from ledger.formats.xbrl import cover_facts
from ledger.intake import read_filing
from ledger.text.normalise import normalise

FILINGS = Path(__file__).resolve().parent / "filings"
Q1998 = FILINGS / "quarterly_1998_plain.txt"
K2006 = FILINGS / "quarterly_2006_cover_table.txt"
Q2024 = FILINGS / "quarterly_2024_ixbrl.htm"
F2019 = FILINGS / "annual_20f_2019.txt"


def _extract(path: Path):
    filing = read_filing(path)
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256, source_name=path.name,
                     header=filing.header, cover_facts=filing.cover_facts)
    return filing, result


def _of(result, type_):
    return [e for e in result.events if e.TYPE == type_]


def _balances(path: Path):
    filing, result = _extract(path)
    return periodic.cover_balances(filing.normalised, period=result.events[0].report_date, facts=filing.cover_facts)


# --- cover balances ------------------------------------------------------------------------------

def test_the_1990s_sentence_is_a_balance_at_its_own_date():
    _, result = _extract(Q1998)
    [balance] = _of(result, "balance_assertion")
    assert (balance.effective_date, balance.figure, balance.value) == (date(1998, 5, 8), "common_shares", 9_482_116)
    assert balance.provenance.quotes[0].text == ("As of May 8, 1998, 9,482,116 shares of the registrant's Common "
                                                 "Stock, $.001 par value, were outstanding.")
    [b] = _balances(Q1998)
    assert b.security == "Common Stock"


def test_the_cover_table_row_is_a_balance_dated_by_its_header_and_preferred_is_left_out():
    _, result = _extract(K2006)
    [balance] = _of(result, "balance_assertion")
    assert (balance.effective_date, balance.value) == (date(2006, 3, 24), 31_874_202)
    row, header = balance.provenance.quotes
    assert row.text.startswith("Common Stock, $0.001 par value 31,874,202 shares")
    assert header.text == "Class Outstanding at March 24, 2006"
    # The market value held by non-affiliates (and the shares it is based on) and the preferred row are no balance.
    values = {b.shares for b in _balances(K2006)}
    assert values == {31_874_202}
    assert 21_647_058 not in values and 500_000 not in values


def test_inline_xbrl_facts_give_one_balance_a_class_quoted_where_the_value_shows():
    filing, result = _extract(Q2024)
    balances = _of(result, "balance_assertion")
    assert [(b.effective_date, b.value) for b in balances] == [(date(2024, 8, 2), 41_208_337), (date(2024, 8, 2), 6_250_000)]
    assert [b.provenance.quotes[0].text for b in balances] == ["41,208,337", "6,250,000"]
    for b in balances:
        q = b.provenance.quotes[0]
        assert filing.normalised[q.start:q.end] == q.text
        assert b.provenance.quotes[1].text.startswith("As of August 2, 2024, the registrant had 41,208,337 shares")
    assert [(b.security, b.source) for b in _balances(Q2024)] == [
        ("Class A Common Stock, par value $0.0001 per share", "xbrl"),    # the 12(b) title of the same class member
        ("Class B Common Stock", "xbrl")]                                 # the member's name in words


def test_a_20f_count_as_of_the_close_of_the_period_is_dated_at_the_fiscal_year_end():
    _, result = _extract(F2019)
    [balance] = _of(result, "balance_assertion")
    assert (balance.effective_date, balance.value) == (date(2019, 12, 31), 58_214_906)
    [b] = _balances(F2019)
    assert b.security == "Ordinary Shares"          # the ADSs' 20,600,000 shares are part of it, not a balance


def test_balances_read_from_the_words_of_an_inline_filing_agree_with_its_tags():
    filing = read_filing(Q2024)
    written = periodic.text_balances(filing.normalised)
    assert [(b.on, b.shares, b.security) for b in written] == [
        (date(2024, 8, 2), 41_208_337, "Class A common stock"), (date(2024, 8, 2), 6_250_000, "Class B common stock")]
    # Told by both, a balance is recorded once.
    assert len(periodic.cover_balances(filing.normalised, facts=filing.cover_facts)) == 2


@pytest.mark.parametrize("cover, expected", [
    ("FORM 10-Q\nThe number of shares outstanding of the registrant's Common Stock, $.01 par value, as of April 30, "
     "1998 was 7,654,321.", [(date(1998, 4, 30), 7_654_321, "Common Stock")]),
    ("FORM 10-K\nRegistrant had 5,000,000 shares of common stock outstanding at March 1, 2001.",
     [(date(2001, 3, 1), 5_000_000, "common stock")]),
    ("FORM 10-Q\nIndicate the number of shares outstanding of each of the issuer's classes of common stock, as of "
     "July 28, 2006: Class A common stock, $.01 par value: 10,000,000; Class B common stock, $.01 par value: 2,000,000.",
     [(date(2006, 7, 28), 10_000_000, "Class A common stock"), (date(2006, 7, 28), 2_000_000, "Class B common stock")]),
    ("FORM 10-Q\nAs of June 2, 2021, there were 648,107,991 shares of the registrant's common stock outstanding, "
     "consisting of 324,873,640 outstanding shares of Class C Common Stock and 323,234,351 outstanding shares of "
     "Class A Common Stock.",
     [(date(2021, 6, 2), 324_873_640, "Class C Common Stock"), (date(2021, 6, 2), 323_234_351, "Class A Common Stock")]),
    ("FORM 10-Q\nAPPLICABLE ONLY TO CORPORATE ISSUERS: Indicate the number of shares outstanding of each of the "
     "issuer's classes of common stock, as of the latest practicable date: 8,456,123 shares of Common Stock as of "
     "May 10, 2000.", [(date(2000, 5, 10), 8_456_123, "Common Stock")]),
    ("FORM 10-Q\nIndicate the number of shares outstanding of each of the issuer's classes of common stock as of the "
     "latest practicable date: Common stock, $0.01 par value - 80,960,792 shares outstanding as of August 3, 2016.",
     [(date(2016, 8, 3), 80_960_792, "Common stock")]),
    ("FORM 10-Q\nShares outstanding as of November 3, 2003: 4,218,770", [(date(2003, 11, 3), 4_218_770, "Common Stock")]),
    ("FORM 10-K\nThe aggregate market value of the common stock held by non-affiliates of the registrant as of June 30, "
     "2010 was $41,000,000. As of March 1, 2011, 12,000,000 shares of common stock and 300,000 shares of Series B "
     "Preferred Stock were outstanding.", [(date(2011, 3, 1), 12_000_000, "common stock")]),
])
def test_cover_wordings(cover, expected):
    assert [(b.on, b.shares, b.security) for b in periodic.text_balances(normalise(cover))] == expected


# --- what is read for sales ----------------------------------------------------------------------

def test_a_10q_is_read_for_sales_only_in_part_ii_item_2():
    _, result = _extract(Q1998)
    [sale] = _of(result, "common_issued")
    assert (sale.effective_date, sale.shares, sale.price, sale.consideration) == (
        date(1998, 2, 17), 1_200_000, Decimal("2.50"), Decimal("3000000"))
    # The MD&A and the equity note tell it again and tell a 1997 sale: none of it is read.
    assert [q.text[:24] for q in sale.provenance.quotes] == ["On February 17, 1998, th"]
    [warrant] = _of(result, "warrant_granted")
    assert (warrant.shares, warrant.exercise_price) == (60_000, Decimal("3.00"))
    [fee] = _of(result, "fee_paid")
    assert fee.cash == Decimal("180000")
    assert result.events[0].form == "10-Q"


def test_a_10ksb_item_5_new_sale_is_read_and_the_one_reported_before_is_not():
    _, result = _extract(K2006)
    assert result.events[0].form == "10-KSB"       # from the cover: the file has no SEC header
    sales = [(e.effective_date, e.shares, e.price) for e in _of(result, "common_issued")]
    assert sales == [(date(2005, 11, 14), 2_000_000, Decimal("0.75")),
                     (date(2006, 2, 21), 400_000, Decimal("0.85"))]      # the subsequent-events note
    [warrant] = _of(result, "warrant_granted")
    assert (warrant.shares, warrant.exercise_price, warrant.expires_on) == (1_000_000, Decimal("1.10"), date(2010, 11, 14))
    quoted = " ".join(q.text for e in result.events[1:] for q in e.provenance.quotes)
    # Not read: the 8-K's sale told again, the business section, MD&A, statements, the equity-plan table.
    for figure in ("1,600,000", "2,500,000", "3,600,000", "1,850,000", "29,104,551"):
        assert figure not in quoted


def test_an_inline_10q_with_item_2_none_records_only_its_balances():
    _, result = _extract(Q2024)
    assert {e.TYPE for e in result.events} == {"filing_recorded", "balance_assertion"}
    assert any("no financing facts found" in w for w in result.warnings)


def test_a_20f_reads_only_its_subsequent_events_note():
    _, result = _extract(F2019)
    [sale] = _of(result, "common_issued")
    assert (sale.effective_date, sale.shares, sale.price, sale.security) == (
        date(2020, 2, 24), 2_500_000, Decimal("1.40"), "Ordinary Shares")


def _kept(text: str) -> list[str]:
    text = normalise(text)
    lines = text.split("\n")
    return [lines[i] for i in sorted(periodic.sale_paragraphs(text))]


def test_item_5_subsections_turn_reading_on_and_off():
    text = """PART II

ITEM 5. MARKET FOR REGISTRANT'S COMMON EQUITY, RELATED STOCKHOLDER MATTERS AND ISSUER PURCHASES OF EQUITY SECURITIES

Market Information

Our common stock trades on the Nasdaq Capital Market.

Recent Sales of Unregistered Securities

On May 2, 2012, we sold 100,000 shares of common stock to an investor at $1.00 per share.

Issuer Purchases of Equity Securities

We repurchased 20,000 shares in the fourth quarter.

ITEM 6. SELECTED FINANCIAL DATA

Not applicable.
"""
    assert _kept(text) == ["On May 2, 2012, we sold 100,000 shares of common stock to an investor at $1.00 per share."]


def test_part_i_item_2_is_not_part_ii_item_2_and_use_of_proceeds_is_not_read():
    text = """PART I

Item 2. Management's Discussion and Analysis of Financial Condition and Results of Operations

We sold 500,000 shares of common stock in our initial public offering.

PART II

Item 2. Unregistered Sales of Equity Securities and Use of Proceeds

On October 3, 2019, we issued 75,000 shares of common stock to a consultant.

Use of Proceeds

On March 1, 2019, our registration statement on Form S-1 was declared effective and we sold 3,000,000 shares.

Item 3. Defaults Upon Senior Securities

None.
"""
    assert _kept(text) == ["On October 3, 2019, we issued 75,000 shares of common stock to a consultant."]


def test_a_subsequent_events_note_ends_at_the_next_note():
    text = """NOTES TO FINANCIAL STATEMENTS

NOTE 7 - SUBSEQUENT EVENTS

On April 4, 2003, the Company sold 250,000 shares of common stock at $0.50 per share.

NOTE 8 - SEGMENTS

The Company sold 10,000 units to customers.
"""
    assert _kept(text) == ["On April 4, 2003, the Company sold 250,000 shares of common stock at $0.50 per share."]


def test_a_heading_run_into_its_paragraph_is_read():
    text = """NOTE 9 - COMMITMENTS

The Company leases 4,000 square feet.

NOTE 10 - SUBSEQUENT EVENTS. On July 9, 2008, the Company sold 300,000 shares of common stock at $0.40 per share.

Item 2. Management's Discussion and Analysis

We sold 300,000 shares in July.
"""
    assert _kept(text) == ["NOTE 10 - SUBSEQUENT EVENTS. On July 9, 2008, the Company sold 300,000 shares of common stock "
                           "at $0.40 per share."]


@pytest.mark.parametrize("form, periodic_", [("10-Q", True), ("10-K/A", True), ("10-QSB", True), ("20-F", True),
                                             ("8-K", False), ("424B5", False), (None, False)])
def test_which_forms_are_periodic(form, periodic_):
    assert periodic.is_periodic(form) is periodic_


# --- inline XBRL ---------------------------------------------------------------------------------

def _ix(facts: str, contexts: str) -> str:
    return (f"<html><body><div style='display:none'><ix:header><ix:resources>{contexts}</ix:resources></ix:header></div>"
            f"<p>{facts}</p></body></html>")


def _context(cid: str, instant: str, member: str | None = None) -> str:
    seg = (f"<xbrli:segment><xbrldi:explicitMember dimension='us-gaap:StatementClassOfStockAxis'>{member}"
           f"</xbrldi:explicitMember></xbrli:segment>") if member else ""
    return (f"<xbrli:context id='{cid}'><xbrli:entity>{seg}</xbrli:entity><xbrli:period>"
            f"<xbrli:instant>{instant}</xbrli:instant></xbrli:period></xbrli:context>")


def test_xbrl_scale_formats_and_member_names():
    html = _ix(
        "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='a' scale='3' "
        "format='ixt:num-dot-decimal'>12,345</ix:nonFraction>"
        "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='b' "
        "format='ixt:num-comma-decimal'>1.234.567</ix:nonFraction>"
        "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='c' format='ixt:fixed-zero'>no"
        "</ix:nonFraction>"
        "<ix:nonFraction name='dei:EntityPublicFloat' contextRef='a'>99,000</ix:nonFraction>",
        _context("a", "2021-05-03") + _context("b", "2021-05-03", "abc:SeriesBOrdinarySharesMember")
        + _context("c", "2021-05-03", "us-gaap:CommonClassCMember"))
    facts = cover_facts(html)
    assert [(f.value, f.on, f.security, f.shown) for f in facts] == [
        (12_345_000, date(2021, 5, 3), "Common Stock", "12,345"),
        (1_234_567, date(2021, 5, 3), "Series B Ordinary Shares", "1.234.567"),
        (0, date(2021, 5, 3), "Class C Common Stock", "no")]


def test_xbrl_in_a_full_submission_reads_the_primary_document_only():
    primary = _ix("<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='a'>5,000</ix:nonFraction>",
                  _context("a", "2022-02-01"))
    other = _ix("<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='a'>7,000</ix:nonFraction>",
                _context("a", "2022-02-01"))
    submission = (f"<SEC-DOCUMENT>\n<DOCUMENT>\n<TYPE>EX-99.1\n<TEXT>\n<html><body>no facts</body></html>\n</TEXT>\n</DOCUMENT>\n"
                  f"<DOCUMENT>\n<TYPE>10-Q\n<TEXT>\n{primary}\n</TEXT>\n</DOCUMENT>\n"
                  f"<DOCUMENT>\n<TYPE>10-Q\n<TEXT>\n{other}\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>")
    assert [f.value for f in cover_facts(submission)] == [5_000]


def test_xbrl_without_the_tag_reads_nothing():
    assert cover_facts("<html><body><p>As of May 1, 2020, 1,000,000 shares were outstanding.</p></body></html>") == ()


# --- generated cover sentences -------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_TITLES = ["Common Stock", "common stock", "Class A Common Stock", "Class B common stock", "Ordinary Shares",
           "Common Stock, Class A", "Series 1 Common Stock"]


def _count_text(n: int, style: str) -> str:
    if style == "plain":
        return str(n)
    if style == "million" and n % 100_000 == 0 and n >= 1_000_000:
        whole, tenth = divmod(n // 100_000, 10)
        return f"{whole}.{tenth} million" if tenth else f"{whole} million"
    return f"{n:,}"


@settings(max_examples=80, deadline=None)
@given(n=st.integers(min_value=1_000, max_value=2_000_000_000) | st.integers(min_value=10, max_value=900).map(lambda k: k * 100_000),
       day=st.dates(min_value=date(1993, 1, 1), max_value=date(2030, 12, 31)),
       style=st.sampled_from(["comma", "plain", "million"]),
       title=st.sampled_from(_TITLES),
       template=st.integers(min_value=0, max_value=4),
       day_first=st.booleans())
def test_a_generated_cover_statement_reads_back_as_written(n, day, style, title, template, day_first):
    # A plain 4-digit count (1800 to 2100) reads as a year; covers write such counts with a comma if ever.
    assume(not (style == "plain" and n < 10_000))
    count = _count_text(n, style)
    when = f"{day.day} {_MONTHS[day.month - 1]} {day.year}" if day_first else f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
    sentence = [
        f"As of {when}, {count} shares of the registrant's {title}, $.01 par value, were outstanding.",
        f"The number of shares outstanding of the registrant's {title}, $0.001 par value, as of {when} was {count}.",
        f"Registrant had {count} shares of {title} outstanding at {when}.",
        f"Indicate the number of shares outstanding of each of the issuer's classes of common stock, as of the latest "
        f"practicable date.\n\nClass Outstanding at {when}\n\n{title}, $0.01 par value {count} shares",
        f"At {when}, there were {count} shares of the registrant's {title} outstanding.",
    ][template]
    text = normalise("SECURITIES AND EXCHANGE COMMISSION\n\nFORM 10-Q\n\nAcme Corp.\n\n" + sentence + "\n\nPART I\n\nItem 1.")
    [b] = periodic.text_balances(text)
    assert (b.on, b.shares, b.security) == (day, n, title)
    assert b.quotes[0].text in text


# --- the CLI -------------------------------------------------------------------------------------

def test_ingest_dry_run_shows_the_balance(run, tmp_path):
    result = run("--db", tmp_path / "l.db", "ingest", "--dry-run", Q2024)
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "balance_assertion" in line]
    assert len(lines) == 2
    assert "2024-08-02" in lines[0] and "value: 41208337" in lines[0]
    assert "value: 6250000" in lines[1]
    assert "“41,208,337”" in result.stdout
    assert "common_issued" not in result.stdout         # Item 2 says "None."


def test_ingest_then_events_as_a_real_process(tmp_path):
    exe = shutil.which("ledger", path=str(Path(sys.executable).parent))
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    db = tmp_path / "l.db"
    proc = subprocess.run([exe, "--db", str(db), "ingest", str(K2006)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([exe, "--db", str(db), "events", "--format", "json"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    [balance] = [e for e in events if e["type"] == "balance_assertion"]
    assert (balance["effective_date"], balance["payload"]["value"]) == ("2006-03-24", 31874202)
    assert [e["payload"]["shares"] for e in events if e["type"] == "common_issued"] == [2000000, 400000]


def test_explain_pairs_the_sales_with_their_drafts_past_the_balance(run, tmp_path):
    result = run("--db", tmp_path / "l.db", "ingest", "--dry-run", "--explain", Q1998)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "why common_issued: 1,200,000 Common Stock at 2.50 for 3,000,000" in out
    assert "why balance_assertion: 9,482,116 Common Stock outstanding on 1998-05-08" in out
    assert out.index("2. balance_assertion") < out.index("3. common_issued") < out.index("why common_issued")


# --- real-filing regressions (wording written for these tests) -----------------------------------

def _entity_context(cid: str, instant: str, entity: str) -> str:
    return (f"<xbrli:context id='{cid}'><xbrli:entity><xbrli:segment><xbrldi:explicitMember "
            f"dimension='dei:LegalEntityAxis'>{entity}</xbrldi:explicitMember></xbrli:segment></xbrli:entity>"
            f"<xbrli:period><xbrli:instant>{instant}</xbrli:instant></xbrli:period></xbrli:context>")


def test_a_combined_report_keeps_the_parents_count_not_its_subsidiary_registrants(tmp_path):
    # One 10-Q filed by a parent and two subsidiaries: each subsidiary's count is tagged under a
    # LegalEntityAxis member, and its row says its shares are all held by the parent.
    html = _ix(
        "The number of shares outstanding of each registrant's common stock as of March 2, 2022, was as follows:</p>"
        "<table><tr><td>Northwind Holdings Corp.</td><td>Common Stock, $1 par value</td><td>"
        "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='p'>31,415,926</ix:nonFraction>"
        "</td></tr><tr><td>Northwind Gas Company</td><td>Common Stock, no par value (all owned by Northwind "
        "Holdings Corp.)</td><td><ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='s1'>"
        "4,321</ix:nonFraction></td></tr><tr><td>Northwind Pipeline Inc.</td><td>Common Stock, $0.10 par value "
        "(all owned by Northwind Holdings Corp.)</td><td><ix:nonFraction "
        "name='dei:EntityCommonStockSharesOutstanding' contextRef='s2'>1,100,000</ix:nonFraction></td></tr></table><p>",
        _context("p", "2022-03-02") + _entity_context("s1", "2022-03-02", "nw:NorthwindGasMember")
        + _entity_context("s2", "2022-03-02", "nw:NorthwindPipelineMember"))
    assert [f.value for f in cover_facts(html)] == [31_415_926]
    path = tmp_path / "combined.htm"
    path.write_text(html.replace("<body>", "<body><p>FORM 10-Q</p><p>For the quarterly period ended January 31, 2022</p><p>NORTHWIND HOLDINGS CORP.</p><p>(Exact name of registrant as specified in its charter)</p>"))
    filing, result = _extract(path)
    # Told by the words alone (no tags), the subsidiaries' rows are no balance either.
    assert [b.shares for b in periodic.text_balances(filing.normalised)] == [31_415_926]
    [balance] = _of(result, "balance_assertion")
    assert (balance.effective_date, balance.value) == (date(2022, 3, 2), 31_415_926)


def test_when_every_count_names_a_registrant_the_first_is_kept():
    html = _ix("<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='a'>2,000,000</ix:nonFraction>"
               "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='b'>1,000</ix:nonFraction>",
               _entity_context("a", "2023-05-01", "x:ParentMember") + _entity_context("b", "2023-05-01", "x:SubMember"))
    assert [f.value for f in cover_facts(html)] == [2_000_000]


@pytest.mark.parametrize("row", [
    "Common Stock, $5 par value (all of which are held by Parent Co.) 1,000 shares outstanding as of May 1, 2020",
    "As of May 1, 2020, 1,000 shares of common stock were outstanding, all of which were owned by Parent Co.",
    "As of May 1, 2020, 100 shares of the registrant's common stock, all held of record by Parent Co., were outstanding.",
])
def test_a_count_the_parent_holds_whole_is_no_balance(row):
    assert periodic.text_balances(normalise("FORM 10-K\n" + row)) == ()


def test_a_tagged_count_the_words_date_otherwise_is_still_one_balance_the_tags(tmp_path):
    # A 20-F cover asks for the count "as of the close of the period" (the fiscal year's end) while
    # the tag on the same figure carries a later instant: one statement, so one balance, the tag's.
    html = _ix(
        "Indicate the number of outstanding shares of each of the issuer's classes of capital or common stock as "
        "of the close of the period covered by the annual report.</p><p>"
        "<ix:nonFraction name='dei:EntityCommonStockSharesOutstanding' contextRef='late' "
        "format='ixt:numdotdecimal'>88,123,456</ix:nonFraction> common shares",
        _context("late", "2024-06-14"))
    path = tmp_path / "annual.htm"
    path.write_text(html.replace("<body>", "<body><p>FORM 20-F</p><p>For the fiscal year ended March 31, 2024</p>"
                                           "<p>KESTREL MINING LTD.</p><p>(Exact name of Registrant as specified in "
                                           "its charter)</p>"))
    filing, result = _extract(path)
    # Read alone, the words date the count at the period's end ...
    assert [(b.on, b.shares) for b in periodic.text_balances(filing.normalised, period=date(2024, 3, 31))] == [
        (date(2024, 3, 31), 88_123_456)]
    # ... but with the tag they are the tag's balance, recorded once.
    [balance] = _of(result, "balance_assertion")
    assert (balance.effective_date, balance.value) == (date(2024, 6, 14), 88_123_456)
    assert [q.text for q in balance.provenance.quotes] == ["88,123,456", "88,123,456 common shares"]


def test_a_combined_reports_registrant_is_named_without_its_file_number(tmp_path):
    # The cover table of a report filed by several registrants gives each one's commission file
    # number in the cell before its name; the name read from that line is the name alone.
    path = tmp_path / "combined.htm"
    path.write_text(
        "<html><body><p>FORM 10-Q</p><p>For the quarterly period ended June 30, 2022</p><table>"
        "<tr><td>Commission File Number</td><td>Name of Registrant, Address and Telephone Number</td></tr>"
        "<tr><td><p>1-23456</p></td><td><p>Harbor Light Corp.</p><p>12 Quay Street</p></td></tr>"
        "<tr><td><p>2-7890</p></td><td><p>Harbor Light Water Company</p></td></tr></table>"
        "<p>As of August 1, 2022, 7,777,777 shares of Harbor Light Corp. common stock were outstanding.</p>"
        "</body></html>")
    _, result = _extract(path)
    assert result.events[0].issuer.name == "Harbor Light Corp."
    [balance] = _of(result, "balance_assertion")
    assert balance.value == 7_777_777


@pytest.mark.parametrize("cover, expected", [
    # The count and the non-affiliates' market value told in one sentence: the count is a balance.
    ("FORM 10-K\nAs of March 9, 1999, 3,141,592 shares of the registrant's Common Stock were outstanding, and the "
     "aggregate market value of the Common Stock held by non-affiliates (based on the closing price on that day) was "
     "approximately $21,000,000.", [(date(1999, 3, 9), 3_141_592, "Common Stock")]),
    ("FORM 10-K\nThe aggregate market value of the registrant's common stock held by non-affiliates as of June 1, 2004 "
     "was $7,654,321 and there were 2,718,281 shares of common stock outstanding as of that date.",
     [(date(2004, 6, 1), 2_718_281, "common stock")]),
    # The shares the market value is based on are no balance; the date of the value does not date the balance.
    ("FORM 10-K\nThe aggregate market value of the 1,414,213 shares of Common Stock held by non-affiliates of the "
     "registrant as of June 30, 2011 was $2,828,426; 1,732,050 shares of Common Stock were outstanding as of "
     "March 2, 2012.", [(date(2012, 3, 2), 1_732_050, "Common Stock")]),
    ("FORM 10-Q\nThe registrant is authorized to issue 90,000,000 shares; as of May 5, 2003, 6,000,001 shares of "
     "common stock were outstanding.", [(date(2003, 5, 5), 6_000_001, "common stock")]),
])
def test_a_sentence_with_the_market_value_keeps_its_balance_clause(cover, expected):
    assert [(b.on, b.shares, b.security) for b in periodic.text_balances(normalise(cover))] == expected


@pytest.mark.parametrize("heading", ["NOTE F - SUBSEQUENT EVENTS", "Note F. Subsequent Event", "NOTE F – SUBSEQUENT EVENTS",
                                     "NOTE 6 - SUBSEQUENT EVENTS"])
def test_a_lettered_subsequent_events_note_is_read_and_ends_at_the_next_lettered_note(heading):
    text = normalise("\n\n".join([
        "FORM 10-QSB", "PART I", "Item 1. Financial Statements", "NOTE E - CAPITAL STOCK",
        "In January 2003 the Company sold 300,000 shares of common stock at $0.40 per share.", heading,
        "On May 2, 2003 the Company sold 125,000 shares of common stock at $0.60 per share.",
        "NOTE G - LEASES", "The Company rents a warehouse for 2,000 shares of common stock a month.",
        "PART II", "Item 2. Changes in Securities", "None."]))
    lines = text.split("\n")
    assert [lines[i] for i in sorted(periodic.sale_paragraphs(text))] == [
        "On May 2, 2003 the Company sold 125,000 shares of common stock at $0.60 per share.", "None."]


_COMBINED_10K = """FORM 10-K

ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934

For the fiscal year ended December 31, 1998

                           LANTERN ENERGY CORP.
             (Exact name of registrant as specified in its charter)

                           LANTERN GAS COMPANY
             (Exact name of registrant as specified in its charter)

As of March 5, 1999, 9,090,909 shares of Lantern Energy Corp. common stock were outstanding, and the aggregate
market value of the common stock held by non-affiliates on that date was $120,000,000. As of March 5, 1999, 1,000
shares of Lantern Gas Company common stock were outstanding, all of which were held by Lantern Energy Corp.

PART I

Item 1. Business
"""


def test_a_combined_10k_replays_the_parents_balance_through_the_cli(run, tmp_path):
    path = tmp_path / "combined_10k.txt"
    path.write_text(_COMBINED_10K)
    db = tmp_path / "l.db"
    assert run("--db", db, "ingest", path).exit_code == 0
    result = run("--db", db, "replay", "--as-of", "1999-12-31", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [issuer] = json.loads(result.stdout)["issuers"]
    assert issuer["issuer"]["name"] == "Lantern Energy Corp."
    [cls] = issuer["outstanding"]["classes"]
    assert (cls["reported_shares"], cls["reported_as_of"]) == (9_090_909, "1999-03-05")


def test_a_combined_10k_as_a_real_process(tmp_path):
    path = tmp_path / "combined_10k.txt"
    path.write_text(_COMBINED_10K)
    exe = shutil.which("ledger", path=str(Path(sys.executable).parent))
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    proc = subprocess.run([exe, "ingest", "--dry-run", str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "balance_assertion" in line]
    assert len(lines) == 1 and "1999-03-05" in lines[0] and "value: 9090909" in lines[0]
