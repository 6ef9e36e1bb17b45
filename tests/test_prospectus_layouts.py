"""Layouts real prospectuses and 6-Ks have that the project's own test filings lacked.

Each case is wording written for this test (invented companies and figures) in the shape real EDGAR
documents take: an HTML 424B4 whose every page opens with a "TABLE OF CONTENTS" link and whose
cover prints the issuer as a logo, an IPO pricing table ("Initial public offering price"), an
over-allotment option "for a period of 30 days", and a 6-K whose cover labels its name
"(Registrant Name)"."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from ledger.extract import prospectus
from ledger.text.normalise import normalise
from tests.golden_support import extracted_payloads

_ROW = ('<tr><td>{label}</td><td>&#8203;</td><td>$</td><td>{per}</td><td>&#8203;</td>'
        '<td>$</td><td>{total}</td><td>&#8203;</td></tr>')

# An IPO prospectus's first page as EDGAR's HTML prints it: the page's link to the contents first,
# the name only in a logo, the pricing table, the option and the page's link again on the next page.
IPO_424B4 = f"""<html><body>
<div><a href="#toc">TABLE OF CONTENTS</a></div>
<div>Filed pursuant to Rule 424(b)(4)</div>
<div>Registration No. 333-271100</div>
<div>Prospectus</div>
<div>4,500,000 shares</div>
<div><img src="logo.jpg" alt="[MISSING IMAGE: logo.jpg]"></div>
<div>Common stock</div>
<div>This is an initial public offering of shares of common stock by Quillfeather Biosciences Corporation.</div>
<div>We are offering 4,500,000 shares of our common stock. The initial public offering price is $14.00 per share.</div>
<div>Prior to this offering, there has been no public market for our common stock. Our common stock has been approved
for listing on the Nasdaq Global Market under the symbol &#8220;QFB.&#8221;</div>
<div>Investing in our common stock involves a high degree of risk. See &#8220;Risk factors&#8221; beginning on
page 12 to read about factors you should consider before buying shares of our common stock.</div>
<table>
<tr><td>&#8203;</td><td>Per&#160;share</td><td>&#8203;</td><td>Total</td></tr>
{_ROW.format(label="Initial public offering price", per="14.00", total="63,000,000")}
{_ROW.format(label="Underwriting discounts and commissions(1)", per="0.98", total="4,410,000")}
{_ROW.format(label="Proceeds before expenses, to us", per="13.02", total="58,590,000")}
</table>
<div>(1) See the section titled &#8220;Underwriting&#8221; for additional information regarding underwriting compensation.</div>
<div>We have granted the underwriters an option for a period of 30&#160;days to purchase up to 675,000 additional
shares of common stock from us at the public offering price less the underwriting discount.</div>
<div>The underwriters expect to deliver the shares against payment on or about June&#160;14, 2024.</div>
<div>Harbourline Securities&#160;&#160;&#160;Tessel &amp; Co.</div>
<div>Prospectus dated June 12, 2024</div>
<div style="page-break-after:always"></div>
<div><a href="#toc">TABLE OF CONTENTS</a></div>
<div>TABLE OF CONTENTS</div>
<div>Prospectus summary</div>
<div>Risk factors</div>
<div>Underwriting</div>
<div><a href="#toc">TABLE OF CONTENTS</a></div>
<div>Prospectus summary</div>
<div>Quillfeather Biosciences Corporation develops enzyme therapies for rare metabolic disorders and has
3 programs in clinical development, the most advanced of which completed a Phase 2 trial of 120 patients in 2023.</div>
</body></html>
"""


def _facts(path: Path) -> list[dict]:
    return [dict(e["payload"], type=e["type"]) for e in extracted_payloads(path)]


def test_an_ipo_cover_with_a_page_link_a_logo_and_a_thirty_day_option(tmp_path):
    path = tmp_path / "ipo_424b4.htm"
    path.write_text(IPO_424B4)
    f = _facts(path)
    filing = next(x for x in f if x["type"] == "filing_recorded")
    # the name the cover's sentence gives, without the sentence's full stop; the prospectus's own date
    assert (filing["issuer"]["name"], filing["form"], filing["report_date"]) == \
        ("Quillfeather Biosciences Corporation", "424B4", "2024-06-12")
    assert sorted(x["type"] for x in f) == ["common_issued", "contingent_right", "fee_paid", "filing_recorded"]
    common = next(x for x in f if x["type"] == "common_issued")
    # "Initial public offering price" is the table's price row: the total is the consideration
    assert (common["shares"], common["price"], common["consideration"]) == (4500000, "14.00", "63000000")
    fee = next(x for x in f if x["type"] == "fee_paid")
    assert (fee["role"], fee["cash"]) == ("underwriter", "4410000")
    # the underwriters' option is a right, never a second sale of 675,000 shares
    option = next(x for x in f if x["type"] == "contingent_right")
    assert option["kind"] == "investor_option" and "675,000" in option["description"]


def test_a_page_link_to_the_contents_leaves_the_section_it_interrupts():
    text = normalise(
        "Filed Pursuant to Rule 424(b)(5)\n\nWe are offering 2,000,000 shares of our common stock in an offering "
        "underwritten by a single firm on a firm commitment basis, at a public offering price of $5.00 per share, "
        "as this prospectus supplement describes below.\n\nTABLE OF CONTENTS\n\nRisk Factors\n\n"
        "Underwriting\n\nThe underwriter has agreed to purchase from us all of the 2,000,000 shares offered by this "
        "prospectus supplement at the public offering price less the discount set out on the cover page of it.\n\n"
        "TABLE OF CONTENTS\n\nThe underwriter will receive a discount of 7.0% of the gross proceeds of this offering.\n")
    secs = prospectus.sections(text)
    table, link = text.index("TABLE OF CONTENTS"), text.rindex("TABLE OF CONTENTS")
    assert secs.state_at(table) == "skip"           # the contents after the cover's prose
    assert secs.state_at(text.index("The underwriter will receive")) == "read"   # the page link changed nothing
    assert secs.state_at(link) == "read"
    # a link atop the cover's own page ends no cover
    top = normalise("TABLE OF CONTENTS\n\nFiled Pursuant to Rule 424(b)(5)\n\nWe are offering 10 shares.\n")
    assert prospectus.sections(top).state_at(top.index("We are offering")) == "cover"


SIX_K = """FORM 6-K

