"""Balances and the ledger (`charges`): atomic take and give, a row per movement.

A charge is one `UPDATE … SET balance = balance - x WHERE balance >= x`, so two requests can
never spend the same money; the statements are built once (every chargeable request runs them).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from ringback.state.prepared import Prepared
from ringback.state.store import Tx
from ringback.state.tables import accounts, charges

_TAKE = Prepared(
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
_BALANCE = Prepared(select(accounts.c.balance_units).where(accounts.c.api_key == bindparam("key")))
_LEDGER = Prepared(insert(charges))


def take(tx: Tx, api_key: str, units: int) -> int | None:
    """The balance after taking `units`; None if the account is unknown or cannot pay."""
    row = _TAKE.first(tx, {"key": api_key, "units": units})
    return int(row[0]) if row is not None else None


def give(tx: Tx, api_key: str, units: int) -> int | None:
    """The balance after adding `units`; None if the account is unknown."""
    after = tx.conn.execute(_GIVE, {"key": api_key, "units": units}).scalar_one_or_none()
    return int(after) if after is not None else None


def balance_units(tx: Tx, api_key: str) -> int | None:
    row = _BALANCE.first(tx, {"key": api_key})
    return int(row[0]) if row is not None else None


def record(
    tx: Tx, api_key: str, product: str, units: int, reference: str, after: int, now: float
) -> None:
    """A ledger row: `units` taken (negative: given) and the balance after it."""
    _LEDGER.run(
        tx,
        {
            "api_key": api_key,
            "product": product,
            "reference": reference,
            "amount_units": units,
            "balance_after_units": after,
            "created_at": now,
        },
    )
