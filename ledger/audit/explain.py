"""`ledger explain FIGURE`: the rows and events a replay total is made of, with their sources.

The total is always the replay's own (``replay_ledger``); the items come from the projection rows
(holdings and warrant rows carry their event ids and sources) and, for the money figures, from
each event's contribution through the projection's own fold, so no arithmetic is redone here. The
items' sum is compared with the total: a difference is reported, never hidden.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import reduce

import attrs

from events import CommonIssued, FeePaid, Issuer, PreferredIssued
from ledger.audit.history import visible
from ledger.corrections import Pending, known_corrections
from ledger.errors import LedgerError
from ledger.projections import EXACT, Holding, WarrantRow, WarrantStatus, add
from ledger.projections.captable import holding
from ledger.projections.totals import Totals, TotalsFold, raises_money
from ledger.store import Store
from events.envelope import StoredEvent
from ledger.views import effective_events, replay_ledger

FIGURES = ("common_shares", "warrant_shares_outstanding", "undetermined_warrant_tranches", "capital_raised",
           "fees_paid_cash")


class UnknownFigure(LedgerError):
    def __init__(self, figure: str):
        super().__init__(f"unknown figure {figure!r}; one of: {', '.join(FIGURES)}")


Amount = int | Decimal


@attrs.frozen
class Item:
    """One row or event behind a figure. ``counted`` items add ``amount`` to the total; the others
    are listed with ``note`` saying why they are not in it (expired, not stated, ...)."""

    event_ids: tuple[str, ...]
    date: date
    amount: Amount | None
    counted: bool
    what: str
    source: str | None
    note: str | None = None
    corrected_by: tuple[str, ...] = ()     # retractions and corrections replay applied to these events


@attrs.frozen
class IssuerExplanation:
    issuer: Issuer
    issuer_key: str
    total: Amount                 # the replay's total
    items: tuple[Item, ...]

    @property
    def itemised(self) -> Amount:
        if isinstance(self.total, Decimal):     # exact: the default context keeps 28 digits only
            return reduce(add, (i.amount for i in self.items if i.counted), Decimal(0))
        return sum(i.amount for i in self.items if i.counted)

    @property
    def residual(self) -> Amount:
        """What the items do not account for; 0 when they add up to the total."""
        if isinstance(self.total, Decimal):
            return EXACT.subtract(self.total, self.itemised)
        return self.total - self.itemised


@attrs.frozen
class Explanation:
    figure: str
    as_of: date
    known_at: date | None
    issuers: tuple[IssuerExplanation, ...]
    warnings: tuple[str, ...]


def replayed(store: Store, *, as_of: date, known_at: date | None = None,
             issuer_key: str | None = None) -> Iterator[StoredEvent]:
    """The events a replay with these arguments folds, in replay order, streamed: corrections
    applied and 8-K/A restatements in place (``effective_events``), and the events not yet public
    by ``known_at`` left out, as the replay itself does."""
    for stored in effective_events(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key):
        if visible(stored, known_at=known_at):
            yield stored


def contribution(stored: StoredEvent, as_of: date) -> Totals:
    """One event's own part of the totals, computed by the projection's fold."""
    fold = TotalsFold(as_of)
    fold.add(stored)
    return fold.result({}).get(stored.issuer_key, Totals())


def _holders(names: tuple[str, ...], description: str | None) -> str:
    return "; ".join(names) if names else (description or "holders not named")


def _first(sources: tuple[str, ...]) -> str | None:
    return sources[0] if sources else None


def _lot(h: Holding) -> str:
    return f"{h.security_class}: {_holders(h.holders, h.holders_description)}"


def _tranche(w: WarrantRow) -> str:
    price = "" if w.exercise_price is None else f" at {w.exercise_price:f}"
    return f"{w.tranche} ({w.kind.value}){price}: {_holders(w.holders, w.holders_description)}"


def _status_note(w: WarrantRow) -> str:
    if w.status == WarrantStatus.EXPIRED and w.expires_on is not None:
        return f"expired on {w.expires_on.isoformat()}"
    return w.status.value


def _common_shares(holdings: Iterable[Holding]) -> Iterator[Item]:
    for h in holdings:
        if h.is_common:
            yield Item(h.event_ids, h.date, h.shares, h.shares is not None, _lot(h), _first(h.sources),
                       None if h.shares is not None else "shares not stated")


def _warrant_shares(warrants: Iterable[WarrantRow]) -> Iterator[Item]:
    for w in warrants:
        outstanding = w.status == WarrantStatus.OUTSTANDING
        counted = outstanding and w.shares is not None
        note = None if counted else (
            "quantity not determined (see undetermined_warrant_tranches)" if outstanding else _status_note(w))
        yield Item(w.event_ids, w.issued_on, w.shares, counted, _tranche(w), _first(w.sources), note)


def _undetermined(warrants: Iterable[WarrantRow]) -> Iterator[Item]:
    for w in warrants:
        if w.shares is None:
            counted = w.status == WarrantStatus.OUTSTANDING
            yield Item(w.event_ids, w.issued_on, 1 if counted else None, counted, _tranche(w), _first(w.sources),
                       f"quantity basis: {w.quantity_basis.value}" if counted else _status_note(w))


# The fold's figures, and the count beside each of the events that gave no amount.
UNDISCLOSED = {"capital_raised": "undisclosed_consideration", "fees_paid_cash": "undisclosed_cash_fees"}


def _what(stored: StoredEvent) -> str:
    e = stored.event
    if isinstance(e, FeePaid):
        return f"{e.role.value} fee: {e.payee or e.payee_description or 'payee not named'}"
    lot = holding(stored)
    return _lot(lot) if lot is not None else stored.type


def _folded(events: Iterable[StoredEvent], figure: str, as_of: date) -> Iterator[Item]:
    """Every event whose own contribution (through the totals fold) moves the figure or the count
    of events that gave no amount for it."""
    undisclosed = UNDISCLOSED[figure]
    for stored in events:
        part = contribution(stored, as_of)
        amount, missing = getattr(part, figure), getattr(part, undisclosed)
        if figure == "capital_raised" and not raises_money(stored.event) and stored.effective_date <= as_of:
            kind = stored.event.consideration_kind.value
            yield Item((stored.event_id,), stored.effective_date, stored.event.consideration, False,
                       _what(stored), stored.quote, f"not for cash ({kind})")
            continue
        if not amount and not missing:
            continue
        if missing:
            note = "consideration not stated" if figure == "capital_raised" else "cash not disclosed"
        else:
            note = "approximate" if figure == "fees_paid_cash" and part.fees_approximate else None
        yield Item((stored.event_id,), stored.effective_date, None if missing else amount, not missing,
                   _what(stored), stored.quote, note)


def _with_corrections(item: Item, pending: dict[str, Pending]) -> Item:
    ids = []
    for event_id in item.event_ids:
        p = pending.get(event_id)
        if p is not None:
            ids += ([p.retracted_by] if p.retracted_by else []) + list(p.corrected_by)
    return attrs.evolve(item, corrected_by=tuple(ids)) if ids else item


def explain(store: Store, figure: str, *, as_of: date, known_at: date | None = None,
            issuer_key: str | None = None) -> Explanation:
    if figure not in FIGURES:
        raise UnknownFigure(figure)
    result = replay_ledger(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
    folded: dict[str, list[StoredEvent]] = {}    # the events behind a money figure, by issuer
    if figure in UNDISCLOSED:
        for stored in replayed(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key):
            if isinstance(stored.event, FeePaid if figure == "fees_paid_cash" else (CommonIssued, PreferredIssued)):
                folded.setdefault(stored.issuer_key, []).append(stored)

    pending = known_corrections(store, known_at=known_at)
    issuers, warnings = [], list(result.warnings)
    for report in result.issuers:
        items = {
            "common_shares": lambda: _common_shares(report.holdings),
            "warrant_shares_outstanding": lambda: _warrant_shares(report.warrants),
            "undetermined_warrant_tranches": lambda: _undetermined(report.warrants),
            "capital_raised": lambda: _folded(folded.get(report.issuer_key, ()), figure, as_of),
            "fees_paid_cash": lambda: _folded(folded.get(report.issuer_key, ()), figure, as_of),
        }[figure]()
        items = tuple(_with_corrections(item, pending) for item in items)
        explained = IssuerExplanation(report.issuer, report.issuer_key, getattr(report.totals, figure), items)
        if explained.residual:
            warnings.append(f"{report.issuer.name}: the listed items add up to {explained.itemised}, "
                            f"the replay's {figure} is {explained.total}; {explained.residual} is not itemised")
        issuers.append(explained)
    return Explanation(figure, as_of, known_at, tuple(issuers), tuple(warnings))
