"""Read-side commands: replay, events, export (cap-table, warrants, dilution, events, deals, ocf)."""
from __future__ import annotations

import itertools
import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.base import AsOf, Format, IssuerOpt, app, fail, opened, parse_date, table_console
from cli.whole import replaced_whole

# Knowledge time: only facts public by the end of this day (a filing's FILED AS OF DATE, else its
# signature date). Shared with the audit commands.
KnownAt = Annotated[date | None, typer.Option("--known-at", parser=parse_date, metavar="YYYY-MM-DD",
                                              help="Only facts made public by this day.")]


class Table(StrEnum):
    cap_table = "cap-table"
    warrants = "warrants"
    dilution = "dilution"
    events = "events"
    deals = "deals"
    ocf = "ocf"     # an Open Cap Table Format package: cli/ocf.py


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


@app.command()
def replay(
    ctx: typer.Context,
    as_of: AsOf,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """The cap table and outstanding warrants of every issuer as of a date (inclusive)."""
    from cli import replaying     # the one body, also run by cli.quick for the common JSON read
    replaying.replay(ctx.obj, as_of=as_of, as_json=fmt is Format.json, issuer=issuer, known_at=known_at)


@app.command()
def events(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Option(
        "--stream", help="Only this filing: its stream id, accession number, hash prefix or file name.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
) -> None:
    """The ledger's history, in the order it was recorded, with dates and sources."""
    from events import to_payload
    from ledger.audit.history import find_filing
    from ledger.views import resolve_issuer
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer)
        if stream is not None:     # a stream id, an accession number, a hash prefix or a file name
            stream = find_filing(store, stream).stream
        log = (e for e in store.log(stream=stream) if key is None or e.issuer_key == key)
        if fmt is Format.json:
            for stored in log:
                sys.stdout.write(json.dumps({
                    "seq": stored.seq, "event_id": stored.event_id, "stream": stored.stream,
                    "version": stored.version, "type": stored.type, "effective_date": stored.effective_date.isoformat(),
                    "public_date": stored.public_date.isoformat() if stored.public_date else None,
                    "recorded_at": stored.recorded_at, "payload": to_payload(stored.event)}) + "\n")
        else:
            from cli import render
            render.history(table_console(), log)


@app.command()
def export(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="cap-table, warrants, dilution, events, deals or ocf")],
    as_of: Annotated[date | None, typer.Option(
        "--as-of", parser=parse_date, metavar="YYYY-MM-DD",
        help="Effective date, inclusive: required for cap-table, warrants, dilution and ocf; events and deals: all when omitted.")] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, json or jsonl (not for ocf: a zip)")] = ExportFormat.csv,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """A table as CSV, JSON or JSON Lines: the cap table, the warrants or the fully diluted holder groups as of a date, every event,
    or one row per financing (deals); or one issuer's Open Cap Table Format package (ocf, -o FILE.ocf.zip)."""
    if table is Table.ocf:
        if as_of is None:
            raise fail("export ocf: --as-of is required: the date of the cap table, YYYY-MM-DD")
        if fmt is not ExportFormat.csv:
            raise fail(f"export ocf: --format {fmt.value} does not apply: an OCF package is a zip of JSON files")
        from cli import ocf
        ocf.export(ctx.obj, as_of=as_of, output=output, issuer=issuer, known_at=known_at)
        return
    from ledger.export import WRITERS
    write = WRITERS[fmt.value]
    if table in (Table.cap_table, Table.warrants, Table.dilution):
        if as_of is None:
            raise fail(f"export {table.value}: --as-of is required: the date to replay to, YYYY-MM-DD")
        from cli.replaying import replaying
        from ledger import export as exports
        columns, rows = {Table.cap_table: (exports.CAP_TABLE_COLUMNS, exports.cap_table_rows),
                         Table.warrants: (exports.WARRANT_COLUMNS, exports.warrant_rows),
                         Table.dilution: (exports.DILUTION_COLUMNS, exports.dilution_rows)}[table]
        with replaying(ctx.obj, as_of, known_at, issuer) as result:
            _written(output, lambda fh: write(columns, rows(result), fh))
        return
    from ledger.services.exports import EXPORTS
    from ledger.views import resolve_issuer
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer)
        columns, rows = EXPORTS[table.value](store, as_of=as_of, known_at=known_at, issuer_key=key)
        # The first row is built before anything is written: a ledger error there (a bad
        # correction, a row this release cannot read) leaves stdout empty.
        first = next(rows, None)
        if first is None and known_at is not None:
            from cli.replaying import _nothing_public_yet     # says so when K is before every filing
            _nothing_public_yet(store, known_at, key)
        rows = rows if first is None else itertools.chain((first,), rows)
        _written(output, lambda fh: write(columns, rows, fh))


def _written(output: Path | None, write) -> None:
    """``write(fh)`` to stdout, or to ``output`` as a whole file (``replaced_whole``)."""
    if output is None:
        write(sys.stdout)
        return
    try:
        with replaced_whole(output) as fh:
            write(fh)
    except OSError as e:
        raise fail(f"{output}: cannot write ({e.strerror or e})") from None
