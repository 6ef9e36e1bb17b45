"""What every command shares: the app, the global --db, consoles, date parsing, exit codes."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ledger.errors import LedgerError
from ledger.schema import SCHEMA_VERSION
from ledger.store import EventStore

app = typer.Typer(help="Deal Ledger: SEC financing filings as an append-only event ledger.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  rich_markup_mode=None)  # usage errors as click's plain lines, never a boxed panel that wraps
# Diagnostics carry file names and filing text: never markup or emoji, never wrapped (one line each).
err = Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
out = Console(highlight=False, markup=False, emoji=False)  # filing text may contain [brackets]


def table_console() -> Console:
    """The shared console on a terminal; in a pipe a wide one, so tables keep their rows on one line."""
    if out.is_terminal:
        return out
    return Console(file=sys.stdout, highlight=False, markup=False, emoji=False, width=220)

EXIT_BAD_INPUT = 2      # a file, a date or a database the command cannot use
EXIT_FAILED_CHECK = 1   # verify found a changed ledger


class Format(StrEnum):
    table = "table"
    json = "json"


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
def opened(ctx: typer.Context, *, create: bool = False, write: bool = False):
    """The ledger; read-only unless the command writes, so readers take no lock and write nothing."""
    try:
        store = EventStore.open(ctx.obj, create=create, read_only=not (create or write))
    except LedgerError as e:
        raise fail(str(e)) from None
    if store.migrated_from is not None:
        err.print(f"{ctx.obj}: upgraded the ledger from schema {store.migrated_from} to {SCHEMA_VERSION}; "
                  f"the file as it was is kept at {store.backup_path}")
    try:
        yield store
    except LedgerError as e:
        raise fail(str(e)) from None
    finally:
        store.close()
