"""What every engine does the same way around its own transaction: encoding a filing's events,
reading its filing facts, and resolving a typed event reference. An engine supplies
``_write_filing`` (one filing, one transaction, with its own locking and retries)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from events import Event
from events.envelope import Document, StoredEvent, StreamInfo
from ledger import ids
from ledger.errors import AmbiguousEventId
from ledger.store.mapping import EncodedEvent, encode, ensure_events, now, with_filing_facts


class Appending:
    def append(self, info: StreamInfo, events: Sequence[Event], document: Document | None = None,
               *, recorded_at: str | None = None) -> list[StoredEvent]:
        ensure_events(info, events)
        encoded = [encode(e) for e in events]   # before any lock: a bad event writes nothing
        return self._append(info, encoded, document, recorded_at, list(events))

    def append_encoded(self, info: StreamInfo, encoded: Sequence[EncodedEvent], document: Document | None = None,
                       *, recorded_at: str | None = None) -> list[StoredEvent]:
        return self._append(info, list(encoded), document, recorded_at, None)

    def _append(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                recorded_at: str | None, events: list[Event] | None) -> list[StoredEvent]:
        ensure_events(info, encoded)
        return self._write_filing(with_filing_facts(info, encoded, events), encoded, document,
                                  recorded_at or now(), events)

    def _write_filing(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                      recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        raise NotImplementedError


def by_reference(event_id: str, candidates: Callable[[ids.IdRef], Iterable[Mapping]]) -> Mapping | None:
    """The one row a typed ``PREFIX-VERSION`` names: ``candidates(ref)`` gives the rows of that
    version whose id starts with the prefix; the prefix must also start the stream's identifier.
    None when nothing matches (or the text is no reference); AmbiguousEventId when several do."""
    ref = ids.parse_ref(event_id)
    if ref is None:
        return None
    rows = [r for r in candidates(ref) if ids.stream_tail(r["stream"]).startswith(ref.prefix)]
    if len(rows) > 1:
        raise AmbiguousEventId(event_id, [r["event_id"] for r in rows])
    return rows[0] if rows else None


def last_seen(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Each pair once, at the place of its last occurrence (``Store.issuer_names``' order)."""
    last: dict[tuple[str, str], None] = {}
    for pair in pairs:
        last.pop(pair, None)
        last[pair] = None
    return iter(last)
