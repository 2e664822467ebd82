"""Money: Decimal EUR in code, integer units of 1e-8 EUR in the store."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNITS_PER_EUR = 100_000_000
_ONE = Decimal(1)
# below this many units a price is written with integer arithmetic (Decimal's 28 digits hold it)
_EXACT_TEXT = 10**20


def to_units(amount: Decimal | str | float) -> int:
    # a Decimal is its own text's value: no round trip through str
    value = (amount if isinstance(amount, Decimal) else Decimal(str(amount))) * UNITS_PER_EUR
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


def from_units(units: int) -> Decimal:
    return (Decimal(units) / UNITS_PER_EUR).quantize(Decimal("0.00000001"))


def price_text(units: int) -> str:
    """A price as Vonage writes it in legacy bodies: "0.03330000" (every balance and price in
    an SMS answer: `from_units` formatted, by integers where that is the same)."""
    if -_EXACT_TEXT < units < _EXACT_TEXT:
        whole, fraction = divmod(abs(units), UNITS_PER_EUR)
        return f"{'-' if units < 0 else ''}{whole}.{fraction:08d}"
    return f"{from_units(units):.8f}"
