"""Projections over a store: what the CLI asks for, in one call each."""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from datetime import date

from events import Issuer
from events.envelope import StoredEvent, StreamInfo
from ledger.amendments import is_amendment, is_superseded, restated, superseded
from ledger.corrections import Known, apply, check_corrections, known_corrections, moved_events
from ledger.errors import LedgerError
from ledger.keys import cik_key
from ledger.projections import IssuerReport, Replay
from ledger.projections.report import ReportFold, issuer_warnings, report_warnings, undated_warning
from ledger.projections.state import issuer_text
from ledger.snapshots import seeded
from ledger.store import Store


class UnknownIssuer(LedgerError):
    pass


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def resolve_issuer(store: Store, wanted: str | None) -> str | None:
    """An issuer key from a CIK ("1018724", leading zeros optional) or a name or part of one;
    None (every issuer) when nothing is asked for. The store answers from its streams' columns
    (``Store.issuer_names``): no stream is decoded, and a CIK is matched by the store."""
    if not wanted:
        return None
    matches: dict[str, str] = {}
    if wanted.strip().isdecimal():     # isdigit() also takes "²", which int() refuses
        cik = str(int(wanted))
        # An issuer with a CIK is keyed by it (ledger.keys): an index lookup. Streams are scanned
        # for the CIK only when no stream has that key (a ledger whose keys were made otherwise).
        matches.update(store.issuer_names(cik=cik, issuer_key=cik_key(cik)))
        if not matches:
            matches.update(store.issuer_names(cik=cik))
    elif words := _words(wanted):
        matches.update((key, name) for key, name in store.issuer_names() if words in _words(name))
    if not matches:
        raise UnknownIssuer(f"no issuer in the ledger matches {wanted!r}")
    if len(matches) > 1:
        names = "; ".join(sorted(set(matches.values())))
        raise UnknownIssuer(f"{wanted!r} matches {len(matches)} issuers ({names}); give a CIK or a longer name")
    return next(iter(matches))


