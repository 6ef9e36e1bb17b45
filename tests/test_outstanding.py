"""Shares outstanding: the latest reported balance of a class plus the lots recorded since, beside
the recorded-only figure; no estimate without a balance; a split after the balance rebases it."""
from __future__ import annotations

import json
from datetime import date

import pytest

from events import BalanceAssertion, Provenance, Quote, StockSplit
from events.envelope import StoredEvent
from ledger.projections.outstanding import NO_BALANCE, BalanceFold, LotFigures, class_key, estimate


@pytest.mark.parametrize("title, key", [
    ("Common Stock", ("common", None)),
    ("common stock, $.01 par value", ("common", None)),
    ("shares of the registrant's common stock", ("common", None)),
    ("Ordinary Shares", ("common", None)),
    ("Class A Common Stock, par value $0.0001 per share", ("common", "a")),
    ("Class B common stock", ("common", "b")),
    ("Common Stock, Class A, $0.01 par value", ("common", "a")),
    ("Series A Convertible Preferred Stock", ("preferred", "a")),
])
def test_class_key(title, key):
    assert class_key(title) == key


def _stored(event, seq: int, key: str = "cik:1") -> StoredEvent:
    return StoredEvent(seq=seq, event_id=f"s{seq}-1", stream=f"s{seq}", version=1, issuer_key=key,
                       type=event.TYPE, effective_date=event.effective_date, public_date=event.effective_date,
                       recorded_at="2001-01-01T00:00:00", event=event, schema_version=1, quote="", prev_hash="",
                       hash="")


def _balance(day: date, value: int, security: str = "Common Stock") -> BalanceAssertion:
    text = f"{value:,} shares of {security} outstanding"
    return BalanceAssertion(effective_date=day, provenance=Provenance("s", (Quote(0, len(text), text),)), value=value,
                            security=security)


def test_the_estimate_is_the_latest_balance_plus_the_lots_since():
    fold = BalanceFold(date(2001, 12, 31))
    fold.add(_stored(_balance(date(2001, 3, 31), 10_000_000), 1))
    fold.add(_stored(_balance(date(2001, 6, 30), 10_400_000), 2))        # the latest counts
    lots = [LotFigures("Common Stock", 400_000, date(2001, 5, 1), ("a-2",)),      # before the balance: in it
            LotFigures("Common Stock", 250_000, date(2001, 7, 2), ("b-2",)),
            LotFigures("Common Stock", None, date(2001, 8, 1), ("c-2",)),         # unknown size: counted apart
            LotFigures("Series A Preferred Stock", 1_000, date(2001, 9, 1), ("d-2",))]
    [c] = estimate(fold.balances("cik:1"), lots).classes
    assert (c.reported.shares, c.reported.as_of, c.issued_since, c.undetermined_since, c.estimated, c.recorded_only) \
        == (10_400_000, date(2001, 6, 30), 250_000, 1, 10_650_000, 650_000)
    assert c.since_event_ids == ("b-2", "c-2") and c.reported.event_ids == ("s2-1",)
    assert c.reported.source == "10,400,000 shares of Common Stock outstanding"


def test_two_classes_each_take_their_own_lots():
    fold = BalanceFold(date(2024, 12, 31))
    fold.add(_stored(_balance(date(2024, 5, 1), 20_000_000, "Class A Common Stock"), 1))
    fold.add(_stored(_balance(date(2024, 5, 1), 3_000_000, "Class B common stock, par value $0.0001"), 2))
    lots = [LotFigures("Class A Common Stock", 1_000_000, date(2024, 6, 1), ("a",)),
            LotFigures("Common Stock", 5, date(2024, 6, 1), ("x",))]          # names neither class: in neither
    a, b = estimate(fold.balances("cik:1"), lots).classes
    assert (a.security, a.estimated, b.security, b.estimated) == (
        "Class A Common Stock", 21_000_000, "Class B common stock, par value $0.0001", 3_000_000)


def test_a_split_after_the_balance_rebases_it():
    fold = BalanceFold(date(2003, 12, 31))
    fold.add(_stored(_balance(date(2003, 1, 31), 9_000_001), 1))
    split = StockSplit(effective_date=date(2003, 6, 1), provenance=Provenance("t", (Quote(0, 5, "split"),)),
                       numerator=1, denominator=3)
    fold.add(_stored(split, 2))
    [c] = estimate(fold.balances("cik:1"), []).classes
    assert (c.reported.shares, c.reported.event_ids) == (3_000_000, ("s1-1", "s2-1"))   # rounded down, as the split says


def test_no_balance_says_so():
    out = estimate({}, [LotFigures("Common Stock", 5, date(2001, 1, 1), ("a",))])
    assert (out.classes, out.basis) == ((), NO_BALANCE)


def test_replay_shows_the_estimate_beside_the_recorded_figure(run, db_copy):
    """NeoTherapeutics: 1,865,918 recorded common shares; with a balance of 8,000,000 reported for
    31 March 2000, the April 2000 sale of 500,000 is what the ledger recorded since."""
    def outstanding(as_of: str) -> dict:
        out = run("--db", db_copy, "replay", "--as-of", as_of, "--format", "json")
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)["issuers"][0]["outstanding"]

    assert outstanding("2000-06-30") == {"basis": NO_BALANCE, "classes": []}
    recorded = run("--db", db_copy, "record", "reported-total", "--issuer", "NeoTherapeutics", "--shares", "8000000",
                   "--date", "2000-03-31", "--source", "10-Q for the quarter ended March 31, 2000, cover page",
                   "--source-date", "2000-05-15")
    assert recorded.exit_code == 0, recorded.output
    [c] = outstanding("2000-06-30")["classes"]
    assert {k: c[k] for k in ("class", "reported_shares", "reported_as_of", "reported_source", "issued_since",
                              "undetermined_since", "estimated_shares", "recorded_only_shares")} == {
        "class": "Common Stock", "reported_shares": 8000000, "reported_as_of": "2000-03-31",
        "reported_source": "10-Q for the quarter ended March 31, 2000, cover page", "issued_since": 500000,
        "undetermined_since": 0, "estimated_shares": 8500000, "recorded_only_shares": 1865918}
    assert len(c["issued_since_event_ids"]) == 1 and c["issued_since_event_ids"][0].endswith("-2")
    assert outstanding("2000-03-30")["classes"] == []          # before the balance's date: none yet
    table = run("--db", db_copy, "replay", "--as-of", "2000-06-30", env={"COLUMNS": "250"})
    assert table.exit_code == 0
    row = next(line for line in table.stdout.splitlines() if line.startswith("│ Common Stock │ 8,000,000"))
    assert "2000-03-31" in row and "500,000" in row and "8,500,000" in row and "1,865,918" in row
    # The snapshot path writes the same bytes as the full fold.
    full = run("--db", db_copy, "replay", "--as-of", "2000-06-30", "--format", "json").stdout
    assert run("--db", db_copy, "snapshots").exit_code == 0
    assert run("--db", db_copy, "replay", "--as-of", "2000-06-30", "--format", "json").stdout == full
    assert run("--db", db_copy, "snapshots", "--check").exit_code == 0
