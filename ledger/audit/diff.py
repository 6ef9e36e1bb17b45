"""`ledger diff --from D1 --to D2`: what changed in the cap table, the warrants, the notes and the
totals between two dates, and the events behind each change.

Both sides are ordinary replays (same ``known_at``, same issuer); a row is matched by its event
ids, which later events only extend. Besides the rows, one streamed pass over the events
effective between the dates finds the events behind total changes no row shows (cash fees, say).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import attrs

from events import Issuer
from ledger.audit.explain import contribution, replayed
from ledger.errors import LedgerError
from ledger.projections import EXACT, IssuerReport
from ledger.projections.report import holding_json, note_json, totals_json, warrant_json
from ledger.projections.totals import Totals
from ledger.store import Store
from ledger.views import replay_ledger

TABLES = ("holdings", "warrants", "notes")
IGNORED = ("event_ids", "sources")      # compared through the causes, not as fields
# Totals the totals fold computes event by event (the others come from the warrant rows).
FOLDED = ("common_shares", "capital_raised", "undisclosed_consideration", "fees_paid_cash",
          "undisclosed_cash_fees", "fees_approximate")


class BadRange(LedgerError):
    pass


@attrs.frozen
class RowChange:
    table: str                     # holdings, warrants or notes
    change: str                    # added, removed or changed
    what: str
    before: dict | None            # the row as `replay --format json` gives it
    after: dict | None
    fields: tuple[str, ...]        # changed fields (for "changed")
    causes: tuple[str, ...]        # event ids
    reason: str


@attrs.frozen
class TotalChange:
    figure: str
    before: int | str | bool
    after: int | str | bool
    delta: int | str | None        # int, a decimal string, or None for a flag
    causes: tuple[str, ...]


@attrs.frozen
class IssuerDiff:
    issuer: Issuer
    issuer_key: str
    rows: tuple[RowChange, ...]
    totals: tuple[TotalChange, ...]


@attrs.frozen
class Diff:
    from_date: date
    to_date: date
    known_at: date | None
    issuers: tuple[IssuerDiff, ...]
    warnings: tuple[str, ...]


def _rows(report: IssuerReport | None, table: str) -> list[dict]:
    if report is None:
        return []
    to_json = {"holdings": holding_json, "warrants": warrant_json, "notes": note_json}[table]
    return [to_json(row) for row in getattr(report, table)]


def _kind(table: str, row: dict) -> str:
    return row.get("class") or row.get("tranche") or row.get("security") or ""


def _match(table: str, before: list[dict], after: list[dict]) -> Iterator[tuple[dict | None, dict | None]]:
    """Pairs of the same row at both dates. A row keeps its event ids and gains later ones (an
    exercise, a split), so a row matches the earlier row of the same class whose ids begin its
    own, the longest such. (Lots made by an exercise or a conversion start with the grant's or the
    preferred's id, then their own: only the ids as a whole tell them apart.)"""
    left = list(before)
    for row in after:
        ids = row["event_ids"]
        best = None
        for old in left:
            n = len(old["event_ids"])
            if (_kind(table, old) == _kind(table, row) and n and ids[:n] == old["event_ids"]
                    and (best is None or n > len(best["event_ids"]))):
                best = old
        if best is not None:
            left.remove(best)
        yield best, row
    for old in left:
        yield old, None


def _what(table: str, row: dict) -> str:
    if table == "holdings":
        shares = "shares not stated" if row["shares"] is None else f"{row['shares']:,} shares"
        price = f" at {row['price']}" if row["price"] else ""
        amount = f", stated amount {row['stated_amount']}" if row["stated_amount"] else ""
        return f"{row['class']}: {shares}{price}{amount} on {row['date']}"
    if table == "warrants":
        shares = "undetermined shares" if row["shares"] is None else f"{row['shares']:,} shares"
        price = f" at {row['exercise_price']}" if row["exercise_price"] else ""
        return f"{row['tranche']} ({row['kind']}): {shares}{price}, issued {row['issued_on']}"
    return f"{row['security']}, issued {row['issued_on']}"


def _reason(table: str, before: dict, after: dict, fields: tuple[str, ...], to_date: date) -> str:
    parts = [f"{f} {before[f]} → {after[f]}" for f in fields]
    if "status" in fields and after["status"] == "expired" and after.get("expires_on"):
        parts.append(f"expiry date {after['expires_on']} is on or before {to_date.isoformat()}")
    elif "status" in fields and after["status"] == "matured" and after.get("maturity"):
        parts.append(f"maturity {after['maturity']} is on or before {to_date.isoformat()}")
    return "; ".join(parts)


def _row_changes(table: str, before: list[dict], after: list[dict], to_date: date) -> list[RowChange]:
    out = []
    for old, row in _match(table, before, after):
        if old is None:
            since = row.get("date") or row.get("issued_on")
            out.append(RowChange(table, "added", _what(table, row), None, row, (), tuple(row["event_ids"]),
                                 f"effective {since}"))
        elif row is None:
            out.append(RowChange(table, "removed", _what(table, old), old, None, (), tuple(old["event_ids"]),
                                 "in the replay at the earlier date only"))
        else:
            fields = tuple(f for f in row if f not in IGNORED and row[f] != old.get(f))
            new_ids = tuple(row["event_ids"][len(old["event_ids"]):])
            if fields or new_ids:
                # No new event: the dates alone changed it (an expiry); the row's own events say why.
                out.append(RowChange(table, "changed", _what(table, row), old, row, fields,
                                     new_ids or tuple(row["event_ids"]),
                                     _reason(table, old, row, fields, to_date) or "touched by later events"))
    return out


def _part(table: str, figure: str, row: dict | None) -> int:
    """A row's own part of a total that rows make up."""
    if row is None:
        return 0
    if table == "holdings" and figure == "common_shares":
        return (row["shares"] or 0) if "Common" in row["class"] else 0
    if table == "warrants":
        outstanding = row["status"] == "outstanding"
        if figure == "warrant_shares_outstanding":
            return (row["shares"] or 0) if outstanding else 0
        if figure == "undetermined_warrant_tranches":
            return int(outstanding and row["shares"] is None)
        if figure == "contingent_warrant_tranches":
            return int(row["status"] == "contingent")
    return 0


def _delta(before, after):
    if isinstance(after, bool):
        return None
    if isinstance(after, int):
        return after - before
    return format(EXACT.subtract(Decimal(after), Decimal(before)), "f")


def _unique(ids) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def diff(store: Store, *, from_date: date, to_date: date, known_at: date | None = None,
         issuer_key: str | None = None) -> Diff:
    if from_date > to_date:
        raise BadRange(f"--from {from_date.isoformat()} is after --to {to_date.isoformat()}")
    old = replay_ledger(store, as_of=from_date, known_at=known_at, issuer_key=issuer_key)
    new = replay_ledger(store, as_of=to_date, known_at=known_at, issuer_key=issuer_key)
    before = {r.issuer_key: r for r in old.issuers}
    after = {r.issuer_key: r for r in new.issuers}

    changes = {key: [c for table in TABLES for c in _row_changes(table, _rows(before.get(key), table),
                                                                 _rows(after.get(key), table), to_date)]
               for key in set(before) | set(after)}
    named = {i for rows in changes.values() for c in rows for i in c.causes}

    # One streamed pass over the events effective after from_date: which of the rows' events are
    # new (a lot made by an exercise also names the grant, which is not what changed), and which
    # events move a folded total on their own.
    recent: set[str] = set()
    moved: dict[tuple[str, str], list[str]] = {}
    for stored in replayed(store, as_of=to_date, known_at=known_at, issuer_key=issuer_key):
        if stored.effective_date <= from_date:
            continue
        if stored.event_id in named:
            recent.add(stored.event_id)
        part = contribution(stored, to_date)
        for figure in FOLDED:
            if getattr(part, figure) != getattr(Totals(), figure):
                moved.setdefault((stored.issuer_key, figure), []).append(stored.event_id)

    issuers = []
    for key in sorted(set(before) | set(after), key=lambda k: ((after.get(k) or before[k]).issuer.name, k)):
        b, a = before.get(key), after.get(key)
        rows = [attrs.evolve(c, causes=tuple(i for i in c.causes if i in recent) or c.causes) if c.change == "added"
                else c for c in changes[key]]
        t_before = totals_json(b.totals if b else Totals())
        t_after = totals_json(a.totals if a else Totals())
        totals = []
        for figure, value in t_after.items():
            if value == t_before[figure]:
                continue
            causes = [i for c in rows for table in TABLES if c.table == table
                      and _part(table, figure, c.before) != _part(table, figure, c.after) for i in c.causes]
            causes += moved.get((key, figure), ())
            totals.append(TotalChange(figure, t_before[figure], value, _delta(t_before[figure], value),
                                      _unique(causes)))
        if rows or totals:
            issuers.append(IssuerDiff((a or b).issuer, key, tuple(rows), tuple(totals)))
    warnings = tuple(dict.fromkeys(old.warnings + new.warnings))
    return Diff(from_date, to_date, known_at, tuple(issuers), warnings)
