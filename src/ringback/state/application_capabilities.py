"""An application's capabilities, read on a hot path (every POST /v1/messages with a JWT):
one column by a statement compiled once, its JSON parsed once per distinct text. The row is
read every time (an application changes at any time); only the parsing is shared, so callers
must treat what they get as read-only."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select

from ringback.state.prepared import Prepared
from ringback.state.store import Tx
from ringback.state.tables import applications

_CAPABILITIES = Prepared(
    select(applications.c.capabilities).where(
        applications.c.id == bindparam("app_id"), applications.c.api_key == bindparam("api_key")
    )
)


@lru_cache(maxsize=1024)
def _parsed(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def capabilities_of(tx: Tx, api_key: str, app_id: str) -> dict[str, Any] | None:
    """The account's application's capabilities (read-only), or None if it has no such one."""
    row = _CAPABILITIES.first(tx, {"app_id": app_id, "api_key": api_key})
    return _parsed(row[0]) if row else None
