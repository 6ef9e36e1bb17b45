"""`ledger chart`: the dilution chart as PNG or SVG (ledger/chart.py, cli/chart.py). The series is
checked value by value in tests/test_series.py; here, the files, the labels and their layout, and
the command's errors."""
from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pytest

from ledger.chart import (
    BadChartFormat, ChartUnavailable, expiries_label, expiry_label, figure, financing_label, financings_label,
    format_of, render, require_matplotlib,
)
from ledger.projections.series import DilutionSeries, Expiry, Financing, Issue, Step
from ledger.services.chart import issuer_series
from ledger.store import open_store
from tests.test_cli_subprocess import installed, ledger  # noqa: F401  (the fixture fails early without the script)

SHIPPED = Path(__file__).resolve().parents[1] / "ledger.db"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "NeoTherapeutics, Inc.: common and fully diluted shares, 1999-01-29 to 2005-05-01"
MISSING = "error: ledger chart needs matplotlib: pip install -e '.[chart]'"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return Path(shutil.copy(SHIPPED, tmp_path_factory.mktemp("chart") / "ledger.db"))


@pytest.fixture(scope="module")
def neo(db):
    store = open_store(str(db), read_only=True)
    try:
        yield issuer_series(store, "neo")
    finally:
        store.close()


def svg_title(data: bytes) -> str:
    root = ET.fromstring(data)
    return root.find(".//{http://purl.org/dc/elements/1.1/}title").text


# -- labels ----------------------------------------------------------------------------------------

def test_financing_and_expiry_labels_say_date_shares_and_price(neo):
    labels = [financing_label(f) for f in neo.series.financings]
    assert labels == [
        "1999-01-29\n$4,000,000 preferred\nconverts at $13.06 or a variable price",
        "1999-11-19\n845,594 shares at $11.826",
        "2000-02-25\n520,324 shares at $15.375",
        "2000-04-28\n500,000 shares at $14.00",
        "2002-03-13\n2,575,000 shares at $2.00",
        "2002-03-15\n525,000 shares at $2.00",
    ]
    assert [expiry_label(e) for e in neo.series.expiries] == [
        "2004-01-29 expiry\n75,000 warrant shares at $12.98",
        "2004-11-19 expiry\n126,839 warrant shares at $14.24",
        "2005-02-25 expiry\n104,000 warrant shares at $21.00",
        "2005-05-01 expiry\n125,000 warrant shares at $17.50",
    ]


def test_labels_say_what_is_not_stated():
    day = date(2001, 1, 1)
    unpriced = Issue("Common Stock", "common", None, None, None, "price", False, "acquisition", "x-1")
    note = Issue("Notes", "note", None, None, None, "conversion price", True, None, "x-2")
    assert financing_label(Financing(day, "s", (unpriced, note))) == (
        "2001-01-01\nshares not stated, price not stated (acquisition)\nnotes, amount not stated\n"
        "variable conversion price")
    assert expiry_label(Expiry(day, "Finder", None, None, "x-3")) == "2001-01-01 expiry\nwarrant shares not stated"


# -- the picture -----------------------------------------------------------------------------------

def boxes(fig):
    """Each label's box, in pixels, as drawn."""
    renderer = fig.canvas.get_renderer()
    [ax] = fig.axes
    return [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts]


def overlapping(extents) -> list:
    return [(a, b) for a, b in combinations(extents, 2) if a.overlaps(b)]


def test_neotherapeutics_chart_labels_do_not_overlap_and_stay_in_the_figure(neo):
    fig = figure(neo.series, neo.issuer.name)
    fig.canvas.draw()
    extents = boxes(fig)
    assert len(extents) == 6 + 4                      # six financings, four expiries
    assert overlapping(extents) == []
    width, height = fig.canvas.get_width_height()
    assert all(0 <= e.x0 and e.x1 <= width and 0 <= e.y0 and e.y1 <= height for e in extents)
    [ax] = fig.axes
    # Every line stays below the lowest label: the highest point (7,621,757 at the cap) under the band.
    lowest = min(e.y0 for e in extents)
    assert ax.transData.transform((0, 7_621_757))[1] < lowest
    assert ax.yaxis.get_major_formatter()(4_000_000, 0) == "4,000,000"
    assert fig._suptitle.get_text() == TITLE
    assert [line.get_label() for line in ax.get_legend().get_lines()] == [
        "Fully diluted, convertibles at their share caps", "Fully diluted, convertibles at their fixed prices",
        "Common shares", "Financing: date, shares, price", "Warrant expiry: date, shares, exercise price"]


def crowded() -> DilutionSeries:
    """Twenty financings a week apart, at $1 to $20, and twenty expiries a day apart."""
    start = date(2010, 1, 1)
    steps = tuple(Step(start + timedelta(days=7 * n), 1000 * (n + 1), 1500 * (n + 1), 2000 * (n + 1)) for n in range(20))
    financings = tuple(Financing(start + timedelta(days=7 * n), f"s{n}", (
        Issue("Common Stock", "common", 1000, Decimal("1000"), Decimal(n + 1), "price", False, "cash", f"s{n}-2"),))
        for n in range(20))
    expiries = tuple(Expiry(start + timedelta(days=200 + n), "Warrants", 10, Decimal("2.00"), f"s{n}-3")
                     for n in range(20))
    return DilutionSeries("k", start, start + timedelta(days=220), steps, financings, expiries)


