"""The ledger's own errors. Driver errors (sqlite3) are translated into these at the store."""
from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the ledger reports to a user."""


class StoreError(LedgerError):
    """The database refused or failed an operation."""


class LedgerNotFound(StoreError):
    def __init__(self, path):
        super().__init__(f"{path}: no ledger database here; create one with `ledger --db {path} ingest FILE...`")
        self.path = path


class DuplicateStream(StoreError):
    """The stream (a filing) is already in the ledger."""

    def __init__(self, stream: str):
        super().__init__(f"{stream} is already in the ledger")
        self.stream = stream


class AppendOnlyViolation(StoreError):
    """Something tried to update or delete a recorded event."""


class BadInput(LedgerError):
    """A file the ledger cannot read as a filing. The message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem
