"""What every event must satisfy, however it was made: extracted from a filing, corrected by hand
or recorded from a later filing. The records in ``events.records`` attach these as attrs
validators, so one set of rules runs whenever an event is built, and again whenever it is read.

Each error names the field and the problem, in one line: ``shares: -5 is negative``.
These are hard limits on what can be true, not plausibility warnings: a share count below zero,
a conversion price of zero or less, a date no filing can carry, a split no issuer makes.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

# A date outside these is a typo (a year 0200 or 20000), not a fact about an SEC filing.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# The largest side of a split ratio, and the largest factor: 1:1,000,000 (reverse) to 1,000,000:1.
MAX_SPLIT_FACTOR = 1_000_000


class InvalidEvent(ValueError):
    """An event that breaks a rule of its type. ``str()`` is ``"field: problem"``."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def as_tuple(value):
    """The converter of the records' tuple fields: ``tuple(value)``. A Python function, not the
    builtin itself: attrs reads each converter's signature, and a builtin's is parsed from text
    through the tokenize module, which was 5-10 ms of every start-up."""
    return tuple(value)


def _figure(value) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def not_negative(instance, attribute, value) -> None:
    """Share counts, amounts, rates: zero or more."""
    if value is not None and value < 0:
        raise InvalidEvent(attribute.name, f"{_figure(value)} is negative")


# The largest whole number every JSON reader holds exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_EXACT_COUNT = 2 ** 53 - 1


def exact_in_json(instance, attribute, value) -> None:
    """A share count no JSON reader would round: at most 2^53 - 1."""
    if value is not None and value > MAX_EXACT_COUNT:
        raise InvalidEvent(attribute.name, f"{value:,} is over {MAX_EXACT_COUNT:,}, past what JSON readers "
                                           "hold exactly (no issuer has that many shares)")


def positive(instance, attribute, value) -> None:
    """Prices per share, and shares exercised or received: more than zero."""
    if value is not None and value <= 0:
        raise InvalidEvent(attribute.name, f"{_figure(value)} is not more than zero")


def in_range(instance, attribute, value) -> None:
    """One date, or a tuple of them, between EARLIEST_DATE and LATEST_DATE."""
    for d in value if isinstance(value, tuple) else (value,):
        if d is not None and not EARLIEST_DATE <= d <= LATEST_DATE:
            raise InvalidEvent(attribute.name, f"{d.isoformat()} is outside {EARLIEST_DATE}..{LATEST_DATE}")


def split_side(instance, attribute, value) -> None:
    if not 1 <= value <= MAX_SPLIT_FACTOR:
        raise InvalidEvent(attribute.name, f"{value:,} is outside 1..{MAX_SPLIT_FACTOR:,}")


def split_ratio(instance) -> None:
    """A ratio that changes something: 1:1 is no split."""
    if instance.numerator == instance.denominator:
        raise InvalidEvent("ratio", f"{instance.numerator}:{instance.denominator} changes nothing")
