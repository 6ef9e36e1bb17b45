"""The ``ledger`` command: thin over the ``ledger`` package. Only this layer picks exit codes.

Commands live in modules by concern and register themselves on the one app in cli.base.
"""
from cli import audit, copy, ingest, integrity, reads, record, snapshots  # noqa: F401  (importing registers the commands)
from cli.base import app

__all__ = ["app", "main"]


def main() -> None:
    app()
