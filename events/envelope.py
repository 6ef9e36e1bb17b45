"""What a store hands back: an event with its place in the ledger, a filing's stream, its text.

These live beside the vocabulary (no I/O) so that projections fold stored events without
importing the store, and every store engine builds the same records.
"""
from __future__ import annotations

from datetime import date

import attrs

from events.records import Event, Issuer


@attrs.frozen
class StreamInfo:
    """One filing's stream: who it is about and where it came from."""

    stream: str                  # "accession:<number>", else "sha256:<normalised text hash>"
    issuer_key: str              # CIK when known, else normalised name + file number
    issuer: Issuer
    form: str
    public_date: date | None     # FILED AS OF DATE, else the signature date
    source_name: str
    raw_sha256: str
    # Read by the store from the stream's filing event (upcast) when it appends: what amendment
    # matching filters on, as columns.
    report_date: date | None = None
    amends: str | None = None    # an 8-K/A: the stream of the filing it amends, when matched


@attrs.frozen
class Document:
    """The filing's text, kept so any quote can be shown in context when the file is gone."""

    raw_sha256: str
    source_name: str
    raw: bytes
    normalised: str


@attrs.frozen
class StoredEvent:
    seq: int
    event_id: str
    stream: str
    version: int
    issuer_key: str
    type: str
    schema_version: int
    effective_date: date
    public_date: date | None
    recorded_at: str
    quote: str
    prev_hash: str
    hash: str
    event: Event
