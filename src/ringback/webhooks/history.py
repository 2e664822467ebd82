"""Reading the outbox back: deliveries with every attempt, filtered, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from ringback.state.store import Tx
from ringback.state.tables import webhook_attempts, webhook_deliveries

wd = webhook_deliveries
wa = webhook_attempts


@dataclass(frozen=True)
class Filter:
    status: str | None = None
    # an absolute URL (with its scheme) matches itself and every URL below it, at a `/`, `?`
    # or `#`; anything else matches as a substring of the URL
    url: str | None = None
    api_key: str | None = None
    kind: str | None = None
    reference: str | None = None
    since: float | None = None  # created at or after, Ringback's clock
    min_attempts: int | None = None
    limit: int = 100


def _url_condition(value: str) -> Any:
    if "://" not in value:
        return func.instr(wd.c.url, value) > 0
    if value.endswith(("/", "?", "#")):
        return func.substr(wd.c.url, 1, len(value)) == value
    head = func.substr(wd.c.url, 1, len(value)) == value
    after = func.substr(wd.c.url, len(value) + 1, 1)
    return or_(wd.c.url == value, head & after.in_(["/", "?", "#"]))


def _attempt_count() -> Any:
    return select(func.count()).select_from(wa).where(wa.c.delivery_id == wd.c.id).scalar_subquery()


def list_deliveries(tx: Tx, where: Filter) -> list[dict[str, Any]]:
    query = select(wd).order_by(wd.c.id.desc()).limit(where.limit)
    for column, value in (
        (wd.c.status, where.status),
        (wd.c.api_key, where.api_key),
        (wd.c.kind, where.kind),
        (wd.c.reference, where.reference),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.url:
        query = query.where(_url_condition(where.url))
    if where.since is not None:
        query = query.where(wd.c.created_at >= where.since)
    if where.min_attempts:
        query = query.where(_attempt_count() >= where.min_attempts)
    rows = tx.conn.execute(query).all()
    attempts = _attempts_of(tx, [row.id for row in rows])
    return [view(row, attempts.get(row.id, [])) for row in rows]


def get_delivery(tx: Tx, delivery_id: int) -> dict[str, Any] | None:
    row = tx.conn.execute(select(wd).where(wd.c.id == delivery_id)).first()
    if row is None:
        return None
    return view(row, _attempts_of(tx, [delivery_id]).get(delivery_id, []))


def _attempts_of(tx: Tx, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = tx.conn.execute(
            select(wa).where(wa.c.delivery_id.in_(chunk)).order_by(wa.c.delivery_id, wa.c.id)
        )
        for row in rows:
            found.setdefault(row.delivery_id, []).append(attempt_view(row))
    return found


def attempt_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at,
        "url": row.url,
        "method": row.method,
        "request_headers": json.loads(row.request_headers),
        "request_body": row.request_body,
        "response_status": row.response_status,
        "response_excerpt": row.response_excerpt,
        "latency_ms": row.latency_ms,
        "error": row.error,
    }


def view(row: Any, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "kind": row.kind,
        "api_key": row.api_key,
        "url": row.url,
        "method": row.method,
        "content_type": row.content_type,
        "signing": row.signing,
        "application_id": row.application_id,
        "reference": row.reference,
        "payload": json.loads(row.payload),
        "created_at": row.created_at,
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "give_up_at": row.give_up_at,
        "retry_window": row.retry_window,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "attempt_count": len(attempts),
        "attempts": attempts,
    }
