"""Tamper evidence: `ledger verify`, `ledger checkpoint` and `ledger verify --against HASH@SEQ`.

Each mutation is what someone holding the file can do with the sqlite3 module once the append-only
triggers are dropped. The chain alone catches edits, gaps and moved rows; it cannot catch rows cut
from its end or a tail rewritten with every hash recomputed. A checkpoint taken before the change
catches those too. Every mutation below is caught by one or the other, and --against catches all.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from ledger.store.chain import GENESIS, row_hash
from ledger.checkpoint import BadCheckpoint, Checkpoint
from ledger.store.sqlite_schema import APPEND_ONLY, NO_REPLACE, TRIGGERS
from ledger.ids import event_id
from ledger.store import VerifyReport, open_store, verify, verify_against

HEAD = 30                           # five example filings: 30 events
TRIGGER_NAMES = tuple(re.search(r"CREATE TRIGGER (\w+)", t).group(1) for t in TRIGGERS + NO_REPLACE)
CHECKPOINT_LINE = re.compile(r"[0-9a-f]{64}@[0-9]+\n")


# -- helpers: an attacker with the file and the sqlite3 module ----------------------------------


def unlock(db: Path) -> sqlite3.Connection:
    """Drop the append-only triggers, as anyone with write access to the file can."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    present = {r["name"] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert present == set(TRIGGER_NAMES) and len(TRIGGER_NAMES) == 3 * len(APPEND_ONLY)
    for name in TRIGGER_NAMES:
        con.execute(f"DROP TRIGGER {name}")  # names from ledger.store.sqlite_schema, not user input
    return con


def row(con: sqlite3.Connection, seq: int) -> dict:
    return dict(con.execute("SELECT * FROM events WHERE seq = ?", (seq,)).fetchone())


def columns(con: sqlite3.Connection) -> list[str]:
    return [r["name"] for r in con.execute("PRAGMA table_info(events)")]


def insert(con: sqlite3.Connection, values: dict) -> None:
    names = list(values)
    con.execute(f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [values[n] for n in names])


def rehash_from(con: sqlite3.Connection, seq: int) -> None:
    """What a careful forger does after an edit: recompute every hash from the edited row on."""
    prev = row(con, seq - 1)["hash"] if seq > 1 else GENESIS
    for r in [dict(r) for r in con.execute("SELECT * FROM events WHERE seq >= ? ORDER BY seq", (seq,))]:
        new = row_hash(prev, r)
        con.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, new, r["seq"]))
        prev = new


def swap_columns(con: sqlite3.Connection, a: int, b: int, names: list[str]) -> None:
    ra, rb = row(con, a), row(con, b)
    sets = ", ".join(f"{n} = ?" for n in names)
    if "event_id" in names:  # event_id and (stream, version) are UNIQUE: park row a out of the way first
        con.execute("UPDATE events SET event_id = 'parked', stream = 'parked' WHERE seq = ?", (a,))
    con.execute(f"UPDATE events SET {sets} WHERE seq = ?", [ra[n] for n in names] + [b])
    con.execute(f"UPDATE events SET {sets} WHERE seq = ?", [rb[n] for n in names] + [a])


def shift_tail_up(con: sqlite3.Connection, after: int) -> None:
    """Make room at seq ``after + 1``: every later row moves up by one (through a temp table)."""
    cols = columns(con)
    shifted = ", ".join("seq + 1" if c == "seq" else c for c in cols)
    con.execute("CREATE TEMP TABLE tail AS SELECT * FROM events WHERE seq > ?", (after,))
    con.execute("DELETE FROM events WHERE seq > ?", (after,))
    con.execute(f"INSERT INTO events ({', '.join(cols)}) SELECT {shifted} FROM tail")
    con.execute("DROP TABLE tail")


FORGED_STREAM = "sha256:" + "f0" * 32
FORGED_SHARES = 1_000_000


