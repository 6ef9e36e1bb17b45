"""Convertible notes and debentures: debt that may become common stock, listed apart from equity."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from events import NoteIssued
from ledger.projections import sources
from ledger.stored import StoredEvent


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


class NoteFold:
    def __init__(self, as_of: date):
        self.as_of = as_of
        self._rows: dict[str, list[NoteRow]] = {}

    def add(self, stored: StoredEvent) -> None:
        e = stored.event
        if not isinstance(e, NoteIssued) or stored.effective_date > self.as_of:
            return
        status = "matured" if e.maturity is not None and self.as_of >= e.maturity else "outstanding"
        self._rows.setdefault(stored.issuer_key, []).append(NoteRow(
            e.security, e.holders, e.holders_description, e.principal, e.interest_rate, e.conversion_price,
            e.conversion_formula, stored.effective_date, e.maturity, status, (stored.event_id,), sources(e)))

    def result(self) -> dict[str, tuple[NoteRow, ...]]:
        return {key: tuple(rows) for key, rows in self._rows.items()}
