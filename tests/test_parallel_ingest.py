"""`ledger ingest --jobs N`: extraction in worker processes, appends in input order, the same
ledger as one job; a worker that raises or dies costs only its own file."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import ledger.store.base
from ledger.ingest import Extracted, extract_file, ingest
from ledger.parallel import AHEAD, in_order
from ledger.store import open_store, verify

TEST_FILINGS = Path(__file__).parent / "filings"
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent))
SUMMARY = "8 filing(s) read, 38 event(s) appended, 1 duplicate(s) skipped, 0 with no financing facts, 2 failed"


@pytest.fixture
def batch(tmp_path, filings) -> Path:
    """The five examples, an 8-K with its 8-K/A later in the batch, a copy of a filing met earlier
    in the same batch, and two files that are not filings, in this (name) order."""
    folder = tmp_path / "batch"
    folder.mkdir()
    files = {"a.txt": filings[0], "c.txt": TEST_FILINGS / "pipe_placement_agent.txt", "d.txt": filings[1],
             "e.txt": TEST_FILINGS / "pipe_placement_agent_amendment.txt", "g.txt": filings[2],
             "h.txt": filings[3], "i.txt": filings[4], "j.txt": filings[0]}
    for name, source in files.items():
        shutil.copy(source, folder / name)
    (folder / "b.txt").write_bytes(b"")
    (folder / "f.txt").write_text("A shopping list, not a filing.\n")
    return folder


def failed_lines(folder: Path) -> list[str]:
    return ["failed:", f"  {folder / 'b.txt'}: is empty",
            f"  {folder / 'f.txt'}: is not an SEC filing (no 'Securities and Exchange Commission' or 'Form 8-K' in it)"]


def ledger_rows(db: Path, *, with_time: bool = True) -> tuple[list, list]:
    """Every event row and stream row, in recording order."""
    events = "seq, event_id, stream, version, issuer_key, type, schema_version, effective_date, payload, quote"
    streams = "stream, issuer_key, form, public_date, source_name, raw_sha256"
    if with_time:
        events, streams = events + ", recorded_at, prev_hash, hash", streams + ", recorded_at"
    with sqlite3.connect(db) as conn:
        return (conn.execute(f"SELECT {events} FROM events ORDER BY seq").fetchall(),
                conn.execute(f"SELECT {streams} FROM streams ORDER BY rowid").fetchall())


def test_two_jobs_record_the_ledger_one_job_records(run, tmp_path, batch, monkeypatch):
    # One recording time for every append, so the chains can be compared hash for hash.
    monkeypatch.setattr(ledger.store.base, "now", lambda: "2024-01-02T03:04:05+00:00")
    results = {}
    for jobs in (1, 2):
        results[jobs] = run("--db", tmp_path / f"jobs{jobs}.db", "ingest", "--jobs", jobs, batch)
    one, two = results[1], results[2]
    assert one.exit_code == two.exit_code == 2
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    lines = two.stderr.splitlines()
    assert lines[-4:] == [SUMMARY, *failed_lines(batch)]
    assert f"{batch / 'j.txt'}: already in the ledger as " in two.stderr   # a.txt, appended earlier in the batch
    events, streams = ledger_rows(tmp_path / "jobs2.db")
    assert (events, streams) == ledger_rows(tmp_path / "jobs1.db")
    assert len(events) == 38
    assert [s[4] for s in streams] == ["a.txt", "c.txt", "d.txt", "e.txt", "g.txt", "h.txt", "i.txt"]
    with open_store(tmp_path / "jobs2.db") as store:
        named = {s.source_name: s for s in store.streams()}
        # The 8-K/A found its original, appended two files before it in the same batch.
        assert (named["c.txt"].form, named["e.txt"].form) == ("8-K", "8-K/A")
        assert next(store.log(stream=named["e.txt"].stream)).event.amends == named["c.txt"].stream
        assert verify(store).ok


def test_dry_run_and_explain_print_in_input_order_with_jobs(run, batch):
    one = run("ingest", "--dry-run", "--explain", "--jobs", 1, batch)
    two = run("ingest", "--dry-run", "--explain", "--jobs", 2, batch)
    assert one.exit_code == two.exit_code == 2
    assert two.stdout == one.stdout and two.stderr == one.stderr
    # Each file's events, in the order the files were given; nothing written.
    assert [two.stdout.find(f"{batch / n}") for n in "acdeghij"] == sorted(two.stdout.find(f"{batch / n}") for n in "acdeghij")
    assert two.stderr.splitlines()[-4] == ("8 filing(s) read, 0 event(s) appended, 0 duplicate(s) skipped, "
                                           "0 with no financing facts, 2 failed")


def test_a_real_process_with_two_jobs_records_what_one_job_records(tmp_path, batch):
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    procs = {jobs: subprocess.run([LEDGER, "--db", str(tmp_path / f"jobs{jobs}.db"), "ingest", "-j", str(jobs), str(batch)],
                                  capture_output=True, text=True, env=env, timeout=120) for jobs in (1, 2)}
    assert procs[1].returncode == procs[2].returncode == 2
    assert "Traceback" not in procs[2].stderr
    assert procs[2].stderr.splitlines()[-4:] == [SUMMARY, *failed_lines(batch)]
    assert procs[2].stderr == procs[1].stderr
    assert ledger_rows(tmp_path / "jobs2.db", with_time=False) == ledger_rows(tmp_path / "jobs1.db", with_time=False)


# -- workers that fail: module-level, so the worker processes can import them -------------------

def raising_worker(path: Path, *, explain: bool = False) -> Extracted:
    if path.name == "d.txt":
        raise RuntimeError("the extractor tripped\non two lines")
    return extract_file(path, explain=explain)


def dying_worker(path: Path, *, explain: bool = False) -> Extracted:
    if path.name == "d.txt":
        os._exit(3)           # as a segfault or the out-of-memory killer would end it
    return extract_file(path, explain=explain)


def worker_never_called(path: Path, *, explain: bool = False) -> Extracted:
    raise AssertionError(f"{path} was sent to a worker")


def files_of(batch: Path) -> list[Path]:
    return sorted(batch.iterdir())


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_that_raises_fails_its_file_and_the_batch_goes_on(tmp_path, batch, jobs):
    with open_store(tmp_path / "ledger.db", create=True) as store:
        outcomes = list(ingest(store, files_of(batch), jobs=jobs, worker=raising_worker))
        assert [(Path(o.path).name, o.status) for o in outcomes] == [
            ("a.txt", "appended"), ("b.txt", "failed"), ("c.txt", "appended"), ("d.txt", "failed"),
            ("e.txt", "appended"), ("f.txt", "failed"), ("g.txt", "appended"), ("h.txt", "appended"),
            ("i.txt", "appended"), ("j.txt", "duplicate")]
        assert outcomes[3].error == (f"{batch / 'd.txt'}: could not be ingested "
                                     "(RuntimeError: the extractor tripped\non two lines)")
        assert store.count() == 38 - 5


def test_a_worker_that_dies_fails_only_its_file(tmp_path, batch):
    with open_store(tmp_path / "ledger.db", create=True) as store:
        outcomes = list(ingest(store, files_of(batch), jobs=2, worker=dying_worker))
        assert [(Path(o.path).name, o.status) for o in outcomes] == [
            ("a.txt", "appended"), ("b.txt", "failed"), ("c.txt", "appended"), ("d.txt", "failed"),
            ("e.txt", "appended"), ("f.txt", "failed"), ("g.txt", "appended"), ("h.txt", "appended"),
            ("i.txt", "appended"), ("j.txt", "duplicate")]
        assert outcomes[3].error == (f"{batch / 'd.txt'}: could not be ingested: the worker process reading it "
                                     "ended abruptly (killed, or crashed)")
        assert store.count() == 38 - 5
        assert verify(store).ok


def test_ingesting_again_with_jobs_sends_no_file_to_a_worker(run, tmp_path, filings):
    db = tmp_path / "ledger.db"
    first = run("--db", db, "ingest", "--jobs", 2, *filings)
    assert first.exit_code == 0, first.output
    again = run("--db", db, "ingest", "--jobs", 2, *filings)
    assert again.exit_code == 0
    assert again.stderr.splitlines()[-1] == ("5 filing(s) read, 0 event(s) appended, 5 duplicate(s) skipped, "
                                             "0 with no financing facts, 0 failed")
    with open_store(db) as store:
        outcomes = list(ingest(store, filings, jobs=2, worker=worker_never_called))
        assert [o.status for o in outcomes] == ["duplicate"] * 5
        assert [o.stream for o in outcomes] == [s.stream for s in store.streams()]
        assert store.count() == 30


@pytest.mark.parametrize(("weight", "budget", "most"), [(0, 0, AHEAD * 2), (10, 25, 3), (100, 25, 1)],
                         ids=["by-count", "by-weight", "one-heavier-than-the-budget"])
def test_the_look_ahead_stays_bounded(weight, budget, most):
    pulled = 0

    def numbers():
        nonlocal pulled
        for n in range(60):
            pulled += 1
            yield -n

    seen = []
    for result in in_order(abs, numbers(), jobs=2, failed=lambda item, e: None,
                           weight=lambda item: weight, budget=budget):
        assert pulled <= len(seen) + most      # the input is read only as results are taken
        seen.append(result)
    assert seen == list(range(60))