REPORT OF FOREIGN PRIVATE ISSUER PURSUANT TO RULE 13a-16 OR 15d-16 UNDER THE SECURITIES EXCHANGE ACT OF 1934

March 4, 2024

Commission File Number: 001-39911

_______________  VESTRAND MEDICAL AG (Registrant Name)

Talstrasse 9, 8001 Zurich, Switzerland (Address of principal executive office)

Indicate by check mark whether the registrant files or will file annual reports under cover of Form 20-F or Form 40-F:
Form 20-F [X]  Form 40-F [ ]

EXHIBIT INDEX

99.1 Press release issued by Vestrand Medical AG dated March 3, 2024 on the appointment of a chief medical officer.
"""


def test_a_six_k_names_its_registrant_by_the_registrant_name_label(tmp_path, run):
    path = tmp_path / "vestrand_6k.txt"
    path.write_text(SIX_K)
    f = _facts(path)
    assert [x["type"] for x in f] == ["filing_recorded"]
    filing = f[0]
    assert (filing["issuer"]["name"], filing["form"], filing["issuer"]["file_number"]) == \
        ("Vestrand Medical AG", "6-K", "001-39911")   # the body's spelling of the cover's name
    # once through the CLI: read, not refused
    result = run("--db", tmp_path / "l.db", "ingest", path)
    assert result.exit_code == 0, result.output
    assert "no financing facts found" in result.stderr and "failed" not in result.stderr.replace("0 failed", "")


def test_the_ipo_cover_replays_as_a_real_process(tmp_path):
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    assert ledger, "no `ledger` script next to the interpreter: pip install -e ."
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    path, db = tmp_path / "ipo_424b4.htm", tmp_path / "l.db"
    path.write_text(IPO_424B4)
    proc = subprocess.run([ledger, "--db", str(db), "ingest", str(path)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([ledger, "--db", str(db), "replay", "--as-of", "2099-12-31", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (issuer,) = json.loads(proc.stdout)["issuers"]
    assert [(h["shares"], h["price"]) for h in issuer["holdings"]] == [(4500000, "14.00")]
    assert issuer["warrants"] == []
    assert (issuer["totals"]["capital_raised"], issuer["totals"]["fees_paid_cash"]) == ("63000000", "4410000")


# The older cover's table, roles as columns and "Per Share" / "Total" as rows, as a 1990s plain-text
# prospectus prints it (reflowed into one paragraph when read) and its footnote on the expenses.
OLD_COVER = """                                          Filed Pursuant to Rule 424(b)(1)
                                          Registration No. 333-50001

