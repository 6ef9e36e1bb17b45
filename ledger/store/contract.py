"""The store contract: the few operations the rest of the library asks of a ledger.

Every engine (sqlite.py, postgres.py, memory.py) implements it and is held to one test suite
(tests/store/test_contract.py). Nothing outside ``ledger/store/`` imports an engine or writes SQL:
the library opens a store with ``ledger.store.open_store`` and talks to it through this.

Guarantees every engine gives:
- ``append`` writes one filing (its document, its stream row and its events) in one transaction:
  all of it or none of it, even under concurrent writers. A stream already there is
  ``DuplicateStream``.
- ``append_many`` writes several filings in one transaction, each of them whole or absent.
- ``seq`` is a global, gap-free recording order; each event's hash covers the one before it
  (ledger/store/chain.py). ``UNIQUE(stream, version)``.
- Rows are never updated or deleted; the engine refuses it below the library (triggers).
- A reader never sees half a filing.
- Engine errors reach callers as ``ledger.errors`` types, chosen by code, never by message text.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from events import Event
from events import BalanceAssertion, EventCorrected, EventRetracted
from events.envelope import Document, StoredEvent, StreamInfo
from ledger.store.mapping import ChainLink, EncodedEvent, EventRow
from ledger.store.snapshots import Snapshot

if TYPE_CHECKING:
    from ledger.store.base import NewFiling

# Bump when any engine's tables change, with a migration step for each engine that has one.
SCHEMA_VERSION = 6   # 4: chain v2 (ledger/store/chain.py) from a recorded seq; events_public dropped
# 5: events_type indexes only INDEXED_TYPES
# 6: SQLite only: views for browsing (ledger/store/sqlite_views.py); PostgreSQL's tables are unchanged

# The event types ``log(types=...)`` and ``read(types=...)`` look up among every row: corrections,
# retractions, balance assertions (ledger/corrections.py, ledger/check.py), a few among a million.
# Only these are indexed by type (schema 5): a full index on type cost every append a B-tree insert
# into the middle of its type's range. Constant text, the same in each engine's DDL and queries.
INDEXED_TYPES = tuple(sorted(cls.TYPE for cls in (BalanceAssertion, EventCorrected, EventRetracted)))
INDEXED_TYPES_SQL = "type IN (" + ", ".join(f"'{t}'" for t in INDEXED_TYPES) + ")"   # constants, not values


@runtime_checkable
class Store(Protocol):
    location: str                  # the path, or the URL without its password: for messages
    read_only: bool
    legacy_ids_through: int        # rows up to this seq carry schema-1 event ids (ledger/ids.py)
    chain_v2_from: int             # rows from this seq on hash chain v2's content (ledger/store/chain.py)
    migrated_from: int | None      # the schema this open upgraded, if it did
    backup_path: str | None        # where the ledger as it was before that upgrade is kept

    # -- writing -------------------------------------------------------------------------------
    def append(self, info: StreamInfo, events: Sequence[Event], document: Document | None = None,
               *, recorded_at: str | None = None) -> list[StoredEvent]:
        """One filing: document, stream row and events, all or nothing."""

    def append_encoded(self, info: StreamInfo, encoded: Sequence[EncodedEvent], document: Document | None = None,
                       *, recorded_at: str | None = None) -> list[StoredEvent]:
        """``append`` of events already encoded: a copy between engines keeps their stored bytes."""

    def append_many(self, filings: Sequence[NewFiling]) -> list[list[StoredEvent] | Exception]:
        """Several filings in one transaction (a batch ingest), each filing whole or absent: each
        one's stored events, or the error it alone failed with (``DuplicateStream``, also against an
        earlier filing of the batch; a bad event). A failure of the whole transaction is raised."""

    def set_chain_v2_from(self, seq: int) -> None:
        """Only on an empty ledger: rows from ``seq`` on hash chain v2, as in the ledger copied into it."""

    # -- reading -------------------------------------------------------------------------------
    def read(self, *, as_of: date | None = None, issuer_key: str | None = None, stream: str | None = None,
             known_at: date | None = None, types: Sequence[str] | None = None,
             after: date | None = None, after_seq: int | None = None) -> Iterator[StoredEvent]:
        """Replay order: effective date, same-day rank (events.DAY_RANK), seq. ``as_of`` and
        ``known_at`` include their day; an event with no public date counts as known. ``after``
        (a date) and ``after_seq`` exclude theirs: the tail a snapshot leaves to fold."""

    def log(self, *, stream: str | None = None, after_seq: int = 0,
            types: Sequence[str] | None = None) -> Iterator[StoredEvent]:
        """Recording order (seq), from after ``after_seq``."""

    def event(self, event_id: str) -> StoredEvent | None:
        """The event with this id, or the one a typed ``PREFIX-VERSION`` names (ledger/ids.py).
        None when nothing matches; ``AmbiguousEventId`` when several do."""

    def streams(self, *, issuer_key: str | None = None, stream: str | None = None, raw_sha256: str | None = None,
                form: str | None = None, report_date: date | None = None) -> Iterator[StreamInfo]:
        """Streams in recording order; ``form`` matches without regard to case."""

    def issuer_names(self, *, cik: str | None = None, issuer_key: str | None = None) -> Iterator[tuple[str, str]]:
        """Each (issuer key, issuer name) the streams carry, once, ordered by the last stream that
        carries it; with ``cik`` (digits), only streams whose CIK is that number, leading zeros
        aside; with ``issuer_key``, only that key's streams (an index lookup). Finds an issuer
        (--issuer) without decoding every stream."""

    def document(self, raw_sha256: str) -> Document | None:
        """A filing's stored text; ``DamagedDocument`` when its row is not what the store wrote."""

    def head(self) -> tuple[int, str]:
        """The last seq and its hash; (0, GENESIS) when empty. Publish it to anchor the chain."""

    def count(self) -> int:
        """How many events."""

    def rows(self, *, after_seq: int = 0) -> Iterator[EventRow]:
        """Stored rows as they are, in seq order, not decoded: for verification and copying."""

    def chain(self, *, after_seq: int = 0, through_seq: int | None = None) -> Iterator[ChainLink]:
        """What verify hashes, row by row in seq order, from after ``after_seq`` through
        ``through_seq`` (None: to the end), as ChainLinks or plain tuples in ChainLink's order; an
        engine may build each row's hashed bytes where the rows are (SQLite does, in SQL), else
        ``mapping.link_of`` of each row."""

    # -- snapshots: a cache of replay state, rebuilt from the events (ledger/store/snapshots.py) --
    def put_snapshots(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        """Replace the issuer's snapshots with these, the fold of its events up to ``covers_seq``,
        in one transaction; False (nothing written) if the issuer has a later event by then."""

    def snapshots(self, issuer_key: str, *, as_of: date | None = None) -> list[Snapshot]:
        """The issuer's snapshots dated on or before ``as_of`` (all when None), by date; none when
        the ledger has never kept any."""

    def close(self) -> None:
        """Release the connection."""
