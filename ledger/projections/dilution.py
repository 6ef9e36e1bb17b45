"""Fully diluted shares: the common the ledger records, plus what outstanding warrants and
convertible securities can become, and each holder group's share of both.

A conversion issues whole shares: ``stated amount / conversion price`` is rounded down (a fraction
of a share is not issued; ROUNDING). A variable-price security is shown twice, because the two
figures differ and an analyst needs both:

- at its fixed conversion price: the amount over the fixed price (never more than its cap);
- at its cap: the most common it can ever become (the cap, less common already received from
  conversions). A security with a fixed price only can become no more than it does at that price;
  one with a variable price and no cap has no most, and is listed as undetermined.

Undetermined quantities (adjustable, contingent and finder's warrants, a lot or a convertible
whose figures are not stated) are listed with their basis and never counted, as 0 or otherwise.

The inputs are plain facts (``LotFact``, ``TrancheFact``, ``NoteFact``): a replay's row objects give
them (``facts``), and so do a snapshot's frozen rows (ledger/projections/state.py), so both paths
compute the same figures with one function."""
from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

import attrs

from ledger.projections import EXACT

ROUNDING = "down"
OUTSTANDING, CONTINGENT, MATURED = "outstanding", "contingent", "matured"
# Why a warrant's quantity is not known, by its quantity basis.
WHY_UNDETERMINED = {
    "formula": "formula: a price formula sets the number of shares at later vesting dates",
    "undisclosed": "undisclosed: the filing does not state the number of shares",
    "fixed": "fixed: the number of shares is not stated",
}


class LotFact(NamedTuple):
    security_class: str
    common: bool
    holders: tuple[str, ...]
    holders_description: str | None
    shares: int | None
    stated_amount: Decimal | None
    conversion_price: Decimal | None
    share_cap: int | None
    conversion_formula: str | None     # the variable price as the filing gives it
    converted_common: int              # common already received from conversions of this lot
    event_ids: tuple[str, ...] | str   # a snapshot's frozen lot: its JSON text, read only when listed


class TrancheFact(NamedTuple):
    tranche: str
    kind: str
    holders: tuple[str, ...]
    holders_description: str | None
    shares: int | None                 # what remains outstanding; None: undetermined
    quantity_basis: str
    status: str
    event_ids: tuple[str, ...] | str   # likewise: JSON text with its status left out (see state.py)


class NoteFact(NamedTuple):
    security: str
    holders: tuple[str, ...]
    holders_description: str | None
    principal: Decimal | None
    conversion_price: Decimal | None
    conversion_formula: str | None
    status: str
    event_ids: tuple[str, ...]


@attrs.frozen
class Convertible:
    """Convertible preferred (amount: its stated amount outstanding) or a note (its principal)."""

    kind: str                          # "preferred" or "note"
    security: str
    holders: tuple[str, ...]
    holders_description: str | None
    amount: Decimal | None
    conversion_price: Decimal | None   # the fixed price
    variable_formula: str | None
    share_cap: int | None              # the cap as filed (split-rebased), before conversions
    at_fixed_price: int | None
    at_cap: int | None
    event_ids: tuple[str, ...]


@attrs.frozen
class Undetermined:
    """An instrument one of whose share figures is not known: listed, never counted."""

    kind: str                          # a warrant kind, "common", "preferred" or "note"
    security: str
    holders: tuple[str, ...]
    holders_description: str | None
    figure: str                        # which figure is unknown: "shares", "at_fixed_price", "at_cap", or both
    basis: str                         # why, in words
    event_ids: tuple[str, ...]


@attrs.frozen
class Ownership:
    """One holder group: the buyers as a filing names them (in any order), or, unnamed, the
    filing's description of them. Percentages are of the issuer's totals, two places, half even."""

    holders: str
    common_shares: int
    basic_percent: Decimal | None
    warrant_shares: int
    convertible_shares_at_fixed_price: int
    convertible_shares_at_cap: int
    fully_diluted_shares: int          # at the fixed price
    fully_diluted_percent: Decimal | None
    fully_diluted_shares_at_cap: int
    fully_diluted_percent_at_cap: Decimal | None


@attrs.frozen
class FullyDiluted:
    common_shares: int                 # determined common lots, as Totals.common_shares
    warrant_shares: int                # outstanding tranches with a determined quantity
    convertible_shares_at_fixed_price: int
    convertible_shares_at_cap: int
    total_at_fixed_price: int
    total_at_cap: int
    convertibles: tuple[Convertible, ...] = ()
    undetermined: tuple[Undetermined, ...] = ()
    ownership: tuple[Ownership, ...] = ()


