"""Convertible notes replay in their own section: not cap-table holdings, not capital raised."""
import json
from pathlib import Path

NOTES = Path(__file__).parent / "filings" / "convertible_notes.txt"


def test_notes_section_and_maturity(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", NOTES).exit_code == 0

    def issuer(as_of):
        [i] = json.loads(run("--db", db, "replay", "--as-of", as_of, "--format", "json").stdout)["issuers"]
        return i

    before = issuer("2024-09-13")
    assert before["holdings"] == [] and before["warrants"] == []
    assert before["totals"]["capital_raised"] == "0"
    assert [(n["principal"], n["conversion_price"], n["status"]) for n in before["notes"]] == \
        [("4000000", "1.25", "outstanding"), ("500000", None, "outstanding")]
    assert [n["status"] for n in issuer("2024-09-14")["notes"]] == ["matured", "outstanding"]   # from maturity on


def test_a_split_rebases_the_conversion_price_of_notes_outstanding_on_its_date(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", NOTES).exit_code == 0
    for when in ("2022-01-03", "2024-10-01"):       # the second comes after the $4.0 million note matured
        split = run("--db", db, "record", "split", "--issuer", "Coral Ridge", "--ratio", "1:10",
                    "--rounding", "down", "--date", when, "--source", "8-K announcing a 1-for-10 reverse split")
        assert split.exit_code == 0, split.output

    def notes(as_of):
        [i] = json.loads(run("--db", db, "replay", "--as-of", as_of, "--format", "json").stdout)["issuers"]
        return i["notes"]

    assert notes("2022-01-02")[0]["conversion_price"] == "1.25"
    first, plain = notes("2022-01-03")
    assert first["conversion_price"] == "12.50" and len(first["event_ids"]) == 2
    assert plain["conversion_price"] is None and len(plain["event_ids"]) == 1
    assert notes("2024-10-01")[0]["conversion_price"] == "12.50"     # matured: not rebased again
