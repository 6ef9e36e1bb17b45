"""The dilution chart: one issuer's common and fully diluted shares as step lines over time, its
financings and warrant expiries marked and labelled, drawn with matplotlib (the ``chart`` extra).

matplotlib is imported when a chart is drawn, never at import, so the rest of the ledger runs
without it. The figure is built on its own Agg canvas (``Figure`` + ``FigureCanvasAgg``), not
through pyplot: nothing global (pyplot's figure list, the process's backend) is touched, and no
display is needed.

Labels never overlap: each stands in a band above the lines, left-aligned at its date (right-
aligned when it would run past the right edge), on the lowest row where it clears every label
already placed; its width is measured with the renderer that draws it. The band is made tall
enough for its rows, above the highest line. When the band would take more than half the chart,
labels of dates too close to tell apart are told together ("3 financings, 2002-03-13 to ...")."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ledger.errors import LedgerError
from ledger.projections.series import DilutionSeries, Expiry, Financing, Issue, Step

FORMATS = ("png", "svg")
MISSING_MATPLOTLIB = "the dilution chart needs matplotlib: pip install -e '.[chart]'"

# Colours from matplotlib's default cycle (tab10), which reads in greyscale and for most colour blindness.
# Both fully diluted lines share a colour; the one at the caps is dashed.
COMMON, FULLY_DILUTED, FINANCING, EXPIRY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"


class ChartUnavailable(LedgerError):
    """matplotlib is not installed."""


class BadChartFormat(LedgerError):
    pass


def format_of(path: Path | str) -> str:
    """``png`` or ``svg``, from the file name's suffix (any case)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BadChartFormat(f"{path}: a chart is written as .png or .svg, not {Path(path).suffix or 'a file with no suffix'}")
    return suffix


