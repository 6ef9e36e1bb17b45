"""Audit: --known-at on replay and export, and the history, show, explain and diff commands, on the
five NeoTherapeutics 8-Ks (plus, where corrections are needed, hand-recorded events appended to a
copy of that ledger)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from tests.ids_support import shortened

from ledger.ids import short_id

from events import EventCorrected, EventRetracted, FieldChange, Provenance, Quote, WarrantExercised
from ledger.store import open_store
from events.envelope import StreamInfo

NOV19_COMMON, NOV19_CLOSING, NOV19_ADJUSTABLE, NOV19_FEE, NOV19_FINDER = (
    "863674c153e7-2", "863674c153e7-3", "863674c153e7-4", "863674c153e7-6", "863674c153e7-7")
JAN29_PREFERRED, JAN29_WARRANTS = "d68db1fc7039-2", "d68db1fc7039-3"     # the 75,000-share tranche
MAR2002_FEE = "5b5c7cde0e97-6"
FIGURES = ("common_shares", "warrant_shares_outstanding", "undetermined_warrant_tranches", "capital_raised",
           "fees_paid_cash")


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def bad(result, message: str):
    """Exit 2 with one line on stderr that says ``message``, and nothing on stdout."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""


def replay_json(run, db, as_of: str, *extra) -> dict:
    return shortened(json.loads(ok(run("--db", db, "replay", "--as-of", as_of, "--format", "json", *extra)).stdout))


def totals(run, db, as_of: str, *extra) -> dict:
    [issuer] = replay_json(run, db, as_of, *extra)["issuers"]
    return issuer["totals"]


def history(run, db, *args) -> list[dict]:
    result = ok(run("--db", db, "history", *args, "--format", "json"))
    return [shortened(json.loads(line)) for line in result.stdout.splitlines()]


def explain(run, db, figure: str, as_of: str, *extra) -> dict:
    return shortened(json.loads(ok(run("--db", db, "explain", figure, "--as-of", as_of, "--format", "json", *extra)).stdout))


def diff(run, db, d1: str, d2: str, *extra) -> dict:
    return shortened(json.loads(ok(run("--db", db, "diff", "--from", d1, "--to", d2, "--format", "json", *extra)).stdout))


# -- hand-recorded corrections, appended straight to a copy of the ledger ------------------------


def record(db, public: date, source: str, quote: str, build) -> str:
    """Append one hand-recorded event as its own stream with no filing text kept, as `ledger
    record` does; ``build(provenance, full)`` makes the event, with ``full(short_id)`` giving the
    whole id of an event it points at. Returns its event id as tables show it."""
    stream = f"manual:{hashlib.sha256(source.encode()).hexdigest()}"
    with open_store(db) as store:
        info = next(store.streams())
        [stored] = store.append(
            StreamInfo(stream, info.issuer_key, info.issuer, "record", public, source, stream[7:]),
            [build(Provenance(stream, (Quote(0, len(quote), quote),)), lambda short: store.event(short).event_id)])
        return short_id(stored.event_id)


@pytest.fixture
def corrected_db(db_copy):
    """The five filings, plus: an exercise of 10,000 Closing Warrants (2001-06-01, public
    2001-08-14), a correction of the Closing Warrants' share count (public 2005-03-01) and a
    retraction of the 75,000-share tranche (public 2005-03-01)."""
    ids = {
        "exercise": record(db_copy, date(2001, 8, 14), "10-Q 2001-06-30", "10-Q for June 30, 2001: 10,000 exercised.",
                           lambda p, full: WarrantExercised(effective_date=date(2001, 6, 1), provenance=p,
                                                      tranche=full(NOV19_CLOSING), shares=10000, shares_issued=10000)),
        "correction": record(db_copy, date(2005, 3, 1), "8-K/A 2005", "8-K/A: 126,840 Closing Warrant shares.",
                             lambda p, full: EventCorrected(effective_date=date(1999, 11, 19), provenance=p,
                                                      target=full(NOV19_CLOSING), changes=(FieldChange("shares", 126840),),
                                                      reason="misprint")),
        "retraction": record(db_copy, date(2005, 3, 1), "letter 2005", "The warrants were never issued.",
                             lambda p, full: EventRetracted(effective_date=date(1999, 1, 29), provenance=p,
                                                      target=full(JAN29_WARRANTS), reason="never issued")),
    }
    return db_copy, ids