PROSPECTUS
                               2,200,000 SHARES
                           OSTRANDER OPTICS, INC.
                                 COMMON STOCK

     All of the 2,200,000 shares of Common Stock offered hereby are being sold by
Ostrander Optics, Inc. (the "Company").

<TABLE>
<CAPTION>
                                                UNDERWRITING
                              PRICE TO          DISCOUNTS AND        PROCEEDS TO
                               PUBLIC           COMMISSIONS(1)       COMPANY(2)
<S>                          <C>                <C>                  <C>
Per Share..................      $9.00             $.63                 $8.37
Total(3)...................   $19,800,000        $1,386,000          $18,414,000
</TABLE>

(1) The Company has agreed to indemnify the Underwriters against certain liabilities.
(2) Before deducting expenses payable by the Company estimated at $380,000.
(3) The Company has granted the Underwriters a 30-day option to purchase up to
    330,000 additional shares of Common Stock solely to cover over-allotments.

          The date of this Prospectus is April 21, 1997.
"""


def test_an_older_cover_table_with_the_roles_as_columns(tmp_path):
    path = tmp_path / "old_424b1.txt"
    path.write_text(OLD_COVER)
    f = _facts(path)
    assert sorted(x["type"] for x in f) == ["common_issued", "contingent_right", "fee_paid", "filing_recorded"]
    common = next(x for x in f if x["type"] == "common_issued")
    # the table's price, never the footnote's $380,000 of expenses
    assert (common["shares"], common["price"], common["consideration"], common["effective_date"]) == \
        (2200000, "9.00", "19800000", "1997-04-21")
    fee = next(x for x in f if x["type"] == "fee_paid")
    assert (fee["role"], fee["cash"]) == ("underwriter", "1386000")
    table = prospectus.pricing_table(normalise(OLD_COVER))
    assert (table.share_price, table.gross, table.fee_total, table.proceeds) == \
        (9, 19800000, 1386000, (Decimal("8.37"), Decimal("18414000")))


def test_an_html_cover_table_with_the_roles_as_columns_names_the_issuer_in_its_proceeds_column(tmp_path):
    html = ("<html><body><p>Filed Pursuant to Rule 424(b)(4)</p><p>PROSPECTUS</p><p>1,500,000 Shares</p>"
            "<p><img src='logo.gif' alt='LOGO'></p><p>Common Stock</p>"
            "<p>We are offering 1,500,000 shares of our common stock. Our common stock trades on the Nasdaq Capital "
            "Market under the symbol &#8220;BRKW.&#8221;</p><table>"
            "<tr><td></td><td colspan='2'><b>Price&nbsp;to<br>Public</b></td><td colspan='2'><b>Underwriting<br>"
            "Discounts</b></td><td colspan='2'><b>Proceeds&nbsp;to<br>Brookwell Tool and Die<br>Company Before<br>"
            "Expenses</b></td></tr>"
            "<tr><td>Per Share</td><td>$</td><td>6.00</td><td>$</td><td>0.42</td><td>$</td><td>5.58</td></tr>"
            "<tr><td>Total</td><td>$</td><td>9,000,000</td><td>$</td><td>630,000</td><td>$</td><td>8,370,000</td></tr>"
            "</table><p>The date of this prospectus is September 9, 2008.</p></body></html>")
    path = tmp_path / "brookwell_424b4.htm"
    path.write_text(html)
    f = _facts(path)
    filing = next(x for x in f if x["type"] == "filing_recorded")
    assert filing["issuer"]["name"] == "Brookwell Tool and Die Company"
    common = next(x for x in f if x["type"] == "common_issued")
    assert (common["shares"], common["price"], common["consideration"]) == (1500000, "6.00", "9000000")
    assert next(x for x in f if x["type"] == "fee_paid")["cash"] == "630000"


def test_columns_whose_amounts_do_not_add_up_are_no_pricing_table():
    text = normalise("Price to Public Underwriting Discounts Proceeds to Company\n"
                     "Per Share $9.00 $0.63 $7.00\nTotal $900 $63 $700\n")
    assert prospectus.pricing_table(text) is None