def require_matplotlib() -> None:
    """Raises ChartUnavailable, before any work is done, when matplotlib cannot be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ChartUnavailable(MISSING_MATPLOTLIB) from None


# -- labels ----------------------------------------------------------------------------------------

def money(value: Decimal) -> str:
    """``$4,000,000``, ``$11.826``: the digits as filed, with thousands separators."""
    return f"${value:,}"


def shares(value: int | None) -> str:
    return "shares not stated" if value is None else f"{value:,} shares"


def issue_lines(i: Issue) -> list[str]:
    kind = "" if i.consideration_kind in (None, "cash", "not_stated") else f" ({i.consideration_kind})"
    if i.kind == "common":
        price = f" at {money(i.price)}" if i.price is not None else ", price not stated"
        return [f"{shares(i.shares)}{price}{kind}"]
    what = "preferred" if i.kind == "preferred" else "notes"
    amount = f"{money(i.amount)} {what}" if i.amount is not None else f"{what}, amount not stated"
    if i.price is not None:
        price = f"converts at {money(i.price)}" + (" or a variable price" if i.variable_price else "")
    else:
        price = "variable conversion price" if i.variable_price else "conversion price not stated"
    return [amount + kind, price]


def financing_label(f: Financing) -> str:
    lines = [f"{f.date.isoformat()}"]
    for i in f.issues:
        lines += issue_lines(i)
    return "\n".join(lines)


def expiry_label(e: Expiry) -> str:
    price = f" at {money(e.exercise_price)}" if e.exercise_price is not None else ""
    what = "warrant shares not stated" if e.shares is None else f"{e.shares:,} warrant shares"
    return f"{e.date.isoformat()} expiry\n{what}{price}"


def _span(items) -> str:
    return f"{items[0].date.isoformat()} to {items[-1].date.isoformat()}"


def financings_label(items: list[Financing]) -> str:
    """Financings too close to label one by one: their span, their number, common sold, prices."""
    common = [f.common_shares for f in items if f.common_shares is not None]
    prices = sorted({i.price for f in items for i in f.issues if i.price is not None})
    lines = [_span(items), f"{len(items)} financings" + (f", {sum(common):,} common shares" if common else "")]
    if prices:
        lines.append(f"prices {money(prices[0])} to {money(prices[-1])}" if len(prices) > 1 else f"at {money(prices[0])}")
    return "\n".join(lines)


def expiries_label(items: list[Expiry]) -> str:
    known = [e.shares for e in items if e.shares is not None]
    what = f"{sum(known):,} warrant shares in {len(items)} tranches"
    if len(known) < len(items):
        what += f" ({len(items) - len(known)} not stated)"
    return f"{_span(items)} expiries\n{what}"


def value_on(steps: tuple[Step, ...], day: date, figure: str, *, before: bool = False) -> int | None:
    """A figure in force on ``day`` (with ``before``, on the day before); None before the first step."""
    found = None
    for s in steps:
        if s.date < day or (s.date == day and not before):
            found = getattr(s, figure)
        else:
            break
    return found


# -- drawing ---------------------------------------------------------------------------------------

def render(series: DilutionSeries, issuer_name: str, fmt: str) -> bytes:
    """The chart as PNG or SVG bytes. Deterministic: the same series gives the same bytes."""
    if fmt not in FORMATS:
        raise BadChartFormat(f"a chart is written as png or svg, not {fmt!r}")
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = figure(series, issuer_name)
        title = chart_title(series, issuer_name)
        out = io.BytesIO()
        # The title in the file's own metadata (an SVG draws its text as paths, so that the labels
        # measured here never overlap in another font); no creation date and no software version:
        # the bytes depend on the series alone.
        metadata = {"Title": title, "Date": None, "Creator": None} if fmt == "svg" else {"Title": title, "Software": None}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()


# svg.hashsalt: the ids an SVG gives its clip paths and glyphs, fixed rather than random.
STYLE = {"svg.hashsalt": "deal-ledger", "font.size": 10}


def figure(series: DilutionSeries, issuer_name: str):
    """The chart as a matplotlib Figure on its own Agg canvas, laid out (labels placed)."""
    require_matplotlib()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(12, 7.5), dpi=100)
        FigureCanvasAgg(fig)
        _draw(fig, series, chart_title(series, issuer_name))
    return fig


def chart_title(series: DilutionSeries, issuer_name: str) -> str:
    return f"{issuer_name}: common and fully diluted shares, {series.start.isoformat()} to {series.end.isoformat()}"


def _draw(fig, series: DilutionSeries, title: str) -> None:
    from matplotlib import dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.ticker import StrMethodFormatter

    steps, start, end = series.steps, series.start, series.end
    fig.subplots_adjust(left=0.1, right=0.975, top=0.88, bottom=0.17)
    ax = fig.add_subplot()
    fig.suptitle(title, fontsize=13, fontweight="bold", y=0.975)
    fig.text(0.5, 0.925, "Fully diluted: common plus outstanding warrants and convertibles as converted; "
             "quantities the filings leave undetermined are not counted.", ha="center", fontsize=9, color="#444444")

    xs = [s.date for s in steps] + [end]          # the last figures hold to the end of the range

    def line(name: str) -> list[int]:
        values = [getattr(s, name) for s in steps]
        return values + values[-1:]

    common, fixed, cap = line("common_shares"), line("fully_diluted_at_fixed_price"), line("fully_diluted_at_cap")
    handles = []
    if cap != fixed:
        handles += ax.step(xs, cap, where="post", color=FULLY_DILUTED, linestyle="--", linewidth=1.8,
                           label="Fully diluted, convertibles at their share caps")
    handles += ax.step(xs, fixed, where="post", color=FULLY_DILUTED, linewidth=2.2,
                       label="Fully diluted" + (", convertibles at their fixed prices" if cap != fixed else ""))
    handles += ax.step(xs, common, where="post", color=COMMON, linewidth=2.2, label="Common shares")

    pad = max(timedelta(days=(end - start).days // 40), timedelta(days=1))
    ax.set_xlim(start - pad, end + pad)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel("Effective date")
    ax.set_ylabel("Shares")
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    # Markers: a financing on the fully diluted line it raised (where it stands on that day), an
    # expiry on that line the day before it falls.
    for f in series.financings:
        y = value_on(steps, f.date, "fully_diluted_at_fixed_price")
        ax.plot([f.date], [y], marker="o", markersize=7, color=FINANCING, zorder=5)
    for e in series.expiries:
        y = value_on(steps, e.date, "fully_diluted_at_fixed_price", before=True)
        if y is None:                             # an expiry on the first day of the range
            y = value_on(steps, e.date, "fully_diluted_at_fixed_price")
        ax.plot([e.date], [y], marker="v", markersize=8, color=EXPIRY, zorder=5)
    handles += [Line2D([], [], marker="o", color=FINANCING, linestyle="none", markersize=7,
                       label="Financing: date, shares, price")] if series.financings else []
    handles += [Line2D([], [], marker="v", color=EXPIRY, linestyle="none", markersize=8,
                       label="Warrant expiry: date, shares, exercise price")] if series.expiries else []

    top = max(max(fixed), max(cap), max(common), 1)
    _label_band(fig, ax, series, top)

    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False,
              fontsize=9)


# The band of labels may take at most this share of the axes' height; past it, labels of nearby
# dates are told together ("3 financings ..."), nearer ones first, until the band fits.
MAX_BAND = 0.55
MERGE_WITHIN = (0, 30, 60, 120, 240, 480, float("inf"))     # pixels between dates told together


def _label_band(fig, ax, series: DilutionSeries, top: int) -> None:
    """Each label on the lowest row of a band above the lines where it clears the labels placed
    before it, with a dotted line down from it through its markers. Widths are measured in pixels
    at the figure's dpi; offsets are given in points, so an SVG (72 dpi) lays out the same."""
    from matplotlib import dates as mdates

    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    kinds = [(FINANCING, series.financings, financing_label, financings_label),
             (EXPIRY, series.expiries, expiry_label, expiries_label)]
    if not series.financings and not series.expiries:
        ax.set_ylim(0, top * 1.05)
        return
    x_of = lambda day: ax.transData.transform((mdates.date2num(day), 0))[0] - box.x0     # noqa: E731
    for within in MERGE_WITHIN:
        groups = []
        for colour, items, one, many in kinds:
            for members in _nearby(items, x_of, within):
                groups.append((members[0].date, members[-1].date, one(members[0]) if len(members) == 1 else many(members),
                               colour, [m.date for m in members]))
        groups.sort(key=lambda g: g[0])
        placed, tops, heights = _rows(fig, ax, renderer, box, groups, x_of)
        band = (tops[-1] + heights[-1]) / box.height                # the band's share of the axes' height
        if band <= MAX_BAND or within == MERGE_WITHIN[-1]:
            break
        for t, *_ in placed:
            t.remove()
    # The lines stay below the band: their highest point at (1 - band - 4%) of the axes.
    ax.set_ylim(0, top / max(1 - band - 0.04, 0.2))
    for t, row, dx, days, colour in placed:
        below = tops[row] + 3                                       # pixels from the top of the axes
        t.xyann = (dx * 72 / fig.dpi, -below * 72 / fig.dpi)
        for day in days:
            ax.axvline(day, ymin=0, ymax=1 - (below - 3) / box.height, color=colour, linestyle=":", linewidth=1,
                       zorder=1)


