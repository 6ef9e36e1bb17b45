"""What every command shares: the app, the global --db, consoles, date parsing, exit codes."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

try:    # typer 0.20+ carries its own copy of click; earlier releases use click itself
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, UsageError

from events.codec import iso_date
from ledger.errors import LedgerError
from ledger.store import SCHEMA_VERSION, open_store



class OneLineUsageErrors(TyperGroup):
    """A bad option or value is one line on stderr (exit 2), not click's usage block: the hint to
    ask for --help goes on the same line. Help itself (no arguments) is left alone."""

    @staticmethod
    def _one_line(error: UsageError) -> UsageError:
        if error.ctx is None or isinstance(error, NoArgsIsHelpError):
            return error
        # Without a context click prints only "Error: <message>": no usage line, no hint line.
        message = error.format_message().replace("Value error, ", "")    # typer's wording for a bad choice
        return UsageError(f"{message} (see '{error.ctx.command_path} --help')")

    def make_context(self, *args, **kwargs):
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as e:
            raise self._one_line(e) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as e:   # raised while parsing a subcommand's options
            raise self._one_line(e) from None


app = typer.Typer(help="Deal Ledger: SEC financing filings as an append-only event ledger.", cls=OneLineUsageErrors,
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
    """YYYY-MM-DD only, as documented (events.codec.iso_date): typer's own datetime type takes
    times, and date.fromisoformat week dates. Anything else is a clear error naming the option."""
    try:
        return iso_date(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2000-06-30") from None


def _package_version() -> str:
    try:
        return version("deal-ledger")
    except PackageNotFoundError:     # run from a source tree that was never installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        out.print(f"ledger {_package_version()}")
        raise typer.Exit()


IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only this issuer: a CIK or (part of) its name.")]
AsOf = Annotated[date, typer.Option("--as-of", parser=parse_date, metavar="YYYY-MM-DD",
                                    help="Effective date; events on this day are included.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str, typer.Option(
        "--db", envvar="LEDGER_DB", metavar="PATH|URL",
        help="The ledger: a SQLite file, or a PostgreSQL URL (postgresql://user@host/dbname).")] = "ledger.db",
    _version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                           help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = db


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", markup=True)
    return typer.Exit(code=code)


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False, write: bool = False):
    """The ledger; read-only unless the command writes, so readers take no lock and write nothing."""
    try:
        store = open_store(ctx.obj, create=create, read_only=not (create or write))
    except LedgerError as e:
        raise fail(str(e)) from None
    if store.migrated_from is not None:
        err.print(f"{store.location}: upgraded the ledger from schema {store.migrated_from} to {SCHEMA_VERSION}; "
                  f"the file as it was is kept at {store.backup_path}")
    try:
        yield store
    except LedgerError as e:
        raise fail(str(e)) from None
    finally:
        store.close()
