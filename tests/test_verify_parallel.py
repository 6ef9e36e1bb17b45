"""verify in pieces (ledger/store/verify_chunks.py) reports exactly what the row-by-row walk reports.

A large SQLite ledger is cut into seq ranges that worker processes check on their own; verify.py
stitches them (seams, stream versions across pieces) and walks any piece in doubt row by row. Here
the pieces are forced tiny (a few rows, so every seam and every stream split across pieces is
exercised on the five example filings' 30 events) and the reports of both ways are compared, after
any tampering, for verify and verify_against alike.
"""
from __future__ import annotations

import importlib
import shutil
import sqlite3
import sys
import tempfile
from functools import partial
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ledger.store.chain import row_hash
from ledger.store import GENESIS, VerifyReport, open_store, verify, verify_against, verify_chunks
from tests.test_tamper import CASES, HEAD, rehash_from, swap_columns, unlock

REAL_PIECES = verify_chunks.pieces


def in_pieces(piece_rows: int):
    """Every piece checked in this process, ``piece_rows`` rows each: the stitching without workers."""
    return mock.patch.object(verify_chunks, "pieces", partial(REAL_PIECES, piece_rows=piece_rows, in_process=True))


def reports(db: Path, piece_rows: int, watch: int | None = None, hash: str = GENESIS) -> tuple:
    """(the walk's report, the pieces' report), of verify, or of verify_against when ``watch`` is given."""
    store = open_store(db, read_only=True)
    try:
        def run():
            return verify(store, jobs=1) if watch is None else verify_against(store, watch, hash, jobs=1)
        walked = run()
        with in_pieces(piece_rows):
            return walked, run()
    finally:
        store.close()


def tampered(built_db: Path, folder: str, *mutations, lenient: bool = False) -> Path:
    """A copy of the ledger with these changes; ``lenient``: a change that finds its row gone (an
    earlier one deleted it) or breaks a constraint is left as far as it got."""
    db = Path(shutil.copy(built_db, Path(folder) / "ledger.db"))
    con = unlock(db)
    try:
        for mutate in mutations:
            try:
                mutate(con)
            except (TypeError, sqlite3.IntegrityError):
                if not lenient:
                    raise
        con.commit()
    finally:
        con.close()
    return db


# -- random tampering ----------------------------------------------------------------------------

seqs = st.integers(1, HEAD)


def _edit(con, seq, column):
    if column in ("version", "schema_version"):
        con.execute(f"UPDATE events SET {column} = {column} + 1000 WHERE seq = ?", (seq,))
    elif column == "hash":   # another row's hash: a row that does not hash to what it says
        con.execute("UPDATE events SET hash = (SELECT hash FROM events WHERE seq = ?) WHERE seq = ?",
                    (seq % HEAD + 1, seq))
    else:
        con.execute(f"UPDATE events SET {column} = {column} || 'x' WHERE seq = ?", (seq,))


def _rechain(con, seq, prev):
    """Each row from ``seq`` on hashed again onto ``prev``: only what is wrong before it can show."""
    for r in [dict(r) for r in con.execute("SELECT * FROM events WHERE seq >= ? ORDER BY seq", (seq,))]:
        r["prev_hash"] = prev
        prev = row_hash(prev, r)
        con.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (r["prev_hash"], prev, r["seq"]))


def _cut(con, seq):
    """A row deleted and the chain recomputed over the gap: only the seq numbers tell."""
    before = con.execute("SELECT hash FROM events WHERE seq < ? ORDER BY seq DESC LIMIT 1", (seq,)).fetchone()
    con.execute("DELETE FROM events WHERE seq = ?", (seq,))
    _rechain(con, seq + 1, before[0] if before else GENESIS)


