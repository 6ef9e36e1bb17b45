"""One sale told by several kinds of filing: which telling replay counts.

A 424B prospectus prices an offering; an 8-K (or a 6-K, or a press release) reports its closing; a
10-Q or 10-K recaps it in its unregistered-sales item. Each is read as a sale, so without this the
same shares would be counted two or three times. When a filing is ingested, each issuance it
reports (common, preferred, a warrant grant, a cash fee) is matched with the issuer's already in the
ledger of another family of form: same kind, same class, same count (a fee: the same cash), and a
date that fits (a recap
within a week of the sale; a closing from the pricing date to 45 days after). The telling of the
higher rank counts: a current report over a periodic report over a prospectus. The other one gets
an ``EventRetracted`` of kind "recap" (a periodic report's) or "superseded" (a prospectus's, by its
closing), naming the event counted instead, appended in the new filing's own stream and
transaction. Nothing is deleted; history shows both, and with ``--known-at`` before the later
filing, the earlier telling counts as it did then.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

import attrs

from events import CommonIssued, Event, EventRetracted, FeePaid, FilingRecorded, PreferredIssued, Provenance, WarrantGranted
from ledger.formats.forms import CURRENT, PERIODIC, PROSPECTUS, family
from ledger.ids import event_id, short_id
from ledger.projections.outstanding import class_key
from ledger.store import Store

# What a sale's tellings repeat: the securities, and the cash fee paid for it.
ISSUANCES = (CommonIssued, PreferredIssued, WarrantGranted, FeePaid)
_RANK = {CURRENT: 3, PERIODIC: 2, PROSPECTUS: 1}
RECAP_DAYS = 7          # a recap may date a sale by its agreement, the 8-K by its closing
CLOSING_DAYS = 45       # a priced offering closes within days; a delayed one within weeks
PRICED_AFTER_DAYS = 3   # a closing 8-K may date the deal by its agreement, a day or two before the pricing


@attrs.frozen
class Telling:
    """One issuance as one filing tells it."""

    event_id: str
    event: Event
    date: date
    family: str


def _what(event: Event) -> tuple | None:
    """What must agree for two tellings to be one sale; None when the count is not stated."""
    if isinstance(event, CommonIssued) and event.shares is not None:
        return "common", class_key(event.security)[1], event.shares
    if isinstance(event, PreferredIssued) and (event.shares is not None or event.stated_amount is not None):
        return "preferred", (event.series or "").lower(), event.shares, event.stated_amount
    if isinstance(event, WarrantGranted) and event.shares is not None:
        return "warrant", event.shares
    if isinstance(event, FeePaid) and event.cash is not None:
        return "fee", event.cash
    return None


def _same(a: Telling, b: Telling) -> bool:
    wa, wb = _what(a.event), _what(b.event)
    if wa is None or wb is None or wa[0] != wb[0]:
        return False
    if wa[0] == "common" and (wa[2] != wb[2] or (wa[1] and wb[1] and wa[1] != wb[1])):
        return False
    if wa[0] == "preferred" and (wa[2:] != wb[2:] or (wa[1] and wb[1] and wa[1] != wb[1])):
        return False
    if wa[0] == "fee" and wa[1] != wb[1]:
        return False
    if wa[0] == "warrant":
        pa, pb = a.event.exercise_price, b.event.exercise_price
        if wa[1] != wb[1] or (pa is not None and pb is not None and Decimal(pa) != Decimal(pb)):
            return False
    low, high = sorted((a, b), key=lambda t: _RANK[t.family])
    if low.family == PROSPECTUS:      # priced, then closed
        return low.date - timedelta(days=PRICED_AFTER_DAYS) <= high.date <= low.date + timedelta(days=CLOSING_DAYS)
    return abs((a.date - b.date).days) <= RECAP_DAYS


def _mark(loser: Telling, winner: Telling, provenance: Provenance) -> EventRetracted:
    kind = "superseded" if loser.family == PROSPECTUS else "recap"
    what = ("the offering priced in the prospectus closed as reported by" if kind == "superseded"
            else "a later report of the sale reported by")
    return EventRetracted(effective_date=loser.date, provenance=provenance, target=loser.event_id,
                          reason=f"{kind}: {what} {short_id(winner.event_id)} (same kind, class, count and a date that fits)",
                          kind=kind, by=winner.event_id)


def window(events: Sequence[Event]) -> tuple[date, date] | None:
    """The dates an earlier telling of one of these issuances may bear; None when there is none."""
    days = [e.effective_date for e in events if isinstance(e, ISSUANCES)]
    if not days:
        return None
    reach = timedelta(days=max(RECAP_DAYS, CLOSING_DAYS, PRICED_AFTER_DAYS))
    return min(days) - reach, max(days) + reach


def tellings_in_ledger(store: Store, issuer_key: str, between: tuple[date, date]) -> Iterator[Telling]:
    """The issuer's issuances dated ``between`` (inclusive) that still count (none retracted,
    recapped or superseded). The window keeps each filing's read to the days around its own sales,
    however many filings the issuer has."""
    lo, hi = between
    # One read: the issuances and the marks on them (a mark bears its target's date).
    found = list(store.read(issuer_key=issuer_key, types=[cls.TYPE for cls in ISSUANCES] + [EventRetracted.TYPE],
                            after=lo - timedelta(days=1), as_of=hi))
    gone = {s.event.target for s in found if isinstance(s.event, EventRetracted)}
    forms: dict[str, str] = {}
    for stored in found:
        if isinstance(stored.event, EventRetracted) or stored.event_id in gone:
            continue
        if stored.stream not in forms:
            info = next(store.streams(stream=stored.stream), None)
            forms[stored.stream] = family(info.form if info else None)
        yield Telling(stored.event_id, stored.event, stored.effective_date, forms[stored.stream])


def tellings_of(stream: str, events: Sequence[Event]) -> Iterator[Telling]:
    """A filing's own issuances, with the ids they will have (its events are versions 1, 2, ...)."""
    head = events[0]
    fam = family(head.form) if isinstance(head, FilingRecorded) else CURRENT
    for version, event in enumerate(events, 1):
        if isinstance(event, ISSUANCES):
            yield Telling(event_id(stream, version), event, event.effective_date, fam)


def marks(stream: str, events: Sequence[Event], earlier: Iterable[Telling]) -> tuple[EventRetracted, ...]:
    """The recap and superseded marks a new filing's events call for, against the issuances already
    recorded (``earlier``): each new issuance pairs with at most one earlier one, and each earlier
    one with at most one new one."""
    new = [t for t in tellings_of(stream, events) if t.family in _RANK]
    if not new:
        return ()
    candidates = [t for t in earlier if t.family in _RANK]
    used: set[str] = set()
    out = []
    for t in new:
        match = next((e for e in candidates if e.event_id not in used and e.family != t.family and _same(t, e)), None)
        if match is None:
            continue
        used.add(match.event_id)
        loser, winner = (t, match) if _RANK[t.family] < _RANK[match.family] else (match, t)
        out.append(_mark(loser, winner, t.event.provenance))
    return tuple(out)
