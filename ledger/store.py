"""The event store: filing streams appended to a hash-chained, append-only SQLite ledger.

Every public method translates sqlite3 errors, by their result codes, into ``ledger.errors`` types.

Concurrency: the file is in WAL mode. A writer takes the write lock with BEGIN IMMEDIATE, waits up
to ``busy_timeout`` for it on each try, and tries ``write_attempts`` times with growing, jittered
pauses before it gives up with ``LedgerBusy`` (nothing written). Readers open the file read-only;
in WAL mode they neither block writers nor wait for them, and see only whole filings.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

import attrs
import cattrs
from sqlite_utils import Database

from events import BY_TYPE, DAY_RANK, Event, Issuer, from_json, to_json
from ledger import ids
from ledger.chain import GENESIS, row_hash
from ledger.errors import (
    AmbiguousEventId, AppendOnlyViolation, DuplicateStream, LedgerBusy, LedgerNotFound, StoreError,
)
from ledger.migrations import migrate
from ledger.schema import DDL, SCHEMA_VERSION, TEMP_EVENT_TYPES
from ledger.stored import Document, StoredEvent, StreamInfo
from ledger.text.normalise import identity as text_identity

EVENT_COLUMNS = (
    "e.seq, e.event_id, e.stream, e.version, e.issuer_key, e.type, e.schema_version, "
    "e.effective_date, e.public_date, e.recorded_at, e.payload, e.quote, e.prev_hash, e.hash"
)

INSERT_EVENT = """
    INSERT INTO events (seq, event_id, stream, version, issuer_key, type, schema_version,
                        effective_date, public_date, recorded_at, payload, quote, prev_hash, hash)
    VALUES (:seq, :event_id, :stream, :version, :issuer_key, :type, :schema_version,
            :effective_date, :public_date, :recorded_at, :payload, :quote, :prev_hash, :hash)
"""

INSERT_STREAM = """
    INSERT INTO streams (stream, issuer_key, issuer_name, cik, file_number, form, public_date,
                         source_name, raw_sha256, recorded_at)
    VALUES (:stream, :issuer_key, :issuer_name, :cik, :file_number, :form, :public_date,
            :source_name, :raw_sha256, :recorded_at)
"""

INSERT_DOCUMENT = """
    INSERT OR IGNORE INTO documents (raw_sha256, source_name, raw, normalised)
    VALUES (:raw_sha256, :source_name, :raw, :normalised)
"""

# SQLite primary result codes (the low byte of an extended code), from sqlite3.h.
SQLITE_CONSTRAINT, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 19, 5, 6, 8
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_IOERR = 11, 13, 14, 26, 10
SQLITE_CONSTRAINT_TRIGGER = SQLITE_CONSTRAINT | (7 << 8)   # RAISE(ABORT) in the append-only triggers


def _code(e: sqlite3.Error) -> int:
    return getattr(e, "sqlite_errorcode", None) or 0


def _busy(e: BaseException) -> bool:
    return isinstance(e, sqlite3.OperationalError) and _code(e) & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


_PLAIN = {
    SQLITE_READONLY: "cannot write: the database file or its folder is read-only",
    SQLITE_NOTADB: "not a ledger database (not a SQLite file)",
    SQLITE_CORRUPT: "the database file is damaged (SQLite reports corruption)",
    SQLITE_FULL: "the disk is full; nothing was written",
    SQLITE_CANTOPEN: "cannot open the database file (missing folder or no permission)",
    SQLITE_IOERR: "the disk failed to read or write the database",
}


def translate(path: str, e: sqlite3.Error) -> StoreError:
    """One plain sentence for a driver error, chosen by its result code, never by its text."""
    code = _code(e)
    primary = code & 0xFF
    if code == SQLITE_CONSTRAINT_TRIGGER:
        return AppendOnlyViolation(f"{path}: {e}")  # our own trigger's message: it names the table
    if primary == SQLITE_CONSTRAINT:
        return StoreError(f"{path}: the ledger refused a row that breaks one of its constraints "
                          f"({e.sqlite_errorname}); nothing was written")
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return LedgerBusy(f"{path}: the ledger is locked by another writer; nothing was written")
    if primary in _PLAIN:
        return StoreError(f"{path}: {_PLAIN[primary]}")
    name = getattr(e, "sqlite_errorname", None) or type(e).__name__
    return StoreError(f"{path}: the database failed ({name})")


@attrs.frozen
class VerifyReport:
    """Result of ``EventStore.verify``: ``checked`` counts the rows found good before any bad one."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str | None = None
    # True when the chain is intact but does not extend the checkpoint given to verify_against:
    # ``problem`` is then a whole sentence and ``bad_seq`` the checkpoint's seq.
    against_checkpoint: bool = False
    documents: int = 0               # stored filing texts checked against their filing events


