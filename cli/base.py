"""What every command shares: the app, the global --db, consoles, date parsing, exit codes."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from typer.core import TyperGroup

try:    # typer 0.20+ carries its own copy of click; earlier releases use click itself
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, UsageError

from cli.console import (  # noqa: F401 - the commands import these from here
    DB_ENV, DEFAULT_DB, EXIT_BAD_INPUT, EXIT_FAILED_CHECK, CommandFailed, err, error_line, opened_store, out,
    package_version, table_console,
)

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
    "snapshots": "cli.snapshots", "chart": "cli.chart", "serve": "cli.serve",
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
        except CommandFailed as e:   # from code shared with cli.quick: the message is out already
            raise typer.Exit(code=e.code) from None


app = typer.Typer(help="Deal Ledger: SEC financing filings as an append-only event ledger.", cls=OneLineUsageErrors,
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
                  rich_markup_mode=None)  # usage errors as click's plain lines, never a boxed panel that wraps


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


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ledger {package_version()}\n")     # plain text: no console, no rich
        raise typer.Exit()


IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only this issuer: a CIK or (part of) its name.")]
AsOf = Annotated[date, typer.Option("--as-of", parser=parse_date, metavar="YYYY-MM-DD",
                                    help="Effective date; events on this day are included.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str, typer.Option(
        "--db", envvar=DB_ENV, metavar="PATH|URL",
        help="The ledger: a SQLite file, or a PostgreSQL URL (postgresql://user@host/dbname).")] = DEFAULT_DB,
    _version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                           help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = db


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    error_line(message)
    return typer.Exit(code=code)


@contextmanager
def opened(ctx: typer.Context, *, create: bool = False, write: bool = False):
    """The ledger; read-only unless the command writes, so readers take no lock and write nothing."""
    with opened_store(ctx.obj, create=create, write=write) as store:
        yield store
