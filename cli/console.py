"""What commands share that needs no typer: consoles, exit codes, error lines, the open ledger.

cli.base (the typer app) and cli.quick (the common read without typer) both use it, so a read that
cli.quick serves writes what the typer command writes, through the same functions.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ledger.store import Store

EXIT_BAD_INPUT = 2      # a file, a date or a database the command cannot use
EXIT_FAILED_CHECK = 1   # verify found a changed ledger


# Where --db points when it is not given: the typer option (cli.base) and cli.quick read both.
DB_ENV, DEFAULT_DB = "LEDGER_DB", "ledger.db"


class CommandFailed(Exception):
    """A command stops with this exit code; what went wrong is already on stderr. The typer app
    turns it into typer.Exit (cli.base), cli.quick into the process's exit code."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


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


# What rich does to plain text that markup, emoji and highlighting are off for, and soft wrapping
# on: it drops these control characters and expands tabs; on a terminal (or told it is one) it may
# also style. Text with none of them, to a stream that is no terminal, is written as it is.
_RICH_CHANGES = frozenset("\t\a\b\v\f\r")
_RICH_TERMINAL_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def diagnostic(line: str) -> None:
    """``err.print(line, soft_wrap=True)``, without importing rich when rich would write ``line``
    unchanged (tests/test_quick_cli.py proves the two write the same bytes)."""
    stream = sys.stderr
    plain = (not _RICH_CHANGES.intersection(line) and not any(os.environ.get(v) for v in _RICH_TERMINAL_ENV)
             and not stream.isatty())
    if not plain:
        err.print(line, soft_wrap=True)
        return
    stream.write(line + "\n")
    stream.flush()


def error_line(message: str) -> None:
    """``error: MESSAGE`` on stderr (red on a terminal)."""
    from rich.markup import escape
    err.print(f"[red]error:[/red] {escape(message)}", markup=True)


def failed(message: str, code: int = EXIT_BAD_INPUT) -> CommandFailed:
    error_line(message)
    return CommandFailed(code)


@contextmanager
def opened_store(location: str, *, create: bool = False, write: bool = False) -> Iterator[Store]:
    """The ledger; read-only unless the command writes, so readers take no lock and write nothing.
    A ledger error, opening it or while it is open, is one error line and CommandFailed(2)."""
    from ledger.errors import LedgerError
    from ledger.store import SCHEMA_VERSION, open_store
    try:
        store = open_store(location, create=create, read_only=not (create or write))
    except LedgerError as e:
        raise failed(str(e)) from None
    if store.migrated_from is not None:
        err.print(f"{store.location}: upgraded the ledger from schema {store.migrated_from} to {SCHEMA_VERSION}; "
                  f"the file as it was is kept at {store.backup_path}")
    try:
        yield store
    except LedgerError as e:
        raise failed(str(e)) from None
    finally:
        store.close()


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version   # ~10 ms: only for --version
    try:
        return version("deal-ledger")
    except PackageNotFoundError:     # run from a source tree that was never installed
        return "unknown (not installed)"
