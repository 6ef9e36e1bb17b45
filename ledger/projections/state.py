"""One issuer's fold state as plain data, so a replay can start from a snapshot instead of the
first event, and write its JSON without rebuilding a row object per lot.

The state is plain data (tuples, strings, ints, None) stored with ``marshal``, which, unlike
pickle, cannot run code when a tampered ledger is read, compressed with LZ4 (a whole-ledger replay
inflates hundreds of megabytes of row text: zlib took a third of it) and guarded by a CRC-32 of the
stored bytes. Decimals travel as ``str`` (exact, exponent kept), dates as ISO text, enums as their
values. Each row also carries its JSON text as the replay contract writes it (warrant and note rows
in two parts around their status, which depends on the as-of date), so rows no later event touches
are written as they are.

A loaded row stays *frozen*, a plain tuple (its text, the few fields its JSON and the totals need,
and the rest of its data still marshalled), in the fold's dictionaries until a later event reads
it; reading one (``Lazy.get``) rebuilds the row object, which from then on is written from the
object. Frozen rows are made by marshal and ``dict.update`` in C: no Python code runs per row until
the issuer's JSON is written."""
from __future__ import annotations

import json
import marshal
import zlib

import lz4.block
from datetime import date
from decimal import Decimal
from operator import itemgetter

import attrs

from events import ConsiderationKind, Issuer, QuantityBasis, WarrantKind
from ledger.projections.captable import Holding
from ledger.projections.notes import MATURED, NoteRow
from ledger.projections.dilution import DilutionFold, LotFact, NoteFact, TrancheFact, group_of, lot_fact, tranche_fact
from ledger.projections.outstanding import Balance, LotFigures, Outstanding, estimate
from ledger.projections.report import ReportFold, _holding_text, _note_text, _warrant_text, issuer_head
from ledger.projections.totals import Totals
from ledger.projections.warrants import Terms, Tranche, WarrantStatus

FORMAT = 5   # bump when the tuples below change: a snapshot of another format is not used

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
            h.consideration_kind.value, h.conversion_formula, h.converted_common)


def _to_holding(t: tuple) -> Holding:
    return Holding(t[0], t[1], t[2], t[3], _D(t[4]), _D(t[5]), date.fromisoformat(t[6]), t[7], t[8],
                   _D(t[9]), t[10], ConsiderationKind(t[11]), t[12], t[13])


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


# A frozen lot: (text, date, common shares (0 unless a common lot), marshalled _stored_lot, owner);
# a frozen tranche: (text before the status, text after it, issued_on, closed, expires_on,
# vests_until, remaining, marshalled _stored_tranche, owner). Each its own ``marshal`` blob, loaded
# only when a later event reads the row. ``owner`` is what the fully diluted figures need of most
# rows without reading that blob: a lot's (COMMON, COMMON_UNKNOWN or PREFERRED, holder group key,
# label), a tranche's (holder group key, label) (ledger/projections/dilution.py group_of).
LOT_DATA, TRANCHE_DATA = 3, 7
COMMON, COMMON_UNKNOWN, PREFERRED = 1, 0, 2


def _frozen_lot(h: Holding) -> tuple:
    code = PREFERRED if not h.is_common else COMMON if h.shares is not None else COMMON_UNKNOWN
    return (holding_text(h), h.date.isoformat(), (h.shares or 0) if h.is_common else 0,
            marshal.dumps(_stored_lot(h)), (code, *group_of(h.holders, h.holders_description)))


def _frozen_tranche(t: Tranche) -> tuple:
    d = _stored_tranche(t)
    before, after = tranche_text(t)
    return (before, after, d[7], d[12], d[5], d[6], d[10], marshal.dumps(d), group_of(d[2], d[3]))


def _frozen_grant(g: tuple) -> list:
    # A list: the one frozen form marshal gives that a live grant, a tuple, never has.
    holders, description, price = g
    return [holders, description, _d(price)]


def _thaw_grant(f: list) -> tuple:
    return f[0], f[1], _D(f[2])


def _thaw_lot(f: tuple) -> Holding:
    row = json.loads(f[0])
    t = marshal.loads(f[LOT_DATA])
    return _to_holding((*t[:7], tuple(row["event_ids"]), tuple(row["sources"]), *t[9:]))


