"""The `ledger` command end to end on the five NeoTherapeutics 8-Ks, through typer's CliRunner.

The figures are the product's acceptance figures; every one is read from the filings."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from ledger.store.sqlite_schema import APPEND_ONLY, TRIGGERS
from ledger.store import open_store
from ledger.text.normalise import decode, normalise

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = "5 filing(s) read, 30 event(s) appended, 0 duplicate(s) skipped, 0 with no financing facts, 0 failed"


def count(db) -> int:
    with open_store(db) as store:
        return store.count()


def replay(run, db, as_of: str) -> dict:
    """The one issuer of `replay --as-of D --format json`."""
    result = run("--db", db, "replay", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["as_of"] == as_of
    assert len(report["issuers"]) == 1
    return report["issuers"][0]


def tranche(issuer: dict, exercise_price: str) -> dict:
    [row] = [w for w in issuer["warrants"] if w["exercise_price"] == exercise_price]
    return row


def csv_columns(table: str) -> list[str]:
    """The CSV header the README promises, e.g. for "cap table" or "warrants"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"{table} `([^`]+)`", readme)
    assert m, f"README does not list the {table} CSV columns"
    return [c.strip() for c in m[1].split(",")]


# -- ingest ------------------------------------------------------------------------------------


def test_ingest_five_filings_into_a_fresh_db(run, filings, tmp_path):
    db = tmp_path / "fresh.db"
    result = run("--db", db, "ingest", *filings)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[-1] == SUMMARY
    appended = [line for line in lines if " appended " in line and " events to sha256:" in line]
    assert [line.split(":")[0] for line in appended] == [str(p) for p in filings]
    assert count(db) == 30


def test_reingesting_a_filing_is_skipped_and_appends_nothing(run, filings, db_copy):
    result = run("--db", db_copy, "ingest", filings[0])
    assert result.exit_code == 0, result.output
    assert f"{filings[0]}: already in the ledger as sha256:" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "1 filing(s) read, 0 event(s) appended, 1 duplicate(s) skipped, 0 with no financing facts, 0 failed")
    assert count(db_copy) == 30


def test_dry_run_prints_events_with_quotes_and_creates_no_db(run, filings, tmp_path):
    db = tmp_path / "never.db"
    deep = tmp_path / ("a-long-folder-name-" * 4) / filings[0].name
    deep.parent.mkdir()
    deep.write_bytes(filings[0].read_bytes())
    result = run("--db", db, "ingest", "--dry-run", deep)
    assert result.exit_code == 0, result.output
    # The heading is never cut to the terminal's width, however long the path.
    stream = "sha256:863674c153e7280652dec79382442ca82e6c89694f94a245727b100d1417f490"
    assert result.stdout.splitlines()[0] == f"── {deep} → {stream} (dry run: nothing written)"
    assert "2. common_issued 1999-11-19" in result.stdout
    assert "a total of 845,594 shares of the Company's common stock at a purchase price of $11.826" in result.stdout
    assert "0 event(s) appended" in result.stderr
    assert not db.exists()


def test_dry_run_on_an_existing_db_writes_nothing(run, filings, tmp_path):
    db = tmp_path / "one.db"
    assert run("--db", db, "ingest", filings[0]).exit_code == 0
    before = count(db)
    result = run("--db", db, "ingest", "--dry-run", *filings[1:])
    assert result.exit_code == 0, result.output
    assert "845,594" not in result.stdout and "520,324 shares" in result.stdout
    assert count(db) == before == 7


# -- replay --format json: the acceptance figures -----------------------------------------------


def test_replay_2000_06_30_totals(run, built_db):
    issuer = replay(run, built_db, "2000-06-30")
    assert issuer["totals"] == {
        "common_shares": 1865918,
        "warrant_shares_outstanding": 430839,
        "undetermined_warrant_tranches": 5,
        "contingent_warrant_tranches": 0,
        "capital_raised": "29000000",
        "undisclosed_consideration": 0,
        "fees_paid_cash": "0",
        "undisclosed_cash_fees": 4,
        "fees_approximate": False,
    }


def test_replay_2000_06_30_warrants(run, built_db):
    warrants = replay(run, built_db, "2000-06-30")["warrants"]
    priced = [w for w in warrants if w["shares"] is not None]
    assert sorted((w["shares"], w["exercise_price"], w["status"]) for w in priced) == [
        (75000, "12.98", "outstanding"), (104000, "21.00", "outstanding"),
        (125000, "17.50", "outstanding"), (126839, "14.24", "outstanding")]
    assert sum(w["shares"] for w in priced) == 430839
    undetermined = [w for w in warrants if w["shares"] is None]
    assert sorted(w["kind"] for w in undetermined) == ["adjustable"] + ["finder"] * 4
    assert all(w["status"] == "outstanding" for w in undetermined)
    [adjustable] = [w for w in warrants if w["tranche"] == "Adjustable Warrants"]
    assert (adjustable["shares"], adjustable["quantity_basis"], adjustable["exercise_price"]) == (
        None, "formula", "0.001")


