"""The event store on PostgreSQL (psycopg 3): the same contract, rows and hashes as sqlite.py.

Every public method translates driver errors, by SQLSTATE and psycopg exception class, into
``ledger.errors`` types; no psycopg exception leaves this module.

Concurrency: one filing is one transaction. A writer first locks the one row of ``ledger_lock``
(``SELECT ... FOR UPDATE``), so writers queue there, then reads the head (the last seq and its
hash) and appends after it: seq is gap-free and the chain unbroken however many processes write.
The append runs at READ COMMITTED whatever the server's default, so the head a writer reads once
it holds the lock includes the filing committed just before. Engines that run it as SERIALIZABLE
anyway (CockroachDB) may abort it with a serialization failure: it is tried again, with growing,
jittered pauses, and after ``write_attempts`` tries it is ``LedgerBusy`` with nothing written.

Readers stream through a server-side cursor on a connection of their own, one statement in one
transaction: one snapshot, so a reader sees whole filings only, and holds one batch of rows in
memory, not the ledger. Reading needs SELECT only (the same-day rank travels as parameters).
"""
from __future__ import annotations

import contextlib
import itertools
import socket
import random
import time
from collections.abc import Iterator, Sequence
from datetime import date

import attrs

from events import DAY_RANK, Event
from events.envelope import Document, StoredEvent, StreamInfo
from ledger.errors import (
    AppendOnlyViolation, DuplicateStream, LedgerBusy, LedgerNotFound, StoreError,
)
from ledger.store.base import Appending, Prepared, by_reference, last_seen
from ledger.store.chain import GENESIS
from ledger.store import snapshots as snapshot_sql
from ledger.store.snapshots import Snapshot
from ledger.store.location import redact as redacted
from ledger.store.mapping import (
    ChainLink, EncodedEvent, EventRow, link_of, UnreadableEvent, chained_rows, checked_document, iso, stored_events, stream_values, to_stored, to_stream_info,
)
from ledger.store.contract import INDEXED_TYPES, INDEXED_TYPES_SQL
from ledger.store.postgres_schema import APPEND_ONLY_SQLSTATE, DDL, SCHEMA_VERSION, UPGRADES

try:   # the [postgres] extra; open() says how to install it
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import dict_row
except ImportError:   # pragma: no cover - exercised by a test that hides the module
    psycopg = None

MISSING_DRIVER = "PostgreSQL needs the postgres extra: pip install -e '.[postgres]'"

EVENT_COLUMNS = (
    "e.seq, e.event_id, e.stream, e.version, e.issuer_key, e.type, e.schema_version, "
    "e.effective_date, e.public_date, e.recorded_at, e.payload, e.quote, e.prev_hash, e.hash"
)

# One statement for a filing's events, a column array each: no executemany, whose pipeline
# psycopg reports on stderr when a retried transaction aborts it.
EVENT_ARRAYS = (
    ("seq", "bigint"), ("event_id", "text"), ("stream", "text"), ("version", "int"), ("issuer_key", "text"),
    ("type", "text"), ("schema_version", "int"), ("effective_date", "text"), ("public_date", "text"),
    ("recorded_at", "text"), ("payload", "text"), ("quote", "text"), ("prev_hash", "text"), ("hash", "text"),
)
INSERT_EVENTS = (
    "INSERT INTO events (" + ", ".join(name for name, _ in EVENT_ARRAYS) + ") SELECT * FROM unnest("
    + ", ".join(f"%({name})s::{kind}[]" for name, kind in EVENT_ARRAYS) + ")"
)

INSERT_STREAM = """
    INSERT INTO streams (stream, issuer_key, issuer_name, cik, file_number, form, public_date,
                         source_name, raw_sha256, recorded_at, report_date, amends)
    VALUES (%(stream)s, %(issuer_key)s, %(issuer_name)s, %(cik)s, %(file_number)s, %(form)s, %(public_date)s,
            %(source_name)s, %(raw_sha256)s, %(recorded_at)s, %(report_date)s, %(amends)s)
"""

INSERT_DOCUMENT = """
    INSERT INTO documents (raw_sha256, source_name, raw, normalised)
    VALUES (%(raw_sha256)s, %(source_name)s, %(raw)s, %(normalised)s)
    ON CONFLICT (raw_sha256) DO NOTHING
"""

