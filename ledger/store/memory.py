"""An in-memory engine for tests: the contract with nothing underneath but Python lists.

It keeps rows encoded, exactly as the other engines store them, and decodes on read, so the
contract suite exercises the same mapping and chain. Appends are serialised by a lock.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from datetime import date

from events import DAY_RANK, Event
from events.envelope import Document, StoredEvent, StreamInfo
from ledger.errors import DuplicateStream, StoreError
from ledger.store.base import Appending, by_reference, last_seen
from ledger.store.chain import GENESIS
from ledger.store.snapshots import Snapshot
from ledger.store.mapping import (
    ChainLink, EncodedEvent, EventRow, link_of, chained_rows, iso, now, stored_events, to_stored,
)


class MemoryStore(Appending):
    location = "memory:"
    read_only = False
    legacy_ids_through = 0
    chain_v2_from = 1
    migrated_from = None
    backup_path = None

    def __init__(self) -> None:
        self._rows: list[EventRow] = []
        self._streams: dict[str, StreamInfo] = {}
        self._documents: dict[str, Document] = {}
        self._snapshots: dict[str, list[Snapshot]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:   # as the other engines do once their connection is gone
            raise StoreError(f"{self.location}: the ledger was closed; open it again")

    # -- writing -------------------------------------------------------------------------------

    def _write_filing(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                      recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        self._check_open()
        with self._lock:
            if info.stream in self._streams:
                raise DuplicateStream(info.stream)
            rows = chained_rows(info, encoded, head=self.head(), recorded_at=recorded_at or now(),
                                v2_from=self.chain_v2_from)
            stored = stored_events(rows, events)   # rows from elsewhere are decoded before they are kept
            self._rows.extend(rows)
            self._streams[info.stream] = info
            if document is not None:
                self._documents.setdefault(document.raw_sha256, document)
        return stored

    def _set_chain_v2_from(self, seq: int) -> None:
        self._check_open()

    # -- reading -------------------------------------------------------------------------------

    def read(self, *, as_of: date | None = None, issuer_key: str | None = None, stream: str | None = None,
             known_at: date | None = None, types: Sequence[str] | None = None,
             after: date | None = None, after_seq: int | None = None) -> Iterator[StoredEvent]:
        self._check_open()
        as_of_text, known_text, after_text = iso(as_of), iso(known_at), iso(after)
        chosen = [r for r in self._rows[:]
                  if (as_of_text is None or r.effective_date <= as_of_text)
                  and (issuer_key is None or r.issuer_key == issuer_key)
                  and (stream is None or r.stream == stream)
                  and (known_text is None or r.public_date is None or r.public_date <= known_text)
                  and (types is None or r.type in types)
                  and (after_text is None or r.effective_date > after_text)
                  and (after_seq is None or r.seq > after_seq)]
        chosen.sort(key=lambda r: (r.effective_date, DAY_RANK.get(r.type, -1), r.seq))
        return (to_stored(r) for r in chosen)

    def log(self, *, stream: str | None = None, after_seq: int = 0,
            types: Sequence[str] | None = None) -> Iterator[StoredEvent]:
        self._check_open()
        return (to_stored(r) for r in self._rows[after_seq:]
                if (stream is None or r.stream == stream) and (types is None or r.type in types))

    def put_snapshots(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        self._check_open()
        with self._lock:
            if any(r.issuer_key == issuer_key for r in self._rows[covers_seq:]):
                return False
            self._snapshots[issuer_key] = sorted(snapshots, key=lambda x: x.as_of)
            return True

    def snapshots(self, issuer_key: str, *, as_of: date | None = None) -> list[Snapshot]:
        self._check_open()
        return [s for s in self._snapshots.get(issuer_key, ()) if as_of is None or s.as_of <= as_of]

    def event(self, event_id: str) -> StoredEvent | None:
        self._check_open()
        row = next((r for r in self._rows if r.event_id == event_id), None) or by_reference(
            event_id, lambda ref: [r for r in self._rows if r.version == ref.version and r.event_id.startswith(ref.prefix)])
        return None if row is None else to_stored(row)

    def streams(self, *, issuer_key: str | None = None, stream: str | None = None, raw_sha256: str | None = None,
                form: str | None = None, report_date: date | None = None) -> Iterator[StreamInfo]:
        self._check_open()
        return (i for i in list(self._streams.values())
                if (issuer_key is None or i.issuer_key == issuer_key) and (stream is None or i.stream == stream)
                and (raw_sha256 is None or i.raw_sha256 == raw_sha256)
                and (form is None or i.form.upper() == form.upper())
                and (report_date is None or i.report_date == report_date))

    def issuer_names(self, *, cik: str | None = None, issuer_key: str | None = None) -> Iterator[tuple[str, str]]:
        self._check_open()
        return last_seen((i.issuer_key, i.issuer.name) for i in list(self._streams.values())
                         if (issuer_key is None or i.issuer_key == issuer_key)
                         and (cik is None or (i.issuer.cik and i.issuer.cik.lstrip("0") == cik.lstrip("0"))))

    def document(self, raw_sha256: str) -> Document | None:
        self._check_open()
        return self._documents.get(raw_sha256)

    def head(self) -> tuple[int, str]:
        self._check_open()
        return (self._rows[-1].seq, self._rows[-1].hash) if self._rows else (0, GENESIS)

    def count(self) -> int:
        self._check_open()
        return len(self._rows)

    def chain(self, *, after_seq: int = 0, through_seq: int | None = None) -> Iterator[ChainLink]:
        self._check_open()
        rows = self.rows(after_seq=after_seq)
        if through_seq is not None:
            rows = itertools.takewhile(lambda row: row.seq <= through_seq, rows)
        return (link_of(row, self.chain_v2_from) for row in rows)

    def rows(self, *, after_seq: int = 0) -> Iterator[EventRow]:
        self._check_open()
        return iter(self._rows[after_seq:])
