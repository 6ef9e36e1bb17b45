"""Pass 4, deal assembly, end to end through ``extract()``: a fact told in several sentences (or in
the 8-K body and its press release) is one draft, figures told apart reach the right security, and
the constraints between drafts (firm + option = total, a total with selling stockholders' shares, a
sum of tranches, shares x price = proceeds) choose what is recorded. The filings are written for
these tests; every test asserts exact figures, bases and dates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from events import Basis, WarrantKind
from ledger.extract import extract
from ledger.extract.drafts import FeeDraft, SharesDraft, WarrantDraft
from ledger.extract.frames import Sale
from ledger.text.normalise import normalise

COVER = """UNITED STATES
SECURITIES AND EXCHANGE COMMISSION
WASHINGTON, D.C. 20549

FORM 8-K

CURRENT REPORT

Date of Report (Date of earliest event reported): March 2, 2021

KESTREL GRID SYSTEMS, INC.
(Exact name of registrant as specified in its charter)

Delaware 001-38811 82-1234567

"""


def run(body: str):
    return extract(normalise(COVER + body), stream="sha256:test", raw_sha256="0" * 64, source_name="t.txt")


def drafts(body: str, kind=None) -> list:
    return [d for d in run(body).drafts if kind is None or isinstance(d, kind)]


def shares(body: str) -> list[tuple]:
    return [(d.shares.value, d.price.value, d.date.value) for d in drafts(body, SharesDraft)]


ITEM_302 = "Item 3.02 Unregistered Sales of Equity Securities.\n\n"


# --- one sale told twice ----------------------------------------------------------------------
TOLD_TWICE = ITEM_302 + (
    "On March 1, 2021, the Company sold 1,204,819 shares of common stock to accredited investors at a purchase "
    "price of $4.15 per share, for gross proceeds of approximately $5.0 million.\n\n"
    "Item 9.01 Financial Statements and Exhibits.\n\nEX-99.1\n\n"
    "DENVER, March 1, 2021 (GLOBE NEWSWIRE) -- Kestrel Grid Systems, Inc. today announced that it sold "
    "approximately 1.2 million shares of common stock at $4.15 per share in a private placement.\n")


def test_a_sale_in_the_body_and_the_press_release_is_one_draft_citing_both():
    [d] = drafts(TOLD_TWICE, SharesDraft)
    assert (d.shares.value, d.shares.basis(), d.price.value, d.date.value) == (
        1_204_819, Basis.STATED, Decimal("4.15"), date(2021, 3, 1))
    assert (d.consideration.value, d.consideration.basis()) == (Decimal("5000000"), Basis.APPROXIMATE)
    cited = [s.text[:20] for s in d.sentences]
    assert cited == ["On March 1, 2021, th", "DENVER, March 1, 202"]
    # the body's exact figure is chosen over the release's rounded one
    assert d.shares.best.sentences[0].text.startswith("On March 1, 2021, the Company sold 1,204,819")


def test_a_rounded_count_told_first_yields_to_the_exact_one():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold approximately 1.2 million shares of common stock at $4.15 per share. "
        "The Company sold 1,204,819 shares of common stock to the investors at $4.15 per share.\n")
    [d] = drafts(body, SharesDraft)
    assert (d.shares.value, d.shares.basis(), len(d.sentences)) == (1_204_819, Basis.STATED, 2)


# --- constraints between drafts ---------------------------------------------------------------
def test_firm_shares_and_the_option_keep_the_total_only():
    body = "Item 8.01 Other Events.\n\n" + (
        "On March 1, 2021, the Company sold 4,000,000 shares of common stock at $2.00 per share in an underwritten "
        "public offering. The Company granted the underwriters an option to purchase up to an additional 600,000 "
        "shares of common stock. On March 5, 2021, the Company closed the offering of 4,600,000 shares of common "
        "stock, including the full exercise of the option.\n")
    assert shares(body) == [(4_600_000, Decimal("2.00"), date(2021, 3, 5))]


def test_a_total_with_selling_stockholders_shares_becomes_the_companys_part():
    body = "Item 8.01 Other Events.\n\n" + (
        "On March 1, 2021, the Company closed an offering of 3,000,000 shares of common stock at $5.00 per share, "
        "including 1,000,000 shares sold by selling stockholders. The Company sold 2,000,000 shares of common "
        "stock in the offering.\n")
    assert shares(body) == [(2_000_000, Decimal("5.00"), date(2021, 3, 1))]


def test_a_sum_of_tranches_told_after_them_is_dropped():
    body = ITEM_302 + (
        "On February 1, 2021, the Company sold 500,000 shares of common stock at $1.00 per share in a first "
        "tranche. On March 1, 2021, the Company sold 700,000 shares of common stock at $1.00 per share in a second "
        "tranche. In total, the Company has sold 1,200,000 shares of common stock in the private placement.\n")
    x = run(body)
    assert 1_200_000 in [f.count for f in x.frames if isinstance(f, Sale)]     # the total is read as a sale ...
    assert [(d.shares.value, d.date.value) for d in x.drafts if isinstance(d, SharesDraft)] == [
        (500_000, date(2021, 2, 1)), (700_000, date(2021, 3, 1))]               # ... and dropped as the sum


def test_gross_proceeds_attach_to_the_sale_whose_shares_times_price_agree():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 1,000,000 shares of common stock at $1.50 per share. "
        "The gross proceeds to the Company were $1,500,000.\n")
    [d] = drafts(body, SharesDraft)
    assert (d.consideration.value, d.consideration.basis()) == (Decimal("1500000"), Basis.STATED)


def test_gross_proceeds_that_disagree_attach_to_nothing():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 1,000,000 shares of common stock at $1.50 per share. "
        "The gross proceeds to the Company were $2,400,000.\n")
    [d] = drafts(body, SharesDraft)
    assert d.consideration.value is None


def test_gross_proceeds_that_also_pay_for_prefunded_warrants_are_no_sales_consideration():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 1,000,000 shares of common stock at $1.00 per share and pre-funded "
        "warrants to purchase 500,000 shares of common stock at $0.999 per pre-funded warrant. The gross proceeds "
        "were approximately $1.5 million.\n")
    [d] = drafts(body, SharesDraft)
    assert (d.shares.value, d.price.value, d.consideration.value) == (1_000_000, Decimal("1.00"), None)
    [w] = drafts(body, WarrantDraft)
    assert (w.kind, w.shares.value) == (WarrantKind.PRE_FUNDED, 500_000)


# --- terms told in later sentences ------------------------------------------------------------
def test_exercise_prices_and_terms_reach_the_right_series():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 2,000,000 shares of common stock at $1.00 per share, Series A Warrants "
        "to purchase 2,000,000 shares of common stock and Series B Warrants to purchase 1,000,000 shares of "
        "common stock. The Series A Warrants have an exercise price of $1.25 per share. The Series B Warrants have "
        "an exercise price of $1.50 per share and expire eighteen months after issuance.\n")
    got = {d.series: (d.shares.value, d.exercise_price.value, d.term_years.value) for d in drafts(body, WarrantDraft)}
    assert got == {"A": (2_000_000, Decimal("1.25"), None), "B": (1_000_000, Decimal("1.50"), Decimal("1.5"))}


def test_a_generic_term_reaches_the_latest_grant():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 2,000,000 shares of common stock at $1.00 per share and warrants to "
        "purchase 2,000,000 shares of common stock at an exercise price of $1.20 per share. "
        "The warrants are exercisable for five years.\n")
    [w] = drafts(body, WarrantDraft)
    assert (w.shares.value, w.exercise_price.value, w.term_years.value) == (2_000_000, Decimal("1.20"), Decimal(5))
    assert w.term_years.best.sentences[0].text == "The warrants are exercisable for five years."


def test_on_the_same_terms_takes_the_earlier_tranches_values_by_reference():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 1,000,000 shares of common stock and warrants to purchase 1,000,000 "
        "shares of common stock at an exercise price of $2.00 per share, exercisable for five years. On April 1, "
        "2021, the Company issued to another investor warrants to purchase 300,000 shares of common stock on the "
        "same terms.\n")
    later = [d for d in drafts(body, WarrantDraft) if d.shares.value == 300_000]
    [w] = later
    assert (w.exercise_price.value, w.exercise_price.basis(), w.term_years.value, w.date.value) == (
        Decimal("2.00"), Basis.BY_REFERENCE, Decimal(5), date(2021, 4, 1))


# --- fees and the agent's warrants ------------------------------------------------------------
def test_the_agents_warrants_told_in_another_sentence_are_the_fees_warrants():
    body = ITEM_302 + (
        "On March 1, 2021, the Company sold 2,000,000 shares of common stock at $1.00 per share in a registered "
        "direct offering. Maxim Group LLC acted as the exclusive placement agent for the offering. The Company "
        "paid Maxim a cash fee of $140,000 and agreed to issue to Maxim warrants as compensation. On March 1, "
        "2021, the Company issued to Maxim's designees warrants to purchase 140,000 shares of common stock at an "
        "exercise price of $1.25 per share.\n")
    [w] = drafts(body, WarrantDraft)
    assert (w.kind, w.shares.value, w.exercise_price.value, w.holders.value) == (
        WarrantKind.PLACEMENT_AGENT, 140_000, Decimal("1.25"), ("Maxim Group LLC",))
    [f] = drafts(body, FeeDraft)
    assert (f.payee, f.role, f.cash.value, f.warrants, f.warrant_shares) == (
        "Maxim Group LLC", "placement_agent", Decimal("140000"), True, 140_000)


# --- dates ------------------------------------------------------------------------------------
def test_a_stated_closing_beats_the_agreement_date():
    body = "Item 1.01 Entry into a Material Definitive Agreement.\n\n" + (
        "On March 1, 2021, the Company entered into a securities purchase agreement with certain investors "
        "pursuant to which the Company agreed to sell 3,000,000 shares of common stock at $0.80 per share. "
        "The offering closed on March 4, 2021.\n")
    [d] = drafts(body, SharesDraft)
    assert (d.shares.value, d.price.value, d.date.value) == (3_000_000, Decimal("0.80"), date(2021, 3, 4))
    assert d.date.best.sentences[0].text == "The offering closed on March 4, 2021."


def test_an_agreement_without_a_stated_closing_keeps_its_own_date():
    body = "Item 1.01 Entry into a Material Definitive Agreement.\n\n" + (
        "On March 1, 2021, the Company entered into a securities purchase agreement with certain investors "
        "pursuant to which the Company agreed to sell 3,000,000 shares of common stock at $0.80 per share.\n")
    [d] = drafts(body, SharesDraft)
    assert d.date.value == date(2021, 3, 1)


def test_events_carry_the_assembled_figures():
    x = run(TOLD_TWICE)
    [e] = x.events[1:]
    assert (type(e).__name__, e.shares, e.price, e.consideration, e.effective_date, len(e.provenance.quotes)) == (
        "CommonIssued", 1_204_819, Decimal("4.15"), Decimal("5000000"), date(2021, 3, 1), 2)
