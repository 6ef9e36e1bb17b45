"""Event ids as a person reads them: the tests name events by the short form tables show."""
from __future__ import annotations

from ledger.ids import short_id


def shortened(value):
    """``value`` (parsed JSON) with every full event id cut to the short form tables print."""
    if isinstance(value, dict):
        return {k: shortened(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shortened(v) for v in value]
    if isinstance(value, str):
        return short_id(value)
    return value
