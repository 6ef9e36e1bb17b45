"""The references bench/run.py measures the ledger against, in the same run and on the same events.

Each reference holds its own copy of the events the ledger stored (the rows ``store.rows()`` gives,
payload JSON byte for byte), so none depends on the ledger's schema or its internals:

- ``Plain``: bare ``sqlite3``, an events table of the same columns (seq, event_id, stream, version,
  issuer_key, type, schema_version, effective_date, public_date, recorded_at, payload, quote,
  prev_hash, hash) with the indexes a replay needs, and a documents table; one ``executemany`` and
  one COMMIT per filing, WAL, SQLite's default synchronous=FULL (the ledger's settings).
- ``EventSourcing``: the ``eventsourcing`` library's ``SQLiteApplicationRecorder`` (one
  ``insert_events`` call, i.e. one transaction, per filing; the library puts the file in WAL), each
  event a ``StoredEvent`` whose state is a JSON envelope of the row's columns and its payload.
- the floor: plain SQL over ``Plain``'s table, ``json.loads`` of each payload and ``fold``.
- the verify reference: ``Plain``'s table, SQLite building each row's chain v2 content with one
  ``printf`` and Python chaining sha256 over it.

``fold`` is the same for every reference: per issuer, common shares and consideration, warrant
shares per tranche, cash fees, with retractions and corrections (shares, effective date) applied.
It is order-independent, so a reference that cannot read in effective-date order (eventsourcing
reads in recording order and filters) folds the same thing.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

try:   # the bench/test extra; run.py reports its figures as missing, with this reason, without it
    from eventsourcing.persistence import StoredEvent as ESStoredEvent
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
    EVENTSOURCING_MISSING = None
except ImportError as e:  # pragma: no cover - depends on the environment
    EVENTSOURCING_MISSING = f"the eventsourcing library is not installed ({e}); pip install -e '.[bench]'"

COLUMNS = ("seq", "event_id", "stream", "version", "issuer_key", "type", "schema_version", "effective_date",
           "public_date", "recorded_at", "payload", "quote", "prev_hash", "hash")
# The ledger's chained columns (ledger/store/chain.py), sorted as canonical JSON sorts them.
CHAINED = sorted(c for c in COLUMNS if c not in ("prev_hash", "hash"))
GENESIS = "0" * 64

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, version INTEGER NOT NULL,
    issuer_key TEXT NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, effective_date TEXT NOT NULL,
    public_date TEXT, recorded_at TEXT NOT NULL, payload TEXT NOT NULL, quote TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (stream, version));
CREATE INDEX IF NOT EXISTS events_date ON events (effective_date);
CREATE INDEX IF NOT EXISTS events_issuer ON events (issuer_key, effective_date);
CREATE TABLE IF NOT EXISTS documents (raw_sha256 TEXT PRIMARY KEY, source_name TEXT, raw BLOB, normalised TEXT);
"""
INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"
INSERT_DOCUMENT = ("INSERT OR IGNORE INTO documents (raw_sha256, source_name, raw, normalised) "
                   "VALUES (:raw_sha256, :source_name, :raw, :normalised)")
SELECT = "SELECT event_id, issuer_key, type, effective_date, payload FROM events"
ALL_AS_OF = SELECT + " WHERE effective_date <= :as_of ORDER BY effective_date, seq"
ISSUER_AS_OF = SELECT + " WHERE issuer_key = :issuer_key AND effective_date <= :as_of ORDER BY effective_date, seq"
# The ledger's chain v2 content (ledger/store/chain.py): each chained column as <length>:<text>, in
# the ledger's column order, NULL as '-'; one printf per row. (A ledger made at schema 4 is v2 throughout.)
ORDERED = ("seq", "event_id", "stream", "version", "issuer_key", "type", "schema_version", "effective_date",
           "public_date", "recorded_at", "payload", "quote")
CONTENT = ("SELECT printf('" + "".join("%s" if c == "public_date" else "%d:%s" for c in ORDERED) + "', "
           + ", ".join(f"CASE WHEN {c} IS NULL THEN '-' ELSE length({c}) || ':' || {c} END" if c == "public_date"
                       else f"length({c}), {c}" for c in ORDERED)
           + "), hash FROM events ORDER BY seq")


def row_dict(row) -> dict:
    return {c: getattr(row, c) for c in COLUMNS}


def remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Plain:
    """Bare sqlite3: one executemany and one COMMIT per filing."""

    def __init__(self, path: Path):
        remove(path)
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.executescript(SCHEMA)

    def append(self, rows: list[dict], document: dict | None) -> None:
        c = self.conn
        c.execute("BEGIN")
        if document is not None:
            c.execute(INSERT_DOCUMENT, document)
        c.executemany(INSERT, rows)
        c.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def envelope(row: dict) -> bytes:
    """The eventsourcing state: the row's columns as JSON, the payload embedded as it is stored."""
    head = {k: row[k] for k in ("event_id", "issuer_key", "type", "effective_date", "public_date")}
    return (json.dumps(head)[:-1] + ', "payload": ' + row["payload"] + "}").encode("utf-8")


