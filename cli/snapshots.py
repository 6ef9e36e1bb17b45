"""`ledger snapshots`: rebuild (or check) the replay snapshots, a cache kept beside the events."""
from __future__ import annotations

from typing import Annotated

import typer

from cli.base import EXIT_FAILED_CHECK, app, err, fail, opened


@app.command()
def snapshots(
    ctx: typer.Context,
    check: Annotated[bool, typer.Option(
        "--check", help="Fold every issuer again and compare with its stored snapshots; exit 1 if any differ.")] = False,
) -> None:
    """Rebuild every issuer's replay snapshots. Ingest and the record commands keep them as they
    write; replay gives the same answer without them, only slower."""
    from ledger import snapshots as snaps

    with opened(ctx, write=not check) as store:
        if check:
            wrong = snaps.check(store)
            if wrong:
                raise fail(f"snapshots differ from the events for {len(wrong)} issuer(s): {', '.join(wrong)}; "
                           "run `ledger snapshots` to rebuild them", EXIT_FAILED_CHECK)
            err.print("snapshots agree with the events")
            return
        kept, written = snaps.refresh(store)
        err.print(f"snapshots: {written} kept for {kept} issuer(s)")
