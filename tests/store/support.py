"""Real events and streams for the store tests, and the engines they run on.

Every contract test runs on each engine in ENGINES: the in-memory store, a SQLite file and, when
``LEDGER_PG_URL`` names a server (``.ci/run`` starts one), PostgreSQL in a schema of its own.
"""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from events import Basis, CommonIssued, FeePaid, FilingRecorded, Issuer, Provenance, Quote, WarrantGranted, codec, to_payload
from events.envelope import Document, StreamInfo
from ledger.store import EncodedEvent, Store


# -- builders: real events ---------------------------------------------------------------------

D1, D2, D3 = date(2021, 3, 1), date(2021, 3, 5), date(2021, 4, 1)
ACME = Issuer("Acme Corp", "0001234567", "000-12345")
BETA = Issuer("Beta Inc", None, "333-99999")


def stream_id(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


S1, S2 = stream_id("filing one"), stream_id("filing two")
RAW = b"ACME CORP 8-K\r\nItem 3.02 Unregistered Sales of Equity Securities\r\n"
RAW_SHA = hashlib.sha256(RAW).hexdigest()
DOC = Document(RAW_SHA, "acme-8k.txt", RAW, "ACME CORP 8-K\nItem 3.02 Unregistered Sales of Equity Securities\n")


def prov(stream: str, text: str) -> Provenance:
    return Provenance(stream, (Quote(100, 100 + len(text), text),))


def info(stream: str = S1, issuer: Issuer = ACME, key: str = "0001234567",
         public: date | None = D2) -> StreamInfo:
    return StreamInfo(stream, key, issuer, "8-K", public, "acme-8k.txt", RAW_SHA)


def filing(stream: str, day: date, issuer: Issuer = ACME) -> FilingRecorded:
    return FilingRecorded(
        effective_date=day, provenance=prov(stream, "Date of Report: March 1, 2021"),
        issuer=issuer, form="8-K", report_date=day, signature_date=D2, public_date=D2,
        identity=stream.split(":")[1], raw_sha256=RAW_SHA, source_name="acme-8k.txt",
    )


def common(stream: str, day: date, price: str = "11.826", shares: int = 1_000_000) -> CommonIssued:
    return CommonIssued(
        effective_date=day,
        provenance=prov(stream, f"The Company sold {shares:,} shares at ${price} per share."),
        shares=shares, price=Decimal(price), consideration=Decimal("11826000.00"), consideration_kind="cash",
        buyers=("Alpha Fund LP", "Beta Partners"), buyers_description="two institutional investors",
    )


def warrant(stream: str, day: date) -> WarrantGranted:
    return WarrantGranted(
        effective_date=day, provenance=prov(stream, "Closing Warrants to purchase 500,000 shares."),
        tranche="Closing Warrants", kind="closing", shares=500_000,
        exercise_price=Decimal("12.50"), term_years=Decimal("5"), expires_on=date(2026, 3, 5),
        expiry_basis=Basis.COMPUTED, holders=("Alpha Fund LP",),
    )


def fee(stream: str, day: date) -> FeePaid:
    return FeePaid(
        effective_date=day, provenance=prov(stream, "a fee of 7.0% of the gross proceeds"),
        role="placement_agent", payee="Broker LLC", cash=Decimal("0.0010"),
        percent_of_proceeds=Decimal("7.0"),
    )


def one_stream(store: Store, stream: str = S1, **kw) -> list:
    events = [filing(stream, D1), common(stream, D1), warrant(stream, D2), fee(stream, D2)]
    return store.append(info(stream, **kw), events, DOC, recorded_at="2024-01-02T03:04:05Z")


def two_streams(store: Store) -> tuple[list, list]:
    """Stream 1 then stream 2; both report on D2, so replay must interleave them."""
    a = [filing(S1, D1), common(S1, D2, "11.826"), warrant(S1, D2)]
    b = [filing(S2, D2, BETA), common(S2, D2, "3.10", 20_000), fee(S2, D2)]
    store.append(info(S1), a, DOC)
    store.append(info(S2, BETA, "beta inc|333-99999"), b)
    return a, b


def old_common_issued(event: CommonIssued) -> EncodedEvent:
    """A common_issued payload as 'schema version 0' wrote it: the share count was 'number'."""
    payload = to_payload(event)
    payload["number"] = payload.pop("shares")
    return EncodedEvent("common_issued", 0, event.effective_date.isoformat(),
                        codec.canonical_json(payload), event.provenance.sentence)
