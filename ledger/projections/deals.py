"""Deals: one row per financing, folded from one issuer's effective events (replay order, with
corrections, retractions and 8-K/A restatements already applied, as a replay folds them).

A deal is the issuances that raise money (common or preferred sold for cash or for a consideration
not stated, as ``capital_raised`` counts them; convertible notes) of one filing stream, with the
warrants and fees that filing reports; an 8-K/A's restated facts count under the filing it amends,
so an amended financing stays one deal. Shares issued for an acquisition, an exchange, services or
a conversion are no financing and no part of one; a stream with no financing issuance (a filing of
warrants alone, a fact recorded by hand) is no deal. Figures the ledger does not know are None.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from events import Basis, CommonIssued, FeePaid, NoteIssued, PreferredIssued, WarrantGranted, WarrantKind
from events.envelope import StoredEvent, StreamInfo
from ledger.projections import add
from ledger.projections.dilution import as_converted, coverage_percent  # noqa: F401 - the one rule, re-exported
from ledger.projections.totals import raises_money

ISSUANCES = (CommonIssued, PreferredIssued, NoteIssued)

# Warrants sold to the investors with the deal's securities: what coverage counts. Pre-funded
# warrants stand in for shares (a nominal exercise price) and finder's or placement agent's
# warrants are a fee, so none of them is coverage.
COVERAGE_KINDS = frozenset({WarrantKind.INVESTOR, WarrantKind.CLOSING, WarrantKind.ADJUSTABLE})
FEE_KINDS = frozenset({WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT})


class FeesBasis:
    STATED = "stated"              # every cash fee of the deal is stated
    UNDISCLOSED = "undisclosed"    # a cash fee was paid and its amount is not given
    APPROXIMATE = "approximate"    # stated, approximately
    NONE = "none"                  # no cash fee is recorded


@attrs.frozen
class Deal:
    filing: str                      # the filing's stream id (an amended filing's, not its 8-K/A's)
    date: date                       # the first closing: the earliest issuance's effective date
    securities: tuple[str, ...]      # what was sold: issued securities, then the investors' warrants
    shares: int | None               # common shares sold; None when a sale's count is unknown or none is common
    price: Decimal | None            # the one price per common share, when one applies
    gross_proceeds: Decimal | None   # stated considerations of the issuances that raise money
    warrant_shares: int | None       # investors' warrants of a determined quantity
    warrant_coverage_pct: Decimal | None
    coverage_base: int | None        # what coverage is against: common (and pre-funded) sold, else preferred as converted
    fees_cash: Decimal | None
    fees_basis: str
    investors: tuple[str, ...]
    investors_description: str | None
    streams: tuple[str, ...]         # the filing's stream, then any 8-K/A's that restates it
    event_ids: tuple[str, ...]


@attrs.define
class _Draft:
    first_seq: int
    streams: list[str] = attrs.Factory(list)
    issuances: list[StoredEvent] = attrs.Factory(list)
    warrants: list[WarrantGranted] = attrs.Factory(list)
    fees: list[FeePaid] = attrs.Factory(list)
    event_ids: list[str] = attrs.Factory(list)


class DealFold:
    """One issuer's deals, fed its effective events in replay order. ``originals`` maps an 8-K/A's
    stream to the stream of the filing it amends. State: the events of each deal, no more."""

    def __init__(self, originals: Mapping[str, str] | None = None):
        self.originals = originals or {}
        self._drafts: dict[str, _Draft] = {}

    def add(self, stored: StoredEvent) -> None:
        event = stored.event
        if not isinstance(event, (*ISSUANCES, WarrantGranted, FeePaid)):
            return
        key = self.originals.get(stored.stream, stored.stream)
        draft = self._drafts.get(key)
        if draft is None:
            draft = self._drafts[key] = _Draft(stored.seq, [key])
        if stored.stream not in draft.streams:
            draft.streams.append(stored.stream)
        draft.first_seq = min(draft.first_seq, stored.seq)
        draft.event_ids.append(stored.event_id)
        if isinstance(event, WarrantGranted):
            draft.warrants.append(event)
        elif isinstance(event, FeePaid):
            draft.fees.append(event)
        else:
            draft.issuances.append(stored)

    def result(self) -> list[Deal]:
        deals = [deal for key, d in self._drafts.items() if (deal := _deal(key, d)) is not None]
        order = {key: d.first_seq for key, d in self._drafts.items()}
        return sorted(deals, key=lambda deal: (deal.date, order[deal.filing]))


def deals(events: Iterable[StoredEvent], originals: Mapping[str, str] | None = None) -> list[Deal]:
    """The deals of one issuer's effective events (replay order), by first closing."""
    fold = DealFold(originals)
    for stored in events:
        fold.add(stored)
    return fold.result()


