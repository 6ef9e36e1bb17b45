"""An 8-K/A gets its own stream, names the filing it amends, and supersedes it item by item."""
import json
from pathlib import Path

import pytest

from ledger.store import open_store

FILINGS = Path(__file__).parent / "filings"
ORIGINAL, AMENDMENT = FILINGS / "pipe_placement_agent.txt", FILINGS / "pipe_placement_agent_amendment.txt"


def acme(run, db) -> dict:
    doc = json.loads(run("--db", db, "replay", "--as-of", "2005-12-31", "--format", "json").stdout)
    [issuer] = doc["issuers"]
    return issuer


@pytest.mark.parametrize("order", [(ORIGINAL, AMENDMENT), (AMENDMENT, ORIGINAL)], ids=["original-first", "amendment-first"])
def test_amendment_supersedes_the_items_it_restates(run, tmp_path, order):
    db = tmp_path / "ledger.db"
    for filing in order:
        assert run("--db", db, "ingest", filing).exit_code == 0
    issuer = acme(run, db)
    assert [(h["shares"], h["price"]) for h in issuer["holdings"]] == [(2100000, "1.50")]
    assert issuer["totals"]["capital_raised"] == "3150000"
    # Item 3.02's investor warrants are restated; the placement agent's (same item) go with them.
    assert [(w["kind"], w["shares"]) for w in issuer["warrants"]] == [("investor", 1050000)]
    with open_store(db) as store:
        streams = list(store.streams())
        assert len(streams) == 2 and store.count() == 5 + 3     # nothing deleted: history has both
        forms = {s.form: s.stream for s in streams}
        assert set(forms) == {"8-K", "8-K/A"}
        amendment = next(store.log(stream=forms["8-K/A"])).event
        assert amendment.amends == (forms["8-K"] if order[0] is ORIGINAL else None)


def test_before_the_amendment_the_original_stands(run, tmp_path):
    db = tmp_path / "ledger.db"
    assert run("--db", db, "ingest", ORIGINAL).exit_code == 0
    assert [(h["shares"], h["price"]) for h in acme(run, db)["holdings"]] == [(2000000, "1.50")]
