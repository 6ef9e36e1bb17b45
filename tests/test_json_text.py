"""The replay's JSON text (json_chunks, written straight from the rows) is byte for byte what
json.dumps(to_json_contract(...), indent=2) writes: scripts rely on the contract's exact bytes."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import ConsiderationKind, Issuer, QuantityBasis, WarrantKind
from ledger.projections.captable import Holding
from ledger.projections.notes import NoteRow
from ledger.projections.report import IssuerReport, Replay, issuer_chunks, issuer_json, json_chunks, to_json_contract
from ledger.projections.totals import Totals
from ledger.projections.warrants import WarrantRow, WarrantStatus

# Everything json.dumps escapes (quotes, backslashes, control characters, DEL, non-ASCII, lone
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
reports = st.builds(
    IssuerReport, issuer=st.builds(Issuer, name=text, cik=optional_text, file_number=optional_text),
    issuer_key=text, holdings=st.lists(holdings, max_size=3).map(tuple),
    warrants=st.lists(warrants, max_size=3).map(tuple), totals=totals, notes=st.lists(notes, max_size=2).map(tuple),
)
replays = st.builds(Replay, as_of=st.dates(), known_at=optional_date,
                    issuers=st.lists(reports, max_size=3).map(tuple), warnings=strings)

SLOW_OK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW_OK
@given(replays)
def test_json_text_is_json_dumps_byte_for_byte(result):
    assert "".join(json_chunks(result)) == json.dumps(to_json_contract(result), indent=2) + "\n"


@settings(SLOW_OK, max_examples=100)
@given(reports)
def test_one_issuer_is_its_nested_dump(report):
    expected = json.dumps(issuer_json(report), indent=2).replace("\n", "\n    ")
    assert "".join(issuer_chunks(report)) == expected


def test_streamed_issuers_and_late_warnings():
    """A streamed replay: issuers an iterator, warnings readable only once it is spent."""
    report = IssuerReport(Issuer("Acme \"Bio\" Ünited", "0001", None), "k", (), (), Totals(fees_approximate=True))

    class Stream:
        as_of, known_at = date(2001, 2, 3), None
        issuers = iter([report])

        @property
        def warnings(self):
            assert next(self.issuers, None) is None, "warnings read before the issuers were spent"
            return ("late\twarning",)

    whole = Replay(date(2001, 2, 3), None, (report,), ("late\twarning",))
    assert "".join(json_chunks(Stream())) == json.dumps(to_json_contract(whole), indent=2) + "\n"


def test_known_values():
    """The exact text for a row with an exponent decimal, a non-ASCII name and no issuers' notes."""
    h = Holding("Common Stock", ("Zoë \"Z\" Fund",), None, 1000, None, Decimal("1E+1"), date(2001, 1, 2),
                ("s-1",), ("sold 1,000 shares\nat $10",))
    report = IssuerReport(Issuer("Acme"), "acme", (h,), (), Totals(common_shares=1000, capital_raised=Decimal("0E-2")))
    text = "".join(json_chunks(Replay(date(2001, 1, 31), None, (report,), ())))
    assert '"holders": [\n            "Zo\\u00eb \\"Z\\" Fund"\n          ],' in text
    assert '"price": "10",' in text and '"capital_raised": "0.00",' in text and '"stated_amount": null,' in text
    assert '"sources": [\n            "sold 1,000 shares\\nat $10"\n          ]\n        }\n      ],' in text
    assert '"warrants": [],\n      "notes": []\n    }\n  ],\n  "warnings": []\n}\n' in text
    assert json.loads(text)["issuers"][0]["holdings"][0]["price"] == "10"
