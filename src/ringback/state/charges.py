"""Balances and the ledger (`charges`): atomic take and give, a row per movement.

A charge is one `UPDATE … SET balance = balance - x WHERE balance >= x`, so two requests can
never spend the same money; the statements are built once (every chargeable request runs them).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import accounts, charges

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


def take(tx: Tx, api_key: str, units: int) -> int | None:
    """The balance after taking `units`; None if the account is unknown or cannot pay."""
    after = tx.conn.execute(_TAKE, {"key": api_key, "units": units}).scalar_one_or_none()
    return int(after) if after is not None else None


def give(tx: Tx, api_key: str, units: int) -> int | None:
    """The balance after adding `units`; None if the account is unknown."""
    after = tx.conn.execute(_GIVE, {"key": api_key, "units": units}).scalar_one_or_none()
    return int(after) if after is not None else None


def balance_units(tx: Tx, api_key: str) -> int | None:
    value = tx.conn.execute(_BALANCE, {"key": api_key}).scalar_one_or_none()
    return int(value) if value is not None else None


def record(
    tx: Tx, api_key: str, product: str, units: int, reference: str, after: int, now: float
) -> None:
    """A ledger row: `units` taken (negative: given) and the balance after it."""
    tx.conn.execute(
        _LEDGER,
        {
            "api_key": api_key,
            "product": product,
            "reference": reference,
            "amount_units": units,
            "balance_after_units": after,
            "created_at": now,
        },
    )
