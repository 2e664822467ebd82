from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, insert, select, text, update

from ringback.state.store import Tx
from ringback.state.tables import applications, numbers

K = TypeVar("K")


@dataclass(frozen=True)
class Application:
    id: str
    api_key: str
    name: str
    capabilities: dict[str, Any]
    privacy: dict[str, Any]
    public_key: str
    created_at: float
    seq: int


def _application(row: Any) -> Application:
    values = dict(row._mapping)
    values["capabilities"] = json.loads(values["capabilities"])
    values["privacy"] = json.loads(values["privacy"])
    return Application(**values)


# built once: every request with an application JWT reads it
_KEY = select(applications.c.api_key, applications.c.public_key).where(
    applications.c.id == bindparam("app_id")
)


def public_key_of(tx: Tx, app_id: str) -> tuple[str, str] | None:
    """The application's account (api_key) and public key, for verifying its JWTs."""
    row = tx.conn.execute(_KEY, {"app_id": app_id}).first()
    return (row[0], row[1]) if row else None


def verifying_key(tx: Tx, app_id: str, parse: Callable[[str], K]) -> tuple[str, K] | None:
    """The application's account and its public key as `parse` makes it, parsed once per key
    (state/credential_cache.py: forgotten when the application is replaced or deleted)."""
    cache = tx.credentials
    cached = cache.application_key(app_id) if cache is not None else None
    if cached is not None:
        api_key, key = cached
        return api_key, key
    found = public_key_of(tx, app_id)
    if found is None:
        return None
    api_key, pem = found
    parsed = parse(pem)
    if cache is not None:
        cache.remember_application(app_id, api_key, parsed)
    return api_key, parsed


def _owned(api_key: str, app_id: str) -> Any:
    return (applications.c.api_key == api_key) & (applications.c.id == app_id)


def application_exists(tx: Tx, app_id: str) -> bool:
    row = tx.conn.execute(select(applications.c.id).where(applications.c.id == app_id)).first()
    return row is not None


# a transaction-scoped advisory lock: two transactions (threads, workers) reading `max + 1` at
# once would give two applications the same creation order
# 1380073808 = 0x52424150, "RBAP", in decimal: PostgreSQL before 16 has no hex literals
_SEQ_LOCK = text("SELECT pg_advisory_xact_lock(1380073808)")


def next_seq(tx: Tx) -> int:
    if tx.conn.dialect.name == "postgresql":
        tx.conn.execute(_SEQ_LOCK)
    highest = tx.conn.execute(select(func.coalesce(func.max(applications.c.seq), 0))).scalar_one()
    return int(highest) + 1


def insert_application(tx: Tx, app: Application) -> None:
    tx.conn.execute(
        insert(applications).values(
            id=app.id,
            api_key=app.api_key,
            name=app.name,
            capabilities=json.dumps(app.capabilities),
            privacy=json.dumps(app.privacy),
            public_key=app.public_key,
            created_at=app.created_at,
            seq=app.seq,
        )
    )


def get_application(tx: Tx, api_key: str, app_id: str) -> Application | None:
    row = tx.conn.execute(select(applications).where(_owned(api_key, app_id))).first()
    return _application(row) if row else None


def count_applications(tx: Tx, api_key: str) -> int:
    query = select(func.count()).select_from(applications).where(applications.c.api_key == api_key)
    return int(tx.conn.execute(query).scalar_one())


def list_applications(tx: Tx, api_key: str, offset: int, limit: int) -> list[Application]:
    rows = tx.conn.execute(
        select(applications)
        .where(applications.c.api_key == api_key)
        .order_by(applications.c.seq)
        .offset(offset)
        .limit(limit)
    )
    return [_application(r) for r in rows]


def replace_application(
    tx: Tx,
    api_key: str,
    app_id: str,
    *,
    name: str,
    capabilities: dict[str, Any],
    privacy: dict[str, Any],
    public_key: str,
) -> Application | None:
    if tx.credentials is not None:
        tx.credentials.forget_application(app_id)
    tx.conn.execute(
        update(applications)
        .where(_owned(api_key, app_id))
        .values(
            name=name,
            capabilities=json.dumps(capabilities),
            privacy=json.dumps(privacy),
            public_key=public_key,
        )
    )
    return get_application(tx, api_key, app_id)


def delete_application(tx: Tx, api_key: str, app_id: str) -> bool:
    if tx.credentials is not None:
        tx.credentials.forget_application(app_id)
    result = tx.conn.execute(delete(applications).where(_owned(api_key, app_id)))
    return bool(result.rowcount)


def unlink_numbers(tx: Tx, api_key: str, app_id: str) -> int:
    """Numbers linked to a deleted application are left with no application."""
    result = tx.conn.execute(
        update(numbers)
        .where(numbers.c.api_key == api_key, numbers.c.app_id == app_id)
        .values(app_id=None)
    )
    return int(result.rowcount)
