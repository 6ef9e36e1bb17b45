"""The events and deals exports over a store: their columns and rows, streamed. The cap-table and
warrants exports are rows of a replay (``ledger.export.tables`` over ``ledger.views.replay_issuers``).

Both read row by row or issuer by issuer: the events export holds one event at a time (and the
issuers' names), the deals export one issuer's deals at a time, so neither holds the ledger.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date

from events.envelope import StoredEvent
from ledger.amendments import find_original
from ledger.export.deals import DEAL_COLUMNS, deal_rows
from ledger.export.events import EVENT_COLUMNS, event_rows
from ledger.projections.deals import deals, originals_of
from ledger.store import Store
from ledger.views import effective_by_issuer

Rows = tuple[Sequence[str], Iterator[tuple]]


def events_export(store: Store, *, as_of: date | None = None, known_at: date | None = None,
                  issuer_key: str | None = None) -> Rows:
    """Every event in recording order (seq), of one issuer or all; with ``as_of``, those dated on
    or before it; with ``known_at``, those public by it (an event with no public date counts as
    known, as in a replay)."""
    names = dict(store.issuer_names(issuer_key=issuer_key))

    def wanted() -> Iterator[StoredEvent]:
        for e in store.log():
            if ((issuer_key is None or e.issuer_key == issuer_key)
                    and (as_of is None or e.effective_date <= as_of)
                    and (known_at is None or e.public_date is None or e.public_date <= known_at)):
                yield e
    return EVENT_COLUMNS, event_rows(wanted(), names)


def deals_export(store: Store, *, as_of: date | None = None, known_at: date | None = None,
                 issuer_key: str | None = None) -> Rows:
    """One row per financing of each issuer (or one), by issuer name then first closing, from the
    events a replay as of ``as_of`` (every event when None) known at ``known_at`` folds."""
    def issuers():
        for key, name, infos, events in effective_by_issuer(store, as_of=as_of, known_at=known_at,
                                                            issuer_key=issuer_key):
            originals = originals_of(infos, lambda i: find_original(store, key, i.form, i.report_date))
            yield name, deals(events, originals), {i.stream: i for i in infos}
    return DEAL_COLUMNS, deal_rows(issuers())


# The tables exported from a store, by the name `ledger export` takes.
EXPORTS: dict[str, Callable[..., Rows]] = {"events": events_export, "deals": deals_export}
