"""`ledger export ocf`: an Open Cap Table Format v1.2.0 package. Every file is validated against
the OCF schemas kept in tests/data (offline: a referencing registry of those files), every id an
object refers to must exist, and the figures must be the ledger's."""
from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from ledger.export.ocf import issuer_package, package_bytes, sole_issuer
from ledger.store import open_store
from ledger.views import replay_ledger

SCHEMAS = Path(__file__).parent / "data" / "ocf-1.2.0" / "schema"
SHIPPED = Path(__file__).resolve().parents[1] / "ledger.db"
TEST_FILINGS = Path(__file__).parent / "filings"

# Event ids (table form) of the example filings: see tests/test_record.py.
NOV99_CLOSING, FEB00_WARRANTS = "863674c153e7-3", "0982e151f89f-3"
FIXED_TRANCHES = {75000: "12.98", 126839: "14.24", 104000: "21.00", 125000: "17.50"}


# --- validation and references ------------------------------------------------------------------

@cache
def validators() -> dict[str, Draft7Validator]:
    """A validator per OCF file type, resolving every $ref through the schema files on disk."""
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.rglob("*.schema.json"))]
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7)) for s in schemas)
    out = {}
    for s in schemas:
        file_type = s.get("properties", {}).get("file_type", {}).get("const")
        if file_type and "/files/" in s["$id"]:
            out[file_type] = Draft7Validator(s, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)
    assert len(out) == 10, sorted(out)     # every OCF file type, the manifest included
    return out


def schema_errors(doc: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validators()[doc["file_type"]].iter_errors(doc)]


