"""`replay` and `export` write each issuer as it is folded: the same bytes as a whole replay, one
issuer's events read at a time, amendments decoded only for the issuer being read, and a replay
that stops writes no half file."""
from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import attrs
import pytest

from events import CommonIssued, EventCorrected, FieldChange
from events.envelope import StreamInfo
from ledger.export import write_cap_table_csv, write_warrants_csv
from ledger.projections import to_json_contract
from ledger.store import MEMORY, open_store
from ledger.views import replay_issuers, replay_ledger
from tests.random_ledger import day, said, three_issuers
from tests.test_cli_subprocess import LEDGER, ledger

AS_OF = date(2003, 1, 1)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "three.db"
    with open_store(path, create=True) as store:
        three_issuers(store)
    return path


class Watched:
    """A store that notes each read and each stream decoded by ``log``, as it hands them on."""

    def __init__(self, store):
        self._store, self.calls = store, []

    def read(self, **kw):
        self.calls.append(("read", kw.get("issuer_key")))
        return self._store.read(**kw)

    def log(self, **kw):
        self.calls.append(("log", kw.get("stream")))
        return self._store.log(**kw)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_each_issuer_is_handed_out_before_the_next_is_read():
    store = Watched(open_store(MEMORY))
    three_issuers(store._store)
    stream = replay_issuers(store, as_of=AS_OF)
    first = next(stream.issuers)
    assert (first.issuer.name, first.issuer_key) == ("Acme Corp", "cik:2")     # name, then key
    assert [c for c in store.calls if c[0] == "read"] == [("read", "cik:2")]
    assert [r.issuer_key for r in stream.issuers] == ["cik:3", "cik:1"]
    assert [c for c in store.calls if c[0] == "read"] == [("read", "cik:2"), ("read", "cik:3"), ("read", "cik:1")]
    assert stream.warnings == ()


def test_warnings_wait_for_the_last_issuer():
    store = open_store(MEMORY)
    three_issuers(store)
    stream = replay_issuers(store, as_of=AS_OF)
    with pytest.raises(RuntimeError, match="once its issuers are spent"):
        stream.warnings


