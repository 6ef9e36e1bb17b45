"""Snapshots: an issuer's replay state at a date, kept beside the events so an as-of replay folds
only the events after it. A snapshot is a cache, not a record: it is rebuilt from the events,
replaced whole for its issuer, and never needed (a replay without one folds every event).

The invariant every engine keeps: the snapshots of an issuer with ``covers_seq = S`` are the fold
of exactly that issuer's events with seq <= S. ``put_snapshots`` refuses them (returns False) once
the issuer has an event with a later seq, checked inside its write transaction, so a writer that
recorded something meanwhile can never leave a snapshot that misses it."""
from __future__ import annotations

from datetime import date

import attrs


@attrs.frozen
class Snapshot:
    issuer_key: str
    as_of: date             # covers the issuer's events dated on or before this day ...
    covers_seq: int         # ... recorded up to this seq
    events: int             # how many events the fold had taken in by then
    max_public: date | None  # the latest public date among the issuer's events up to covers_seq
    undated: bool           # some of them have no public date
    state: bytes            # ledger.projections.state.dump


COLUMNS = ("issuer_key", "as_of", "covers_seq", "events", "max_public", "undated", "state")


def to_row(s: Snapshot) -> dict:
    return {"issuer_key": s.issuer_key, "as_of": s.as_of.isoformat(), "covers_seq": s.covers_seq,
            "events": s.events, "max_public": None if s.max_public is None else s.max_public.isoformat(),
            "undated": int(s.undated), "state": s.state}


def from_row(r) -> Snapshot:
    return Snapshot(r["issuer_key"], date.fromisoformat(r["as_of"]), r["covers_seq"], r["events"],
                    None if r["max_public"] is None else date.fromisoformat(r["max_public"]), bool(r["undated"]),
                    bytes(r["state"]))


def from_tuple(t) -> Snapshot:
    """``from_row`` for a row of the COLUMNS, in their order, as a tuple (no dict per row)."""
    return Snapshot(t[0], date.fromisoformat(t[1]), t[2], t[3], None if t[4] is None else date.fromisoformat(t[4]),
                    bool(t[5]), bytes(t[6]))


SELECT = f"SELECT {', '.join(COLUMNS)} FROM snapshots"

SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS snapshots (issuer_key TEXT NOT NULL, as_of TEXT NOT NULL, "
    "covers_seq INTEGER NOT NULL, events INTEGER NOT NULL, max_public TEXT, undated INTEGER NOT NULL, "
    "state BLOB NOT NULL, PRIMARY KEY (issuer_key, as_of))"
)
POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS snapshots (issuer_key TEXT NOT NULL, as_of TEXT NOT NULL, "
    "covers_seq BIGINT NOT NULL, events BIGINT NOT NULL, max_public TEXT, undated INTEGER NOT NULL, "
    "state BYTEA NOT NULL, PRIMARY KEY (issuer_key, as_of))"
)
