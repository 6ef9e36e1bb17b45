"""Browsing in Datasette: the schema-6 views, the stored "cap table as of :date" query and `ledger serve`.

The stored query is asked through Datasette's own client (no network) and held to `ledger replay
--format json`: on the shipped ledger, and on ledgers changed by a retraction, corrections (shares,
price, consideration, a moved effective date), a whole filing retracted, a warrant exercise, an
opening balance, a stock split (flagged, not applied) and an 8-K/A in either order of ingest."""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import cli.serve
from ledger import browse
from ledger.store import open_store, verify, verify_against
from ledger.store.sqlite_views import VIEW_NAMES

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "ledger.db"
FIXTURE_V5 = ROOT / "tests" / "fixtures" / "ledger_v5.db"
FIXTURE_V5_CHECKPOINT = (32, "d475725b63728e989b99976a4a3ad0c01dd2d7367a0d86c70036e168517b14fa")   # do not update
FILINGS = ROOT / "tests" / "filings"

NOV_1999, FEB_2000, JAN_1999, APR_2000 = "863674c153e7", "0982e151f89f", "d68db1fc7039", "c2760587d348"
INSTALL_LINE = "browsing needs the browse extra (Datasette): pip install -e '.[browse]'"


def get(db: Path, path: str, ds=None):
    """GET ``path`` from a Datasette over ``db`` built with ledger.browse's metadata, in process."""
    async def fetch():
        response = await (ds or browse.datasette(db)).client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()
    return asyncio.run(fetch())


def as_of(db: Path, date: str) -> list[dict]:
    return get(db, f"/{db.stem}/{browse.QUERY_NAME}.json?date={date}&_shape=array")


def lots(rows: list[dict]) -> list[tuple]:
    """The stored query's rows, in the fields replay's holdings have."""
    return [(r["issuer"], r["class"], r["holders"], r["holders_description"], r["shares"], r["stated_amount"],
             r["price"], r["conversion_price"], r["conversion_share_cap"], r["consideration_kind"], r["date"],
             r["event_ids"]) for r in rows]


def replayed(run, db: Path, date: str) -> list[tuple]:
    result = run("--db", db, "replay", "--as-of", date, "--format", "json")
    assert result.exit_code == 0, result.output
    out = []
    for issuer in json.loads(result.stdout)["issuers"]:
        for h in issuer["holdings"]:
            out.append((issuer["issuer"]["name"], h["class"], "; ".join(h["holders"]) or None, h["holders_description"],
                        h["shares"], h["stated_amount"], h["price"], h["conversion_price"], h["conversion_share_cap"],
                        h["consideration_kind"], h["date"], "; ".join(h["event_ids"])))
    return out


def common_total(rows: list[tuple]) -> int:
    return sum(r[4] or 0 for r in rows if "Common" in r[1])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def shipped(tmp_path) -> Path:
    return Path(shutil.copy(SHIPPED, tmp_path / "ledger.db"))


# -- the shipped ledger ------------------------------------------------------------------------------

def test_the_stored_query_gives_replays_cap_table_on_the_shipped_ledger(run, shipped):
    before = digest(shipped)
    rows = as_of(shipped, "2000-06-30")
    assert lots(rows) == replayed(run, shipped, "2000-06-30")
    assert common_total(lots(rows)) == 1865918
    preferred = rows[0]
    assert (preferred["class"], preferred["stated_amount"], preferred["conversion_price"],
            preferred["conversion_share_cap"], preferred["date"]) == (
        "5% Series A Preferred Stock with Conversion Features", "4000000", "13.06", 1450000, "1999-01-29")
    assert [(r["shares"], r["price"]) for r in rows[1:]] == [(845594, "11.826"), (520324, "15.375"), (500000, "14.00")]
    assert {r["note"] for r in rows} == {None} and {r["source_file"] for r in rows} == {
        "002_224ff9c854471a24.txt", "000_ba47be5c523c5283.txt", "001_5be251fb1d6ea1d0.txt", "003_7584369deb35cbf4.txt"}
    for date in ("1999-01-28", "1999-12-31", "2002-03-14", "2030-01-01"):
        assert lots(as_of(shipped, date)) == replayed(run, shipped, date), date
    assert digest(shipped) == before            # reading wrote nothing