def forge_row_after(con: sqlite3.Connection, after: int) -> dict:
    """A self-consistent forged filing: a 1,000,000-share common issue, in a stream of its own (so
    stream versions stay right), listed in `streams` too, hashed onto the row before it."""
    model = row(con, 2)  # a genuine common_issued of the same issuer, as a template
    payload = json.loads(model["payload"])
    payload.update(shares=FORGED_SHARES, consideration="1", provenance={**payload["provenance"],
                                                                         "filing": FORGED_STREAM})
    forged = {**model, "seq": after + 1, "stream": FORGED_STREAM, "version": 1,
              "event_id": event_id(FORGED_STREAM, 1), "effective_date": "2000-01-03",
              "payload": json.dumps(payload, sort_keys=True, separators=(",", ":")),
              "prev_hash": row(con, after)["hash"]}
    forged["hash"] = row_hash(forged["prev_hash"], forged)
    stream = dict(con.execute("SELECT * FROM streams WHERE stream = ?", (model["stream"],)).fetchone())
    con.execute(f"INSERT INTO streams ({', '.join(stream)}) VALUES ({', '.join('?' * len(stream))})",
                [FORGED_STREAM if k == "stream" else v for k, v in stream.items()])
    insert(con, forged)
    return forged


# -- the mutations -------------------------------------------------------------------------------


def edited_payload(con):
    con.execute("UPDATE events SET payload = replace(payload, '845594', '945594') WHERE seq = 2")


def deleted_middle_row(con):
    con.execute("DELETE FROM events WHERE seq = 15")


def swapped_payloads(con):
    swap_columns(con, 3, 10, ["payload", "quote"])  # two warrant grants, in different filings


def swapped_rows(con):
    """Two whole rows trade places: every column but seq, their own hashes included."""
    swap_columns(con, 4, 10, [c for c in columns(con) if c != "seq"])


def swapped_payloads_rehashed(con):
    swap_columns(con, 10, 15, ["payload", "quote"])
    rehash_from(con, 10)


def inserted_middle_row(con):
    shift_tail_up(con, after=12)
    forge_row_after(con, 12)


def inserted_middle_row_rehashed(con):
    shift_tail_up(con, after=12)
    forge_row_after(con, 12)
    rehash_from(con, 14)


def deleted_tail_rows(con):
    con.execute("DELETE FROM events WHERE seq > 28")


def rewritten_tail(con):
    """The last filing's additional closing grows from 525,000 shares to 925,000, and the chain from
    there is recomputed with ledger.store.chain.row_hash: every row checks out against its predecessor."""
    con.execute("UPDATE events SET payload = replace(payload, '\"shares\":525000', '\"shares\":925000') "
                "WHERE seq = 28")
    assert '"shares":925000' in row(con, 28)["payload"]
    rehash_from(con, 28)


def rewritten_and_extended_tail(con):
    """The last two rows cut, and three forged rows chained on in their place."""
    con.execute("DELETE FROM events WHERE seq > 28")
    forge_row_after(con, 28)
    for seq in (30, 31):
        r = {**row(con, seq - 1), "seq": seq, "version": seq - 28,
             "event_id": event_id(FORGED_STREAM, seq - 28), "prev_hash": row(con, seq - 1)["hash"]}
        r["hash"] = row_hash(r["prev_hash"], r)
        insert(con, r)


@attrs.frozen
class Case:
    mutate: Callable[[sqlite3.Connection], None]
    chain_seq: int | None          # the first bad seq plain verify names; None: plain verify passes
    chain_problem: str | None = None
    chain_good: int | None = None  # rows good before it, when not chain_seq - 1
    against: str | None = None     # what --against says when the chain itself holds


