"""The ``ledger`` command: thin over the ``ledger`` package. Only this layer picks exit codes."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager, nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.markup import escape

from cli import render
from events import to_payload
from ledger.errors import LedgerError
from ledger.export import write_cap_table_csv, write_warrants_csv
from ledger.ingest import Summary, expand
from ledger.ingest import ingest as ingest_files
from ledger.projections import to_json_contract
from ledger.store import EventStore
from ledger.views import replay_ledger, resolve_issuer

app = typer.Typer(help="Deal Ledger: SEC financing filings as an append-only event ledger.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
# Diagnostics carry file names and filing text: never markup or emoji, never wrapped (one line each).
err = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
out = Console(highlight=False, markup=False, emoji=False)  # filing text may contain [brackets]

EXIT_BAD_INPUT = 2      # a file, a date or a database the command cannot use
EXIT_FAILED_CHECK = 1   # verify found a changed ledger


class Format(StrEnum):
    table = "table"
    json = "json"


class Table(StrEnum):
    cap_table = "cap-table"
    warrants = "warrants"


def parse_date(value: str) -> date:
    """typer has no date type: ISO dates only, and a clear error otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2000-06-30") from None


IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only this issuer: a CIK or (part of) its name.")]
AsOf = Annotated[date, typer.Option("--as-of", parser=parse_date, metavar="YYYY-MM-DD",
                                    help="Effective date; events on this day are included.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[Path, typer.Option("--db", envvar="LEDGER_DB", help="The ledger database.")] = Path("ledger.db"),
) -> None:
    ctx.obj = db


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", markup=True)
    return typer.Exit(code=code)


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False):
    try:
        store = EventStore.open(ctx.obj, create=create)
    except LedgerError as e:
        raise fail(str(e)) from None
    try:
        yield store
    except LedgerError as e:
        raise fail(str(e)) from None
    finally:
        store.close()


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="8-K filings, or folders of them (walked).", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the events, with quotes; write nothing.")] = False,
) -> None:
    """Append filings to the ledger, one transaction each. Already-ingested filings are skipped."""
    files = list(expand(paths))
    summary = Summary()
    with opened(ctx, create=True) if not dry_run else nullcontext() as store, \
            Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for outcome in ingest_files(store, files, dry_run=dry_run):
            progress.advance(task)
            summary.add(outcome)
            if outcome.status == "failed":
                progress.console.print(f"error: {outcome.error}")
                continue
            for warning in outcome.warnings:
                progress.console.print(f"warning: {warning}")
            if outcome.status == "duplicate":
                progress.console.print(f"{outcome.path}: already in the ledger as {outcome.stream}; nothing appended")
            elif outcome.status == "dry-run":
                render.dry_run(out, outcome)
            elif len(files) <= 20:   # a big batch speaks through its progress bar and summary
                progress.console.print(f"{outcome.path}: appended {outcome.appended} events to {outcome.stream}")
    err.print(summary.line())
    if summary.failed:
        if len(files) > 1:
            err.print("failed:")
            for error in summary.failed:
                err.print(f"  {error}")
        raise typer.Exit(code=EXIT_BAD_INPUT)


@app.command()
def replay(
    ctx: typer.Context,
    as_of: AsOf,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
) -> None:
    """The cap table and outstanding warrants of every issuer as of a date (inclusive)."""
    with opened(ctx) as store:
        result = replay_ledger(store, as_of=as_of, issuer_key=resolve_issuer(store, issuer) if issuer else None)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(to_json_contract(result), indent=2) + "\n")
    else:
        render.replay(out, result)
    for warning in result.warnings:
        err.print(f"warning: {warning}", soft_wrap=True)


@app.command()
def events(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Option("--stream", help="Only this filing's stream.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
) -> None:
    """The ledger's history, in the order it was recorded, with dates and sources."""
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer) if issuer else None
        log = (e for e in store.log(stream=stream) if key is None or e.issuer_key == key)
        if fmt is Format.json:
            for stored in log:
                sys.stdout.write(json.dumps({
                    "seq": stored.seq, "event_id": stored.event_id, "stream": stored.stream,
                    "version": stored.version, "type": stored.type, "effective_date": stored.effective_date.isoformat(),
                    "public_date": stored.public_date.isoformat() if stored.public_date else None,
                    "recorded_at": stored.recorded_at, "payload": to_payload(stored.event)}) + "\n")
        else:
            render.history(out, log)


@app.command()
def export(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="cap-table or warrants")],
    as_of: AsOf,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    issuer: IssuerOpt = None,
) -> None:
    """A CSV of the cap table or of the warrants as of a date."""
    with opened(ctx) as store:
        result = replay_ledger(store, as_of=as_of, issuer_key=resolve_issuer(store, issuer) if issuer else None)
    write = write_cap_table_csv if table is Table.cap_table else write_warrants_csv
    if output is None:
        write(result, sys.stdout)
        return
    try:
        with output.open("w", newline="", encoding="utf-8") as fh:
            write(result, fh)
    except OSError as e:
        raise fail(f"{output}: cannot write ({e.strerror or e})") from None


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check the hash chain and the stream versions; exit 1 at the first bad row."""
    with opened(ctx) as store:
        report = store.verify()
    if not report.ok:
        raise fail(f"{ctx.obj}: seq {report.bad_seq}: {report.problem} ({report.checked} rows good before it)",
                   EXIT_FAILED_CHECK)
    err.print(f"{ctx.obj}: ok, {report.checked} events, hash chain and stream versions intact")


def main() -> None:
    app()
