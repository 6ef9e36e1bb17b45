"""Random multi-issuer ledgers for property tests of the read path: filings and 8-K/As of several
issuers (names shared, changed, or needing JSON escapes), then splits, exercises, retractions and
corrections recorded by hand, some with no public date. Built through the store's own append."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from events import (
    BalanceAssertion, Basis, CommonIssued, ConversionTerms, QuantityBasis, EventCorrected, EventRetracted, FieldChange, FilingRecorded, Issuer,
    NoteIssued, PreferredConverted, PreferredIssued, Provenance, Quote, StockSplit, WarrantExercised, WarrantGranted, WarrantKind,
)
from events.envelope import StoredEvent, StreamInfo
from ledger.store import Store

DAY0 = date(2000, 1, 1)
SPAN = 1500     # days: dates fall in 2000-2004
# Two issuers may share a name (the key then orders them); one name needs escaping in JSON.
NAMES = ("Acme Corp", "Acme Corp", "Beta, Inc.", 'Zeta "Études" SA\\\n', "alpha ltd")
ITEMS = ((), ("3.02",), ("1.01", "3.02"), ("1.01",))


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


days = st.integers(0, SPAN).map(day)
maybe_days = st.none() | days


def said(stream: str, text: str) -> Provenance:
    return Provenance(stream, (Quote(0, len(text), text),))


@st.composite
def fact(draw, stream: str, report: date):
    """One financing fact of a filing, dated on or after its date of report."""
    when = report + timedelta(days=draw(st.integers(0, 60)))
    under = draw(st.sampled_from(ITEMS))
    p = said(stream, f"fact {draw(st.integers(0, 10**6))}")
    kind = draw(st.sampled_from(("common", "warrant", "note", "preferred")))
    if kind == "common":
        shares = draw(st.integers(1, 10**6))
        price = Decimal(draw(st.integers(1, 5000))) / 100
        consideration = draw(st.sampled_from((None, price * shares, price * shares + 1)))   # + 1: a warning
        return CommonIssued(effective_date=when, provenance=p, reported_under=under, shares=shares, price=price,
                            consideration=consideration, consideration_kind="cash", buyers=("A Fund",),
                            consideration_basis=Basis.NOT_STATED if consideration is None else Basis.STATED)
    if kind == "warrant":
        shares = draw(st.none() | st.integers(1, 10**5))
        return WarrantGranted(effective_date=when, provenance=p, reported_under=under, tranche="Warrants",
                              kind=WarrantKind.INVESTOR, shares=shares,
                              quantity_basis=QuantityBasis.UNDISCLOSED if shares is None else QuantityBasis.FIXED,
                              exercise_price=Decimal(draw(st.integers(1, 5000))) / 100,
                              expires_on=draw(st.none() | st.just(when + timedelta(days=draw(st.integers(1, 900))))))
    if kind == "preferred":     # fixed, variable, capped or not: dilution counts each its own way
        amount = Decimal(draw(st.integers(1, 10**7)))
        terms = ConversionTerms(fixed_price=draw(st.none() | st.integers(1, 5000).map(lambda c: Decimal(c) / 100)),
                                share_cap=draw(st.none() | st.integers(1, 10**6)),
                                variable_formula=draw(st.sampled_from((None, "95% of the average closing price"))))
        stated = draw(st.sampled_from((None, amount)))
        return PreferredIssued(effective_date=when, provenance=p, reported_under=under, series="Series A",
                               title="Series A Preferred Stock", stated_amount=stated,
                               stated_amount_basis=Basis.NOT_STATED if stated is None else Basis.STATED,
                               consideration=amount, consideration_basis=Basis.STATED,
                               consideration_kind="cash", holders=draw(st.sampled_from(((), ("B Fund",), ("A Fund",)))),
                               holders_description="an investor", conversion=draw(st.none() | st.just(terms)))
    return NoteIssued(effective_date=when, provenance=p, reported_under=under, security="Convertible Notes",
                      principal=Decimal(draw(st.integers(1, 10**6))), conversion_price=Decimal("1.50"),
                      maturity=draw(st.none() | st.just(when + timedelta(days=draw(st.integers(1, 900))))))


def append(store: Store, key: str, issuer: Issuer, form: str, public: date | None, events, serial: int,
           amends: str | None = None) -> list[StoredEvent]:
    stream = events[0].provenance.filing
    info = StreamInfo(stream, key, issuer, form, public, f"{serial}.txt", hashlib.sha256(stream.encode()).hexdigest(),
                      amends=amends)
    return store.append(info, events)


@st.composite
def filings(draw, store: Store, first: int = 0) -> None:
    """Filings and 8-K/As of up to four issuers, appended to ``store``; serials from ``first`` (a
    second batch into the same ledger starts after the first)."""
    n_issuers = draw(st.integers(1, 4))
    keys = [f"cik:{100 + i}" for i in range(n_issuers)]
    originals: dict[str, list[tuple[str, date]]] = {}
    for info in store.streams():     # a later batch may amend a filing of an earlier one
        if info.form == "8-K" and info.issuer_key in keys:
            originals.setdefault(info.issuer_key, []).append((info.stream, info.report_date))
    for serial in range(first, first + draw(st.integers(1, 10))):
        key = draw(st.sampled_from(keys))
        issuer = Issuer(draw(st.sampled_from(NAMES)), key.removeprefix("cik:"))   # a later filing may rename it
        amends = None
        report = draw(days)
        form = "8-K"
        if originals.get(key) and draw(st.booleans()):
            form = draw(st.sampled_from(("8-K/A", "8-k/a")))
            amends, report = draw(st.sampled_from(originals[key]))
            if draw(st.booleans()):
                amends = None          # matched on replay by issuer and date of report, not by column
        stream = f"sha256:{serial:064x}"
        public = draw(st.none() | st.just(report + timedelta(days=draw(st.integers(0, 90)))))
        head = FilingRecorded(effective_date=report, provenance=said(stream, "cover"), issuer=issuer, form=form,
                              report_date=report, signature_date=public, public_date=public, identity=stream, raw_sha256=stream,
                              source_name=f"{serial}.txt", items=("1.01", "3.02"), amends=amends)
        facts = draw(st.lists(fact(stream, report), max_size=5))
        facts.sort(key=lambda e: e.effective_date)
        append(store, key, issuer, form, public, [head, *facts], serial, amends)
        if form == "8-K":
            originals.setdefault(key, []).append((stream, report))


@st.composite
def recorded(draw, store: Store, first: int = 1000) -> None:
    """Hand-recorded facts and corrections, each a stream of its own, some with no public date."""
    stored = list(store.log())
    facts = [s for s in stored if not isinstance(s.event, FilingRecorded)]
    filings_ = [s for s in stored if isinstance(s.event, FilingRecorded) and not s.event.form.upper().endswith("/A")]
    issuers = {s.issuer_key: s.event.issuer for s in stored if isinstance(s.event, FilingRecorded)}
    for n in range(draw(st.integers(0, 6))):
        stream = f"manual:{first + n:064x}"     # a tail of its own: event ids are the tail and a version
        what = draw(st.sampled_from(("split", "exercise", "retract", "retract filing", "correct", "move", "convert",
                                     "balance")))
        public = draw(maybe_days)
        if what == "balance":       # a reported balance of a class: replay estimates shares outstanding from it
            key = draw(st.sampled_from(sorted(issuers)))
            event = BalanceAssertion(effective_date=draw(days), provenance=said(stream, "N shares were outstanding"),
                                     value=draw(st.integers(0, 10**8)),
                                     security=draw(st.sampled_from(("Common Stock", "common stock, $.01 par value",
                                                                    "Class A Common Stock", "Class B Common Stock"))))
        elif what == "split":
            key = draw(st.sampled_from(sorted(issuers)))
            numerator, denominator = draw(st.sampled_from(((1, 2), (2, 1), (3, 2), (1, 5), (5, 1))))
            event = StockSplit(effective_date=draw(days), provenance=said(stream, "split"),
                               numerator=numerator, denominator=denominator)
        else:
            pool = {"exercise": [s for s in facts if isinstance(s.event, WarrantGranted)],
                    "convert": [s for s in facts if isinstance(s.event, PreferredIssued)],
                    "retract filing": filings_, "correct": [s for s in facts if isinstance(s.event, CommonIssued)]
                    }.get(what, facts)
            if not pool:
                continue
            target = draw(st.sampled_from(pool))
            key = target.issuer_key
            p = said(stream, what)
            if what == "exercise":
                event = WarrantExercised(effective_date=target.effective_date + timedelta(days=draw(st.integers(0, 400))),
                                         provenance=p, tranche=target.event_id, shares=draw(st.integers(1, 10**5)))
            elif what == "convert":
                event = PreferredConverted(effective_date=target.effective_date + timedelta(days=draw(st.integers(0, 400))),
                                           provenance=p, preferred=target.event_id, common_received=draw(st.integers(1, 10**5)),
                                           stated_amount_converted=draw(st.none() | st.integers(0, 10**6).map(Decimal)))
            elif what.startswith("retract"):
                event = EventRetracted(effective_date=target.effective_date, provenance=p, target=target.event_id,
                                       reason="wrong")
            elif what == "correct":
                event = EventCorrected(effective_date=target.effective_date, provenance=p, target=target.event_id,
                                       changes=(FieldChange("shares", draw(st.integers(0, 10**6))),), reason="typo")
            else:
                event = EventCorrected(effective_date=target.effective_date, provenance=p, target=target.event_id,
                                       changes=(FieldChange("effective_date", draw(days).isoformat()),), reason="date")
        info = StreamInfo(stream, key, issuers[key], "record", public, "by hand", hashlib.sha256(stream.encode()).hexdigest())
        store.append(info, [event])


def three_issuers(store: Store) -> dict[str, list[StoredEvent]]:
    """A fixed ledger: three issuers (two named alike), each with a filing of common shares and
    warrants, and an 8-K/A for the first two (one linked by column, one by date of report).
    Stored events by issuer key."""
    out: dict[str, list[StoredEvent]] = {}
    for n, (key, name) in enumerate((("cik:3", "Acme Corp"), ("cik:1", "Zeta SA"), ("cik:2", "Acme Corp"))):
        issuer, report = Issuer(name, key.removeprefix("cik:")), day(30 * n)
        for form in ("8-K", "8-K/A") if n < 2 else ("8-K",):
            serial = 10 * n + (form != "8-K")
            stream = f"sha256:{serial + 1:064x}"
            amends = f"sha256:{10 * n + 1:064x}" if form != "8-K" and n == 0 else None
            head = FilingRecorded(effective_date=report, provenance=said(stream, "cover"), issuer=issuer, form=form,
                                  report_date=report, signature_date=report, public_date=report, identity=stream,
                                  raw_sha256=stream, source_name=f"{serial}.txt", items=("3.02",), amends=amends)
            shares = 1000 * (n + 1) + (form != "8-K")
            facts = [CommonIssued(effective_date=report, provenance=said(stream, f"sold {shares}"), reported_under=("3.02",),
                                  shares=shares, price=Decimal("1.25"), consideration=Decimal("1.25") * shares,
                                  consideration_kind="cash", buyers=("A Fund",)),
                     WarrantGranted(effective_date=report, provenance=said(stream, "warrants"), reported_under=("3.02",),
                                    tranche="Warrants", kind=WarrantKind.INVESTOR, shares=100 * (n + 1),
                                    exercise_price=Decimal("2.00"), expires_on=day(30 * n + 700))]
            out.setdefault(key, []).extend(append(store, key, issuer, form, report, [head, *facts], serial, amends))
    return out