CASES = {
    "edited payload": Case(edited_payload, 2, "row content changed: hash mismatch"),
    "deleted middle row": Case(deleted_middle_row, 16, "row missing before seq 16", chain_good=14),
    "swapped payloads": Case(swapped_payloads, 3, "row content changed: hash mismatch"),
    "swapped rows": Case(swapped_rows, 4, "prev_hash does not match the hash of seq 3"),
    "row inserted in the middle": Case(inserted_middle_row, 14, "prev_hash does not match the hash of seq 13"),
    # Caught only by the checkpoint:
    "swapped payloads, chain recomputed": Case(
        swapped_payloads_rehashed, None, against=f"seq {HEAD}: hash is "),
    "row inserted in the middle, chain recomputed": Case(
        inserted_middle_row_rehashed, None, against=f"seq {HEAD}: hash is "),
    "deleted tail rows": Case(
        deleted_tail_rows, None, against=f"the ledger has 28 events; the checkpoint is at seq {HEAD}: rows were removed"),
    "rewritten tail, chain recomputed": Case(
        rewritten_tail, None, against=f"seq {HEAD}: hash is "),
    "tail cut and forged rows chained on": Case(
        rewritten_and_extended_tail, None, against=f"seq {HEAD}: hash is "),
}


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checkpoint(run, built_db) -> str:
    """`ledger checkpoint` of the five filings, taken before anything is changed."""
    result = run("--db", built_db, "checkpoint")
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture
def tamper(db_copy) -> Callable[[Callable], Path]:
    """Apply a mutation to a fresh copy of the ledger, with its triggers dropped, and commit it."""

    def apply(mutate) -> Path:
        con = unlock(db_copy)
        try:
            mutate(con)
            con.commit()
        finally:
            con.close()
        return db_copy

    return apply


# -- every mutation is caught --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_every_mutation_is_caught(run, tamper, checkpoint, name):
    case = CASES[name]
    db = tamper(case.mutate)

    plain = run("--db", db, "verify")
    against = run("--db", db, "verify", "--against", checkpoint)
    assert plain.stdout == against.stdout == ""
    assert against.exit_code == 1, (name, against.output)

    if case.chain_seq is not None:
        # The chain catches it; --against reports the same first bad row.
        assert plain.exit_code == 1, (name, plain.output)
        good = case.chain_seq - 1 if case.chain_good is None else case.chain_good
        expected = f"error: {db}: seq {case.chain_seq}: {case.chain_problem} ({good} rows good before it)"
        assert plain.stderr.strip() == expected
        assert against.stderr.strip() == expected
    else:
        # The chain is self-consistent: plain verify is fooled, the checkpoint is not.
        assert plain.exit_code == 0, (name, plain.output)
        assert "ok," in plain.stderr and "hash chain and stream versions intact" in plain.stderr
        assert against.stderr.startswith(f"error: {db}: {case.against}"), against.stderr
        assert "the hash chain itself is intact" in against.stderr


def test_a_rewritten_tail_passes_verify_but_not_against(run, tamper, checkpoint):
    """Exactly the attack a chain alone cannot see: an edit with every later hash recomputed."""
    db = tamper(rewritten_tail)
    plain = run("--db", db, "verify")
    assert plain.exit_code == 0 and f"ok, {HEAD} events" in plain.stderr

    old_hash = Checkpoint.parse(checkpoint).hash
    with open_store(db) as store:
        new_seq, new_hash = store.head()
    assert (new_seq, new_hash != old_hash) == (HEAD, True)
    result = run("--db", db, "verify", "--against", checkpoint)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {db}: seq {HEAD}: hash is {new_hash} but the checkpoint says {old_hash}: the ledger was "
        f"rewritten at or before seq {HEAD} (the hash chain itself is intact over {HEAD} events)")


def test_deleted_tail_says_rows_were_removed(run, tamper, checkpoint):
    db = tamper(deleted_tail_rows)
    plain = run("--db", db, "verify")
    assert plain.exit_code == 0 and "ok, 28 events" in plain.stderr
    result = run("--db", db, "verify", "--against", checkpoint)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {db}: the ledger has 28 events; the checkpoint is at seq {HEAD}: rows were removed "
        "(the hash chain itself is intact over 28 events)")


