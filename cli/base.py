"""What every command shares: the app, the global --db, consoles, date parsing, exit codes."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

try:    # typer 0.20+ carries its own copy of click; earlier releases use click itself
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

# Start-up: what every command imports is typer and this package's light modules; rich, cattrs, the
# records, the store and the extractor are imported where a command first needs them (importing
# them all took most of a short command's time). tests/test_startup.py holds it to that.


# Which module defines each command, in the order `ledger --help` lists them. A command's module is
# imported when that command is run (or when help lists every command), so `ledger replay` never
# imports the ingest or audit commands' libraries. A command missing here is still found: an
# unknown name imports every module before it is refused.
COMMAND_MODULES = {
    "replay": "cli.reads", "events": "cli.reads", "export": "cli.reads",
    "history": "cli.audit", "show": "cli.audit", "explain": "cli.audit", "diff": "cli.audit",
    "copy": "cli.copy", "ingest": "cli.ingest", "verify": "cli.integrity", "checkpoint": "cli.integrity",
    "record": "cli.record", "retract": "cli.record", "correct": "cli.record", "check": "cli.record",
    "snapshots": "cli.snapshots",
}


class LazyCommands(TyperGroup):
    """The app's commands, each module imported on first use (see COMMAND_MODULES)."""

    def _load(self, modules) -> None:
        import importlib

        import typer.main
        for module in modules:
            importlib.import_module(module)       # its @app.command decorators register on ``app``
        built = typer.main.get_command(app)       # the click group of everything registered so far
        for name, command in built.commands.items():
            self.commands.setdefault(name, command)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands:
            wanted = COMMAND_MODULES.get(cmd_name)
            self._load([wanted] if wanted else dict.fromkeys(COMMAND_MODULES.values()))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx) -> list[str]:
        self._load(dict.fromkeys(COMMAND_MODULES.values()))
        order = {module: i for i, module in enumerate(dict.fromkeys(COMMAND_MODULES.values()))}
        return sorted(self.commands, key=lambda name: order.get(COMMAND_MODULES.get(name), len(order)))


class OneLineUsageErrors(LazyCommands):
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


class LazyConsole:
    """A rich Console made on first use, so a command that prints no table or diagnostic never
    imports rich. Attributes go to the console; ``get()`` is the console itself."""

    def __init__(self, **options):
        self._options = options
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console
            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.get(), name)


# Diagnostics carry file names and filing text: never markup or emoji, never wrapped (one line each).
err = LazyConsole(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)
out = LazyConsole(highlight=False, markup=False, emoji=False)  # filing text may contain [brackets]


def table_console() -> Console:
    """The shared console on a terminal; in a pipe a wide one, so tables keep their rows on one line."""
    if out.is_terminal:
        return out.get()
    from rich.console import Console
    return Console(file=sys.stdout, highlight=False, markup=False, emoji=False, width=220)

EXIT_BAD_INPUT = 2      # a file, a date or a database the command cannot use
EXIT_FAILED_CHECK = 1   # verify found a changed ledger


class Format(StrEnum):
    table = "table"
    json = "json"


def parse_date(value: str) -> date:
    """YYYY-MM-DD only, as documented (events.codec.iso_date): typer's own datetime type takes
    times, and date.fromisoformat week dates. Anything else is a clear error naming the option."""
    from events.codec import iso_date
    try:
        return iso_date(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2000-06-30") from None


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version   # ~10 ms: only for --version
    try:
        return version("deal-ledger")
    except PackageNotFoundError:     # run from a source tree that was never installed
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ledger {_package_version()}\n")     # plain text: no console, no rich
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
    from rich.markup import escape
    err.print(f"[red]error:[/red] {escape(message)}", markup=True)
    return typer.Exit(code=code)


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False, write: bool = False):
    """The ledger; read-only unless the command writes, so readers take no lock and write nothing."""
    from ledger.errors import LedgerError
    from ledger.store import SCHEMA_VERSION, open_store
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
