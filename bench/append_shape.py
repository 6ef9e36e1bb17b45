"""How fast can anything append into the ledger's table shape? The append target's floor.

    python bench/run.py --events 100000 --repeat 1 --db bench/out/100k.db    # a ledger to copy rows from
    python bench/append_shape.py bench/out/100k.db

Reads every stored row of a ledger ``bench/run.py --db`` kept (payloads, quotes, hashes and filing
texts byte for byte), builds them into plain tuples *untimed*, then times, in one run and
interleaved, one ``executemany`` + COMMIT per filing into:

- the ``eventsourcing`` library's SQLite recorder (the issue's reference), given the same rows as
  ``StoredEvent``s built untimed (bench/references.py);
- the ledger's own events table (ledger/store/sqlite_schema.py: its columns, the five B-trees and
  the ``events_no_replace`` trigger, and the documents table), with WAL, synchronous=NORMAL and the
  pragmas the ledger sets;
- the same table with parts taken away: the trigger, the filing texts, the ``event_id`` index, the
  replay index.

No Python work of the ledger's own is timed (no encoding, no hashing, no checks): a variant's figure
is the most an appender of that shape could reach. The ledger's ``append`` also encodes each
event, hashes the chain and checks versions, so it runs below its shape's figure.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from references import COLUMNS, EventSourcing  # noqa: E402

from ledger.store.sqlite_schema import EVENTS_TYPE_INDEX, NO_REPLACE  # noqa: E402 - the ledger's own DDL

BASE = """
CREATE TABLE documents (raw_sha256 TEXT PRIMARY KEY, source_name TEXT NOT NULL, raw BLOB NOT NULL, normalised TEXT NOT NULL);
CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL {unique}, stream TEXT NOT NULL,
    version INTEGER NOT NULL, issuer_key TEXT NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL,
    effective_date TEXT NOT NULL, public_date TEXT, recorded_at TEXT NOT NULL, payload TEXT NOT NULL,
    quote TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (stream, version));
"""
INDEXES = {
    "replay": "CREATE INDEX events_replay ON events (effective_date, seq);",
    "issuer": "CREATE INDEX events_issuer ON events (issuer_key, effective_date);",
    "type": EVENTS_TYPE_INDEX + ";",
}
TRIGGER = NO_REPLACE[0] + ";"     # events_no_replace
INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
INSERT_DOCUMENT = "INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?)"

# name: (event_id UNIQUE, indexes, trigger, filing texts)
VARIANTS = {
    "ledger's shape (5 B-trees, trigger, texts)": (True, ("replay", "issuer", "type"), True, True),
    "without the trigger": (True, ("replay", "issuer", "type"), False, True),
    "without trigger, texts": (True, ("replay", "issuer", "type"), False, False),
    "without trigger, event_id index": (False, ("replay", "issuer", "type"), False, True),
    "(stream, version) + issuer only, texts": (False, ("issuer",), False, True),
    "(stream, version) + issuer only, no texts": (False, ("issuer",), False, False),
}


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def load(source: Path) -> list[tuple[str, list[tuple], tuple | None, list[dict]]]:
    """Per filing stream, in recording order: its rows as tuples, its document, and its rows as dicts."""
    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    docs = {r["stream"]: (r["raw_sha256"], r["source_name"], r["raw"], r["normalised"]) for r in conn.execute(
        "SELECT s.stream, d.raw_sha256, d.source_name, d.raw, d.normalised FROM streams s JOIN documents d USING (raw_sha256)")}
    streams: dict[str, list[dict]] = {}
    for r in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY seq"):
        streams.setdefault(r["stream"], []).append(dict(r))
    conn.close()
    return [(s, [tuple(r[c] for c in COLUMNS) for r in rows], docs.get(s), rows) for s, rows in streams.items()]


def shape(folder: Path, name: str, filings, unique: bool, indexes, trigger: bool, texts: bool) -> float:
    path = folder / "shape.db"
    remove(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "temp_store = MEMORY", "wal_autocheckpoint = 10000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.executescript(BASE.format(unique="UNIQUE" if unique else "") + "".join(INDEXES[i] for i in indexes)
                       + (TRIGGER if trigger else ""))
    n = sum(len(rows) for _, rows, _, _ in filings)
    start = time.perf_counter()
    for _, rows, document, _ in filings:
        conn.execute("BEGIN")
        if texts and document is not None:
            conn.execute(INSERT_DOCUMENT, document)
        conn.executemany(INSERT, rows)
        conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    remove(path)
    return n / seconds


def eventsourcing(folder: Path, filings) -> float:
    es = EventSourcing(folder / "es.db")
    batches = [es.stored(dicts) for _, _, _, dicts in filings]
    n = sum(len(b) for b in batches)
    start = time.perf_counter()
    for batch in batches:
        es.append(batch)
    seconds = time.perf_counter() - start
    es.close()
    remove(folder / "es.db")
    return n / seconds


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ledger", type=Path, help="a ledger kept by bench/run.py --db")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    filings = load(args.ledger)
    events = sum(len(rows) for _, rows, _, _ in filings)
    print(f"{events:,} events in {len(filings):,} streams from {args.ledger}; {os.cpu_count()} cores", flush=True)
    results: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        results.setdefault("eventsourcing recorder (reference)", []).append(eventsourcing(args.out, filings))
        for name, (unique, indexes, trigger, texts) in VARIANTS.items():
            results.setdefault(name, []).append(shape(args.out, name, filings, unique, indexes, trigger, texts))
    reference = max(results["eventsourcing recorder (reference)"])
    print("\n| appender, rows built untimed | best events/s | x eventsourcing |\n|---|---|---|")
    for name, rates in results.items():
        print(f"| {name} | {max(rates):,.0f} | {max(rates) / reference:.2f} |")


if __name__ == "__main__":
    main()
