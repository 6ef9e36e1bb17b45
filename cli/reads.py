"""Read-side commands: replay, events, export."""
from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli import render
from cli.base import AsOf, Format, IssuerOpt, app, err, fail, opened, parse_date, table_console
from events import to_payload
from ledger.audit.history import find_filing
from ledger.export import write_cap_table_csv, write_warrants_csv
from ledger.projections import Replay, to_json_contract
from ledger.store import Store
from ledger.views import replay_ledger, resolve_issuer


# Knowledge time: only facts public by the end of this day (a filing's FILED AS OF DATE, else its
# signature date). Shared with the audit commands.
KnownAt = Annotated[date | None, typer.Option("--known-at", parser=parse_date, metavar="YYYY-MM-DD",
                                              help="Only facts made public by this day.")]


class Table(StrEnum):
    cap_table = "cap-table"
    warrants = "warrants"


def _replayed(ctx: typer.Context, as_of, known_at, issuer: str | None) -> Replay:
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer)
        result = replay_ledger(store, as_of=as_of, known_at=known_at, issuer_key=key)
        if known_at is not None and not result.issuers:
            _nothing_public_yet(store, known_at, key)
        return result


def _nothing_public_yet(store: Store, known_at: date, issuer_key: str | None) -> None:
    """Say so when --known-at is before every filing: an empty answer is not "no financings"."""
    dates = [i.public_date for i in store.streams(issuer_key=issuer_key) if i.public_date is not None]
    if dates and min(dates) > known_at:
        err.print(f"nothing in the ledger was public by {known_at}: the first filing became public on "
                  f"{min(dates)}", soft_wrap=True)


@app.command()
def replay(
    ctx: typer.Context,
    as_of: AsOf,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """The cap table and outstanding warrants of every issuer as of a date (inclusive)."""
    result = _replayed(ctx, as_of, known_at, issuer)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(to_json_contract(result), indent=2) + "\n")
    elif result.issuers or known_at is None:    # else the line on stderr said why there is nothing
        render.replay(table_console(), result)
    for warning in result.warnings:
        err.print(f"warning: {warning}", soft_wrap=True)


@app.command()
def events(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Option(
        "--stream", help="Only this filing: its stream id, accession number, hash prefix or file name.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
) -> None:
    """The ledger's history, in the order it was recorded, with dates and sources."""
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
            render.history(table_console(), log)


@app.command()
def export(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="cap-table or warrants")],
    as_of: AsOf,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """A CSV of the cap table or of the warrants as of a date."""
    result = _replayed(ctx, as_of, known_at, issuer)
    write = write_cap_table_csv if table is Table.cap_table else write_warrants_csv
    if output is None:
        write(result, sys.stdout)
        return
    try:
        with output.open("w", newline="", encoding="utf-8") as fh:
            write(result, fh)
    except OSError as e:
        raise fail(f"{output}: cannot write ({e.strerror or e})") from None