def test_replay_2000_06_30_holdings(run, built_db):
    holdings = replay(run, built_db, "2000-06-30")["holdings"]
    [preferred] = [h for h in holdings if "Preferred" in h["class"]]
    assert preferred["class"] == "5% Series A Preferred Stock with Conversion Features"
    assert (preferred["shares"], preferred["stated_amount"], preferred["date"]) == (None, "4000000", "1999-01-29")
    common = [(h["shares"], h["price"], h["date"]) for h in holdings if h["class"] == "Common Stock"]
    assert common == [(845594, "11.826", "1999-11-19"), (520324, "15.375", "2000-02-25"),
                      (500000, "14.00", "2000-04-28")]


def test_replay_2002_03_31_totals(run, built_db):
    totals = replay(run, built_db, "2002-03-31")["totals"]
    assert totals["common_shares"] == 4965918
    assert totals["warrant_shares_outstanding"] == 1205839
    assert totals["capital_raised"] == "35200000"
    assert totals["fees_paid_cash"] == "70500"
    assert totals["fees_approximate"] is True


@pytest.mark.parametrize(("as_of", "status"), [
    ("2004-01-28", "outstanding"), ("2004-01-29", "expired"), ("2004-06-30", "expired")])
def test_five_year_warrant_expires_on_its_expiry_date(run, built_db, as_of, status):
    issuer = replay(run, built_db, as_of)
    row = tranche(issuer, "12.98")
    assert (row["shares"], row["expires_on"], row["status"]) == (75000, "2004-01-29", status)
    expected = 1205839 if status == "outstanding" else 1205839 - 75000
    assert issuer["totals"]["warrant_shares_outstanding"] == expected


def test_as_of_includes_events_on_that_day(run, built_db):
    before = replay(run, built_db, "1999-11-18")
    assert before["totals"]["common_shares"] == 0
    assert not [h for h in before["holdings"] if h["date"] == "1999-11-19"]
    on_the_day = replay(run, built_db, "1999-11-19")
    assert on_the_day["totals"]["common_shares"] == 845594
    [common] = [h for h in on_the_day["holdings"] if h["date"] == "1999-11-19"]
    assert (common["class"], common["shares"], common["price"]) == ("Common Stock", 845594, "11.826")


