"""PostgreSQL for the tests: each test gets a fresh schema on the server LEDGER_PG_URL names.

`.ci/run` starts a throwaway server and sets LEDGER_PG_URL (`.ci/postgres start` does it by hand);
without it the PostgreSQL tests are skipped and say why. A ledger lives in the connection's
current schema, so a URL whose search_path names a new schema is a new, empty ledger; the schema
is dropped after the test.
"""
from __future__ import annotations

import os
import urllib.parse
import uuid

import pytest

SKIP_REASON = "no PostgreSQL server: set LEDGER_PG_URL (.ci/run starts one)"


def server_url() -> str:
    url = os.environ.get("LEDGER_PG_URL")
    if not url:
        pytest.skip(SKIP_REASON)
    return url


def with_options(url: str, *settings: str) -> str:
    """The URL with server settings added to its ``options`` (``-c name=value`` each)."""
    base, _, query = url.partition("?")
    params = urllib.parse.parse_qsl(query, keep_blank_values=True)
    options = " ".join([v for k, v in params if k == "options"] + [f"-c{s}" for s in settings])
    kept = [(k, v) for k, v in params if k != "options"] + [("options", options)]
    return base + "?" + urllib.parse.urlencode(kept, safe="/", quote_via=urllib.parse.quote)


def connect(url: str):
    """A plain psycopg connection (autocommit), for what the tests do around the store."""
    import psycopg
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def pg_schema():
    """A new, empty schema on the server: (server URL, schema name). Dropped afterwards."""
    base = server_url()
    from psycopg import sql
    schema = f"ledger_t_{uuid.uuid4().hex[:12]}"
    with connect(base) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield base, schema
    with connect(base) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def pg_url(pg_schema) -> str:
    """A URL whose ledger lives in a fresh schema of its own: ``open_store(pg_url, create=True)``."""
    base, schema = pg_schema
    return with_options(base, f"search_path={schema}")
