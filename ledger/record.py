"""Facts from elsewhere, and corrections, recorded by hand: each checked against the ledger as it
stands, then appended as its own small stream whose provenance is the citation given.

Nothing here edits an event. A retraction or correction is a new event naming its target.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import attrs

from events import (
    BalanceAssertion, Event, EventCorrected, EventRetracted, FieldChange, FilingRecorded, PreferredConverted,
    PreferredIssued,
    Provenance, Quote, SharesOutstanding, StockSplit, WarrantCancelled, WarrantExercised, WarrantGranted,
    WarrantVested, from_payload, to_payload,
)
from events.codec import problems
from events.rules import InvalidEvent
from ledger.errors import LedgerError
from ledger.ids import short_id
from ledger.store import Store
from events.envelope import StoredEvent, StreamInfo
from ledger.views import replay_ledger


class BadRecord(LedgerError):
    """A hand-recorded fact the ledger refuses: it contradicts what the ledger holds."""


@attrs.frozen
class Citation:
    """Where a hand-recorded fact comes from: "10-Q for the quarter ended June 30, 2000, note 7"."""

    source: str
    public_date: date | None = None      # when the source became public; default: the day recorded
    quote: str | None = None             # the sentence, if given

    def provenance(self, stream: str) -> Provenance:
        text = self.quote or self.source
        return Provenance(stream, (Quote(0, len(text), text),))


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _check_source_date(citation: Citation, about: StoredEvent | None = None) -> None:
    """A source cannot have been public before what it speaks of was (the event it corrects, the
    tranche it exercises), nor later than today. Without a target only the second applies."""
    when = citation.public_date
    if when is None:
        return
    if when > _today() + timedelta(days=1):        # a day's grace: the user's today may be UTC's tomorrow
        raise BadRecord(f"--source-date {when} is in the future")
    if about is None:
        return
    since = about.public_date or about.effective_date
    what = "became public" if about.public_date else "took effect"
    if when < since:
        raise BadRecord(f"--source-date {when} is before {about.type} {short_id(about.event_id)} {what} ({since}); "
                        "a source cannot report it earlier")


def append_recorded(store: Store, issuer_key: str, build, citation: Citation,
                    about: StoredEvent | None = None) -> StoredEvent:
    """Append one hand-recorded event as a stream of its own. ``build(provenance)`` makes the event,
    which the event's own rules (events.rules) check as they check an extracted one; ``about`` is
    the event it points at, which its source cannot predate."""
    _check_source_date(citation, about)
    info_for = next((i for i in store.streams(issuer_key=issuer_key)), None)
    if info_for is None:
        raise BadRecord(f"no filings of issuer {issuer_key} in the ledger")
    recorded = datetime.now(timezone.utc).isoformat()
    try:
        probe = build(citation.provenance("manual:"))
    except InvalidEvent as e:
        raise BadRecord(f"{e}; nothing was recorded") from None
    digest = hashlib.sha256(json.dumps([to_payload(probe), recorded], sort_keys=True, default=str).encode()).hexdigest()
    stream = f"manual:{digest}"
    event = build(citation.provenance(stream))
    info = StreamInfo(stream=stream, issuer_key=issuer_key, issuer=info_for.issuer, form="record",
                      public_date=citation.public_date or _today(), source_name=citation.source,
                      raw_sha256=digest)
    [stored] = store.append(info, [event], None, recorded_at=recorded)
    _keep_snapshots(store, issuer_key)
    return stored


# --- the instruments recorded facts point at --------------------------------------------------

def _target(store: Store, event_id: str, kind: type[Event], what: str) -> StoredEvent:
    stored = store.event(event_id)
    if stored is None:
        raise BadRecord(f"no event {event_id} in the ledger")
    if not isinstance(stored.event, kind):
        raise BadRecord(f"{event_id} is a {stored.type}, not {what}")
    return stored


def _not_before(when: date, issued: StoredEvent, what: str) -> None:
    if when < issued.effective_date:
        raise BadRecord(f"{when} is before {what} {short_id(issued.event_id)} was issued ({issued.effective_date})")


def _tranche_row(store: Store, tranche: StoredEvent, when: date):
    result = replay_ledger(store, as_of=when, issuer_key=tranche.issuer_key)
    for report in result.issuers:
        for row in report.warrants:
            if row.event_ids and row.event_ids[0] == tranche.event_id:
                return row
    raise BadRecord(f"warrant tranche {short_id(tranche.event_id)} is not in the ledger as of {when} (retracted?)")


def record_exercise(store: Store, tranche_id: str, *, shares: int, when: date, cashless: bool,
                    shares_issued: int | None, citation: Citation) -> StoredEvent:
    tranche = _target(store, tranche_id, WarrantGranted, "a warrant grant")
    _not_before(when, tranche, "warrant tranche")
    if shares <= 0:     # before the replay below; WarrantExercised refuses it too
        raise BadRecord(f"cannot exercise {shares} warrant shares")
    row = _tranche_row(store, tranche, when)
    if row.shares is None:
        raise BadRecord(f"tranche {tranche_id} has no determined quantity on {when}; record its vesting first")
    if row.status != "outstanding":
        raise BadRecord(f"tranche {tranche_id} is {row.status} on {when}")
    if shares > row.shares:
        raise BadRecord(f"cannot exercise {shares:,} warrant shares of tranche {tranche_id}: "
                        f"{row.shares:,} are outstanding on {when}")
    if shares_issued is not None and (shares_issued < 0 or shares_issued > shares):
        raise BadRecord(f"an exercise of {shares:,} warrant shares cannot issue {shares_issued:,} common shares")
    return append_recorded(store, tranche.issuer_key, lambda p: WarrantExercised(
        effective_date=when, provenance=p, tranche=tranche.event_id, shares=shares, cashless=cashless,
        shares_issued=shares_issued if shares_issued is not None else (None if cashless else shares)), citation, tranche)


def record_cancellation(store: Store, tranche_id: str, *, shares: int | None, when: date,
                        citation: Citation) -> StoredEvent:
    tranche = _target(store, tranche_id, WarrantGranted, "a warrant grant")
    _not_before(when, tranche, "warrant tranche")
    row = _tranche_row(store, tranche, when)
    if shares is not None and row.shares is not None and shares > row.shares:
        raise BadRecord(f"cannot cancel {shares:,} warrant shares of tranche {tranche_id}: "
                        f"{row.shares:,} are outstanding on {when}")
    return append_recorded(store, tranche.issuer_key, lambda p: WarrantCancelled(
        effective_date=when, provenance=p, tranche=tranche.event_id, shares=shares), citation, tranche)


def record_vesting(store: Store, tranche_id: str, *, shares: int, when: date, citation: Citation) -> StoredEvent:
    tranche = _target(store, tranche_id, WarrantGranted, "a warrant grant")
    _not_before(when, tranche, "warrant tranche")
    if tranche.event.formula is None and tranche.event.shares is not None:
        raise BadRecord(f"tranche {tranche_id} has a fixed quantity ({tranche.event.shares:,}); only formula "
                        "warrants vest by recorded amounts")
    return append_recorded(store, tranche.issuer_key, lambda p: WarrantVested(
        effective_date=when, provenance=p, tranche=tranche.event_id, shares=shares), citation, tranche)


def find_preferred(store: Store, issuer_key: str, wanted: str) -> StoredEvent:
    """A preferred issuance by event id, or by series ("Series A") within the issuer."""
    stored = store.event(wanted)
    if stored is not None:
        if not isinstance(stored.event, PreferredIssued):
            raise BadRecord(f"{wanted} is a {stored.type}, not a preferred issuance")
        return stored
    matches = [e for e in store.read(issuer_key=issuer_key)
               if isinstance(e.event, PreferredIssued) and (e.event.series or "").lower() == wanted.lower()]
    if not matches:
        raise BadRecord(f"no {wanted} preferred stock of this issuer in the ledger")
    if len(matches) > 1:
        raise BadRecord(f"{wanted} names {len(matches)} preferred issuances; give an event id "
                        f"({', '.join(short_id(m.event_id) for m in matches)})")
    return matches[0]


def _preferred_position(store: Store, preferred: StoredEvent, when: date):
    """The preferred lot as of ``when`` (after earlier conversions and splits) and the common
    its earlier conversions delivered."""
    result = replay_ledger(store, as_of=when, issuer_key=preferred.issuer_key)
    rows = [h for r in result.issuers for h in r.holdings if h.event_ids and h.event_ids[0] == preferred.event_id]
    lot = next((h for h in rows if not h.is_common), None)
    if lot is None:
        raise BadRecord(f"preferred {short_id(preferred.event_id)} is not in the ledger as of {when} (retracted?)")
    return lot, sum(h.shares or 0 for h in rows if h.is_common)


def record_conversion(store: Store, preferred: StoredEvent, *, common_received: int, when: date,
                      shares_converted: int | None, amount_converted: Decimal | None,
                      citation: Citation) -> StoredEvent:
    _not_before(when, preferred, "preferred")
    title = preferred.event.title
    if common_received <= 0:
        raise BadRecord(f"a conversion must deliver common shares, not {common_received}")
    lot, delivered = _preferred_position(store, preferred, when)
    if shares_converted is not None and lot.shares is not None and shares_converted > lot.shares:
        raise BadRecord(f"cannot convert {shares_converted:,} shares of {title}: {lot.shares:,} are outstanding "
                        f"on {when}")
    if amount_converted is not None and lot.stated_amount is not None and amount_converted > lot.stated_amount:
        raise BadRecord(f"cannot convert {amount_converted:,} of {title}: {lot.stated_amount:,} is outstanding "
                        f"on {when}")
    cap = lot.conversion_share_cap      # rebased by any split before ``when``
    if cap is not None and delivered + common_received > cap:
        raise BadRecord(f"{common_received:,} common shares exceed the {cap:,}-share conversion cap of {title}"
                        + (f" ({delivered:,} already delivered)" if delivered else ""))
    return append_recorded(store, preferred.issuer_key, lambda prov: PreferredConverted(
        effective_date=when, provenance=prov, preferred=preferred.event_id, shares_converted=shares_converted,
        stated_amount_converted=amount_converted, common_received=common_received), citation, preferred)


def record_opening_balance(store: Store, issuer_key: str, *, shares: int, when: date, security: str,
                           citation: Citation) -> StoredEvent:
    return append_recorded(store, issuer_key, lambda p: SharesOutstanding(
        effective_date=when, provenance=p, security=security, shares=shares), citation)


def record_split(store: Store, issuer_key: str, *, numerator: int, denominator: int, rounding: str,
                 when: date, citation: Citation) -> StoredEvent:
    return append_recorded(store, issuer_key, lambda p: StockSplit(
        effective_date=when, provenance=p, numerator=numerator, denominator=denominator, rounding=rounding), citation)


def record_reported_total(store: Store, issuer_key: str, *, shares: int, when: date,
                          citation: Citation, security: str = "Common Stock") -> StoredEvent:
    return append_recorded(store, issuer_key, lambda p: BalanceAssertion(
        effective_date=when, provenance=p, figure="common_shares", value=shares, security=security), citation)


# --- corrections --------------------------------------------------------------------------------

def retract(store: Store, event_id: str, *, reason: str, citation: Citation) -> StoredEvent:
    """Retract one event; retracting a filing's ``filing_recorded`` event retracts the whole filing
    (replay leaves out every event of its stream, see ledger.corrections)."""
    target = store.event(event_id)
    if target is None:
        raise BadRecord(f"no event {event_id} in the ledger")
    if isinstance(target.event, (EventRetracted, EventCorrected)):
        raise BadRecord(f"{event_id} is itself a correction; retract the event it corrects instead")
    if isinstance(target.event, FilingRecorded) and target.event.form.upper().endswith("/A"):
        # Which items an 8-K/A restates is read from the filings themselves (ledger.amendments):
        # retracting it would drop its facts and still leave out the original's.
        raise BadRecord(f"{event_id} is the {target.event.form} filing; retracting an amendment is not supported "
                        "(replay would still leave out the items it restates in the original)")
    return append_recorded(store, target.issuer_key, lambda p: EventRetracted(
        effective_date=target.effective_date, provenance=p, target=target.event_id, reason=reason), citation, target)


def parse_assignment(text: str) -> FieldChange:
    """'shares=850000', 'price=11.83', 'holders=["A","B"]': the value is JSON when it parses, else text."""
    field, sep, raw = text.partition("=")
    if not sep or not field.strip():
        raise BadRecord(f"{text!r} is not field=value")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if isinstance(value, float):   # keep money exact: the decimal as the user wrote it
        value = raw.strip()
    return FieldChange(field.strip(), value)


def correct(store: Store, event_id: str, *, changes: list[FieldChange], reason: str,
            citation: Citation) -> StoredEvent:
    target = store.event(event_id)
    if target is None:
        raise BadRecord(f"no event {event_id} in the ledger")
    if not changes:
        raise BadRecord("nothing to correct: give at least one --set field=value")
    if isinstance(target.event, (EventRetracted, EventCorrected)):
        raise BadRecord(f"{event_id} is itself a correction; correct the event it corrects instead")
    payload = to_payload(target.event)
    for change in changes:
        if change.field not in payload or change.field in ("provenance",):
            fields = ", ".join(sorted(k for k in payload if k != "provenance"))
            raise BadRecord(f"{target.type} has no field {change.field!r}; its fields are: {fields}")
        payload[change.field] = change.value
    try:   # the corrected event must pass the same rules as an extracted one (events.rules)
        from_payload(target.type, type(target.event).SCHEMA_VERSION, payload, explain_errors=True)
    except Exception as e:  # noqa: BLE001 - converters, cattrs and validators raise many kinds
        raise BadRecord(f"{'; '.join(problems(e))}; {event_id} was not corrected") from None
    return append_recorded(store, target.issuer_key, lambda p: EventCorrected(
        effective_date=target.effective_date, provenance=p, target=target.event_id, changes=tuple(changes),
        reason=reason), citation, target)


def _keep_snapshots(store: Store, issuer_key: str) -> None:
    # The record changes events the issuer's snapshots hold, so they stop being used; a new set
    # keeps its replays short. A cache: if it cannot be written, replay folds every event instead.
    from ledger.errors import StoreError
    from ledger.snapshots import refresh

    try:
        refresh(store, [issuer_key])
    except StoreError:
        pass