def as_converted(amount: Decimal | None, price: Decimal | None) -> int | None:
    """Common received for ``amount`` at ``price`` a share, rounded down; None when either is unknown."""
    if amount is None or price is None or not (amount.is_finite() and price.is_finite()):
        return None
    if price.is_signed() or price.is_zero() or amount.is_signed():
        return None
    return int(EXACT.divide_int(amount, price))


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """``part / whole`` as a percentage, two places, half even; None when either is unknown or whole is 0."""
    if part is None or not whole:
        return None
    hundredths, rest = divmod(part * 10_000, whole)      # exact: integers throughout
    if 2 * rest > whole or (2 * rest == whole and hundredths % 2):
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)


def coverage_percent(warrant_shares: int | None, shares_sold: int | None) -> Decimal | None:
    """A deal's warrant coverage: warrant shares / shares sold, as a percentage (two places, half even)."""
    return percent(warrant_shares, shares_sold)


# -- facts from a replay's rows --------------------------------------------------------------------

def lot_fact(h) -> LotFact:
    return LotFact(h.security_class, h.is_common, h.holders, h.holders_description, h.shares, h.stated_amount,
                   h.conversion_price, h.conversion_share_cap, h.conversion_formula, h.converted_common, h.event_ids)


def tranche_fact(w) -> TrancheFact:
    return TrancheFact(w.tranche, str(w.kind), w.holders, w.holders_description, w.shares, str(w.quantity_basis),
                       str(w.status), w.event_ids)


def note_fact(n) -> NoteFact:
    return NoteFact(n.security, n.holders, n.holders_description, n.principal, n.conversion_price,
                    n.conversion_formula, n.status, n.event_ids)


def of_report(report) -> FullyDiluted:
    """The fully diluted figures of one ``IssuerReport``."""
    return fully_diluted(map(lot_fact, report.holdings), map(tranche_fact, report.warrants),
                         map(note_fact, report.notes))


# -- the computation -------------------------------------------------------------------------------

def _ids(value: tuple[str, ...] | str) -> tuple[str, ...]:
    if isinstance(value, str):      # a snapshot's frozen row: its JSON text
        return tuple(json.loads(value)["event_ids"])
    return tuple(value)


def group_of(holders: tuple[str, ...], description: str | None) -> tuple[tuple, str]:
    """A holder group's key (the names in any order; unnamed, the description) and its label."""
    if holders:
        return tuple(sorted(holders)), "; ".join(holders)
    return ((), description or ""), description or "holders not named"


class _Group:
    __slots__ = ("label", "common", "warrants", "fixed", "cap")

    def __init__(self, label: str):
        self.label, self.common, self.warrants, self.fixed, self.cap = label, 0, 0, 0, 0


def _convertible(kind: str, security: str, holders, description, amount, price, formula, cap_remaining,
                 share_cap, ids) -> tuple[Convertible, Undetermined | None]:
    at_fixed = as_converted(amount, price)
    if at_fixed is not None and cap_remaining is not None:
        at_fixed = min(at_fixed, cap_remaining)     # "in no event more than": the cap binds at any price
    if cap_remaining is not None:
        at_cap = cap_remaining
    elif formula is None:
        at_cap = at_fixed                           # a fixed price only: it can become no more than this
    else:
        at_cap = None                               # a variable price with no cap has no most
    missing, why = [], []
    if at_fixed is None:
        missing.append("at_fixed_price")
        why.append("no stated amount" if amount is None else "no fixed conversion price")
    if at_cap is None:
        missing.append("at_cap")
        if formula is not None and cap_remaining is None:
            why.append("a variable conversion price with no cap")
    event_ids = _ids(ids)
    c = Convertible(kind, security, holders, description, amount, price, formula, share_cap, at_fixed, at_cap, event_ids)
    if not missing:
        return c, None
    if price is None and cap_remaining is None and formula is None:
        why = ["no conversion terms stated"]
    basis = "; ".join(dict.fromkeys(why))
    return c, Undetermined(kind, security, holders, description, " and ".join(missing), basis, event_ids)


