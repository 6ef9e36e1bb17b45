"""The per-issuer report of one replay, and its JSON contract (scripts rely on its exact shape)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from events import DAY_RANK, Issuer
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


class ReportFold:
    """The four folds of one replay, fed events in replay order; one issuer or many. Events dated
    after ``as_of`` are skipped, and with ``known_at`` those made public after it; events with no
    public date are kept and remembered for a warning. Nothing in the state depends on ``as_of``
    beyond which events were added, so a fold built to D can go on to Q > D by setting ``as_of``."""

    def __init__(self, as_of: date, known_at: date | None = None):
        self.known_at = known_at
        self.holdings, self.warrants = CapTableFold(as_of), WarrantFold(as_of)
        self.money, self.notes = TotalsFold(as_of), NoteFold(as_of)
        self.undated: list[tuple[tuple, str]] = []     # (replay order, event id): a few fields, not the event

    @property
    def as_of(self) -> date:
        return self.money.as_of

    @as_of.setter
    def as_of(self, value: date) -> None:
        for fold in (self.holdings, self.warrants, self.money, self.notes):
            fold.as_of = value

    def add(self, stored: StoredEvent) -> None:
        if stored.effective_date > self.as_of:
            return
        if self.known_at is not None:
            if stored.public_date is None:
                self.undated.append((replay_order(stored), stored.event_id))
            elif stored.public_date > self.known_at:
                return
        self.holdings.add(stored)
        self.warrants.add(stored)
        self.money.add(stored)
        self.notes.add(stored)

    def reports(self, issuers: Mapping[str, Issuer]) -> tuple[list[IssuerReport], list[str]]:
        """A report for every issuer seen by ``as_of`` (in the order first seen), and a warning for
        each one ``issuers`` has no details for."""
        tables, tranches, debts = self.holdings.result(), self.warrants.result(), self.notes.result()
        reports, warnings = [], []
        for key, totals in self.money.result(tranches, tables).items():
            issuer = issuers.get(key)
            if issuer is None:
                issuer = Issuer(name=key)
                warnings.append(f"{key}: no issuer details were supplied; shown under its issuer key")
            table = tables.get(key, CapTable((), ()))
            reports.append(IssuerReport(issuer, key, table.holdings, tranches.get(key, ()), totals, table.classes,
                                        debts.get(key, ())))
        return reports, warnings


def replay_order(stored: StoredEvent) -> tuple:
    """Where an event stands in a whole-ledger replay: effective date, same-day rank, seq."""
    return stored.effective_date, DAY_RANK.get(stored.type, 999), stored.seq


def undated_warning(undated: Sequence[tuple[tuple, str]], known_at: date | None) -> list[str]:
    """Events with no public date, named in replay order (``undated`` need not be in it)."""
    if not undated:
        return []
    ids = [event_id for _, event_id in sorted(undated)]
    return [f"{len(ids)} event(s) have no public date and are counted as known by "
            f"{known_at.isoformat()}: {', '.join(ids)}"]


def report_warnings(report: IssuerReport) -> list[str]:
    return [f"{report.issuer.name}: {w}" for w in report.totals.warnings]


def sort_key(report: IssuerReport) -> tuple[str, str]:
    return report.issuer.name, report.issuer_key


def replay(
    events: Iterable[StoredEvent], *, as_of: date, issuers: Mapping[str, Issuer], known_at: date | None = None,
) -> Replay:
    """One pass over events in replay order, as of ``as_of`` inclusive. With ``known_at``, events
    made public after that date are left out; events with no public date are kept, and named in a
    warning. ``issuers`` gives display details by issuer key: a filing's own FilingRecorded may
    postdate the events it reports."""
    fold = ReportFold(as_of, known_at)
    for stored in events:
        fold.add(stored)
    reports, missing = fold.reports(issuers)
    reports.sort(key=sort_key)
    warnings = undated_warning(fold.undated, known_at) + missing + [w for r in reports for w in report_warnings(r)]
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


def issuer_json(r: IssuerReport) -> dict:
    return {
        "issuer": {"name": r.issuer.name, "cik": r.issuer.cik, "file_number": r.issuer.file_number},
        "totals": totals_json(r.totals),
        "holdings": [holding_json(h) for h in r.holdings],
        "warrants": [warrant_json(w) for w in r.warrants],
        "notes": [note_json(n) for n in r.notes],
    }


def to_json_contract(result: Replay) -> dict:
    """The replay as plain JSON values: decimals as exact strings, dates as ISO, unknowns null."""
    return {
        "as_of": iso(result.as_of),
        "known_at": iso(result.known_at),
        "issuers": [issuer_json(r) for r in result.issuers],
        "warnings": list(result.warnings),
    }


def _nested(value, indent: str) -> str:
    # json.dumps(indent=2) of a value nested in a container: its lines after the first shifted right.
    # Safe to do on the text, as JSON strings carry no raw line breaks.
    return json.dumps(value, indent=2).replace("\n", "\n" + indent)


def json_chunks(result) -> Iterator[str]:
    """``json.dumps(to_json_contract(result), indent=2)`` and a line break, the same bytes, written one issuer
    at a time: ``result.issuers`` may be an iterator, and ``result.warnings`` is read only after it
    is spent (a streamed replay knows its warnings at the end)."""
    yield f'{{\n  "as_of": {json.dumps(iso(result.as_of))},\n  "known_at": {json.dumps(iso(result.known_at))},\n'
    yield '  "issuers": ['
    first = True
    for r in result.issuers:
        text = r if isinstance(r, str) else _nested(issuer_json(r), "    ")   # str: written by a snapshot's fold
        yield ("\n    " if first else ",\n    ") + text
        first = False
    yield "]" if first else "\n  ]"
    yield f',\n  "warnings": {_nested(list(result.warnings), "  ")}\n}}\n'
