"""Charging and crediting an account, atomically, with a ledger row per movement."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import bindparam, insert, select, update

from ringback.core.clock import Clock
from ringback.core.errors import InsufficientCredit, NotFound
from ringback.core.money import to_units
from ringback.core.prices import PriceList
from ringback.state.store import Tx
from ringback.state.tables import accounts, charges

# built once: every chargeable request runs these
_TAKE = (
    update(accounts)
    .where(
        accounts.c.api_key == bindparam("key"),
        accounts.c.balance_units >= bindparam("units"),
    )
    .values(balance_units=accounts.c.balance_units - bindparam("units"))
    .returning(accounts.c.balance_units)
)
_GIVE = (
    update(accounts)
    .where(accounts.c.api_key == bindparam("key"))
    .values(balance_units=accounts.c.balance_units + bindparam("units"))
    .returning(accounts.c.balance_units)
)
_BALANCE = select(accounts.c.balance_units).where(accounts.c.api_key == bindparam("key"))
_LEDGER = insert(charges)


class Billing:
    def __init__(self, prices: PriceList, clock: Clock) -> None:
        self.prices = prices
        self.clock = clock

    def charge(self, tx: Tx, api_key: str, product: str, amount: Decimal, reference: str) -> int:
        """Take `amount` EUR from the account; returns the balance after, in units."""
        units = to_units(amount)
        after = tx.conn.execute(_TAKE, {"key": api_key, "units": units}).scalar_one_or_none()
        if after is None:
            if self.balance_units(tx, api_key) is None:
                raise NotFound(f"account {api_key} not found")
            raise InsufficientCredit(
                "This request could not be performed due to your account balance being low."
            )
        self._record(tx, api_key, product, units, reference, int(after))
        return int(after)

    def credit(self, tx: Tx, api_key: str, product: str, amount: Decimal, reference: str) -> int:
        units = to_units(amount)
        after = tx.conn.execute(_GIVE, {"key": api_key, "units": units}).scalar_one_or_none()
        if after is None:
            raise NotFound(f"account {api_key} not found")
        self._record(tx, api_key, product, -units, reference, int(after))
        return int(after)

    def balance_units(self, tx: Tx, api_key: str) -> int | None:
        value = tx.conn.execute(_BALANCE, {"key": api_key}).scalar_one_or_none()
        return int(value) if value is not None else None

    def _record(
        self, tx: Tx, api_key: str, product: str, units: int, reference: str, after: int
    ) -> None:
        tx.conn.execute(
            _LEDGER,
            {
                "api_key": api_key,
                "product": product,
                "reference": reference,
                "amount_units": units,
                "balance_after_units": after,
                "created_at": self.clock.now(),
            },
        )