# -- --known-at on replay and export --------------------------------------------------------------


def test_known_at_leaves_out_what_was_not_yet_public(run, built_db):
    # The November 19 financing's 8-K was signed on December 3: not yet known on November 30.
    report = replay_json(run, built_db, "1999-11-30", "--known-at", "1999-11-30")
    assert (report["as_of"], report["known_at"]) == ("1999-11-30", "1999-11-30")
    [issuer] = report["issuers"]
    assert issuer["totals"]["common_shares"] == 0
    assert issuer["totals"]["capital_raised"] == "4000000"          # January's preferred was public
    assert [w["shares"] for w in issuer["warrants"] if w["shares"]] == [75000]
    known = replay_json(run, built_db, "1999-11-30", "--known-at", "1999-12-03")
    assert known["known_at"] == "1999-12-03"
    assert known["issuers"][0]["totals"]["common_shares"] == 845594
    assert totals(run, built_db, "1999-11-30")["common_shares"] == 845594     # no --known-at: everything


def test_known_at_on_export(run, built_db):
    def lots(*extra):
        out = ok(run("--db", built_db, "export", "cap-table", "--as-of", "2000-06-30", *extra)).stdout
        return [(r["class"], r["shares"]) for r in csv.DictReader(io.StringIO(out))]

    assert lots() == [("5% Series A Preferred Stock with Conversion Features", ""), ("Common Stock", "845594"),
                      ("Common Stock", "520324"), ("Common Stock", "500000")]
    # On 2000-04-30 the April financing (8-K public 2000-05-24) was not yet known.
    assert lots("--known-at", "2000-04-30") == lots()[:3]


