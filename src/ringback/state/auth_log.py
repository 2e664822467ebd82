"""The auth log: every refused request, and warnings about accepted ones Vonage may refuse
(read at /_ringback/auth-log)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from ringback.state.store import Tx
from ringback.state.tables import auth_log

REFUSAL = "refusal"
WARNING = "warning"

_ADD = insert(auth_log)


def record(
    tx: Tx,
    *,
    at: float,
    api: str,
    method: str,
    path: str,
    api_key: str | None,
    reason: str,
    mode: str,
    level: str = REFUSAL,
) -> None:
    tx.conn.execute(
        _ADD,
        {
            "at": at,
            "api": api,
            "method": method,
            "path": path,
            "api_key": api_key,
            "reason": reason,
            "mode": mode,
            "level": level,
        },
    )


def recent(tx: Tx, api_key: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The latest entries first, each with its `id`."""
    query = select(auth_log).order_by(auth_log.c.id.desc()).limit(limit)
    if api_key:
        query = query.where(auth_log.c.api_key == api_key)
    return [dict(row._mapping) for row in tx.conn.execute(query)]
