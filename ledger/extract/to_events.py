"""Pass 5: typed drafts become the events of `events/`, each figure with its basis and sources."""
from __future__ import annotations

from datetime import date

from events import (
    Basis, CommonIssued, ConsiderationKind, ContingentRight, ConversionTerms, Event, FeePaid, NoteIssued, PreferredIssued, Provenance,
    QuantityBasis, QuantityFormula, WarrantGranted, WarrantKind,
)
from ledger.extract.drafts import AnyDraft, FeeDraft, NoteDraft, PreferredDraft, RightDraft, SharesDraft, WarrantDraft
from ledger.extract.values import add_months, add_term


def to_event(d: AnyDraft, stream: str, fallback: date) -> Event:
    when = d.date.value or fallback
    common = dict(effective_date=when, provenance=Provenance(stream, d.quotes()), reported_under=d.items)
    if isinstance(d, SharesDraft):
        shares, price, paid = d.shares.value, d.price.value, d.consideration.value
        return CommonIssued(
            **common, security=d.security, shares=shares, shares_basis=d.shares.basis(),
            price=price, price_basis=d.price.basis(), consideration=paid, consideration_basis=d.consideration.basis(),
            buyers=d.buyers.value or (), buyers_description=d.buyers_description,
            tranche=d.tranche, consideration_kind=ConsiderationKind(d.consideration_kind))
    if isinstance(d, PreferredDraft):
        shares, value = d.shares.value, d.stated_value.value
        amount, a_basis = d.stated_amount.value, d.stated_amount.basis()
        paid = d.consideration.value
        if amount is None and shares is not None and value is not None:
            amount, a_basis = shares * value, Basis.COMPUTED
        elif amount is None and paid is not None:
            amount, a_basis = paid, Basis.BY_REFERENCE    # the only figure is what was paid
        conv = d.conversion
        return PreferredIssued(
            **common, series=d.series, title=d.title, dividend_rate=d.dividend_rate.value,
            shares=shares, shares_basis=d.shares.basis(), stated_value=value, stated_amount=amount,
            stated_amount_basis=a_basis, consideration=paid, consideration_basis=d.consideration.basis(),
            holders=d.holders.value or (), holders_description=d.holders_description,
            conversion=ConversionTerms(**conv, fixed_price_basis=Basis.STATED if conv.get("fixed_price") is not None
                                       else Basis.NOT_STATED) if conv else None,
            consideration_kind=ConsiderationKind(d.consideration_kind))
    if isinstance(d, WarrantDraft):
        term = d.term_years.value
        expires, expiry_basis = d.expires.value, Basis.STATED
        if expires is None and term is not None:
            offset = d.term_offset_months.value
            start = add_months(when, offset) if offset else when
            expires, expiry_basis = add_term(start, term), Basis.COMPUTED
        if expires is None:
            expiry_basis = Basis.NOT_STATED
        formula = None
        if d.quantity_basis is QuantityBasis.FORMULA:
            months = d.vesting_months
            formula = QuantityFormula(
                description=d.formula_text or d.sentences[0].text,
                vesting_dates=tuple(add_months(when, m) for m in months),
                vesting_basis=Basis.COMPUTED if months else Basis.NOT_STATED,
                zero_above_price=d.zero_above_price, zero_above_approximate=d.zero_above_approximate,
                cutoff_price=d.cutoff_price)
        shares = d.shares.value
        quantity = d.quantity_basis if shares is None else QuantityBasis.FIXED
        if shares is None and quantity is QuantityBasis.FIXED:
            quantity = QuantityBasis.UNDISCLOSED
        price = d.exercise_price.value
        price_basis = d.exercise_price.basis(Basis.UNDISCLOSED if d.kind in (WarrantKind.FINDER, WarrantKind.PLACEMENT_AGENT)
                                              else Basis.NOT_STATED)
        return WarrantGranted(
            **common, tranche=d.label, kind=d.kind, shares=shares, quantity_basis=quantity, exercise_price=price,
            exercise_price_basis=price_basis, term_years=term, expires_on=expires, expiry_basis=expiry_basis,
            holders=d.holders.value or (), holders_description=d.holders_description,
            formula=formula)
    if isinstance(d, NoteDraft):
        principal, price = d.principal.value, d.conversion_price.value
        return NoteIssued(
            **common, security=d.security, principal=principal, principal_basis=d.principal.basis(),
            interest_rate=d.interest_rate.value, conversion_price=price,
            conversion_price_basis=Basis.STATED if price is not None else (Basis.FORMULA if d.conversion_formula else Basis.NOT_STATED),
            conversion_formula=d.conversion_formula, maturity=d.maturity.value, maturity_basis=d.maturity.basis(),
            holders=d.holders.value or (), holders_description=None if d.holders.value else d.holders_description)
    if isinstance(d, FeeDraft):
        cash = d.cash.value
        if cash is not None:
            basis = d.cash.basis()
        elif d.percent_of_proceeds is not None:
            basis = Basis.FORMULA
        elif any("cash" in s.text.lower() for s in d.sentences):
            basis = Basis.UNDISCLOSED
        else:
            basis = Basis.NOT_STATED
        return FeePaid(
            **common, role=d.role, payee=d.payee, payee_description=d.payee_description, cash=cash, cash_basis=basis,
            approximate=d.cash.basis() is Basis.APPROXIMATE, includes_expenses=d.includes_expenses,
            percent_of_proceeds=d.percent_of_proceeds, warrants=d.warrants, warrant_shares=d.warrant_shares)
    if isinstance(d, RightDraft):
        return ContingentRight(
            **common, kind=d.kind, holder=d.holder, description=d.description, security=d.security, amount=d.amount,
            amount_basis=Basis.STATED if d.amount is not None else Basis.NOT_STATED, exercisable_from=d.exercisable_from,
            exercisable_from_basis=Basis.COMPUTED if d.exercisable_from else Basis.NOT_STATED)
    raise TypeError(f"no event for {type(d).__name__}")

