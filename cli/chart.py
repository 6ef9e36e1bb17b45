"""`ledger chart`: one issuer's common and fully diluted shares over time, as a PNG or SVG file."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.base import app, fail, opened, parse_date
from cli.whole import replaced_whole

MISSING_MATPLOTLIB = "ledger chart needs matplotlib: pip install -e '.[chart]'"


@app.command()
def chart(
    ctx: typer.Context,
    issuer: Annotated[str, typer.Option("--issuer", help="The issuer: a CIK or (part of) its name.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write: NAME.png or NAME.svg.")],
    start: Annotated[date | None, typer.Option(
        "--from", parser=parse_date, metavar="YYYY-MM-DD",
        help="First day shown (default: the issuer's first event).")] = None,
    end: Annotated[date | None, typer.Option(
        "--to", parser=parse_date, metavar="YYYY-MM-DD",
        help="Last day shown, inclusive (default: its last event or warrant expiry).")] = None,
) -> None:
    """Common and fully diluted shares as step lines, each financing marked with its date and
    price, each warrant expiry with its shares."""
    from ledger.chart import BadChartFormat, ChartUnavailable, format_of, render, require_matplotlib
    from ledger.services.chart import issuer_series
    try:
        fmt = format_of(output)
        require_matplotlib()
    except BadChartFormat as e:
        raise fail(str(e)) from None
    except ChartUnavailable:
        raise fail(MISSING_MATPLOTLIB) from None
    if start is not None and end is not None and start > end:
        raise fail(f"--from {start} is after --to {end}")
    with opened(ctx) as store:
        found = issuer_series(store, issuer, start=start, end=end)
    data = render(found.series, found.issuer.name, fmt)
    try:
        with replaced_whole(output, binary=True) as fh:    # a failed write leaves no half image
            fh.write(data)
    except OSError as e:
        raise fail(f"{output}: cannot write ({e.strerror or e})") from None
