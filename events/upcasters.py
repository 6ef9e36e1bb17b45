"""The steps that bring stored payloads of older schema versions up to the current records.

They run on read only: a stored row is never rewritten, so its hash and every checkpoint stay valid.
"""
from __future__ import annotations

from events.basis import ConsiderationKind
from events.codec import upcaster


def kind_of_sale(*figures) -> ConsiderationKind:
    """What an issuance recorded before consideration kinds were read was paid in. Those releases
    recorded sales only, so a stated price or consideration means cash; with neither, the text
    never said (shares issued to a target's holders were read as a sale with no price), and the
    kind is NOT_STATED rather than assumed."""
    return ConsiderationKind.CASH if any(f is not None for f in figures) else ConsiderationKind.NOT_STATED


@upcaster("common_issued", 1)
def common_issued_v2(payload: dict) -> dict:
    return {**payload, "consideration_kind": kind_of_sale(payload.get("price"), payload.get("consideration")).value}


@upcaster("preferred_issued", 1)
def preferred_issued_v2(payload: dict) -> dict:
    # A preferred's stated value is a liquidation figure, not a price paid: only the consideration counts.
    return {**payload, "consideration_kind": kind_of_sale(payload.get("consideration")).value}


@upcaster("balance_assertion", 1)
def balance_assertion_v2(payload: dict) -> dict:
    # Before classes were read, a reported total was always the common stock's.
    return {**payload, "security": "Common Stock"}


@upcaster("event_retracted", 1)
def event_retracted_v2(payload: dict) -> dict:
    # Before recaps and superseded offerings, every retraction was one by hand.
    return {**payload, "kind": "retracted", "by": None}
