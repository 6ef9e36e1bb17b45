"""One issuer's fold state as plain data, so a replay can start from a snapshot instead of the
first event, and write its JSON without rebuilding a row object per lot.

The state is plain data (tuples, strings, ints, None) stored with ``marshal``, which, unlike
pickle, cannot run code when a tampered ledger is read. Decimals travel as ``str`` (exact, exponent
kept), dates as ISO text, enums as their values. Each row also carries its JSON text as the replay
contract writes it (warrant and note rows in two parts around their status, which depends on the
as-of date), so rows no later event touches are written as they are.

Loaded rows stay *frozen* in the fold's dictionaries until a later event reads them; reading one
(``Lazy.get``) rebuilds the row object, which from then on is written from the object."""
from __future__ import annotations

import json
import marshal
import zlib
from datetime import date
from decimal import Decimal
from operator import itemgetter

import attrs

from events import ConsiderationKind, Issuer, QuantityBasis, WarrantKind
from ledger.projections.captable import Holding
from ledger.projections.notes import MATURED, NoteRow
from ledger.projections.report import (
    IssuerReport, ReportFold, _holding_text, _note_text, _warrant_text, issuer_chunks,
)
from ledger.projections.totals import Totals
from ledger.projections.warrants import Terms, Tranche, WarrantStatus

FORMAT = 2   # bump when the tuples below change: a snapshot of another format is not used

_STATUS = "\x00status\x00"     # stands for the status while a row's text is cut in two
_CUT = json.dumps(_STATUS)


class StateFormatError(ValueError):
    """A stored state this release does not read (another format, or damaged)."""


