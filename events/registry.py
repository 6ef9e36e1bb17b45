"""The closed list of event types, and the order of events that share a day."""
from __future__ import annotations

from events.records import (
    CommonIssued, ContingentRight, Event, FeePaid, FilingRecorded, NoteIssued, PreferredIssued, WarrantGranted,
)

# Every event type the ledger knows. Reading a type not listed here is an error.
ALL_EVENTS: tuple[type[Event], ...] = (
    FilingRecorded, PreferredIssued, CommonIssued, NoteIssued, WarrantGranted, FeePaid, ContingentRight,
)

BY_TYPE: dict[str, type[Event]] = {cls.TYPE: cls for cls in ALL_EVENTS}

# Same-day order: a filing comes before what it reports, securities before the warrants and
# fees that go with them. Replay sorts by (effective date, this rank, sequence).
DAY_RANK: dict[str, int] = {
    FilingRecorded.TYPE: 0,
    PreferredIssued.TYPE: 10,
    CommonIssued.TYPE: 20,
    NoteIssued.TYPE: 25,
    WarrantGranted.TYPE: 30,
    FeePaid.TYPE: 40,
    ContingentRight.TYPE: 50,
}

assert set(DAY_RANK) == set(BY_TYPE), "every event type needs a same-day rank"


def event_class(type_name: str) -> type[Event]:
    try:
        return BY_TYPE[type_name]
    except KeyError:
        raise KeyError(f"unknown event type {type_name!r}") from None
