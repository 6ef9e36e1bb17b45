"""One issuer's dilution over time: common and fully diluted shares at every date either changes,
the financings that changed them, and the warrant expiries that lowered them.

The figures at each date are ``ledger.projections.dilution``'s, from the same folds a replay uses
(``ReportFold``), moved forward through the issuer's events in one pass: the fold is never rebuilt
for a later date. What changes a figure is an event (an issuance, a grant, an exercise, a
conversion, a split, a correction already applied), or a date alone: a warrant expires on its
expiry date and a note matures on its maturity, with no event to say so. Those dates are read from
the folded rows as they appear and visited in turn. Each visit rebuilds the issuer's rows (as a
replay as of that date would), so the cost is the issuer's rows times its distinct dates.

A step is kept only where a figure changes, plus the first date of the range; the figures hold
until the next step, and the last until ``end``."""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import groupby

import attrs

from events import CommonIssued, NoteIssued, PreferredIssued
from events.envelope import StoredEvent
from ledger.projections.captable import common_class, preferred_class
from ledger.projections.dilution import fully_diluted, lot_fact, note_fact, tranche_fact
from ledger.projections.report import ReportFold
from ledger.projections.warrants import WarrantStatus

PRICE, CONVERSION_PRICE = "price", "conversion price"


@attrs.frozen
class Step:
    """The figures from ``date`` on, until the next step."""

    date: date
    common_shares: int
    fully_diluted_at_fixed_price: int
    fully_diluted_at_cap: int


@attrs.frozen
class Issue:
    """One issuance event of a financing."""

    security: str                      # the class as the cap table names it
    kind: str                          # "common", "preferred" or "note"
    shares: int | None                 # as filed; None when not stated (or a note)
    amount: Decimal | None             # consideration (common), stated amount (preferred), principal (note)
    price: Decimal | None              # per share (common), fixed conversion price (preferred, note)
    price_kind: str                    # PRICE or CONVERSION_PRICE
    variable_price: bool               # a conversion price set by a formula (with or without a fixed one)
    consideration_kind: str | None     # common and preferred: cash, acquisition, ...; a note: None
    event_id: str


@attrs.frozen
class Financing:
    """What one filing stream issued on one closing date."""

    date: date
    stream: str
    issues: tuple[Issue, ...]

    @property
    def securities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.security for i in self.issues))

    @property
    def common_shares(self) -> int | None:
        """Common issued; None when none was, or a common issue does not state its shares."""
        common = [i.shares for i in self.issues if i.kind == "common"]
        return None if not common or None in common else sum(common)

    @property
    def price(self) -> Decimal | None:
        """The one price (or conversion price) its issues state; None when none or several."""
        prices = {i.price for i in self.issues if i.price is not None}
        return prices.pop() if len(prices) == 1 else None


@attrs.frozen
class Expiry:
    """A warrant tranche that expired with shares still outstanding (None: never determined)."""

    date: date
    tranche: str
    shares: int | None
    exercise_price: Decimal | None
    event_id: str                      # the grant's


@attrs.frozen
class DilutionSeries:
    issuer_key: str
    start: date | None                 # None: the issuer has no event by ``end``
    end: date | None
    steps: tuple[Step, ...]
    financings: tuple[Financing, ...]
    expiries: tuple[Expiry, ...]


def issue(stored: StoredEvent) -> Issue | None:
    """The financing part of an issuance event; None for any other event."""
    e = stored.event
    if isinstance(e, CommonIssued):
        return Issue(common_class(e), "common", e.shares, e.consideration, e.price, PRICE, False,
                     str(e.consideration_kind), stored.event_id)
    if isinstance(e, PreferredIssued):
        terms = e.conversion
        return Issue(preferred_class(e), "preferred", e.shares, e.stated_amount, terms.fixed_price if terms else None,
                     CONVERSION_PRICE, bool(terms and terms.variable_formula), str(e.consideration_kind),
                     stored.event_id)
    if isinstance(e, NoteIssued):
        return Issue(e.security, "note", None, e.principal, e.conversion_price, CONVERSION_PRICE,
                     e.conversion_formula is not None, None, stored.event_id)
    return None


def dilution_series(events: Iterable[StoredEvent], *, issuer_key: str, start: date | None = None,
                    end: date | None = None) -> DilutionSeries:
    """The series of ``issuer_key`` from ``start`` to ``end`` (both inclusive), from its events in
    replay order (other issuers' events are skipped). Without ``start``, from its first event;
    without ``end``, to the later of its last event and the last date a warrant expires or a note
    matures. Financings and expiries are those dated within the range."""
    fold = ReportFold(end or date.max)
    steps: list[Step] = []
    financings: dict[tuple[str, date], list[Issue]] = {}
    expiries: list[Expiry] = []
    timed: list[date] = []               # dates that change a figure by themselves, still to visit
    scheduled: set[date] = set()
    first: date | None = None
    last: date | None = None             # the last date visited

    def visit(day: date) -> None:
        nonlocal last
        fold.as_of, last = day, day
        table = fold.holdings.result().get(issuer_key)
        tranches = fold.warrants.result().get(issuer_key, ())
        notes = fold.notes.result().get(issuer_key, ())
        for when in [t.expires_on for t in tranches] + [n.maturity for n in notes]:
            if when is not None and when > day and when not in scheduled and (end is None or when <= end):
                scheduled.add(when)
                heapq.heappush(timed, when)
        if start is not None and day < start:
            return
        f = fully_diluted(map(lot_fact, table.holdings if table else ()), map(tranche_fact, tranches),
                          map(note_fact, notes))
        step = Step(day, f.common_shares, f.total_at_fixed_price, f.total_at_cap)
        if not steps or attrs.astuple(steps[-1])[1:] != attrs.astuple(step)[1:]:
            steps.append(step)
        expiries.extend(Expiry(day, t.tranche, t.shares, t.exercise_price, t.event_ids[0]) for t in tranches
                        if t.expires_on == day and t.status == WarrantStatus.EXPIRED)

    def opening(before: date | None) -> None:
        """The figures as they stood when the range opens, once, before the fold goes past
        ``start`` (None: the events have run out): only when some event came before it."""
        if start is not None and not steps and first is not None and first < start \
                and (before is None or before > start):
            visit(start)

    def visit_timed(before: date | None) -> None:
        while timed and (before is None or timed[0] < before):
            day = heapq.heappop(timed)
            opening(day)
            visit(day)

    mine = (e for e in events if e.issuer_key == issuer_key)
    for day, group in groupby(mine, key=lambda e: e.effective_date):
        if end is not None and day > end:
            break
        visit_timed(day)
        opening(day)
        first = first or day
        fold.as_of = day
        for stored in group:
            fold.add(stored)
            made = issue(stored) if start is None or day >= start else None
            if made is not None:
                financings.setdefault((stored.stream, day), []).append(made)
        if timed and timed[0] == day:
            heapq.heappop(timed)
        visit(day)
    if first is not None:
        visit_timed(None)
        opening(None)                    # every change came before the range: one step, held to its end
    return DilutionSeries(
        issuer_key, None if first is None else (start or first), None if first is None else (end or last),
        tuple(steps),
        tuple(Financing(day, stream, tuple(issues)) for (stream, day), issues in financings.items()),
        tuple(expiries),
    )