def test_a_date_that_is_not_yyyy_mm_dd_gives_no_rows_rather_than_a_guess(shipped):
    assert as_of(shipped, "2000-06-30") != []
    for bad in ("2000-6-30", "20000630", "tomorrow", "2000-02-30", "2000-06-30T00:00"):
        assert as_of(shipped, bad) == [], bad


def test_the_views_are_in_the_file_and_show_the_neotherapeutics_figures(shipped):
    con = sqlite3.connect(f"file:{shipped}?mode=ro", uri=True)
    try:   # a plain `datasette ledger.db`, or any SQLite tool, sees them: they are in the file
        assert {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")} == set(VIEW_NAMES)
    finally:
        con.close()
    database = get(shipped, "/ledger.json")
    assert {v["name"] for v in database["views"]} == set(VIEW_NAMES)
    assert [q["name"] for q in database["queries"]] == [browse.QUERY_NAME]

    [preferred] = get(shipped, "/ledger/cap_table_rows.json?_shape=array&made_by=preferred_issued")
    assert (preferred["stated_amount"], preferred["conversion_price"], preferred["conversion_share_cap"]) == (
        "4000000", "13.06", 1450000)
    assert isinstance(preferred["stated_amount"], str)      # money is exact text, never a float

    tranches = get(shipped, "/ledger/warrant_tranches.json?_shape=array&_size=max")
    assert len(tranches) == 11
    closing = next(t for t in tranches if t["tranche"] == "Closing Warrants")
    assert (closing["kind"], closing["shares"], closing["exercise_price"], closing["issued_on"], closing["expires_on"],
            closing["holders"]) == ("closing", 126839, "14.24", "1999-11-19", "2004-11-19",
                                    "Montrose Investments Ltd.; Strong River Investments, Inc.")
    assert sum(t["shares"] for t in tranches if t["shares"] and t["issued_on"] <= "2000-06-30") == 430839
    assert sum(1 for t in tranches if t["shares"] is None and t["issued_on"] <= "2000-06-30") == 5

    deals = get(shipped, "/ledger/deals.json?_shape=array")
    assert [(d["date"], d["shares"], d["price"], d["gross_proceeds"], d["warrant_shares"], d["warrant_coverage_pct"],
             d["fees_cash"], d["fees_basis"]) for d in deals] == [
        ("1999-01-29", None, None, "4000000", 75000, "24.49", None, "undisclosed"),   # 75,000 / floor(4,000,000 / 13.06)
        ("1999-11-19", 845594, "11.826", "10000000", 126839, "15.00", None, "undisclosed"),
        ("2000-02-25", 520324, "15.375", "8000000", 104000, "19.99", None, "undisclosed"),
        ("2000-04-28", 500000, "14.00", "7000000", 125000, "25.00", None, "undisclosed"),
        ("2002-03-13", 3100000, "2.00", "6200000", 775000, "25.00", "70500", "approximate"),   # two closings summed
    ]
    assert sum(int(d["gross_proceeds"]) for d in deals if d["date"] <= "2000-06-30") == 29000000
    assert list(deals[0]) == ["issuer", "date", "securities", "shares", "price", "gross_proceeds", "warrant_shares",
                              "warrant_coverage_pct", "fees_cash", "fees_basis", "investors", "filing", "form", "source"]
    assert deals[0]["investors"] == "Westover Investments L.P.; Montrose Investments L.P."

    log = get(shipped, "/ledger/event_log.json?_shape=array&_size=max")
    assert [e["seq"] for e in log] == list(range(1, 31))
    assert list(log[0]) == ["seq", "event_id", "stream", "version", "issuer", "type", "effective_date", "public_date",
                            "recorded_at", "payload", "quote", "hash"]
    assert (log[1]["type"], log[1]["issuer"], json.loads(log[1]["payload"])["shares"]) == (
        "common_issued", "NeoTherapeutics, Inc.", 845594)


def test_the_metadata_describes_each_view_and_says_what_the_sql_applies():
    meta = browse.metadata("books")
    database = meta["databases"]["books"]
    assert set(database["tables"]) == set(VIEW_NAMES)
    query = database["queries"][browse.QUERY_NAME]
    assert ":date" in query["sql"] and query["title"] == "Cap table as of :date"
    for words in ("retractions", "corrections", "8-K/A", "stock split", "see ledger replay"):
        assert words in query["description"], words
    assert browse.metadata("books") == meta             # plain data, the same each time


# -- corrections, retractions and what the SQL does not fold --------------------------------------

def record(run, db, *args) -> None:
    result = run("--db", db, *args, "--source", "10-Q note 1", "--source-date", "2003-01-15")
    assert result.exit_code == 0, result.output


def test_retractions_and_corrections_are_applied_as_replay_applies_them(run, db_copy):
    record(run, db_copy, "retract", f"{NOV_1999}-2", "--reason", "never closed")
    record(run, db_copy, "correct", f"{FEB_2000}-2", "--set", "shares=520000", "--set", "price=15.38",
           "--set", "consideration=7997600", "--reason", "typo")
    record(run, db_copy, "correct", f"{APR_2000}-2", "--set", "effective_date=2000-07-15", "--reason", "closed later")
    record(run, db_copy, "retract", f"{JAN_1999}-1", "--reason", "the whole filing was withdrawn")
    record(run, db_copy, "record", "exercise", "--tranche", f"{FEB_2000}-3", "--shares", "10000", "--date", "2000-06-01")

    rows = as_of(db_copy, "2000-06-30")
    assert lots(rows) == replayed(run, db_copy, "2000-06-30")
    assert [(r["shares"], r["price"], r["consideration_kind"], r["date"]) for r in rows] == [
        (520000, "15.38", "cash", "2000-02-25"),       # corrected; the November lot and the preferred are gone
        (10000, "21.00", "cash", "2000-06-01"),        # the exercise, at the grant's price
    ]
    assert rows[0]["corrected_by"] is not None and common_total(lots(rows)) == 530000
    for date in ("2000-07-14", "2000-07-15", "2001-01-01"):      # the moved lot arrives on its new date
        assert lots(as_of(db_copy, date)) == replayed(run, db_copy, date), date
    [deal] = [d for d in get(db_copy, "/ledger/deals.json?_shape=array") if d["date"] == "2000-02-25"]
    assert (deal["shares"], deal["price"], deal["gross_proceeds"], deal["warrant_coverage_pct"]) == (
        520000, "15.38", "7997600", "20.00")
    with open_store(db_copy, read_only=True) as store:
        assert verify(store).ok                      # events only appended, never changed


def test_opening_balances_apply_and_a_split_is_flagged_not_guessed(run, db_copy):
    record(run, db_copy, "record", "opening-balance", "--issuer", "NeoTherapeutics", "--shares", "5000000",
           "--date", "2001-12-31")
    rows = as_of(db_copy, "2002-12-31")
    assert lots(rows) == replayed(run, db_copy, "2002-12-31")
    assert [r["shares"] for r in rows if "Common" in r["class"]] == [5000000, 2575000, 525000]

    record(run, db_copy, "record", "split", "--issuer", "NeoTherapeutics", "--ratio", "1:10", "--rounding", "down",
           "--date", "2002-06-01")
    assert lots(as_of(db_copy, "2002-05-31")) == replayed(run, db_copy, "2002-05-31")
    after = as_of(db_copy, "2002-12-31")
    replay_after = replayed(run, db_copy, "2002-12-31")
    assert [r[4] for r in replay_after if "Common" in r[1]] == [500000, 257500, 52500]
    assert [r["shares"] for r in after if "Common" in r["class"]] == [5000000, 2575000, 525000]   # as issued...
    for row in after:                                                                       # ...and said so
        assert row["note"].startswith("a stock split on 2002-06-01 after this lot is not applied here"), row


@pytest.mark.parametrize("order", ["original-first", "amendment-first"])
def test_an_8k_a_restates_its_original_in_sql_as_in_replay(run, tmp_path, order):
    filings = [FILINGS / "pipe_placement_agent.txt", FILINGS / "pipe_placement_agent_amendment.txt"]
    db = tmp_path / "ledger.db"
    for filing in filings if order == "original-first" else filings[::-1]:
        assert run("--db", db, "ingest", filing).exit_code == 0
    rows = as_of(db, "2005-12-31")
    assert [(r["shares"], r["price"]) for r in rows] == [(2100000, "1.50")]
    assert lots(rows) == replayed(run, db, "2005-12-31")
    tranches = get(db, "/ledger/warrant_tranches.json?_shape=array")
    assert [(t["kind"], t["shares"]) for t in tranches if t["kind"] == "investor"] == [("investor", 1050000)]


# -- the schema step ---------------------------------------------------------------------------------

def test_a_schema_5_ledger_gets_the_views_and_keeps_every_row_and_hash(run, tmp_path):
    db = Path(shutil.copy(FIXTURE_V5, tmp_path / "ledger.db"))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'view'").fetchone() == (0,)
    con.close()
    with open_store(db) as store:
        assert store.migrated_from == 5
        backup = sqlite3.connect(f"file:{store.backup_path}?mode=ro", uri=True)
        try:     # the ledger as it was, kept beside it
            assert backup.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("5",)
            assert backup.execute("SELECT COUNT(*) FROM events").fetchone() == (32,)
        finally:
            backup.close()
        assert verify_against(store, *FIXTURE_V5_CHECKPOINT).ok, "tests/fixtures/ledger_v5.db must stay as committed"
        assert store.count() == 32
    rows = as_of(db, "2000-06-30")     # the fixture's retraction (Nov 1999) and correction (Feb 2000)
    assert [(r["shares"], r["price"]) for r in rows] == [(None, None), (520000, "15.38"), (500000, "14.00")]
    assert lots(rows) == replayed(run, db, "2000-06-30")


# -- ledger serve ----------------------------------------------------------------------------------

def test_serve_hands_datasette_the_ledger_and_its_metadata(run, shipped, monkeypatch):
    served = {}
    monkeypatch.setattr(cli.serve, "run_server", lambda ds, **where: served.update(ds=ds, **where))
    result = run("--db", shipped, "serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert "read-only at http://127.0.0.1:8123/ledger" in result.stderr
    rows = get(shipped, f"/ledger/{browse.QUERY_NAME}.json?date=2000-06-30&_shape=array", ds=served["ds"])
    assert common_total(lots(rows)) == 1865918


def test_serve_without_datasette_says_how_to_install_it(run, shipped, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette.app", None)     # as if the extra were not installed
    monkeypatch.setattr(cli.serve, "run_server", lambda ds, **where: pytest.fail("served without Datasette"))
    result = run("--db", shipped, "serve")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {INSTALL_LINE}"]
    with pytest.raises(Exception, match=r"pip install -e '\.\[browse\]'"):
        browse.datasette(shipped)


def test_serve_refuses_postgresql_and_a_missing_file_in_one_line(run, tmp_path):
    result = run("--db", "postgresql://me:secret@localhost/ledger", "serve")
    assert result.exit_code == 2 and "secret" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: postgresql://me@localhost/ledger: Datasette reads SQLite only: serve a SQLite ledger "
        "(ledger copy --from URL --to ledger.db makes one)"]
    missing = tmp_path / "missing.db"
    result = run("--db", missing, "serve")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1 and "no ledger database here" in result.stderr
    assert not missing.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ledger_serve_as_a_real_process_answers_the_stored_query(shipped):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    proc = subprocess.Popen([sys.executable, "-c", "from cli.app import main; main()", "--db", str(shipped),
                             "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/ledger/{browse.QUERY_NAME}.json?date=2000-06-30&_shape=array"
    try:
        deadline, rows = time.monotonic() + 60, None
        while rows is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
            except OSError:
                time.sleep(0.25)
        assert rows is not None, f"the server never answered: {proc.poll()}"
        assert common_total(lots(rows)) == 1865918
        assert [r["shares"] for r in rows] == [None, 845594, 520324, 500000]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and f"read-only at http://127.0.0.1:{port}/ledger" in err


def test_serve_gives_the_views_time_to_fold_a_large_ledger(shipped):
    # Datasette's own limit is 1 s; deals takes about 18 s at 100,000 events (README).
    assert browse.datasette(shipped).setting("sql_time_limit_ms") == 120_000
    assert browse.datasette(shipped, sql_time_limit_ms=5).setting("sql_time_limit_ms") == 5
