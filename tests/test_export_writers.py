"""The export writers (CSV, JSON, JSON Lines): cells as each format writes them, rows written as the
builder gives them (never gathered), and the command's bad input: an unknown table or format, a
missing --as-of, an -o that cannot be written, a builder that fails part way."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from events import WarrantKind
from ledger.errors import LedgerError
from ledger.export import CAP_TABLE_COLUMNS, WARRANT_COLUMNS, RawJson, write_csv, write_json, write_jsonl

COLUMNS = ("n", "day", "text", "kind", "missing", "payload")
ROWS = [
    (1, date(2000, 6, 30), 'say "hi", then\nleave', WarrantKind.CLOSING, None, RawJson('{"a":[1,"2.50"]}')),
    (12345678901234567890, date(1999, 1, 29), "Zürich", "plain", None, RawJson("null")),
]


def test_csv_cells():
    fh = io.StringIO(newline="")
    write_csv(COLUMNS, ROWS, fh)
    assert list(csv.reader(io.StringIO(fh.getvalue(), newline=""))) == [
        list(COLUMNS),
        ["1", "2000-06-30", 'say "hi", then\nleave', "closing", "", '{"a":[1,"2.50"]}'],
        ["12345678901234567890", "1999-01-29", "Zürich", "plain", "", "null"],
    ]


def test_json_and_jsonl_cells():
    expected = [
        {"n": 1, "day": "2000-06-30", "text": 'say "hi", then\nleave', "kind": "closing", "missing": None,
         "payload": {"a": [1, "2.50"]}},
        {"n": 12345678901234567890, "day": "1999-01-29", "text": "Zürich", "kind": "plain", "missing": None,
         "payload": None},
    ]
    fh = io.StringIO()
    write_json(COLUMNS, ROWS, fh)
    assert json.loads(fh.getvalue()) == expected
    assert fh.getvalue().startswith('[\n{"n":1,"day":"2000-06-30",') and fh.getvalue().endswith("}\n]\n")
    fh = io.StringIO()
    write_jsonl(COLUMNS, ROWS, fh)
    assert [json.loads(line) for line in fh.getvalue().splitlines()] == expected
    assert fh.getvalue().count("\n") == 2      # the newline inside a text is escaped


def test_no_rows():
    for write, text in ((write_csv, "n,day,text,kind,missing,payload\r\n"), (write_json, "[]\n"), (write_jsonl, "")):
        fh = io.StringIO(newline="")
        write(COLUMNS, iter(()), fh)
        assert fh.getvalue() == text


def test_a_cell_of_another_type_is_refused():
    with pytest.raises(TypeError, match="not float"):
        write_json(("x",), [(1.5,)], io.StringIO())
    with pytest.raises(ValueError, match="2 cells for 1 columns"):
        write_jsonl(("x",), [(1, 2)], io.StringIO())


class Boom(Exception):
    pass


def failing_after(n: int):
    for i in range(n):
        yield (i, date(2000, 1, 1 + i), f"row {i}", "k", None, RawJson("{}"))
    raise Boom(f"after {n}")


@pytest.mark.parametrize("write, count", [
    (write_csv, lambda text: len(list(csv.reader(io.StringIO(text, newline="")))) - 1),
    (write_json, lambda text: text.count("{\"n\":")),
    (write_jsonl, lambda text: len(text.splitlines())),
])
def test_rows_are_written_as_they_come(write, count):
    """A builder that fails after 3 rows leaves exactly those 3 written: nothing is gathered first."""
    fh = io.StringIO(newline="")
    with pytest.raises(Boom):
        write(COLUMNS, failing_after(3), fh)
    assert count(fh.getvalue()) == 3


@pytest.mark.parametrize("write", [write_csv, write_json, write_jsonl])
def test_each_row_is_written_before_the_next_is_built(write):
    fh = io.StringIO(newline="")
    seen = []

    def rows():
        for i in range(5):
            seen.append(len(fh.getvalue()))      # what was written when row i is asked for
            yield (i, date(2000, 1, 1), "t", "k", None, RawJson("{}"))
    write(COLUMNS, rows(), fh)
    assert all(a < b for a, b in zip(seen, seen[1:]))     # more was written before each next row


# -- the command ----------------------------------------------------------------------------------

@pytest.mark.parametrize("table, columns", [("cap-table", CAP_TABLE_COLUMNS), ("warrants", WARRANT_COLUMNS)])
def test_cap_table_and_warrants_in_json_and_jsonl_are_the_csv_rows(run, built_db, table, columns):
    base = ("--db", built_db, "export", table, "--as-of", "2000-06-30")
    from_csv = list(csv.DictReader(io.StringIO(run(*base).stdout, newline="")))
    from_json = json.loads(run(*base, "--format", "json").stdout)
    from_jsonl = [json.loads(line) for line in run(*base, "--format", "jsonl").stdout.splitlines()]
    assert from_json == from_jsonl and len(from_json) == (4 if table == "cap-table" else 9)
    assert [list(o) for o in from_json] == [list(columns)] * len(from_json)
    assert [{k: "" if v is None else str(v) for k, v in o.items()} for o in from_json] == from_csv
    if table == "cap-table":
        assert [o["shares"] for o in from_json] == [None, 845594, 520324, 500000]
        assert from_json[0]["conversion_price"] == "13.06" and from_json[0]["conversion_share_cap"] == 1450000


def one_error_line(result) -> str:
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.output
    [line] = result.stderr.splitlines()
    return line


def test_unknown_table(run, built_db):
    line = one_error_line(run("--db", built_db, "export", "trades"))
    assert line == ("Error: Invalid value for 'table': 'trades' is not one of "     # CliRunner names the app "root"
                    "'cap-table', 'warrants', 'dilution', 'events', 'deals', 'ocf'. (see 'root export --help')")


def test_bad_format(run, built_db):
    line = one_error_line(run("--db", built_db, "export", "deals", "--format", "xml"))
    assert line == ("Error: Invalid value for '--format': 'xml' is not one of 'csv', 'json', 'jsonl'. "
                    "(see 'root export --help')")


@pytest.mark.parametrize("table", ["cap-table", "warrants"])
def test_cap_table_and_warrants_need_as_of(run, built_db, tmp_path, table):
    out = tmp_path / "x.csv"
    line = one_error_line(run("--db", built_db, "export", table, "--format", "json", "-o", out))
    assert line == f"error: export {table}: --as-of is required: the date to replay to, YYYY-MM-DD"
    assert not out.exists()


@pytest.mark.parametrize("where", ["missing-dir/deals.csv", "."])
def test_unwritable_output(run, built_db, tmp_path, where):
    out = tmp_path / where
    line = one_error_line(run("--db", built_db, "export", "deals", "-o", out))
    assert line.startswith(f"error: {out}: cannot write (")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_part_way_leaves_the_output_file_as_it_was(run, built_db, tmp_path, monkeypatch):
    """Rows stream into a file beside the target, which replaces it only when whole."""
    from ledger.services import exports

    def broken(store, **bounds):
        columns, rows = exports.events_export(store, **bounds)

        def some_then_fail():
            yield next(rows)
            yield next(rows)
            raise LedgerError("row 3: damaged")
        return columns, some_then_fail()
    monkeypatch.setitem(exports.EXPORTS, "events", broken)
    out = tmp_path / "events.jsonl"
    out.write_text("kept\n")
    line = one_error_line(run("--db", built_db, "export", "events", "--format", "jsonl", "-o", out))
    assert line == "error: row 3: damaged"
    assert out.read_text() == "kept\n" and sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]
