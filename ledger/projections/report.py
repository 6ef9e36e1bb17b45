"""The per-issuer report of one replay, and its JSON contract (scripts rely on its exact shape)."""
from __future__ import annotations

from json.encoder import encode_basestring_ascii
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal

import attrs

from events import DAY_RANK, Issuer
from ledger.projections.notes import NoteFold, NoteRow
from ledger.projections.captable import CapTable, CapTableFold, ClassSummary, Holding
from ledger.projections.dilution import ROUNDING, Convertible, FullyDiluted, Ownership, Undetermined, of_report
from ledger.projections.outstanding import BalanceFold, ClassOutstanding, LotFigures, Outstanding, estimate
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
    outstanding: Outstanding = Outstanding()


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
        self.balances = BalanceFold(as_of)
        self.undated: list[tuple[tuple, str]] = []     # (replay order, event id): a few fields, not the event

    @property
    def as_of(self) -> date:
        return self.money.as_of

    @as_of.setter
    def as_of(self, value: date) -> None:
        for fold in (self.holdings, self.warrants, self.money, self.notes, self.balances):
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
        self.balances.add(stored)

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
                                        debts.get(key, ()), outstanding_of(self.balances, key, table.holdings)))
        return reports, warnings


def outstanding_of(balances: BalanceFold, issuer_key: str, holdings: Iterable[Holding]) -> Outstanding:
    held = balances.balances(issuer_key)
    if not held:
        return Outstanding()
    return estimate(held, (LotFigures(h.security_class, h.shares, h.date, h.event_ids) for h in holdings))


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
    return issuer_warnings(report.issuer, report.totals)


def issuer_warnings(issuer: Issuer, totals: Totals) -> list[str]:
    return [f"{issuer.name}: {w}" for w in totals.warnings]


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
    # "f" keeps the exact digits and never uses exponent notation; str() writes the same unless it
    # chose an exponent, and costs a quarter as much.
    if value is None:
        return None
    text = str(value)
    return text if "E" not in text else format(value, "f")


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


def convertible_json(c: Convertible) -> dict:
    return {
        "kind": c.kind, "security": c.security, "holders": list(c.holders), "holders_description": c.holders_description,
        "amount": dec(c.amount), "conversion_price": dec(c.conversion_price), "variable_formula": c.variable_formula,
        "share_cap": c.share_cap, "at_fixed_price": c.at_fixed_price, "at_cap": c.at_cap, "event_ids": list(c.event_ids),
    }


def undetermined_json(u: Undetermined) -> dict:
    return {
        "kind": u.kind, "security": u.security, "holders": list(u.holders), "holders_description": u.holders_description,
        "figure": u.figure, "basis": u.basis, "event_ids": list(u.event_ids),
    }


def ownership_json(o: Ownership) -> dict:
    return {
        "holders": o.holders, "common_shares": o.common_shares, "basic_percent": dec(o.basic_percent),
        "warrant_shares": o.warrant_shares, "convertible_shares_at_fixed_price": o.convertible_shares_at_fixed_price,
        "convertible_shares_at_cap": o.convertible_shares_at_cap, "fully_diluted_shares": o.fully_diluted_shares,
        "fully_diluted_percent": dec(o.fully_diluted_percent), "fully_diluted_shares_at_cap": o.fully_diluted_shares_at_cap,
        "fully_diluted_percent_at_cap": dec(o.fully_diluted_percent_at_cap),
    }


def fully_diluted_json(f: FullyDiluted) -> dict:
    return {
        "common_shares": f.common_shares,
        "warrant_shares": f.warrant_shares,
        "convertible_shares_at_fixed_price": f.convertible_shares_at_fixed_price,
        "convertible_shares_at_cap": f.convertible_shares_at_cap,
        "total_at_fixed_price": f.total_at_fixed_price,
        "total_at_cap": f.total_at_cap,
        "conversion_rounding": ROUNDING,
        "convertibles": [convertible_json(c) for c in f.convertibles],
        "undetermined": [undetermined_json(u) for u in f.undetermined],
        "ownership": [ownership_json(o) for o in f.ownership],
    }


