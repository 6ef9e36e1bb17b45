"""Retractions and corrections, applied on read. The events they point at stay in the ledger as
recorded; replay sees them as corrected, and with --known-at before the correction, as they were."""
from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date

import attrs

from events import DAY_RANK, EventCorrected, EventRetracted, FilingRecorded, from_payload, to_payload
from events.codec import problems
from ledger.errors import LedgerError
from ledger.ids import short_id
from ledger.store import Store
from events.envelope import StoredEvent


class BadCorrection(LedgerError):
    pass


@attrs.frozen
class Pending:
    """What the known corrections say about one target, in the order they were recorded."""

    retracted_by: str | None = None
    changes: tuple[tuple[str, object], ...] = ()
    corrected_by: tuple[str, ...] = ()


class Known(dict[str, Pending]):
    """Target event id -> what happened to it; and the filings retracted whole: stream -> the id
    of the retraction of its ``filing_recorded`` event."""

    def __init__(self):
        super().__init__()
        self.retracted_streams: dict[str, str] = {}


def retracted_filing(store: Store, retraction: EventRetracted) -> str | None:
    """The stream of the filing a retraction withdraws whole (it names the filing's
    ``filing_recorded`` event), else None. Retractions are few: one read each."""
    target = store.event(retraction.target)
    return target.stream if target is not None and isinstance(target.event, FilingRecorded) else None


def known_corrections(store: Store, *, known_at: date | None = None, issuer_key: str | None = None) -> Known:
    """Target event id -> what happened to it, counting only corrections public by ``known_at``.
    A retracted filing event retracts its whole filing: every event of its stream. With
    ``issuer_key``, one issuer's only: a correction is recorded under its target's issuer
    (ledger/record.py), so one issuer's replay need not read every correction in the ledger."""
    out = Known()
    for type_name in (EventRetracted.TYPE, EventCorrected.TYPE):
        found = (store.log(types=[type_name]) if issuer_key is None
                 else sorted(store.read(issuer_key=issuer_key, types=[type_name]), key=lambda e: e.seq))
        for stored in found:
            if known_at is not None and stored.public_date is not None and stored.public_date > known_at:
                continue
            e = stored.event
            if known_at is not None and isinstance(e, EventRetracted) and e.by is not None and not _known(store, e.by, known_at):
                continue       # a recap or superseded mark counts once the telling counted instead is known too
            p = out.get(e.target, Pending())
            if isinstance(e, EventRetracted):
                p = attrs.evolve(p, retracted_by=stored.event_id)
                if (filing := retracted_filing(store, e)) is not None:
                    out.retracted_streams.setdefault(filing, stored.event_id)
            else:
                p = attrs.evolve(p, changes=p.changes + tuple((c.field, c.value) for c in e.changes),
                                 corrected_by=p.corrected_by + (stored.event_id,))
            out[e.target] = p
    return out


def _known(store: Store, event_id: str, known_at: date) -> bool:
    """Whether an event was public by ``known_at`` (one with no public date counts as known)."""
    found = store.event(event_id)
    return found is not None and (found.public_date is None or found.public_date <= known_at)


def corrected_event(stored: StoredEvent, pending: Pending) -> StoredEvent:
    """The stored event with the corrected fields, checked by the event's own converters."""
    payload = to_payload(stored.event)
    for field, value in pending.changes:
        payload[field] = value
    try:
        event = from_payload(stored.type, type(stored.event).SCHEMA_VERSION, payload, explain_errors=True)
    except Exception as e:  # noqa: BLE001 - a correction recorded before its rules were checked
        raise BadCorrection(f"{short_id(stored.event_id)} as corrected by {', '.join(map(short_id, pending.corrected_by))} is not valid: "
                            f"{'; '.join(problems(e))}") from None
    return attrs.evolve(stored, event=event, effective_date=event.effective_date)


def _order(stored: StoredEvent):
    return stored.effective_date, DAY_RANK.get(stored.type, 999), stored.seq


def apply(events: Iterator[StoredEvent], pending: Known, *, as_of: date | None = None,
          moved: list[StoredEvent] = ()) -> Iterator[StoredEvent]:
    """Replay order, with retracted events left out and corrected ones replaced. An event whose
    effective date was corrected leaves its old place; ``moved`` (from ``moved_events``) puts it
    back at the new one."""
    gone = pending.retracted_streams

    def stream():
        for stored in events:
            if stored.stream in gone:
                continue
            p = pending.get(stored.event_id)
            if p is None:
                yield stored
                continue
            if p.retracted_by or any(field == "effective_date" for field, _ in p.changes):
                continue
            yield corrected_event(stored, p)
    ahead = sorted((m for m in moved if as_of is None or m.effective_date <= as_of), key=_order)
    return heapq.merge(stream(), ahead, key=_order) if ahead else stream()


def moved_events(store: Store, pending: Known) -> list[StoredEvent]:
    """Targets whose effective date a correction changed, as corrected (few: read one by one)."""
    out = []
    gone = pending.retracted_streams
    for target, p in pending.items():
        if p.retracted_by or not any(field == "effective_date" for field, _ in p.changes):
            continue
        stored = store.event(target)
        if stored is not None and stored.stream not in gone:
            out.append(corrected_event(stored, p))
    return out


def check_corrections(store: Store, pending: Known, *, as_of: date | None, known_at: date | None = None,
                      issuer_key: str | None = None) -> None:
    """Raise ``BadCorrection`` for the first correction (in replay order) that a replay with these
    bounds would apply and that does not hold: a streamed replay checks before it writes its first
    issuer, so a bad correction stops it with nothing written. Corrections are few: one read each."""
    due = []
    gone = pending.retracted_streams
    for target, p in pending.items():
        if p.retracted_by or any(field == "effective_date" for field, _ in p.changes):
            continue     # left out, or checked by moved_events
        stored = store.event(target)
        if (stored is None or stored.stream in gone or (as_of is not None and stored.effective_date > as_of)
                or (issuer_key is not None and stored.issuer_key != issuer_key)
                or (known_at is not None and stored.public_date is not None and stored.public_date > known_at)):
            continue
        due.append((stored, p))
    for stored, p in sorted(due, key=lambda pair: _order(pair[0])):
        corrected_event(stored, p)
