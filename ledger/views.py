"""Projections over a store: what the CLI asks for, in one call each."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ledger.amendments import is_superseded, superseded
from ledger.corrections import apply, known_corrections, moved_events
from ledger.errors import LedgerError
from ledger.projections import Replay, replay
from ledger.store import Store
from events.envelope import StoredEvent


class UnknownIssuer(LedgerError):
    pass


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def resolve_issuer(store: Store, wanted: str | None) -> str | None:
    """An issuer key from a CIK ("1018724", leading zeros optional) or a name or part of one;
    None (every issuer) when nothing is asked for."""
    if not wanted:
        return None
    matches: dict[str, str] = {}
    for info in store.streams():
        issuer = info.issuer
        if wanted.strip().isdigit():
            if issuer.cik and int(issuer.cik) == int(wanted):
                matches[info.issuer_key] = issuer.name
        elif _words(wanted) and _words(wanted) in _words(issuer.name):
            matches[info.issuer_key] = issuer.name
    if not matches:
        raise UnknownIssuer(f"no issuer in the ledger matches {wanted!r}")
    if len(matches) > 1:
        names = "; ".join(sorted(set(matches.values())))
        raise UnknownIssuer(f"{wanted!r} matches {len(matches)} issuers ({names}); give a CIK or a longer name")
    return next(iter(matches))


def replay_ledger(store: Store, *, as_of: date, known_at: date | None = None,
                  issuer_key: str | None = None) -> Replay:
    """Cap tables and warrants as of ``as_of`` (inclusive), streamed from the store."""
    issuers = {info.issuer_key: info.issuer for info in store.streams(issuer_key=issuer_key)}
    return replay(effective_events(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key),
                  as_of=as_of, issuers=issuers, known_at=known_at)


def effective_events(store: Store, *, as_of: date | None, known_at: date | None = None,
                     issuer_key: str | None = None) -> Iterator[StoredEvent]:
    """Replay order, as the record stood at ``known_at``: retractions and corrections applied,
    and an 8-K/A's restated items in place of its original's. Streams from the store."""
    pairs = superseded(store, known_at=known_at)
    pending = known_corrections(store, known_at=known_at)
    moved = [m for m in moved_events(store, pending)
             if (issuer_key is None or m.issuer_key == issuer_key)
             and (known_at is None or m.public_date is None or m.public_date <= known_at)]
    events = apply(store.read(as_of=as_of, issuer_key=issuer_key, known_at=known_at), pending, as_of=as_of, moved=moved)
    if pairs:
        events = (e for e in events if not is_superseded(e.stream, e.event, pairs))
    return events