def _thaw_tranche(f: tuple) -> Tranche:
    row = json.loads(f[0] + '"x"' + f[1])
    d = marshal.loads(f[TRANCHE_DATA])
    return _to_tranche((*d[:8], row["event_ids"], row["sources"], *d[10:]))


def _to_note(t: tuple) -> NoteRow:
    return NoteRow(t[0], t[1], t[2], _D(t[3]), _D(t[4]), _D(t[5]), t[6], date.fromisoformat(t[7]), _day(t[8]),
                   t[9], t[10], t[11])


def _balance(key: tuple, b: Balance) -> tuple:
    return (key[0], key[1], b.security, b.shares, b.as_of.isoformat(), b.event_ids, b.source)


def _to_balance(t: tuple) -> tuple[tuple, Balance]:
    return (t[0], t[1]), Balance(t[2], t[3], date.fromisoformat(t[4]), tuple(t[5]), t[6])


def _lot_figures(v, after: str) -> LotFigures:
    """A lot's class, count, date and (when dated after ``after``, the earliest balance) event ids."""
    if type(v) is not tuple:
        return LotFigures(v.security_class, v.shares, v.date, v.event_ids)
    d = marshal.loads(v[LOT_DATA])
    ids = tuple(json.loads(v[0])["event_ids"]) if v[1] > after else ()
    return LotFigures(d[0], d[3], date.fromisoformat(v[1]), ids)


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


_EXPIRED, _CONTINGENT, _OUTSTANDING = (WarrantStatus.EXPIRED.value, WarrantStatus.CONTINGENT.value,
                                       WarrantStatus.OUTSTANDING.value)
_QUOTED = {s.value: json.dumps(s.value) for s in WarrantStatus} | {MATURED: json.dumps(MATURED)}


# -- the dictionaries that hold frozen rows ------------------------------------------

_MISSING = object()


class Lazy(dict):
    """A fold's row dictionary whose snapshot rows are rebuilt only when the fold reads them."""

    __slots__ = ("thaw", "frozen")

    def __init__(self, thaw, items=(), frozen: type = tuple):
        super().__init__(items)
        self.thaw, self.frozen = thaw, frozen     # a frozen row's type, which no live row has

    def _real(self, key, value):
        if type(value) is self.frozen:
            value = self.thaw(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key, default=None):
        value = dict.get(self, key, _MISSING)
        return default if value is _MISSING else self._real(key, value)

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
        # Changed rows in the fold's own order (the rows' order when dates tie), so that loading
        # them with dict.update puts new keys where the fold has them; deleted keys apart.
        lot_keys = [k for k in dict.keys(lots) if k in lots.touched]
        grant_keys = [k for k in dict.keys(grants) if k in grants.touched]
        book_keys = [k for k in dict.keys(book) if k in book.touched]
        state = (
            FORMAT,
            tuple(sorted((k for k in lots.touched if k not in lots), key=str)),
            tuple(lot_keys), tuple(_frozen_lot(dict.__getitem__(lots, k)) for k in lot_keys),
            tuple(sorted((k for k in grants.touched if k not in grants), key=str)),
            tuple(grant_keys), tuple(_frozen_grant(dict.__getitem__(grants, k)) for k in grant_keys),
            tuple(sorted((k for k in book.touched if k not in book), key=str)),
            tuple(book_keys), tuple(_frozen_tranche(dict.__getitem__(book, k)) for k in book_keys),
            _money(fold.money._by_issuer.get(key) or Totals()),
            tuple(_note(n) for n in fold.notes._rows.get(key, ())),
            tuple(_balance(k, b) for k, b in fold.balances.balances(key).items()),
        )
        for d in (lots, grants, book):
            d.touched = set()
        return pack(state)


def pack(state: tuple) -> bytes:
    """A delta's stored bytes: the CRC-32 of the rest, then its marshal text compressed with LZ4."""
    packed = lz4.block.compress(marshal.dumps(state))
    return zlib.crc32(packed).to_bytes(4, "big") + packed


