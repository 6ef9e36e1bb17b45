"""Small things a user meets at the command line: --version, unknown streams, knowledge time
before every filing, readable event values, YYYY-MM-DD only, and one line per bad option."""
from __future__ import annotations

import json
from importlib.metadata import version

import pytest

from cli import render
from events import to_payload
from ledger.store import open_store
from tests.test_cli_subprocess import installed, ledger  # noqa: F401  (the fixture fails early without the script)

VERSION = version("deal-ledger")


def one_line_usage_error(result, *parts: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Usage:" not in result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and all(p in line for p in parts), line
    return line


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"ledger {VERSION}\n"


def test_version_as_a_real_process():
    proc = ledger("--version")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"ledger {VERSION}\n", "")


def test_a_bad_option_value_is_one_line_as_a_real_process(tmp_path):
    proc = ledger("--db", tmp_path / "none.db", "replay", "--as-of", "2000-06-30", "--format", "xml")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'. "
                           "(see 'ledger replay --help')\n")


@pytest.mark.parametrize("args, parts", [
    (["replay", "--as-of", "2000-06-30", "--format", "xml"], ["'--format'", "'xml'"]),
    (["replay", "--as-of", "tomorrow"], ["'--as-of'", "'tomorrow' is not a date; use YYYY-MM-DD"]),
    (["replay", "--as-of", "2000-06-30", "--bogus"], ["No such option: --bogus", " replay --help')"]),
    (["--bogus", "replay"], ["No such option: --bogus"]),
    (["replay"], ["Missing option '--as-of'"]),
    (["nonsense"], ["No such command 'nonsense'"]),
    (["export", "xyz", "--as-of", "2000-06-30"], ["'xyz' is not one of 'cap-table', 'warrants'"]),
    (["record", "split", "--ratio", "1:2", "--date", "2000-13-01", "--source", "x"], ["'--date'", "'2000-13-01'"]),
    (["diff", "--from", "2000-01-01", "--to", "2000/06/30"], ["'--to'", "'2000/06/30'"]),
])
def test_a_bad_option_is_one_line_not_a_usage_block(run, built_db, args, parts):
    one_line_usage_error(run("--db", built_db, *args), *parts)


@pytest.mark.parametrize("value", ["2000-06-30T00:00:00", "2000-06-30 00:00:00", "20000630", "2000-W26-5",
                                   "2000-6-30", " 2000-06-30", "2000-02-30"])
@pytest.mark.parametrize("option", [["replay", "--as-of"], ["replay", "--as-of", "2000-06-30", "--known-at"],
                                    ["history", "--filing", "x", "--as-of"]])
def test_dates_are_yyyy_mm_dd_only(run, built_db, option, value):
    one_line_usage_error(run("--db", built_db, *option, value), f"'{option[-1]}'", f"{value!r} is not a date")


def test_a_yyyy_mm_dd_date_is_accepted(run, built_db):
    assert run("--db", built_db, "replay", "--as-of", "2000-06-30").exit_code == 0


def test_events_of_an_unknown_stream_exit_2_with_one_line(run, built_db):
    result = run("--db", built_db, "events", "--stream", "nope")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["error: no filing in the ledger matches 'nope' (give a stream id, an "
                                          "accession number or the file name it was read from)"]


def test_events_of_a_known_stream(run, built_db):
    with open_store(built_db) as store:
        stream = next(store.log()).stream
        wanted = [e.event_id for e in store.log(stream=stream)]
    result = run("--db", built_db, "events", "--stream", stream, "--format", "json")
    assert result.exit_code == 0
    assert [json.loads(line)["event_id"] for line in result.stdout.splitlines()] == wanted


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_known_at_before_every_filing_says_nothing_was_public_yet(run, built_db, fmt):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", "--known-at", "1990-01-01", "--format", fmt)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "nothing in the ledger was public by 1990-01-01: the first filing became public on 1999-02-08"]
    if fmt == "json":
        assert json.loads(result.stdout) == {"as_of": "2000-06-30", "known_at": "1990-01-01", "issuers": [],
                                             "warnings": []}
    else:
        assert result.stdout == ""     # not "No events on or before 2000-06-30", which is not why


def test_known_at_after_a_filing_says_nothing_extra(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", "--known-at", "1999-02-08", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(json.loads(result.stdout)["issuers"]) == 1


def test_the_events_table_shows_values_not_python_syntax(run, built_db):
    result = run("--db", built_db, "events", env={"COLUMNS": "250"})
    assert result.exit_code == 0
    text = result.stdout
    for python in ("{'", "['", "': ", "None", "Decimal("):
        assert python not in text, python
    assert "issuer.name: NeoTherapeutics, Inc." in text
    assert "price: 11.826" in text and "exercise_price: 0.001" in text          # decimals as written
    with open_store(built_db) as store:
        sale = store.event("863674c153e7-2")
    assert render._summary(to_payload(sale.event), "\n").splitlines() == [
        "reported_under: 5", "security: Common Stock", "shares: 845594", "price: 11.826", "consideration: 10000000",
        "consideration_kind: cash", "buyers: Strong River Investments, Inc.; Montrose Investments Ltd.",
        "buyers_description: two institutional investors"]


def test_event_values_are_rendered_as_key_value_lines():
    payload = {"provenance": {"stream": "x"}, "effective_date": "2000-01-01", "issuer": {"name": "A, Inc.", "cik": None},
               "price": "14.00", "price_basis": "stated", "holders": ["B", "C"], "cashless": False,
               "formula": {"vesting_dates": ["2000-03-19", "2000-05-19"], "cutoff_price": "17.74"}}
    assert render._summary(payload, "\n").splitlines() == [
        "issuer.name: A, Inc.", "price: 14.00", "holders: B; C",
        "formula.vesting_dates: 2000-03-19; 2000-05-19", "formula.cutoff_price: 17.74"]


@pytest.mark.parametrize("width", [40, 60])
def test_the_events_table_stays_whole_when_narrow(run, built_db, width):
    result = run("--db", built_db, "events", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert "863674c153e7-2" in result.stdout and "11.826" in result.stdout