def _d(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


def _D(x: str | None) -> Decimal | None:
    return None if x is None else Decimal(x)


def _i(x: date | None) -> str | None:
    return None if x is None else x.isoformat()


def _day(x: str | None) -> date | None:
    return None if x is None else date.fromisoformat(x)


# -- rows <-> tuples -------------------------------------------------------------------------

def _holding(h: Holding) -> tuple:
    return (h.security_class, h.holders, h.holders_description, h.shares, _d(h.stated_amount), _d(h.price),
            h.date.isoformat(), h.event_ids, h.sources, _d(h.conversion_price), h.conversion_share_cap,
            h.consideration_kind.value)


def _to_holding(t: tuple) -> Holding:
    return Holding(t[0], t[1], t[2], t[3], _D(t[4]), _D(t[5]), date.fromisoformat(t[6]), t[7], t[8],
                   _D(t[9]), t[10], ConsiderationKind(t[11]))


def _tranche(t: Tranche) -> tuple:
    g = t.grant
    return (g.tranche, g.kind.value, g.holders, g.holders_description, g.quantity_basis.value, _i(g.expires_on),
            _i(g.vests_until), t.issued_on.isoformat(), tuple(t.event_ids), tuple(t.sources), t.remaining,
            _d(t.price), None if t.closed is None else t.closed.value)


def _to_tranche(t: tuple) -> Tranche:
    terms = Terms(t[0], WarrantKind(t[1]), t[2], t[3], QuantityBasis(t[4]), _day(t[5]), _day(t[6]))
    return Tranche(terms, date.fromisoformat(t[7]), list(t[8]), list(t[9]), t[10], _D(t[11]),
                   None if t[12] is None else WarrantStatus(t[12]))


def _note(n: NoteRow) -> tuple:
    return (n.security, n.holders, n.holders_description, _d(n.principal), _d(n.interest_rate),
            _d(n.conversion_price), n.conversion_formula, n.issued_on.isoformat(), _i(n.maturity), n.status,
            n.event_ids, n.sources)


# A stored row leaves its event ids and sources (the longest fields) to its JSON text, which has
# them anyway: they are strings, and JSON gives strings back exactly.

def _stored_lot(h: Holding) -> tuple:
    t = _holding(h)
    return (*t[:7], None, None, *t[9:])


def _stored_tranche(t: Tranche) -> tuple:
    d = _tranche(t)
    return (*d[:8], None, None, *d[10:])


def _thaw_lot(f: Frozen) -> Holding:
    row = json.loads(f.text)
    t = f.data
    return _to_holding((*t[:7], tuple(row["event_ids"]), tuple(row["sources"]), *t[9:]))


def _thaw_tranche(f: Frozen) -> Tranche:
    row = json.loads(f.text + '"x"' + f.tail)
    d = f.data
    return _to_tranche((*d[:8], row["event_ids"], row["sources"], *d[10:]))


def _to_note(t: tuple) -> NoteRow:
    return NoteRow(t[0], t[1], t[2], _D(t[3]), _D(t[4]), _D(t[5]), t[6], date.fromisoformat(t[7]), _day(t[8]),
                   t[9], t[10], t[11])


def _money(t: Totals) -> tuple:
    # Share and warrant figures are derived from the rows at the end; only the money is state.
    return (_d(t.capital_raised), t.undisclosed_consideration, _d(t.fees_paid_cash), t.undisclosed_cash_fees,
            t.fees_approximate, t.warnings)


def _to_money(t: tuple) -> Totals:
    return Totals(capital_raised=Decimal(t[0]), undisclosed_consideration=t[1], fees_paid_cash=Decimal(t[2]),
                  undisclosed_cash_fees=t[3], fees_approximate=t[4], warnings=t[5])


# -- row text ---------------------------------------------------------------------------------
# The rows' text is report.py's own writer's: the same bytes as the replay contract.

holding_text = _holding_text


def _cut(text: str) -> tuple[str, str]:
    before, after = text.split(_CUT)
    return before, after


def tranche_text(t: Tranche) -> tuple[str, str]:
    return _cut(_warrant_text(attrs.evolve(t.row(date.min), status=_STATUS)))


def note_text(n: NoteRow) -> tuple[str, str]:
    return _cut(_note_text(attrs.evolve(n, status=_STATUS)))


_QUOTED = {s.value: json.dumps(s.value) for s in WarrantStatus} | {MATURED: json.dumps(MATURED)}


def tranche_status(t: tuple, as_of: str) -> str:
    """Tranche.row's status, on a stored tuple and an ISO date."""
    if t[12] is not None:
        status = t[12]
    elif t[5] is not None and as_of >= t[5]:
        status = WarrantStatus.EXPIRED.value
    elif t[6] is not None and as_of < t[6]:
        status = WarrantStatus.CONTINGENT.value
    else:
        status = WarrantStatus.OUTSTANDING.value
    if status == WarrantStatus.CONTINGENT.value and t[10] is not None:
        status = WarrantStatus.OUTSTANDING.value
    return status


# -- frozen rows and the dictionaries that hold them ------------------------------------------

class Frozen:
    """A row as the snapshot stored it: its tuple and its text (one part, or two around the status)."""

    __slots__ = ("data", "text", "tail")

    def __init__(self, data: tuple, text: str, tail: str | None = None):
        self.data, self.text, self.tail = data, text, tail


class Lazy(dict):
    """A fold's row dictionary whose snapshot rows are rebuilt only when the fold reads them."""

    __slots__ = ("thaw",)

    def __init__(self, thaw, items=()):
        super().__init__(items)
        self.thaw = thaw

    def _real(self, key, value):
        if type(value) is Frozen:
            value = self.thaw(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key, default=None):
        value = dict.get(self, key, Frozen)
        return default if value is Frozen else self._real(key, value)

    def __getitem__(self, key):
        return self._real(key, dict.__getitem__(self, key))

    def items(self):
        for key, value in list(dict.items(self)):
            self._real(key, value)
        return dict.items(self)

    def values(self):
        return [value for _, value in self.items()]

    def __iter__(self):
        return iter(list(dict.keys(self)))


# -- snapshots as deltas ----------------------------------------------------------------------
#
# An issuer's snapshots are cut from one fold at successive dates; each keeps only the rows that
# changed since the one before (``Tracked`` notes them), so a snapshot at date D is the union of
# every delta up to D, replayed in order, and the stored total stays near the size of the issuer's
# final state however many dates are kept. Money and notes are small: each delta has them whole.

_GONE = None   # a delta item (key,) with nothing after it: the row was deleted


class Tracked(dict):
    """A fold's row dictionary while snapshots are cut: remembers every key read or written."""

    __slots__ = ("touched",)

    def __init__(self, items=()):
        super().__init__(items)
        self.touched = set(self.keys())

    def __setitem__(self, key, value):
        self.touched.add(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self.touched.add(key)
        dict.__delitem__(self, key)

    def get(self, key, default=None):
        self.touched.add(key)
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self.touched.add(key)
        return dict.__getitem__(self, key)

    def items(self):
        self.touched.update(self.keys())
        return dict.items(self)

    def values(self):
        self.touched.update(self.keys())
        return dict.values(self)


class Cutter:
    """Feeds one issuer's fold and cuts deltas from it. Use: ``track()`` before the first event,
    ``add`` each event (in replay order), ``delta()`` at each cut."""

    def __init__(self, fold: ReportFold, issuer_key: str):
        self.fold, self.key = fold, issuer_key
        fold.holdings._rows[issuer_key] = Tracked()
        fold.holdings._grants[issuer_key] = Tracked()
        fold.warrants._books[issuer_key] = Tracked()

    def add(self, stored) -> None:
        self.fold.add(stored)
        grants = self.fold.holdings._grants
        if type(grants.get(self.key)) is not Tracked:    # a split builds a new dictionary of grants
            grants[self.key] = Tracked(grants.get(self.key, {}))

    def delta(self) -> bytes:
        fold, key = self.fold, self.key
        lots, grants, book = fold.holdings._rows[key], fold.holdings._grants[key], fold.warrants._books[key]
        out_lots, out_grants, out_book = [], [], []
        for k in sorted(lots.touched, key=str):
            v = dict.get(lots, k)
            out_lots.append((k,) if v is None else (k, _stored_lot(v), holding_text(v)))
        for k in sorted(grants.touched, key=str):
            v = dict.get(grants, k)
            out_grants.append((k,) if v is None else (k, v[0], v[1], _d(v[2])))
        for k in sorted(book.touched, key=str):
            v = dict.get(book, k)
            out_book.append((k,) if v is None else (k, _stored_tranche(v), *tranche_text(v)))
        # New keys must come in the fold's own order (the rows' order when dates tie): sort the
        # delta by position in the dictionary, deletions first.
        for items, d in ((out_lots, lots), (out_grants, grants), (out_book, book)):
            where = {k: i for i, k in enumerate(dict.keys(d))}
            items.sort(key=lambda item: -1 if len(item) == 1 else where[item[0]])
        for d in (lots, grants, book):
            d.touched = set()
        money = fold.money._by_issuer.get(key) or Totals()
        state = (FORMAT, tuple(out_lots), tuple(out_grants), tuple(out_book), _money(money),
                 tuple(_note(n) for n in fold.notes._rows.get(key, ())))
        return zlib.compress(marshal.dumps(state), 1)


def unpack(blob: bytes) -> tuple:
    """A delta's plain data; StateFormatError when it is not one this release wrote."""
    try:
        state = marshal.loads(zlib.decompress(blob))
    except Exception as e:   # noqa: BLE001 - zlib or marshal: damaged either way
        raise StateFormatError(f"a damaged snapshot ({type(e).__name__})") from None
    if not isinstance(state, tuple) or len(state) != 6 or state[0] != FORMAT:
        raise StateFormatError("a snapshot of another format")
    return state


def load(fold: ReportFold, issuer_key: str, deltas) -> None:
    """Put an issuer's state, the deltas up to a snapshot in order, into ``fold``, which must not
    have seen that issuer yet. On StateFormatError the fold may hold part of it: throw it away."""
    lots: Lazy = Lazy(_thaw_lot)
    grants: dict = {}
    book: Lazy = Lazy(_thaw_tranche)
    state = None
    try:
        for blob in deltas:
            state = unpack(blob)
            for item in state[1]:
                if len(item) == 1:
                    dict.pop(lots, item[0], None)
                else:
                    dict.__setitem__(lots, item[0], Frozen(item[1], item[2]))
            for item in state[2]:
                if len(item) == 1:
                    grants.pop(item[0], None)
                else:
                    grants[item[0]] = (item[1], item[2], _D(item[3]))
            for item in state[3]:
                if len(item) == 1:
                    dict.pop(book, item[0], None)
                else:
                    dict.__setitem__(book, item[0], Frozen(item[1], item[2], item[3]))
        if state is None:
            raise StateFormatError("no snapshot")
        fold.holdings._rows[issuer_key] = lots
        fold.holdings._grants[issuer_key] = grants
        fold.warrants._books[issuer_key] = book
        fold.money._by_issuer[issuer_key] = _to_money(state[4])
        if state[5]:
            fold.notes._rows[issuer_key] = [_to_note(n) for n in state[5]]
    except StateFormatError:
        raise
    except Exception as e:   # noqa: BLE001 - zlib, marshal or a field of the wrong shape: all mean damaged
        raise StateFormatError(f"a damaged snapshot ({type(e).__name__})") from None


# -- the issuer's JSON, from frozen rows where it can -----------------------------------------

def _array(texts: list[str]) -> str:
    if not texts:
        return "[]"
    return "[\n        " + ",\n        ".join(texts) + "\n      ]"


def issuer_text(fold: ReportFold, issuer_key: str, issuer: Issuer) -> tuple[str, Totals]:
    """``_nested(issuer_json(report), "    ")`` for the issuer's report as of ``fold.as_of``, the
    same bytes, with the report's totals (for its warnings). The fold must have seen the issuer."""
    as_of = fold.as_of
    day = as_of.isoformat()
    lots = []         # (date, text), in the fold's order: the sort below is stable, as in result()
    common = 0
    for v in dict.values(fold.holdings._rows.get(issuer_key, {})):
        if type(v) is Frozen:
            d = v.data
            lots.append((d[6], v.text))
            if "Common" in d[0]:
                common += d[3] or 0
        else:
            lots.append((v.date.isoformat(), holding_text(v)))
            if v.is_common:
                common += v.shares or 0
    lots.sort(key=itemgetter(0))
    tranches = []
    outstanding = contingent = undetermined = 0
    for v in dict.values(fold.warrants._books.get(issuer_key, {})):
        if type(v) is Frozen:
            d, (before, after) = v.data, (v.text, v.tail)
        else:
            d = _tranche(v)
            before, after = tranche_text(v)
        status = tranche_status(d, day)
        tranches.append((d[7], before + _QUOTED[status] + after))
        if status == "contingent":
            contingent += 1
        elif status == "outstanding":
            if d[10] is None:
                undetermined += 1
            else:
                outstanding += d[10]
    tranches.sort(key=itemgetter(0))
    notes = []
    for n in fold.notes._rows.get(issuer_key, ()):
        before, after = note_text(n)
        status = MATURED if n.maturity is not None and as_of >= n.maturity else n.status
        notes.append(before + (_QUOTED.get(status) or json.dumps(status)) + after)
    money = fold.money._by_issuer[issuer_key]
    totals = Totals(common, outstanding, undetermined, contingent, money.capital_raised,
                    money.undisclosed_consideration, money.fees_paid_cash, money.undisclosed_cash_fees,
                    money.fees_approximate, money.warnings)
    head = next(issuer_chunks(IssuerReport(issuer, issuer_key, (), (), totals)))   # its text up to the rows
    text = (f'{head}{_array([t for _, t in lots])},\n      "warrants": {_array([t for _, t in tranches])},'
            f'\n      "notes": {_array(notes)}\n    }}')
    return text, totals
