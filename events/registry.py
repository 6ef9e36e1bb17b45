"""The closed list of event types, and the order of events that share a day."""
from __future__ import annotations

from events.records import (
    BalanceAssertion, CommonIssued, ContingentRight, Event, EventCorrected, EventRetracted, FeePaid, FilingRecorded,
    NoteIssued, PreferredConverted, PreferredIssued, SharesOutstanding, StockSplit, WarrantCancelled,
    WarrantExercised, WarrantGranted, WarrantVested,
)

# Every event type the ledger knows. Reading a type not listed here is an error.
ALL_EVENTS: tuple[type[Event], ...] = (
    FilingRecorded, PreferredIssued, CommonIssued, NoteIssued, WarrantGranted, FeePaid, ContingentRight,
    EventRetracted, EventCorrected, SharesOutstanding, StockSplit, WarrantVested, WarrantExercised,
    WarrantCancelled, PreferredConverted, BalanceAssertion,
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
    # Recorded facts: an opening balance and a split come before the day's other changes, a
    # vesting before an exercise of the shares it vests, and a reported total after everything.
    SharesOutstanding.TYPE: 1,
    StockSplit.TYPE: 2,
    WarrantVested.TYPE: 60,
    WarrantExercised.TYPE: 61,
    WarrantCancelled.TYPE: 62,
    PreferredConverted.TYPE: 63,
    BalanceAssertion.TYPE: 99,
    # Corrections apply to their targets wherever they fall; they carry no state of their own.
    EventRetracted.TYPE: 100,
    EventCorrected.TYPE: 101,
}

assert set(DAY_RANK) == set(BY_TYPE), "every event type needs a same-day rank"


def event_class(type_name: str) -> type[Event]:
    try:
        return BY_TYPE[type_name]
    except KeyError:
        raise KeyError(f"unknown event type {type_name!r}") from None
