"""`ledger serve`: Datasette on the SQLite ledger, read-only, with the views described and the
stored "cap table as of :date" query (ledger/browse.py). Needs the browse extra."""
from __future__ import annotations

from typing import Annotated

import typer

from cli.base import app, err, fail, opened


def run_server(ds, *, host: str, port: int) -> None:
    """Serve until Ctrl-C, as `datasette serve` does: the startup hooks, then uvicorn (a dependency
    of Datasette). Apart so that tests can stand in for the server."""
    import asyncio

    import uvicorn
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port to listen on.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="The address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
) -> None:
    """Browse the ledger in Datasette (read-only): the views event_log, cap_table_rows,
    warrant_tranches and deals, and the stored query "cap table as of :date". SQLite ledgers only."""
    from ledger import browse
    from ledger.errors import LedgerError
    from ledger.store.location import is_server, redact

    if is_server(ctx.obj):
        raise fail(f"{redact(ctx.obj)}: {browse.NOT_SQLITE}")
    # Opened as every reader opens it: refused if it is not a ledger, upgraded first (after a backup)
    # if it is older than schema 6, which made the views. Datasette then reads it read-only.
    with opened(ctx) as store:
        path = store.location
    try:
        ds = browse.datasette(path)
    except LedgerError as e:
        raise fail(str(e)) from None
    err.print(f"serving {path} read-only at http://{host}:{port}/{browse.database_name(path)} "
              f"(the stored query: /{browse.database_name(path)}/{browse.QUERY_NAME}); Ctrl-C stops")
    run_server(ds, host=host, port=port)