def originals_of(streams: Iterable[StreamInfo], find_original) -> dict[str, str]:
    """8-K/A stream -> the stream it amends, from the streams' columns (``amends``), else by
    ``find_original(info)`` (ledger.amendments.find_original: same issuer, same date of report)."""
    out = {}
    for info in streams:
        if info.form.upper().endswith("/A"):
            original = info.amends or find_original(info)
            if original is not None:
                out[info.stream] = original
    return out


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _sum(values: list) -> int | Decimal | None:
    """The sum, or None when a value is unknown or there is none."""
    if not values or any(v is None for v in values):
        return None
    total = values[0]
    for v in values[1:]:
        total = add(total, v) if isinstance(total, Decimal) else total + v
    return total


def _cash_undisclosed(fee: FeePaid) -> bool:
    """Cash was paid and its amount is not given: said to be undisclosed, or set by a formula (a
    percentage of proceeds), or a fee with no cash figure and no warrants either. A fee of warrants
    alone states no cash: it is no cash fee."""
    return fee.cash is None and (fee.cash_basis != Basis.NOT_STATED or not fee.warrants)


def _sold(event: CommonIssued | PreferredIssued | NoteIssued) -> bool:
    return isinstance(event, NoteIssued) or raises_money(event)


def _deal(key: str, d: _Draft) -> Deal | None:
    sales = [s for s in d.issuances if _sold(s.event)]
    if not sales:
        return None
    issued = [s.event for s in sales]
    common = [e for e in issued if isinstance(e, CommonIssued)]
    preferred = [e for e in issued if isinstance(e, PreferredIssued)]
    shares = _sum([e.shares for e in common])
    prices = {e.price for e in common}
    price = common[0].price if len(prices) == 1 else None   # {None} gives None too
    stated = [e.consideration for e in issued if not isinstance(e, NoteIssued) and e.consideration is not None]
    gross = _sum(stated)

    coverage = [w for w in d.warrants if w.kind in COVERAGE_KINDS]
    determined = [w.shares for w in coverage if w.shares is not None]
    # None granted is zero; granted but none of a determined quantity (a formula) is unknown.
    warrant_shares = sum(determined) if determined or not coverage else None
    # Coverage is against the common sold, with the pre-funded warrants sold in place of shares.
    prefunded = [w.shares for w in d.warrants if w.kind == WarrantKind.PRE_FUNDED]
    if common:
        base = _sum([shares, *prefunded])
    elif preferred:
        base = _sum([as_converted(e.stated_amount, e.conversion.fixed_price if e.conversion else None)
                     for e in preferred])
    else:
        base = None

    cash = [f.cash for f in d.fees if f.cash is not None]
    if any(_cash_undisclosed(f) for f in d.fees):
        fees_basis = FeesBasis.UNDISCLOSED
    elif any(f.cash is not None and (f.approximate or f.cash_basis == Basis.APPROXIMATE) for f in d.fees):
        fees_basis = FeesBasis.APPROXIMATE
    elif cash:
        fees_basis = FeesBasis.STATED
    else:
        fees_basis = FeesBasis.NONE

    names, descriptions = [], []
    for e in issued:
        names += e.buyers if isinstance(e, CommonIssued) else e.holders
        descriptions.append(e.buyers_description if isinstance(e, CommonIssued) else e.holders_description)
    securities = [e.security if isinstance(e, (CommonIssued, NoteIssued)) else e.title for e in issued]
    securities += [w.tranche for w in d.warrants if w.kind not in FEE_KINDS]
    return Deal(
        filing=key, date=min(s.effective_date for s in sales), securities=_unique(securities),
        shares=shares, price=price, gross_proceeds=gross, warrant_shares=warrant_shares,
        warrant_coverage_pct=coverage_percent(warrant_shares, base), coverage_base=base,
        fees_cash=_sum(cash) if cash else None, fees_basis=fees_basis, investors=_unique(names),
        investors_description="; ".join(_unique(descriptions)) or None, streams=tuple(d.streams),
        event_ids=tuple(d.event_ids),
    )
