"""`ledger check`: each reported balance (a periodic report's cover, a total recorded by hand) against
what the ledger replays to: the earlier balance of the class plus what was recorded since, or with
no earlier balance, every lot the ledger holds."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs

from events import BalanceAssertion
from ledger.ids import short_id
from ledger.corrections import corrected_event, known_corrections
from ledger.store import Store
from events.envelope import StoredEvent
from ledger.views import replay_ledger
from ledger.projections.outstanding import class_key, class_of


@attrs.frozen
class Reconciliation:
    """A reported balance against the ledger. With an earlier balance of the class, the ledger's
    figure is that balance plus the lots recorded after it (``previous``); without one, every lot
    of the class the ledger holds."""

    assertion: StoredEvent
    issuer: str
    figure: str
    reported: int
    projected: int
    undetermined_lots: int              # lots whose share count the ledger does not know
    contributing: tuple[tuple[str, int | None, str], ...]   # (event ids, shares, source) of each lot
    previous: StoredEvent | None = None  # the earlier balance the figure starts from
    security: str = "Common Stock"

    @property
    def ok(self) -> bool:
        return self.reported == self.projected and self.undetermined_lots == 0

    @property
    def difference(self) -> int:
        return self.reported - self.projected


def reconcile(store: Store, *, issuer_key: str | None = None, known_at: date | None = None) -> Iterator[Reconciliation]:
    pending = known_corrections(store, known_at=known_at)
    earlier: dict[tuple[str, tuple], list[StoredEvent]] = {}     # (issuer, class) -> balances, by date
    found = []
    for stored in store.log(types=[BalanceAssertion.TYPE]):
        if issuer_key is not None and stored.issuer_key != issuer_key:
            continue
        if known_at is not None and stored.public_date is not None and stored.public_date > known_at:
            continue
        p = pending.get(stored.event_id)
        if p is not None and p.retracted_by:
            continue
        assertion = corrected_event(stored, p) if p is not None else stored
        found.append(assertion)
        earlier.setdefault((stored.issuer_key, class_key(assertion.event.security)), []).append(assertion)
    for balances in earlier.values():
        balances.sort(key=lambda a: (a.effective_date, a.seq))
    for assertion in found:
        key = class_key(assertion.event.security)
        before = [b for b in earlier[(assertion.issuer_key, key)] if b.effective_date < assertion.effective_date]
        previous = before[-1] if before else None
        result = replay_ledger(store, as_of=assertion.effective_date, issuer_key=assertion.issuer_key, known_at=known_at)
        [report] = result.issuers or [None]
        reported = [k for (i, k) in earlier if i == assertion.issuer_key]
        lots = [h for h in (report.holdings if report else ()) if class_of(h.security_class, reported) == key]
        if previous is not None:
            lots = [h for h in lots if h.date > previous.effective_date]
        start = previous.event.value if previous is not None else 0
        yield Reconciliation(
            assertion, report.issuer.name if report else assertion.issuer_key, assertion.event.figure,
            assertion.event.value, start + sum(h.shares or 0 for h in lots),
            sum(1 for h in lots if h.shares is None),
            tuple((", ".join(short_id(i) for i in h.event_ids), h.shares, h.sources[0] if h.sources else "") for h in lots),
            previous, assertion.event.security)

