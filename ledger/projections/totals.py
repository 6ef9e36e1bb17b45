"""Per-issuer totals, and a cross-check of stated considerations against shares x price."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from events import Basis, CommonIssued, FeePaid, PreferredIssued
from ledger.projections import EXACT, add
from ledger.projections.captable import CapTable, CapTableFold
from ledger.projections.warrants import WarrantFold, WarrantRow, WarrantStatus
from events.envelope import StoredEvent


@attrs.frozen
class Totals:
    """Sums cover known figures only; each has a count beside it of the events that gave none."""

    common_shares: int = 0
    warrant_shares_outstanding: int = 0
    undetermined_warrant_tranches: int = 0   # outstanding tranches with no share count
    contingent_warrant_tranches: int = 0
    capital_raised: Decimal = Decimal(0)     # the aggregate considerations the filings state, not for non-cash issues
    undisclosed_consideration: int = 0       # issuances (not stated non-cash) with no consideration stated
    fees_paid_cash: Decimal = Decimal(0)
    undisclosed_cash_fees: int = 0           # cash was paid but the amount is not given
    fees_approximate: bool = False
    warnings: tuple[str, ...] = ()


def check_consideration(stored: StoredEvent) -> str | None:
    """A warning when shares x price misses the stated consideration by more than the price's
    rounding allows (half a unit of its last decimal place, per share). Only a warning: the
    consideration may also pay for warrants sold with the shares."""
    event = stored.event
    if not isinstance(event, CommonIssued) or None in (event.shares, event.price, event.consideration):
        return None
    if not (event.price.is_finite() and event.consideration.is_finite()):
        return None
    product = EXACT.multiply(Decimal(event.shares), event.price)
    tolerance = EXACT.multiply(Decimal(event.shares), Decimal(5).scaleb(event.price.as_tuple().exponent - 1))
    difference = EXACT.subtract(event.consideration, product)
    if abs(difference) <= tolerance:
        return None
    return (
        f"{stored.event_id}: {event.shares} shares x {event.price:f} = {product:f}, but the stated "
        f"consideration is {event.consideration:f} (difference {difference:f}, rounding allows "
        f"{tolerance:f}); the consideration may include warrants sold with the shares"
    )


def raises_money(event: CommonIssued | PreferredIssued) -> bool:
    """Shares issued for an acquisition, an exchange, services or a conversion raise no money: their
    stated value is not capital raised. A kind not stated is counted as before, since the text
    gives no reason to leave its stated consideration out."""
    return event.consideration_kind.is_cash is not False


class TotalsFold:
    """Money and share counts by issuer. Every issuer seen by the as-of date gets totals, even
    one with no issuance yet. Warrant figures come from the warrant rows at the end, so later
    exercise or cancellation events change them in one place."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self._by_issuer: dict[str, Totals] = {}

    def add(self, stored: StoredEvent) -> None:
        if stored.effective_date > self.as_of:
            return
        t = self._by_issuer.get(stored.issuer_key) or Totals()
        event = stored.event
        if isinstance(event, (CommonIssued, PreferredIssued)) and raises_money(event):
            if event.consideration is None:
                t = attrs.evolve(t, undisclosed_consideration=t.undisclosed_consideration + 1)
            else:
                t = attrs.evolve(t, capital_raised=add(t.capital_raised, event.consideration))
        if warning := check_consideration(stored):
            t = attrs.evolve(t, warnings=t.warnings + (warning,))
        if isinstance(event, FeePaid):
            if event.cash is not None:
                t = attrs.evolve(
                    t, fees_paid_cash=add(t.fees_paid_cash, event.cash),
                    fees_approximate=t.fees_approximate or event.approximate or event.cash_basis == Basis.APPROXIMATE,
                )
            elif event.cash_basis == Basis.UNDISCLOSED:
                t = attrs.evolve(t, undisclosed_cash_fees=t.undisclosed_cash_fees + 1)
        self._by_issuer[stored.issuer_key] = t

    def result(self, warrants: Mapping[str, tuple[WarrantRow, ...]],
               tables: Mapping[str, CapTable] | None = None) -> dict[str, Totals]:
        """Share figures come from the rows, where exercises, conversions, opening balances and
        splits have already been applied; money from the events."""
        out = {}
        for key, t in self._by_issuer.items():
            t = with_warrants(t, warrants.get(key, ()))
            if tables is not None and key in tables:
                t = attrs.evolve(t, common_shares=sum(h.shares or 0 for h in tables[key].holdings if h.is_common))
            out[key] = t
        return out


def with_warrants(t: Totals, rows: Iterable[WarrantRow]) -> Totals:
    outstanding = contingent = undetermined = 0
    for row in rows:
        if row.status == WarrantStatus.CONTINGENT:
            contingent += 1
        elif row.status == WarrantStatus.OUTSTANDING:
            if row.shares is None:
                undetermined += 1
            else:
                outstanding += row.shares
    return attrs.evolve(
        t, warrant_shares_outstanding=outstanding, undetermined_warrant_tranches=undetermined,
        contingent_warrant_tranches=contingent,
    )


def totals(events: Iterable[StoredEvent], *, as_of: date) -> dict[str, Totals]:
    """Fold events (in replay order) into totals per issuer key, as of ``as_of`` inclusive."""
    money, warrants, lots = TotalsFold(as_of), WarrantFold(as_of), CapTableFold(as_of)
    for stored in events:
        money.add(stored)
        warrants.add(stored)
        lots.add(stored)
    return money.result(warrants.result(), lots.result())
