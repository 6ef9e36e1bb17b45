"""Warrant tranches as of a date: one row per WarrantGranted, with its status on that date."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs

from events import (
    QuantityBasis, StockSplit, WarrantCancelled, WarrantExercised, WarrantGranted, WarrantKind, WarrantVested,
)
from ledger.projections import sources
from ledger.projections.split import split_price, split_shares
from events.envelope import StoredEvent


class WarrantStatus(StrEnum):
    OUTSTANDING = "outstanding"
    EXPIRED = "expired"
    CONTINGENT = "contingent"    # quantity still to be set at a later vesting date
    EXERCISED = "exercised"      # set by WarrantExercised, once that event exists
    CANCELLED = "cancelled"      # likewise


@attrs.frozen
class WarrantRow:
    tranche: str
    kind: WarrantKind
    holders: tuple[str, ...]
    holders_description: str | None
    shares: int | None
    quantity_basis: QuantityBasis
    exercise_price: Decimal | None
    issued_on: date
    expires_on: date | None
    status: WarrantStatus
    event_ids: tuple[str, ...]
    sources: tuple[str, ...]


@attrs.frozen
class Terms:
    """What a tranche keeps of its grant: the row's fixed columns and the dates its status turns on."""

    tranche: str
    kind: WarrantKind
    holders: tuple[str, ...]
    holders_description: str | None
    quantity_basis: QuantityBasis
    expires_on: date | None
    vests_until: date | None      # the last vesting date of a quantity formula

    @classmethod
    def of(cls, g: WarrantGranted) -> Terms:
        vesting = g.formula.vesting_dates if g.formula is not None else ()
        return cls(g.tranche, g.kind, g.holders, g.holders_description, g.quantity_basis, g.expires_on,
                   max(vesting) if vesting else None)


def status_on(grant: Terms, as_of: date) -> WarrantStatus:
    """What the dates alone say: expired on (not after) the expiry date; contingent before the
    last vesting date of a quantity formula; otherwise outstanding."""
    if grant.expires_on is not None and as_of >= grant.expires_on:
        return WarrantStatus.EXPIRED
    if grant.vests_until is not None and as_of < grant.vests_until:
        return WarrantStatus.CONTINGENT
    return WarrantStatus.OUTSTANDING


@attrs.define
class Tranche:
    """Fold state for one grant. Later events (vesting, exercise, cancellation, a split) find it
    by the grant's event id, change what remains, and add their own id and sources."""

    grant: Terms
    issued_on: date
    event_ids: list[str]
    sources: list[str]
    remaining: int | None = None            # warrant shares still outstanding; None: undetermined
    price: Decimal | None = None
    closed: WarrantStatus | None = None

    def row(self, as_of: date) -> WarrantRow:
        g = self.grant
        status = self.closed or status_on(g, as_of)
        if status == WarrantStatus.CONTINGENT and self.remaining is not None:
            status = WarrantStatus.OUTSTANDING   # shares have vested: no longer a formula only
        return WarrantRow(
            g.tranche, g.kind, g.holders, g.holders_description, self.remaining, g.quantity_basis,
            self.price, self.issued_on, g.expires_on, status, tuple(self.event_ids), tuple(self.sources),
        )

    def touched_by(self, stored: StoredEvent) -> None:
        self.event_ids.append(stored.event_id)
        self.sources.extend(sources(stored.event))


# An issuer's tranches by the event id of their grant.
Book = dict[str, Tranche]


def _grant(book: Book, stored: StoredEvent) -> None:
    g = stored.event
    book[stored.event_id] = Tranche(
        Terms.of(g), stored.effective_date, [stored.event_id], list(sources(g)), g.shares, g.exercise_price,
    )


def _vested(book: Book, stored: StoredEvent) -> None:
    t = book.get(stored.event.tranche)
    if t is not None:
        t.remaining = (t.remaining or 0) + stored.event.shares
        t.touched_by(stored)


def _exercised(book: Book, stored: StoredEvent) -> None:
    t = book.get(stored.event.tranche)
    if t is not None and t.remaining is not None:
        t.remaining -= stored.event.shares
        t.touched_by(stored)
        if t.remaining <= 0:
            t.remaining, t.closed = 0, WarrantStatus.EXERCISED


def _cancelled(book: Book, stored: StoredEvent) -> None:
    t = book.get(stored.event.tranche)
    if t is None:
        return
    t.touched_by(stored)
    if stored.event.shares is None or t.remaining is None or stored.event.shares >= t.remaining:
        t.remaining, t.closed = 0, WarrantStatus.CANCELLED
    else:
        t.remaining -= stored.event.shares


def _split(book: Book, stored: StoredEvent) -> None:
    for t in book.values():
        if t.closed is None:
            t.remaining = split_shares(t.remaining, stored.event)
            t.price = split_price(t.price, stored.event)
            t.touched_by(stored)


# One function per event type that changes a tranche.
HANDLERS: dict[type, Callable[[Book, StoredEvent], None]] = {
    WarrantGranted: _grant,
    WarrantVested: _vested,
    WarrantExercised: _exercised,
    WarrantCancelled: _cancelled,
    StockSplit: _split,
}


class WarrantFold:
    def __init__(self, as_of: date):
        self.as_of = as_of
        self._books: dict[str, Book] = {}

    def add(self, stored: StoredEvent) -> None:
        handler = HANDLERS.get(type(stored.event))
        if handler is None or stored.effective_date > self.as_of:
            return
        handler(self._books.setdefault(stored.issuer_key, {}), stored)

    def result(self) -> dict[str, tuple[WarrantRow, ...]]:
        return {
            key: tuple(sorted((t.row(self.as_of) for t in book.values()), key=lambda r: r.issued_on))
            for key, book in self._books.items()
        }


def outstanding_warrants(events: Iterable[StoredEvent], *, as_of: date) -> dict[str, tuple[WarrantRow, ...]]:
    """Fold events (in replay order) into warrant rows per issuer key, as of ``as_of`` inclusive.
    Every tranche granted by then is listed; its status says whether it is still outstanding."""
    fold = WarrantFold(as_of)
    for stored in events:
        fold.add(stored)
    return fold.result()
