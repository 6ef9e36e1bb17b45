"""The cap table: one row per issuance lot, and a summary per class of stock."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from events import (
    CommonIssued, ConsiderationKind, PreferredConverted, PreferredIssued, SharesOutstanding, StockSplit, WarrantExercised, WarrantGranted,
)
from ledger.projections import add, sources
from ledger.projections.split import split_price, split_shares
from events.envelope import StoredEvent


@attrs.frozen
class Holding:
    """One issuance lot. ``holders`` are the buyers as the filing names them, kept as one group
    (joint buyers with an undisclosed split are not divided); ``holders_description`` is the
    filing's wording when it gives no names ("two institutional investors")."""

    security_class: str
    holders: tuple[str, ...]
    holders_description: str | None
    shares: int | None
    stated_amount: Decimal | None   # preferred only
    price: Decimal | None           # per share; common only
    date: date
    event_ids: tuple[str, ...]
    sources: tuple[str, ...]
    # Preferred only: the fixed conversion price and the cap on common received, as filed and
    # then rebased by stock splits (a split of common leaves the count of preferred shares alone).
    conversion_price: Decimal | None = None
    conversion_share_cap: int | None = None
    # What was given for the shares: cash, or an acquisition, an exchange, services, a conversion.
    consideration_kind: ConsiderationKind = ConsiderationKind.NOT_STATED
    # Preferred only: the variable conversion price as the filing gives it, and the common already
    # received from its conversions (split-rebased), which the cap counts against (ledger/projections/dilution.py).
    conversion_formula: str | None = None
    converted_common: int = 0

    @property
    def is_common(self) -> bool:
        return "Common" in self.security_class


@attrs.frozen
class ClassSummary:
    """One class of stock. A sum covers the known figures only; the counts beside it say how
    many lots had none, so an unknown is never read as zero."""

    security_class: str
    lots: int
    shares: int                     # sum of the determined share counts
    undetermined_lots: int          # lots whose share count is not known
    stated_amount: Decimal | None   # preferred: sum of the known stated amounts, else None
    unstated_amount_lots: int       # preferred lots with no stated amount


@attrs.frozen
class CapTable:
    holdings: tuple[Holding, ...]
    classes: tuple[ClassSummary, ...]


def common_class(event: CommonIssued) -> str:
    # Scripts tell common from preferred by the word in the class name.
    return event.security if "Common" in event.security else f"{event.security} (Common)"


def preferred_class(event: PreferredIssued) -> str:
    if "Preferred" in event.title:
        return event.title
    if event.series:
        return f"{event.series} Preferred Stock"
    return f"{event.title} (Preferred)" if event.title else "Preferred Stock"


def holding(stored: StoredEvent) -> Holding | None:
    """The row for an issuance event; None for any other event."""
    event = stored.event
    if isinstance(event, CommonIssued):
        return Holding(
            common_class(event), event.buyers, event.buyers_description, event.shares, None,
            event.price, stored.effective_date, (stored.event_id,), sources(event),
            consideration_kind=event.consideration_kind,
        )
    if isinstance(event, PreferredIssued):
        terms = event.conversion
        return Holding(
            preferred_class(event), event.holders, event.holders_description, event.shares,
            event.stated_amount, None, stored.effective_date, (stored.event_id,), sources(event),
            terms.fixed_price if terms else None, terms.share_cap if terms else None,
            consideration_kind=event.consideration_kind,
            conversion_formula=terms.variable_formula if terms else None,
        )
    return None


def _split_lot(lot: Holding, stored: StoredEvent) -> Holding:
    """A split of common: common lots rebase shares and price; preferred lots keep their shares
    and rebase what they convert into."""
    split, ids = stored.event, lot.event_ids + (stored.event_id,)
    if lot.is_common:
        return attrs.evolve(lot, shares=split_shares(lot.shares, split), price=split_price(lot.price, split),
                            event_ids=ids)
    if lot.conversion_price is None and lot.conversion_share_cap is None:
        return lot
    return attrs.evolve(lot, conversion_price=split_price(lot.conversion_price, split),
                        conversion_share_cap=split_shares(lot.conversion_share_cap, split),
                        converted_common=split_shares(lot.converted_common, split), event_ids=ids)


