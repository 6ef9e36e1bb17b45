"""The installed `ledger` console script, run as a real process: entry point, exit codes, streams."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHIPPED = Path(__file__).resolve().parents[1] / "ledger.db"
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent))


def ledger(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    return subprocess.run([LEDGER, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(autouse=True)
def installed():
    if LEDGER is None:
        pytest.fail(f"no `ledger` script next to {sys.executable}: run `pip install -e .`")


def test_replay_json_from_a_copy_of_the_shipped_db(tmp_path):
    db = Path(shutil.copy(SHIPPED, tmp_path / "ledger.db"))
    proc = ledger("--db", db, "replay", "--as-of", "2000-06-30", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    [issuer] = json.loads(proc.stdout)["issuers"]
    assert issuer["issuer"]["name"] == "NeoTherapeutics, Inc."
    totals = issuer["totals"]
    assert (totals["common_shares"], totals["warrant_shares_outstanding"],
            totals["undetermined_warrant_tranches"], totals["capital_raised"]) == (1865918, 430839, 5, "29000000")


def test_empty_file_exits_2_with_one_line_and_no_traceback(tmp_path):
    empty, db = tmp_path / "empty.txt", tmp_path / "ledger.db"
    empty.write_bytes(b"")
    proc = ledger("--db", db, "ingest", empty)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert [line for line in lines if str(empty) in line] == [f"error: {empty}: is empty"]
    assert lines == [f"error: {empty}: is empty",
                     "0 filing(s) read, 0 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 1 failed"]


def test_missing_db_exits_2(tmp_path):
    db = tmp_path / "missing.db"
    proc = ledger("--db", db, "verify")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"error: {db}: no ledger database here; create one with `ledger --db {db} ingest FILE...`"]
    assert not db.exists()


def test_reading_commands_do_not_load_the_extractor():
    """Start-up is part of every command's time: replay, verify and export never import the
    extraction passes (a third of start-up), only ingest does."""
    code = ("import sys, cli.app; print(sorted(m for m in sys.modules "
            "if m.startswith(('ledger.extract', 'ledger.ingest', 'lxml'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
