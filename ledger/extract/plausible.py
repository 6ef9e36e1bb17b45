"""Plausibility of what was extracted: the checks that keep a misread figure out of the ledger.

Refused (the whole filing, with one line saying why; nothing of it is written):
- a calendar-impossible date ("February 30, 2000") where the filing dates something: on the
  cover, in a sentence a fact was read from, or in the same paragraph (a deal's date is carried
  forward from there). The events need a date, and any other date would be a guess.
- a figure read as positive where the text writes it with a minus sign ("-845,594 shares").
- a share count over MAX_SHARES: no issuer has that many, so it is a misread; this also keeps every
  count far below 2**53, where JSON readers that use doubles start losing digits.

Warned about (the fact is kept, and the warning names the file, the fact and the figure): a zero
share count, price, consideration or principal; a price per share over MAX_PRICE; an amount over
MAX_AMOUNT; an impossible date that nothing is read from.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from decimal import Decimal
from itertools import accumulate

import attrs

from events import Event, FilingRecorded
from ledger.errors import BadInput
from ledger.extract.gate import Caseless
from ledger.extract.values import DATE_RE, parse_date

MAX_SHARES = 10 ** 12
MAX_PRICE = Decimal(10 ** 6)
MAX_AMOUNT = Decimal(10 ** 12)
_MAX_DATE_WARNINGS = 5
# Figures that are never zero in a sale; a zero interest or dividend rate is ordinary.
_NONZERO = frozenset({"shares", "price", "consideration", "exercise_price", "conversion_price", "fixed_price",
                      "principal", "stated_amount", "stated_value", "cash", "warrant_shares", "amount"})
_PRICES = frozenset({"price", "exercise_price", "conversion_price", "fixed_price", "stated_value"})
# A minus sign attached to a figure: "-845,594", "−$11.826", "$-11.826". Not a hyphen inside a word or
# number ("Series A-1", "000-28782", "10b-5"), and not parentheses ("one million (1,000,000) shares").
_NEGATIVE = re.compile(r"(?:(?<![\w.,)\]/-])[-\u2212]\s?\$?\s?|\$\s?[-\u2212]\s?)(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
# Every date of a whole filing, found in its lower-cased text (Caseless): parse_date reads a month in
# any case, and what a message quotes is cut from the text itself (_Date).
_DATES_LOWERED = Caseless(DATE_RE)
_CLOSED_ON = re.compile(rf"\b(?:closed|closing|completed|consummated)\b[^.]{{0,80}}?{DATE_RE.pattern}", re.I)


@functools.cache
def _names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls))


def _figures(obj, prefix: str = ""):
    """(field name, value) of every number in an event, nested records included."""
    for name in _names(type(obj)):
        value = getattr(obj, name)
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, Decimal)):
            yield prefix + name, value
        elif attrs.has(type(value)):
            yield from _figures(value, f"{prefix}{name}.")


def _where(event: Event) -> str:
    first = event.provenance.quotes[0].text if event.provenance.quotes else ""
    return f"{event.TYPE} from \"{first[:80]}{'...' if len(first) > 80 else ''}\""


def _paragraphs(text: str):
    """pos -> (start, end) of its paragraph (line), by bisection over the newlines found once."""
    breaks = [m.start() for m in re.finditer("\n", text)]

    def bounds(pos: int) -> tuple[int, int]:
        i = bisect_right(breaks, pos)
        return (breaks[i - 1] + 1 if i else 0), (breaks[i] if i < len(breaks) else len(text))

    return bounds


def _written_dates(text: str):
    """(start, the date as written) of every DATE_RE match of the text; found in the lower-cased
    text when it is ASCII (Caseless), cut from the text itself."""
    if not text.isascii():
        return [(m.start(), m.group()) for m in DATE_RE.finditer(text)]
    return [(m.start(), text[m.start():m.end()]) for m in _DATES_LOWERED.lowered.finditer(text.lower())]


def _check_dates(text: str, events: tuple[Event, ...], path, warnings: list[str]) -> None:
    impossible = [(at, written) for at, written in _written_dates(text) if parse_date(written) is None]
    if not impossible:
        return
    used: list[tuple[int, int, str]] = []          # spans where a date would be read, and what from
    paragraph = _paragraphs(text)
    for event in events:
        for q in event.provenance.quotes:
            if isinstance(event, FilingRecorded):
                used.append((q.start, q.end, "it is on the cover page, where the filing's own dates are read"))
            else:
                start, end = paragraph(q.start)
                used.append((start, end, f"it is in the paragraph a {event.TYPE} is read and dated from"))
    for m in _CLOSED_ON.finditer(text):
        used.append((m.start(), m.end(), "it is stated as a closing date"))
    # Sorted once and searched by bisection, so many dates against many facts stay n log n.
    used.sort()
    starts = [start for start, _, _ in used]
    reach = list(accumulate((end for _, end, _ in used), max))   # furthest end among spans so far
    unused = []
    for at, written in impossible:
        i = bisect_right(starts, at) - 1
        if i >= 0 and reach[i] > at:
            what = next(why for start, end, why in reversed(used[:i + 1]) if start <= at < end)
            raise BadInput(path, f"'{written}' is not a calendar date, and {what}; "
                                 "refusing the filing rather than date it by a guess")
        unused.append(written)
    for date_text in unused[:_MAX_DATE_WARNINGS]:
        warnings.append(f"{path}: '{date_text}' is not a calendar date; no fact is dated by it")
    if len(unused) > _MAX_DATE_WARNINGS:
        warnings.append(f"{path}: {len(unused) - _MAX_DATE_WARNINGS} more dates that are not calendar dates; "
                        "no fact is dated by them")


def _check_figures(event: Event, path, warnings: list[str]) -> None:
    # A negative figure never gets here: the records' own rules (events.rules) refuse it when the
    # event is built. What is left is a sign the reader dropped, and the implausible.
    figures = list(_figures(event))
    for q in event.provenance.quotes:
        if "-" not in q.text and "\u2212" not in q.text:
            continue          # every match of _NEGATIVE holds one of the two signs
        for m in _NEGATIVE.finditer(q.text):
            value = Decimal(m["n"].replace(",", ""))
            named = next((name for name, figure in figures if figure == value and value), None)
            if named:
                raise BadInput(path, f"'{m.group().strip()}' is written with a minus sign, and was read as the "
                                     f"{named} of a {event.TYPE}; a financing does not issue a negative amount, so the "
                                     "filing is refused rather than recorded with the sign dropped")
    for name, value in figures:
        leaf = name.rsplit(".", 1)[-1]
        if isinstance(value, int) and value > MAX_SHARES:
            raise BadInput(path, f"{value:,} is read as the {name} of a {_where(event)}: over {MAX_SHARES:,} "
                                 "shares is no issuer's, so it is taken as a misreading and the filing is refused")
        if value == 0 and leaf in _NONZERO:
            warnings.append(f"{path}: {name} is 0 in the {_where(event)}; a sale at zero is implausible, check it")
        elif leaf in _PRICES and value > MAX_PRICE:
            warnings.append(f"{path}: {name} {value} per share in the {_where(event)} is over {MAX_PRICE:,}; "
                            "implausible, check it")
        elif isinstance(value, Decimal) and leaf not in _PRICES and value > MAX_AMOUNT:
            warnings.append(f"{path}: {name} {value} in the {_where(event)} is over {MAX_AMOUNT:,}; "
                            "implausible, check it")


def check(text: str, events: tuple[Event, ...], path) -> tuple[str, ...]:
    """Warnings for the implausible; raises BadInput for what must not be recorded (see above)."""
    warnings: list[str] = []
    _check_dates(text, events, path, warnings)
    for event in events:
        if not isinstance(event, FilingRecorded):
            _check_figures(event, path, warnings)
    return tuple(warnings)