def test_amendments_are_decoded_once_and_only_for_the_issuer_replayed():
    store = Watched(open_store(MEMORY))
    by_issuer = three_issuers(store._store)
    amendment = {key: e.stream for key, events in by_issuer.items() for e in events if e.event.TYPE == "filing_recorded"
                 and e.event.form == "8-K/A"}
    replay_ledger(store, as_of=AS_OF)
    decoded = [s for op, s in store.calls if op == "log" and s is not None]    # else: corrections, by type
    assert sorted(decoded) == sorted(amendment.values())
    store.calls.clear()
    alone = replay_ledger(store, as_of=AS_OF, issuer_key="cik:1")
    assert [s for op, s in store.calls if op == "log" and s is not None] == [amendment["cik:1"]]
    # the 8-K/A restates item 3.02: its sale replaces the original's
    assert [h.shares for h in alone.issuers[0].holdings] == [2001]
    store.calls.clear()
    replay_ledger(store, as_of=AS_OF, issuer_key="cik:2")
    assert [s for op, s in store.calls if op == "log" and s is not None] == []


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_replay_writes_what_a_whole_replay_holds(run, db, fmt):
    result = run("--db", db, "replay", "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        whole = replay_ledger(store, as_of=AS_OF)
    if fmt == "json":
        assert result.stdout == json.dumps(to_json_contract(whole), indent=2) + "\n"
        assert [i["holdings"][0]["shares"] for i in json.loads(result.stdout)["issuers"]] == [3000, 1001, 2001]
    else:
        headings = [line for line in result.stdout.splitlines() if line.startswith("── ")]
        assert [h.split("  ")[0] for h in headings] == ["── Acme Corp", "── Acme Corp", "── Zeta SA"]


@pytest.mark.parametrize("table, write", [("cap-table", write_cap_table_csv), ("warrants", write_warrants_csv)])
def test_export_writes_what_a_whole_replay_holds(run, db, tmp_path, table, write):
    with open_store(db) as store:
        expected = io.StringIO(newline="")
        write(replay_ledger(store, as_of=AS_OF), expected)
    result = run("--db", db, "export", table, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.getvalue().replace("\r\n", "\n")    # the runner reads text back
    out = tmp_path / "out.csv"
    assert run("--db", db, "export", table, "--as-of", AS_OF, "-o", out).exit_code == 0
    assert out.read_bytes().decode("utf-8") == expected.getvalue()
    assert len(list(csv.reader(io.StringIO(expected.getvalue())))) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_bad_correction_in_a_later_issuer_stops_replay_before_anything_is_written(run, db):
    """An earlier release may have stored a correction these rules refuse: replay names it, and
    writes nothing, though the issuers before it were fine."""
    with open_store(db) as store:
        target = next(s for s in store.read(issuer_key="cik:1") if isinstance(s.event, CommonIssued))
        stream = f"manual:{'c' * 64}"
        store.append(StreamInfo(stream, "cik:1", next(store.streams(issuer_key="cik:1")).issuer,
                                "record", day(400), "by hand", "c" * 64),
                     [EventCorrected(effective_date=target.effective_date, provenance=said(stream, "fix"),
                                     target=target.event_id, changes=(FieldChange("shares", -5),), reason="old")])
    for args in (("replay", "--as-of", AS_OF, "--format", "json"), ("replay", "--as-of", AS_OF),
                 ("export", "cap-table", "--as-of", AS_OF)):
        result = run("--db", db, *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("error: ") and line.endswith("is not valid: shares: -5 is negative")


def test_an_unreadable_row_in_a_later_issuer_leaves_the_output_file_as_it_was(run, db, tmp_path, monkeypatch):
    """A row this program cannot read (written by a later release) stops the export with one
    line; the CSV file named by -o is replaced only by a whole export."""
    with open_store(db) as store:
        template = next(s for s in store.read(issuer_key="cik:1") if isinstance(s.event, CommonIssued))
        info = next(store.streams(issuer_key="cik:1"))
        stream = f"sha256:{'d' * 64}"
        monkeypatch.setattr(CommonIssued, "SCHEMA_VERSION", 99)
        store.append(attrs.evolve(info, stream=stream, raw_sha256="d" * 64, form="8-K"),
                     [attrs.evolve(template.event, provenance=said(stream, "later"))])
        monkeypatch.undo()
    out = tmp_path / "out.csv"
    out.write_text("before\n")
    result = run("--db", db, "export", "cap-table", "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 2
    assert "cannot read seq" in result.stderr and "newer than this program" in result.stderr
    assert out.read_text() == "before\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".", "out"))] == ["out.csv"]


def test_replay_json_as_a_real_process(db):
    proc = ledger("--db", db, "replay", "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    with open_store(db) as store:
        assert proc.stdout == json.dumps(to_json_contract(replay_ledger(store, as_of=AS_OF)), indent=2) + "\n"
    assert LEDGER is not None


def test_a_replaced_output_file_keeps_its_mode_and_a_link_is_written_through(run, db, tmp_path):
    kept = tmp_path / "kept.csv"
    kept.write_text("old\n")
    kept.chmod(0o640)
    assert run("--db", db, "export", "warrants", "--as-of", AS_OF, "-o", kept).exit_code == 0
    assert (kept.stat().st_mode & 0o777, kept.read_text().splitlines()[0].split(",")[0]) == (0o640, "issuer")
    new = tmp_path / "new.csv"
    assert run("--db", db, "export", "warrants", "--as-of", AS_OF, "-o", new).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask
    link = tmp_path / "link.csv"
    link.symlink_to(kept)
    assert run("--db", db, "export", "cap-table", "--as-of", AS_OF, "-o", link).exit_code == 0
    assert link.is_symlink() and kept.read_text().startswith("issuer,class,")
