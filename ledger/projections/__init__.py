"""Projections: pure, single-pass folds of replayed events into as-of tables.

Each fold takes events already in replay order (effective date, same-day rank, seq), skips any
dated after the as-of date, and keeps state proportional to the rows it produces.
"""
from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from events import Event

# Sums and products of figures must never round: the default context keeps only 28 digits.
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def add(a: Decimal, b: Decimal) -> Decimal:
    return EXACT.add(a, b)


def sources(event: Event) -> tuple[str, ...]:
    """The quoted sentences behind an event; the first one states the fact."""
    return tuple(quote.text for quote in event.provenance.quotes)


# The submodules import the helpers above, so they must be defined before these imports.
from ledger.projections.captable import CapTable, ClassSummary, Holding, cap_table  # noqa: E402
from ledger.projections.warrants import WarrantRow, WarrantStatus, outstanding_warrants  # noqa: E402
from ledger.projections.totals import Totals, totals  # noqa: E402
from ledger.projections.report import IssuerReport, Replay, replay, to_json_contract  # noqa: E402

__all__ = [
    "CapTable", "ClassSummary", "Holding", "IssuerReport", "Replay", "Totals", "WarrantRow",
    "WarrantStatus", "cap_table", "outstanding_warrants", "replay", "to_json_contract", "totals",
]