def comparable(state: tuple) -> tuple:
    """An unpacked delta with each row's own marshal blob read: two deltas of equal data compare
    equal (marshal's bytes for equal data may differ: it shares objects by identity)."""
    def rows(items, at):
        return tuple((*r[:at], marshal.loads(r[at]), *r[at + 1:]) for r in items)
    return (*state[:3], rows(state[3], LOT_DATA), *state[4:9], rows(state[9], TRANCHE_DATA), *state[10:])


_SHAPE = (int,) + (tuple,) * 12


def unpack(blob: bytes) -> tuple:
    """A delta's plain data; StateFormatError when it is not one this release wrote."""
    try:
        if len(blob) < 4 or zlib.crc32(blob[4:]) != int.from_bytes(blob[:4], "big"):
            raise StateFormatError("a damaged snapshot (its checksum does not match)")
        state = marshal.loads(lz4.block.decompress(blob[4:]))
    except StateFormatError:
        raise
    except Exception as e:   # noqa: BLE001 - lz4 or marshal: damaged either way
        raise StateFormatError(f"a damaged snapshot ({type(e).__name__})") from None
    if type(state) is not tuple or tuple(map(type, state)) != _SHAPE or state[0] != FORMAT:
        raise StateFormatError("a snapshot of another format")
    return state


