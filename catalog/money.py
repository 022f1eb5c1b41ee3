"""The one rounding rule for money: two places, halves away from zero (as a till does)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money_round(value: Decimal | float | int | None) -> Decimal:
    # Through str: SQLite sums decimals as floats, and Decimal(0.1) would keep the float's error.
    amount = value if isinstance(value, Decimal) else Decimal(str(value or 0))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
