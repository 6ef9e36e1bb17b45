"""Convertible notes and debentures: debt that may become common stock, listed apart from equity."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from events import NoteIssued, StockSplit
from ledger.projections import sources
from ledger.projections.split import split_price
from events.envelope import StoredEvent


@attrs.frozen
class NoteRow:
    security: str
    holders: tuple[str, ...]
    holders_description: str | None
    principal: Decimal | None
    interest_rate: Decimal | None
    conversion_price: Decimal | None
    conversion_formula: str | None
    issued_on: date
    maturity: date | None
    status: str               # outstanding, or matured from its maturity date on
    event_ids: tuple[str, ...]
    sources: tuple[str, ...]


OUTSTANDING, MATURED = "outstanding", "matured"


class NoteFold:
    def __init__(self, as_of: date):
        self.as_of = as_of
        self._rows: dict[str, list[NoteRow]] = {}

    def add(self, stored: StoredEvent) -> None:
        e = stored.event
        if stored.effective_date > self.as_of:
            return
        if isinstance(e, StockSplit):   # a note converts into common: its conversion price rebases
            rows = self._rows.get(stored.issuer_key, [])
            rows[:] = [attrs.evolve(r, conversion_price=split_price(r.conversion_price, e),
                                    event_ids=r.event_ids + (stored.event_id,))
                       if r.conversion_price is not None and (r.maturity is None or stored.effective_date < r.maturity)
                       else r for r in rows]
            return
        if not isinstance(e, NoteIssued):
            return
        # The status waits for result(): it depends on the as-of date, which may move on.
        self._rows.setdefault(stored.issuer_key, []).append(NoteRow(
            e.security, e.holders, e.holders_description, e.principal, e.interest_rate, e.conversion_price,
            e.conversion_formula, stored.effective_date, e.maturity, OUTSTANDING, (stored.event_id,), sources(e)))

    def result(self) -> dict[str, tuple[NoteRow, ...]]:
        return {key: tuple(self._dated(r) for r in rows) for key, rows in self._rows.items()}

    def _dated(self, row: NoteRow) -> NoteRow:
        matured = row.maturity is not None and self.as_of >= row.maturity
        return attrs.evolve(row, status=MATURED) if matured else row