class UnreadableEvent(StoreError, ValueError):
    """A stored event this program cannot decode: a schema version newer than it knows, an old one
    with no upcaster, or an unknown type. The row is left as it is; upgrade the program to read it."""


class DamagedDocument(StoreError):
    """A stored filing text whose row is not what the store wrote (wrong type, or bytes changed)."""


class EncodedEvent(NamedTuple):
    """An event as it is written. Internal: lets a test store an older schema version."""

    type: str
    schema_version: int
    effective_date: str
    payload: str
    quote: str


def read_sql(*, as_of: date | None = None, issuer_key: str | None = None,
             stream: str | None = None, known_at: date | None = None) -> tuple[str, dict]:
    """The replay query. The WHERE clause is assembled from constant fragments only, so each
    filter stays sargable for its index (no `:x IS NULL OR ...`); values are always parameters."""
    if isinstance(as_of, datetime):  # a datetime's ISO text would sort after its own date
        as_of = as_of.date()
    params = {"as_of": _iso(as_of), "issuer_key": issuer_key, "stream": stream, "known_at": _iso(known_at)}
    clauses = {
        "as_of": "e.effective_date <= :as_of",
        "issuer_key": "e.issuer_key = :issuer_key",
        "stream": "e.stream = :stream",
        # Knowledge time: left out before decoding, which is most of a replay's cost.
        "known_at": "(e.public_date IS NULL OR e.public_date <= :known_at)",
    }
    used = [clauses[name] for name, value in params.items() if value is not None]
    where = f"WHERE {' AND '.join(used)}" if used else ""
    sql = (f"SELECT {EVENT_COLUMNS} FROM events AS e "
           # LEFT JOIN: an unknown type must fail loudly on decode, not vanish from replay.
           f"LEFT JOIN event_types AS t ON t.type = e.type {where} "
           "ORDER BY e.effective_date, t.day_rank, e.seq")
    return sql, params


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _connect(name: str, *, read_only: bool, timeout: float) -> sqlite3.Connection:
    if read_only:
        uri = "file:" + urllib.parse.quote(str(Path(name).resolve())) + "?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    return sqlite3.connect(name, timeout=timeout)