def test_the_forged_insert_changes_the_figures_that_plain_verify_vouches_for(run, tamper, checkpoint):
    """Why the checkpoint matters: this ledger passes plain verify and tells a different story."""
    db = tamper(inserted_middle_row_rehashed)
    assert run("--db", db, "verify").exit_code == 0
    replay = json.loads(run("--db", db, "replay", "--as-of", "2000-06-30", "--format", "json").stdout)
    assert replay["issuers"][0]["totals"]["common_shares"] == 1865918 + FORGED_SHARES
    assert run("--db", db, "verify", "--against", checkpoint).exit_code == 1


# -- a genuine ledger passes -------------------------------------------------------------------


def test_a_later_genuine_append_still_extends_an_earlier_checkpoint(run, tmp_path, filings):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", *filings[:3]).exit_code == 0
    early = run("--db", db, "checkpoint").stdout.strip()
    assert run("--db", db, "ingest", *filings[3:]).exit_code == 0
    late = run("--db", db, "checkpoint").stdout.strip()
    assert Checkpoint.parse(early).seq < Checkpoint.parse(late).seq == HEAD

    for cp in (early, late, Checkpoint.genesis()):
        result = run("--db", db, "verify", "--against", cp)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr.strip() == (
            f"{db}: ok, {HEAD} events, hash chain and stream versions intact, 5 filing text(s) unchanged; "
            f"extends checkpoint {cp}")


def test_a_rewritten_tail_after_an_earlier_checkpoint_and_before_a_later_one(run, tmp_path, filings):
    """The early checkpoint predates the rewritten rows; the later one catches them."""
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", *filings).exit_code == 0
    with open_store(db) as store:
        early = str(Checkpoint(27, next(store.log(after_seq=26)).hash))
    late = run("--db", db, "checkpoint").stdout.strip()
    con = unlock(db)
    rewritten_tail(con)  # from seq 28 on
    con.commit()
    con.close()
    assert run("--db", db, "verify", "--against", early).exit_code == 0
    assert run("--db", db, "verify", "--against", late).exit_code == 1


# -- `ledger checkpoint` -------------------------------------------------------------------------


def test_checkpoint_prints_the_head_and_nothing_else(run, built_db, checkpoint):
    result = run("--db", built_db, "checkpoint")
    assert result.exit_code == 0
    assert CHECKPOINT_LINE.fullmatch(result.stdout), result.stdout
    with open_store(built_db) as store:
        seq, head = store.head()
    assert result.stdout == f"{head}@{seq}\n" == checkpoint + "\n"
    assert seq == HEAD
    assert "ledger verify --against" in result.stderr  # the hint goes to stderr


def test_checkpoint_as_json(run, built_db, checkpoint):
    result = run("--db", built_db, "checkpoint", "--format", "json")
    assert result.exit_code == 0
    cp = Checkpoint.parse(checkpoint)
    assert json.loads(result.stdout) == {"seq": cp.seq, "hash": cp.hash}
    assert result.stdout.count("\n") == 1


def test_checkpoint_of_an_empty_ledger_is_genesis(run, tmp_path):
    db = tmp_path / "empty.db"
    open_store(db, create=True).close()
    result = run("--db", db, "checkpoint")
    assert (result.exit_code, result.stdout) == (0, "0" * 64 + "@0\n")
    assert run("--db", db, "verify", "--against", result.stdout.strip()).exit_code == 0


def test_checkpoint_refuses_a_broken_ledger(run, tamper):
    db = tamper(edited_payload)
    result = run("--db", db, "checkpoint")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{db}: not checkpointed: the ledger fails verify",
        f"error: {db}: seq 2: row content changed: hash mismatch (1 rows good before it)"]


