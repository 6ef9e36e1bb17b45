"""`ledger copy`: move a ledger between engines, and prove the copy."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from cli.base import EXIT_FAILED_CHECK, app, err, fail
from ledger.errors import LedgerError
from ledger.services.copy import copy_ledger
from ledger.store import open_store, redact


@app.command()
def copy(
    source: Annotated[str, typer.Option("--from", metavar="PATH|URL", help="The ledger to copy (it is only read).",
                                        show_default=False)],
    target: Annotated[str, typer.Option("--to", metavar="PATH|URL", help="An empty ledger, or a partial copy "
                                        "to finish; made if missing.", show_default=False)],
) -> None:
    """Copy a ledger, filing by filing, to another file or engine (SQLite <-> PostgreSQL); both
    heads must then match and both ledgers pass verify."""
    if redact(source) == redact(target):
        raise fail(f"--from and --to are the same ledger ({redact(source)})")
    try:
        with open_store(source, read_only=True) as src, open_store(target, create=True) as dst, \
                Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("copying", total=src.count())
            report = copy_ledger(src, dst, progress=lambda n: progress.advance(task, n))
    except LedgerError as e:
        raise fail(str(e)) from None
    seq, head = report.head
    resumed = f" (it already held the first {report.resumed_after})" if report.resumed_after else ""
    err.print(f"copied {report.events} event(s) in {report.filings} filing(s) from {redact(source)} to "
              f"{redact(target)}{resumed}; both end at {head}@{seq}")
    for name, check in ((source, report.source_check), (target, report.target_check)):
        if not check.ok:
            err.print(f"error: {redact(name)}: verify fails at seq {check.bad_seq}: {check.problem}")
    if not (report.source_check.ok and report.target_check.ok):
        raise typer.Exit(code=EXIT_FAILED_CHECK)
    err.print(f"verify: ok on both, {report.target_check.checked} events, "
              f"{report.target_check.documents} filing text(s)")
