"""Hypothesis strategies for a replay's rows and reports, with the values output must write exactly:
text json.dumps and csv escape, None wherever a field allows it, decimals with exponents."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from events import ConsiderationKind, Issuer, QuantityBasis, WarrantKind
from ledger.projections.captable import Holding
from ledger.projections.notes import NoteRow
from ledger.projections.outstanding import Balance, ClassOutstanding, Outstanding
from ledger.projections.report import IssuerReport, Replay
from ledger.projections.totals import Totals
from ledger.projections.warrants import WarrantRow, WarrantStatus

# Everything json.dumps and csv escape (quotes, backslashes, control characters, DEL, non-ASCII, lone
# surrogates, characters beyond the BMP) beside ordinary text.
TRICKY = '"\\/\n\r\t\b\f\x00\x1f\x7f\x80é€\u2028\ud800\udfff\U0001f600 E-e.0'
text = st.text(st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=12)
optional_text = st.none() | text
strings = st.lists(text, max_size=3).map(tuple)
# Exponents both ways (1E+2, 5E-9, 0E-7), signs, zeros, NaN and infinities: str() and format(d, "f") differ on many.
decimal = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(lambda sign, digits, exponent: Decimal((sign, digits, exponent)),
              st.integers(0, 1), st.lists(st.integers(0, 9), min_size=1, max_size=30).map(tuple), st.integers(-40, 40)),
)
optional_decimal = st.none() | decimal
# Counts are ints; bools and huge values too, since json.dumps prints them its own way (true, not 1).
count = st.one_of(st.integers(), st.integers(-(10**40), 10**40), st.booleans())
optional_count = st.none() | count
optional_date = st.none() | st.dates()

holdings = st.builds(
    Holding, security_class=text, holders=strings, holders_description=optional_text, shares=optional_count,
    stated_amount=optional_decimal, price=optional_decimal, date=st.dates(), event_ids=strings, sources=strings,
    conversion_price=optional_decimal, conversion_share_cap=optional_count,
    consideration_kind=st.sampled_from(ConsiderationKind),
)
warrants = st.builds(
    WarrantRow, tranche=text, kind=st.sampled_from(WarrantKind), holders=strings, holders_description=optional_text,
    shares=optional_count, quantity_basis=st.sampled_from(QuantityBasis), exercise_price=optional_decimal,
    issued_on=st.dates(), expires_on=optional_date, status=st.sampled_from(WarrantStatus), event_ids=strings,
    sources=strings,
)
notes = st.builds(
    NoteRow, security=text, holders=strings, holders_description=optional_text, principal=optional_decimal,
    interest_rate=optional_decimal, conversion_price=optional_decimal, conversion_formula=optional_text,
    issued_on=st.dates(), maturity=optional_date, status=text, event_ids=strings, sources=strings,
)
totals = st.builds(
    Totals, common_shares=count, warrant_shares_outstanding=count, undetermined_warrant_tranches=count,
    contingent_warrant_tranches=count, capital_raised=optional_decimal, undisclosed_consideration=count,
    fees_paid_cash=optional_decimal, undisclosed_cash_fees=count, fees_approximate=st.booleans(),
)
# Outstanding's counts are ints (sums of lots and a reported count), never None or bool.
whole = st.one_of(st.integers(0, 10**12), st.integers(-(10**40), 10**40))
balances = st.builds(Balance, security=text, shares=whole, as_of=st.dates(), event_ids=strings, source=text)
outstanding = st.one_of(
    st.builds(Outstanding, classes=st.just(()), basis=optional_text),
    st.builds(Outstanding, basis=st.none(), classes=st.lists(st.builds(
        ClassOutstanding, security=text, reported=balances, issued_since=whole, undetermined_since=whole,
        since_event_ids=strings, estimated=whole, recorded_only=whole), min_size=1, max_size=3).map(tuple)),
)
reports = st.builds(
    IssuerReport, issuer=st.builds(Issuer, name=text, cik=optional_text, file_number=optional_text),
    issuer_key=text, holdings=st.lists(holdings, max_size=3).map(tuple),
    warrants=st.lists(warrants, max_size=3).map(tuple), totals=totals, notes=st.lists(notes, max_size=2).map(tuple),
    outstanding=outstanding,
)
replays = st.builds(Replay, as_of=st.dates(), known_at=optional_date,
                    issuers=st.lists(reports, max_size=3).map(tuple), warnings=strings)