class EventStore:
    # Each try waits this long for the write lock; then a pause, growing, before the next try.
    busy_timeout = 5.0
    write_attempts = 5
    backoff = 0.2

    def __init__(self, db: Database, path: str, *, read_only: bool = False):
        self.db = db  # public for inspection and tests; writes go through append()
        self.path = path
        self.read_only = read_only
        self.legacy_ids_through = 0   # rows up to this seq carry schema-1 ids
        self.migrated_from: int | None = None   # the schema this open upgraded, if it did
        self.backup_path: str | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False, read_only: bool = False) -> EventStore:
        """Open (or with ``create``, make) a ledger. ``read_only`` opens it as a reader: no lock
        taken, nothing written; a ledger of an older schema is first upgraded by a writer."""
        name = os.fspath(path)
        memory = name == ":memory:"
        if not memory and not os.path.exists(name) and not create:
            raise LedgerNotFound(name)
        if memory or not read_only:
            return cls._opened(name, create=create or memory, read_only=False)
        store = cls._opened(name, create=False, read_only=True)
        found = store._found_version()
        if found == SCHEMA_VERSION:
            return store
        store.close()   # an older ledger: upgrade it as a writer, then read it
        try:
            upgraded = cls._opened(name, create=False, read_only=False)
        except StoreError as e:
            raise StoreError(f"{name}: this ledger has schema {found} and must be upgraded to schema "
                             f"{SCHEMA_VERSION} before this release can read it, which failed: {e}") from e
        upgraded.close()
        store = cls._opened(name, create=False, read_only=True)
        store.migrated_from, store.backup_path = upgraded.migrated_from, upgraded.backup_path
        return store

    @classmethod
    def _opened(cls, name: str, *, create: bool, read_only: bool) -> EventStore:
        try:
            conn = _connect(name, read_only=read_only, timeout=cls.busy_timeout)
        except sqlite3.Error as e:
            raise translate(name, e) from None
        store = cls(Database(conn), name, read_only=read_only)
        try:
            with store._errors():
                if read_only:
                    store._found_version()
                else:
                    store._open_for_writing(create=create, memory=name == ":memory:")
                store.legacy_ids_through = int(store._meta("legacy_event_ids_through") or 0)
                store._day_ranks()
        except BaseException:
            conn.close()
            raise
        return store

    def _tables(self) -> set[str]:
        return {r["name"] for r in self.db.query(
            "SELECT name FROM sqlite_master WHERE type = :type", {"type": "table"})}

    def _meta(self, key: str) -> str | None:
        row = next(self.db.query("SELECT value FROM meta WHERE key = :key", {"key": key}), None)
        return None if row is None else row["value"]

    def _found_version(self) -> int:
        """The file's schema version; refuses a file that is not a ledger, or is too new."""
        if not {"meta", "events"} <= self._tables():
            raise StoreError(f"{self.path}: not a ledger database (it has no ledger tables)")
        value = self._meta("schema_version")
        if value is None or not value.isdigit():
            raise StoreError(f"{self.path}: not a ledger database (no schema version in its meta table)")
        found = int(value)
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: this ledger was written by a newer release (schema {found}); "
                             f"this program reads schema {SCHEMA_VERSION} and older: upgrade deal-ledger")
        return found

    def _open_for_writing(self, *, create: bool, memory: bool) -> None:
        """A current ledger is only read here: the write lock is taken only to create or upgrade
        one, so opening never waits for another writer's transaction."""
        tables = self._tables()
        current = bool(tables) and self._found_version() == SCHEMA_VERSION
        if not current:
            self._retrying(lambda: self._prepare(create=create))
        if not memory and next(self.db.query("PRAGMA journal_mode"))["journal_mode"].lower() != "wal":
            # Persistent in the file: readers then never block writers, nor writers readers.
            self._retrying(lambda: self.db.execute("PRAGMA journal_mode = WAL"))

    def _prepare(self, *, create: bool) -> None:
        """Inside the write lock: make an empty ledger, or upgrade an older one after a backup."""
        with self._write_transaction():
            tables = self._tables()
            if not tables and create:
                for statement in DDL:
                    self.db.execute(statement)
                self.db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                {"key": "schema_version", "value": str(SCHEMA_VERSION)})
                self.db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                {"key": "legacy_event_ids_through", "value": "0"})
            elif not tables:
                raise StoreError(f"{self.path}: not a ledger database (an empty SQLite file)")
            found = self._found_version()
            if found < SCHEMA_VERSION:
                self.backup_path = self._backup(found)
                migrate(self.db.conn, found)
                self.migrated_from = found

    def _backup(self, found: int) -> str:
        """Copy the ledger as it is beside the file. We hold the write lock, so nobody changes it
        meanwhile (readers may go on). Out of WAL mode the file alone is the ledger, copied byte
        for byte; in WAL mode SQLite's backup copies the file with its log."""
        target = f"{self.path}.schema-{found}.bak"
        n = 1
        while os.path.exists(target):
            n += 1
            target = f"{self.path}.schema-{found}.{n}.bak"
        mode = next(self.db.query("PRAGMA journal_mode"))["journal_mode"]
        if mode.lower() != "wal":
            shutil.copyfile(self.path, target)
            return target
        source, copy = sqlite3.connect(self.path), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target

    def _day_ranks(self) -> None:
        self.db.execute(TEMP_EVENT_TYPES)
        self.db.conn.executemany("INSERT OR REPLACE INTO temp.event_types (type, day_rank) VALUES (?, ?)",
                                 sorted(DAY_RANK.items()))
        if self.db.conn.in_transaction:
            self.db.conn.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self):
        """Translate driver errors into ledger errors (raw sqlite3 exceptions never escape)."""
        try:
            yield
        except UnreadableEvent as e:  # raised by _decode, which does not know the path
            raise UnreadableEvent(f"{self.path}: {e}") from e.__cause__
        except sqlite3.Error as e:
            raise translate(self.path, e) from e

    @contextlib.contextmanager
    def _write_transaction(self):
        """BEGIN IMMEDIATE: the write lock first, so no other writer can interleave; all or nothing."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; nothing can be written")
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        conn.execute("COMMIT")

    def _retrying(self, work):
        """Run ``work`` (one whole transaction) again while the lock is held elsewhere, with
        growing, jittered pauses; after ``write_attempts`` tries, LedgerBusy (nothing written)."""
        started = time.monotonic()
        for attempt in range(1, self.write_attempts + 1):
            try:
                return work()
            except (sqlite3.OperationalError, LedgerBusy) as e:
                if not (isinstance(e, LedgerBusy) or _busy(e)):
                    raise
                if self.db.conn.in_transaction:
                    self.db.conn.rollback()
                if attempt == self.write_attempts:
                    raise LedgerBusy(
                        f"{self.path}: the ledger stayed locked by another writer for "
                        f"{time.monotonic() - started:.0f} s over {attempt} tries; nothing was written "
                        "(run again to pick it up)") from None
                time.sleep(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    # -- writing -----------------------------------------------------------------------------

    def append(self, info: StreamInfo, events: Sequence[Event], document: Document | None = None,
               *, recorded_at: str | None = None) -> list[StoredEvent]:
        """Record one filing's stream: document, stream row and events, all or nothing."""
        if not events:
            raise ValueError(f"{info.stream}: a stream needs at least one event")
        encoded = [self._encode(e) for e in events]   # before the lock: a bad event writes nothing
        return self._append_encoded(info, encoded, document, recorded_at)

    @staticmethod
    def _encode(event: Event) -> EncodedEvent:
        cls = type(event)
        if BY_TYPE.get(cls.TYPE) is not cls:  # what cannot be read back must not be written
            raise ValueError(f"{cls.__name__} is not a registered event type")
        return EncodedEvent(cls.TYPE, cls.SCHEMA_VERSION, event.effective_date.isoformat(),
                            to_json(event), event.provenance.sentence)

    def _append_encoded(self, info: StreamInfo, encoded: Iterable[EncodedEvent],
                        document: Document | None, recorded_at: str | None) -> list[StoredEvent]:
        encoded = list(encoded)   # a retry after a busy lock writes them again
        if not encoded:
            raise ValueError(f"{info.stream}: a stream needs at least one event")
        recorded_at = recorded_at or _now()
        with self._errors():
            return self._retrying(lambda: self._append_once(info, encoded, document, recorded_at))

    def _append_once(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                     recorded_at: str) -> list[StoredEvent]:
        public_date = _iso(info.public_date)
        stored: list[StoredEvent] = []
        with self._write_transaction():
            # We hold the write lock: no other writer can record this stream or take a seq until
            # we commit, so these reads and our inserts are one step.
            if self.has_stream(info.stream):
                raise DuplicateStream(info.stream)
            if document is not None:
                self.db.execute(INSERT_DOCUMENT, attrs.asdict(document))
            self.db.execute(INSERT_STREAM, {
                "stream": info.stream, "issuer_key": info.issuer_key,
                "issuer_name": info.issuer.name, "cik": info.issuer.cik,
                "file_number": info.issuer.file_number, "form": info.form,
                "public_date": public_date, "source_name": info.source_name,
                "raw_sha256": info.raw_sha256, "recorded_at": recorded_at,
            })
            seq, prev = self.head()
            for version, enc in enumerate(encoded, start=1):
                seq += 1
                row = {
                    "seq": seq, "event_id": ids.event_id(info.stream, version), "stream": info.stream,
                    "version": version, "issuer_key": info.issuer_key, "type": enc.type,
                    "schema_version": enc.schema_version, "effective_date": enc.effective_date,
                    "public_date": public_date, "recorded_at": recorded_at,
                    "payload": enc.payload, "quote": enc.quote, "prev_hash": prev,
                }
                row["hash"] = prev = row_hash(prev, row)
                self.db.execute(INSERT_EVENT, row)
                stored.append(self._stored(row))  # decoded before commit: unreadable => not written
        return stored

    # -- reading -----------------------------------------------------------------------------

    def has_stream(self, stream: str) -> bool:
        with self._errors():
            return next(self.db.query("SELECT 1 AS found FROM streams WHERE stream = :stream",
                                      {"stream": stream}), None) is not None

    def stream_source(self, stream: str) -> str | None:
        """The raw sha256 of the file a stream was read from; None when the stream is not here."""
        with self._errors():
            row = next(self.db.query("SELECT raw_sha256 FROM streams WHERE stream = :stream", {"stream": stream}), None)
        return row["raw_sha256"] if row else None

    def stream_of_raw(self, raw_sha256: str) -> str | None:
        """The first stream recorded from a file with exactly these bytes, if any."""
        with self._errors():
            row = next(self.db.query("SELECT stream FROM streams WHERE raw_sha256 = :raw ORDER BY rowid LIMIT 1",
                                     {"raw": raw_sha256}), None)
        return row["stream"] if row else None

    def event(self, event_id: str) -> StoredEvent | None:
        """The event with this id, or the one event a typed ``PREFIX-VERSION`` names (a prefix of
        its stream's accession number or hash, as tables shortens them). None when nothing
        matches; ``AmbiguousEventId`` when several do."""
        with self._errors():
            row = next(self.db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id = :id",
                                     {"id": event_id}), None)
            if row is not None:
                return self._stored(row)
            ref = ids.parse_ref(event_id)
            if ref is None:
                return None
            # A range over the unique index on event_id: every id that starts with the prefix.
            rows = [r for r in self.db.query(
                f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id >= :lo AND e.event_id < :hi "
                "AND e.version = :version ORDER BY e.seq",
                {"lo": ref.prefix, "hi": ref.prefix + "\U0010ffff", "version": ref.version})
                if ids.stream_tail(r["stream"]).startswith(ref.prefix)]
        if len(rows) > 1:
            raise AmbiguousEventId(event_id, [r["event_id"] for r in rows])
        return self._stored(rows[0]) if rows else None

    def filings_reported_on(self, issuer_key: str, form: str, report_date: date) -> list[str]:
        """Streams of one issuer's filings of a form with a date of report, read from the stored
        JSON without decoding events (amendment matching runs on every replay)."""
        # From the issuer's few streams (streams_issuer) to each one's version 1, its filing, by
        # UNIQUE(stream, version): never a scan of all filings. CROSS JOIN fixes that loop order
        # in SQLite, and the unary + keeps the planner off the events_type index.
        sql = ("SELECT s.stream FROM streams AS s CROSS JOIN events AS e ON e.stream = s.stream AND e.version = 1 "
               "WHERE s.issuer_key = :issuer_key AND upper(s.form) = :form AND +e.type = 'filing_recorded' "
               "AND json_extract(e.payload, '$.report_date') = :report_date ORDER BY e.seq")
        with self._errors():
            return [r["stream"] for r in self.db.query(
                sql, {"issuer_key": issuer_key, "form": form.upper(), "report_date": report_date.isoformat()})]

    def stream_fields(self, stream: str, *paths: str) -> list[tuple]:
        """Some JSON fields ("$.amends") of a stream's events, in version order, without decoding
        the events. Values come back as SQLite's JSON functions give them (arrays as JSON text)."""
        columns = ", ".join(f"json_extract(e.payload, :p{i}) AS f{i}" for i in range(len(paths)))
        params = {f"p{i}": path for i, path in enumerate(paths)} | {"stream": stream}
        with self._errors():
            rows = self.db.execute(f"SELECT e.type, {columns} FROM events AS e WHERE e.stream = :stream "
                                   "ORDER BY e.version", params).fetchall()
        return [tuple(r) for r in rows]

    def of_type(self, type_name: str) -> Iterator[StoredEvent]:
        """Every event of one type, in recording order, through the type index (corrections and
        balance assertions are few among many)."""
        with self._errors():
            for row in self.db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.type = :type ORDER BY e.seq",
                                     {"type": type_name}):
                yield self._stored(row)

    def read(self, *, as_of: date | None = None, issuer_key: str | None = None,
             stream: str | None = None, known_at: date | None = None) -> Iterator[StoredEvent]:
        """Replay order: effective date, same-day rank, seq. ``as_of`` and ``known_at`` are inclusive;
        an event with no public date counts as known."""
        sql, params = read_sql(as_of=as_of, issuer_key=issuer_key, stream=stream, known_at=known_at)
        with self._errors():
            for row in self.db.query(sql, params):  # streamed from the cursor
                yield self._stored(row)

    def log(self, *, stream: str | None = None, after_seq: int = 0) -> Iterator[StoredEvent]:
        """Recording order (seq), from after ``after_seq``."""
        sql = f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.seq > :after_seq"
        if stream is not None:
            sql += " AND e.stream = :stream"
        with self._errors():
            for row in self.db.query(sql + " ORDER BY e.seq",
                                     {"after_seq": after_seq, "stream": stream}):
                yield self._stored(row)

    def streams(self, issuer_key: str | None = None) -> Iterator[StreamInfo]:
        """Streams in the order they were recorded."""
        sql = "SELECT * FROM streams"
        if issuer_key is not None:
            sql += " WHERE issuer_key = :issuer_key"
        with self._errors():
            for r in self.db.query(sql + " ORDER BY rowid", {"issuer_key": issuer_key}):
                yield StreamInfo(
                    stream=r["stream"], issuer_key=r["issuer_key"],
                    issuer=Issuer(r["issuer_name"], r["cik"], r["file_number"]),
                    form=r["form"], public_date=_date(r["public_date"]),
                    source_name=r["source_name"], raw_sha256=r["raw_sha256"],
                )

    def document(self, raw_sha256: str) -> Document | None:
        with self._errors():
            r = next(self.db.query("SELECT * FROM documents WHERE raw_sha256 = :raw_sha256",
                                   {"raw_sha256": raw_sha256}), None)
        if r is None:
            return None
        if not isinstance(r["raw"], bytes) or not isinstance(r["normalised"], str):
            raise DamagedDocument(f"{self.path}: the stored text of {r['source_name']} ({raw_sha256[:12]}) is damaged: "
                                  "its row is not what the ledger wrote; run `verify`")
        return Document(r["raw_sha256"], r["source_name"], r["raw"], r["normalised"])

    def head(self) -> tuple[int, str]:
        """Last seq and its hash; (0, GENESIS) when empty. Publish it to anchor the chain."""
        with self._errors():
            r = next(self.db.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"), None)
        return (0, GENESIS) if r is None else (r["seq"], r["hash"])

    def count(self) -> int:
        with self._errors():
            return next(self.db.query("SELECT count(*) AS n FROM events"))["n"]

    @staticmethod
    def _stored(row: dict) -> StoredEvent:
        return StoredEvent(
            seq=row["seq"], event_id=row["event_id"], stream=row["stream"],
            version=row["version"], issuer_key=row["issuer_key"], type=row["type"],
            schema_version=row["schema_version"],
            effective_date=date.fromisoformat(row["effective_date"]),
            public_date=_date(row["public_date"]), recorded_at=row["recorded_at"],
            quote=row["quote"], prev_hash=row["prev_hash"], hash=row["hash"],
            event=_decode(row),
        )

    # -- auditing ----------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Walk the log in seq order and stop at the first row that breaks the chain.

        A chain alone cannot reveal rows cut from its end, nor a tail rewritten with every hash
        recomputed: keep ``head()`` elsewhere and check it with ``verify_against`` for that.
        """
        return self._walk()[0]

    def verify_against(self, seq: int, hash: str) -> VerifyReport:
        """``verify()``, then prove the ledger still extends a checkpoint: the ``(seq, hash)`` that
        ``head()`` gave earlier and that was kept outside the database.

        The row at ``seq`` must still have ``hash``. Each hash covers the one before it, so with an
        intact chain that one comparison proves rows 1..seq unchanged; rows after it may be new.
        A broken chain is reported first, as ``verify()`` reports it.
        """
        if seq < 0:
            raise ValueError(f"a checkpoint's seq is 0 or more, not {seq}")
        report, found = self._walk(watch=seq)
        if not report.ok:
            return report

        def failed(problem: str) -> VerifyReport:
            return VerifyReport(ok=False, checked=report.checked, bad_seq=seq, problem=problem,
                                against_checkpoint=True)

        if seq == 0:  # the empty ledger, which every ledger extends
            if hash != GENESIS:
                return failed(f"the checkpoint gives seq 0 the hash {hash}, but seq 0 is the empty "
                              f"ledger, whose hash is {GENESIS}")
            return report
        if found is None:  # the chain is gapless from 1, so the ledger ends before seq
            return failed(f"the ledger has {report.checked} events; the checkpoint is at seq {seq}: "
                          "rows were removed")
        if found != hash:
            return failed(f"seq {seq}: hash is {found} but the checkpoint says {hash}: "
                          f"the ledger was rewritten at or before seq {seq}")
        return report

    def _walk(self, watch: int | None = None) -> tuple[VerifyReport, str | None]:
        """The chain check, and the hash of row ``watch`` if the walk reached it. A filing event
        names the sha256 of its stored text, so the text is checked at that event's seq."""
        checked, documents, prev_seq, prev_hash, watched = 0, 0, 0, GENESIS, None
        versions: dict[str, int] = {}  # stream -> last version seen: the only state kept
        with self._errors():
            for row in self.db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e ORDER BY e.seq"):
                try:
                    problem = _row_problem(row, prev_seq, prev_hash, versions.get(row["stream"], 0),
                                           self.legacy_ids_through)
                    if problem is None and row["type"] == "filing_recorded":
                        problem = self._document_problem(row)
                        documents += problem is None
                except (TypeError, ValueError, AttributeError) as e:   # a row no writer of ours made
                    problem = f"malformed row ({type(e).__name__}: {e})"
                if problem:
                    return VerifyReport(ok=False, checked=checked, bad_seq=row["seq"],
                                        problem=problem, documents=documents), watched
                checked, prev_seq, prev_hash = checked + 1, row["seq"], row["hash"]
                versions[row["stream"]] = row["version"]
                if prev_seq == watch:
                    watched = prev_hash
        return VerifyReport(ok=True, checked=checked, documents=documents), watched

    def _document_problem(self, row: dict) -> str | None:
        """The stored text must be the bytes whose sha256 the (chained) filing event names."""
        payload = json.loads(row["payload"])
        named = payload.get("raw_sha256")
        if not named:
            return None
        doc = next(self.db.query("SELECT source_name, raw, normalised FROM documents WHERE raw_sha256 = :h",
                                 {"h": named}), None)
        if doc is None:
            return f"the filing text {named[:12]} that this filing event names is missing from documents"
        name = doc["source_name"]
        if not isinstance(doc["raw"], bytes):
            return f"the stored text of {name} is {type(doc['raw']).__name__}, not the bytes that were read"
        if hashlib.sha256(doc["raw"]).hexdigest() != named:
            return f"the stored text of {name} changed: its bytes no longer hash to {named[:12]}, as its filing event says"
        identity = payload.get("identity") or ""
        if identity.startswith("sha256:") and (not isinstance(doc["normalised"], str) or
                                               identity != text_identity(doc["normalised"])):
            return f"the stored normalised text of {name} changed: it no longer hashes to its filing's identity"
        return None


def _decode(row: dict) -> Event:
    """The row's event; from_json upcasts older schema versions to the current record."""
    try:
        return from_json(row["type"], row["schema_version"], row["payload"])
    except (ValueError, KeyError, TypeError, cattrs.BaseValidationError) as e:
        reason = e.args[0] if isinstance(e, KeyError) and e.args else e
        raise UnreadableEvent(f"cannot read seq {row['seq']} ({row['event_id']}, {row['type']} "
                              f"v{row['schema_version']}): {reason}") from e


def _row_problem(row: dict, prev_seq: int, prev_hash: str, last_version: int,
                 legacy_ids_through: int) -> str | None:
    seq, stream, version = row["seq"], row["stream"], row["version"]
    if seq != prev_seq + 1:
        return f"row missing before seq {seq}"
    if row["prev_hash"] != prev_hash:
        return f"prev_hash does not match the hash of seq {prev_seq}"
    if row_hash(prev_hash, row) != row["hash"]:
        return "row content changed: hash mismatch"
    if version != last_version + 1:
        return f"stream {stream} version {version} follows {last_version}"
    legacy = seq <= legacy_ids_through and row["event_id"] == ids.legacy_event_id(stream, version)
    if row["event_id"] != ids.event_id(stream, version) and not legacy:
        return f"event_id {row['event_id']} does not match stream {stream} version {version}"
    return None
