"""The events export: every event in recording order, a row each, with its chain hash."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from events import to_json
from events.envelope import StoredEvent
from ledger.export.writers import RawJson

EVENT_COLUMNS = (
    "seq", "event_id", "stream", "version", "issuer", "type", "effective_date", "public_date", "recorded_at",
    "payload", "quote", "hash",
)


def event_rows(events: Iterable[StoredEvent], names: Mapping[str, str]) -> Iterator[tuple]:
    """A row per stored event, as it comes. ``names``: issuer key -> name (a key it lacks is shown
    as itself). The payload is the event's canonical JSON, the text the ledger stores and hashes
    (an event stored under an older schema as this release reads it); the quote is the source
    sentence `ledger events` shows."""
    for e in events:
        yield (e.seq, e.event_id, e.stream, e.version, names.get(e.issuer_key, e.issuer_key), e.type,
               e.effective_date, e.public_date, e.recorded_at, RawJson(to_json(e.event)), e.quote, e.hash)
