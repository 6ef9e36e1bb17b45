"""The engines every contract test runs on."""
from __future__ import annotations

import pytest

from ledger.store import open_store

try:   # PostgreSQL's fixtures: a fresh schema per test on the LEDGER_PG_URL server
    from tests.pg_support import pg_schema, pg_url  # noqa: F401 - fixtures, used by name
except ImportError:   # pragma: no cover - before the PostgreSQL engine existed
    @pytest.fixture
    def pg_url():
        pytest.skip("no PostgreSQL support in this tree")

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