class EventSourcing:
    """The eventsourcing library's SQLite application recorder: one insert_events per filing."""

    def __init__(self, path: Path, *, create: bool = True):
        if EVENTSOURCING_MISSING:
            raise RuntimeError(EVENTSOURCING_MISSING)
        if create:
            remove(path)
        self.path = path
        self.datastore = SQLiteDatastore(str(path), originator_id_type="text")
        self.recorder = SQLiteApplicationRecorder(self.datastore)
        if create:
            self.recorder.create_table()

    @staticmethod
    def stored(rows: list[dict]) -> list:
        """Untimed: what an application would hand the recorder."""
        return [ESStoredEvent(originator_id=r["stream"], originator_version=r["version"], topic=r["type"],
                              state=envelope(r)) for r in rows]

    def append(self, stored: list) -> None:
        self.recorder.insert_events(stored)

    def read_fold(self, as_of: str, page: int = 10_000) -> dict:
        """Every notification in recording order, json.loads of its state, those up to ``as_of`` folded."""
        recorder, loads = self.recorder, json.loads
        f = Fold()
        start = 1
        while True:
            batch = recorder.select_notifications(start, page)
            for n in batch:
                d = loads(n.state)
                if d["effective_date"] <= as_of:
                    f.add(d["event_id"], d["issuer_key"], d["type"], d["payload"])
            if len(batch) < page:
                return f.result()
            start = batch[-1].id + 1

    def close(self) -> None:
        self.datastore.close()


class Fold:
    """A minimal cap-table fold: per-event contributions, so retractions and corrections apply at the end."""

    def __init__(self):
        self.issued: dict[str, tuple[str, int, Decimal | None]] = {}   # event_id -> (issuer, shares, consideration)
        self.warrants: dict[str, tuple[str, int | None]] = {}
        self.fees: dict[str, tuple[str, Decimal | None]] = {}
        self.retracted: set[str] = set()
        self.changes: dict[str, dict] = {}

    def add(self, event_id: str, issuer: str, type_: str, p: dict) -> None:
        if type_ == "common_issued":
            c = p.get("consideration")
            self.issued[event_id] = (issuer, p["shares"], Decimal(c) if c is not None else None)
        elif type_ == "warrant_granted":
            self.warrants[event_id] = (issuer, p.get("shares"))
        elif type_ == "fee_paid":
            c = p.get("cash")
            self.fees[event_id] = (issuer, Decimal(c) if c is not None else None)
        elif type_ == "event_retracted":
            self.retracted.add(p["target"])
        elif type_ == "event_corrected":
            self.changes.setdefault(p["target"], {}).update((c["field"], c["value"]) for c in p["changes"])

    def result(self) -> dict:
        out: dict[str, dict] = {}

        def slot(issuer):
            return out.setdefault(issuer, {"shares": 0, "raised": Decimal(0), "warrant_shares": 0,
                                           "tranches": 0, "fees": Decimal(0)})
        for eid, (issuer, shares, paid) in self.issued.items():
            if eid in self.retracted:
                continue
            s = slot(issuer)
            s["shares"] += int(self.changes.get(eid, {}).get("shares", shares))
            s["raised"] += paid or 0
        for eid, (issuer, shares) in self.warrants.items():
            if eid in self.retracted:
                continue
            s = slot(issuer)
            s["tranches"] += 1
            s["warrant_shares"] += int(self.changes.get(eid, {}).get("shares", shares) or 0)
        for eid, (issuer, cash) in self.fees.items():
            if eid not in self.retracted:
                slot(issuer)["fees"] += cash or 0
        return out


def floor(path: Path, as_of: str, issuer_key: str | None = None) -> dict:
    """SQL + json.loads + fold over the plain table: what any design that folds these rows pays."""
    conn = sqlite3.connect(path)
    try:
        if issuer_key is None:
            cursor = conn.execute(ALL_AS_OF, {"as_of": as_of})
        else:
            cursor = conn.execute(ISSUER_AS_OF, {"as_of": as_of, "issuer_key": issuer_key})
        f, loads = Fold(), json.loads
        for event_id, issuer, type_, _, payload in cursor:
            f.add(event_id, issuer, type_, loads(payload))
        return f.result()
    finally:
        conn.close()


def verify_reference(path: Path) -> tuple[int, int]:
    """The chain re-hashed: SQLite builds each row's chain content, Python chains sha256 and
    compares each with the stored hash. Returns (rows checked, rows whose hash differs): 0 when
    SQLite's text is byte for byte the ledger's content, so this is a whole verify."""
    conn = sqlite3.connect(path)
    try:
        prev, n, bad, sha = GENESIS, 0, 0, hashlib.sha256
        for content, stored in conn.execute(CONTENT):
            bad += sha((prev + content).encode("utf-8")).hexdigest() != stored
            prev = stored
            n += 1
        return n, bad
    finally:
        conn.close()
