"""Tables for people never cut a figure, a date or an id, whatever the width."""
from __future__ import annotations

import io

from rich.console import Console

from cli import render

ROW = ("Adjustable Warrants", "Montrose Investments Ltd.; Strong River Investments, Inc.", "126,839", "fixed",
       "14.24", "1999-11-19", "2004-11-19", "outstanding", "863674c153e7-3")
HEADERS = ("tranche", "holders", "shares", "basis", "exercise", "issued", "expires", "status", "events")


def _render(width: int) -> str:
    console = Console(file=io.StringIO(), width=width, highlight=False, markup=False, color_system=None)
    rows = render.table(*HEADERS, atomic={"shares", "exercise", "issued", "expires", "status", "events"},
                        title="Warrants")
    rows.add_row(*ROW)
    render.show(console, rows)
    return console.file.getvalue()


def test_a_wide_console_gets_a_table_with_every_atomic_cell_on_one_line():
    text = _render(200)
    assert text.splitlines()[1].startswith("┏")
    line = next(line for line in text.splitlines() if "126,839" in line)
    for cell in ("126,839", "14.24", "1999-11-19", "2004-11-19", "outstanding", "863674c153e7-3"):
        assert f" {cell} " in line


def test_a_narrow_console_gets_one_record_per_row_with_every_cell_whole():
    text = _render(60)
    assert "┏" not in text
    assert text.splitlines() == ["Warrants", "-[ 1 ]-"] + [f"{h}: {c}" for h, c in zip(HEADERS, ROW)]


def test_replay_in_a_pipe_prints_every_event_id_and_expiry_whole(run, built_db):
    result = run("--db", built_db, "replay", "--as-of", "2000-06-30", env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    for cell in ("d68db1fc7039-3", "2004-01-29", "2005-05-01", "Strong River Investments, Inc.", "1,865,918"):
        assert cell in result.stdout
