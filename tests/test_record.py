"""Facts from later filings, corrections and `ledger check`: new events only, honoured by replay,
refused when they contradict the ledger."""
import json
from datetime import date
from decimal import Decimal

import pytest

from tests.ids_support import shortened

from ledger.store import open_store, verify
from ledger.views import replay_ledger

# Event ids of the five example filings as tables show them: <first 12 hex of the stream's sha256>-<version>.
NOV99_COMMON, NOV99_CLOSING, NOV99_ADJUSTABLE = "863674c153e7-2", "863674c153e7-3", "863674c153e7-4"
FEB00_WARRANTS, APR00_COMMON, JAN99_PREFERRED = "0982e151f89f-3", "c2760587d348-2", "d68db1fc7039-2"


def issuer(run, db, as_of: str, *extra) -> dict:
    result = run("--db", db, "replay", "--as-of", as_of, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    [i] = shortened(json.loads(result.stdout))["issuers"]
    return i


def tranche(i: dict, event_id: str) -> dict:
    return next(w for w in i["warrants"] if w["event_ids"][0] == event_id)


def ok(result):
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def refused(result, message: str):
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert "Traceback" not in result.output


def test_ids_of_the_example_filings_are_stable(run, db_copy):
    with open_store(db_copy) as store:
        assert store.event(NOV99_COMMON).event.shares == 845594
        assert store.event(FEB00_WARRANTS).event.shares == 104000


def test_partial_then_full_cash_exercise(run, db_copy):
    ok(run("--db", db_copy, "record", "exercise", "--tranche", FEB00_WARRANTS, "--shares", "4000",
           "--date", "2000-09-15", "--source", "10-Q for the quarter ended September 30, 2000"))
    i = issuer(run, db_copy, "2000-12-31")
    t = tranche(i, FEB00_WARRANTS)
    assert (t["shares"], t["status"], len(t["event_ids"])) == (100000, "outstanding", 2)
    lot = next(h for h in i["holdings"] if h["date"] == "2000-09-15")
    assert (lot["shares"], lot["price"], lot["holders"]) == (4000, "21.00", ["Montrose Investments Ltd.", "Strong River Investments, Inc."])
    assert i["totals"]["common_shares"] == 1865918 + 4000
    assert i["totals"]["warrant_shares_outstanding"] == 430839 - 4000
    ok(run("--db", db_copy, "record", "exercise", "--tranche", FEB00_WARRANTS, "--shares", "100000",
           "--date", "2001-01-10", "--source", "10-K 2000"))
    assert tranche(issuer(run, db_copy, "2001-12-31"), FEB00_WARRANTS)["status"] == "exercised"
    # as of the day before, the first exercise only
    assert tranche(issuer(run, db_copy, "2001-01-09"), FEB00_WARRANTS)["shares"] == 100000


def test_cashless_exercise_issues_fewer_shares(run, db_copy):
    ok(run("--db", db_copy, "record", "exercise", "--tranche", NOV99_CLOSING, "--shares", "26839", "--cashless",
           "--shares-issued", "6000", "--date", "2001-05-01", "--source", "10-Q"))
    i = issuer(run, db_copy, "2001-05-01")
    lot = next(h for h in i["holdings"] if h["date"] == "2001-05-01")
    assert (lot["shares"], lot["price"]) == (6000, None)
    assert tranche(i, NOV99_CLOSING)["shares"] == 100000


@pytest.mark.parametrize("args, message", [
    (["--tranche", FEB00_WARRANTS, "--shares", "104001", "--date", "2000-09-15"],
     f"cannot exercise 104,001 warrant shares of tranche {FEB00_WARRANTS}: 104,000 are outstanding on 2000-09-15"),
    (["--tranche", FEB00_WARRANTS, "--shares", "10", "--date", "2000-02-24"],
     f"2000-02-24 is before warrant tranche {FEB00_WARRANTS} was issued (2000-02-25)"),
    (["--tranche", NOV99_ADJUSTABLE, "--shares", "10", "--date", "2000-06-01"],
     f"tranche {NOV99_ADJUSTABLE} has no determined quantity on 2000-06-01; record its vesting first"),
    (["--tranche", NOV99_COMMON, "--shares", "10", "--date", "2000-06-01"],
     f"{NOV99_COMMON} is a common_issued, not a warrant grant"),
    (["--tranche", "nope-1", "--shares", "10", "--date", "2000-06-01"], "no event nope-1 in the ledger"),
])
def test_bad_exercises_are_refused_and_write_nothing(run, db_copy, args, message):
    with open_store(db_copy) as store:
        before = store.count()
    refused(run("--db", db_copy, "record", "exercise", *args, "--source", "10-Q"), message)
    with open_store(db_copy) as store:
        assert store.count() == before


def test_adjustable_warrants_vest_then_exercise(run, db_copy):
    ok(run("--db", db_copy, "record", "vest", "--tranche", NOV99_ADJUSTABLE, "--shares", "120000",
           "--date", "2000-03-19", "--source", "10-K 2000"))
    i = issuer(run, db_copy, "2000-06-30")
    assert (tranche(i, NOV99_ADJUSTABLE)["shares"], i["totals"]["undetermined_warrant_tranches"]) == (120000, 4)
    assert i["totals"]["warrant_shares_outstanding"] == 430839 + 120000
    ok(run("--db", db_copy, "record", "exercise", "--tranche", NOV99_ADJUSTABLE, "--shares", "120000",
           "--date", "2000-04-01", "--source", "10-K 2000"))
    lot = next(h for h in issuer(run, db_copy, "2000-06-30")["holdings"] if h["date"] == "2000-04-01")
    assert (lot["shares"], lot["price"]) == (120000, "0.001")


def test_cancellation(run, db_copy):
    ok(run("--db", db_copy, "record", "cancel", "--tranche", NOV99_CLOSING, "--date", "2002-01-01", "--source", "10-K"))
    assert tranche(issuer(run, db_copy, "2002-01-01"), NOV99_CLOSING)["status"] == "cancelled"
    assert tranche(issuer(run, db_copy, "2001-12-31"), NOV99_CLOSING)["status"] == "outstanding"


def test_preferred_conversion_by_series(run, db_copy):
    ok(run("--db", db_copy, "record", "conversion", "--preferred", "Series A", "--issuer", "NeoTherapeutics",
           "--common", "150000", "--amount-converted", "2,000,000", "--date", "1999-09-01", "--source", "10-Q"))
    i = issuer(run, db_copy, "1999-12-31")
    pref = next(h for h in i["holdings"] if "Preferred" in h["class"])
    assert pref["stated_amount"] == "2000000"
    assert i["totals"]["common_shares"] == 845594 + 150000


def test_a_second_conversion_is_checked_against_what_the_first_left(run, db_copy):
    ok(run("--db", db_copy, "record", "conversion", "--preferred", "Series A", "--issuer", "NeoTherapeutics",
           "--common", "1000000", "--amount-converted", "3,000,000", "--date", "1999-09-01", "--source", "10-Q"))
    base = ["--db", db_copy, "record", "conversion", "--preferred", "Series A", "--issuer", "NeoTherapeutics"]
    title = "5% Series A Preferred Stock with Conversion Features"
    refused(run(*base, "--common", "10", "--amount-converted", "1,000,001", "--date", "1999-10-01", "--source", "10-Q"),
            f"cannot convert 1,000,001 of {title}: 1,000,000 is outstanding on 1999-10-01")
    refused(run(*base, "--common", "450001", "--date", "1999-10-01", "--source", "10-Q"),
            f"450,001 common shares exceed the 1,450,000-share conversion cap of {title} (1,000,000 already delivered)")
    ok(run(*base, "--common", "450000", "--amount-converted", "1,000,000", "--date", "1999-10-01", "--source", "10-Q"))


@pytest.mark.parametrize("args, message", [
    (["--preferred", "Series C", "--common", "1"], "no Series C preferred stock of this issuer in the ledger"),
    (["--preferred", "Series A", "--common", "1450001"],
     "1,450,001 common shares exceed the 1,450,000-share conversion cap of 5% Series A Preferred Stock with Conversion Features"),
    (["--preferred", "Series A", "--common", "10", "--amount-converted", "4000001"],
     "cannot convert 4,000,001 of 5% Series A Preferred Stock with Conversion Features: 4,000,000 is outstanding "
     "on 1999-09-01"),
])
def test_bad_conversions_are_refused(run, db_copy, args, message):
    refused(run("--db", db_copy, "record", "conversion", "--issuer", "NeoTherapeutics", *args,
                "--date", "1999-09-01", "--source", "10-Q"), message)


def test_opening_balance_and_split(run, db_copy):
    ok(run("--db", db_copy, "record", "opening-balance", "--issuer", "NeoTherapeutics", "--shares", "10000001",
           "--date", "2001-12-31", "--source", "10-K 2001 cover: 10,000,001 shares outstanding"))
    i = issuer(run, db_copy, "2002-03-31")
    assert i["totals"]["common_shares"] == 10000001 + 2575000 + 525000   # balance, then the March 2002 sales
    ok(run("--db", db_copy, "record", "split", "--issuer", "NeoTherapeutics", "--ratio", "1:3", "--rounding", "down",
           "--date", "2002-06-01", "--source", "8-K announcing a 1-for-3 reverse split"))
    after = issuer(run, db_copy, "2002-06-01")
    assert after["totals"]["common_shares"] == 10000001 // 3 + 2575000 // 3 + 525000 // 3
    march = next(w for w in after["warrants"] if w["issued_on"] == "2002-03-13")
    assert (march["shares"], march["exercise_price"]) == (643750 // 3, "8.25")
    lot = next(h for h in after["holdings"] if h["date"] == "2002-03-13")
    assert lot["price"] == "6.00"
    # Preferred keeps its stated amount and share count; what it converts into is rebased.
    before_pref, pref = (next(h for h in i["holdings"] if "Preferred" in h["class"])
                         for i in (issuer(run, db_copy, "2002-05-31"), after))
    assert (before_pref["conversion_price"], before_pref["conversion_share_cap"]) == ("13.06", 1_450_000)
    assert (pref["conversion_price"], pref["conversion_share_cap"]) == ("39.18", 1_450_000 // 3)
    assert (pref["shares"], pref["stated_amount"]) == (before_pref["shares"], before_pref["stated_amount"])


def test_retraction_and_correction_keep_history_and_honour_knowledge_time(run, db_copy):
    ok(run("--db", db_copy, "correct", NOV99_COMMON, "--set", "shares=845595", "--set", "price=11.825",
           "--reason", "typo", "--source", "8-K/A", "--source-date", "2001-01-10"))
    ok(run("--db", db_copy, "retract", APR00_COMMON, "--reason", "never closed", "--source", "10-K 2000",
           "--source-date", "2001-03-30"))
    i = issuer(run, db_copy, "2000-12-31")
    assert [(h["shares"], h["price"]) for h in i["holdings"] if h["date"] == "1999-11-19"] == [(845595, "11.825")]
    assert i["totals"]["common_shares"] == 845595 + 520324
    with open_store(db_copy) as store:
        before = replay_ledger(store, as_of=date(2000, 12, 31), known_at=date(2001, 1, 9)).issuers[0]
        between = replay_ledger(store, as_of=date(2000, 12, 31), known_at=date(2001, 2, 1)).issuers[0]
        assert before.totals.common_shares == 1865918                   # as the record stood then
        assert between.totals.common_shares == 845595 + 520324 + 500000
        original = store.event(NOV99_COMMON).event                       # nothing rewritten
        assert (original.shares, original.price) == (845594, Decimal("11.826"))
        types = [e.type for e in store.log()]
        assert types[-2:] == ["event_corrected", "event_retracted"]
        assert verify(store).ok


@pytest.mark.parametrize("args, message", [
    (["correct", NOV99_COMMON, "--set", "sharez=1", "--reason", "x"], "common_issued has no field 'sharez'; its fields are: "),
    (["correct", NOV99_COMMON, "--set", "shares=abc", "--reason", "x"],
     f"shares: 'abc' is not a whole number; {NOV99_COMMON} was not corrected"),
    (["retract", "nope-9", "--reason", "x"], "no event nope-9 in the ledger"),
])
def test_bad_corrections_are_refused(run, db_copy, args, message):
    result = run("--db", db_copy, *args)
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {message}"), result.output


def test_check_reconciles_reported_totals(run, db_copy):
    ok(run("--db", db_copy, "record", "reported-total", "--issuer", "NeoTherapeutics", "--shares", "1865918",
           "--date", "2000-06-30", "--source", "10-Q for the quarter ended June 30, 2000"))
    good = run("--db", db_copy, "check")
    assert good.exit_code == 0 and good.stdout.startswith("ok    NeoTherapeutics, Inc.: Common Stock on 2000-06-30")
    assert "ledger 1,865,918 (the ledger's recorded lots)" in good.stdout
    ok(run("--db", db_copy, "record", "reported-total", "--issuer", "NeoTherapeutics", "--shares", "5000000",
           "--date", "2002-03-31", "--source", "10-Q for the quarter ended March 31, 2002"))
    bad = run("--db", db_copy, "check")
    assert bad.exit_code == 1
    fail_line = next(line for line in bad.stdout.splitlines() if line.startswith("FAIL"))
    # From the earlier balance: 1,865,918 on 2000-06-30 and the two March 2002 lots recorded after it.
    assert "ledger 4,965,918 (1,865,918 reported on 2000-06-30 (" in fail_line
    assert fail_line.endswith("+ 3,100,000 recorded since); difference +34,082")
    assert "2,575,000 from " in bad.stdout and "525,000 from " in bad.stdout
    assert f"845,594 from {NOV99_COMMON}" not in bad.stdout       # before the earlier balance: in it
    assert bad.stderr.strip() == "2 reported total(s) checked, 1 failed"


def test_a_corrected_effective_date_moves_the_event_in_time(run, db_copy):
    FEB00_COMMON = "0982e151f89f-2"
    ok(run("--db", db_copy, "correct", FEB00_COMMON, "--set", "effective_date=2000-07-15", "--reason", "closed later",
           "--source", "10-Q", "--source-date", "2000-11-14"))
    assert issuer(run, db_copy, "2000-06-30")["totals"]["common_shares"] == 1865918 - 520324
    later = issuer(run, db_copy, "2000-07-15")
    assert later["totals"]["common_shares"] == 1865918
    assert [h["date"] for h in later["holdings"] if h["shares"] == 520324] == ["2000-07-15"]
    with open_store(db_copy) as store:   # known before the correction: where it was
        assert replay_ledger(store, as_of=date(2000, 6, 30), known_at=date(2000, 11, 13)).issuers[0] \
            .totals.common_shares == 1865918
