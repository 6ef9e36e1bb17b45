"""Read-side commands: replay, events, export."""
from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer

from cli.base import AsOf, Format, IssuerOpt, app, fail, opened, parse_date, table_console

# Knowledge time: only facts public by the end of this day (a filing's FILED AS OF DATE, else its
# signature date). Shared with the audit commands.
KnownAt = Annotated[date | None, typer.Option("--known-at", parser=parse_date, metavar="YYYY-MM-DD",
                                              help="Only facts made public by this day.")]


class Table(StrEnum):
    cap_table = "cap-table"
    warrants = "warrants"
    ocf = "ocf"     # an Open Cap Table Format package: cli/ocf.py


@app.command()
def replay(
    ctx: typer.Context,
    as_of: AsOf,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """The cap table and outstanding warrants of every issuer as of a date (inclusive)."""
    from cli import replaying     # the one body, also run by cli.quick for the common JSON read
    replaying.replay(ctx.obj, as_of=as_of, as_json=fmt is Format.json, issuer=issuer, known_at=known_at)


@app.command()
def events(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Option(
        "--stream", help="Only this filing: its stream id, accession number, hash prefix or file name.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    issuer: IssuerOpt = None,
) -> None:
    """The ledger's history, in the order it was recorded, with dates and sources."""
    from events import to_payload
    from ledger.audit.history import find_filing
    from ledger.views import resolve_issuer
    with opened(ctx) as store:
        key = resolve_issuer(store, issuer)
        if stream is not None:     # a stream id, an accession number, a hash prefix or a file name
            stream = find_filing(store, stream).stream
        log = (e for e in store.log(stream=stream) if key is None or e.issuer_key == key)
        if fmt is Format.json:
            for stored in log:
                sys.stdout.write(json.dumps({
                    "seq": stored.seq, "event_id": stored.event_id, "stream": stored.stream,
                    "version": stored.version, "type": stored.type, "effective_date": stored.effective_date.isoformat(),
                    "public_date": stored.public_date.isoformat() if stored.public_date else None,
                    "recorded_at": stored.recorded_at, "payload": to_payload(stored.event)}) + "\n")
        else:
            from cli import render
            render.history(table_console(), log)


@app.command()
def export(
    ctx: typer.Context,
    table: Annotated[Table, typer.Argument(help="cap-table, warrants or ocf")],
    as_of: AsOf,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    issuer: IssuerOpt = None,
    known_at: KnownAt = None,
) -> None:
    """A CSV of the cap table or of the warrants as of a date; or one issuer's OCF package (ocf, -o FILE.ocf.zip)."""
    if table is Table.ocf:
        from cli import ocf
        ocf.export(ctx.obj, as_of=as_of, output=output, issuer=issuer, known_at=known_at)
        return
    from ledger.export import write_cap_table_csv, write_warrants_csv
    write = write_cap_table_csv if table is Table.cap_table else write_warrants_csv
    from cli.replaying import replaying
    with replaying(ctx.obj, as_of, known_at, issuer) as result:
        if output is None:
            write(result, sys.stdout)
            return
        try:
            with replaced_whole(output) as fh:
                write(result, fh)
        except OSError as e:
            raise fail(f"{output}: cannot write ({e.strerror or e})") from None


@contextmanager
def replaced_whole(path: Path, *, binary: bool = False) -> Iterator[TextIO | BinaryIO]:
    """A CSV file written beside ``path`` and moved over it when complete, since rows are written
    as the replay goes: a replay that stops on a damaged row leaves no half-written file. A device,
    a pipe, a symbolic link or a file this user may not write is opened in place, as before.
    ``binary``: a file opened for bytes (a zip) instead of UTF-8 text."""
    text = {} if binary else {"newline": "", "encoding": "utf-8"}
    open_mode = "wb" if binary else "w"
    if path.is_symlink() or (path.exists() and not (path.is_file() and os.access(path, os.W_OK))):
        with path.open(open_mode, **text) as fh:
            yield fh
        return
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with open(fd, open_mode, **text) as fh:
            yield fh
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
