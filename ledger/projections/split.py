"""Stock splits: share counts scale by the ratio with the split's rounding rule; prices inversely."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from events import StockSplit

_ROUNDING = {"down": ROUND_FLOOR, "up": ROUND_CEILING, "nearest": ROUND_HALF_UP}
PRICE_PLACES = Decimal("0.000001")   # a rebased price is rounded to six places, half even


def split_shares(shares: int | None, split: StockSplit) -> int | None:
    if shares is None:
        return None
    exact = Decimal(shares) * split.numerator / split.denominator
    return int(exact.quantize(Decimal(1), rounding=_ROUNDING[split.rounding]))


def split_price(price: Decimal | None, split: StockSplit) -> Decimal | None:
    if price is None:
        return None
    rebased = price * split.denominator / split.numerator
    return rebased if rebased == rebased.quantize(PRICE_PLACES) else rebased.quantize(PRICE_PLACES)
