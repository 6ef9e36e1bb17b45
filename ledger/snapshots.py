"""Snapshots of each issuer's replay state, so an as-of replay folds only a short tail.

**The invariant.** An issuer's snapshots, stored together with ``covers_seq = S``, are cut from one
fold of exactly the issuer's events recorded up to seq S (corrections and 8-K/A restatements known
by then applied), in replay order; the snapshot at date d is that fold after every event dated on
or before d. The store refuses to keep them if the issuer recorded anything after S meanwhile.

**When one is used** (``usable``) for a replay as of D (known at K): its date d <= D; every event
the issuer recorded after S is dated after d and is neither a correction or retraction nor part of
an 8-K/A (those change events already folded); and with K, every event up to S was public by K
(and none lacks a public date), so the snapshot holds nothing K has not seen. Then

    replay(D, K) = snapshot(d) + the issuer's events dated in (d, D], corrected and restated,

because every event the snapshot lacks is dated after d, and replay order puts all of those after
everything dated d or before. Otherwise the issuer is folded from its first event, as before.
tests/test_snapshots.py checks snapshot + tail == a full replay with hypothesis, over random cut
dates, arrival orders, corrections, retractions, amendments and known-at dates."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from events import EventCorrected, EventRetracted
from events.envelope import StoredEvent
from ledger.corrections import BadCorrection, Known, known_corrections
from ledger.projections.report import ReportFold
from ledger.projections.state import Cutter, StateFormatError, comparable, load, unpack
from ledger.store import Store, UnreadableEvent
from ledger.store.snapshots import Snapshot

EVERY = 32     # events between cuts: the longest tail a fresh snapshot leaves to fold
RECORDS = (EventCorrected.TYPE, EventRetracted.TYPE)


def cuts(store: Store, issuer_key: str, *, covers: int, pending: Known, every: int = EVERY) -> list[Snapshot]:
    """The issuer's snapshots, cut from a fold of its events. ``covers`` is the head seq taken
    before ``pending`` was read: a correction recorded later is after it, so the store will not
    keep snapshots that miss it."""
    from ledger.views import effective_issuer_events   # views imports this module

    seen = {"max_public": None, "undated": False}

    def watched(events: Iterator[StoredEvent]) -> Iterator[StoredEvent]:
        for e in events:
            if e.public_date is None:
                seen["undated"] = True
            elif seen["max_public"] is None or e.public_date > seen["max_public"]:
                seen["max_public"] = e.public_date
            yield e

    fold = ReportFold(date.max)
    cutter = Cutter(fold, issuer_key)
    out: list[tuple[date, int, bytes]] = []
    n = since = 0
    last: date | None = None
    for stored in effective_issuer_events(store, issuer_key, pending=pending, watch=watched):
        if last is not None and stored.effective_date > last and since >= every:
            out.append((last, n, cutter.delta()))
            since = 0
        cutter.add(stored)
        n, since, last = n + 1, since + 1, stored.effective_date
    if last is not None and since:
        out.append((last, n, cutter.delta()))
    return [Snapshot(issuer_key, d, covers, count, seen["max_public"], seen["undated"], blob)
            for d, count, blob in out]


def refresh(store: Store, issuer_keys: Iterable[str] | None = None, *, every: int = EVERY) -> tuple[int, int]:
    """Rebuild the snapshots of these issuers (every issuer when None). Returns (issuers whose
    snapshots were kept, snapshots written); an issuer that recorded something meanwhile is left
    for the next refresh."""
    covers = store.head()[0]      # first: see cuts()
    if issuer_keys is None:
        issuer_keys = sorted({info.issuer_key for info in store.streams()})
    pending = known_corrections(store)
    kept = written = 0
    for key in issuer_keys:
        try:
            snaps = cuts(store, key, covers=covers, pending=pending, every=every)
        except (BadCorrection, UnreadableEvent):
            continue     # its replay cannot fold either, and says why; stale snapshots are never used

        if snaps and store.put_snapshots(key, covers, snaps):
            kept, written = kept + 1, written + len(snaps)
    return kept, written


def issuers_of(store: Store, streams: Iterable[str]) -> list[str]:
    """The issuers of these streams, each once, in first-seen order."""
    keys: dict[str, None] = {}
    for stream in streams:
        for info in store.streams(stream=stream):
            keys[info.issuer_key] = None
    return list(keys)


def check(store: Store, *, every: int = EVERY) -> list[str]:
    """The issuers whose stored snapshots differ from a fold of their events now (a snapshot that
    has fallen behind is not different: it is never used). [] when every one is right."""
    covers = store.head()[0]
    pending = known_corrections(store)
    wrong = []
    for key in sorted({info.issuer_key for info in store.streams()}):
        stored = store.snapshots(key)
        if not stored or any(s.covers_seq != stored[0].covers_seq for s in stored):
            if stored:
                wrong.append(key)
            continue
        if stored[0].covers_seq != covers and next(store.read(issuer_key=key, after_seq=stored[0].covers_seq), None):
            continue      # behind: the issuer recorded more since; replay does not use them
        fresh = cuts(store, key, covers=stored[0].covers_seq, pending=pending, every=every)
        if [_content(s) for s in fresh] != [_content(s) for s in stored]:
            wrong.append(key)
    return wrong


def _content(s: Snapshot) -> tuple:
    # Compared by what they hold: marshal's bytes for equal data may differ (it shares objects by identity).
    try:
        state = comparable(unpack(s.state))
    except StateFormatError:
        state = None
    return s.as_of, s.events, s.max_public, s.undated, state


def usable(store: Store, issuer_key: str, *, as_of: date, known_at: date | None,
           amendment_streams: set[str]) -> list[Snapshot]:
    """The deltas to load (oldest first) for a replay of the issuer as of ``as_of``; [] for none."""
    snaps = store.snapshots(issuer_key, as_of=as_of)
    if not snaps:
        return []
    first = snaps[0]
    if known_at is not None and (first.undated or first.max_public is None or first.max_public > known_at):
        return []
    cut = date.max
    for late in store.read(issuer_key=issuer_key, after_seq=first.covers_seq):
        if late.type in RECORDS or late.stream in amendment_streams:
            return []
        cut = min(cut, late.effective_date)
    return [s for s in snaps if s.as_of < cut]


def seeded(store: Store, issuer_key: str, fold: ReportFold, *, as_of: date, known_at: date | None,
           amendment_streams: set[str]) -> tuple[ReportFold, date | None]:
    """``fold`` with the issuer's latest usable snapshot loaded, and the date it covers; a fresh
    fold and None when there is none (or it cannot be read: the events are always there)."""
    snaps = usable(store, issuer_key, as_of=as_of, known_at=known_at, amendment_streams=amendment_streams)
    if not snaps:
        return fold, None
    try:
        load(fold, issuer_key, (s.state for s in snaps))
    except StateFormatError:
        return ReportFold(as_of, known_at), None
    return fold, snaps[-1].as_of


__all__ = ["EVERY", "check", "cuts", "issuers_of", "refresh", "seeded", "usable"]