def test_known_at_must_be_a_date(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", "--known-at", "yesterday")
    assert result.exit_code == 2 and "is not a date" in result.output


# -- history ----------------------------------------------------------------------------------------


def test_history_of_a_filing_by_file_name_or_stream(run, built_db, filings):
    rows = history(run, built_db, "--filing", filings[2].name)      # the January 1999 preferred
    assert [r["event_id"] for r in rows] == [
        "d68db1fc7039-1", JAN29_PREFERRED, JAN29_WARRANTS, "d68db1fc7039-7", "d68db1fc7039-6",
        "d68db1fc7039-4", "d68db1fc7039-5"]       # replay order: effective date, same-day rank, seq
    first = rows[1]
    assert (first["type"], first["effective_date"], first["public_date"]) == ("preferred_issued", "1999-01-29",
                                                                              "1999-02-08")
    assert first["recorded_at"] and first["seq"] == 14
    assert "Series A Preferred Stock" in first["source"] and "consideration=4000000" in first["summary"]
    assert first["retracted_by"] == first["replaced_by"] == [] and first["replaces"] is None
    assert [r["event_id"] for r in history(run, built_db, "--filing", "d68db1fc7039")] == [r["event_id"] for r in rows]
    assert [r["event_id"] for r in history(run, built_db, "--filing", str(filings[2]))] == [r["event_id"] for r in rows]


def test_history_of_a_tranche_and_of_a_holder(run, built_db):
    assert [r["event_id"] for r in history(run, built_db, "--tranche", JAN29_WARRANTS)] == [JAN29_WARRANTS]
    royal = history(run, built_db, "--holder", "ROYAL canadian")
    assert [(r["event_id"], r["type"], r["effective_date"]) for r in royal] == [
        ("c2760587d348-2", "common_issued", "2000-04-28"), ("c2760587d348-3", "warrant_granted", "2000-05-01")]


def test_history_filters_by_as_of_and_known_at(run, built_db):
    everything = [r["event_id"] for r in history(run, built_db, "--holder", "montrose")]
    assert everything == [JAN29_PREFERRED, JAN29_WARRANTS, NOV19_COMMON, NOV19_CLOSING, NOV19_ADJUSTABLE,
                          "0982e151f89f-2", "0982e151f89f-3"]
    assert [r["event_id"] for r in history(run, built_db, "--holder", "montrose", "--as-of", "1999-12-31")] == \
        everything[:5]
    # As of the end of 1999 but known at 30 November: the November financing was not public yet.
    assert [r["event_id"] for r in history(run, built_db, "--holder", "montrose", "--as-of", "1999-12-31",
                                           "--known-at", "1999-11-30")] == everything[:2]


def test_history_table_has_the_columns(run, built_db):
    out = ok(run("--db", built_db, "history", "--tranche", NOV19_CLOSING)).stdout
    for text in ("seq", "event", "effective", "public", "recorded", "what", "source", NOV19_CLOSING,
                 "warrant_granted", "1999-11-19", "1999-12-03", "shares=126839"):
        assert text in out


@pytest.mark.parametrize(("args", "message"), [
    ((), "give exactly one of --filing, --tranche, --holder"),
    (("--filing", "x.txt", "--holder", "montrose"), "give exactly one of --filing, --tranche, --holder"),
    (("--filing", "nonesuch.txt"), "no filing in the ledger matches 'nonesuch.txt'"),
    (("--tranche", "abcdef123456-9"), "no event abcdef123456-9"),
    (("--holder", "  "), "--holder needs a value"),
])
def test_history_bad_selectors(run, built_db, args, message):
    bad(run("--db", built_db, "history", *args), message)


def test_history_shows_corrections_with_what_they_replace(run, corrected_db):
    db, ids = corrected_db
    rows = history(run, db, "--tranche", NOV19_CLOSING)
    assert [(r["event_id"], r["type"]) for r in rows] == [
        (NOV19_CLOSING, "warrant_granted"), (ids["correction"], "event_corrected"),
        (ids["exercise"], "warrant_exercised")]
    grant, correction, exercise = rows
    assert grant["replaced_by"] == [ids["correction"]] and f"replaced by {ids['correction']}" in grant["notes"]
    assert grant["payload"]["shares"] == 126839                    # history shows what was recorded
    assert correction["replaces"] == NOV19_CLOSING and correction["public_date"] == "2005-03-01"
    assert (exercise["effective_date"], exercise["public_date"]) == ("2001-06-01", "2001-08-14")

    # Known before the correction was public: the old record, with no note and no correction.
    before = history(run, db, "--tranche", NOV19_CLOSING, "--known-at", "2004-12-31")
    assert [r["event_id"] for r in before] == [NOV19_CLOSING, ids["exercise"]]
    assert before[0]["replaced_by"] == [] and before[0]["notes"] == []

    filing = history(run, db, "--filing", "002_224ff9c854471a24.txt")
    [at] = [i for i, r in enumerate(filing) if r["event_id"] == JAN29_WARRANTS]
    assert filing[at]["retracted_by"] == [ids["retraction"]]
    assert filing[at + 1]["event_id"] == ids["retraction"] and filing[at + 1]["replaces"] == JAN29_WARRANTS

    # The November 1999 filing's trail goes on past its own events, to the exercise of its warrants.
    november = [r["event_id"] for r in history(run, db, "--filing", "000_ba47be5c523c5283.txt")]
    assert november[-1] == ids["exercise"] and november.index(ids["correction"]) == november.index(NOV19_CLOSING) + 1
    assert [i for i in november if not i.startswith("863674c153e7-")] == [ids["correction"], ids["exercise"]]
    assert ids["exercise"] not in [r["event_id"] for r in history(run, db, "--filing", "000_ba47be5c523c5283.txt",
                                                                    "--as-of", "2001-05-31")]

    table = ok(run("--db", db, "history", "--filing", "002_224ff9c854471a24.txt")).stdout
    assert f"retracted by {ids['retraction']}" in table and f"retracts {JAN29_WARRANTS}" in table


def test_history_of_a_holder_follows_the_events_that_point_at_their_tranches(run, corrected_db):
    db, ids = corrected_db
    rows = [r["event_id"] for r in history(run, db, "--holder", "strong river", "--as-of", "2001-12-31")]
    assert rows == [NOV19_COMMON, NOV19_CLOSING, ids["correction"], NOV19_ADJUSTABLE, "0982e151f89f-2",
                    "0982e151f89f-3", ids["exercise"]]


# -- show -----------------------------------------------------------------------------------------


def test_show_highlights_the_quote_in_its_paragraph(run, built_db):
    out = ok(run("--db", built_db, "show", NOV19_COMMON)).stdout
    assert out.startswith(f"event {NOV19_COMMON}  common_issued")
    for line in ("effective  1999-11-19", "public     1999-12-03", "  shares: 845594", "  price: 11.826",
                 "  consideration: 10000000", "filing     8-K read from 000_ba47be5c523c5283.txt"):
        assert line in out, line
    assert ("(the \"Agreement\"). »Pursuant to the Agreement, the Company issued and sold to the investors a total "
            "of 845,594 shares") in out
    assert "exercise price of $14.24 per share.« In addition, the Company issued warrants" in out
    assert "quote 3 of 3 in 000_ba47be5c523c5283.txt" in out
    assert "»4.1 Securities Purchase Agreement dated as of November 19, 1999" in out


def test_show_on_a_terminal_styles_the_span_instead_of_marking_it(run, built_db, monkeypatch):
    import cli.audit
    from rich.console import Console

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system="standard", width=400,
                      highlight=False, markup=False, emoji=False)
    monkeypatch.setattr(cli.audit, "out", console)
    ok(run("--db", built_db, "show", NOV19_COMMON))
    painted = screen.getvalue()
    assert "»" not in painted and "«" not in painted
    start = painted.index("Pursuant to the Agreement, the Company issued and sold to the investors a total")
    assert painted[start - 20:start].count("\x1b[") >= 1          # the style opens just before the quote
    assert "\x1b[" not in painted[:painted.index("On November 19, 1999")]   # not before the paragraph


