"""Rented numbers: who owns which MSISDN, what it costs a month and where its traffic goes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from ringback.state.prepared import Prepared, PreparedIn
from ringback.state.rows import row_of
from ringback.state.store import Tx
from ringback.state.tables import applications, numbers

# the Numbers API's search_pattern values
CONTAINS = 1
ENDS_WITH = 2


@dataclass(frozen=True)
class OwnedNumber:
    msisdn: str
    api_key: str
    country: str
    type: str
    features: tuple[str, ...]
    monthly_cost_units: int
    app_id: str | None
    mo_http_url: str | None
    mo_smpp_sys_type: str | None
    voice_callback_type: str | None
    voice_callback_value: str | None
    voice_status_callback: str | None
    messages_callback_type: str | None
    messages_callback_value: str | None
    bought_at: float
    renews_at: float


@dataclass(frozen=True)
class OwnedFilter:
    country: str | None = None
    application_id: str | None = None
    has_application: bool | None = None
    pattern: str | None = None
    search_pattern: int = 0


def _owned(row: Any) -> OwnedNumber:
    values = dict(row._mapping)
    values["features"] = tuple(json.loads(values["features"]))
    return OwnedNumber(**values)


# built once: every SMS delivered asks whether its destination is a rented number
_NUMBER_COLUMNS = [numbers.c[name] for name in OwnedNumber.__dataclass_fields__]
_FEATURES = list(OwnedNumber.__dataclass_fields__).index("features")
_NUMBER = Prepared(select(*_NUMBER_COLUMNS).where(numbers.c.msisdn == bindparam("msisdn")))


def get_number(tx: Tx, msisdn: str) -> OwnedNumber | None:
    row = _NUMBER.first(tx, {"msisdn": msisdn})
    if row is None:
        return None
    values = list(row)
    values[_FEATURES] = tuple(json.loads(values[_FEATURES]))
    return OwnedNumber(*values)


# built once: a batch of SMS deliveries asks it for all its destinations
_OWNED_AMONG = PreparedIn(
    lambda msisdns: select(numbers.c.msisdn).where(numbers.c.msisdn.in_(msisdns))
)


def owned_among(tx: Tx, msisdns: Iterable[str]) -> set[str]:
    """Which of these numbers some account (any account) rents."""
    wanted = list(msisdns)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(row[0] for row in _OWNED_AMONG.all(tx, wanted[start : start + 500]))
    return found


def insert_number(tx: Tx, number: OwnedNumber) -> None:
    values = {**row_of(number), "features": json.dumps(list(number.features))}
    tx.conn.execute(insert(numbers).values(**values))


def delete_number(tx: Tx, msisdn: str) -> bool:
    return bool(tx.conn.execute(delete(numbers).where(numbers.c.msisdn == msisdn)).rowcount)


def update_number(tx: Tx, msisdn: str, **values: Any) -> None:
    if values:
        tx.conn.execute(update(numbers).where(numbers.c.msisdn == msisdn).values(**values))


def _conditions(api_key: str, where: OwnedFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [numbers.c.api_key == api_key]
    if where.country is not None:
        conditions.append(numbers.c.country == where.country)
    if where.application_id is not None:
        conditions.append(numbers.c.app_id == where.application_id)
    if where.has_application is True:
        conditions.append(numbers.c.app_id.is_not(None))
    elif where.has_application is False:
        conditions.append(numbers.c.app_id.is_(None))
    if where.pattern:
        # the pattern is digits only (checked by the caller), so it needs no LIKE escaping
        if where.search_pattern == CONTAINS:
            conditions.append(numbers.c.msisdn.like(f"%{where.pattern}%"))
        elif where.search_pattern == ENDS_WITH:
            conditions.append(numbers.c.msisdn.like(f"%{where.pattern}"))
        else:
            conditions.append(numbers.c.msisdn.like(f"{where.pattern}%"))
    return conditions


def list_numbers(
    tx: Tx, api_key: str, where: OwnedFilter, offset: int, limit: int
) -> tuple[int, list[OwnedNumber]]:
    conditions = _conditions(api_key, where)
    count = tx.conn.execute(select(func.count()).select_from(numbers).where(*conditions))
    rows = tx.conn.execute(
        select(numbers).where(*conditions).order_by(numbers.c.msisdn).offset(offset).limit(limit)
    )
    return int(count.scalar_one()), [_owned(r) for r in rows]


def application_of(tx: Tx, app_id: str, api_key: str) -> bool:
    """Whether `app_id` is an application of this account (another account's is unknown)."""
    row = tx.conn.execute(
        select(applications.c.id).where(
            applications.c.id == app_id, applications.c.api_key == api_key
        )
    ).first()
    return row is not None
