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


class LedgerBusy(StoreError):
    """Another writer held the ledger's write lock for longer than the retry budget."""


class AmbiguousEventId(StoreError):
    """A typed id prefix that names more than one event."""

    def __init__(self, typed: str, matches: list[str]):
        shown = ", ".join(matches[:5]) + (f" and {len(matches) - 5} more" if len(matches) > 5 else "")
        super().__init__(f"{typed} is ambiguous: it names {len(matches)} events ({shown}); type more of the id")
        self.typed = typed
        self.matches = tuple(matches)
