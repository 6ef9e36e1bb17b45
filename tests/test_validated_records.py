"""Corrections and hand-recorded facts are held to the rules an extracted event is held to
(events/rules.py): refused with one line naming the field, and nothing written. Retracting a
filing's own event retracts the whole filing."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from events import CommonIssued, EventCorrected, FieldChange, Provenance, Quote, StockSplit, WarrantGranted
from events.codec import from_payload, problems, to_payload
from events.rules import InvalidEvent
from ledger.ids import short_id
from ledger.record import Citation, append_recorded
from ledger.store import open_store, verify
from tests.ids_support import shortened
from tests.test_record import (
    APR00_COMMON, FEB00_WARRANTS, NOV99_CLOSING, NOV99_COMMON, issuer, ok, refused,
)

NOV99_FILING = NOV99_COMMON.rsplit("-", 1)[0] + "-1"     # the filing_recorded event of the November 1999 8-K
FILINGS = Path(__file__).parent / "filings"
PROV = Provenance("test:", (Quote(0, 1, "x"),))


def count(db) -> int:
    with open_store(db) as store:
        return store.count()


@pytest.mark.parametrize("assignment, message", [
    ("shares=-5", "shares: -5 is negative"),
    ("price=-1", "price: -1 is negative"),
    ("price=-0.01", "price: -0.01 is negative"),
    ("price=cheap", "price: 'cheap' is not a decimal"),
    ("price=NaN", "price: 'NaN' is not a decimal"),
    ("shares=1.5", "shares: '1.5' is not a whole number"),
    ("shares=true", "shares: True is not a whole number"),
    ("consideration=-10", "consideration: -10 is negative"),
    ("effective_date=0200-01-01", "effective_date: 0200-01-01 is outside 1900-01-01..2199-12-31"),
    ("effective_date=20000630", "effective_date: 20000630 is not a date (YYYY-MM-DD)"),
])
def test_a_correction_is_held_to_the_rules_of_an_extracted_event(run, db_copy, assignment, message):
    before = count(db_copy)
    refused(run("--db", db_copy, "correct", NOV99_COMMON, "--set", assignment, "--reason", "x"),
            f"{message}; {NOV99_COMMON} was not corrected")
    assert count(db_copy) == before
    assert issuer(run, db_copy, "1999-12-31")["totals"]["common_shares"] == 845594


def test_the_same_rule_refuses_an_extracted_event_a_correction_and_a_record():
    """One set of rules: building the event as the extractor does raises the same line."""
    with pytest.raises(InvalidEvent, match=r"^shares: -5 is negative$"):
        CommonIssued(effective_date=date(2000, 1, 1), provenance=PROV, shares=-5, price=Decimal("1"),
                     consideration_basis="not_stated", consideration_kind="cash")
    with pytest.raises(InvalidEvent, match=r"^exercise_price: -1 is negative$"):
        WarrantGranted(effective_date=date(2000, 1, 1), provenance=PROV, tranche="t", kind="investor",
                       shares=1, exercise_price=Decimal("-1"))
    with pytest.raises(InvalidEvent, match=r"^expires_on: 2999-01-01 is outside"):
        WarrantGranted(effective_date=date(2000, 1, 1), provenance=PROV, tranche="t", kind="investor",
                       shares=1, exercise_price_basis="not_stated", expires_on=date(2999, 1, 1))
    payload = to_payload(CommonIssued(effective_date=date(2000, 1, 1), provenance=PROV, shares=5, price=Decimal("1"),
                                      consideration_basis="not_stated", consideration_kind="cash"))
    with pytest.raises(Exception) as raised:
        from_payload(CommonIssued.TYPE, CommonIssued.SCHEMA_VERSION, {**payload, "shares": -5}, explain_errors=True)
    assert problems(raised.value) == ["shares: -5 is negative"]


def test_a_nested_field_is_named_with_its_path(built_db):
    with open_store(built_db) as store:
        preferred = store.event("d68db1fc7039-2")
    payload = to_payload(preferred.event)
    payload["conversion"]["fixed_price"] = "-3"
    with pytest.raises(Exception) as raised:
        from_payload(preferred.type, 1, payload, explain_errors=True)
    assert problems(raised.value) == ["conversion.fixed_price: -3 is not more than zero"]


@pytest.mark.parametrize("ratio, message", [
    ("1000000000000:1", "numerator: 1,000,000,000,000 is outside 1..1,000,000"),
    ("1:2000000", "denominator: 2,000,000 is outside 1..1,000,000"),
    ("0:1", "numerator: 0 is outside 1..1,000,000"),
    ("3:3", "ratio: 3:3 changes nothing"),
])
def test_an_implausible_split_is_refused(run, db_copy, ratio, message):
    before = count(db_copy)
    refused(run("--db", db_copy, "record", "split", "--issuer", "NeoTherapeutics", "--ratio", ratio,
                "--date", "2002-06-01", "--source", "8-K"), f"{message}; nothing was recorded")
    assert count(db_copy) == before


def test_the_largest_stated_split_is_accepted(run, db_copy):
    ok(run("--db", db_copy, "record", "split", "--issuer", "NeoTherapeutics", "--ratio", "1:1000000",
           "--date", "2002-06-01", "--source", "8-K"))


def test_a_recorded_fact_with_a_date_out_of_range_is_refused(run, db_copy):
    refused(run("--db", db_copy, "record", "opening-balance", "--issuer", "NeoTherapeutics", "--shares", "10",
                "--date", "2200-01-01", "--source", "10-K"),
            "effective_date: 2200-01-01 is outside 1900-01-01..2199-12-31; nothing was recorded")


def test_a_share_count_past_what_json_holds_exactly_is_refused(run, db_copy):
    refused(run("--db", db_copy, "record", "opening-balance", "--issuer", "NeoTherapeutics",
                "--shares", str(2 ** 53), "--date", "2001-01-01", "--source", "10-K"),
            "shares: 9,007,199,254,740,992 is over 9,007,199,254,740,991, past what JSON readers hold exactly "
            "(no issuer has that many shares); nothing was recorded")
    refused(run("--db", db_copy, "correct", NOV99_COMMON, "--set", f"shares={10 ** 16}", "--reason", "typo"),
            "shares: 10,000,000,000,000,000 is over 9,007,199,254,740,991, past what JSON readers hold exactly "
            f"(no issuer has that many shares); {NOV99_COMMON} was not corrected")
    ok(run("--db", db_copy, "correct", NOV99_COMMON, "--set", f"shares={2 ** 53 - 1}", "--reason", "edge"))


@pytest.mark.parametrize("command", [
    ["correct", NOV99_COMMON, "--set", "shares=845595", "--reason", "typo"],
    ["retract", NOV99_COMMON, "--reason", "never closed"],
])
def test_a_source_cannot_predate_the_fact_it_corrects(run, db_copy, command):
    before = count(db_copy)
    refused(run("--db", db_copy, *command, "--source", "8-K/A", "--source-date", "1999-12-02"),
            f"--source-date 1999-12-02 is before common_issued {NOV99_COMMON} became public (1999-12-03); "
            "a source cannot report it earlier")
    assert count(db_copy) == before
    ok(run("--db", db_copy, *command, "--source", "8-K/A", "--source-date", "1999-12-03"))


def test_a_source_cannot_predate_the_tranche_it_exercises_nor_be_in_the_future(run, db_copy):
    refused(run("--db", db_copy, "record", "exercise", "--tranche", NOV99_CLOSING, "--shares", "10",
                "--date", "2000-06-01", "--source", "10-Q", "--source-date", "1999-12-01"),
            f"--source-date 1999-12-01 is before warrant_granted {NOV99_CLOSING} became public (1999-12-03); "
            "a source cannot report it earlier")
    refused(run("--db", db_copy, "retract", NOV99_COMMON, "--reason", "x", "--source-date", "2199-01-01"),
            "--source-date 2199-01-01 is in the future")


def test_retracting_a_filing_event_retracts_the_whole_filing(run, db_copy):
    before = issuer(run, db_copy, "2000-06-30")
    assert before["totals"]["common_shares"] == 1865918
    retraction = short_id(ok(run("--db", db_copy, "retract", NOV99_FILING, "--reason", "not this company's filing",
                                 "--source-date", "2000-01-10")))
    after = issuer(run, db_copy, "2000-06-30")
    assert after["totals"]["common_shares"] == 1865918 - 845594
    assert after["totals"]["warrant_shares_outstanding"] == before["totals"]["warrant_shares_outstanding"] - 126839
    stream_prefix = NOV99_FILING.rsplit("-", 1)[0]
    assert not [row for rows in (after["holdings"], after["warrants"]) for row in rows
                if any(i.startswith(stream_prefix) for i in row["event_ids"])]
    # Known before the retraction, the filing stands.
    assert issuer(run, db_copy, "1999-12-31")["totals"]["common_shares"] == 0
    assert issuer(run, db_copy, "1999-12-31", "--known-at", "2000-01-09")["totals"]["common_shares"] == 845594
    # history shows the retraction after the filing event, and every event of the filing as retracted by it.
    rows = [shortened(json.loads(line)) for line in
            ok(run("--db", db_copy, "history", "--filing", stream_prefix, "--format", "json")).splitlines()]
    assert rows[0]["event_id"] == NOV99_FILING and rows[1]["event_id"] == retraction
    assert rows[1]["notes"] == [f"retracts {NOV99_FILING}"]
    assert all(r["retracted_by"] == [retraction] for r in rows if r["event_id"] != retraction)
    with open_store(db_copy) as store:   # nothing rewritten
        assert store.event(NOV99_COMMON).event.shares == 845594 and verify(store).ok


def test_retracting_an_amendment_filing_is_refused(run, tmp_path):
    db = tmp_path / "l.db"
    ok(run("--db", db, "ingest", FILINGS / "pipe_placement_agent.txt", FILINGS / "pipe_placement_agent_amendment.txt"))
    with open_store(db) as store:
        amendment = next(e for e in store.log() if e.type == "filing_recorded" and e.event.form.endswith("/A"))
        before = store.count()
    result = run("--db", db, "retract", amendment.event_id, "--reason", "x")
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {amendment.event_id} is the 8-K/A filing; "
                                                              "retracting an amendment is not supported")
    assert count(db) == before


def test_a_correction_of_a_correction_is_refused(run, db_copy):
    fix = ok(run("--db", db_copy, "correct", NOV99_COMMON, "--set", "shares=845595", "--reason", "typo"))
    refused(run("--db", db_copy, "correct", fix, "--set", "reason=other", "--reason", "x"),
            f"{fix} is itself a correction; correct the event it corrects instead")


def test_an_invalid_correction_stored_before_these_rules_stops_replay_with_one_line(run, db_copy):
    """A ledger written by an earlier release may hold a correction that makes a lot negative:
    replay names it instead of folding a negative lot."""
    with open_store(db_copy) as store:
        stored = append_recorded(store, store.event(APR00_COMMON).issuer_key, lambda p: EventCorrected(
            effective_date=date(2000, 4, 28), provenance=p, target=store.event(APR00_COMMON).event_id,
            changes=(FieldChange("shares", -5),), reason="old release"), Citation("8-K/A", date(2001, 1, 1)))
    result = run("--db", db_copy, "replay", "--as-of", "2000-06-30")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {APR00_COMMON} as corrected by {short_id(stored.event_id)} is not valid: "
                                          "shares: -5 is negative"]


def test_a_valid_split_event_still_reads_back():
    split = StockSplit(effective_date=date(2002, 6, 1), provenance=PROV, numerator=1, denominator=200)
    assert from_payload(StockSplit.TYPE, 1, to_payload(split)) == split


# --- any value a user may type into --set: a valid event, or "field: problem" lines, nothing else ---

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.record import parse_assignment

SALE = CommonIssued(effective_date=date(1999, 11, 19), provenance=PROV, shares=845594, price=Decimal("11.826"),
                    consideration=Decimal("10000000"), consideration_kind="cash", buyers=("A", "B"))
FIELDS = sorted(k for k in to_payload(SALE) if k != "provenance")
TYPED = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(date.isoformat),
    st.sampled_from(["true", "false", "null", "[]", '["x"]', "{}", '{"a": 1}', "1e400", "-0", "0.0", "1,000"]),
    st.text(max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), raw=TYPED)
def test_any_typed_value_gives_a_valid_event_or_one_line_per_problem(field, raw):
    change = parse_assignment(f"{field}={raw}")
    payload = {**to_payload(SALE), change.field: change.value}
    try:
        event = from_payload(CommonIssued.TYPE, 1, payload, explain_errors=True)
    except Exception as e:  # noqa: BLE001 - what correct() catches; every kind must explain itself
        lines = problems(e)
        assert lines and all(line.startswith(f"{field}") and "\n" not in line for line in lines), lines
        return
    assert event.shares is None or event.shares >= 0
    assert event.price is None or event.price >= 0
    assert event.consideration is None or event.consideration >= 0
    assert date(1900, 1, 1) <= event.effective_date <= date(2199, 12, 31)
    # and it reads back through the fast reader that replay uses
    assert from_payload(CommonIssued.TYPE, 1, to_payload(event)) == event
