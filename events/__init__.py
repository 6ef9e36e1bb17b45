"""The event vocabulary of the deal ledger: a closed list of frozen, dated, sourced records."""
from events.basis import Basis, ConsiderationKind, FeeRole, QuantityBasis, RightKind, WarrantKind
from events.codec import from_json, from_payload, to_json, to_payload, upcaster
from events.provenance import Provenance, Quote
from events.records import (
    BalanceAssertion, CommonIssued, ContingentRight, ConversionTerms, Event, EventCorrected, EventRetracted,
    FeePaid, FieldChange, FilingRecorded, Issuer, NoteIssued, PreferredConverted, PreferredIssued,
    QuantityFormula, SharesOutstanding, StockSplit, WarrantCancelled, WarrantExercised, WarrantGranted,
    WarrantVested,
)
from events.registry import ALL_EVENTS, BY_TYPE, DAY_RANK, event_class
from events import upcasters  # noqa: F401 - registers the steps from older schema versions

__all__ = [
    "BalanceAssertion", "EventCorrected", "EventRetracted", "FieldChange", "PreferredConverted",
    "SharesOutstanding", "StockSplit", "WarrantCancelled", "WarrantExercised", "WarrantVested",
    "ALL_EVENTS", "BY_TYPE", "DAY_RANK", "Basis", "CommonIssued", "ConsiderationKind", "ContingentRight", "ConversionTerms",
    "Event", "FeePaid", "FeeRole", "FilingRecorded", "Issuer", "NoteIssued", "PreferredIssued", "Provenance",
    "QuantityBasis", "QuantityFormula", "Quote", "RightKind", "WarrantGranted", "WarrantKind",
    "event_class", "from_json", "from_payload", "to_json", "to_payload", "upcaster",
]
