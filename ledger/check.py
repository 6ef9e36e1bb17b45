"""`ledger check`: the reported totals (balance assertions) against what the ledger replays to."""
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


@attrs.frozen
class Reconciliation:
    assertion: StoredEvent
    issuer: str
    figure: str
    reported: int
    projected: int
    undetermined_lots: int              # lots whose share count the ledger does not know
    contributing: tuple[tuple[str, int | None, str], ...]   # (event ids, shares, source) of each lot

    @property
    def ok(self) -> bool:
        return self.reported == self.projected and self.undetermined_lots == 0

    @property
    def difference(self) -> int:
        return self.reported - self.projected


def reconcile(store: Store, *, issuer_key: str | None = None, known_at: date | None = None) -> Iterator[Reconciliation]:
    pending = known_corrections(store, known_at=known_at)
    for stored in store.log(types=[BalanceAssertion.TYPE]):
        if issuer_key is not None and stored.issuer_key != issuer_key:
            continue
        if known_at is not None and stored.public_date is not None and stored.public_date > known_at:
            continue
        p = pending.get(stored.event_id)
        if p is not None and p.retracted_by:
            continue
        assertion = corrected_event(stored, p) if p is not None else stored
        result = replay_ledger(store, as_of=assertion.effective_date, issuer_key=stored.issuer_key, known_at=known_at)
        [report] = result.issuers or [None]
        lots = [h for h in report.holdings if h.is_common] if report else []
        yield Reconciliation(
            assertion, report.issuer.name if report else stored.issuer_key, assertion.event.figure,
            assertion.event.value, report.totals.common_shares if report else 0,
            sum(1 for h in lots if h.shares is None),
            tuple((", ".join(short_id(i) for i in h.event_ids), h.shares, h.sources[0] if h.sources else "") for h in lots))
