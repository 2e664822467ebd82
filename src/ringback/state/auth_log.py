"""The auth log: every refused request, and warnings about accepted ones Vonage may refuse
(read at /_ringback/auth-log)."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from ringback.state.tables import auth_log

REFUSAL = "refusal"
WARNING = "warning"

_ADD = insert(auth_log)


def record(
    conn: Connection,
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
    conn.execute(
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