def _nearby(items, x_of, within: float) -> list[list]:
    """Items (in date order) in runs whose consecutive dates stand less than ``within`` pixels apart."""
    runs: list[list] = []
    for item in items:
        if runs and x_of(item.date) - x_of(runs[-1][-1].date) < within:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _rows(fig, ax, renderer, box, groups, x_of):
    """Labels made and given rows: (text, row, x offset in pixels, dates, colour) each, and each
    row's top and height in pixels from the top of the axes."""
    from matplotlib import dates as mdates

    gap, nudge = 10, 5                          # pixels: between labels on a row; from a label's date line
    spans: list[list[tuple[float, float]]] = []
    heights: list[float] = []
    placed = []
    for first, last, text, colour, days in groups:
        t = ax.annotate(text, xy=(mdates.date2num(first), 1), xycoords=("data", "axes fraction"), xytext=(0, 0),
                        textcoords="offset points", fontsize=8.5, color="#222222", va="top", ha="left",
                        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": colour, "linewidth": 1},
                        annotation_clip=False)
        extent = t.get_window_extent(renderer)
        pad = 0.3 * t.get_fontsize() * fig.dpi / 72 + 2              # the box's pad and edge, in pixels
        width, height = extent.width + 2 * pad, extent.height + 2 * pad
        at = x_of(first)
        if at + nudge + width <= box.width:                         # to the right of its (first) date
            lo, dx = at + nudge, nudge + pad
        else:                                                       # to the left of its last date
            t.xy = (mdates.date2num(last), 1)
            lo, dx = x_of(last) - nudge - width, -(nudge + pad)
            t.set_horizontalalignment("right")
            t.set_multialignment("left")
        hi = lo + width
        row = next((r for r, taken in enumerate(spans) if all(hi + gap <= a or lo >= b + gap for a, b in taken)),
                   len(spans))
        if row == len(spans):
            spans.append([])
            heights.append(0.0)
        spans[row].append((lo, hi))
        heights[row] = max(heights[row], height + 6)                # a row as tall as its tallest label
        placed.append((t, row, dx, days, colour))
    tops = [4 + sum(heights[:r]) for r in range(len(heights))]
    return placed, tops, heights
