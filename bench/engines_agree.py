"""Do SQLite and PostgreSQL give the same answers? Ingest one folder into both, through the CLI,
and compare replay's JSON at several dates, and `ledger events` rows (recording times aside).

    LEDGER_PG_URL=postgresql://me@host/db python bench/engines_agree.py FOLDER [--as-of D ...]

The PostgreSQL ledger goes in a new schema of that database, dropped at the end; the SQLite one in
a temporary folder. Prints one line per date and the ingest times of each engine side by side;
exit code 1 if anything differs. With `.ci/postgres start` a throwaway server does.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent)) or "ledger"


def ledger(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LEDGER, "--db", db, *args], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "LEDGER_DB"})


def events_without_times(db: str) -> list:
    rows = [json.loads(line) for line in ledger(db, "events", "--format", "json").stdout.splitlines()]  # JSON lines
    for row in rows:
        for key in ("recorded_at", "hash", "prev_hash"):   # the time, and the hashes that cover it
            row.pop(key, None)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--as-of", nargs="+", default=["1999-12-31", "2005-06-30", "2015-12-31", "2030-01-01"])
    args = parser.parse_args()
    base = os.environ.get("LEDGER_PG_URL")
    if not base:
        print("set LEDGER_PG_URL to a PostgreSQL database (eval \"$(.ci/postgres start)\" starts one)", file=sys.stderr)
        return 2
    import psycopg
    schema = f"agree_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')   # a generated name, not input
    sep = "&" if "?" in base else "?"
    pg = f"{base}{sep}options=-csearch_path%3D{schema}"
    failed = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            dbs = {"sqlite": str(Path(tmp) / "ledger.db"), "postgresql": pg}
            for name, db in dbs.items():
                started = time.perf_counter()
                result = ledger(db, "ingest", "--jobs", "1", str(args.folder))
                print(f"{name:<11} ingest {time.perf_counter() - started:6.2f} s: {result.stderr.splitlines()[-1]}")
            for as_of in args.as_of:
                out = {name: ledger(db, "replay", "--as-of", as_of, "--format", "json").stdout for name, db in dbs.items()}
                same = out["sqlite"] == out["postgresql"]
                issuers = len(json.loads(out["sqlite"])["issuers"])
                digest = hashlib.sha256(out["sqlite"].encode()).hexdigest()[:12]
                print(f"replay --as-of {as_of}: {issuers} issuers, sqlite {digest}, "
                      f"{'the same on postgresql' if same else 'DIFFERENT on postgresql'}")
                failed |= not same
            same_events = events_without_times(dbs["sqlite"]) == events_without_times(dbs["postgresql"])
            print(f"events (recording times aside): {'the same' if same_events else 'DIFFERENT'}")
            failed |= not same_events
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
