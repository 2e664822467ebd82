"""The webhook outbox: every callback Ringback owes an app is a row before it is a request.

A delivery is written in the same transaction as the event that causes it (a receipt, an
inbound message), so it exists exactly when the event does and survives a restart. The
dispatcher (`webhooks/dispatcher.py`) sends it, records every attempt and retries it until its
retry window ends; then it is `failed`, and stays listed (`GET /_ringback/webhooks`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select, text, update

from ringback.state.store import Tx
from ringback.state.tables import webhook_deliveries

DAY = 24 * 3600.0
# vonage-behaviours §1.2: inbound SMS "resent for 24 hours"; KB 226572227 keeps DLRs for 72 h
DEFAULT_RETRY_WINDOW = DAY
RECEIPT_RETRY_WINDOW = 3 * DAY
METHODS = ("GET", "POST")
CONTENT_TYPES = ("json", "form")
SIGNINGS = (None, "sms-signature", "jwt")
STATUSES = ("pending", "delivered", "failed")


@dataclass(frozen=True)
class Delivery:
    id: int
    api_key: str | None
    kind: str
    url: str
    method: str
    content_type: str
    payload: dict[str, Any]
    signing: str | None
    application_id: str | None
    destination: str
    status: str
    # attempts since the delivery was (re)started: what the backoff counts; every attempt
    # ever made stays in webhook_attempts
    attempts: int
    next_attempt_at: float
    give_up_at: float
    retry_window: float
    created_at: float
    last_status: int | None
    last_error: str | None
    reference: str | None


def delivery_from_row(row: Any) -> Delivery:
    values = dict(row._mapping)
    values["payload"] = json.loads(values["payload"])
    return Delivery(**values)


def destination_of(url: str) -> str:
    """scheme://host:port, the unit of ordering: one receiving server. Never raises: a URL
    that cannot be parsed is its own destination, and its attempts record why it failed."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"invalid:{url[:200]}"
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


# built once: every receipt and inbound SMS is a delivery
_ENQUEUE = insert(webhook_deliveries)


def enqueue(
    tx: Tx,
    now: float,
    *,
    api_key: str | None,
    kind: str,
    url: str,
    payload: dict[str, Any],
    method: str = "POST",
    content_type: str = "json",
    signing: str | None = None,
    reference: str | None = None,
    retry_window: float = DEFAULT_RETRY_WINDOW,
    due_at: float | None = None,
    application_id: str | None = None,
) -> int:
    """Owe `url` a callback; returns the delivery's id.

    `method` GET (the fields as a query string) or POST; `content_type` `json` or `form` (a
    POST body; ignored for GET); `signing` None, `sms-signature` (sig/timestamp/nonce with the
    account's signature method — pass it only when the account signs webhooks) or `jwt`
    (Bearer HS256 with the account's signature secret, `application_id` in the claims when
    given). The first attempt is due at `due_at` (default now); retries stop `retry_window`
    seconds after that.
    """
    if method not in METHODS:
        raise ValueError(f"webhook method must be one of {METHODS}, not {method!r}")
    if content_type not in CONTENT_TYPES:
        raise ValueError(f"webhook content_type must be one of {CONTENT_TYPES}")
    if signing not in SIGNINGS:
        raise ValueError(f"webhook signing must be one of {SIGNINGS}")
    first = now if due_at is None else due_at
    result = tx.conn.execute(
        _ENQUEUE,
        {
            "api_key": api_key,
            "kind": kind,
            "url": url,
            "method": method,
            "content_type": content_type,
            "payload": json.dumps(payload, ensure_ascii=False),
            "signing": signing,
            "application_id": application_id,
            "destination": destination_of(url),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": first,
            "give_up_at": first + retry_window,
            "retry_window": retry_window,
            "created_at": now,
            "last_status": None,
            "last_error": None,
            "reference": reference,
        },
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


# One index seek per destination instead of a scan of every pending delivery (a flood of
# receipts is thousands pending for one receiver): walk the distinct destinations on
# ix_webhook_deliveries_pending (status, destination, next_attempt_at, id), and keep those
# whose earliest pending delivery is due.
_DUE_DESTINATIONS = text(
    """
    WITH RECURSIVE walk(destination) AS (
        SELECT MIN(destination) FROM webhook_deliveries WHERE status = 'pending'
        UNION ALL
        SELECT (
            SELECT MIN(destination) FROM webhook_deliveries
            WHERE status = 'pending' AND destination > walk.destination
        ) FROM walk WHERE walk.destination IS NOT NULL
    )
    SELECT destination FROM walk
    WHERE destination IS NOT NULL AND (
        SELECT MIN(next_attempt_at) FROM webhook_deliveries AS d
        WHERE d.status = 'pending' AND d.destination = walk.destination
    ) <= :now
    """
)


def due_destinations(tx: Tx, now: float) -> list[str]:
    return [row.destination for row in tx.conn.execute(_DUE_DESTINATIONS, {"now": now})]


def due_for(tx: Tx, destination: str, now: float, limit: int) -> list[Delivery]:
    """A destination's due deliveries in due order (then the order they were owed)."""
    rows = tx.conn.execute(
        select(webhook_deliveries)
        .where(
            webhook_deliveries.c.status == "pending",
            webhook_deliveries.c.destination == destination,
            webhook_deliveries.c.next_attempt_at <= now,
        )
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
        .limit(limit)
    )
    return [delivery_from_row(row) for row in rows]


def get(tx: Tx, delivery_id: int) -> Delivery | None:
    row = tx.conn.execute(
        select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
    ).first()
    return delivery_from_row(row) if row else None


def replay(tx: Tx, delivery_id: int, now: float) -> Delivery | None:
    """Due again now, with a fresh retry window and backoff; earlier attempts stay recorded."""
    delivery = get(tx, delivery_id)
    if delivery is None:
        return None
    tx.conn.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id)
        .values(
            status="pending",
            attempts=0,
            next_attempt_at=now,
            give_up_at=now + delivery.retry_window,
        )
    )
    return get(tx, delivery_id)