def test_a_crowded_chart_tells_near_dates_together_and_still_has_no_overlapping_labels():
    fig = figure(crowded(), "Crowded Corp")
    fig.canvas.draw()
    extents = boxes(fig)
    assert overlapping(extents) == []
    width, height = fig.canvas.get_width_height()
    assert all(0 <= e.x0 and e.x1 <= width and 0 <= e.y0 and e.y1 <= height for e in extents)
    [ax] = fig.axes
    texts = [t.get_text() for t in ax.texts]
    # a day apart is too close to label one by one: the twenty expiries are told in one label
    assert [t for t in texts if "expir" in t] == ["2010-07-20 to 2010-08-08 expiries\n200 warrant shares in 20 tranches"]
    told = [int(t.split("\n")[1].split()[0]) if " financings" in t else 1 for t in texts if "expir" not in t]
    assert sum(told) == 20                            # every financing is in one label, alone or with others


def test_financings_told_together():
    series = crowded()
    assert financings_label(list(series.financings[:3])) == (
        "2010-01-01 to 2010-01-15\n3 financings, 3,000 common shares\nprices $1 to $3")
    assert expiries_label([Expiry(date(2010, 1, 1), "A", 10, None, "a"), Expiry(date(2010, 1, 2), "B", None, None, "b")]) \
        == "2010-01-01 to 2010-01-02 expiries\n10 warrant shares in 2 tranches (1 not stated)"


def test_one_line_when_fixed_price_and_cap_agree():
    day = date(2001, 1, 1)
    series = DilutionSeries("k", day, date(2002, 1, 1), (Step(day, 100, 150, 150),), (), ())
    fig = figure(series, "Plain Corp")
    [ax] = fig.axes
    assert [line.get_label() for line in ax.get_legend().get_lines()] == ["Fully diluted", "Common shares"]


def test_png_and_svg_files_and_the_same_bytes_every_time(neo):
    png = render(neo.series, neo.issuer.name, "png")
    assert png.startswith(PNG_SIGNATURE)
    svg = render(neo.series, neo.issuer.name, "svg")
    assert svg_title(svg) == TITLE
    assert render(neo.series, neo.issuer.name, "svg") == svg      # no date, fixed ids
    assert render(neo.series, neo.issuer.name, "png") == png


@pytest.mark.parametrize("name, fmt", [("a.png", "png"), ("A.SVG", "svg"), ("dir.v2/chart.svg", "svg")])
def test_format_from_the_suffix(name, fmt):
    assert format_of(name) == fmt


@pytest.mark.parametrize("name, said", [("chart.pdf", "not .pdf"), ("chart", "not a file with no suffix")])
def test_other_suffixes_are_refused(name, said):
    with pytest.raises(BadChartFormat, match=f"^{name}: a chart is written as .png or .svg, {said}$"):
        format_of(name)


def test_missing_matplotlib_is_a_chart_unavailable(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib now raises ImportError
    with pytest.raises(ChartUnavailable, match=r"needs matplotlib: pip install -e '\.\[chart\]'"):
        require_matplotlib()


# -- the command -----------------------------------------------------------------------------------

def test_cli_writes_the_png_and_the_svg(run, db, tmp_path):
    png, svg = tmp_path / "dilution.png", tmp_path / "dilution.svg"
    result = run("--db", db, "chart", "--issuer", "NeoTherapeutics", "-o", png)
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    result = run("--db", db, "chart", "--issuer", "neo", "--from", "1999-06-01", "--to", "2000-06-30", "-o", svg)
    assert result.exit_code == 0, result.output
    assert svg_title(svg.read_bytes()) == "NeoTherapeutics, Inc.: common and fully diluted shares, 1999-06-01 to 2000-06-30"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dilution.png", "dilution.svg"]     # no temporary left


def test_cli_replaces_an_existing_file_whole(run, db, tmp_path):
    out = tmp_path / "c.svg"
    out.write_text("old")
    out.chmod(0o640)
    assert run("--db", db, "chart", "--issuer", "neo", "-o", out).exit_code == 0
    assert out.read_bytes().startswith(b"<?xml") and oct(out.stat().st_mode & 0o777) == "0o640"


@pytest.mark.parametrize("args, line", [
    (("--issuer", "neo", "-o", "{dir}/c.pdf"), "error: {dir}/c.pdf: a chart is written as .png or .svg, not .pdf"),
    (("--issuer", "acme", "-o", "{dir}/c.png"), "error: no issuer in the ledger matches 'acme'"),
    (("--issuer", "neo", "--to", "1998-12-31", "-o", "{dir}/c.png"),
     "error: NeoTherapeutics, Inc. has no event in the ledger by 1998-12-31"),
    (("--issuer", "neo", "--from", "2001-01-01", "--to", "2000-01-01", "-o", "{dir}/c.png"),
     "error: --from 2001-01-01 is after --to 2000-01-01"),
    (("--issuer", "neo", "-o", "{dir}/missing/c.png"), "error: {dir}/missing/c.png: cannot write (No such file or directory)"),
])
def test_cli_bad_input_is_one_line_exit_2_and_no_file(run, db, tmp_path, args, line):
    result = run("--db", db, "chart", *(a.format(dir=tmp_path) for a in args))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [line.format(dir=tmp_path)]
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_cli_bad_date_and_missing_issuer_are_usage_errors(run, db, tmp_path):
    result = run("--db", db, "chart", "--issuer", "neo", "--from", "2000-1-1", "-o", tmp_path / "c.png")
    assert result.exit_code == 2 and "'2000-1-1' is not a date" in result.stderr
    result = run("--db", db, "chart", "-o", tmp_path / "c.png")
    assert result.exit_code == 2 and "Missing option '--issuer'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_without_matplotlib_says_how_to_install_it(run, db, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("--db", db, "chart", "--issuer", "neo", "-o", tmp_path / "c.png")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [MISSING]
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_the_installed_script_writes_a_png(db, tmp_path):
    out = tmp_path / "dilution.png"
    proc = ledger("--db", db, "chart", "--issuer", "NeoTherapeutics", "--to", "2000-06-30", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
