"""Shared fixtures for the CLI tests: the example filings, a CLI runner, and a built ledger."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

# PostgreSQL's fixtures (pg_schema, pg_url) for any test that asks: a fresh schema on the server
# LEDGER_PG_URL names, or a skip that says why.
pytest_plugins = ["tests.pg_support"]

ROOT = Path(__file__).resolve().parents[1]
FILINGS_DIR = ROOT / "examples" / "filings"
SHIPPED_DB = ROOT / "ledger.db"


@pytest.fixture(scope="session")
def filings() -> list[Path]:
    """The five example 8-Ks, in the order `examples/filings/*.txt` expands to."""
    paths = sorted(FILINGS_DIR.glob("*.txt"))
    assert len(paths) == 5, paths
    return paths


@pytest.fixture(scope="session")
def run():
    """Invoke the `ledger` app in-process. stdout and stderr come back separately
    (result.stdout, result.stderr). LEDGER_DB from the caller's environment is removed
    unless a test passes it."""
    runner = CliRunner()

    def invoke(*args, env: dict | None = None):
        return runner.invoke(app, [str(a) for a in args], env={"LEDGER_DB": None, **(env or {})})

    return invoke


@pytest.fixture(scope="session")
def built_db(tmp_path_factory, run, filings) -> Path:
    """A ledger of the five filings, ingested through the CLI once per session. Read-only:
    tests that change a ledger take `db_copy`."""
    db = tmp_path_factory.mktemp("built") / "ledger.db"
    result = run("--db", db, "ingest", *filings)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db_copy(built_db, tmp_path) -> Path:
    """A private copy of the built ledger, free to change."""
    return Path(shutil.copy(built_db, tmp_path / "ledger.db"))