@st.composite
def mutations(draw):
    """One change an attacker with the file can make (the append-only triggers dropped)."""
    kind = draw(st.sampled_from(["edit", "edit, chain recomputed", "delete", "delete, chain recomputed",
                                 "prev_hash, chain recomputed", "swap streams, chain recomputed",
                                 "blob version", "document", "nothing"]))
    seq = draw(seqs)
    if kind == "delete, chain recomputed":
        return lambda con: _cut(con, seq)
    if kind == "prev_hash, chain recomputed":   # only the link to the row before tells
        return lambda con: _rechain(con, seq, "ab" * 32)
    if kind == "edit":
        column = draw(st.sampled_from(["payload", "quote", "event_id", "stream", "version", "prev_hash", "hash"]))
        return lambda con: _edit(con, seq, column)
    if kind == "edit, chain recomputed":   # only the stream versions and event ids can tell
        column = draw(st.sampled_from(["event_id", "stream", "version", "payload"]))
        return lambda con: (_edit(con, seq, column), rehash_from(con, seq))
    if kind == "delete":
        return lambda con: con.execute("DELETE FROM events WHERE seq = ?", (seq,))
    if kind == "swap streams, chain recomputed":
        other = draw(seqs.filter(lambda s: s != seq))
        return lambda con: (swap_columns(con, seq, other, ["event_id", "stream", "version"]),
                            rehash_from(con, min(seq, other)))
    if kind == "blob version":
        return lambda con: con.execute("UPDATE events SET version = CAST(version AS BLOB) WHERE seq = ?", (seq,))
    if kind == "document":
        return lambda con: con.execute(
            "UPDATE documents SET raw = raw || x'20' WHERE rowid = (SELECT min(rowid) + ? FROM documents)", (seq % 5,))
    return lambda con: None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutations(), min_size=1, max_size=3), piece_rows=st.integers(1, 12),
       watch=st.none() | st.integers(0, HEAD + 2), right_hash=st.booleans())
def test_pieces_report_what_the_walk_reports_after_any_tampering(built_db, changes, piece_rows, watch, right_hash):
    with tempfile.TemporaryDirectory() as folder:
        db = tampered(built_db, folder, *changes, lenient=True)
        hash = GENESIS
        if watch is not None and right_hash:   # the hash the checkpoint would have held
            found = sqlite3.connect(built_db).execute("SELECT hash FROM events WHERE seq = ?", (watch,)).fetchone()
            hash = found[0] if found else GENESIS
        walked, pieced = reports(db, piece_rows, watch, hash)
        assert pieced == walked


@pytest.mark.parametrize("seq", [4, 5, 8, 9, 12, 24, HEAD - 1])
@pytest.mark.parametrize("how", ["cut", "relinked", "stream swapped"])
def test_a_change_at_a_seam_is_found_where_the_walk_finds_it(built_db, tmp_path, seq, how):
    """Pieces of 4 rows, (0, 4], (4, 8], ...: the change falls on a piece's last or first row, with
    the chain recomputed after it, so only the stitching can see it (12 and 24 end a stream: a cut
    there leaves only the gap in seq)."""
    change = {"cut": lambda con: _cut(con, seq), "relinked": lambda con: _rechain(con, seq, "ab" * 32),
              "stream swapped": lambda con: (swap_columns(con, seq, 1, ["event_id", "stream", "version"]),
                                             rehash_from(con, 1))}[how]
    walked, pieced = reports(tampered(built_db, str(tmp_path), change), piece_rows=4)
    assert pieced == walked
    assert not walked.ok


def test_an_intact_ledger_in_pieces_counts_every_row_and_text(built_db):
    walked, pieced = reports(built_db, 4)
    assert pieced == walked == VerifyReport(ok=True, checked=HEAD, documents=5)


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case.chain_seq is not None])
@pytest.mark.parametrize("piece_rows", [1, 2, 3, 7])
def test_each_tamper_case_is_found_at_the_same_row_in_pieces(built_db, tmp_path, name, piece_rows):
    case = CASES[name]
    walked, pieced = reports(tampered(built_db, str(tmp_path), case.mutate), piece_rows)
    assert pieced == walked
    assert (pieced.bad_seq, pieced.problem) == (case.chain_seq, case.chain_problem)


# -- real worker processes ----------------------------------------------------------------------


@pytest.fixture
def small_ledgers_in_workers(monkeypatch):
    """Worker processes for a ledger of any size, 4 pieces per worker (9 in all with 2 jobs)."""
    monkeypatch.setattr(verify_chunks, "PARALLEL_FROM", 0)