LOCK_HEAD = "SELECT id FROM ledger_lock WHERE id = 1 FOR UPDATE"
HEAD = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"

# The tables of the connection's current schema (the first of search_path that exists).
SCHEMA_TABLES = """
    SELECT c.relname AS name FROM pg_catalog.pg_class AS c
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
"""

# Taken while creating the tables, so two processes creating one ledger at once make it once.
CREATE_LOCK_KEY = 0x1ED6E7_C0FFEE

# SQLSTATEs (PostgreSQL Appendix A).
SERIALIZATION_FAILURE, DEADLOCK, LOCK_NOT_AVAILABLE = "40001", "40P01", "55P03"
RETRYABLE = (SERIALIZATION_FAILURE, DEADLOCK, LOCK_NOT_AVAILABLE)
UNIQUE_VIOLATION, DUPLICATE_TABLE, DUPLICATE_FUNCTION = "23505", "42P07", "42723"
INVALID_CATALOG_NAME, INSUFFICIENT_PRIVILEGE, READ_ONLY_TRANSACTION = "3D000", "42501", "25006"
QUERY_CANCELED, CHARACTER_NOT_IN_REPERTOIRE = "57014", "22021"

_PLAIN = {
    INSUFFICIENT_PRIVILEGE: "the server refused: this role lacks a privilege the ledger needs "
                            "(the README lists the grants of a writer and of a reader)",
    READ_ONLY_TRANSACTION: "cannot write: the server or this connection is read-only "
                           "(a standby, or default_transaction_read_only)",
    QUERY_CANCELED: "the server cancelled the statement (statement_timeout, or an administrator); "
                    "nothing was written",
    CHARACTER_NOT_IN_REPERTOIRE: "a text PostgreSQL cannot store (a NUL character, or one the database's "
                                 "encoding lacks); nothing was written",
}
_CLASSES = {
    "08": "lost the connection to the server; a filing being written may or may not have been "
          "committed: run again (a filing already recorded is refused as a duplicate)",
    "28": "the server refused the login (wrong user or password, or pg_hba.conf does not admit it)",
    "53": "the server is out of resources (disk, memory or connections); nothing was written",
    "57": "the server is shutting down or restarting; run again",
    "XX": "the server reports an internal error or damaged data; ask its administrator",
    "42": "the tables are not what this program expects (a ledger changed by hand?)",
}


