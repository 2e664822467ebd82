"""Charging and crediting an account, atomically, with a ledger row per movement."""

from __future__ import annotations

from decimal import Decimal

from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit, NotFound
from ringback.core.money import to_units
from ringback.core.prices import PriceList
from ringback.state import charges
from ringback.state.store import Tx


class Billing:
    def __init__(self, prices: PriceList, clock: Clock) -> None:
        self.prices = prices
        self.clock = clock

    def charge(self, tx: Tx, api_key: str, product: str, amount: Decimal, reference: str) -> int:
        """Take `amount` EUR from the account; returns the balance after, in units."""
        return self.charge_units(tx, api_key, product, to_units(amount), reference)

    def charge_units(self, tx: Tx, api_key: str, product: str, units: int, reference: str) -> int:
        """`charge` of an amount already in units."""
        after = charges.take(tx, api_key, units)
        if after is None:
            if self.balance_units(tx, api_key) is None:
                raise NotFound(f"account {api_key} not found")
            raise InsufficientCredit(
                "This request could not be performed due to your account balance being low."
            )
        charges.record(tx, api_key, product, units, reference, after, self.clock.now())
        return after

    def credit(self, tx: Tx, api_key: str, product: str, amount: Decimal, reference: str) -> int:
        units = to_units(amount)
        after = charges.give(tx, api_key, units)
        if after is None:
            raise NotFound(f"account {api_key} not found")
        charges.record(tx, api_key, product, -units, reference, after, self.clock.now())
        return after

    def balance_units(self, tx: Tx, api_key: str) -> int | None:
        return charges.balance_units(tx, api_key)
