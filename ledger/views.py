"""Projections over a store: what the CLI asks for, in one call each."""
from __future__ import annotations

from datetime import date

from ledger.projections import Replay, replay
from ledger.store import EventStore


def replay_ledger(store: EventStore, *, as_of: date, known_at: date | None = None) -> Replay:
    """Cap tables and warrants of every issuer as of ``as_of`` (inclusive), streamed from the store."""
    issuers = {info.issuer_key: info.issuer for info in store.streams()}
    return replay(store.read(as_of=as_of), as_of=as_of, issuers=issuers, known_at=known_at)