def test_worker_processes_report_what_the_walk_reports(built_db, tmp_path, small_ledgers_in_workers):
    """Whole pieces are checked in other processes here: pickled back, stitched, and on a bad
    piece walked row by row in this one. A deleted row at a piece's first row, an edit in the last."""
    verify_module = importlib.import_module("ledger.store.verify")   # the module, not the function of that name
    walked = mock.Mock(wraps=verify_module.walk_rows)
    store = open_store(built_db, read_only=True)
    try:
        with mock.patch.object(verify_module, "walk_rows", walked):
            assert verify(store, jobs=2) == VerifyReport(ok=True, checked=HEAD, documents=5)
        assert walked.call_count == 0   # every piece was found good by a worker (or this process's first)
        assert verify(store, jobs=1) == VerifyReport(ok=True, checked=HEAD, documents=5)
        head = store.head()
        assert verify_against(store, head[0], head[1], jobs=2) == VerifyReport(ok=True, checked=HEAD, documents=5)
    finally:
        store.close()
    # 9 pieces of 4 rows: (0, 4], (4, 8], ... seq 9 opens the third, seq 30 is in the last.
    # The filing text named at seq 13 (a worker's piece), changed in each way the walk tells apart.
    text_of_13 = "raw_sha256 = (SELECT json_extract(payload, '$.raw_sha256') FROM events WHERE seq = 13)"
    for name, mutate in [("seam", lambda con: con.execute("DELETE FROM events WHERE seq = 9")),
                         ("last piece", lambda con: _edit(con, 30, "quote")),
                         ("raw text", lambda con: con.execute(f"UPDATE documents SET raw = raw || x'20' WHERE {text_of_13}")),
                         ("normalised text", lambda con: con.execute(
                             f"UPDATE documents SET normalised = normalised || ' ' WHERE {text_of_13}")),
                         ("normalised as bytes", lambda con: con.execute(
                             f"UPDATE documents SET normalised = CAST(normalised AS BLOB) WHERE {text_of_13}")),
                         ("text gone", lambda con: con.execute(f"DELETE FROM documents WHERE {text_of_13}"))]:
        folder = tmp_path / name
        folder.mkdir()
        store = open_store(tampered(built_db, str(folder), mutate), read_only=True)
        try:
            walked, pieced = verify(store, jobs=1), verify(store, jobs=2)
        finally:
            store.close()
        assert pieced == walked and not pieced.ok, name
        assert pieced.bad_seq == {"seam": 10, "last piece": 30}.get(name, 13), name


def test_when_workers_cannot_start_fail_or_die_the_rows_are_walked_here(built_db, tmp_path, small_ledgers_in_workers,
                                                                        monkeypatch):
    db = tampered(built_db, str(tmp_path), lambda con: _edit(con, 20, "payload"))
    store = open_store(db, read_only=True)
    try:
        expected = verify(store, jobs=1)
        assert expected.bad_seq == 20
        with monkeypatch.context() as m:   # no process can start here
            m.setattr(verify_chunks.subprocess, "Popen", mock.Mock(side_effect=OSError("no processes")))
            assert verify(store, jobs=2) == expected
        with monkeypatch.context() as m:   # every worker fails: the file it is given is not there
            m.setattr(verify_chunks, "_sqlite_file", lambda store: str(tmp_path / "gone.db"))
            assert verify(store, jobs=2) == expected
        with monkeypatch.context() as m:   # every worker dies at once
            m.setattr(verify_chunks, "worker_command", lambda: [sys.executable, "-c", "import os; os._exit(9)"])
            assert verify(store, jobs=2) == expected
            with open_store(built_db, read_only=True) as intact:
                assert verify(intact, jobs=2) == VerifyReport(ok=True, checked=HEAD, documents=5)
    finally:
        store.close()


def test_cli_verify_with_jobs_says_what_one_job_says(run, built_db, tmp_path, small_ledgers_in_workers):
    db = tampered(built_db, str(tmp_path), lambda con: con.execute("DELETE FROM events WHERE seq = 13"))
    one, two = run("--db", db, "verify", "--jobs", "1"), run("--db", db, "verify", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert two.stderr == one.stderr
    assert "seq 14: row missing before seq 14 (12 rows good before it)" in two.stderr
    intact = run("--db", built_db, "verify", "-j", "2")
    assert intact.exit_code == 0
    assert f"ok, {HEAD} events, hash chain and stream versions intact, 5 filing text(s) unchanged" in intact.stderr
