"""`ledger replay` and `export`'s replay, without typer: the one body of `replay`, run by the typer
command (cli.reads) and by cli.quick, which serves the common JSON read before typer is imported."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from cli.console import diagnostic, err, opened_store, table_console

if TYPE_CHECKING:   # the library is imported inside each function: start-up imports none of it
    from ledger.store import Store
    from ledger.views import ReplayStream


@contextmanager
def replaying(location: str, as_of: date, known_at: date | None, issuer: str | None, *,
              rendered: bool = False) -> Iterator[ReplayStream]:
    """The replay, one issuer at a time, with the store open until it is written out."""
    from ledger.views import replay_issuers, resolve_issuer
    with opened_store(location) as store:
        key = resolve_issuer(store, issuer)
        result = replay_issuers(store, as_of=as_of, known_at=known_at, issuer_key=key, rendered=rendered)
        # The first issuer is folded before anything is written: a bad correction (checked up
        # front) or a bad row of that issuer stops the command with nothing on stdout.
        if result.peek() is None and known_at is not None:
            _nothing_public_yet(store, known_at, key)
        yield result


def _nothing_public_yet(store: Store, known_at: date, issuer_key: str | None) -> None:
    """Say so when --known-at is before every filing: an empty answer is not "no financings"."""
    dates = [i.public_date for i in store.streams(issuer_key=issuer_key) if i.public_date is not None]
    if dates and min(dates) > known_at:
        err.print(f"nothing in the ledger was public by {known_at}: the first filing became public on "
                  f"{min(dates)}", soft_wrap=True)


def replay(location: str, *, as_of: date, as_json: bool, issuer: str | None, known_at: date | None) -> None:
    """`ledger replay`: the cap table and outstanding warrants of every issuer (or one) as of a date."""
    with replaying(location, as_of, known_at, issuer, rendered=as_json) as result:
        if as_json:
            from ledger.projections.report import json_chunks
            sys.stdout.writelines(json_chunks(result))
        elif known_at is None or result.peek() is not None:    # else the line on stderr said why there is nothing
            from cli import render
            render.replay(table_console(), result)
        for warning in result.warnings:
            diagnostic(f"warning: {warning}")