def _where(url: str) -> str:
    """The server a URL names, for the cannot-connect message."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.Error:
        return "the server the URL names"
    host = info.get("host") or info.get("hostaddr") or "the local socket"
    return f"{host} port {info.get('port') or 5432}"


def _reachable(pgconn) -> bool:
    """Whether anything listens where libpq last tried: a fact, where its message is only text."""
    host = (pgconn.hostaddr or pgconn.host or b"").decode() or "localhost"
    port = int((pgconn.port or b"5432").decode().split(",")[0] or 5432)
    try:
        if host.startswith("/"):
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(5)
                sock.connect(f"{host}/.s.PGSQL.{port}")
        else:
            socket.create_connection((host, port), timeout=5).close()
    except OSError:
        return False
    return True


def _diagnosed(url: str, e: Exception) -> StoreError:
    """A failed connection, told apart by facts: libpq gives no SQLSTATE for errors before the
    session starts, and its message is not to be parsed. Is the server there; can this login reach
    another database; does ours exist?"""
    location = redacted(url)
    pgconn = getattr(e, "pgconn", None)
    if pgconn is None or not _reachable(pgconn):
        return StoreError(f"{location}: cannot connect to the PostgreSQL server at {_where(url)}: "
                          "it is not running, or not reachable there")
    user = (pgconn.user or b"").decode()
    db = conninfo_to_dict(url).get("dbname") or (pgconn.db or b"").decode()
    for maintenance in ("postgres", "template1"):
        try:
            with psycopg.connect(url, dbname=maintenance, connect_timeout=PostgresStore.connect_timeout) as probe:
                exists = probe.execute("SELECT 1 FROM pg_database WHERE datname = %(db)s", {"db": db}).fetchone()
            break
        except psycopg.Error:
            continue
    else:
        return StoreError(f"{location}: the server refused the login of {user} (no such role, a wrong "
                          "password, or pg_hba.conf does not admit it)")
    if not exists:
        return StoreError(f"{location}: the database {db} does not exist on the server; create it first "
                          f"(createdb {db})")
    return StoreError(f"{location}: the server refused {user} a connection to the database {db} "
                      "(no CONNECT privilege, or pg_hba.conf does not admit it)")


def translate(location: str, e: Exception, *, connecting: bool = False, url: str = "") -> StoreError:
    """One plain sentence for a driver error, chosen by SQLSTATE and class, never by its text."""
    state = getattr(e, "sqlstate", None) or ""
    diag = getattr(e, "diag", None)
    if state == APPEND_ONLY_SQLSTATE:   # our own trigger's message: it names the operation and table
        return AppendOnlyViolation(f"{location}: {diag.message_primary}")
    if state in RETRYABLE:
        return LedgerBusy(f"{location}: another writer holds the ledger; nothing was written (run again)")
    if state == INVALID_CATALOG_NAME:
        db = conninfo_to_dict(url).get("dbname", "") if url else ""
        return StoreError(f"{location}: the database {db} does not exist on the server; create it first "
                          f"(createdb {db})" if db else f"{location}: the database does not exist on the server")
    if connecting and not state and isinstance(e, psycopg.OperationalError):
        return StoreError(f"{location}: cannot connect to the PostgreSQL server at {_where(url)}: "
                          "it is not running, or not reachable there")
    if state in _PLAIN:
        return StoreError(f"{location}: {_PLAIN[state]}")
    if state.startswith("23"):
        name = getattr(diag, "constraint_name", None) or state
        return StoreError(f"{location}: the ledger refused a row that breaks one of its constraints "
                          f"({name}); nothing was written")
    if state[:2] in _CLASSES:
        return StoreError(f"{location}: {_CLASSES[state[:2]]} (SQLSTATE {state})")
    if not state and isinstance(e, psycopg.DataError):   # refused by psycopg before sending: NUL in text
        return StoreError(f"{location}: {_PLAIN[CHARACTER_NOT_IN_REPERTOIRE]}")
    if not state and isinstance(e, psycopg.OperationalError):
        return StoreError(f"{location}: {_CLASSES['08']}")
    return StoreError(f"{location}: the database failed ({state or type(e).__name__})")


def _types_clause(types: Sequence[str] | None, params: dict) -> str:
    params["types"] = list(types)
    clause = "e.type = ANY(%(types)s::text[])"
    if set(types) <= set(INDEXED_TYPES):   # the partial index's own term (constant text), so it is used
        clause += f" AND e.{INDEXED_TYPES_SQL}"
    return clause


def read_sql(*, as_of: date | None = None, issuer_key: str | None = None,
             stream: str | None = None, known_at: date | None = None,
             types: Sequence[str] | None = None, after: date | None = None,
             after_seq: int | None = None) -> tuple[str, dict]:
    """The replay query: constant fragments, values as parameters (as sqlite.read_sql)."""
    params = {"as_of": iso(as_of), "issuer_key": issuer_key, "stream": stream, "known_at": iso(known_at),
              "after": iso(after), "after_seq": after_seq}
    clauses = {
        "as_of": "e.effective_date <= %(as_of)s",
        "issuer_key": "e.issuer_key = %(issuer_key)s",
        "stream": "e.stream = %(stream)s",
        "known_at": "(e.public_date IS NULL OR e.public_date <= %(known_at)s)",
        "after": "e.effective_date > %(after)s",
        "after_seq": "e.seq > %(after_seq)s",
    }
    used = [clauses[name] for name, value in params.items() if value is not None]
    if types is not None:
        used.append(_types_clause(types, params))
    where = f"WHERE {' AND '.join(used)}" if used else ""
    ranked = sorted(DAY_RANK.items())
    params["rank_types"] = [t for t, _ in ranked]
    params["rank_values"] = [r for _, r in ranked]
    sql = (f"SELECT {EVENT_COLUMNS} FROM events AS e "
           # The program's same-day order as parameters: no table to write, so SELECT suffices.
           # LEFT JOIN, NULLS FIRST: an unknown type fails loudly on decode, as on SQLite.
           "LEFT JOIN unnest(%(rank_types)s::text[], %(rank_values)s::int[]) AS t (type, day_rank) "
           f"ON t.type = e.type {where} "
           "ORDER BY e.effective_date, t.day_rank NULLS FIRST, e.seq")
    return sql, params


class PostgresStore(Appending):
    """The server engine: one ledger per schema of a PostgreSQL database."""

    write_attempts = 8
    backoff = 0.05
    itersize = 500          # rows per round trip of a streaming read
    connect_timeout = 10    # seconds, unless the URL says otherwise
    # The append transaction's isolation: READ COMMITTED, so the head read after the lock is the
    # latest. None leaves the server's default (a test runs the retry path that way).
    write_isolation = "read_committed"

    def __init__(self, conn, url: str, *, read_only: bool = False):
        self._conn = conn          # autocommit: small reads; appends in explicit transactions
        self._url = url
        self._spare: list = []     # an idle streaming connection, kept for the next read
        self._busy: set = set()    # streaming connections of reads not yet finished: close() ends them
        self._names = itertools.count(1)
        self._closed = False
        self.location = redacted(url)
        self.read_only = read_only
        self.legacy_ids_through = 0
        self.chain_v2_from = 1
        self.migrated_from: int | None = None   # the schema this open upgraded (PostgreSQL ledgers start at 3)
        self.backup_path: str | None = None
        self.retries = 0          # transactions tried again here: writers that did not simply queue

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, create: bool = False, read_only: bool = False) -> PostgresStore:
        """Open (or with ``create``, make) the ledger in the URL's database and current schema."""
        if psycopg is None:
            raise StoreError(MISSING_DRIVER)
        store = cls(cls._connect(url, autocommit=True, read_only=read_only), url, read_only=read_only)
        try:
            with store._errors():
                tables = store._tables()
                if not tables and not create:
                    raise LedgerNotFound(store.location)
                found = store._found_version(tables) if tables else None
                if found != SCHEMA_VERSION:
                    if read_only and found is not None:   # an older ledger: upgraded by a writer first
                        cls.open(url).close()
                        store.migrated_from = found
                    else:
                        store._retrying(lambda: store._create())
                store.legacy_ids_through = int(store._meta("legacy_event_ids_through") or 0)
                store.chain_v2_from = int(store._meta("chain_v2_from") or 1)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, url: str, *, autocommit: bool, read_only: bool = False):
        location = redacted(url)
        try:
            settings = {} if "connect_timeout" in conninfo_to_dict(url) else {"connect_timeout": cls.connect_timeout}
            conn = psycopg.connect(url, autocommit=autocommit, row_factory=dict_row, **settings)
        except psycopg.ProgrammingError:   # a URL libpq cannot parse
            raise StoreError(f"{location}: not a PostgreSQL URL libpq can read "
                             "(postgresql://USER@HOST:PORT/DATABASE)") from None
        except psycopg.Error as e:
            if getattr(e, "sqlstate", None):
                raise translate(location, e, connecting=True, url=url) from None
            raise _diagnosed(url, e) from None
        try:
            if read_only:
                conn.read_only = True   # the transactions psycopg starts
                if autocommit:   # and the statements outside them
                    conn.execute("SET default_transaction_read_only = on")
            encoding = conn.info.parameter_status("server_encoding")
        except psycopg.Error as e:
            conn.close()
            raise translate(location, e, url=url) from None
        if encoding not in ("UTF8", None):   # the chain hashes UTF-8 text: it must come back as written
            conn.close()
            raise StoreError(f"{location}: the database's encoding is {encoding}; a ledger needs UTF8 "
                             "(createdb --encoding=UTF8 --template=template0)")
        return conn

    def _tables(self) -> set[str]:
        return {r["name"] for r in self._conn.execute(SCHEMA_TABLES)}

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = %(key)s", {"key": key}).fetchone()
        return None if row is None else row["value"]

    def _found_version(self, tables: set[str]) -> int:
        """The schema's version; refuses a schema that is not a ledger, or is too new."""
        if not {"meta", "events", "streams", "documents", "ledger_lock"} <= tables:
            raise StoreError(f"{self.location}: not a ledger database (its schema has no ledger tables)")
        value = self._meta("schema_version")
        if value is None or not value.isdigit():
            raise StoreError(f"{self.location}: not a ledger database (no schema version in its meta table)")
        found = int(value)
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.location}: this ledger was written by a newer release (schema {found}); "
                             f"this program reads schema {SCHEMA_VERSION} and older: upgrade deal-ledger")
        if found < min(UPGRADES, default=SCHEMA_VERSION):   # no PostgreSQL ledger was ever written below schema 3
            raise StoreError(f"{self.location}: this ledger has schema {found}, which no release wrote on "
                             f"PostgreSQL; this program reads schema {SCHEMA_VERSION}")
        return found

    def _create(self) -> None:
        """Make the tables in one transaction, under an advisory lock: of two processes creating
        one ledger, the second finds the first's tables and only checks them."""
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%(key)s)", {"key": CREATE_LOCK_KEY})
            tables = self._tables()
            if tables:
                found = self._found_version(tables)
                if found < SCHEMA_VERSION:
                    if self._conn.execute(LOCK_HEAD).fetchone() is None:   # no append meanwhile
                        raise StoreError(f"{self.location}: the ledger's lock row is missing; it was changed by hand")
                    for version in range(found, SCHEMA_VERSION):
                        for statement in UPGRADES[version]:
                            self._conn.execute(statement)
                    self._conn.execute("UPDATE meta SET value = %(v)s WHERE key = 'schema_version'",
                                       {"v": str(SCHEMA_VERSION)})
                    self.migrated_from = found
                return
            schema = self._conn.execute("SELECT current_schema() AS name").fetchone()["name"]
            if schema is None:
                raise StoreError(f"{self.location}: no schema to create the ledger in "
                                 "(none of the search_path's schemas exists)")
            for statement in DDL:
                self._conn.execute(statement)
            for key, value in (("schema_version", str(SCHEMA_VERSION)), ("legacy_event_ids_through", "0"),
                               ("chain_v2_from", "1")):
                self._conn.execute("INSERT INTO meta (key, value) VALUES (%(key)s, %(value)s)",
                                   {"key": key, "value": value})

    def close(self) -> None:
        self._closed = True
        for conn in [self._conn, *self._spare, *self._busy]:
            with contextlib.suppress(Exception):
                conn.close()
        self._spare.clear()
        self._busy.clear()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self):
        """Translate driver errors into ledger errors (raw psycopg exceptions never escape)."""
        try:
            yield
        except UnreadableEvent as e:
            raise UnreadableEvent(f"{self.location}: {e}") from e.__cause__
        except psycopg.Error as e:
            raise translate(self.location, e, url=self._url) from e

    def _retrying(self, work):
        """Run ``work`` (one whole transaction) again after a serialization failure, deadlock or
        lock timeout, with growing, jittered pauses; after ``write_attempts`` tries, LedgerBusy."""
        started = time.monotonic()
        for attempt in range(1, self.write_attempts + 1):
            try:
                return work()
            except psycopg.Error as e:
                if not self._retryable(e):
                    raise
                self.retries += 1
                if attempt == self.write_attempts:
                    raise LedgerBusy(
                        f"{self.location}: other writers kept the ledger busy for "
                        f"{time.monotonic() - started:.0f} s over {attempt} tries (SQLSTATE {e.sqlstate}); "
                        "nothing was written (run again to pick it up)") from None
                time.sleep(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    @staticmethod
    def _retryable(e: Exception) -> bool:
        state = getattr(e, "sqlstate", None)
        if state in RETRYABLE:
            return True
        # Creating: another process made the same table or function first; the retry finds them.
        if state in (DUPLICATE_TABLE, DUPLICATE_FUNCTION):
            return True
        # A snapshot older than the lock (REPEATABLE READ left by the server): the seq was taken.
        return state == UNIQUE_VIOLATION and getattr(e.diag, "constraint_name", None) == "events_pkey"

    # -- writing -----------------------------------------------------------------------------

    def _write_filing(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                      recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        with self._errors():
            try:
                return self._retrying(lambda: self._append_once(info, encoded, document, recorded_at, events))
            except psycopg.errors.UniqueViolation as e:
                if e.diag.constraint_name == "streams_pkey":   # recorded by a writer our snapshot missed
                    raise DuplicateStream(info.stream) from None
                raise

    def _append_once(self, info: StreamInfo, encoded: list[EncodedEvent], document: Document | None,
                     recorded_at: str, events: list[Event] | None) -> list[StoredEvent]:
        conn = self._conn
        conn.isolation_level = None if self.write_isolation is None else psycopg.IsolationLevel.READ_COMMITTED
        with conn.transaction():
            head = self._locked_head()
            # We hold the head lock: no other writer records a stream or takes a seq until we commit.
            if self._recorded(info.stream):
                raise DuplicateStream(info.stream)
            rows = chained_rows(info, encoded, head=head, recorded_at=recorded_at, v2_from=self.chain_v2_from)
            stored = stored_events(rows, events)   # rows from elsewhere are decoded before the commit
            self._insert(info, document, recorded_at, rows)
            return stored

    def _locked_head(self) -> tuple[int, str]:
        conn = self._conn
        if conn.execute(LOCK_HEAD).fetchone() is None:
            raise StoreError(f"{self.location}: the ledger's lock row is missing; it was changed by hand")
        head = conn.execute(HEAD).fetchone()
        return (0, GENESIS) if head is None else (head["seq"], head["hash"])

    def _recorded(self, stream: str) -> bool:
        return self._conn.execute("SELECT 1 AS found FROM streams WHERE stream = %(stream)s",
                                  {"stream": stream}).fetchone() is not None

    def _insert(self, info: StreamInfo, document: Document | None, recorded_at: str, rows: list[EventRow]) -> None:
        with self._conn.cursor() as cur:
            if document is not None:
                cur.execute(INSERT_DOCUMENT, attrs.asdict(document))
            cur.execute(INSERT_STREAM, stream_values(info, recorded_at))
            cur.execute(INSERT_EVENTS, {name: [getattr(row, name) for row in rows] for name, _ in EVENT_ARRAYS})

    def _write_filings(self, prepared: list[Prepared]) -> list[tuple[int, list[StoredEvent] | Exception]]:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        with self._errors():
            return self._retrying(lambda: self._append_batch(prepared))

    def _append_batch(self, prepared: list[Prepared]) -> list[tuple[int, list[StoredEvent] | Exception]]:
        """Every filing of a batch in one transaction; one that a constraint refuses is rolled back
        to its own savepoint, so it is absent and the others are whole."""
        conn, out = self._conn, []
        conn.isolation_level = None if self.write_isolation is None else psycopg.IsolationLevel.READ_COMMITTED
        with conn.transaction():
            head = self._locked_head()
            for p in prepared:
                try:
                    if self._recorded(p.info.stream):   # also by an earlier filing of this batch
                        raise DuplicateStream(p.info.stream)
                    rows = chained_rows(p.info, p.encoded, head=head, recorded_at=p.recorded_at, v2_from=self.chain_v2_from)
                    stored = stored_events(rows, p.events)
                except (DuplicateStream, UnreadableEvent) as e:
                    out.append((p.index, e))
                    continue
                try:
                    with conn.transaction():   # a savepoint
                        self._insert(p.info, p.document, p.recorded_at, rows)
                except psycopg.errors.IntegrityError as e:
                    if e.diag.constraint_name == "events_pkey":   # the seq was taken: the whole batch again
                        raise
                    out.append((p.index, DuplicateStream(p.info.stream) if e.diag.constraint_name == "streams_pkey"
                                else translate(self.location, e, url=self._url)))
                    continue
                head = (rows[-1].seq, rows[-1].hash)
                out.append((p.index, stored))
        return out

    def _set_chain_v2_from(self, seq: int) -> None:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        with self._errors(), self._conn.transaction():
            if self._locked_head()[0]:
                raise StoreError(f"{self.location}: the chain version of a ledger that holds events cannot change")
            self._conn.execute("INSERT INTO meta (key, value) VALUES ('chain_v2_from', %(v)s) "
                               "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", {"v": str(seq)})

    def put_snapshots(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only; nothing can be written")
        with self._errors():
            return self._retrying(lambda: self._put_snapshots_once(issuer_key, covers_seq, snapshots))

    def _put_snapshots_once(self, issuer_key: str, covers_seq: int, snapshots: Sequence[Snapshot]) -> bool:
        conn = self._conn
        conn.isolation_level = None if self.write_isolation is None else psycopg.IsolationLevel.READ_COMMITTED
        with conn.transaction():
            # The head lock: no append commits between the check and our commit.
            if conn.execute(LOCK_HEAD).fetchone() is None:
                raise StoreError(f"{self.location}: the ledger's lock row is missing; it was changed by hand")
            if conn.execute("SELECT 1 AS found FROM events WHERE issuer_key = %(k)s AND seq > %(s)s LIMIT 1",
                            {"k": issuer_key, "s": covers_seq}).fetchone():
                return False
            conn.execute(snapshot_sql.POSTGRES_TABLE)
            conn.execute("DELETE FROM snapshots WHERE issuer_key = %(k)s", {"k": issuer_key})
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO snapshots (issuer_key, as_of, covers_seq, events, max_public, undated, state) "
                                "VALUES (%(issuer_key)s, %(as_of)s, %(covers_seq)s, %(events)s, %(max_public)s, "
                                "%(undated)s, %(state)s)", [snapshot_sql.to_row(x) for x in snapshots])
            return True

    def snapshots(self, issuer_key: str, *, as_of: date | None = None) -> list[Snapshot]:
        rows = self._streamed("SELECT * FROM snapshots WHERE issuer_key = %(k)s AND as_of <= %(d)s ORDER BY as_of",
                              {"k": issuer_key, "d": "9999-12-31" if as_of is None else as_of.isoformat()}
                              ) if self._has_snapshots() else ()
        return [snapshot_sql.from_row(r) for r in rows]

    def _has_snapshots(self) -> bool:
        with self._errors():
            row = self._conn.execute("SELECT to_regclass('snapshots') IS NOT NULL AS found").fetchone()
            return bool(row["found"])

    # -- reading -----------------------------------------------------------------------------

    def _streamed(self, sql: str, params: dict) -> Iterator[dict]:
        """Rows of one query through a server-side cursor, ``itersize`` at a time, on a connection
        of its own: one statement, one snapshot, and other calls (even another read) meanwhile."""
        if self._closed:   # a closed store does not quietly open a new connection to read
            raise StoreError(f"{self.location}: the ledger was closed; open it again to read")
        with self._errors():
            conn = self._spare.pop() if self._spare else self._connect(self._url, autocommit=False, read_only=True)
            self._busy.add(conn)
            try:
                with conn.cursor(name=f"ledger_read_{next(self._names)}") as cur:
                    cur.itersize = self.itersize
                    cur.execute(sql, params)
                    yield from cur
            finally:   # also when the caller stops early: the cursor is closed, the connection kept
                self._release(conn)

    def _release(self, conn) -> None:
        self._busy.discard(conn)
        try:
            conn.rollback()   # nothing was written; ends the snapshot
        except psycopg.Error:
            conn.close()
        if self._closed or self._spare or conn.closed:
            conn.close()
        else:
            self._spare.append(conn)

    def _stored_rows(self, sql: str, params: dict) -> Iterator[StoredEvent]:
        with self._errors():
            for row in self._streamed(sql, params):
                yield to_stored(row)

    def _one(self, sql: str, params: dict | None = None) -> dict | None:
        return self._conn.execute(sql, params or {}).fetchone()

    def event(self, event_id: str) -> StoredEvent | None:
        with self._errors():
            row = self._one(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id = %(id)s", {"id": event_id})
            if row is not None:
                return to_stored(row)
            # A range over the unique index on event_id (byte order, COLLATE "C"): every id with the prefix.
            row = by_reference(event_id, lambda ref: self._conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id >= %(lo)s AND e.event_id < %(hi)s "
                "AND e.version = %(version)s ORDER BY e.seq",
                {"lo": ref.prefix, "hi": ref.prefix + "\U0010ffff", "version": ref.version}).fetchall())
            return None if row is None else to_stored(row)

    def read(self, *, as_of: date | None = None, issuer_key: str | None = None, stream: str | None = None,
             known_at: date | None = None, types: Sequence[str] | None = None,
             after: date | None = None, after_seq: int | None = None) -> Iterator[StoredEvent]:
        sql, params = read_sql(as_of=as_of, issuer_key=issuer_key, stream=stream, known_at=known_at, types=types,
                               after=after, after_seq=after_seq)
        return self._stored_rows(sql, params)

    def log(self, *, stream: str | None = None, after_seq: int = 0,
            types: Sequence[str] | None = None) -> Iterator[StoredEvent]:
        params = {"after_seq": after_seq, "stream": stream}
        sql = f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.seq > %(after_seq)s"
        if stream is not None:
            sql += " AND e.stream = %(stream)s"
        if types is not None:
            sql += " AND " + _types_clause(types, params)
        return self._stored_rows(sql + " ORDER BY e.seq", params)

    def streams(self, *, issuer_key: str | None = None, stream: str | None = None, raw_sha256: str | None = None,
                form: str | None = None, report_date: date | None = None) -> Iterator[StreamInfo]:
        params = {"issuer_key": issuer_key, "stream": stream, "raw_sha256": raw_sha256,
                  "form": None if form is None else form.upper(), "report_date": iso(report_date)}
        clauses = {"issuer_key": "s.issuer_key = %(issuer_key)s", "stream": "s.stream = %(stream)s",
                   "raw_sha256": "s.raw_sha256 = %(raw_sha256)s", "form": "upper(s.form) = %(form)s",
                   "report_date": "s.report_date = %(report_date)s"}
        used = [clauses[name] for name, value in params.items() if value is not None]
        where = f" WHERE {' AND '.join(used)}" if used else ""
        # Recording order: a stream's first event has the seq its append took (SQLite's rowid order).
        sql = (f"SELECT s.* FROM streams AS s JOIN events AS e ON e.stream = s.stream AND e.version = 1"
               f"{where} ORDER BY e.seq")
        with self._errors():
            for r in self._streamed(sql, params):
                yield to_stream_info(r)

    def issuer_names(self, *, cik: str | None = None, issuer_key: str | None = None) -> Iterator[tuple[str, str]]:
        params = {"issuer_key": issuer_key, "cik": cik}
        clauses = {"issuer_key": "s.issuer_key = %(issuer_key)s",
                   "cik": "s.cik <> '' AND ltrim(s.cik, '0') = ltrim(%(cik)s, '0')"}
        used = [clauses[name] for name, value in params.items() if value is not None]
        where = f" WHERE {' AND '.join(used)}" if used else ""
        # Recording order as in streams(): a stream's first event has the seq its append took.
        sql = (f"SELECT s.issuer_key, s.issuer_name FROM streams AS s JOIN events AS e ON e.stream = s.stream "
               f"AND e.version = 1{where} ORDER BY e.seq")
        with self._errors():
            yield from last_seen((r["issuer_key"], r["issuer_name"]) for r in self._streamed(sql, params))

    def document(self, raw_sha256: str) -> Document | None:
        with self._errors():
            r = self._one("SELECT * FROM documents WHERE raw_sha256 = %(raw_sha256)s", {"raw_sha256": raw_sha256})
        if r is None:
            return None
        return checked_document(self.location, r["raw_sha256"], r["source_name"], r["raw"], r["normalised"])

    def head(self) -> tuple[int, str]:
        with self._errors():
            r = self._one(HEAD)
        return (0, GENESIS) if r is None else (r["seq"], r["hash"])

    def count(self) -> int:
        with self._errors():
            return self._one("SELECT count(*) AS n FROM events")["n"]

    def chain(self, *, after_seq: int = 0, through_seq: int | None = None) -> Iterator[ChainLink]:
        rows = self.rows(after_seq=after_seq)
        if through_seq is not None:
            rows = itertools.takewhile(lambda row: row.seq <= through_seq, rows)
        return (link_of(row, self.chain_v2_from) for row in rows)

    def rows(self, *, after_seq: int = 0) -> Iterator[EventRow]:
        with self._errors():
            for r in self._streamed(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.seq > %(after_seq)s "
                                    "ORDER BY e.seq", {"after_seq": after_seq}):
                yield EventRow(**r)
