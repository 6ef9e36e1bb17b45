"""The event vocabulary of the deal ledger: a closed list of frozen, dated, sourced records."""
from events.basis import Basis, FeeRole, QuantityBasis, RightKind, WarrantKind
from events.codec import from_json, from_payload, to_json, to_payload, upcaster
from events.provenance import Provenance, Quote
from events.records import (
    CommonIssued, ContingentRight, ConversionTerms, Event, FeePaid, FilingRecorded, Issuer,
    NoteIssued, PreferredIssued, QuantityFormula, WarrantGranted,
)
from events.registry import ALL_EVENTS, BY_TYPE, DAY_RANK, event_class

__all__ = [
    "ALL_EVENTS", "BY_TYPE", "DAY_RANK", "Basis", "CommonIssued", "ContingentRight", "ConversionTerms",
    "Event", "FeePaid", "FeeRole", "FilingRecorded", "Issuer", "NoteIssued", "PreferredIssued", "Provenance",
    "QuantityBasis", "QuantityFormula", "Quote", "RightKind", "WarrantGranted", "WarrantKind",
    "event_class", "from_json", "from_payload", "to_json", "to_payload", "upcaster",
]
