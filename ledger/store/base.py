"""What every engine does the same way around its own transaction: encoding a filing's events,
reading its filing facts, and resolving a typed event reference. An engine supplies
``_write_filing`` (one filing, one transaction, with its own locking and retries) and may supply
``_write_filings`` (several filings, one transaction, each filing whole or absent)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from events import Event
from events.envelope import Document, StoredEvent, StreamInfo
from ledger import ids
from ledger.errors import AmbiguousEventId, DuplicateStream, LedgerError, StoreError
from ledger.store.mapping import EncodedEvent, UnreadableEvent, encode, ensure_events, now, with_filing_facts


class NewFiling(NamedTuple):
    """One filing for ``append_many``: what ``append`` takes."""

    info: StreamInfo
    events: Sequence[Event]
    document: Document | None = None
    recorded_at: str | None = None


class Prepared(NamedTuple):
    """A filing encoded and ready for an engine's transaction; ``index`` is its place in the batch."""

    index: int
    info: StreamInfo
    encoded: list[EncodedEvent]
    document: Document | None
    recorded_at: str
    events: list[Event] | None


# What one filing of a batch may fail with, alone: the rest of the batch is still written.
FilingFailure = (LedgerError, ValueError, TypeError)


class Appending:
    def append(self, info: StreamInfo, events: Sequence[Event], document: Document | None = None,
               *, recorded_at: str | None = None) -> list[StoredEvent]:
        ensure_events(info, events)
        encoded = [encode(e) for e in events]   # before any lock: a bad event writes nothing
        return self._append(info, encoded, document, recorded_at, list(events))

    def append_encoded(self, info: StreamInfo, encoded: Sequence[EncodedEvent], document: Document | None = None,
                       *, recorded_at: str | None = None) -> list[StoredEvent]:
        return self._append(info, list(encoded), document, recorded_at, None)

    def append_many(self, filings: Sequence[NewFiling]) -> list[list[StoredEvent] | Exception]:
        """Each filing's stored events, or what it failed with, in the batch's order. The filings that
        did not fail are written in one transaction, each whole (a SIGKILL leaves all of them or none);
        a filing that fails (a bad event, a stream already recorded, by an earlier filing of this
        batch too) is left out alone. An error of the whole transaction (a busy lock, a full disk)
        is raised, with nothing of the batch written."""
        results: list = [None] * len(filings)
        prepared = []
        for i, (info, events, document, recorded_at) in enumerate(NewFiling(*f) for f in filings):
            try:
                ensure_events(info, events)
                encoded = [encode(e) for e in events]
                events = list(events)
                prepared.append(Prepared(i, with_filing_facts(info, encoded, events), encoded, document,
                                         recorded_at or now(), events))
            except FilingFailure as e:
                results[i] = e
        for index, outcome in self._write_filings(prepared):
            results[index] = outcome
        return results

    def set_chain_v2_from(self, seq: int) -> None:
        """Only on an empty ledger: hash rows from ``seq`` on with chain v2 (ledger/store/chain.py),
        as the ledger being copied into it does."""
        if seq < 1:
            raise ValueError(f"chain v2 starts at a seq of 1 or more, not {seq}")
        if self.head()[0]:
            raise StoreError(f"{self.location}: the chain version of a ledger that holds events cannot change")
        self._set_chain_v2_from(seq)
        self.chain_v2_from = seq

    def _set_chain_v2_from(self, seq: int) -> None:
        raise NotImplementedError

    def _append(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                recorded_at: str | None, events: list[Event] | None) -> list[StoredEvent]:
        ensure_events(info, encoded)
        return self._write_filing(with_filing_facts(info, encoded, events), encoded, document,
                                  recorded_at or now(), events)

    def _write_filing(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                      recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        raise NotImplementedError

    def _write_filings(self, prepared: list[Prepared]) -> list[tuple[int, list[StoredEvent] | Exception]]:
        """One transaction per filing, for an engine without a batched one (memory.py)."""
        out = []
        for p in prepared:
            try:
                out.append((p.index, self._write_filing(p.info, p.encoded, p.document, p.recorded_at, p.events)))
            except (DuplicateStream, UnreadableEvent) as e:
                out.append((p.index, e))
        return out


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
