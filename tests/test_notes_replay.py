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
