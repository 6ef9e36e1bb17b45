"""Decode: stored rows into StoredEvents, the lean read path against the cattrs path, in one run.

    .venv/bin/python bench/decode.py --db bench/out/bench.db [--repeat 5] [--as-of 2010-06-30]

Any ledger will do (bench/run.py --db keeps one). Side by side, alternating runs so that a busy
machine weighs on both alike, CPU time of this process (median):

- fetch: the read SQL through bare sqlite3, rows fetched as tuples and nothing else; what the
  paths below take beyond it is their decode (row -> StoredEvent);
- floor: the same and ``json.loads`` of each payload, nothing built;
- decode, cattrs (the reference, the read path before events.fastdecode): sqlite_utils' dict rows
  and each payload structured by ``events.codec.from_json``;
- decode, lean: ``store.read()`` as it is, cursor tuples and ``events.fastdecode``;
- ``replay_ledger`` whole-ledger as of the date, with the store reading each way.

The decode figures read every event (no date bound); per event they include the row fetch.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events import codec   # noqa: E402
from events.envelope import StoredEvent   # noqa: E402
from ledger.store import open_store   # noqa: E402
from ledger.store.mapping import UnreadableEvent, to_date   # noqa: E402
from ledger.store.sqlite import SQLiteStore, read_sql   # noqa: E402
from ledger.views import replay_ledger   # noqa: E402

MID = date(2010, 6, 30)


def cattrs_stored(row) -> StoredEvent:
    """mapping.to_stored as it was before events.fastdecode: the reference."""
    try:
        event = codec.from_json(row["type"], row["schema_version"], row["payload"])
    except ValueError as e:
        raise UnreadableEvent(str(e)) from e
    return StoredEvent(
        seq=row["seq"], event_id=row["event_id"], stream=row["stream"], version=row["version"],
        issuer_key=row["issuer_key"], type=row["type"], schema_version=row["schema_version"],
        effective_date=date.fromisoformat(row["effective_date"]), public_date=to_date(row["public_date"]),
        recorded_at=row["recorded_at"], quote=row["quote"], prev_hash=row["prev_hash"], hash=row["hash"],
        event=event,
    )


def cattrs_rows(self, sql: str, params: dict):
    """SQLiteStore._stored_rows as it was: sqlite_utils' dict per row, then the cattrs path."""
    with self._errors():
        for row in self._db.query(sql, params):
            yield cattrs_stored(row)


LEAN_ROWS = SQLiteStore._stored_rows


def cpu(fn) -> tuple[float, object]:
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def fetch(store: SQLiteStore) -> int:
    sql, params = read_sql()
    n = 0
    for _ in store._db.conn.execute(sql, params):
        n += 1
    return n


def floor(store: SQLiteStore) -> int:
    sql, params = read_sql()
    loads = json.loads
    n = 0
    for row in store._db.conn.execute(sql, params):
        loads(row[10])
        n += 1
    return n


def read_all(store: SQLiteStore) -> int:
    n = 0
    for _ in store.read():
        n += 1
    return n


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--as-of", type=date.fromisoformat, default=MID)
    args = p.parse_args(argv)
    store = open_store(args.db, read_only=True)
    if not isinstance(store, SQLiteStore):
        raise SystemExit(f"{args.db}: this benchmark reads a SQLite ledger")
    times: dict[str, list[float]] = {"fetch": [], "floor": [], "cattrs": [], "lean": [], "replay cattrs": [], "replay lean": []}
    n = read_all(store)   # warm the page cache
    replays = {}
    try:
        for _ in range(args.repeat):
            times["fetch"].append(cpu(lambda: fetch(store))[0])
            times["floor"].append(cpu(lambda: floor(store))[0])
            for way, rows in (("cattrs", cattrs_rows), ("lean", LEAN_ROWS)):
                SQLiteStore._stored_rows = rows
                times[way].append(cpu(lambda: read_all(store))[0])
                seconds, replays[way] = cpu(lambda: replay_ledger(store, as_of=args.as_of))
                times[f"replay {way}"].append(seconds)
    finally:
        SQLiteStore._stored_rows = LEAN_ROWS
    assert replays["cattrs"] == replays["lean"], "the two read paths replayed differently"
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"{args.db}: {n:,} events; CPU seconds, median of {args.repeat} (best in brackets)")
    for k in ("fetch", "floor", "cattrs", "lean"):
        print(f"  read all, {k:<7} {med[k]:7.3f} s  {med[k] / n * 1e6:6.2f} us/event  ({best[k] / n * 1e6:6.2f})")
    per = {k: (med[k] - med["fetch"]) / n * 1e6 for k in ("floor", "cattrs", "lean")}
    print(f"  decode (row fetched -> StoredEvent): cattrs {per['cattrs']:.2f} us/event, lean {per['lean']:.2f} "
          f"us/event ({per['cattrs'] / per['lean']:.2f}x); json.loads alone {per['floor']:.2f} us/event")
    low = {k: (best[k] - best["fetch"]) / n * 1e6 for k in ("floor", "cattrs", "lean")}
    print(f"  decode, best runs: cattrs {low['cattrs']:.2f} us/event, lean {low['lean']:.2f} us/event "
          f"({low['cattrs'] / low['lean']:.2f}x)")
    print(f"  replay_ledger as of {args.as_of}: cattrs {med['replay cattrs']:.3f} s, lean {med['replay lean']:.3f} s "
          f"({med['replay cattrs'] / med['replay lean']:.2f}x); best {best['replay cattrs']:.3f} s, "
          f"{best['replay lean']:.3f} s")


if __name__ == "__main__":
    main()
