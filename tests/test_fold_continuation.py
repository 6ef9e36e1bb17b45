"""A fold's state after add() depends on the as-of date only through which events were added: a
fold built to D and carried on to Q > D (as_of set to Q, the events of (D, Q] added) answers as a
fresh fold to Q does. Snapshots rely on it."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import NoteIssued, StockSplit, WarrantExercised, WarrantGranted, WarrantKind
from ledger.projections.captable import CapTableFold
from ledger.projections.notes import NoteFold
from ledger.projections.report import ReportFold
from ledger.projections.totals import TotalsFold
from ledger.projections.warrants import WarrantFold
from ledger.store import MEMORY, open_store
from ledger.views import effective_events
from tests.random_ledger import days, filings, maybe_days, recorded, said
from tests.test_projections import wrap


def carried(make, events, d: date, q: date):
    fold = make(d)
    for stored in events:
        if stored.effective_date <= d:
            fold.add(stored)
    fold.as_of = q
    for stored in events:
        if d < stored.effective_date <= q:
            fold.add(stored)
    return fold


def fresh(make, events, q: date):
    fold = make(q)
    for stored in events:
        fold.add(stored)
    return fold


def same_answer(make, result, events, d: date, q: date) -> None:
    assert result(carried(make, events, d, q)) == result(fresh(make, events, q))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_each_fold_carried_from_d_to_q_equals_a_fresh_fold_to_q(data):
    store = open_store(MEMORY)
    data.draw(filings(store))
    data.draw(recorded(store))
    events = list(effective_events(store, as_of=None))   # replay order, corrections applied
    d = data.draw(days)
    q = d + timedelta(days=data.draw(st.integers(1, 1200)))
    known_at = data.draw(maybe_days)
    warrants, tables = fresh(WarrantFold, events, q).result(), fresh(CapTableFold, events, q).result()
    same_answer(CapTableFold, CapTableFold.result, events, d, q)
    same_answer(WarrantFold, WarrantFold.result, events, d, q)
    same_answer(NoteFold, NoteFold.result, events, d, q)
    same_answer(TotalsFold, lambda f: f.result(warrants, tables), events, d, q)
    same_answer(lambda as_of: ReportFold(as_of, known_at), lambda f: (f.reports({}), f.undated), events, d, q)


def test_a_note_that_matures_after_the_fold_was_built_shows_as_matured():
    """The status of a note is read at result(), from the as-of date it is asked for."""
    note = NoteIssued(effective_date=date(2000, 1, 3), provenance=said("sha256:n", "notes"), security="Notes",
                      principal=Decimal(1000), maturity=date(2001, 1, 3))
    events = wrap(("n-1", note))
    [row] = carried(NoteFold, events, date(2000, 6, 30), date(2001, 6, 30)).result()["neotherapeutics inc|000-28782"]
    assert row.status == "matured"
    [row] = carried(NoteFold, events, date(2000, 6, 30), date(2001, 1, 2)).result()["neotherapeutics inc|000-28782"]
    assert row.status == "outstanding"


def test_a_split_rebases_the_exercise_price_of_its_own_issuers_warrants_only():
    """Exercise lots take their price from the grant; another issuer's split must not rebase it
    (it once did in a whole-ledger replay, and not with --issuer)."""
    grant = WarrantGranted(effective_date=date(2000, 1, 3), provenance=said("sha256:g", "warrants"),
                           tranche="Warrants", kind=WarrantKind.INVESTOR, shares=1000, exercise_price=Decimal("10.00"))
    split = StockSplit(effective_date=date(2000, 2, 1), provenance=said("manual:s", "split"), numerator=2, denominator=1)
    events = [*wrap(("g-1", grant), key="cik:1"), *wrap(("s-1", split), key="cik:2"),
              *wrap(("x-1", WarrantExercised(effective_date=date(2000, 3, 1), provenance=said("manual:x", "exercise"),
                                             tranche="g-1", shares=100)), key="cik:1")]
    events = [attrs.evolve(e, seq=n) for n, e in enumerate(events, 1)]
    [lot] = fresh(CapTableFold, events, date(2000, 6, 30)).result()["cik:1"].holdings
    assert (lot.price, lot.shares) == (Decimal("10.00"), 100)