def class_outstanding_json(c: ClassOutstanding) -> dict:
    b = c.reported
    return {
        "class": c.security, "reported_shares": b.shares, "reported_as_of": iso(b.as_of),
        "reported_event_ids": list(b.event_ids), "reported_source": b.source,
        "issued_since": c.issued_since, "undetermined_since": c.undetermined_since,
        "issued_since_event_ids": list(c.since_event_ids), "estimated_shares": c.estimated,
        "recorded_only_shares": c.recorded_only,
    }


def outstanding_json(o: Outstanding) -> dict:
    return {"basis": o.basis, "classes": [class_outstanding_json(c) for c in o.classes]}


def issuer_json(r: IssuerReport) -> dict:
    return {
        "issuer": {"name": r.issuer.name, "cik": r.issuer.cik, "file_number": r.issuer.file_number},
        "totals": totals_json(r.totals),
        "fully_diluted": fully_diluted_json(of_report(r)),
        "outstanding": outstanding_json(r.outstanding),
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


# The contract written straight to text, as json.dumps(indent=2) writes the dicts above: with an
# indent, CPython's json runs its pure-Python encoder (40 us a row), where this costs a few calls
# a row. Strings go through the C function json.dumps itself uses (ensure_ascii); the enums are
# StrEnums, so a member is its value; decimals and dates are ASCII digits, signs, points and
# letters, quoted as they are. tests/test_json_text.py holds the two byte-identical.
_str = encode_basestring_ascii


def _opt(value: str | None) -> str:
    return "null" if value is None else _str(value)


def _int(value: int | bool | None) -> str:
    # json.dumps's order: the constants first, then int.__repr__ (an int subclass prints as a number).
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return int.__repr__(value)


def _dec(value: Decimal | None) -> str:
    return "null" if value is None else f'"{dec(value)}"'


def _day(value: date | None) -> str:
    return "null" if value is None else f'"{value.isoformat()}"'


_I, _K, _L = "\n            ", "\n          ", "\n        "    # line breaks before: list items, row keys, rows


def _items(values: Sequence[str], pad: str = _I) -> str:
    """A list of strings whose items stand at ``pad`` (a line break and the indent)."""
    if len(values) == 1:     # the usual case: one event, one source
        return f"[{pad}{_str(values[0])}{pad[:-2]}]"
    if not values:
        return "[]"
    return "[" + pad + ("," + pad).join(map(_str, values)) + pad[:-2] + "]"


def _holding_text(h: Holding) -> str:
    return (
        f'{{{_K}"class": {_str(h.security_class)},{_K}"holders": {_items(h.holders)},'
        f'{_K}"holders_description": {_opt(h.holders_description)},{_K}"shares": {_int(h.shares)},'
        f'{_K}"stated_amount": {_dec(h.stated_amount)},{_K}"price": {_dec(h.price)},'
        f'{_K}"conversion_price": {_dec(h.conversion_price)},{_K}"conversion_share_cap": {_int(h.conversion_share_cap)},'
        f'{_K}"consideration_kind": {_str(h.consideration_kind)},{_K}"date": {_day(h.date)},'
        f'{_K}"event_ids": {_items(h.event_ids)},{_K}"sources": {_items(h.sources)}{_L}}}'
    )


def _warrant_text(w: WarrantRow) -> str:
    return (
        f'{{{_K}"tranche": {_str(w.tranche)},{_K}"kind": {_str(w.kind)},{_K}"holders": {_items(w.holders)},'
        f'{_K}"holders_description": {_opt(w.holders_description)},{_K}"shares": {_int(w.shares)},'
        f'{_K}"quantity_basis": {_str(w.quantity_basis)},{_K}"exercise_price": {_dec(w.exercise_price)},'
        f'{_K}"issued_on": {_day(w.issued_on)},{_K}"expires_on": {_day(w.expires_on)},{_K}"status": {_str(w.status)},'
        f'{_K}"event_ids": {_items(w.event_ids)},{_K}"sources": {_items(w.sources)}{_L}}}'
    )


def _note_text(n: NoteRow) -> str:
    return (
        f'{{{_K}"security": {_str(n.security)},{_K}"holders": {_items(n.holders)},'
        f'{_K}"holders_description": {_opt(n.holders_description)},{_K}"principal": {_dec(n.principal)},'
        f'{_K}"interest_rate": {_dec(n.interest_rate)},{_K}"conversion_price": {_dec(n.conversion_price)},'
        f'{_K}"conversion_formula": {_opt(n.conversion_formula)},{_K}"issued_on": {_day(n.issued_on)},'
        f'{_K}"maturity": {_day(n.maturity)},{_K}"status": {_str(n.status)},'
        f'{_K}"event_ids": {_items(n.event_ids)},{_K}"sources": {_items(n.sources)}{_L}}}'
    )


# fully_diluted stands one level deeper than the rows above: its keys, its rows, their keys, their lists.
_FK, _FR, _FI, _FL = "\n        ", "\n          ", "\n            ", "\n              "


def _convertible_text(c: Convertible) -> str:
    k = _FI
    return (
        f'{{{k}"kind": {_str(c.kind)},{k}"security": {_str(c.security)},{k}"holders": {_items(c.holders, _FL)},'
        f'{k}"holders_description": {_opt(c.holders_description)},{k}"amount": {_dec(c.amount)},'
        f'{k}"conversion_price": {_dec(c.conversion_price)},{k}"variable_formula": {_opt(c.variable_formula)},'
        f'{k}"share_cap": {_int(c.share_cap)},{k}"at_fixed_price": {_int(c.at_fixed_price)},{k}"at_cap": {_int(c.at_cap)},'
        f'{k}"event_ids": {_items(c.event_ids, _FL)}{_FR}}}'
    )


def _undetermined_text(u: Undetermined) -> str:
    k = _FI
    return (
        f'{{{k}"kind": {_str(u.kind)},{k}"security": {_str(u.security)},{k}"holders": {_items(u.holders, _FL)},'
        f'{k}"holders_description": {_opt(u.holders_description)},{k}"figure": {_str(u.figure)},'
        f'{k}"basis": {_str(u.basis)},{k}"event_ids": {_items(u.event_ids, _FL)}{_FR}}}'
    )


def _ownership_text(o: Ownership) -> str:
    # Its counts are ints, never None or bool: written as int.__repr__ writes them.
    k = _FI
    return (
        f'{{{k}"holders": {_str(o.holders)},{k}"common_shares": {o.common_shares:d},'
        f'{k}"basic_percent": {_dec(o.basic_percent)},{k}"warrant_shares": {o.warrant_shares:d},'
        f'{k}"convertible_shares_at_fixed_price": {o.convertible_shares_at_fixed_price:d},'
        f'{k}"convertible_shares_at_cap": {o.convertible_shares_at_cap:d},'
        f'{k}"fully_diluted_shares": {o.fully_diluted_shares:d},'
        f'{k}"fully_diluted_percent": {_dec(o.fully_diluted_percent)},'
        f'{k}"fully_diluted_shares_at_cap": {o.fully_diluted_shares_at_cap:d},'
        f'{k}"fully_diluted_percent_at_cap": {_dec(o.fully_diluted_percent_at_cap)}{_FR}}}'
    )


def _fd_list(rows: Sequence, text) -> str:
    if not rows:
        return "[]"
    return "[" + _FR + ("," + _FR).join(map(text, rows)) + _FK + "]"


def fully_diluted_text(f: FullyDiluted) -> str:
    """``fully_diluted_json(f)`` as json.dumps(indent=2) writes it where it stands in an issuer (its
    keys 8 deep), from ``{`` to ``}``."""
    k = _FK
    return (
        f'{{{k}"common_shares": {_int(f.common_shares)},{k}"warrant_shares": {_int(f.warrant_shares)},'
        f'{k}"convertible_shares_at_fixed_price": {_int(f.convertible_shares_at_fixed_price)},'
        f'{k}"convertible_shares_at_cap": {_int(f.convertible_shares_at_cap)},'
        f'{k}"total_at_fixed_price": {_int(f.total_at_fixed_price)},{k}"total_at_cap": {_int(f.total_at_cap)},'
        f'{k}"conversion_rounding": {_str(ROUNDING)},'
        f'{k}"convertibles": {_fd_list(f.convertibles, _convertible_text)},'
        f'{k}"undetermined": {_fd_list(f.undetermined, _undetermined_text)},'
        f'{k}"ownership": {_fd_list(f.ownership, _ownership_text)}\n      }}'
    )


def _class_outstanding_text(c: ClassOutstanding) -> str:
    k, b = _FI, c.reported
    return (
        f'{{{k}"class": {_str(c.security)},{k}"reported_shares": {b.shares:d},{k}"reported_as_of": {_day(b.as_of)},'
        f'{k}"reported_event_ids": {_items(b.event_ids, _FL)},{k}"reported_source": {_str(b.source)},'
        f'{k}"issued_since": {c.issued_since:d},{k}"undetermined_since": {c.undetermined_since:d},'
        f'{k}"issued_since_event_ids": {_items(c.since_event_ids, _FL)},{k}"estimated_shares": {c.estimated:d},'
        f'{k}"recorded_only_shares": {c.recorded_only:d}{_FR}}}'
    )


def outstanding_text(o: Outstanding) -> str:
    """``outstanding_json(o)`` as json.dumps(indent=2) writes it where it stands in an issuer."""
    return (f'{{{_FK}"basis": {_opt(o.basis)},{_FK}"classes": {_fd_list(o.classes, _class_outstanding_text)}'
            '\n      }')


def _rows(rows: Sequence, text) -> Iterator[str]:
    # Yielded, not joined to the issuer's text: each copy of a large string costs page faults.
    if not rows:
        yield "[]"
        return
    yield "[" + _L
    yield ("," + _L).join(map(text, rows))
    yield "\n      ]"


def issuer_chunks(r: IssuerReport) -> Iterator[str]:
    """``json.dumps(issuer_json(r), indent=2)`` as it stands in the issuers list (nested 4 deep), in pieces."""
    yield issuer_head(r.issuer, r.totals, of_report(r), r.outstanding)
    yield from _rows(r.holdings, _holding_text)
    yield ',\n      "warrants": '
    yield from _rows(r.warrants, _warrant_text)
    yield ',\n      "notes": '
    yield from _rows(r.notes, _note_text)
    yield "\n    }"


def issuer_head(i: Issuer, t: Totals, f: FullyDiluted, o: Outstanding) -> str:
    """An issuer's text up to its rows: its details, totals and fully diluted figures."""
    k = _L
    return (
        f'{{\n      "issuer": {{{k}"name": {_str(i.name)},{k}"cik": {_opt(i.cik)},{k}"file_number": {_opt(i.file_number)}'
        f'\n      }},\n      "totals": {{{k}"common_shares": {_int(t.common_shares)},'
        f'{k}"warrant_shares_outstanding": {_int(t.warrant_shares_outstanding)},'
        f'{k}"undetermined_warrant_tranches": {_int(t.undetermined_warrant_tranches)},'
        f'{k}"contingent_warrant_tranches": {_int(t.contingent_warrant_tranches)},'
        f'{k}"capital_raised": {_dec(t.capital_raised)},{k}"undisclosed_consideration": {_int(t.undisclosed_consideration)},'
        f'{k}"fees_paid_cash": {_dec(t.fees_paid_cash)},{k}"undisclosed_cash_fees": {_int(t.undisclosed_cash_fees)},'
        f'{k}"fees_approximate": {_int(t.fees_approximate)}\n      }},\n      "fully_diluted": {fully_diluted_text(f)},'
        f'\n      "outstanding": {outstanding_text(o)},'
        '\n      "holdings": '
    )


def json_chunks(result) -> Iterator[str]:
    """``json.dumps(to_json_contract(result), indent=2)`` and a line break, the same bytes, written one issuer
    at a time: ``result.issuers`` may be an iterator, and ``result.warnings`` is read only after it
    is spent (a streamed replay knows its warnings at the end)."""
    yield f'{{\n  "as_of": {_day(result.as_of)},\n  "known_at": {_day(result.known_at)},\n'
    yield '  "issuers": ['
    first = True
    for r in result.issuers:
        yield "\n    " if first else ",\n    "
        if isinstance(r, str):      # already written, by a snapshot's fold (ledger/projections/state.py)
            yield r
        else:
            yield from issuer_chunks(r)
        first = False
    yield "]" if first else "\n  ]"
    yield ',\n  "warnings": ' + _items(result.warnings, "\n    ") + "\n}\n"