class ReplayStream:
    """A replay handed out one issuer at a time (``replay_issuers``): iterate ``issuers`` once, in
    the order of ``Replay.issuers``; ``warnings`` are known when it is spent."""

    def __init__(self, store: Store, *, as_of: date, known_at: date | None, issuer_key: str | None,
                 rendered: bool = False):
        self.as_of, self.known_at, self.rendered = as_of, known_at, rendered
        self.issuers: Iterator[IssuerReport] = self._reports(store, issuer_key)
        self._warnings: tuple[str, ...] | None = None

    def peek(self) -> IssuerReport | None:
        """The first issuer, left at the front of ``issuers``; None when there is none. Lets a
        caller say "nothing was public yet" before it writes anything."""
        first = next(self.issuers, None)
        if first is not None:
            self.issuers = itertools.chain((first,), self.issuers)
        return first

    @property
    def warnings(self) -> tuple[str, ...]:
        if self._warnings is None:
            raise RuntimeError("a streamed replay's warnings are known only once its issuers are spent")
        return self._warnings

    def _reports(self, store: Store, issuer_key: str | None) -> Iterator[IssuerReport]:
        as_of, known_at = self.as_of, self.known_at
        # One pass over the streams' columns: the issuers' details (the last filing's win, as in
        # replay()) and each issuer's 8-K/A streams, so amendments are matched issuer by issuer.
        details: dict[str, Issuer] = {}
        amendments: dict[str, list[StreamInfo]] = {}
        for info in store.streams(issuer_key=issuer_key):
            details[info.issuer_key] = info.issuer
            if is_amendment(info):
                amendments.setdefault(info.issuer_key, []).append(info)
        pending = known_corrections(store, known_at=known_at, issuer_key=issuer_key)
        moved: dict[str, list[StoredEvent]] = {}
        for m in _visible_moves(store, pending, known_at=known_at, issuer_key=issuer_key):
            moved.setdefault(m.issuer_key, []).append(m)
        check_corrections(store, pending, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
        undated, warnings = [], []
        for key in sorted(details, key=lambda k: (details[k].name, k)):
            fold, after = seeded(store, key, ReportFold(as_of, known_at), as_of=as_of, known_at=known_at,
                                 amendment_streams={a.stream for a in amendments.get(key, ())})
            pairs = restated(store, amendments.get(key, ()), known_at=known_at)
            for stored in _effective(store, key, as_of=as_of, known_at=known_at, pending=pending,
                                     moved=moved.get(key, []), pairs=pairs, after=after):
                fold.add(stored)
            undated += fold.undated
            if key not in fold.money._by_issuer:     # no event by as_of (or none public by known_at)
                continue
            if self.rendered:
                text, totals = issuer_text(fold, key, details[key])
                warnings += issuer_warnings(details[key], totals)
                yield text
                continue
            reports, missing = fold.reports(details)     # missing: never, for a key from the streams
            warnings += missing
            for report in reports:
                warnings += report_warnings(report)
                yield report
        self._warnings = tuple(undated_warning(undated, known_at) + warnings)


def replay_issuers(store: Store, *, as_of: date, known_at: date | None = None,
                   issuer_key: str | None = None, rendered: bool = False) -> ReplayStream:
    """``replay_ledger`` one issuer at a time: each issuer is folded from its own events (the
    store's per-issuer read), with corrections and 8-K/A restatements applied as in a whole
    replay, and handed out before the next is read. Memory follows the largest issuer, plus a
    line per issuer and per amended filing. The issuers come sorted by name, then key; one with
    no event by ``as_of`` (or none public by ``known_at``) is left out, as in ``replay``. An
    issuer with a usable snapshot (ledger/snapshots.py) is folded from it, over the events dated
    after it only. With ``rendered``, each issuer comes as its JSON text (``json_chunks`` writes
    it as it is), and rows no event after the snapshot touched are never rebuilt."""
    return ReplayStream(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key, rendered=rendered)


def replay_ledger(store: Store, *, as_of: date, known_at: date | None = None,
                  issuer_key: str | None = None) -> Replay:
    """Cap tables and warrants as of ``as_of`` (inclusive), streamed from the store."""
    stream = replay_issuers(store, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
    reports = tuple(stream.issuers)
    return Replay(as_of, known_at, reports, stream.warnings)


def _visible_moves(store: Store, pending: Known, *, known_at: date | None,
                   issuer_key: str | None) -> list[StoredEvent]:
    return [m for m in moved_events(store, pending)
            if (issuer_key is None or m.issuer_key == issuer_key)
            and (known_at is None or m.public_date is None or m.public_date <= known_at)]


def _effective(store: Store, issuer_key: str | None, *, as_of: date | None, known_at: date | None,
               pending: Known, moved: list[StoredEvent],
               pairs: Mapping[str, frozenset[str] | None], after: date | None = None,
               watch=None) -> Iterator[StoredEvent]:
    """Replay order, corrected and restated; with ``after``, only what is dated after it once
    corrected (a snapshot's tail: an event a correction moved out of it comes back here)."""
    read = store.read(as_of=as_of, issuer_key=issuer_key, known_at=known_at, after=after)
    if after is not None:
        moved = [m for m in moved if m.effective_date > after]
    events = apply(watch(read) if watch else read, pending, as_of=as_of, moved=moved)
    if pairs:
        events = (e for e in events if not is_superseded(e.stream, e.event, pairs))
    return events


def effective_events(store: Store, *, as_of: date | None, known_at: date | None = None,
                     issuer_key: str | None = None) -> Iterator[StoredEvent]:
    """Replay order, as the record stood at ``known_at``: retractions and corrections applied,
    and an 8-K/A's restated items in place of its original's. Streams from the store."""
    pairs = superseded(store, known_at=known_at, issuer_key=issuer_key)
    pending = known_corrections(store, known_at=known_at)
    moved = _visible_moves(store, pending, known_at=known_at, issuer_key=issuer_key)
    return _effective(store, issuer_key, as_of=as_of, known_at=known_at, pending=pending, moved=moved, pairs=pairs)


def effective_issuer_events(store: Store, issuer_key: str, *, pending: Known, watch=None) -> Iterator[StoredEvent]:
    """Every event of one issuer in replay order as the record stands now: what its snapshots are
    cut from. ``watch`` sees each event as read, before corrections and restatements."""
    amendments = [info for info in store.streams(issuer_key=issuer_key) if is_amendment(info)]
    moved = _visible_moves(store, pending, known_at=None, issuer_key=issuer_key)
    return _effective(store, issuer_key, as_of=None, known_at=None, pending=pending, moved=moved,
                      pairs=restated(store, amendments), watch=watch)


def effective_by_issuer(store: Store, *, as_of: date | None, known_at: date | None = None,
                        issuer_key: str | None = None,
                        ) -> Iterator[tuple[str, str, list[StreamInfo], Iterator[StoredEvent]]]:
    """Each issuer's effective events, one issuer at a time, as ``replay_issuers`` folds them:
    (issuer key, name, its streams, its events in replay order as of ``as_of``, all when None, as
    the record stood at ``known_at``), corrections, retractions and 8-K/A restatements applied.
    The issuers come sorted by name, then key; read each one's events before asking for the next.
    Corrections are read once, as in a replay; a bad one raises before the first issuer."""
    names = dict(store.issuer_names(issuer_key=issuer_key))    # the last stream's name, as replay shows it
    pending = known_corrections(store, known_at=known_at, issuer_key=issuer_key)
    moved: dict[str, list[StoredEvent]] = {}
    for m in _visible_moves(store, pending, known_at=known_at, issuer_key=issuer_key):
        moved.setdefault(m.issuer_key, []).append(m)
    check_corrections(store, pending, as_of=as_of, known_at=known_at, issuer_key=issuer_key)
    for key in sorted(names, key=lambda k: (names[k], k)):
        infos = list(store.streams(issuer_key=key))
        pairs = restated(store, [i for i in infos if is_amendment(i)], known_at=known_at)
        yield key, names[key], infos, _effective(store, key, as_of=as_of, known_at=known_at, pending=pending,
                                                 moved=moved.get(key, []), pairs=pairs)
