"""The store: a small contract (contract.py) and the engines behind it.

``open_store(location)`` picks the engine from the location: a ``postgresql://`` (or
``postgres://``) URL opens PostgreSQL through psycopg 3 (the ``[postgres]`` extra), ``memory:`` an
in-memory store for tests, and anything else a SQLite file (``:memory:`` an in-memory SQLite).
Nothing outside this package imports an engine.
"""
from __future__ import annotations

import os

from ledger.store.chain import GENESIS
from ledger.store.contract import SCHEMA_VERSION, Store
from ledger.store.location import is_server, redact
from ledger.store.mapping import DamagedDocument, EncodedEvent, EventRow, UnreadableEvent, encode
from ledger.store.verify import VerifyReport, verify, verify_against

__all__ = [
    "GENESIS", "SCHEMA_VERSION", "DamagedDocument", "EncodedEvent", "EventRow", "Store", "UnreadableEvent",
    "VerifyReport", "encode", "is_server", "open_store", "redact", "verify", "verify_against",
]

MEMORY = "memory:"


def open_store(location: str | os.PathLike, *, create: bool = False, read_only: bool = False) -> Store:
    """Open (or with ``create``, make) a ledger. ``read_only`` opens it as a reader: nothing is
    written and no lock is taken."""
    name = os.fspath(location)
    if is_server(name):
        from ledger.store.postgres import PostgresStore   # imports psycopg: only when asked for
        return PostgresStore.open(name, create=create, read_only=read_only)
    if name == MEMORY:
        from ledger.store.memory import MemoryStore
        return MemoryStore()
    from ledger.store.sqlite import SQLiteStore
    return SQLiteStore.open(name, create=create, read_only=read_only)
