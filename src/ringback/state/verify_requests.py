"""Verification requests, legacy and v2 (`verify_requests`). The columns are what both
versions search by; the rest of a request is its version's JSON in `detail`."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import verify_requests


@dataclass(frozen=True)
class VerifyRequest:
    request_id: str
    api_key: str
    application_id: str | None
    version: str  # legacy | v2
    to_address: str
    status: str
    code: str | None
    created_at: float
    finished_at: float | None
    detail: dict[str, Any]


_COLUMNS = [verify_requests.c[name] for name in VerifyRequest.__dataclass_fields__]


def _request(row: Any) -> VerifyRequest:
    values = list(row)
    values[-1] = json.loads(values[-1])
    return VerifyRequest(*values)


def add(tx: Tx, request: VerifyRequest) -> None:
    values = dict(request.__dict__)
    values["detail"] = json.dumps(request.detail, separators=(",", ":"))
    tx.conn.execute(insert(verify_requests).values(**values))


def get(tx: Tx, request_id: str) -> VerifyRequest | None:
    query = select(*_COLUMNS).where(verify_requests.c.request_id == request_id)
    row = tx.conn.execute(query).first()
    return _request(row) if row else None


def save(tx: Tx, request: VerifyRequest, **changes: Any) -> VerifyRequest:
    """Write the changed fields (`status`, `code`, `finished_at`, `detail`) and return the
    request as it now is."""
    changed = replace(request, **changes)
    values = {name: getattr(changed, name) for name in changes}
    if "detail" in values:
        values["detail"] = json.dumps(changed.detail, separators=(",", ":"))
    tx.conn.execute(
        update(verify_requests)
        .where(verify_requests.c.request_id == request.request_id)
        .values(**values)
    )
    return changed


def active_to(
    tx: Tx, version: str, to_address: str, statuses: tuple[str, ...]
) -> list[VerifyRequest]:
    """Requests of `version` to `to_address` whose status is one of `statuses`, oldest first."""
    query = (
        select(*_COLUMNS)
        .where(verify_requests.c.to_address == to_address)
        .where(verify_requests.c.version == version)
        .where(verify_requests.c.status.in_(statuses))
        .order_by(verify_requests.c.created_at)
    )
    return [_request(row) for row in tx.conn.execute(query)]