def test_show_json_gives_the_span_inside_the_context(run, built_db):
    shown = shortened(json.loads(ok(run("--db", built_db, "show", JAN29_WARRANTS, "--format", "json")).stdout))
    assert (shown["type"], shown["payload"]["shares"], shown["document"]) == ("warrant_granted", 75000, True)
    for quote in shown["quotes"]:
        start, end = quote["span"]
        assert quote["found"] and quote["context"][start:end] == quote["text"]


def test_show_an_event_recorded_by_hand_and_its_corrections(run, corrected_db):
    db, ids = corrected_db
    out = ok(run("--db", db, "show", ids["exercise"])).stdout
    assert "no filing text is kept for this stream" in out
    assert "10-Q for June 30, 2001: 10,000 exercised." in out
    out = ok(run("--db", db, "show", JAN29_WARRANTS)).stdout
    assert f"retracted by {ids['retraction']}" in out


def test_show_an_unknown_event(run, built_db):
    bad(run("--db", built_db, "show", "863674c153e7-99"), "no event 863674c153e7-99")
    bad(run("--db", built_db, "show", "nonsense"), "no event nonsense")


# -- explain ----------------------------------------------------------------------------------------


def _number(value):
    return Decimal(value) if isinstance(value, str) else value


@pytest.mark.parametrize("as_of", ["2000-06-30", "2002-03-31"])
@pytest.mark.parametrize("figure", FIGURES)
def test_explain_adds_up_to_the_replay_total(run, built_db, figure, as_of):
    [issuer] = explain(run, built_db, figure, as_of)["issuers"]
    expected = totals(run, built_db, as_of)[figure]
    assert issuer["total"] == expected
    counted = [i for i in issuer["items"] if i["counted"]]
    assert sum(_number(i["amount"]) for i in counted) == _number(expected)
    assert issuer["residual"] in (0, "0")
    for item in counted:
        assert item["event_ids"] and item["source"], item


