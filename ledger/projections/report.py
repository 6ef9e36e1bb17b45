"""The per-issuer report of one replay, and its JSON contract (scripts rely on its exact shape)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

import attrs

from events import Issuer
from ledger.projections.notes import NoteFold, NoteRow
from ledger.projections.captable import CapTable, CapTableFold, ClassSummary, Holding
from ledger.projections.totals import Totals, TotalsFold
from ledger.projections.warrants import WarrantFold, WarrantRow
from events.envelope import StoredEvent


@attrs.frozen
class IssuerReport:
    issuer: Issuer
    issuer_key: str
    holdings: tuple[Holding, ...]
    warrants: tuple[WarrantRow, ...]
    totals: Totals
    classes: tuple[ClassSummary, ...] = ()
    notes: tuple[NoteRow, ...] = ()


@attrs.frozen
class Replay:
    as_of: date
    known_at: date | None
    issuers: tuple[IssuerReport, ...]   # sorted by issuer name
    warnings: tuple[str, ...]


def replay(
    events: Iterable[StoredEvent], *, as_of: date, issuers: Mapping[str, Issuer], known_at: date | None = None,
) -> Replay:
    """One pass over events in replay order, as of ``as_of`` inclusive. With ``known_at``, events
    made public after that date are left out; events with no public date are kept, and named in a
    warning. ``issuers`` gives display details by issuer key: a filing's own FilingRecorded may
    postdate the events it reports."""
    holdings, warrants, money, notes = CapTableFold(as_of), WarrantFold(as_of), TotalsFold(as_of), NoteFold(as_of)
    undated: list[str] = []
    for stored in events:
        if stored.effective_date > as_of:
            continue
        if known_at is not None:
            if stored.public_date is None:
                undated.append(stored.event_id)
            elif stored.public_date > known_at:
                continue
        holdings.add(stored)
        warrants.add(stored)
        money.add(stored)
        notes.add(stored)
    tables, tranches, debts = holdings.result(), warrants.result(), notes.result()
    warnings: list[str] = []
    if undated:
        warnings.append(f"{len(undated)} event(s) have no public date and are counted as known by "
                        f"{known_at.isoformat()}: {', '.join(undated)}")
    reports = []
    for key, totals in money.result(tranches, tables).items():   # every issuer seen by as_of
        issuer = issuers.get(key)
        if issuer is None:
            issuer = Issuer(name=key)
            warnings.append(f"{key}: no issuer details were supplied; shown under its issuer key")
        table = tables.get(key, CapTable((), ()))
        reports.append(IssuerReport(issuer, key, table.holdings, tranches.get(key, ()), totals, table.classes,
                                    debts.get(key, ())))
    reports.sort(key=lambda r: (r.issuer.name, r.issuer_key))
    warnings += [f"{r.issuer.name}: {w}" for r in reports for w in r.totals.warnings]
    return Replay(as_of, known_at, tuple(reports), tuple(warnings))


def dec(value: Decimal | None) -> str | None:
    # "f" keeps the exact digits and never uses exponent notation.
    return None if value is None else format(value, "f")


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def holding_json(h: Holding) -> dict:
    return {
        "class": h.security_class, "holders": list(h.holders), "holders_description": h.holders_description,
        "shares": h.shares, "stated_amount": dec(h.stated_amount), "price": dec(h.price),
        "conversion_price": dec(h.conversion_price), "conversion_share_cap": h.conversion_share_cap,
        "consideration_kind": h.consideration_kind.value, "date": iso(h.date), "event_ids": list(h.event_ids), "sources": list(h.sources),
    }


def warrant_json(w: WarrantRow) -> dict:
    return {
        "tranche": w.tranche, "kind": w.kind.value, "holders": list(w.holders),
        "holders_description": w.holders_description, "shares": w.shares,
        "quantity_basis": w.quantity_basis.value, "exercise_price": dec(w.exercise_price),
        "issued_on": iso(w.issued_on), "expires_on": iso(w.expires_on), "status": w.status.value,
        "event_ids": list(w.event_ids), "sources": list(w.sources),
    }


def note_json(n: NoteRow) -> dict:
    return {
        "security": n.security, "holders": list(n.holders), "holders_description": n.holders_description,
        "principal": dec(n.principal), "interest_rate": dec(n.interest_rate),
        "conversion_price": dec(n.conversion_price), "conversion_formula": n.conversion_formula,
        "issued_on": iso(n.issued_on), "maturity": iso(n.maturity), "status": n.status,
        "event_ids": list(n.event_ids), "sources": list(n.sources),
    }


def totals_json(t: Totals) -> dict:
    return {
        "common_shares": t.common_shares,
        "warrant_shares_outstanding": t.warrant_shares_outstanding,
        "undetermined_warrant_tranches": t.undetermined_warrant_tranches,
        "contingent_warrant_tranches": t.contingent_warrant_tranches,
        "capital_raised": dec(t.capital_raised),
        "undisclosed_consideration": t.undisclosed_consideration,
        "fees_paid_cash": dec(t.fees_paid_cash),
        "undisclosed_cash_fees": t.undisclosed_cash_fees,
        "fees_approximate": t.fees_approximate,
    }


def to_json_contract(result: Replay) -> dict:
    """The replay as plain JSON values: decimals as exact strings, dates as ISO, unknowns null."""
    return {
        "as_of": iso(result.as_of),
        "known_at": iso(result.known_at),
        "issuers": [
            {
                "issuer": {"name": r.issuer.name, "cik": r.issuer.cik, "file_number": r.issuer.file_number},
                "totals": totals_json(r.totals),
                "holdings": [holding_json(h) for h in r.holdings],
                "warrants": [warrant_json(w) for w in r.warrants],
                "notes": [note_json(n) for n in r.notes],
            }
            for r in result.issuers
        ],
        "warnings": list(result.warnings),
    }
