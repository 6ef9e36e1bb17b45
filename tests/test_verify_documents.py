"""`verify` covers the stored filing texts: each filing event names its text's sha256, and the
chain covers the filing event, so the stored bytes must still hash to it."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import FILINGS_DIR as FILINGS
from tests.test_tamper import unlock

FIRST = "000_ba47be5c523c5283.txt"      # the November 1999 8-K: seq 1 is its filing event


@pytest.fixture
def db(built_db, tmp_path) -> Path:
    return Path(shutil.copy(built_db, tmp_path / "ledger.db"))


def tamper(db: Path, sql: str, **params) -> None:
    con = unlock(db)
    con.execute(sql, params)
    con.commit()
    con.close()


def verify(run, db: Path) -> str:
    result = run("--db", db, "verify")
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    return line


def test_an_intact_ledger_checks_every_filing_text(run, db):
    result = run("--db", db, "verify")
    assert result.exit_code == 0 and "ok, 30 events, hash chain and stream versions intact, 5 filing text(s) unchanged" in result.stderr


def test_rewritten_filing_bytes_are_caught(run, db):
    tamper(db, "UPDATE documents SET raw = CAST(replace(CAST(raw AS TEXT), '845,594', '945,594') AS BLOB) "
               "WHERE source_name = :name", name=FIRST)
    line = verify(run, db)
    assert f"seq 1: the stored text of {FIRST} changed: its bytes no longer hash to" in line


def test_rewritten_normalised_text_is_caught(run, db):
    tamper(db, "UPDATE documents SET normalised = replace(normalised, '845,594', '945,594') "
               "WHERE source_name = :name", name=FIRST)
    assert f"seq 1: the stored normalised text of {FIRST} changed" in verify(run, db)


def test_a_text_stored_as_text_is_caught_and_show_says_so_in_one_line(run, db):
    tamper(db, "UPDATE documents SET raw = CAST(raw AS TEXT) WHERE source_name = :name", name=FIRST)
    assert f"seq 1: the stored text of {FIRST} is str, not the bytes that were read" in verify(run, db)
    shown = run("--db", db, "show", "863674c153e7-2")
    assert shown.exit_code == 2
    [line] = shown.stderr.splitlines()
    assert f"the stored text of {FIRST}" in line and "is damaged" in line and "Traceback" not in shown.output


def test_a_missing_filing_text_is_caught(run, db):
    tamper(db, "DELETE FROM documents WHERE source_name = :name", name=FIRST)
    sha = hashlib.sha256((FILINGS / FIRST).read_bytes()).hexdigest()
    assert f"seq 1: the filing text {sha[:12]} that this filing event names is missing from documents" in verify(run, db)


def test_a_malformed_row_is_reported_not_raised(run, db):
    con = unlock(db)
    con.execute("UPDATE events SET payload = X'00ff' WHERE seq = 5")    # bytes where JSON text belongs
    con.commit()
    con.close()
    assert verify(run, db) == (f"error: {db}: seq 5: malformed row (TypeError: payload is bytes, not text) "
                               "(4 rows good before it)")
