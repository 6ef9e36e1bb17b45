"""The event store: filing streams appended to a hash-chained, append-only SQLite ledger.

Every public method translates sqlite3 errors into ``ledger.errors`` types.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple

import attrs
import cattrs
from sqlite_utils import Database

from events import BY_TYPE, DAY_RANK, Event, Issuer, from_json, to_json
from ledger.chain import GENESIS, row_hash
from ledger.errors import AppendOnlyViolation, DuplicateStream, LedgerNotFound, StoreError
from ledger.schema import DDL, SCHEMA_VERSION
from ledger.stored import Document, StoredEvent, StreamInfo

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


class UnreadableEvent(StoreError, ValueError):
    """A stored event this program cannot decode: a schema version newer than it knows, an old one
    with no upcaster, or an unknown type. The row is left as it is; upgrade the program to read it."""


class EncodedEvent(NamedTuple):
    """An event as it is written. Internal: lets a test store an older schema version."""

    type: str
    schema_version: int
    effective_date: str
    payload: str
    quote: str


def event_id(stream: str, version: int) -> str:
    return f"{stream.rsplit(':', 1)[-1][:12]}-{version}"


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


class EventStore:
    def __init__(self, db: Database, path: str):
        self.db = db  # public for inspection and tests; writes go through append()
        self.path = path

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False) -> EventStore:
        name = os.fspath(path)
        memory = name == ":memory:"
        if not memory and not os.path.exists(name) and not create:
            raise LedgerNotFound(name)
        try:
            db = Database(name)
        except sqlite3.Error as e:
            raise StoreError(f"{name}: cannot open as a SQLite database: {e}") from e
        store = cls(db, name)
        try:
            store._prepare(create=memory or create)
        except BaseException:
            db.close()
            raise
        return store

    def _prepare(self, *, create: bool) -> None:
        with self._errors():
            tables = {r["name"] for r in self.db.query(
                "SELECT name FROM sqlite_master WHERE type = :type", {"type": "table"})}
            if "events" not in tables:
                if not create or tables:
                    raise StoreError(f"{self.path}: not a ledger database (no events table)")
                with self.db.atomic():
                    for statement in DDL:
                        self.db.execute(statement)
                    self.db.execute("INSERT INTO meta (key, value) VALUES (:key, :value)",
                                    {"key": "schema_version", "value": str(SCHEMA_VERSION)})
            version = next(self.db.query("SELECT value FROM meta WHERE key = :key",
                                         {"key": "schema_version"}), None)
            if version is None or int(version["value"]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: ledger schema {version and version['value']} "
                                 f"is not one this program can read (it reads {SCHEMA_VERSION})")
            self._sync_event_types()

    def _sync_event_types(self) -> None:
        # Only write when the ranks changed, so opening a ledger to read does not modify it.
        ranks = {r["type"]: r["day_rank"]
                 for r in self.db.query("SELECT type, day_rank FROM event_types")}
        if all(ranks.get(t) == rank for t, rank in DAY_RANK.items()):
            return
        with self.db.atomic():
            for t, rank in DAY_RANK.items():
                self.db.execute("INSERT OR REPLACE INTO event_types (type, day_rank) "
                                "VALUES (:type, :day_rank)", {"type": t, "day_rank": rank})

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
        except sqlite3.IntegrityError as e:
            if "append-only" in str(e):
                raise AppendOnlyViolation(f"{self.path}: {e}") from e
            raise StoreError(f"{self.path}: {e}") from e
        except sqlite3.DatabaseError as e:
            if "not a database" in str(e):
                raise StoreError(f"{self.path}: not a ledger database ({e})") from e
            raise StoreError(f"{self.path}: {e}") from e
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: {e}") from e

    # -- writing -----------------------------------------------------------------------------

    def append(self, info: StreamInfo, events: Sequence[Event], document: Document | None = None,
               *, recorded_at: str | None = None) -> list[StoredEvent]:
        """Record one filing's stream: document, stream row and events, all or nothing."""
        if not events:
            raise ValueError(f"{info.stream}: a stream needs at least one event")
        # Encoded lazily inside the transaction: a failure on any event rolls back the lot.
        return self._append_encoded(info, (self._encode(e) for e in events), document, recorded_at)

    @staticmethod
    def _encode(event: Event) -> EncodedEvent:
        cls = type(event)
        if BY_TYPE.get(cls.TYPE) is not cls:  # what cannot be read back must not be written
            raise ValueError(f"{cls.__name__} is not a registered event type")
        return EncodedEvent(cls.TYPE, cls.SCHEMA_VERSION, event.effective_date.isoformat(),
                            to_json(event), event.provenance.sentence)

    def _append_encoded(self, info: StreamInfo, encoded: Iterable[EncodedEvent],
                        document: Document | None, recorded_at: str | None) -> list[StoredEvent]:
        recorded_at = recorded_at or _now()
        public_date = _iso(info.public_date)
        stored: list[StoredEvent] = []
        with self._errors(), self.db.atomic():
            if self.has_stream(info.stream):
                raise DuplicateStream(info.stream)
            if document is not None:
                self.db.execute(INSERT_DOCUMENT, attrs.asdict(document))
            try:
                self.db.execute(INSERT_STREAM, {
                    "stream": info.stream, "issuer_key": info.issuer_key,
                    "issuer_name": info.issuer.name, "cik": info.issuer.cik,
                    "file_number": info.issuer.file_number, "form": info.form,
                    "public_date": public_date, "source_name": info.source_name,
                    "raw_sha256": info.raw_sha256, "recorded_at": recorded_at,
                })
            except sqlite3.IntegrityError as e:  # another writer recorded it since has_stream
                if "streams.stream" in str(e):
                    raise DuplicateStream(info.stream) from e
                raise
            # Read the head only after our first write: we now hold the write lock, so no other
            # connection can take the next seq between this read and our inserts.
            seq, prev = self.head()
            for version, enc in enumerate(encoded, start=1):
                seq += 1
                row = {
                    "seq": seq, "event_id": event_id(info.stream, version), "stream": info.stream,
                    "version": version, "issuer_key": info.issuer_key, "type": enc.type,
                    "schema_version": enc.schema_version, "effective_date": enc.effective_date,
                    "public_date": public_date, "recorded_at": recorded_at,
                    "payload": enc.payload, "quote": enc.quote, "prev_hash": prev,
                }
                row["hash"] = prev = row_hash(prev, row)
                self.db.execute(INSERT_EVENT, row)
                stored.append(self._stored(row))  # decoded before commit: unreadable => not written
            if not stored:
                raise ValueError(f"{info.stream}: a stream needs at least one event")
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

    def event(self, event_id: str) -> StoredEvent | None:
        with self._errors():
            row = next(self.db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e WHERE e.event_id = :id",
                                     {"id": event_id}), None)
        return self._stored(row) if row else None

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
        return None if r is None else Document(r["raw_sha256"], r["source_name"],
                                               bytes(r["raw"]), r["normalised"])

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
        """The chain check, and the hash of row ``watch`` if the walk reached it."""
        checked, prev_seq, prev_hash, watched = 0, 0, GENESIS, None
        versions: dict[str, int] = {}  # stream -> last version seen: the only state kept
        with self._errors():
            for row in self.db.query(f"SELECT {EVENT_COLUMNS} FROM events AS e ORDER BY e.seq"):
                problem = _row_problem(row, prev_seq, prev_hash, versions.get(row["stream"], 0))
                if problem:
                    return VerifyReport(ok=False, checked=checked, bad_seq=row["seq"],
                                        problem=problem), watched
                checked, prev_seq, prev_hash = checked + 1, row["seq"], row["hash"]
                versions[row["stream"]] = row["version"]
                if prev_seq == watch:
                    watched = prev_hash
        return VerifyReport(ok=True, checked=checked), watched


def _decode(row: dict) -> Event:
    """The row's event; from_json upcasts older schema versions to the current record."""
    try:
        return from_json(row["type"], row["schema_version"], row["payload"])
    except (ValueError, KeyError, TypeError, cattrs.BaseValidationError) as e:
        reason = e.args[0] if isinstance(e, KeyError) and e.args else e
        raise UnreadableEvent(f"cannot read seq {row['seq']} ({row['event_id']}, {row['type']} "
                              f"v{row['schema_version']}): {reason}") from e


def _row_problem(row: dict, prev_seq: int, prev_hash: str, last_version: int) -> str | None:
    seq, stream, version = row["seq"], row["stream"], row["version"]
    if seq != prev_seq + 1:
        return f"row missing before seq {seq}"
    if row["prev_hash"] != prev_hash:
        return f"prev_hash does not match the hash of seq {prev_seq}"
    if row_hash(prev_hash, row) != row["hash"]:
        return "row content changed: hash mismatch"
    if version != last_version + 1:
        return f"stream {stream} version {version} follows {last_version}"
    if row["event_id"] != event_id(stream, version):
        return f"event_id {row['event_id']} does not match stream {stream} version {version}"
    return None
