"""CSV exports of a replay: header, cells, None as empty, lists joined, streamed row by row."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from events import (
    Basis, CommonIssued, ConversionTerms, DAY_RANK, Issuer, PreferredIssued, Provenance, QuantityBasis,
    QuantityFormula, Quote, WarrantGranted, WarrantKind,
)
from ledger.export import write_cap_table_csv, write_warrants_csv
from ledger.projections import replay
from events.envelope import StoredEvent

KEY = "neotherapeutics inc|000-28782"
ISSUERS = {KEY: Issuer(name="NeoTherapeutics, Inc.", file_number="000-28782")}
NOV19 = date(1999, 11, 19)
BUYERS = ("Strong River Investments, Inc.", "Montrose Investments Ltd.")
SALE = ("Pursuant to the Agreement, the Company issued and sold to the investors a total of 845,594 shares of the "
        "Company's common stock at a purchase price of $11.826 per share.")
EXHIBIT = "4.3 Closing Warrant issued by Registrant to Montrose Investments Ltd., dated as of November 19, 1999."


def said(*sentences: str) -> Provenance:
    return Provenance("sha256:000", tuple(Quote(i * 1000, i * 1000 + len(s), s) for i, s in enumerate(sentences)))


def wrap(*pairs) -> list[StoredEvent]:
    ordered = sorted(pairs, key=lambda p: (p[1].effective_date, DAY_RANK[p[1].TYPE]))
    return [
        StoredEvent(seq, event_id, e.provenance.filing, seq, KEY, e.TYPE, e.SCHEMA_VERSION, e.effective_date, None,
                    "2024-05-01T12:00:00Z", e.provenance.sentence, f"{seq - 1:064x}", f"{seq:064x}", e)
        for seq, (event_id, e) in enumerate(ordered, 1)
    ]


EVENTS = wrap(
    ("pref-a", PreferredIssued(
        effective_date=date(1999, 1, 29), provenance=said("... 5% Series A Preferred Stock with Conversion Features"),
        series="Series A", title="5% Series A Preferred Stock with Conversion Features",
        stated_amount=Decimal("4000000"), stated_amount_basis=Basis.BY_REFERENCE, consideration_kind="not_stated",
        holders_description="two institutional investors",
        conversion=ConversionTerms(fixed_price=Decimal("13.06"), fixed_price_basis=Basis.STATED, share_cap=1_450_000))),
    ("common-nov99", CommonIssued(
        effective_date=NOV19, provenance=said(SALE), shares=845_594, price=Decimal("11.826"),
        consideration=Decimal("10000000"), consideration_kind="cash", buyers=BUYERS)),
    ("w-closing", WarrantGranted(
        effective_date=NOV19, provenance=said("... five-year warrants (\"Closing Warrants\") ...", EXHIBIT),
        tranche="Closing Warrants", kind=WarrantKind.CLOSING, shares=126_839, exercise_price=Decimal("14.24"),
        expires_on=date(2004, 11, 19), expiry_basis=Basis.COMPUTED, holders=BUYERS)),
    ("w-adjustable", WarrantGranted(
        effective_date=NOV19, provenance=said("... warrants (\"Adjustable Warrants\") ..."),
        tranche="Adjustable Warrants", kind=WarrantKind.ADJUSTABLE, quantity_basis=QuantityBasis.FORMULA,
        exercise_price=Decimal("0.001"), holders=BUYERS,
        formula=QuantityFormula("10 lowest closing bid prices", (date(2000, 3, 19), date(2000, 5, 19))))),
)


def read(writer, as_of=NOV19) -> list[list[str]]:
    fh = io.StringIO(newline="")
    writer(replay(iter(EVENTS), as_of=as_of, issuers=ISSUERS), fh)
    return list(csv.reader(io.StringIO(fh.getvalue(), newline="")))


def test_cap_table_csv():
    header, pref, common = read(write_cap_table_csv)
    assert header == ["issuer", "class", "holders", "shares", "stated_amount", "price", "conversion_price",
                      "conversion_share_cap", "consideration_kind", "date", "event_ids", "source"]
    assert common == ["NeoTherapeutics, Inc.", "Common Stock", "Strong River Investments, Inc.; Montrose Investments Ltd.",
                      "845594", "", "11.826", "", "", "cash", "1999-11-19", "common-nov99", SALE]
    # No names: the filing's description fills the holders cell; unknown shares are empty, not 0.
    assert pref == ["NeoTherapeutics, Inc.", "5% Series A Preferred Stock with Conversion Features",
                    "two institutional investors", "", "4000000", "", "13.06", "1450000", "not_stated", "1999-01-29", "pref-a",
                    "... 5% Series A Preferred Stock with Conversion Features"]


def test_warrants_csv():
    header, closing, adjustable = read(write_warrants_csv)
    assert header == ["issuer", "tranche", "kind", "holders", "shares", "quantity_basis", "exercise_price",
                      "issued_on", "expires_on", "status", "event_ids", "source"]
    assert closing == ["NeoTherapeutics, Inc.", "Closing Warrants", "closing",
                       "Strong River Investments, Inc.; Montrose Investments Ltd.", "126839", "fixed", "14.24",
                       "1999-11-19", "2004-11-19", "outstanding", "w-closing",
                       "... five-year warrants (\"Closing Warrants\") ..."]   # the first quote only
    assert adjustable[4:10] == ["", "formula", "0.001", "1999-11-19", "", "contingent"]


def test_csv_reflects_the_as_of_date():
    assert len(read(write_warrants_csv, as_of=date(1999, 11, 18))) == 1     # header only
    assert read(write_warrants_csv, as_of=date(2004, 11, 19))[1][9] == "expired"


class CountingFile(io.StringIO):
    writes = 0

    def write(self, s):
        self.writes += 1
        return super().write(s)


def test_csv_is_written_row_by_row():
    fh = CountingFile(newline="")
    write_cap_table_csv(replay(iter(EVENTS), as_of=NOV19, issuers=ISSUERS), fh)
    assert fh.writes == 3     # header + two lots, each written as it is produced
