"""`ledger ingest`: files and folders in, one transaction per filing."""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from cli import render
from cli.base import EXIT_BAD_INPUT, UsageError, app, err, opened, out
from ledger.parallel import cores

if TYPE_CHECKING:
    from ledger.ingest import Skipped


# Under this much text a batch extracts (at about 2 s a MB) in less time than a pool of workers takes
# to start (0.3-0.7 s), so the default runs it in this process; --jobs N still asks for N.
POOL_FROM_BYTES = 1024 * 1024


def default_jobs(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            continue           # intake says why when it reads it
        if total >= POOL_FROM_BYTES:
            return cores()
    return 1


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Filings (8-K, 6-K, 10-Q, 10-K, 20-F, 424B, S-3, press releases), or folders of them (walked).", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the events, with quotes; write nothing.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="With --dry-run: after each event, the sentences, "
                                          "mentions and frames its figures were read from.")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, show_default=False,
        help="Worker processes that read and extract the filings (default: the number of cores, or 1 "
             "for a batch under 1 MB). Appends stay in input order, as with 1, which runs in this process.")] = None,
    batch: Annotated[int, typer.Option(
        "--batch", min=1, help="Filings committed per transaction (each filing is still wholly in the "
                               "ledger or not at all after a crash); 1 commits each alone.")] = 64,
) -> None:
    """Append filings to the ledger, each wholly or not at all. Already-ingested filings are skipped."""
    if explain and not dry_run:
        raise UsageError("--explain works only with --dry-run", ctx=ctx)
    # Here, not at the top: the extractor is a third of start-up, which other commands need not pay.
    from ledger.ingest import Batching, Summary, expand
    from ledger.ingest import ingest as ingest_files

    skipped: list[Skipped] = []
    files = list(expand(paths, skipped))
    jobs = min(jobs or default_jobs(files), len(files))
    summary = Summary(skipped=len(skipped))
    for note in skipped:
        err.print(f"note: {note.line()}")
    with opened(ctx, create=True) if not dry_run else nullcontext() as store, \
            Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(files))
        appended: list[str] = []
        for outcome in ingest_files(store, files, dry_run=dry_run, explain=explain, jobs=jobs,
                                    batching=Batching(filings=batch)):
            progress.advance(task)
            summary.add(outcome)
            if outcome.status == "appended" and outcome.stream:
                appended.append(outcome.stream)
            if outcome.status == "failed":
                progress.console.print(f"error: {outcome.error}")
                continue
            for warning in outcome.warnings:
                progress.console.print(f"warning: {warning}")
            if outcome.status == "duplicate":
                progress.console.print(f"{outcome.path}: already in the ledger as {outcome.stream}; nothing appended")
            elif outcome.status == "dry-run":
                render.dry_run(out, outcome)
            elif len(files) <= 20:   # a big batch speaks through its progress bar and summary
                progress.console.print(f"{outcome.path}: appended {outcome.appended} events to {outcome.stream}")
        if appended:
            _keep_snapshots(store, appended)
    err.print(summary.line())
    if summary.failed:
        if len(files) > 1:
            err.print("failed:")
            for error in summary.failed:
                err.print(f"  {error}")
        raise typer.Exit(code=EXIT_BAD_INPUT)


def _keep_snapshots(store, streams: list[str]) -> None:
    """Snapshots of the issuers just written to, so their replays fold a short tail. A cache: if
    it cannot be written, replay folds every event, and says nothing wrong."""
    from ledger import snapshots
    from ledger.errors import LedgerError

    try:
        snapshots.refresh(store, snapshots.issuers_of(store, streams))
    except LedgerError as e:
        err.print(f"warning: replay snapshots were not updated ({e}); replay reads every event until "
                  "`ledger snapshots` runs")
