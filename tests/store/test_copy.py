"""`ledger copy` between engines, and replay through the CLI giving the same JSON on each."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.services.copy import CopyFailed, copy_ledger
from ledger.store import open_store
from tests.store.support import D1, S1, filing, info, one_stream, stream_id

LANGUAGE = Path(__file__).resolve().parents[1] / "language" / "filings"


@pytest.fixture
def server_or_file(engine, location):
    """A location the CLI can reopen between commands: the memory store lives in one process."""
    if engine == "memory":
        pytest.skip("the memory store does not outlive a command")
    return location


def test_copy_gives_the_same_rows_and_head_and_copies_back(built_db, location, tmp_path):
    with open_store(built_db, read_only=True) as source, open_store(location, create=True) as target:
        report = copy_ledger(source, target)
        assert (report.events, report.filings, report.resumed_after) == (30, 5, 0)
        assert report.head == source.head() == target.head() and report.head[0] == 30
        assert report.source_check.ok and report.target_check.ok and report.target_check.documents == 5
        assert list(target.rows()) == list(source.rows())
        assert list(target.streams()) == list(source.streams())
        assert [target.document(i.raw_sha256) for i in target.streams()] == \
               [source.document(i.raw_sha256) for i in source.streams()]
        with open_store(tmp_path / "back.db", create=True) as back:
            copy_ledger(target, back)
            assert list(back.rows()) == list(source.rows())


def test_an_interrupted_copy_is_finished_and_a_foreign_target_refused(built_db, location):
    with open_store(built_db, read_only=True) as source, open_store(location, create=True) as target:
        rows = list(source.rows())
        first = [r for r in rows if r.stream == rows[0].stream]
        [info0] = source.streams(stream=rows[0].stream)
        target.append_encoded(info0, [r.encoded for r in first], source.document(info0.raw_sha256),
                              recorded_at=first[0].recorded_at)
        report = copy_ledger(source, target)
        assert (report.resumed_after, report.events, report.filings) == (len(first), 30 - len(first), 4)
        assert target.head() == source.head()


def test_a_target_holding_another_ledger_is_refused_and_left_alone(built_db, location):
    with open_store(built_db, read_only=True) as source, open_store(location, create=True) as target:
        one_stream(target, stream_id("elsewhere"))
        before = list(target.rows())
        with pytest.raises(CopyFailed, match="not an earlier, partial copy"):
            copy_ledger(source, target)
        assert list(target.rows()) == before


def test_the_cli_copies_to_a_new_ledger_and_proves_it(run, built_db, server_or_file):
    result = run("copy", "--from", built_db, "--to", server_or_file)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    with open_store(built_db, read_only=True) as source:
        seq, head = source.head()
    assert lines[0].startswith("copied 30 event(s) in 5 filing(s) from ") and lines[0].endswith(f"both end at {head}@{seq}")
    assert lines[1] == "verify: ok on both, 30 events, 5 filing text(s)"
    again = run("copy", "--from", built_db, "--to", server_or_file)
    assert again.exit_code == 0 and "copied 0 event(s) in 0 filing(s)" in again.stderr
    assert "(it already held the first 30)" in again.stderr


def test_the_cli_refuses_a_copy_into_another_ledger_in_one_line(run, built_db, tmp_path):
    other = tmp_path / "other.db"
    with open_store(other, create=True) as store:
        store.append(info(), [filing(S1, D1)])
    result = run("copy", "--from", built_db, "--to", other)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {other} is not empty and is not an earlier, partial copy of {built_db}")
    same = run("copy", "--from", built_db, "--to", built_db)
    assert same.exit_code == 2 and same.stderr == f"error: --from and --to are the same ledger ({built_db})\n"
    missing = run("copy", "--from", tmp_path / "none.db", "--to", tmp_path / "new.db")
    assert missing.exit_code == 2 and "none.db: no ledger database here" in missing.stderr
    assert not (tmp_path / "new.db").exists() or open_store(tmp_path / "new.db").count() == 0


def _replays(run, db) -> list:
    out = []
    for as_of in ("1999-12-31", "2000-06-30", "2030-01-01"):
        result = run("--db", db, "replay", "--as-of", as_of, "--format", "json")
        assert result.exit_code == 0, result.output
        out.append(json.loads(result.stdout))
    return out


def test_replay_gives_the_same_json_on_every_engine(run, filings, server_or_file, tmp_path):
    """The five filings and the language set (42 documents written for the extractor's tests),
    ingested into SQLite and into this engine: the same figures and the same history."""
    files = [*filings, *sorted(LANGUAGE.iterdir())]
    reference = tmp_path / "reference.db"
    for db in (reference, server_or_file):
        result = run("--db", db, "ingest", "--jobs", "1", *files) if _has_jobs(run) else run("--db", db, "ingest", *files)
        assert "0 failed" in result.stderr.splitlines()[-1], result.stderr
    mine, theirs = _replays(run, server_or_file), _replays(run, reference)
    assert mine == theirs
    assert sum(len(r["issuers"]) for r in mine) > 10


def _has_jobs(run) -> bool:
    return "--jobs" in run("ingest", "--help").stdout