class CapTableFold:
    """Streaming state: the lots seen so far, by issuer, each keyed by the event that made it."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self._rows: dict[str, dict[str, Holding]] = {}
        # By issuer, then grant event id: a split rebases the exercise prices of its own issuer only.
        self._grants: dict[str, dict[str, tuple[tuple[str, ...], str | None, Decimal | None]]] = {}

    def add(self, stored: StoredEvent) -> None:
        if stored.effective_date > self.as_of:
            return
        lots = self._rows.setdefault(stored.issuer_key, {})
        grants = self._grants.setdefault(stored.issuer_key, {})
        event = stored.event
        row = holding(stored)
        if row is not None:
            lots[stored.event_id] = row
        elif isinstance(event, WarrantGranted):
            grants[stored.event_id] = (event.holders, event.holders_description, event.exercise_price)
        elif isinstance(event, WarrantExercised):
            holders, description, price = grants.get(event.tranche, ((), None, None))
            lots[stored.event_id] = Holding(
                "Common Stock", holders, description, event.shares_issued or event.shares, None,
                None if event.cashless else price, stored.effective_date, (event.tranche, stored.event_id),
                sources(event),
                consideration_kind=ConsiderationKind.CONVERSION if event.cashless else ConsiderationKind.CASH)
        elif isinstance(event, PreferredConverted):
            self._convert(lots, stored)
        elif isinstance(event, SharesOutstanding):
            # An opening balance includes every earlier lot of its class: they fold into it.
            for key in [k for k, r in lots.items() if r.security_class == event.security]:
                del lots[key]
            lots[stored.event_id] = Holding(event.security, (), "shares outstanding (opening balance)", event.shares,
                                            None, None, stored.effective_date, (stored.event_id,), sources(event),
                                            consideration_kind=ConsiderationKind.NOT_STATED)   # a balance, not an issue
        elif isinstance(event, StockSplit):
            for key, r in lots.items():
                lots[key] = _split_lot(r, stored)
            self._grants[stored.issuer_key] = {k: (h, d, split_price(p, event)) for k, (h, d, p) in grants.items()}

    @staticmethod
    def _convert(lots: dict[str, Holding], stored: StoredEvent) -> None:
        event = stored.event
        lot = lots.get(event.preferred)
        if lot is not None:
            shares = lot.shares - event.shares_converted if None not in (lot.shares, event.shares_converted) else lot.shares
            amount = lot.stated_amount
            if amount is not None and event.stated_amount_converted is not None:
                amount = amount - event.stated_amount_converted
            lots[event.preferred] = attrs.evolve(lot, shares=shares, stated_amount=amount,
                                                 converted_common=lot.converted_common + event.common_received,
                                                 event_ids=lot.event_ids + (stored.event_id,))
        lots[stored.event_id] = Holding(
            "Common Stock", lot.holders if lot else (), lot.holders_description if lot else None,
            event.common_received, None, None, stored.effective_date, (event.preferred, stored.event_id),
            sources(event), consideration_kind=ConsiderationKind.CONVERSION)

    def result(self) -> dict[str, CapTable]:
        out = {}
        for key, lots in self._rows.items():
            rows = sorted(lots.values(), key=lambda r: r.date)  # stable: same-day rows keep replay order
            out[key] = CapTable(tuple(rows), summarise(rows))
        return out


def summarise(rows: Iterable[Holding]) -> tuple[ClassSummary, ...]:
    by_class: dict[str, ClassSummary] = {}
    for row in rows:
        s = by_class.get(row.security_class) or ClassSummary(row.security_class, 0, 0, 0, None, 0)
        amount = s.stated_amount
        if row.stated_amount is not None:
            amount = row.stated_amount if amount is None else add(amount, row.stated_amount)
        by_class[row.security_class] = ClassSummary(
            s.security_class,
            s.lots + 1,
            s.shares + (row.shares or 0),
            s.undetermined_lots + (row.shares is None),
            amount,
            s.unstated_amount_lots + (not row.is_common and row.stated_amount is None),
        )
    return tuple(by_class.values())


def cap_table(events: Iterable[StoredEvent], *, as_of: date) -> dict[str, CapTable]:
    """Fold events (in replay order) into a cap table per issuer key, as of ``as_of`` inclusive."""
    fold = CapTableFold(as_of)
    for stored in events:
        fold.add(stored)
    return fold.result()
