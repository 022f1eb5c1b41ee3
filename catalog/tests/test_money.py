from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.money import money_round


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Decimal("2.345"), Decimal("2.35")),  # half up, not half to even (2.34)
        (Decimal("2.355"), Decimal("2.36")),
        (0.1 + 0.2, Decimal("0.30")),  # a float sum from SQLite
        (None, Decimal("0.00")),
        (7, Decimal("7.00")),
    ],
)
def test_money_rounds_half_up_to_cents(value, rounded):
    assert money_round(value) == rounded
