"""The ``ledger`` command: thin over the ``ledger`` package. Only this layer picks exit codes.

Commands live in modules by concern and register themselves on the one app in cli.base, which
imports a command's module only when that command is run (cli.base.COMMAND_MODULES): start-up
is typer and cli.base, not every library the other commands use. The common JSON read and
``--version`` are served by cli.quick before typer is imported, through the same functions.
"""
from __future__ import annotations

import sys

__all__ = ["app", "main"]


def main() -> None:
    from cli import quick
    code = quick.run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from cli.base import app
    app()


def __getattr__(name: str):
    if name == "app":      # the typer app, imported when asked for (tests, the fixtures' builder)
        from cli.base import app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
