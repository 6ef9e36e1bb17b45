"""`ledger history`: every event that touched a filing, a security or warrant tranche, or a holder.

Two passes over the store, each streamed:

1. the log in recording order picks the events (a later event can only point at one recorded
   before it, so one pass closes the selection) and the corrections of the selected events;
2. the events in replay order (effective date, same-day rank, seq), filtered by ``as_of`` and
   ``known_at``, are yielded when selected, each followed by the corrections that replace it.

State: the selected event ids and the corrections of them, i.e. proportional to the output.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import PurePath

import attrs

from events import Event, EventCorrected, EventRetracted, to_payload
from ledger.amendments import is_superseded, superseded
from ledger.corrections import retracted_filing
from ledger.errors import LedgerError
from ledger.ids import short_id
from ledger.store import Store
from events.envelope import StoredEvent, StreamInfo

# Payload fields whose value is the event id of an earlier event (a grant, a preferred issue, a
# corrected event). ``tranche`` is also a label on grants ("Closing Warrants"); a label never
# equals an event id, so it is only a pointer when it names one.
POINTER_FIELDS = ("target", "tranche", "preferred")
HOLDER_FIELDS = ("holders", "buyers", "payee")
CORRECTIONS = (EventRetracted, EventCorrected)


class BadSelector(LedgerError):
    """The history selector matches nothing, or more than one filing."""


class UnknownEvent(LedgerError):
    def __init__(self, event_id: str):
        super().__init__(f"no event {event_id}")
        self.event_id = event_id


@attrs.frozen
class Selector:
    """Exactly one of: a filing (stream, accession or file name), a tranche or security (the
    event id of its grant or issue), a holder (part of a name, any case)."""

    kind: str     # "filing", "tranche" or "holder"
    value: str

    def __attrs_post_init__(self):
        if self.kind not in ("filing", "tranche", "holder"):
            raise BadSelector(f"unknown history selector {self.kind!r}")
        if not self.value.strip():
            raise BadSelector(f"--{self.kind} needs a value")


@attrs.frozen
class HistoryRow:
    stored: StoredEvent
    retracted_by: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()       # EventCorrected ids that replace fields of this event
    superseded: bool = False                 # an 8-K/A restates the item this event was reported under

    @property
    def replaces(self) -> str | None:
        """For a correction: the event it retracts or corrects."""
        event = self.stored.event
        return event.target if isinstance(event, CORRECTIONS) else None

    @property
    def notes(self) -> tuple[str, ...]:
        out = [f"retracted by {short_id(i)}" for i in self.retracted_by]
        out += [f"replaced by {short_id(i)}" for i in self.replaced_by]
        if self.superseded:
            out.append("superseded by an 8-K/A")
        event = self.stored.event
        if isinstance(event, EventRetracted) and event.kind == "recap" and event.by:
            out.append(f"marks {short_id(event.target)} a recap of {short_id(event.by)}, counted instead")
        elif isinstance(event, EventRetracted) and event.kind == "superseded" and event.by:
            out.append(f"marks {short_id(event.target)} superseded by its closing {short_id(event.by)}")
        elif isinstance(event, EventRetracted):
            out.append(f"retracts {short_id(event.target)}")
        elif isinstance(event, EventCorrected):
            out.append(f"replaces {short_id(event.target)}")
        return tuple(out)


def visible(stored: StoredEvent, *, as_of: date | None = None, known_at: date | None = None) -> bool:
    """In effect by the end of ``as_of`` and public by ``known_at``. An event with no public date
    counts as known (replay does the same, with a warning)."""
    if as_of is not None and stored.effective_date > as_of:
        return False
    return known_at is None or stored.public_date is None or stored.public_date <= known_at


def event_summary(event: Event) -> str:
    """The payload in one line: set fields only, no provenance, no bases."""
    skip = {"provenance", "effective_date", "reported_under", "formula", "conversion", "identity", "raw_sha256"}
    parts = []
    for key, value in to_payload(event).items():
        if key in skip or key.endswith("_basis") or value in (None, [], (), False, ""):
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) if not isinstance(v, dict) else _flat(v) for v in value)
        elif isinstance(value, dict):
            value = _flat(value)
        parts.append(f"{key}={value}")
    return ", ".join(parts)


def _flat(value: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in value.items() if v not in (None, [], False))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find_filing(store: Store, wanted: str) -> StreamInfo:
    """A filing's stream from its stream id, a prefix of its hash (8+ characters; an event id's
    first part is one), its accession
    number (dashes optional; also read from a path such as ``.../8-K/<accession>/full-submission.txt``)
    or the name of the file it was read from."""
    wanted = wanted.strip()
    name = PurePath(wanted).name
    accessions = {_digits(part) for part in (wanted, *PurePath(wanted).parts) if len(_digits(part)) >= 10}
    hash_prefix = wanted.lower().rsplit(":", 1)[-1]
    matches: dict[str, StreamInfo] = {}
    for info in store.streams():
        ident = info.stream.rsplit(":", 1)[-1]
        accession = info.stream.startswith("accession:")
        if (info.stream == wanted
                or (accession and _digits(ident) in accessions)
                or (not accession and len(hash_prefix) >= 8 and ident.startswith(hash_prefix))
                or info.source_name in (wanted, name)):
            matches[info.stream] = info
    if not matches:
        raise BadSelector(f"no filing in the ledger matches {wanted!r} (give a stream id, an accession number "
                          "or the file name it was read from)")
    if len(matches) > 1:
        raise BadSelector(f"{wanted!r} matches {len(matches)} filings ({'; '.join(sorted(matches))}); "
                          "give the stream id")
    return next(iter(matches.values()))


def _pointers(event: Event, fields: tuple[str, ...]) -> Iterator[str]:
    for field in fields:
        value = getattr(event, field, None)
        if isinstance(value, str):
            yield value


def _holder_match(event: Event, needle: str) -> bool:
    for field in HOLDER_FIELDS:
        value = getattr(event, field, None)
        values = (value,) if isinstance(value, str) else (value or ())
        if any(needle in str(v).lower() for v in values):
            return True
    return False


def _corrects_holder(event: Event, needle: str) -> bool:
    """A correction that gives the event a matching holder brings its target into the selection."""
    return isinstance(event, EventCorrected) and any(
        c.field in HOLDER_FIELDS and needle in str(c.value).lower() for c in event.changes)


def history(store: Store, selector: Selector, *, as_of: date | None = None, known_at: date | None = None,
            issuer_key: str | None = None) -> Iterator[HistoryRow]:
    """The trail of one filing, tranche or holder, in replay order; see the module docstring.
    Raises BadSelector or UnknownEvent before yielding anything."""
    filing = find_filing(store, selector.value) if selector.kind == "filing" else None
    stream = filing.stream if filing else None
    if filing is not None:      # the filing's events, then whatever later points at them (exercises too)
        issuer_key = filing.issuer_key
    needle = selector.value.strip().lower()

    selected: set[str] = set()
    if stream is not None:
        selected.update(e.event_id for e in store.log(stream=stream))
    elif selector.kind == "tranche":   # a typed prefix resolves to the whole id, or is refused
        seed = store.event(selector.value.strip())
        selected.add(seed.event_id if seed is not None else selector.value.strip())
    seed_found = selector.kind != "tranche"
    corrections: dict[str, list[StoredEvent]] = {}     # target id -> its visible corrections
    whole: dict[str, str] = {}      # stream of a filing retracted whole -> the retraction
    for stored in store.log():
        if issuer_key is not None and stored.issuer_key != issuer_key:
            continue
        event = stored.event
        if stored.event_id in selected:
            seed_found = True
        elif selector.kind == "holder" and _holder_match(event, needle):
            selected.add(stored.event_id)
        elif any(p in selected for p in _pointers(event, POINTER_FIELDS)):
            selected.add(stored.event_id)
        elif selector.kind == "holder" and _corrects_holder(event, needle):
            selected.update((stored.event_id, event.target))
        if (isinstance(event, CORRECTIONS) and stored.event_id in selected
                and visible(stored, as_of=as_of, known_at=known_at)):
            corrections.setdefault(event.target, []).append(stored)
        if isinstance(event, EventRetracted) and visible(stored, as_of=as_of, known_at=known_at):
            if (filing := retracted_filing(store, event)) is not None:
                whole.setdefault(filing, stored.event_id)
    if not seed_found:
        raise UnknownEvent(selector.value.strip())
    return _rows(store, selected, corrections, whole, as_of=as_of, known_at=known_at, issuer_key=issuer_key)


def _rows(store: Store, selected: set[str], corrections: dict[str, list[StoredEvent]], whole: dict[str, str],
          *, as_of: date | None, known_at: date | None, issuer_key: str | None) -> Iterator[HistoryRow]:
    restated = superseded(store, known_at=known_at)
    shown: set[str] = set()

    def row(stored: StoredEvent) -> Iterator[HistoryRow]:
        shown.add(stored.event_id)
        fixes = corrections.get(stored.event_id, ())
        retracted_by = tuple(c.event_id for c in fixes if isinstance(c.event, EventRetracted))
        if not retracted_by and stored.stream in whole:     # retracted with its whole filing
            retracted_by = (whole[stored.stream],)
        yield HistoryRow(
            stored,
            retracted_by=retracted_by,
            replaced_by=tuple(c.event_id for c in fixes if isinstance(c.event, EventCorrected)),
            superseded=bool(restated) and is_superseded(stored.stream, stored.event, restated),
        )
        for fix in fixes:       # shown with what it replaces, not at its own place
            if fix.event_id not in shown:
                yield from row(fix)

    for stored in store.read(as_of=as_of, issuer_key=issuer_key):
        if stored.event_id in selected and stored.event_id not in shown and visible(stored, known_at=known_at):
            yield from row(stored)