def load(fold: ReportFold, issuer_key: str, deltas) -> None:
    """Put an issuer's state, the deltas up to a snapshot in order, into ``fold``, which must not
    have seen that issuer yet. On StateFormatError the fold may hold part of it: throw it away."""
    lots: Lazy = Lazy(_thaw_lot)
    grants: Lazy = Lazy(_thaw_grant, frozen=list)
    book: Lazy = Lazy(_thaw_tranche)
    state = None
    pop, update = dict.pop, dict.update
    try:
        for blob in deltas:
            state = unpack(blob)
            (_, lots_gone, lot_keys, lot_rows, grants_gone, grant_keys, grant_rows, book_gone, book_keys, book_rows,
             _, _, _) = state
            if (len(lot_keys) != len(lot_rows) or len(book_keys) != len(book_rows) or len(grant_keys) != len(grant_rows)
                    or not set(map(len, lot_rows)) <= {5} or not set(map(len, book_rows)) <= {9}
                    or not set(map(len, grant_rows)) <= {3}
                    or not set(map(type, lot_rows)) | set(map(type, book_rows)) <= {tuple}
                    or not set(map(type, grant_rows)) <= {list}):
                raise StateFormatError("a damaged snapshot (rows of the wrong shape)")
            for k in lots_gone:
                pop(lots, k, None)
            update(lots, zip(lot_keys, lot_rows))
            for k in grants_gone:
                pop(grants, k, None)
            update(grants, zip(grant_keys, grant_rows))
            for k in book_gone:
                pop(book, k, None)
            update(book, zip(book_keys, book_rows))
        if state is None:
            raise StateFormatError("no snapshot")
        fold.holdings._rows[issuer_key] = lots
        fold.holdings._grants[issuer_key] = grants
        fold.warrants._books[issuer_key] = book
        fold.money._by_issuer[issuer_key] = _to_money(state[10])
        if state[11]:
            fold.notes._rows[issuer_key] = [_to_note(n) for n in state[11]]
        if state[12]:
            fold.balances._by_issuer[issuer_key] = dict(_to_balance(b) for b in state[12])
    except StateFormatError:
        raise
    except Exception as e:   # noqa: BLE001 - a field of the wrong shape: damaged
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
    rows = dict.values(fold.holdings._rows.get(issuer_key, {}))
    diluted = DilutionFold()
    if set(map(type, rows)) <= {tuple}:     # every lot frozen, as a snapshot left it: all in C
        frozen = sorted(rows, key=itemgetter(1))      # stable: same-day lots keep the fold's order
        lot_texts = list(map(itemgetter(0), frozen))
        common = sum(map(itemgetter(2), frozen))
        ordered = frozen
    else:
        lots = []     # (date, text, row), in the fold's order: the sort below is stable, as in result()
        common = 0
        for v in rows:
            if type(v) is tuple:
                lots.append((v[1], v[0], v))
                common += v[2]
            else:
                lots.append((v.date.isoformat(), holding_text(v), v))
                if v.is_common:
                    common += v.shares or 0
        lots.sort(key=itemgetter(0))
        lot_texts = [t for _, t, _ in lots]
        ordered = [v for _, _, v in lots]
    add_common, add_lot = diluted.common, diluted.lot
    for v in ordered:
        if type(v) is not tuple:
            add_lot(lot_fact(v))
        elif v[4][0] == COMMON:
            add_common(v[4][1], v[4][2], v[2])
        else:
            add_lot(_lot_fact(v))
    tranches = []
    outstanding = contingent = undetermined = 0
    quoted = _QUOTED
    expired_text, contingent_text, outstanding_text = quoted[_EXPIRED], quoted[_CONTINGENT], quoted[_OUTSTANDING]
    for v in dict.values(fold.warrants._books.get(issuer_key, {})):
        if type(v) is tuple:
            before, after, issued, closed, expires, vests, remaining, data, _ = v
        else:
            data = _tranche(v)
            issued, closed, expires, vests, remaining = data[7], data[12], data[5], data[6], data[10]
            before, after = tranche_text(v)
        # Tranche.row's status, on the stored fields and an ISO date (this runs for every tranche)
        if closed is not None:
            status, value = quoted[closed], closed
        elif expires is not None and day >= expires:
            status, value = expired_text, _EXPIRED
        elif vests is not None and day < vests and remaining is None:
            status, value = contingent_text, _CONTINGENT
            contingent += 1
        else:
            status, value = outstanding_text, _OUTSTANDING
            if remaining is None:
                undetermined += 1
            else:
                outstanding += remaining
        tranches.append((issued, before + status + after, before, after, remaining, value, data, v))
    tranches.sort(key=itemgetter(0))
    add_warrants, add_tranche = diluted.warrants, diluted.tranche
    for t in tranches:
        v = t[7]
        if type(v) is not tuple:
            add_tranche(tranche_fact(v.row(as_of)))
        elif t[5] == _OUTSTANDING and t[4] is not None:
            add_warrants(v[8][0], v[8][1], t[4])
        elif t[5] == _OUTSTANDING or t[5] == _CONTINGENT:
            add_tranche(_tranche_fact(t))
    notes = []
    for n in fold.notes._rows.get(issuer_key, ()):
        before, after = note_text(n)
        status = MATURED if n.maturity is not None and as_of >= n.maturity else n.status
        notes.append(before + (_QUOTED.get(status) or json.dumps(status)) + after)
        diluted.note(NoteFact(n.security, n.holders, n.holders_description, n.principal, n.conversion_price,
                              n.conversion_formula, status, n.event_ids))
    money = fold.money._by_issuer[issuer_key]
    totals = Totals(common, outstanding, undetermined, contingent, money.capital_raised,
                    money.undisclosed_consideration, money.fees_paid_cash, money.undisclosed_cash_fees,
                    money.fees_approximate, money.warnings)
    held = fold.balances.balances(issuer_key)
    outstanding = Outstanding()
    if held:
        after = min(b.as_of for b in held.values()).isoformat()
        outstanding = estimate(held, (_lot_figures(v, after) for v in ordered))
    text = (f'{issuer_head(issuer, totals, diluted.result(), outstanding)}{_array(lot_texts)},'
            f'\n      "warrants": {_array([t[1] for t in tranches])},'
            f'\n      "notes": {_array(notes)}\n    }}')
    return text, totals


def _lot_fact(v: tuple) -> LotFact:
    """A frozen lot's figures for the dilution fold: its marshalled data, read in C; its event ids
    stay in its text until the lot is listed."""
    d = marshal.loads(v[LOT_DATA])
    if "Common" in d[0]:
        return LotFact(d[0], True, d[1], d[2], d[3], None, None, None, None, 0, v[0])
    return LotFact(d[0], False, d[1], d[2], d[3], _D(d[4]), _D(d[9]), d[10], d[12], d[13], v[0])


def _tranche_fact(t: tuple) -> TrancheFact:
    _, _, before, after, remaining, status, data, _ = t
    d = marshal.loads(data)
    return TrancheFact(d[0], d[1], d[2], d[3], remaining, d[4], status, before + '"x"' + after)
