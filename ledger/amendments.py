"""8-K/A: an amendment's facts supersede its original's, item by item. Nothing is deleted: the
original's events stay in the ledger and in history; replay leaves out the superseded ones."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


class Restated(Mapping):
    """Original stream -> the items its amendments restate (EVERY_ITEM for all), worked out for an
    original only when it is first asked about: an amendment's events are decoded then, and never
    for a replay whose events (a snapshot's short tail) come from no amended filing. Which streams
    may be originals is known from the streams' columns alone."""

    def __init__(self, store: Store, amendments: Iterable[StreamInfo], known_at: date | None):
        self._store = store
        self._candidates: dict[str, list[StreamInfo]] = {}    # original -> its amendments, in order
        for info in amendments:
            if not is_amendment(info):
                continue
            if known_at is not None and info.public_date is not None and info.public_date > known_at:
                continue
            original = info.amends or find_original(store, info.issuer_key, info.form, info.report_date)
            if original is not None:
                self._candidates.setdefault(original, []).append(info)
        self._items: dict[str, frozenset[str] | None | bool] = {}

    def _work_out(self, original: str) -> frozenset[str] | None | bool:
        """The original's items, or False when none of its amendments restates anything."""
        if original in self._items:
            return self._items[original]
        out: frozenset[str] | None | bool = False
        for info in self._candidates.get(original, ()):
            events = [stored.event for stored in self._store.log(stream=info.stream)]
            if len(events) < 2 or not isinstance(events[0], FilingRecorded):
                continue
            facts = [e.reported_under for e in events[1:]]
            items = None if any(not under for under in facts) else frozenset(i for under in facts for i in under)
            before = frozenset() if out is False else out
            out = None if items is None or before is None else before | items
        self._items[original] = out
        return out

    def __contains__(self, stream) -> bool:
        return stream in self._candidates and self._work_out(stream) is not False

    def __getitem__(self, stream: str) -> frozenset[str] | None:
        found = self._work_out(stream) if stream in self._candidates else False
        if found is False:
            raise KeyError(stream)
        return found

    def __iter__(self) -> Iterator[str]:
        return (s for s in self._candidates if s in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:     # without decoding anything: an empty one has no candidates
        return bool(self._candidates)


def restated(store: Store, amendments: Iterable[StreamInfo], *,
             known_at: date | None = None) -> Restated:
    """Original stream -> the items the given streams' amendments restate (EVERY_ITEM for all).
    Streams that are not 8-K/A are passed over on their columns; an amendment's events are decoded
    only once its original is asked about (found from its ``amends`` column, else by issuer and
    date of report)."""
    return Restated(store, amendments, known_at)


def superseded(store: Store, *, known_at: date | None = None,
               issuer_key: str | None = None) -> dict[str, frozenset[str] | None]:
    """Original stream -> the items its amendments restate (EVERY_ITEM for all of them), for one
    issuer's streams or every issuer's. An amendment amends a filing of its own issuer (ingest
    matches it by issuer), so one issuer's answer needs only that issuer's streams."""
    return restated(store, store.streams(issuer_key=issuer_key), known_at=known_at)


def is_superseded(stream: str, event: Event, restated: Mapping[str, frozenset[str] | None]) -> bool:
    if stream not in restated or isinstance(event, FilingRecorded):
        return False
    items = restated[stream]
    return items is EVERY_ITEM or not event.reported_under or bool(items.intersection(event.reported_under))
