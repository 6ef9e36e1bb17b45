"""A read-only SQLite store runs on the stdlib driver alone (ledger.store.sqlite.ReaderDatabase),
not sqlite-utils, whose import was a third of a one-issuer replay's start-up: every read gives
what the same read gives through a writer's sqlite-utils Database."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

from ledger import snapshots
from ledger.store import open_store
from ledger.store.sqlite import ReaderDatabase
from tests.random_ledger import three_issuers
from tests.store.support import RAW_SHA, S1, one_stream, two_streams


def every_read(store) -> dict:
    log = list(store.log())
    ids = [e.event_id for e in log]
    return {
        "streams": list(store.streams()), "streams of one": list(store.streams(issuer_key="cik:1")),
        "by form": list(store.streams(form="8-k/a")), "by hash": list(store.streams(raw_sha256=RAW_SHA)),
        "names": list(store.issuer_names()), "by cik": list(store.issuer_names(cik="0003")),
        "read": list(store.read()), "as of": list(store.read(as_of=date(2000, 1, 31), known_at=date(2000, 1, 31))),
        "one issuer": list(store.read(issuer_key="cik:2", after=date(1999, 1, 1))),
        "stream": list(store.read(stream=S1)), "types": list(store.read(types=["common_issued"])),
        "log": log, "log after": list(store.log(after_seq=3, types=["warrant_granted"])),
        "events": [store.event(i) for i in ids], "by prefix": store.event(ids[-1][:20]), "none": store.event("x"),
        "document": store.document(RAW_SHA), "no document": store.document("0" * 64),
        "head": store.head(), "count": store.count(), "rows": list(store.rows()), "chain": list(store.chain()),
        "snapshots": [store.snapshots(k) for k in ("cik:1", "cik:2", "cik:3", "nobody")],
        "snapshots as of": store.snapshots("cik:1", as_of=date(2000, 1, 1)),
    }


def test_a_reader_reads_what_a_writer_reads(tmp_path):
    path = tmp_path / "l.db"
    with open_store(path, create=True) as store:
        three_issuers(store)
        one_stream(store, S1)          # with its document
        snapshots.refresh(store, every=1)
        written = every_read(store)
    with open_store(path, read_only=True) as reader:
        assert isinstance(reader._db, ReaderDatabase)
        assert every_read(reader) == written
    assert written["document"] is not None and written["snapshots"][0] and written["by cik"]


def test_opening_a_ledger_to_read_imports_no_sqlite_utils(tmp_path):
    path = tmp_path / "l.db"
    with open_store(path, create=True) as store:
        two_streams(store)
    code = ("import sys; from ledger.store import open_store; s = open_store(sys.argv[1], read_only=True); "
            "list(s.read()); list(s.streams()); s.snapshots('x'); s.close(); "
            "print(sorted(m for m in sys.modules if m.startswith(('sqlite_utils', 'dateutil', 'pluggy'))))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
