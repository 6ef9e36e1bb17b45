"""8-K/A: an amendment's facts supersede its original's, item by item. Nothing is deleted: the
original's events stay in the ledger and in history; replay leaves out the superseded ones."""
from __future__ import annotations

from datetime import date

from events import Event, FilingRecorded
from ledger.store import EventStore

EVERY_ITEM = None   # an amendment whose facts name no item restates the whole original


def _base_form(form: str) -> str:
    return form.upper().removesuffix("/A")


def _filing(store: EventStore, stream: str) -> FilingRecorded | None:
    first = next(store.log(stream=stream), None)   # version 1 of every stream is its filing
    return first.event if first and isinstance(first.event, FilingRecorded) else None


def find_original(store: EventStore, issuer_key: str, form: str, report_date: date | None) -> str | None:
    """The stream of the filing an amendment amends: same issuer, same date of report."""
    if report_date is None:
        return None
    for info in store.streams(issuer_key):
        if info.form.upper() == _base_form(form):
            filing = _filing(store, info.stream)
            if filing and filing.report_date == report_date:
                return info.stream
    return None


def superseded(store: EventStore, *, known_at: date | None = None) -> dict[str, frozenset[str] | None]:
    """Original stream -> the items its amendments restate (EVERY_ITEM for all of them)."""
    out: dict[str, frozenset[str] | None] = {}
    for info in store.streams():
        if not info.form.upper().endswith("/A"):
            continue
        if known_at is not None and info.public_date is not None and info.public_date > known_at:
            continue
        events = [e.event for e in store.log(stream=info.stream)]
        filing, facts = (events[0], events[1:]) if events else (None, [])
        if not isinstance(filing, FilingRecorded) or not facts:
            continue
        original = filing.amends or find_original(store, info.issuer_key, filing.form, filing.report_date)
        if original is None:
            continue
        items = None if any(not e.reported_under for e in facts) else frozenset(i for e in facts for i in e.reported_under)
        before = out.get(original, frozenset())
        out[original] = None if items is None or before is None else before | items
    return out


def is_superseded(stream: str, event: Event, restated: dict[str, frozenset[str] | None]) -> bool:
    if stream not in restated or isinstance(event, FilingRecorded):
        return False
    items = restated[stream]
    return items is EVERY_ITEM or not event.reported_under or bool(items.intersection(event.reported_under))
