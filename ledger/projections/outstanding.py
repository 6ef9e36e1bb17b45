"""Shares outstanding: the latest reported balance of each class, and what the ledger recorded since.

The cap table counts only the shares that recorded financings issued. A periodic report's cover
(or a total recorded by hand) states the whole class outstanding on a date: a *reported balance*.
The estimate as of D is the latest balance of the class on or before D plus the shares of every
lot of that class dated after the balance (sales, exercises, conversions), rebased by any split
after it. A lot whose count the ledger does not know is counted apart, never as zero.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from events import BalanceAssertion, StockSplit
from ledger.projections import sources
from ledger.projections.split import split_shares
from events.envelope import StoredEvent

NO_BALANCE = "no reported balance: no 10-Q, 10-K or recorded total in the ledger states shares outstanding by this date"


@attrs.frozen
class Balance:
    """A class's shares outstanding as a filing reports them."""

    security: str
    shares: int              # rebased by the splits after it, as of the replay's date
    as_of: date              # the date the filing gives for it
    event_ids: tuple[str, ...]   # the balance, then any split that rebased it
    source: str              # the sentence or tag it was read from


@attrs.frozen
class ClassOutstanding:
    security: str
    reported: Balance
    issued_since: int                # shares of the lots of this class dated after the balance
    undetermined_since: int          # lots since whose count the ledger does not know
    since_event_ids: tuple[str, ...]
    estimated: int                   # reported + issued_since
    recorded_only: int               # every lot of this class the ledger holds, as the cap table


@attrs.frozen
class Outstanding:
    classes: tuple[ClassOutstanding, ...] = ()
    basis: str | None = NO_BALANCE   # why there is no estimate; None when there is one


def class_key(security: str) -> tuple[str, str | None]:
    """What a class title names, for matching a balance with lots: its kind and letter or series.
    "Common Stock, $.01 par value", "shares of common stock" and "Ordinary Shares" name one class;
    "Class A Common Stock" and "Class B common stock" two."""
    words = security.lower()
    words = re.split(r"\bpar\s+value|\bno\s+par\b|\$", words)[0]      # "Common Stock, Class A" keeps its letter
    letter = re.search(r"\bclass\s+([a-z0-9]+)\b|\bseries\s+([a-z0-9-]+)\b", words)
    label = (letter.group(1) or letter.group(2)) if letter else None
    kind = "preferred" if "prefer" in words else "common"
    return kind, label


def class_of(security: str, reported: Iterable[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The reported class a lot of ``security`` belongs to: the one its title names; when the
    filings report one common class, every common lot is of it; else None."""
    key, reported = class_key(security), list(reported)
    if key in reported:
        return key
    common = [k for k in reported if k[0] == "common"]
    return common[0] if key[0] == "common" and len(common) == 1 else None


class BalanceFold:
    """By issuer, the latest reported balance of each class. Events arrive in replay order, so the
    last one seen for a class is the latest by date."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self._by_issuer: dict[str, dict[tuple[str, str | None], Balance]] = {}

    def add(self, stored: StoredEvent) -> None:
        if stored.effective_date > self.as_of:
            return
        event = stored.event
        if isinstance(event, BalanceAssertion):
            # A tagged balance quotes the value as shown, then its sentence: the source is the sentence.
            quotes = sources(event)
            self._by_issuer.setdefault(stored.issuer_key, {})[class_key(event.security)] = Balance(
                event.security, event.value, stored.effective_date, (stored.event_id,), max(quotes, key=len, default=""))
        elif isinstance(event, StockSplit) and stored.issuer_key in self._by_issuer:
            held = self._by_issuer[stored.issuer_key]
            for key, b in held.items():
                if key[0] == "common":
                    held[key] = attrs.evolve(b, shares=split_shares(b.shares, event),
                                             event_ids=b.event_ids + (stored.event_id,))

    def balances(self, issuer_key: str) -> Mapping[tuple[str, str | None], Balance]:
        return self._by_issuer.get(issuer_key, {})


@attrs.frozen
class LotFigures:
    """What the estimate needs of a cap-table lot."""

    security: str
    shares: int | None
    date: date
    event_ids: tuple[str, ...]


def estimate(balances: Mapping[tuple[str, str | None], Balance], lots: Iterable[LotFigures]) -> Outstanding:
    """Each class's latest balance plus the lots of that class dated after it. When the filings
    report one common class, every common lot is of it; with several, a lot goes to the class its
    title names."""
    if not balances:
        return Outstanding()
    sums = {k: [0, 0, [], 0] for k in balances}      # issued since, undetermined since, ids, recorded
    for lot in lots:
        key = class_of(lot.security, balances)
        if key is None:
            continue
        s = sums[key]
        s[3] += lot.shares or 0
        if lot.date > balances[key].as_of:
            if lot.shares is None:
                s[1] += 1
            else:
                s[0] += lot.shares
            s[2].extend(lot.event_ids)
    rows = tuple(ClassOutstanding(b.security, b, sums[k][0], sums[k][1], tuple(dict.fromkeys(sums[k][2])),
                                  b.shares + sums[k][0], sums[k][3])
                 for k, b in sorted(balances.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")))
    return Outstanding(rows, None)
