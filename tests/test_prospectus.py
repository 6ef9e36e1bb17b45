"""Prospectus supplements and registration statements: what is read of them and what it gives.

The four test filings (tests/filings/prospectus_*.htm|txt, shelf_s3.txt) are written for the
project, with invented companies and figures: a cover with its pricing table, a summary with "The
Offering", risk factors, use of proceeds, dilution and capitalization with figures of their own,
the plan of distribution or underwriting, the back matter and the base prospectus after it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ledger.extract import extract, prospectus
from ledger.formats.forms import PROSPECTUS
from ledger.intake import read_filing
from ledger.text.normalise import normalise, sentences
from tests.golden_support import extracted_payloads

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "tests" / "filings"
UNITS = FILINGS / "prospectus_units_prefunded.htm"
UNDERWRITTEN = FILINGS / "prospectus_underwritten.txt"
ATM = FILINGS / "prospectus_atm.htm"
SHELF = FILINGS / "shelf_s3.txt"


def facts(path: Path) -> list[dict]:
    return [dict(e["payload"], type=e["type"]) for e in extracted_payloads(path)]


def only(items, **want):
    found = [i for i in items if all(i.get(k) == v for k, v in want.items())]
    assert len(found) == 1, f"expected one {want}, found {len(found)}"
    return found[0]


def kinds(items) -> list[str]:
    return sorted(i["type"] for i in items)


# --- each filing's events and figures ---------------------------------------------------------

def test_units_with_pre_funded_and_common_warrants_and_a_placement_agent():
    f = facts(UNITS)
    filing = only(f, type="filing_recorded")
    assert (filing["form"], filing["report_date"], filing["issuer"]["name"]) == ("424B5", "2024-03-05", "Corvane Therapeutics, Inc.")
    assert kinds(f) == ["common_issued", "fee_paid", "filing_recorded", "warrant_granted", "warrant_granted", "warrant_granted"]
    common = only(f, type="common_issued")
    # the supplement's date, not the expected delivery on March 7; the table's total also pays for the
    # pre-funded warrants, so it is no consideration of the shares
    assert (common["shares"], common["price"], common["effective_date"]) == (2400000, "1.50", "2024-03-05")
    assert (common["consideration"], common["consideration_basis"]) == (None, "not_stated")
    pre = only(f, type="warrant_granted", kind="pre_funded")
    assert (pre["shares"], pre["exercise_price"]) == (1100000, "0.0001")
    # "together with common warrants to purchase up to 2,400,000 shares" is a part of the class of 3,500,000
    investor = only(f, type="warrant_granted", kind="investor")
    assert (investor["shares"], investor["exercise_price"], investor["term_years"], investor["expires_on"]) == (
        3500000, "1.50", "5", "2029-03-05")
    agent = only(f, type="warrant_granted", kind="placement_agent")
    assert (agent["shares"], agent["exercise_price"], agent["holders"]) == (245000, "1.875", ["Merrow Lane Capital, LLC"])
    fee = only(f, type="fee_paid")
    # the table's total fee, not the $100,000 of expenses the plan of distribution caps
    assert (fee["role"], fee["payee"], fee["cash"], fee["cash_basis"], fee["percent_of_proceeds"], fee["warrant_shares"]) == (
        "placement_agent", "Merrow Lane Capital, LLC", "367492.30", "stated", "7.0", 245000)


def test_underwritten_offering_with_an_over_allotment_option():
    f = facts(UNDERWRITTEN)
    filing = only(f, type="filing_recorded")
    assert (filing["form"], filing["report_date"], filing["public_date"], filing["accession"]) == (
        "424B5", "2024-06-11", "2024-06-12", "0001493152-24-022871")
    assert kinds(f) == ["common_issued", "contingent_right", "fee_paid", "filing_recorded"]
    common = only(f, type="common_issued")
    # the table covers the shares alone: its total is their gross; the 600,000 option shares are no sale,
    # nor are the underwriters' allotments (2,800,000 and 1,200,000)
    assert (common["shares"], common["price"], common["consideration"], common["effective_date"]) == (
        4000000, "8.00", "32000000", "2024-06-11")
    assert only(f, type="contingent_right")["kind"] == "investor_option"
    assert only(f, type="contingent_right")["holder"] == "underwriters"
    fee = only(f, type="fee_paid")
    assert (fee["role"], fee["payee"], fee["cash"]) == ("underwriter", "Tarrow & Kline Securities, LLC", "1920000")


def test_at_the_market_prospectus_is_a_programme_not_a_sale():
    f = facts(ATM)
    assert kinds(f) == ["contingent_right", "fee_paid", "filing_recorded"]
    right = only(f, type="contingent_right")
    assert (right["kind"], right["holder"], right["security"], right["amount"], right["effective_date"]) == (
        "option_to_sell", "issuer", "Common Stock", "50000000", "2024-02-12")
    fee = only(f, type="fee_paid")
    # "up to 3.0%" of sales not made yet: a rate, never cash (nor the $75,000 of expenses)
    assert (fee["payee"], fee["cash"], fee["percent_of_proceeds"]) == ("Ashgrove Securities LLC", None, "3.0")


def test_shelf_registration_records_the_filing_and_nothing_else():
    filing = read_filing(SHELF)
    result = extract(filing.normalised, stream=filing.stream, raw_sha256=filing.raw_sha256,
                     source_name=SHELF.name, header=filing.header)
    assert [e.TYPE for e in result.events] == ["filing_recorded"]
    assert result.events[0].form == "S-3"
    assert result.warnings == ("shelf_s3.txt: no financing facts found",)


# --- what is not read ------------------------------------------------------------------------------

def _as_current_report(path: Path) -> list[dict]:
    """The same text with its "Filed Pursuant to Rule 424(b)" line made "FORM 8-K": read as an 8-K, every
    section is read."""
    name = only(facts(path), type="filing_recorded")["issuer"]["name"]
    text = read_filing(path).normalised.replace("Filed Pursuant to Rule 424(b)(5)", f'FORM 8-K\n{name} (the "Company")')
    result = extract(text, stream="sha256:x", raw_sha256="0" * 64, source_name=path.name)
    assert result.events[0].form == "8-K"
    return [dict(type=e.TYPE, **{k: getattr(e, k, None) for k in ("shares", "price")}) for e in result.events]


@pytest.mark.parametrize("path", [UNITS, UNDERWRITTEN], ids=lambda p: p.name)
def test_risk_factors_dilution_and_the_base_prospectus_give_nothing(path):
    # The recaps those sections hold are there to be found: read as an 8-K they are sales ...
    as_8k = [(e["shares"], e["price"]) for e in _as_current_report(path) if e["type"] == "common_issued"]
    as_prospectus = [(e["shares"], e["price"]) for e in facts(path) if e["type"] == "common_issued"]
    assert len(as_8k) > len(as_prospectus) == 1
    # ... and as a prospectus every sentence of those sections is skipped
    text = read_filing(path).normalised
    ss = sentences(text)
    skip = prospectus.skipped(ss, text, PROSPECTUS)
    for marker in ("net tangible book value", "weighted-average exercise price", "We may sell", "issued and outstanding",
                   "last reported sale price", "incorporate by reference"):
        hits = [s for s in ss if marker.lower() in s.text.lower()]
        assert hits and all(s.start in skip for s in hits), marker


def test_the_cover_and_plan_of_distribution_are_read():
    text = read_filing(UNITS).normalised
    ss = sentences(text)
    skip = prospectus.skipped(ss, text, PROSPECTUS)
    read = [s.text for s in ss if s.start not in skip]
    assert any(t.startswith("We are offering 2,400,000 shares") for t in read)
    assert any("245,000 shares" in t for t in read)                 # plan of distribution
    assert not any("1,250,000" in t for t in read)                  # recent developments, risk factors


def test_a_base_prospectus_or_a_resale_prospectus_alone_records_nothing():
    base = ("Filed Pursuant to Rule 424(b)(3)\n\nRegistration No. 333-250001\n\nPROSPECTUS\n\nQUILLON MATERIALS CORP.\n\n$75,000,000\n\n"
            "Common Stock\n\nWarrants\n\nWe may offer and sell from time to time, in one or more offerings, up to $75,000,000 of "
            "common stock or warrants. We may sell 3,000,000 shares of common stock at $5.00 per share to underwriters.\n\n"
            "The date of this prospectus is May 1, 2024.\n\n")
    resale = ("Filed Pursuant to Rule 424(b)(3)\n\nRegistration No. 333-250002\n\nPROSPECTUS\n\nQUILLON MATERIALS CORP.\n\n"
              "2,000,000 Shares of Common Stock\n\nThis prospectus relates to the resale of up to 2,000,000 shares of our common "
              "stock by the selling stockholders named herein, which we issued and sold to them at $4.00 per share in a "
              "private placement. We are not selling any shares under this prospectus and will not receive any proceeds.\n\n"
              "The date of this prospectus is May 2, 2024.\n\n")
    for text in (base, resale):
        result = extract(normalise(text), stream="sha256:x", raw_sha256="0" * 64, source_name="p.txt")
        assert result.events[0].form == "424B3"
        assert [e.TYPE for e in result.events] == ["filing_recorded"], text[:80]


# --- the pricing table and the sentences, generated ---------------------------------------------------

money = st.decimals(min_value=Decimal("0.10"), max_value=Decimal("99.99"), places=2)


def _cell(x: Decimal) -> str:
    return f"$ {x:,}"


@settings(max_examples=60, deadline=None)
@given(price=money, shares=st.integers(100_000, 20_000_000), rate=st.sampled_from(["0.06", "0.07", "0.065"]),
       prefunded=st.booleans(), reflowed=st.booleans(),
       fee_label=st.sampled_from(["Placement agent fees(1)", "Underwriting discounts and commissions(1)",
                                  "Underwriting discount"]))
def test_pricing_table_rows_are_read_in_either_layout(price, shares, rate, prefunded, reflowed, fee_label):
    gross = price * shares
    fee = (gross * Decimal(rate)).quantize(Decimal("0.01"))
    per_fee = (price * Decimal(rate)).quantize(Decimal("0.0001"))
    header = "Per Share Per Pre-Funded Warrant Total" if prefunded else "Per Share Total"
    pre = [price - Decimal("0.0001")] if prefunded else []
    pre_fee = [per_fee] if prefunded else []
    rows = [f"Public offering price {' '.join(_cell(x) for x in [price, *pre, gross])}",
            f"{fee_label} {' '.join(_cell(x) for x in [per_fee, *pre_fee, fee])}",
            f"Proceeds to us, before expenses {' '.join(_cell(x) for x in [price - per_fee, *pre, gross - fee])}"]
    body = (" " if reflowed else "\n\n").join(rows)
    text = f"Filed Pursuant to Rule 424(b)(5)\n\nACME CORP.\n{header}\n{body}\n\n(1) See \"Underwriting\".\n\n"
    table = prospectus.pricing_table(text)
    assert table is not None
    assert (table.share_price, table.gross, table.fee_total) == (price, gross, fee)
    assert table.shares_only is (not prefunded)
    assert table.fee_role == ("placement_agent" if "agent" in fee_label else "underwriter")


@settings(max_examples=40, deadline=None)
@given(shares=st.integers(10_000, 50_000_000), pre=st.integers(10_000, 5_000_000), price=money,
       exercise=money, agent=st.sampled_from(["Harrow Pike Securities, LLC", "Vellum Street Capital Markets LLC"]))
def test_offering_sentences_give_one_sale_and_one_warrant_a_class(shares, pre, price, exercise, agent):
    text = normalise(
        "Filed Pursuant to Rule 424(b)(5)\n\nPROSPECTUS SUPPLEMENT\n\n(To Prospectus dated January 5, 2024)\n\nACME CORP.\n\n"
        f"We are offering {shares:,} shares of our common stock. The public offering price per share is ${price}.\n\n"
        f"We are also offering pre-funded warrants to purchase up to {pre:,} shares of our common stock in lieu of shares "
        "of common stock. Each pre-funded warrant will be exercisable immediately at an exercise price of $0.0001 per share.\n\n"
        f"We are also offering common warrants to purchase up to {shares + pre:,} shares of common stock. The common "
        f"warrants will have an exercise price of ${exercise} per share and will expire five years from the date of issuance.\n\n"
        f"We have engaged {agent} to act as our exclusive placement agent in connection with this offering.\n\n"
        "The date of this prospectus supplement is March 5, 2024.\n\n"
        "PLAN OF DISTRIBUTION\n\n"
        f"We have agreed to pay the placement agent a cash fee equal to 7.0% of the aggregate gross proceeds of this offering.\n\n"
        "LEGAL MATTERS\n\nThe validity of the shares will be passed upon by counsel.\n\n")
    result = extract(text, stream="sha256:x", raw_sha256="0" * 64, source_name="p.txt")
    events = [e for e in result.events[1:]]
    [common] = [e for e in events if e.TYPE == "common_issued"]
    assert (common.shares, common.price, str(common.effective_date)) == (shares, price, "2024-03-05")
    warrants = sorted((e.kind.value, e.shares, e.exercise_price) for e in events if e.TYPE == "warrant_granted")
    assert warrants == sorted([("pre_funded", pre, Decimal("0.0001")), ("investor", shares + pre, exercise)])
    [fee] = [e for e in events if e.TYPE == "fee_paid"]
    assert (fee.payee, fee.cash, fee.percent_of_proceeds) == (agent, None, Decimal("7.0"))


# --- the CLI --------------------------------------------------------------------------------------

def test_dry_run_shows_the_events_of_a_prospectus(run):
    result = run("ingest", "--dry-run", UNITS)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "form: 424B5" in out and "(dry run: nothing written)" in out
    assert "common_issued 2024-03-05" in out and "shares: 2400000; price: 1.50" in out
    assert "kind: pre_funded; shares: 1100000; exercise_price: 0.0001" in out
    assert "cash: 367492.30" in out
    result = run("ingest", "--dry-run", SHELF)
    assert result.exit_code == 0, result.output
    assert "form: S-3" in result.stdout and "common_issued" not in result.stdout
    assert "no financing facts found" in result.stderr


def test_replay_of_the_ingested_prospectuses_as_a_real_process(tmp_path):
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    assert ledger, "no `ledger` script next to the interpreter: pip install -e ."
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    db = tmp_path / "l.db"

    def call(*args):
        return subprocess.run([ledger, "--db", str(db), *map(str, args)], capture_output=True, text=True, env=env, timeout=300)

    proc = call("ingest", UNITS, UNDERWRITTEN, ATM, SHELF)
    assert proc.returncode == 0, proc.stderr
    proc = call("replay", "--as-of", "2099-12-31", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    issuers = {i["issuer"]["name"]: i for i in json.loads(proc.stdout)["issuers"]}
    corvane = issuers["Corvane Therapeutics, Inc."]
    assert [(h["shares"], h["price"]) for h in corvane["holdings"]] == [(2400000, "1.50")]
    assert sorted((w["shares"], w["exercise_price"]) for w in corvane["warrants"]) == [
        (245000, "1.875"), (1100000, "0.0001"), (3500000, "1.50")]
    assert corvane["totals"]["fees_paid_cash"] == "367492.30"
    halversen = next(v for k, v in issuers.items() if k.lower().startswith("halversen"))
    assert [(h["shares"], h["price"]) for h in halversen["holdings"]] == [(4000000, "8.00")]
    assert halversen["totals"]["fees_paid_cash"] == "1920000"
    # the ATM supplement and the shelf: no holding, no warrant, no cash fee
    for name, issuer in issuers.items():
        if name.lower().startswith("bristlecone"):
            assert issuer["holdings"] == [] and issuer["warrants"] == []
            assert issuer["totals"]["fees_paid_cash"] in (None, "0")


def test_a_cover_whose_name_is_a_logo_is_named_by_its_defined_terms():
    text = normalise(
        "Filed Pursuant to Rule 424(b)(5)\n\nPROSPECTUS SUPPLEMENT\n\n(To Prospectus dated January 5, 2024)\n\n"
        "1,000,000 Shares of Common Stock\n\nWe are offering 1,000,000 shares of our common stock at a public offering "
        "price of $3.00 per share.\n\nThe date of this prospectus supplement is April 9, 2024.\n\n"
        "ABOUT THIS PROSPECTUS SUPPLEMENT\n\nUnless the context otherwise requires, the terms “Lumora,” “the Company,” "
        "“we,” “us” and “our” in this prospectus supplement refer to Lumora Health Sciences, Inc. and its subsidiaries.\n")
    result = extract(text, stream="sha256:x", raw_sha256="0" * 64, source_name="p.txt")
    filing, *rest = result.events
    assert (filing.issuer.name, filing.form, str(filing.report_date)) == ("Lumora Health Sciences, Inc.", "424B5", "2024-04-09")
    assert [(e.TYPE, e.shares, e.price) for e in rest] == [("common_issued", 1000000, Decimal("3.00"))]
