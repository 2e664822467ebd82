"""Money: Decimal EUR in code, integer units of 1e-8 EUR in the store."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNITS_PER_EUR = 100_000_000


def to_units(amount: Decimal | str | float) -> int:
    value = Decimal(str(amount)) * UNITS_PER_EUR
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_units(units: int) -> Decimal:
    return (Decimal(units) / UNITS_PER_EUR).quantize(Decimal("0.00000001"))


def price_text(units: int) -> str:
    """A price as Vonage writes it in legacy bodies: "0.03330000"."""
    return f"{from_units(units):.8f}"
