"""Tamper evidence: `verify` checks the hash chain, `checkpoint` prints the head to keep elsewhere,
and `verify --against HASH@SEQ` proves the ledger still extends such a checkpoint."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from cli.base import EXIT_FAILED_CHECK, app, err, fail, opened
from ledger.checkpoint import BadCheckpoint, Checkpoint
from ledger.store import VerifyReport, redact, verify_against
from ledger.store import verify as verify_ledger


class CheckpointFormat(StrEnum):
    text = "text"
    json = "json"


def _failure(ctx: typer.Context, report: VerifyReport) -> typer.Exit:
    if report.against_checkpoint:
        return fail(f"{redact(ctx.obj)}: {report.problem} (the hash chain itself is intact over {report.checked} events)",
                    EXIT_FAILED_CHECK)
    return fail(f"{redact(ctx.obj)}: seq {report.bad_seq}: {report.problem} ({report.checked} rows good before it)",
                EXIT_FAILED_CHECK)


@app.command()
def verify(
    ctx: typer.Context,
    against: Annotated[str | None, typer.Option(
        "--against", metavar="HASH@SEQ",
        help="A checkpoint printed earlier by `ledger checkpoint`: also prove the ledger still extends it.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, show_default=False,
        help="Processes that check a large SQLite ledger in pieces (default: the number of cores; a ledger "
             "under 50,000 events is checked in this process). The report is the same with any number.")] = None,
) -> None:
    """Check the hash chain and stream versions (and with --against, a checkpoint); exit 1 if changed."""
    try:
        checkpoint = Checkpoint.parse(against) if against is not None else None
    except BadCheckpoint as e:
        raise fail(str(e)) from None
    with opened(ctx) as store:
        report = (verify_ledger(store, jobs=jobs) if checkpoint is None
                  else verify_against(store, checkpoint.seq, checkpoint.hash, jobs=jobs))
    if not report.ok:
        raise _failure(ctx, report)
    extends = f"; extends checkpoint {checkpoint}" if checkpoint is not None else ""
    err.print(f"{redact(ctx.obj)}: ok, {report.checked} events, hash chain and stream versions intact, "
              f"{report.documents} filing text(s) unchanged{extends}")


@app.command()
def checkpoint(
    ctx: typer.Context,
    fmt: Annotated[CheckpointFormat, typer.Option("--format", help="text (HASH@SEQ) or json")] = CheckpointFormat.text,
) -> None:
    """Print the verified head of the hash chain as HASH@SEQ, to keep outside the database.

    The ledger is verified first: a broken chain is not checkpointed (exit 1).
    """
    with opened(ctx) as store:
        head = Checkpoint(*store.head())
        # Checked against the head just read: rows another writer appends meanwhile are not in it.
        report = verify_against(store, head.seq, head.hash)
    if not report.ok:
        err.print(f"{redact(ctx.obj)}: not checkpointed: the ledger fails verify")
        raise _failure(ctx, report)
    if fmt is CheckpointFormat.json:
        sys.stdout.write(json.dumps(head.as_dict()) + "\n")
    else:
        sys.stdout.write(f"{head}\n")
    err.print(f"keep it outside the database; later, `ledger verify --against {head}` proves the ledger still extends it")
