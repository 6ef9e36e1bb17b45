"""The replay's JSON text (json_chunks, written straight from the rows) is byte for byte what
json.dumps(to_json_contract(...), indent=2) writes: scripts rely on the contract's exact bytes."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from events import Issuer
from ledger.projections.captable import Holding
from ledger.projections.report import IssuerReport, Replay, dec, issuer_chunks, issuer_json, json_chunks, to_json_contract
from ledger.projections.totals import Totals
from tests.report_values import decimal, replays, reports

SLOW_OK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW_OK
@given(replays)
def test_json_text_is_json_dumps_byte_for_byte(result):
    assert "".join(json_chunks(result)) == json.dumps(to_json_contract(result), indent=2) + "\n"


@settings(max_examples=500)
@given(decimal)
def test_dec_is_the_f_format(value):
    """dec() takes str() when it has no exponent: the same digits as format(value, "f")."""
    assert dec(value) == format(value, "f")


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