def read_zip(data: bytes) -> dict[str, dict]:
    """The package's files by name, after checking the manifest names each one with its md5."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        raw = {name: z.read(name) for name in z.namelist()}
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    files = {name: json.loads(body) for name, body in raw.items()}
    [manifest_name] = [n for n, d in files.items() if d["file_type"] == "OCF_MANIFEST_FILE"]
    manifest = files[manifest_name]
    listed = {f["filepath"]: f["md5"] for key, value in manifest.items() if key.endswith("_files") for f in value}
    assert set(listed) | {manifest_name} == set(raw)
    for path, md5 in listed.items():
        assert hashlib.md5(raw[path]).hexdigest() == md5, path
    return files


def items(files: dict[str, dict], file_type: str) -> list[dict]:
    return [i for d in files.values() if d["file_type"] == file_type for i in d["items"]]


def broken_references(files: dict[str, dict]) -> list[str]:
    """Every id one object names that no object of the package has."""
    stakeholders = {s["id"] for s in items(files, "OCF_STAKEHOLDERS_FILE")}
    classes = {c["id"] for c in items(files, "OCF_STOCK_CLASSES_FILE")}
    txs = items(files, "OCF_TRANSACTIONS_FILE")
    issuances = {t["security_id"]: t for t in txs if t["object_type"].endswith("_ISSUANCE")}
    problems = []
    every_id = [o["id"] for f in files.values() if "items" in f for o in f["items"]]
    if len(every_id) != len(set(every_id)):
        problems.append("an id is used twice")
    if len(issuances) != sum(t["object_type"].endswith("_ISSUANCE") for t in txs):
        problems.append("a security id is used twice")

    def need(kind: str, wanted: str, among, where: str) -> None:
        if wanted not in among:
            problems.append(f"{where}: {kind} {wanted} does not exist")

    def rights(obj: dict, where: str) -> None:
        for right in [r for r in obj.get("conversion_rights", [])] + [
                t["conversion_right"] for key in ("exercise_triggers", "conversion_triggers") for t in obj.get(key, [])]:
            if "converts_to_stock_class_id" in right:
                need("stock class", right["converts_to_stock_class_id"], classes, where)

    for c in items(files, "OCF_STOCK_CLASSES_FILE"):
        rights(c, c["id"])
    for t in txs:
        where = t["id"]
        rights(t, where)
        if "stakeholder_id" in t:
            need("stakeholder", t["stakeholder_id"], stakeholders, where)
        if "stock_class_id" in t:
            need("stock class", t["stock_class_id"], classes, where)
        if not t["object_type"].endswith("_ISSUANCE") and "security_id" in t:
            need("security", t["security_id"], issuances, where)
        for key in ("resulting_security_ids",):
            for sid in t.get(key, []):
                need("security", sid, issuances, where)
        if "balance_security_id" in t:
            need("security", t["balance_security_id"], issuances, where)
        if "trigger_id" in t:
            warrant = issuances.get(t["security_id"], {})
            need("trigger", t["trigger_id"], {x["trigger_id"] for x in warrant.get("exercise_triggers", [])}, where)
    issuance_ids = {t["id"] for t in issuances.values()}
    for f in items(files, "OCF_FINANCINGS_FILE"):
        for i in f["issuance_ids"]:
            need("issuance", i, issuance_ids, f["id"])
    return problems


def check(files: dict[str, dict]) -> None:
    for name, doc in files.items():
        assert schema_errors(doc) == [], name
    assert broken_references(files) == []


def export(run, db, as_of: str, out: Path, *extra) -> bytes:
    result = run("--db", db, "export", "ocf", "--as-of", as_of, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    return out.read_bytes()


# --- NeoTherapeutics as of 2000-06-30 --------------------------------------------------------------

@pytest.fixture(scope="module")
def neo(run, built_db, tmp_path_factory) -> tuple[bytes, dict[str, dict]]:
    data = export(run, built_db, "2000-06-30", tmp_path_factory.mktemp("ocf") / "neo.ocf.zip")
    return data, read_zip(data)


def test_every_file_validates_and_every_reference_exists(neo):
    _, files = neo
    assert sorted(d["file_type"] for d in files.values()) == [
        "OCF_FINANCINGS_FILE", "OCF_MANIFEST_FILE", "OCF_STAKEHOLDERS_FILE", "OCF_STOCK_CLASSES_FILE",
        "OCF_TRANSACTIONS_FILE"]
    check(files)
    manifest = files["Manifest.ocf.json"]
    assert (manifest["ocf_version"], manifest["as_of"], manifest["issuer"]["legal_name"]) == (
        "1.2.0", "2000-06-30", "NeoTherapeutics, Inc.")
    assert manifest["issuer"]["tax_ids"] == [{"tax_id": "93-0979187", "country": "US"}]
    assert any("formation_date" in c and c.startswith("not in the ledger:") for c in manifest["issuer"]["comments"])


def test_the_checks_catch_a_bad_package(neo):
    """The validator and the reference check can fail: a package broken on purpose fails both."""
    _, files = neo
    broken = copy.deepcopy(files)
    txs = broken["Transactions.ocf.json"]["items"]
    stock = next(t for t in txs if t["object_type"] == "TX_STOCK_ISSUANCE")
    del stock["quantity"]
    stock["stakeholder_id"] = "nobody"
    next(t for t in txs if t["object_type"] == "TX_WARRANT_ISSUANCE")["exercise_price"]["amount"] = 12.98
    errors = schema_errors(broken["Transactions.ocf.json"])
    assert errors and len(errors) == 2      # oneOf over the transaction types, one item each
    assert broken_references(broken) == [f"{stock['id']}: stakeholder nobody does not exist"]
    broken["Financings.ocf.json"]["items"][0]["issuance_ids"].append("no-such-issuance")
    assert broken_references(broken)[-1].endswith("issuance no-such-issuance does not exist")


def test_figures_are_the_replays(neo):
    _, files = neo
    txs = items(files, "OCF_TRANSACTIONS_FILE")
    classes = {c["name"]: c for c in items(files, "OCF_STOCK_CLASSES_FILE")}
    common = classes["Common Stock"]["id"]
    stock = [t for t in txs if t["object_type"] == "TX_STOCK_ISSUANCE"]
    assert sum(int(t["quantity"]) for t in stock if t["stock_class_id"] == common) == 1865918
    assert sorted((t["quantity"], t["share_price"]["amount"]) for t in stock if t["stock_class_id"] == common) == [
        ("500000", "14.00"), ("520324", "15.375"), ("845594", "11.826")]
    assert all(t["share_price"]["currency"] == "USD" and isinstance(t["share_price"]["amount"], str) for t in stock)

    warrants = [t for t in txs if t["object_type"] == "TX_WARRANT_ISSUANCE"]
    fixed = {int(w["quantity"]): w for w in warrants if "quantity" in w}
    assert {q: w["exercise_price"]["amount"] for q, w in fixed.items()} == FIXED_TRANCHES
    assert sum(fixed) == 430839
    assert {w["quantity_source"] for w in fixed.values()} == {"INSTRUMENT_FIXED"}
    first = fixed[75000]
    assert (first["warrant_expiration_date"], first["exercise_price"]) == ("2004-01-29", {"amount": "12.98", "currency": "USD"})
    [trigger] = first["exercise_triggers"]
    assert (trigger["type"], trigger["start_date"], trigger["end_date"]) == ("ELECTIVE_IN_RANGE", "1999-01-29", "2004-01-29")
    assert trigger["conversion_right"]["conversion_mechanism"] == {"type": "FIXED_AMOUNT_CONVERSION",
                                                                   "converts_to_quantity": "75000"}
    open_ended = [w for w in warrants if "quantity" not in w]
    assert len(open_ended) == 5 and {w["quantity_source"] for w in open_ended} == {"UNSPECIFIED"}
    adjustable = next(w for w in open_ended if "Adjustable" in " ".join(w["comments"]))
    assert adjustable["exercise_price"]["amount"] == "0.001"
    assert any(c.startswith("adjustable-warrant formula") and "10 lowest closing bid prices" in c
               for c in adjustable["comments"])

    series_a = classes["5% Series A Preferred Stock with Conversion Features"]
    [right] = series_a["conversion_rights"]
    mechanism = right["conversion_mechanism"]
    assert (mechanism["type"], mechanism["conversion_price"], mechanism["ratio"]) == (
        "RATIO_CONVERSION", {"amount": "13.06", "currency": "USD"}, {"numerator": "1", "denominator": "13.06"})
    assert right["converts_to_stock_class_id"] == common
    assert any("at most 1450000 common shares" in c for c in series_a["comments"])
    assert any(c.startswith("variable conversion price") and "101%" in c for c in series_a["comments"])
    [preferred] = [t for t in stock if t["stock_class_id"] == series_a["id"]]
    assert (preferred["quantity"], preferred["share_price"]["amount"]) == ("4000000", "1")   # dollars of stated amount
    assert any("not shares" in c for c in preferred["comments"])

    financings = items(files, "OCF_FINANCINGS_FILE")
    assert len(financings) == 4
    assert sorted(len(f["issuance_ids"]) for f in financings) == [3, 3, 3, 4]
    fees = [c for f in financings for c in f["comments"] if c.startswith("finder's fee")]
    assert len(fees) == 4 and all("an unrelated third party" in c and "cash undisclosed" in c for c in fees)


def test_stakeholders_are_one_per_holder_name(neo):
    _, files = neo
    names = sorted(s["name"]["legal_name"] for s in items(files, "OCF_STAKEHOLDERS_FILE"))
    for name in ("Westover Investments L.P.", "Montrose Investments L.P.", "Montrose Investments Ltd.",
                 "Strong River Investments, Inc.", "Royal Canadian Growth Fund"):
        assert names.count(name) == 1
    # the two buyers of a lot whose split is not disclosed hold it as one group; four finders are
    # "an unrelated third party", one stakeholder per filing
    assert "Montrose Investments Ltd. and Strong River Investments, Inc." in names
    assert names.count("an unrelated third party") == 4


def test_two_exports_give_the_same_bytes_and_the_library_gives_them_too(run, built_db, neo, tmp_path):
    data, _ = neo
    assert export(run, built_db, "2000-06-30", tmp_path / "again.ocf.zip") == data
    with open_store(built_db, read_only=True) as store:
        key = sole_issuer(store, None)
        assert package_bytes(issuer_package(store, key, as_of=date(2000, 6, 30))) == data


# --- a ledger with a split, an exercise, a cancellation and a conversion ----------------------------

def test_recorded_transactions(run, db_copy, tmp_path):
    def ok(*args):
        result = run("--db", db_copy, "record", *args)
        assert result.exit_code == 0, result.output

    ok("conversion", "--preferred", "Series A", "--issuer", "NeoTherapeutics", "--common", "150000",
       "--amount-converted", "2,000,000", "--date", "1999-09-01", "--source", "10-Q")
    ok("exercise", "--tranche", FEB00_WARRANTS, "--shares", "4000", "--date", "2000-09-15", "--source", "10-Q Q3 2000")
    ok("cancel", "--tranche", NOV99_CLOSING, "--date", "2002-01-01", "--source", "10-K 2001")
    ok("split", "--issuer", "NeoTherapeutics", "--ratio", "1:3", "--rounding", "down", "--date", "2002-06-01",
       "--source", "8-K announcing a 1-for-3 reverse split")
    files = read_zip(export(run, db_copy, "2002-12-31", tmp_path / "neo.ocf.zip"))
    check(files)
    txs = items(files, "OCF_TRANSACTIONS_FILE")
    by_type = {}
    for t in txs:
        by_type.setdefault(t["object_type"], []).append(t)
    securities = {t["security_id"]: t for t in txs if t["object_type"].endswith("_ISSUANCE")}
    common = next(c["id"] for c in items(files, "OCF_STOCK_CLASSES_FILE") if c["name"] == "Common Stock")

    [conversion] = by_type["TX_STOCK_CONVERSION"]
    assert (conversion["date"], conversion["quantity_converted"]) == ("1999-09-01", "2000000")
    assert securities[conversion["security_id"]]["quantity"] == "4000000"          # the Series A lot
    [received] = conversion["resulting_security_ids"]
    assert (securities[received]["quantity"], securities[received]["stock_class_id"]) == ("150000", common)
    # 2,000,000 / 150,000 has no exact ten-place decimal: the price is a placeholder, and says so
    assert securities[received]["share_price"]["amount"] == "0"
    assert any(c.startswith("not in the ledger: share_price") for c in securities[received]["comments"])

    [exercise] = by_type["TX_WARRANT_EXERCISE"]
    warrant = securities[exercise["security_id"]]
    assert (warrant["quantity"], exercise["date"]) == ("104000", "2000-09-15")
    [lot] = exercise["resulting_security_ids"]
    assert (securities[lot]["quantity"], securities[lot]["share_price"]["amount"]) == ("4000", "21.00")
    assert any("100000 warrant shares remain" in c for c in exercise["comments"])

    [cancellation] = by_type["TX_WARRANT_CANCELLATION"]
    assert (cancellation["date"], cancellation["quantity"]) == ("2002-01-01", "126839")
    assert securities[cancellation["security_id"]]["exercise_price"]["amount"] == "14.24"

    [split] = by_type["TX_STOCK_CLASS_SPLIT"]
    assert (split["date"], split["stock_class_id"], split["split_ratio"]) == (
        "2002-06-01", common, {"numerator": "1", "denominator": "3"})

    # Replaying the package's common issuances through the split (each lot rounded down, as the
    # ledger does) gives the ledger's own common total.
    lots = [int(t["quantity"]) for t in by_type["TX_STOCK_ISSUANCE"] if t["stock_class_id"] == common]
    assert sorted(lots) == [4000, 150000, 500000, 520324, 525000, 845594, 2575000]
    with open_store(db_copy, read_only=True) as store:
        [report] = replay_ledger(store, as_of=date(2002, 12, 31)).issuers
    assert sum(q // 3 for q in lots) == report.totals.common_shares


# --- the command line -----------------------------------------------------------------------------

@pytest.fixture
def mixed_db(run, tmp_path, filings) -> Path:
    db = tmp_path / "mixed.db"
    result = run("--db", db, "ingest", *filings, TEST_FILINGS / "pipe_placement_agent.txt",
                 TEST_FILINGS / "preferred_stated_value.txt")
    assert result.exit_code == 0, result.output
    return db


def one_error(result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert result.stdout == "" and "Traceback" not in result.output


def test_several_issuers_need_issuer(run, mixed_db, tmp_path):
    out = tmp_path / "x.ocf.zip"
    one_error(run("--db", mixed_db, "export", "ocf", "--as-of", "2010-12-31", "-o", out),
              "the ledger holds 3 issuers (Acme Widgets, Inc.; Blue Mesa Therapeutics Corp.; NeoTherapeutics, Inc.) "
              "and an OCF package is one issuer's cap table: choose one with --issuer")
    assert not out.exists()
    files = read_zip(export(run, mixed_db, "2010-12-31", out, "--issuer", "blue mesa"))
    check(files)
    assert files["Manifest.ocf.json"]["issuer"]["legal_name"] == "Blue Mesa Therapeutics Corp."
    [series_c] = [c for c in items(files, "OCF_STOCK_CLASSES_FILE") if c["class_type"] == "PREFERRED"]
    # a series with a share count and a stated value: real shares, ratio = stated value / conversion price
    assert series_c["conversion_rights"][0]["conversion_mechanism"]["ratio"] == {"numerator": "1000",
                                                                                 "denominator": "0.80"}
    [lot] = [t for t in items(files, "OCF_TRANSACTIONS_FILE") if t.get("stock_class_id") == series_c["id"]]
    assert (lot["quantity"], lot["share_price"]["amount"]) == ("5000", "1000")
    acme = read_zip(export(run, mixed_db, "2010-12-31", out, "--issuer", "Acme"))
    check(acme)
    [financing] = items(acme, "OCF_FINANCINGS_FILE")
    assert any("placement agent's fee paid to Roth Harbor Securities LLC: cash 210000 USD" in c
               for c in financing["comments"])


def test_bad_input_is_one_line_and_no_file(run, built_db, tmp_path):
    one_error(run("--db", built_db, "export", "ocf", "--as-of", "2000-06-30"),
              "export ocf writes a zip file: give -o FILE.ocf.zip")
    missing_dir = tmp_path / "no-such-dir" / "neo.ocf.zip"
    one_error(run("--db", built_db, "export", "ocf", "--as-of", "2000-06-30", "-o", missing_dir),
              f"{missing_dir}: cannot write (No such file or directory)")
    out = tmp_path / "early.ocf.zip"
    one_error(run("--db", built_db, "export", "ocf", "--as-of", "1990-01-01", "-o", out),
              "NeoTherapeutics, Inc.: nothing in the ledger on or before 1990-01-01")
    assert not out.exists()
    one_error(run("--db", built_db, "export", "ocf", "-o", out),
              "export ocf: --as-of is required: the date of the cap table, YYYY-MM-DD")
    one_error(run("--db", built_db, "export", "ocf", "--as-of", "2000-06-30", "--format", "json", "-o", out),
              "export ocf: --format json does not apply: an OCF package is a zip of JSON files")
    assert [p.name for p in tmp_path.iterdir()] == []      # no partial file left beside it either


def test_a_failed_write_leaves_the_old_file(run, built_db, tmp_path, monkeypatch):
    out = tmp_path / "neo.ocf.zip"
    out.write_bytes(b"the previous package")

    def boom(package, fh):
        fh.write(b"half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ledger.export.ocf.write_package", boom)
    one_error(run("--db", built_db, "export", "ocf", "--as-of", "2000-06-30", "-o", out),
              f"{out}: cannot write (No space left on device)")
    assert out.read_bytes() == b"the previous package"
    assert [p.name for p in tmp_path.iterdir()] == ["neo.ocf.zip"]


def test_the_installed_command_writes_a_valid_package(tmp_path):
    db = Path(shutil.copy(SHIPPED, tmp_path / "ledger.db"))
    out = tmp_path / "neo.ocf.zip"
    ledger = shutil.which("ledger", path=str(Path(sys.executable).parent))
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_DB"}
    proc = subprocess.run([ledger, "--db", db, "export", "ocf", "--as-of", "2000-06-30", "-o", out],
                          capture_output=True, text=True, env=env, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    files = read_zip(out.read_bytes())
    check(files)
    common = next(c["id"] for c in items(files, "OCF_STOCK_CLASSES_FILE") if c["name"] == "Common Stock")
    assert sum(int(t["quantity"]) for t in items(files, "OCF_TRANSACTIONS_FILE")
               if t["object_type"] == "TX_STOCK_ISSUANCE" and t["stock_class_id"] == common) == 1865918


def test_known_at_and_retractions_are_honoured(run, db_copy, tmp_path):
    """The package is the record as it stood: --known-at leaves out what was not public yet, and a
    retracted issuance is not in it (nor in its filing's financing)."""
    early = read_zip(export(run, db_copy, "2000-06-30", tmp_path / "early.ocf.zip", "--known-at", "1999-12-31"))
    check(early)
    stock = [t for t in items(early, "OCF_TRANSACTIONS_FILE") if t["object_type"] == "TX_STOCK_ISSUANCE"]
    assert sorted(t["quantity"] for t in stock) == ["4000000", "845594"]     # Jan 99 preferred, Nov 99 common
    assert len(items(early, "OCF_FINANCINGS_FILE")) == 2

    result = run("--db", db_copy, "retract", "c2760587d348-2", "--reason", "sold to another issuer")
    assert result.exit_code == 0, result.output
    files = read_zip(export(run, db_copy, "2000-06-30", tmp_path / "retracted.ocf.zip"))
    check(files)
    common = next(c["id"] for c in items(files, "OCF_STOCK_CLASSES_FILE") if c["name"] == "Common Stock")
    assert sum(int(t["quantity"]) for t in items(files, "OCF_TRANSACTIONS_FILE")
               if t["object_type"] == "TX_STOCK_ISSUANCE" and t["stock_class_id"] == common) == 1865918 - 500000
    april = next(f for f in items(files, "OCF_FINANCINGS_FILE") if f["date"] == "2000-04-28")
    assert len(april["issuance_ids"]) == 2 and not any(i.endswith("-2") for i in april["issuance_ids"])