def test_explain_lists_the_rows_with_their_sources(run, built_db):
    [issuer] = explain(run, built_db, "common_shares", "2000-06-30")["issuers"]
    assert [(i["event_ids"], i["amount"], i["date"]) for i in issuer["items"]] == [
        ([NOV19_COMMON], 845594, "1999-11-19"), (["0982e151f89f-2"], 520324, "2000-02-25"),
        (["c2760587d348-2"], 500000, "2000-04-28")]
    assert "a total of 845,594 shares of the Company's common stock" in issuer["items"][0]["source"]

    [issuer] = explain(run, built_db, "fees_paid_cash", "2002-03-31")["issuers"]
    [paid] = [i for i in issuer["items"] if i["counted"]]
    assert (paid["event_ids"], paid["amount"], paid["note"]) == ([MAR2002_FEE], "70500", "approximate")
    assert len([i for i in issuer["items"] if i["note"] == "cash not disclosed"]) == 4

    [issuer] = explain(run, built_db, "capital_raised", "2000-06-30")["issuers"]
    assert [(i["event_ids"][0], i["amount"]) for i in issuer["items"]] == [
        (JAN29_PREFERRED, "4000000"), (NOV19_COMMON, "10000000"), ("0982e151f89f-2", "8000000"),
        ("c2760587d348-2", "7000000")]


def test_explain_shows_what_is_not_counted(run, built_db):
    [issuer] = explain(run, built_db, "warrant_shares_outstanding", "2004-06-30")["issuers"]
    assert issuer["total"] == 1130839
    [expired] = [i for i in issuer["items"] if i["event_ids"] == [JAN29_WARRANTS]]
    assert (expired["counted"], expired["amount"], expired["note"]) == (False, 75000, "expired on 2004-01-29")
    table = ok(run("--db", built_db, "explain", "warrant_shares_outstanding", "--as-of", "2004-06-30")).stdout
    assert "warrant_shares_outstanding = 1,130,839" in table and "expired on 2004-01-29" in table


def test_explain_with_known_at(run, built_db):
    [issuer] = explain(run, built_db, "common_shares", "1999-11-30", "--known-at", "1999-11-30")["issuers"]
    assert issuer["total"] == 0 and issuer["items"] == []
    doc = explain(run, built_db, "common_shares", "1999-11-30", "--known-at", "1999-12-03")
    assert doc["known_at"] == "1999-12-03" and doc["issuers"][0]["total"] == 845594


def test_explain_follows_corrections(run, corrected_db):
    db, ids = corrected_db
    for as_of, known_at in (("2002-03-31", "2004-12-31"), ("2002-03-31", "2005-03-01"), ("2006-01-01", None)):
        extra = ("--known-at", known_at) if known_at else ()
        expected = totals(run, db, as_of, *extra)
        for figure in FIGURES:
            [issuer] = explain(run, db, figure, as_of, *extra)["issuers"]
            assert issuer["total"] == expected[figure] and issuer["residual"] in (0, "0"), (figure, as_of, known_at)
    # The corrected share count, with the correction named; before it was public, the old count.
    [issuer] = explain(run, db, "warrant_shares_outstanding", "2002-03-31")["issuers"]
    [closing] = [i for i in issuer["items"] if i["event_ids"][0] == NOV19_CLOSING]
    assert (closing["event_ids"], closing["amount"], closing["corrected_by"]) == (
        [NOV19_CLOSING, ids["exercise"]], 126840 - 10000, [ids["correction"]])
    assert JAN29_WARRANTS not in {i["event_ids"][0] for i in issuer["items"]}          # retracted
    [issuer] = explain(run, db, "warrant_shares_outstanding", "2002-03-31", "--known-at", "2004-12-31")["issuers"]
    [closing] = [i for i in issuer["items"] if i["event_ids"][0] == NOV19_CLOSING]
    assert (closing["amount"], closing["corrected_by"]) == (126839 - 10000, [])


def test_explain_unknown_figure(run, built_db):
    bad(run("--db", built_db, "explain", "market_cap", "--as-of", "2000-06-30"), "unknown figure 'market_cap'")


# -- diff -------------------------------------------------------------------------------------------


