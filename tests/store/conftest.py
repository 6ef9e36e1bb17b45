"""The engines every contract test runs on."""
from __future__ import annotations

import pytest

from ledger.store import open_store

ENGINES = ("memory", "sqlite", "postgres")


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


@pytest.fixture
def location(engine, request, tmp_path) -> str:
    """Where an empty ledger of this engine is: a memory store, a SQLite file, a PostgreSQL schema."""
    if engine == "memory":
        return "memory:"
    if engine == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(location):
    with open_store(location, create=True) as opened:
        yield opened
