"""8-K/A: an amendment's facts supersede its original's, item by item. Nothing is deleted: the
original's events stay in the ledger and in history; replay leaves out the superseded ones."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from events import Event, FilingRecorded
from events.envelope import StreamInfo
from ledger.store import Store

EVERY_ITEM = None   # an amendment whose facts name no item restates the whole original


def _base_form(form: str) -> str:
    return form.upper().removesuffix("/A")


def is_amendment(info: StreamInfo) -> bool:
    return info.form.upper().endswith("/A")


def find_original(store: Store, issuer_key: str, form: str, report_date: date | None) -> str | None:
    """The stream of the filing an amendment amends: same issuer, same date of report."""
    if report_date is None:
        return None
    # Columns the store filled from each filing event as this release reads it (upcast).
    found = next(store.streams(issuer_key=issuer_key, form=_base_form(form), report_date=report_date), None)
    return found.stream if found else None


def restated(store: Store, amendments: Iterable[StreamInfo], *,
             known_at: date | None = None) -> dict[str, frozenset[str] | None]:
    """Original stream -> the items the given streams' amendments restate (EVERY_ITEM for all).
    Streams that are not 8-K/A are passed over on their columns; an amendment's events are decoded
    only once its original is known (from its ``amends`` column, else by issuer and date of report)."""
    out: dict[str, frozenset[str] | None] = {}
    for info in amendments:
        if not is_amendment(info):
            continue
        if known_at is not None and info.public_date is not None and info.public_date > known_at:
            continue
        original = info.amends or find_original(store, info.issuer_key, info.form, info.report_date)
        if original is None:
            continue
        events = [stored.event for stored in store.log(stream=info.stream)]
        if len(events) < 2 or not isinstance(events[0], FilingRecorded):
            continue
        facts = [e.reported_under for e in events[1:]]
        items = None if any(not under for under in facts) else frozenset(i for under in facts for i in under)
        before = out.get(original, frozenset())
        out[original] = None if items is None or before is None else before | items
    return out


def superseded(store: Store, *, known_at: date | None = None,
               issuer_key: str | None = None) -> dict[str, frozenset[str] | None]:
    """Original stream -> the items its amendments restate (EVERY_ITEM for all of them), for one
    issuer's streams or every issuer's. An amendment amends a filing of its own issuer (ingest
    matches it by issuer), so one issuer's answer needs only that issuer's streams."""
    return restated(store, store.streams(issuer_key=issuer_key), known_at=known_at)


def is_superseded(stream: str, event: Event, restated: dict[str, frozenset[str] | None]) -> bool:
    if stream not in restated or isinstance(event, FilingRecorded):
        return False
    items = restated[stream]
    return items is EVERY_ITEM or not event.reported_under or bool(items.intersection(event.reported_under))
