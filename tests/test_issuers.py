"""Many issuers in one ledger: each replayed apart, and --issuer picks one by name."""
import csv
import io
import json
from pathlib import Path

import pytest

TEST_FILINGS = Path(__file__).parent / "filings"


@pytest.fixture
def mixed_db(run, tmp_path, filings):
    db = tmp_path / "ledger.db"
    result = run("--db", db, "ingest", *filings, TEST_FILINGS / "pipe_placement_agent.txt",
                 TEST_FILINGS / "preferred_stated_value.txt")
    assert result.exit_code == 0, result.output
    return db


def test_every_issuer_is_replayed_with_its_own_totals(run, mixed_db):
    doc = json.loads(run("--db", mixed_db, "replay", "--as-of", "2010-12-31", "--format", "json").stdout)
    by_name = {i["issuer"]["name"]: i for i in doc["issuers"]}
    assert sorted(by_name) == ["Acme Widgets, Inc.", "Blue Mesa Therapeutics Corp.", "NeoTherapeutics, Inc."]
    assert by_name["Acme Widgets, Inc."]["totals"]["common_shares"] == 2000000
    assert by_name["Acme Widgets, Inc."]["totals"]["fees_paid_cash"] == "210000"
    assert by_name["Blue Mesa Therapeutics Corp."]["totals"]["capital_raised"] == "5000000"
    assert by_name["NeoTherapeutics, Inc."]["totals"]["common_shares"] == 4965918


def test_issuer_option_picks_one(run, mixed_db):
    doc = json.loads(run("--db", mixed_db, "replay", "--as-of", "2010-12-31", "--format", "json",
                         "--issuer", "blue mesa").stdout)
    assert [i["issuer"]["name"] for i in doc["issuers"]] == ["Blue Mesa Therapeutics Corp."]
    csv_out = run("--db", mixed_db, "export", "cap-table", "--as-of", "2010-12-31", "--issuer", "Acme").stdout
    assert [row["issuer"] for row in csv.DictReader(io.StringIO(csv_out))] == ["Acme Widgets, Inc."]
    lines = run("--db", mixed_db, "events", "--format", "json", "--issuer", "Acme").stdout.splitlines()
    assert len(lines) == 5 and {json.loads(line)["stream"] for line in lines} == {json.loads(lines[0])["stream"]}


def test_unknown_or_ambiguous_issuer_is_an_error(run, mixed_db):
    result = run("--db", mixed_db, "replay", "--as-of", "2010-12-31", "--issuer", "Initech")
    assert result.exit_code == 2 and "no issuer in the ledger matches 'Initech'" in result.stderr
    result = run("--db", mixed_db, "replay", "--as-of", "2010-12-31", "--issuer", "Inc")
    assert result.exit_code == 2 and "matches 2 issuers" in result.stderr


def test_issuer_is_found_from_the_streams_columns_without_decoding_a_stream(run, mixed_db, monkeypatch):
    """--issuer by CIK (leading zeros optional) or by name asks the store for issuer names only:
    decoding every stream made a one-issuer replay scan the whole ledger (issue 10)."""
    from ledger.store import open_store
    from ledger.views import UnknownIssuer, resolve_issuer

    assert run("--db", mixed_db, "ingest", TEST_FILINGS / "underwritten_selling_holders.txt").exit_code == 0

    with open_store(mixed_db, read_only=True) as store:
        issuers = {i.issuer_key: i.issuer for i in store.streams()}
        [(key, acme)] = [(k, i) for k, i in issuers.items() if i.name.startswith("Acme")]
        with_cik = {k: i for k, i in issuers.items() if i.cik}
        assert with_cik, "the test filings should give an issuer a CIK"

        def no_decoding(*args, **kwargs):
            raise AssertionError("resolve_issuer decoded the streams")

        monkeypatch.setattr(type(store), "streams", no_decoding)
        asked = []
        names = type(store).issuer_names
        monkeypatch.setattr(type(store), "issuer_names", lambda self, **kw: asked.append(kw) or names(self, **kw))
        for cik_key, issuer in with_cik.items():
            digits = str(int(issuer.cik))
            assert resolve_issuer(store, digits) == cik_key
            assert resolve_issuer(store, f" 000{digits} ") == cik_key
        assert asked and all(kw.get("issuer_key") for kw in asked)    # the key's index, not a scan
        assert resolve_issuer(store, "acme widgets") == key
        with pytest.raises(UnknownIssuer, match="matches 3 issuers"):
            resolve_issuer(store, "Inc")
        with pytest.raises(UnknownIssuer, match="no issuer in the ledger matches '999999999'"):
            resolve_issuer(store, "999999999")


def test_the_key_of_an_issuer_with_a_cik_is_that_number():
    """resolve_issuer looks a CIK up by its key: the key ingest gives (ledger.keys.issuer_key)."""
    from events import Issuer
    from ledger import ingest
    from ledger.keys import cik_key, issuer_key

    assert ingest.issuer_key is issuer_key
    assert issuer_key(Issuer("Meridian Hollow Inc.", "0000777777", "333-1")) == cik_key("777777") == "cik:777777"
    assert issuer_key(Issuer("Acme Widgets, Inc.", None, "0-31234")) == "name:acme widgets inc|0-31234"
