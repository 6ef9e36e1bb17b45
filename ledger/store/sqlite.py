"""The event store: filing streams appended to a hash-chained, append-only SQLite ledger.

Every public method translates sqlite3 errors, by their result codes, into ``ledger.errors`` types.

Concurrency: the file is in WAL mode. A writer takes the write lock with BEGIN IMMEDIATE, waits up
to ``busy_timeout`` for it on each try, and tries ``write_attempts`` times with growing, jittered
pauses before it gives up with ``LedgerBusy`` (nothing written). Readers open the file read-only;
in WAL mode they neither block writers nor wait for them, and see only whole filings.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from events import DAY_RANK, Event
from events.envelope import Document, StoredEvent, StreamInfo
from ledger.errors import (
    AppendOnlyViolation, DuplicateStream, LedgerBusy, LedgerNotFound, StoreError,
)
from ledger.store.base import Appending, Prepared, by_reference, last_seen
from ledger.store.chain import CHAINED_COLUMNS, GENESIS, INT_COLUMNS, NULLABLE
from ledger.store import snapshots as snapshot_sql
from ledger.store.snapshots import Snapshot
from ledger.store.mapping import (
    ChainLink, EncodedEvent, EventRow, UnreadableEvent, chained_values, checked_document, iso, stored_events, stream_values, to_stored, to_stream_info,
)
from ledger.store.mapping import stored_of   # the read path's row -> StoredEvent, from a tuple
from ledger.store.contract import INDEXED_TYPES, INDEXED_TYPES_SQL
from ledger.store.sqlite_schema import DDL, SCHEMA_VERSION, TEMP_EVENT_TYPES

if TYPE_CHECKING:
    from sqlite_utils import Database

EVENT_COLUMNS = (
    "e.seq, e.event_id, e.stream, e.version, e.issuer_key, e.type, e.schema_version, "
    "e.effective_date, e.public_date, e.recorded_at, e.payload, e.quote, e.prev_hash, e.hash"
)

# Positional, in mapping.COLUMNS order (EventRow.values()): one executemany per filing.
INSERT_EVENT = """
    INSERT INTO events (seq, event_id, stream, version, issuer_key, type, schema_version,
                        effective_date, public_date, recorded_at, payload, quote, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

INSERT_STREAM = """
    INSERT INTO streams (stream, issuer_key, issuer_name, cik, file_number, form, public_date,
                         source_name, raw_sha256, recorded_at, report_date, amends)
    VALUES (:stream, :issuer_key, :issuer_name, :cik, :file_number, :form, :public_date,
            :source_name, :raw_sha256, :recorded_at, :report_date, :amends)
"""

INSERT_DOCUMENT = """
    INSERT OR IGNORE INTO documents (raw_sha256, source_name, raw, normalised)
    VALUES (:raw_sha256, :source_name, :raw, :normalised)
"""

# What each row's hash covers, built in SQL as one BLOB (UTF-8, as stored: no decode here and no
# encode in Python): the stored prev_hash, then chain v2's text (chain.row_content_v2) for rows
# from :v2_from on, json_object of the chained columns in sorted key order (chain.row_content_v1)
# before. A column of a type no writer of ours stores gives NULL instead of failing the walk.
_V1_CONTENT = (
    "CASE WHEN 'blob' IN (typeof(seq), typeof(event_id), typeof(stream), typeof(version), typeof(issuer_key), "
    "typeof(type), typeof(schema_version), typeof(effective_date), typeof(public_date), typeof(recorded_at), "
    "typeof(payload), typeof(quote)) THEN NULL ELSE prev_hash || json_object("
    + ", ".join(f"'{name}', {name}" for name in sorted(CHAINED_COLUMNS)) +   # constant column names
    ") END"
)
_V2_TYPES = " AND ".join(
    f"typeof({name}) = 'integer'" if name in INT_COLUMNS
    else f"typeof({name}) IN ('text', 'null')" if name in NULLABLE
    else f"typeof({name}) = 'text'"
    for name in CHAINED_COLUMNS if name != "seq")   # seq is the rowid: always an integer
# One printf, not a chain of ||: each || copies the text built so far (the payload included), and
# this is most of what verify costs.
_V2_FORMAT = "%s" + "".join("%s" if name in NULLABLE else "%d:%s" for name in CHAINED_COLUMNS)
_V2_CONTENT = (
    f"CASE WHEN {_V2_TYPES} THEN printf('{_V2_FORMAT}', prev_hash, "
    + ", ".join(f"CASE WHEN {name} IS NULL THEN '-' ELSE length({name}) || ':' || {name} END" if name in NULLABLE
                else f"length({name}), {name}" for name in CHAINED_COLUMNS)
    + ") END"
)
CHAIN_SQL = (
    "SELECT seq, stream, version, "
    # ids.event_id(stream, version): the stream after its first ':', a '-', the version.
    "event_id = substr(stream, instr(stream, ':') + 1) || '-' || version AS id_ok, "
    "prev_hash, hash, "
    f"CAST(CASE WHEN seq >= :v2_from THEN {_V2_CONTENT} ELSE {_V1_CONTENT} END AS BLOB) AS hashed, "
    "CASE WHEN type = 'filing_recorded' THEN payload END AS filing_payload "
    "FROM events WHERE seq > :after_seq AND seq <= :through_seq ORDER BY seq"
)
LAST_SEQ = 2**63 - 1   # SQLite's largest integer: chain() through the end

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


def _types_clause(types: Sequence[str] | None, params: dict) -> str:
    """``e.type IN (:t0, :t1, ...)``: placeholders from the count only, values as parameters. When
    every type asked for is one of INDEXED_TYPES, the partial index's own term is added (constant
    text): SQLite uses a partial index only for a query whose WHERE repeats its term."""
    names = [f"t{i}" for i in range(len(types))]
    params.update(zip(names, types))
    clause = "e.type IN (" + ", ".join(":" + n for n in names) + ")"
    if set(types) <= set(INDEXED_TYPES):
        clause += f" AND e.{INDEXED_TYPES_SQL}"
    return clause


def read_sql(*, as_of: date | None = None, issuer_key: str | None = None,
             stream: str | None = None, known_at: date | None = None,
             types: Sequence[str] | None = None, after: date | None = None,
             after_seq: int | None = None) -> tuple[str, dict]:
    """The replay query. The WHERE clause is assembled from constant fragments only, so each
    filter stays sargable for its index (no `:x IS NULL OR ...`); values are always parameters."""
    params = {"as_of": iso(as_of), "issuer_key": issuer_key, "stream": stream, "known_at": iso(known_at),
              "after": iso(after), "after_seq": after_seq}
    clauses = {
        "as_of": "e.effective_date <= :as_of",
        "issuer_key": "e.issuer_key = :issuer_key",
        "stream": "e.stream = :stream",
        # Knowledge time: left out before decoding, which is most of a replay's cost.
        "known_at": "(e.public_date IS NULL OR e.public_date <= :known_at)",
        "after": "e.effective_date > :after",
        "after_seq": "e.seq > :after_seq",
    }
    used = [clauses[name] for name, value in params.items() if value is not None]
    if types is not None:
        used.append(_types_clause(types, params))
    where = f"WHERE {' AND '.join(used)}" if used else ""
    sql = (f"SELECT {EVENT_COLUMNS} FROM events AS e "
           # LEFT JOIN: an unknown type must fail loudly on decode, not vanish from replay.
           f"LEFT JOIN event_types AS t ON t.type = e.type {where} "
           "ORDER BY e.effective_date, t.day_rank, e.seq")
    return sql, params


def _connect(name: str, *, read_only: bool, timeout: float) -> sqlite3.Connection:
    if read_only:
        uri = "file:" + urllib.parse.quote(str(Path(name).resolve())) + "?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    return sqlite3.connect(name, timeout=timeout)


class ReaderDatabase:
    """What a reader uses of sqlite-utils' Database (``query``, ``execute``, ``conn``, ``close``), on
    the stdlib driver alone: importing sqlite-utils (with pluggy and dateutil) was a third of a
    one-issuer replay's start-up. A reader runs only our own SELECTs on a read-only connection, so
    it needs none of the savepoint guard sqlite-utils puts around a query. Writers keep sqlite-utils."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def query(self, sql: str, params: dict | None = None) -> Iterator[dict]:
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    def execute(self, sql: str, params: dict | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if params is None else self.conn.execute(sql, params)

    def close(self) -> None:
        self.conn.close()


class SQLiteStore(Appending):
    """The embedded engine: one file, nothing to start."""

    # Each try waits this long for the write lock; then a pause, growing, before the next try.
    busy_timeout = 5.0
    write_attempts = 5
    backoff = 0.2

    def __init__(self, db: Database | ReaderDatabase, path: str, *, read_only: bool = False):
        self._db = db
        self.location = path
        self.read_only = read_only
        self.legacy_ids_through = 0   # rows up to this seq carry schema-1 ids
        self.chain_v2_from = 1        # rows from this seq on hash chain v2 (meta chain_v2_from)
        self.migrated_from: int | None = None   # the schema this open upgraded, if it did
        self.backup_path: str | None = None
        self._has_snapshots = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False, read_only: bool = False) -> SQLiteStore:
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
    def _opened(cls, name: str, *, create: bool, read_only: bool) -> SQLiteStore:
        try:
            conn = _connect(name, read_only=read_only, timeout=cls.busy_timeout)
        except sqlite3.Error as e:
            raise translate(name, e) from None
        if read_only:
            db = ReaderDatabase(conn)
        else:
            from sqlite_utils import Database
            # No sqlite-utils plugins: loading them scans every installed package's entry points (10-80 ms
            # at each open), and a ledger's SQL must not change with what else is installed.
            db = Database(conn, execute_plugins=False)
        store = cls(db, name, read_only=read_only)
        try:
            with store._errors():
                if read_only:
                    store._found_version()
                else:
                    store._open_for_writing(create=create, memory=name == ":memory:")
                store.legacy_ids_through = int(store._meta("legacy_event_ids_through") or 0)
                store.chain_v2_from = int(store._meta("chain_v2_from") or 1)
                store._day_ranks()
        except BaseException:
            conn.close()
            raise
        return store

    def _tables(self) -> set[str]:
        return {r["name"] for r in self._db.query(
            "SELECT name FROM sqlite_master WHERE type = :type", {"type": "table"})}

    def _meta(self, key: str) -> str | None:
        row = next(self._db.query("SELECT value FROM meta WHERE key = :key", {"key": key}), None)
        return None if row is None else row["value"]

    def _found_version(self) -> int:
        """The file's schema version; refuses a file that is not a ledger, or is too new. A file with
        no tables at all is a ledger not made yet (a process killed between creating the file and
        committing its tables leaves one): nothing to read, and the next writer makes it."""
        tables = self._tables()
        if not tables:
            raise LedgerNotFound(self.location)
        if not {"meta", "events"} <= tables:
            raise StoreError(f"{self.location}: not a ledger database (it has no ledger tables)")
        value = self._meta("schema_version")
        if value is None or not value.isdigit():
            raise StoreError(f"{self.location}: not a ledger database (no schema version in its meta table)")
        found = int(value)
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.location}: this ledger was written by a newer release (schema {found}); "
                             f"this program reads schema {SCHEMA_VERSION} and older: upgrade deal-ledger")
        return found

    def _open_for_writing(self, *, create: bool, memory: bool) -> None:
        """A current ledger is only read here: the write lock is taken only to create or upgrade
        one, so opening never waits for another writer's transaction."""
        tables = self._tables()
        current = bool(tables) and self._found_version() == SCHEMA_VERSION
        if not current:
            self._retrying(lambda: self._prepare(create=create))
        if not memory and next(self._db.query("PRAGMA journal_mode"))["journal_mode"].lower() != "wal":
            # Persistent in the file: readers then never block writers, nor writers readers.
            self._retrying(lambda: self._db.execute("PRAGMA journal_mode = WAL"))
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process
        # being killed and a filing stays whole or absent; only a power cut may lose the last
        # commits, never leaving half of one. FULL's fsync per filing was 40% of an append.
        self._db.execute("PRAGMA synchronous = NORMAL")
        # The events_no_replace trigger makes every INSERT one that may abort after writing, so
        # SQLite keeps a statement journal, which it spilled to a temp file: that doubled the bytes
        # an append writes (measured: 20 KB an event against 10 KB). In memory it holds a few pages
        # per statement. Readers keep the default: their sorts may be large.
        self._db.execute("PRAGMA temp_store = MEMORY")
        # Checkpoint every 10,000 WAL pages (about 40 MB), not SQLite's 1,000: the pages every append
        # rewrites (the table's last page, the indexes' hot leaves) are copied into the file once
        # per checkpoint, so fewer checkpoints copy fewer bytes (measured: 8.8 -> 7.8 KB an event,
        # appends 8% faster). A commit's durability is the same; the WAL is folded in on close.
        self._db.execute("PRAGMA wal_autocheckpoint = 10000")

    def _prepare(self, *, create: bool) -> None:
        """Inside the write lock: make an empty ledger, or upgrade an older one after a backup."""
        with self._write_transaction():
            tables = self._tables()
            if not tables and create:
                for statement in DDL:
                    self._db.execute(statement)
                self._db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                {"key": "schema_version", "value": str(SCHEMA_VERSION)})
                self._db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                {"key": "legacy_event_ids_through", "value": "0"})
                self._db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                {"key": "chain_v2_from", "value": "1"})
            elif not tables:
                raise StoreError(f"{self.location}: not a ledger database (an empty SQLite file)")
            found = self._found_version()
            if found < SCHEMA_VERSION:
                from ledger.store.sqlite_migrations import migrate   # writers only, like shutil and random
                self.backup_path = self._backup(found)
                migrate(self._db.conn, found)
                self.migrated_from = found

    def _backup(self, found: int) -> str:
        """Copy the ledger as it is beside the file. We hold the write lock, so nobody changes it
        meanwhile (readers may go on). Out of WAL mode the file alone is the ledger, copied byte
        for byte; in WAL mode SQLite's backup copies the file with its log."""
        target = f"{self.location}.schema-{found}.bak"
        n = 1
        while os.path.exists(target):
            n += 1
            target = f"{self.location}.schema-{found}.{n}.bak"
        mode = next(self._db.query("PRAGMA journal_mode"))["journal_mode"]
        if mode.lower() != "wal":
            import shutil
            shutil.copyfile(self.location, target)
            return target
        source, copy = sqlite3.connect(self.location), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target

    def _day_ranks(self) -> None:
        self._db.execute(TEMP_EVENT_TYPES)
        self._db.conn.executemany("INSERT OR REPLACE INTO temp.event_types (type, day_rank) VALUES (?, ?)",
                                 sorted(DAY_RANK.items()))
        if self._db.conn.in_transaction:
            self._db.conn.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self):
        """Translate driver errors into ledger errors (raw sqlite3 exceptions never escape)."""
        try:
            yield
        except UnreadableEvent as e:  # raised by _decode, which does not know the path
            raise UnreadableEvent(f"{self.location}: {e}") from e.__cause__
        except sqlite3.Error as e:
            raise translate(self.location, e) from e

    @contextlib.contextmanager
    def _write_transaction(self):
        """BEGIN IMMEDIATE: the write lock first, so no other writer can interleave; all or nothing."""
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        conn = self._db.conn
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
                if self._db.conn.in_transaction:
                    self._db.conn.rollback()
                if attempt == self.write_attempts:
                    raise LedgerBusy(
                        f"{self.location}: the ledger stayed locked by another writer for "
                        f"{time.monotonic() - started:.0f} s over {attempt} tries; nothing was written "
                        "(run again to pick it up)") from None
                import random
                time.sleep(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    # -- writing -----------------------------------------------------------------------------

    def _write_filing(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                      recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        with self._errors():   # a retry after a busy lock writes them again
            return self._retrying(lambda: self._append_once(info, encoded, document, recorded_at, events))

    def _append_once(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                     recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        with self._write_transaction():
            # We hold the write lock: no other writer can record this stream or take a seq until
            # we commit, so these reads and our inserts are one step.
            if self._recorded(info.stream):
                raise DuplicateStream(info.stream)
            rows = chained_values(info, encoded, head=self.head(), recorded_at=recorded_at, v2_from=self.chain_v2_from)
            self._insert(info, document, recorded_at, rows)
            return stored_events(rows, events)   # rows from elsewhere are decoded before the commit

    def _recorded(self, stream: str) -> bool:
        return self._db.conn.execute("SELECT 1 FROM streams WHERE stream = :stream", {"stream": stream}).fetchone() is not None

    def _insert(self, info: StreamInfo, document: Document | None, recorded_at: str, rows: list[tuple]) -> None:
        """``rows``: chained_values' tuples, in INSERT_EVENT's column order."""
        conn = self._db.conn
        if document is not None:
            conn.execute(INSERT_DOCUMENT, attrs.asdict(document))
        conn.execute(INSERT_STREAM, stream_values(info, recorded_at))
        conn.executemany(INSERT_EVENT, rows)

    def _write_filings(self, prepared: list[Prepared]) -> list[tuple[int, list[StoredEvent] | Exception]]:
        with self._errors():   # a retry after a busy lock writes them all again
            return self._retrying(lambda: self._append_batch(prepared))

    def _append_batch(self, prepared: list[Prepared]) -> list[tuple[int, list[StoredEvent] | Exception]]:
        """Every filing of a batch in one transaction; one that fails is rolled back to its own
        savepoint, so it is absent and the others are whole."""
        conn, out = self._db.conn, []
        with self._write_transaction():
            head = self.head()
            for p in prepared:
                try:
                    if self._recorded(p.info.stream):   # also by an earlier filing of this batch
                        raise DuplicateStream(p.info.stream)
                    rows = chained_values(p.info, p.encoded, head=head, recorded_at=p.recorded_at, v2_from=self.chain_v2_from)
                    stored = stored_events(rows, p.events)   # what cannot be read back is not written
                except (DuplicateStream, UnreadableEvent) as e:
                    out.append((p.index, e))
                    continue
                conn.execute("SAVEPOINT filing")
                try:
                    self._insert(p.info, p.document, p.recorded_at, rows)
                except sqlite3.IntegrityError as e:   # a constraint: this filing only
                    conn.execute("ROLLBACK TO filing")
                    conn.execute("RELEASE filing")
                    out.append((p.index, translate(self.location, e)))
                    continue
                conn.execute("RELEASE filing")
                head = (rows[-1][0], rows[-1][-1])   # seq, hash
                out.append((p.index, stored))
        return out

    def _set_chain_v2_from(self, seq: int) -> None:
        with self._errors(), self._write_transaction():
            if self.head()[0]:
                raise StoreError(f"{self.location}: the chain version of a ledger that holds events cannot change")
            self._db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('chain_v2_from', :v)", {"v": str(seq)})

    def put_snapshots(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        with self._errors():
            return self._retrying(lambda: self._put_snapshots_once(issuer_key, covers_seq, snapshots))

    def _put_snapshots_once(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        conn = self._db.conn
        with self._write_transaction():
            if conn.execute("SELECT 1 FROM events WHERE issuer_key = :k AND seq > :s LIMIT 1",
                            {"k": issuer_key, "s": covers_seq}).fetchone():
                return False    # the issuer has moved on since the fold: these would miss events
            conn.execute(snapshot_sql.SQLITE_TABLE)
            conn.execute("DELETE FROM snapshots WHERE issuer_key = :k", {"k": issuer_key})
            conn.executemany("INSERT INTO snapshots (issuer_key, as_of, covers_seq, events, max_public, undated, state) "
                             "VALUES (:issuer_key, :as_of, :covers_seq, :events, :max_public, :undated, :state)",
                             [snapshot_sql.to_row(x) for x in snapshots])
            return True

    # -- reading -----------------------------------------------------------------------------

    def _one(self, sql: str, params: dict) -> dict | None:
        return next(self._db.query(sql, params), None)

    def _stored_rows(self, sql: str, params: dict) -> Iterator[StoredEvent]:
        """Streamed from the cursor as tuples in EVENT_COLUMNS order (mapping.COLUMNS): no dict per row."""
        with self._errors():
            yield from map(stored_of, self._db.conn.execute(sql, params))

    def snapshots(self, issuer_key: str, *, as_of: date | None = None) -> list[Snapshot]:
        with self._errors():
            # Asked once per issuer of a replay: once the table is there, it stays (a cache table).
            if not self._has_snapshots:
                self._has_snapshots = "snapshots" in self._tables()
                if not self._has_snapshots:
                    return []
            return [snapshot_sql.from_tuple(r) for r in self._db.conn.execute(
                snapshot_sql.SELECT + " WHERE issuer_key = :k AND as_of <= :d ORDER BY as_of",
                {"k": issuer_key, "d": "9999-12-31" if as_of is None else as_of.isoformat()})]

    def event(self, event_id: str) -> StoredEvent | None:
        with self._errors():
            row = self._one(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id = :id", {"id": event_id})
            if row is not None:
                return to_stored(row)
            # A range over the unique index on event_id: every id that starts with the prefix.
            row = by_reference(event_id, lambda ref: self._db.query(
                f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id >= :lo AND e.event_id < :hi "
                "AND e.version = :version ORDER BY e.seq",
                {"lo": ref.prefix, "hi": ref.prefix + "\U0010ffff", "version": ref.version}))
            return None if row is None else to_stored(row)

    def read(self, *, as_of: date | None = None, issuer_key: str | None = None, stream: str | None = None,
             known_at: date | None = None, types: Sequence[str] | None = None,
             after: date | None = None, after_seq: int | None = None) -> Iterator[StoredEvent]:
        sql, params = read_sql(as_of=as_of, issuer_key=issuer_key, stream=stream, known_at=known_at, types=types,
                               after=after, after_seq=after_seq)
        return self._stored_rows(sql, params)

    def log(self, *, stream: str | None = None, after_seq: int = 0,
            types: Sequence[str] | None = None) -> Iterator[StoredEvent]:
        sql, params = self._log_sql(stream, after_seq, types)
        return self._stored_rows(sql, params)

    @staticmethod
    def _log_sql(stream: str | None, after_seq: int, types: Sequence[str] | None) -> tuple[str, dict]:
        params = {"after_seq": after_seq, "stream": stream}
        sql = f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.seq > :after_seq"
        if stream is not None:
            sql += " AND e.stream = :stream"
        if types is not None:
            sql += " AND " + _types_clause(types, params)
        return sql + " ORDER BY e.seq", params

    def streams(self, *, issuer_key: str | None = None, stream: str | None = None, raw_sha256: str | None = None,
                form: str | None = None, report_date: date | None = None) -> Iterator[StreamInfo]:
        params = {"issuer_key": issuer_key, "stream": stream, "raw_sha256": raw_sha256,
                  "form": None if form is None else form.upper(), "report_date": iso(report_date)}
        clauses = {"issuer_key": "issuer_key = :issuer_key", "stream": "stream = :stream",
                   "raw_sha256": "raw_sha256 = :raw_sha256", "form": "upper(form) = :form",
                   "report_date": "report_date = :report_date"}
        used = [clauses[name] for name, value in params.items() if value is not None]
        where = f" WHERE {' AND '.join(used)}" if used else ""
        with self._errors():
            for r in self._db.query(f"SELECT * FROM streams{where} ORDER BY rowid", params):
                yield to_stream_info(r)

    def issuer_names(self, *, cik: str | None = None, issuer_key: str | None = None) -> Iterator[tuple[str, str]]:
        params = {"issuer_key": issuer_key, "cik": cik}
        clauses = {"issuer_key": "issuer_key = :issuer_key", "cik": "cik <> '' AND ltrim(cik, '0') = ltrim(:cik, '0')"}
        used = [clauses[name] for name, value in params.items() if value is not None]
        where = f" WHERE {' AND '.join(used)}" if used else ""
        # Rows in rowid order, made distinct here: a GROUP BY walks the issuer index and reads the
        # table at random (70 ms over 20,000 streams, against 4 ms for the plain scan).
        with self._errors():
            yield from last_seen(self._db.conn.execute(
                f"SELECT issuer_key, issuer_name FROM streams{where} ORDER BY rowid", params))

    def document(self, raw_sha256: str) -> Document | None:
        with self._errors():
            r = self._one("SELECT * FROM documents WHERE raw_sha256 = :raw_sha256", {"raw_sha256": raw_sha256})
        if r is None:
            return None
        return checked_document(self.location, r["raw_sha256"], r["source_name"], r["raw"], r["normalised"])

    def head(self) -> tuple[int, str]:
        with self._errors():   # once per append: a tuple from the cursor, no dict
            r = self._db.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, GENESIS) if r is None else r

    def count(self) -> int:
        with self._errors():
            return self._one("SELECT count(*) AS n FROM events", {})["n"]

    def chain(self, *, after_seq: int = 0, through_seq: int | None = None) -> Iterator[ChainLink]:
        """Each row's hashed bytes built by SQLite (CHAIN_SQL): the same text as chain.row_content
        (tests/store/test_sqlite.py proves it over any text), at a fraction of the cost of building
        it in Python. verify re-reads a row whose hash does not match before it reports it, so a
        difference here could never be reported as tampering."""
        with self._errors():   # plain tuples in ChainLink's order: a NamedTuple each cost verify 5%
            yield from self._db.conn.execute(CHAIN_SQL, {
                "after_seq": after_seq, "through_seq": LAST_SEQ if through_seq is None else through_seq,
                "v2_from": self.chain_v2_from})

    def rows(self, *, after_seq: int = 0) -> Iterator[EventRow]:
        with self._errors():
            for r in self._db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.seq > :after_seq "
                                    "ORDER BY e.seq", {"after_seq": after_seq}):
                yield EventRow(**r)
