"""Refused credentials (`auth_log`), read at /_ringback/auth-log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from ringback.state.store import Tx
from ringback.state.tables import auth_log

_RECORD = insert(auth_log)


@dataclass(frozen=True)
class Refusal:
    at: float
    api: str
    method: str
    path: str
    api_key: str | None  # the account the request claimed to be, when known
    reason: str
    mode: str  # strict: refused; soft: let through


def record(tx: Tx, refusal: Refusal) -> None:
    tx.conn.execute(_RECORD, refusal.__dict__)


def recent(tx: Tx, api_key: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The latest entries first, each with its `id`."""
    query = select(auth_log).order_by(auth_log.c.id.desc()).limit(limit)
    if api_key:
        query = query.where(auth_log.c.api_key == api_key)
    return [dict(row._mapping) for row in tx.conn.execute(query)]