class DilutionFold:
    """Fully diluted figures built row by row. ``lot``, ``tranche`` and ``note`` take any row;
    ``common`` and ``warrants`` take a row already known to be a determined common lot or an
    outstanding tranche, by its holder group (``group_of``): a snapshot's frozen rows carry it."""

    def __init__(self):
        self.groups: dict[tuple, _Group] = {}
        self.convertibles: list[Convertible] = []
        self.undetermined: list[Undetermined] = []
        self.common_total = self.warrant_total = self.fixed_total = self.cap_total = 0

    def group(self, key: tuple, label: str) -> _Group:
        g = self.groups.get(key)
        if g is None:
            g = self.groups[key] = _Group(label)
        return g

    def common(self, key: tuple, label: str, shares: int) -> None:
        if shares:
            self.common_total += shares
            self.group(key, label).common += shares

    def warrants(self, key: tuple, label: str, shares: int) -> None:
        if shares:
            self.warrant_total += shares
            self.group(key, label).warrants += shares

    def _converts(self, c: Convertible, u: Undetermined | None) -> None:
        self.convertibles.append(c)
        if u is not None:
            self.undetermined.append(u)
        g = self.group(*group_of(c.holders, c.holders_description))
        g.fixed += c.at_fixed_price or 0
        g.cap += c.at_cap or 0
        self.fixed_total += c.at_fixed_price or 0
        self.cap_total += c.at_cap or 0

    def lot(self, lot: LotFact) -> None:
        if lot.common:
            if lot.shares is None:
                self.undetermined.append(Undetermined("common", lot.security_class, lot.holders, lot.holders_description,
                                                      "shares", "shares not stated", _ids(lot.event_ids)))
            else:
                self.common(*group_of(lot.holders, lot.holders_description), lot.shares)
            return
        cap_remaining = None if lot.share_cap is None else max(lot.share_cap - lot.converted_common, 0)
        if (lot.stated_amount is not None and lot.stated_amount.is_zero()) or lot.shares == 0 or cap_remaining == 0:
            return      # converted in full: its common is in the lots already
        self._converts(*_convertible("preferred", lot.security_class, lot.holders, lot.holders_description,
                                     lot.stated_amount, lot.conversion_price, lot.conversion_formula, cap_remaining,
                                     lot.share_cap, lot.event_ids))

    def tranche(self, t: TrancheFact) -> None:
        if t.status == OUTSTANDING and t.shares is not None:
            self.warrants(*group_of(t.holders, t.holders_description), t.shares)
        elif t.status == OUTSTANDING or t.status == CONTINGENT:
            basis = WHY_UNDETERMINED.get(t.quantity_basis, t.quantity_basis)
            if t.status == CONTINGENT:
                basis = f"contingent until its last vesting date; {basis}"
            self.undetermined.append(Undetermined(t.kind, t.tranche, t.holders, t.holders_description, "shares", basis,
                                                  _ids(t.event_ids)))

    def note(self, n: NoteFact) -> None:
        if n.status != MATURED:
            self._converts(*_convertible("note", n.security, n.holders, n.holders_description, n.principal,
                                         n.conversion_price, n.conversion_formula, None, None, n.event_ids))

    def result(self) -> FullyDiluted:
        common, warrants, fixed, cap = self.common_total, self.warrant_total, self.fixed_total, self.cap_total
        total_fixed, total_cap = common + warrants + fixed, common + warrants + cap
        ownership = []
        for g in self.groups.values():
            fd_fixed, fd_cap = g.common + g.warrants + g.fixed, g.common + g.warrants + g.cap
            if not (fd_fixed or fd_cap):
                continue      # nothing determined: its instruments are in ``undetermined``
            ownership.append(Ownership(g.label, g.common, percent(g.common, common), g.warrants, g.fixed, g.cap,
                                       fd_fixed, percent(fd_fixed, total_fixed), fd_cap, percent(fd_cap, total_cap)))
        ownership.sort(key=lambda o: (-o.fully_diluted_shares, -o.fully_diluted_shares_at_cap, o.holders))
        return FullyDiluted(common, warrants, fixed, cap, total_fixed, total_cap, tuple(self.convertibles),
                            tuple(self.undetermined), tuple(ownership))


def fully_diluted(lots: Iterable[LotFact], tranches: Iterable[TrancheFact], notes: Iterable[NoteFact]) -> FullyDiluted:
    fold = DilutionFold()
    for lot in lots:
        fold.lot(lot)
    for t in tranches:
        fold.tranche(t)
    for n in notes:
        fold.note(n)
    return fold.result()