def test_json_types_follow_the_contract(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", "--format", "json")
    report = json.loads(result.stdout)
    assert report["known_at"] is None and report["warnings"] == []
    issuer = report["issuers"][0]
    assert issuer["issuer"] == {"name": "NeoTherapeutics, Inc.", "cik": None, "file_number": "000-28782"}
    totals = issuer["totals"]
    for key in ("common_shares", "warrant_shares_outstanding", "undetermined_warrant_tranches",
                "contingent_warrant_tranches", "undisclosed_consideration", "undisclosed_cash_fees"):
        assert type(totals[key]) is int, key
    for key in ("capital_raised", "fees_paid_cash"):
        assert type(totals[key]) is str, key
    assert type(totals["fees_approximate"]) is bool
    for row in issuer["holdings"] + issuer["warrants"]:
        assert row["shares"] is None or type(row["shares"]) is int
        for key in ("price", "stated_amount", "exercise_price"):
            assert row.get(key) is None or type(row[key]) is str, (key, row)
    assert tranche(issuer, "14.24")["shares"] == 126839


def test_every_row_is_sourced_verbatim_from_a_filing(run, built_db, filings):
    texts = [normalise(decode(p.read_bytes())) for p in filings]
    issuer = replay(run, built_db, "2002-03-31")
    events = run("--db", built_db, "events", "--format", "json")
    known_ids = {json.loads(line)["event_id"] for line in events.stdout.splitlines()}
    rows = issuer["holdings"] + issuer["warrants"]
    assert len(rows) == 17
    for row in rows:
        assert row["event_ids"] and set(row["event_ids"]) <= known_ids, row
        assert row["sources"], row
        for sentence in row["sources"]:
            assert sentence and any(sentence in text for text in texts), sentence


# -- replay table, events ------------------------------------------------------------------------


def test_replay_table(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30")
    assert result.exit_code == 0, result.output
    assert re.search(r"common shares\s+│ 1,865,918 ", result.stdout)
    assert re.search(r"warrant shares outstanding\s+│ 430,839 ", result.stdout)
    assert "$29,000,000" in result.stdout


def test_replay_table_before_any_event(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "1990-01-01")
    assert result.exit_code == 0, result.output
    assert "No events on or before 1990-01-01." in result.stdout


def test_events_json_lines_in_seq_order(run, built_db):
    result = run("--db", built_db, "events", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, 31))
    assert lines[0]["type"] == "filing_recorded"
    sale = next(e for e in lines if e["type"] == "common_issued")
    assert (sale["effective_date"], sale["payload"]["shares"], sale["payload"]["price"]) == (
        "1999-11-19", 845594, "11.826")
    assert {e["type"] for e in lines} >= {"filing_recorded", "common_issued", "preferred_issued",
                                          "warrant_granted", "fee_paid"}


def test_events_stream_filter(run, built_db):
    everything = [json.loads(line) for line in run("--db", built_db, "events", "--format", "json").stdout.splitlines()]
    stream = everything[-1]["stream"]
    result = run("--db", built_db, "events", "--stream", stream, "--format", "json")
    assert result.exit_code == 0, result.output
    only = [json.loads(line) for line in result.stdout.splitlines()]
    assert only == [e for e in everything if e["stream"] == stream]
    assert [e["version"] for e in only] == list(range(1, len(only) + 1)) and len(only) < 30


def test_events_table_has_a_row_per_event(run, built_db):
    result = run("--db", built_db, "events")
    assert result.exit_code == 0, result.output
    seqs = [int(m[1]) for m in re.finditer(r"^│ (\d+)\s+│", result.stdout, re.M)]
    assert seqs == list(range(1, 31))


# -- export --------------------------------------------------------------------------------------


def test_export_cap_table_to_stdout(run, built_db):
    result = run("--db", built_db, "export", "cap-table", "--as-of", "2000-06-30")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == csv_columns("cap table")
    rows = list(reader)
    assert len(rows) == 4
    [sale] = [r for r in rows if r["shares"] == "845594"]
    assert (sale["price"], sale["date"], sale["stated_amount"]) == ("11.826", "1999-11-19", "")
    assert sale["holders"] == "Strong River Investments, Inc.; Montrose Investments Ltd."
    assert "845,594 shares" in sale["source"]


def test_export_warrants_to_a_file(run, built_db, tmp_path):
    out = tmp_path / "warrants.csv"
    result = run("--db", built_db, "export", "warrants", "--as-of", "2000-06-30", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == csv_columns("warrants")
        rows = list(reader)
    assert len(rows) == 9
    [closing] = [r for r in rows if r["exercise_price"] == "14.24"]
    assert (closing["status"], closing["shares"], closing["expires_on"]) == ("outstanding", "126839", "2004-11-19")
    finders = [r for r in rows if r["kind"] == "finder"]
    assert len(finders) == 4 and all(r["shares"] == "" and r["exercise_price"] == "" for r in finders)


def test_export_cap_table_to_a_file_matches_stdout(run, built_db, tmp_path):
    out = tmp_path / "cap.csv"
    assert run("--db", built_db, "export", "cap-table", "--as-of", "2000-06-30", "-o", out).exit_code == 0
    stdout = run("--db", built_db, "export", "cap-table", "--as-of", "2000-06-30").stdout
    from_file = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert from_file == list(csv.DictReader(io.StringIO(stdout)))
    assert any(r["shares"] == "845594" and r["price"] == "11.826" for r in from_file)


def test_export_warrants_to_stdout(run, built_db):
    result = run("--db", built_db, "export", "warrants", "--as-of", "2000-06-30")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert any(r["status"] == "outstanding" and r["exercise_price"] == "14.24" for r in rows)


# -- verify --------------------------------------------------------------------------------------


def test_verify_passes_on_a_good_ledger(run, built_db):
    result = run("--db", built_db, "verify")
    assert result.exit_code == 0, result.output
    assert "ok, 30 events" in result.stderr


def test_verify_names_the_first_changed_row(run, db_copy):
    trigger = "events_no_update"
    assert trigger in "".join(TRIGGERS) and "events" in APPEND_ONLY
    con = sqlite3.connect(db_copy)
    [(seq,)] = con.execute("SELECT seq FROM events WHERE type = 'common_issued' "
                           "AND payload LIKE '%845594%'").fetchall()
    con.execute(f"DROP TRIGGER {trigger}")
    con.execute("UPDATE events SET payload = replace(payload, '845594', '945594') WHERE seq = ?", (seq,))
    con.commit()
    con.close()
    result = run("--db", db_copy, "verify")
    assert result.exit_code == 1, result.output
    assert f"seq {seq}: row content changed: hash mismatch ({seq - 1} rows good before it)" in result.stderr


# -- bad databases and dates -----------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["replay", "--as-of", "2000-06-30"],
    ["events"],
    ["export", "cap-table", "--as-of", "2000-06-30"],
    ["verify"],
])
def test_missing_db_says_how_to_create_one(run, tmp_path, command):
    db = tmp_path / "missing.db"
    result = run("--db", db, *command)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: {db}: no ledger database here; create one with `ledger --db {db} ingest FILE...`")
    assert not db.exists()


def test_ledger_db_environment_variable(run, built_db, tmp_path):
    result = run("replay", "--as-of", "2000-06-30", "--format", "json", env={"LEDGER_DB": str(built_db)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["issuers"][0]["totals"]["common_shares"] == 1865918
    missing = run("verify", env={"LEDGER_DB": str(tmp_path / "nope.db")})
    assert missing.exit_code == 2 and "nope.db: no ledger database here" in missing.stderr


@pytest.mark.parametrize("command", ["replay", "export cap-table"])
@pytest.mark.parametrize("value", ["2000-02-30", "yesterday"])
def test_bad_as_of_is_refused_naming_the_value(run, built_db, command, value):
    result = run("--db", built_db, *command.split(), "--as-of", value)
    assert result.exit_code == 2, result.output
    assert f"'{value}' is not a date" in result.stderr
    assert result.stdout == ""