def test_checkpoint_of_a_missing_ledger(run, tmp_path):
    db = tmp_path / "missing.db"
    result = run("--db", db, "checkpoint")
    assert result.exit_code == 2 and result.stdout == ""
    assert "no ledger database here" in result.stderr and not db.exists()


# -- malformed checkpoints -----------------------------------------------------------------------


H = "ab" * 32


@pytest.mark.parametrize("text, says", [
    ("", "expected HASH@SEQ"),
    (H, "expected HASH@SEQ"),
    (f"{H}@3@4", "expected HASH@SEQ"),
    (f"{H[:-1]}@3", "must be 64 hex digits"),
    (f"{H[:-1]}g@3", "must be 64 hex digits"),
    ("@3", "must be 64 hex digits"),
    (f"{H}@", "must be a whole number"),
    (f"{H}@-1", "must be a whole number"),
    (f"{H}@3.0", "must be a whole number"),
    (f"{H}@x", "must be a whole number"),
    (f"{H}@0", "seq 0 is the empty ledger"),
])
def test_a_malformed_checkpoint_is_exit_2(run, built_db, text, says):
    result = run("--db", built_db, "verify", "--against", text)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {text!r} is not a checkpoint: ") and says in line
    with pytest.raises(BadCheckpoint, match=re.escape(says)):
        Checkpoint.parse(text)


def test_a_checkpoint_beyond_the_ledger_or_from_another_one_is_exit_1(run, built_db, checkpoint):
    beyond = run("--db", built_db, "verify", "--against", f"{H}@31")
    assert beyond.exit_code == 1
    assert "the ledger has 30 events; the checkpoint is at seq 31: rows were removed" in beyond.stderr
    other = run("--db", built_db, "verify", "--against", f"{H}@12")
    assert other.exit_code == 1
    assert "seq 12: hash is " in other.stderr and f"but the checkpoint says {H}: the ledger was rewritten at or before seq 12" in other.stderr


def test_checkpoint_text_round_trips_and_ignores_case_and_blanks():
    cp = Checkpoint(12, H)
    assert str(cp) == f"{H}@12"
    assert Checkpoint.parse(f"  {H.upper()}@12\n") == cp
    assert Checkpoint.parse(str(Checkpoint.genesis())) == Checkpoint(0, GENESIS)


# -- the store API -------------------------------------------------------------------------------


def test_store_verify_against(built_db, tmp_path):
    db = Path(shutil.copy(built_db, tmp_path / "ledger.db"))
    with open_store(db) as store:
        seq, head = store.head()
        twelfth = next(store.log(after_seq=11)).hash
        assert verify_against(store, seq, head) == verify(store) == VerifyReport(ok=True, checked=HEAD, documents=5)
        assert verify_against(store, 12, twelfth).ok
        assert verify_against(store, 0, GENESIS).ok

        wrong = verify_against(store, 12, H)
        assert (wrong.ok, wrong.bad_seq, wrong.checked, wrong.against_checkpoint) == (False, 12, HEAD, True)
        assert wrong.problem == (f"seq 12: hash is {twelfth} but the checkpoint says {H}: "
                                 "the ledger was rewritten at or before seq 12")
        beyond = verify_against(store, HEAD + 5, H)
        assert (beyond.bad_seq, beyond.against_checkpoint) == (HEAD + 5, True)
        assert beyond.problem == f"the ledger has {HEAD} events; the checkpoint is at seq {HEAD + 5}: rows were removed"
        not_genesis = verify_against(store, 0, H)
        assert (not_genesis.ok, not_genesis.bad_seq) == (False, 0)
        with pytest.raises(ValueError):
            verify_against(store, -1, H)

    con = unlock(db)
    edited_payload(con)
    con.commit()
    con.close()
    with open_store(db) as store:
        # A broken chain is reported as verify() reports it, before the checkpoint is looked at.
        assert verify_against(store, HEAD, head) == verify(store)
        assert verify_against(store, HEAD, head).against_checkpoint is False