def test_diff_shows_a_tranche_expiring(run, built_db):
    doc = diff(run, built_db, "2003-12-31", "2004-06-30")
    [issuer] = doc["issuers"]
    [row] = issuer["rows"]
    assert (row["table"], row["change"], row["fields"], row["causes"]) == ("warrants", "changed", ["status"],
                                                                         [JAN29_WARRANTS])
    assert (row["before"]["status"], row["after"]["status"], row["after"]["shares"]) == ("outstanding", "expired",
                                                                                       75000)
    [total] = issuer["totals"]
    assert (total["figure"], total["before"], total["after"], total["delta"], total["causes"]) == (
        "warrant_shares_outstanding", 1205839, 1130839, -75000, [JAN29_WARRANTS])
    out = ok(run("--db", built_db, "diff", "--from", "2003-12-31", "--to", "2004-06-30")).stdout
    assert "status outstanding → expired" in out
    assert "warrant_shares_outstanding: 1,205,839 → 1,130,839 (-75,000)" in out


def test_diff_shows_the_november_lot_added(run, built_db):
    [issuer] = diff(run, built_db, "1999-11-18", "1999-11-19")["issuers"]
    [lot] = [r for r in issuer["rows"] if r["table"] == "holdings"]
    assert (lot["change"], lot["after"]["shares"], lot["after"]["price"], lot["causes"]) == (
        "added", 845594, "11.826", [NOV19_COMMON])
    changes = {t["figure"]: (t["delta"], t["causes"]) for t in issuer["totals"]}
    assert changes["common_shares"] == (845594, [NOV19_COMMON])
    assert changes["capital_raised"] == ("10000000", [NOV19_COMMON])
    assert changes["warrant_shares_outstanding"] == (126839, [NOV19_CLOSING])
    assert changes["undisclosed_cash_fees"] == (1, [NOV19_FEE])
    assert sorted(r["causes"][0] for r in issuer["rows"] if r["table"] == "warrants") == sorted(
        [NOV19_CLOSING, NOV19_ADJUSTABLE, NOV19_FINDER])


def test_diff_with_known_at(run, built_db):
    doc = diff(run, built_db, "1999-11-18", "1999-11-19", "--known-at", "1999-11-30")
    assert doc["known_at"] == "1999-11-30" and doc["issuers"] == []
    out = ok(run("--db", built_db, "diff", "--from", "1999-11-18", "--to", "1999-11-19",
                 "--known-at", "1999-11-30")).stdout
    assert "No changes between 1999-11-18 and 1999-11-19, known at 1999-11-30." in out


def test_diff_names_a_recorded_exercise(run, corrected_db):
    db, ids = corrected_db
    [issuer] = diff(run, db, "2001-05-31", "2001-06-01")["issuers"]
    [tranche] = [r for r in issuer["rows"] if r["table"] == "warrants"]
    assert tranche["change"] == "changed" and tranche["causes"] == [ids["exercise"]]
    assert tranche["before"]["shares"] - tranche["after"]["shares"] == 10000
    [lot] = [r for r in issuer["rows"] if r["table"] == "holdings"]
    assert (lot["change"], lot["after"]["shares"], lot["after"]["event_ids"]) == (
        "added", 10000, [NOV19_CLOSING, ids["exercise"]])
    assert lot["causes"] == [ids["exercise"]]          # the grant is named by the row, but did not change
    changes = {t["figure"]: (t["delta"], t["causes"]) for t in issuer["totals"]}
    assert changes["warrant_shares_outstanding"] == (-10000, [ids["exercise"]])
    assert changes["common_shares"] == (10000, [ids["exercise"]])


def test_diff_bad_range(run, built_db):
    bad(run("--db", built_db, "diff", "--from", "2004-06-30", "--to", "2003-12-31"),
        "--from 2004-06-30 is after --to 2003-12-31")


@pytest.mark.parametrize("args", [("history", "--holder", "x"), ("show", NOV19_COMMON),
                                  ("explain", "common_shares", "--as-of", "2000-06-30"),
                                  ("diff", "--from", "2000-01-01", "--to", "2000-06-30")])
def test_audit_commands_need_a_ledger(run, tmp_path, args):
    bad(run("--db", tmp_path / "missing.db", *args), "no ledger database here")
