"""The ``ledger`` command: thin over the ``ledger`` package. Only this layer picks exit codes.

Commands live in modules by concern and register themselves on the one app in cli.base, which
imports a command's module only when that command is run (cli.base.COMMAND_MODULES): start-up
is typer and cli.base, not every library the other commands use.
"""
from cli.base import app

__all__ = ["app", "main"]


def main() -> None:
    app()
