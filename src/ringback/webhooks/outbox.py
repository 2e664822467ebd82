"""The webhook outbox: every callback Ringback owes an app is a row before it is a request.

A delivery is written in the same transaction as the event that causes it (a receipt, an
inbound message), so it exists exactly when the event does and survives a restart. The
dispatcher (`webhooks/dispatcher.py`) sends it, records every attempt and retries it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, insert

from ringback.state.tables import webhook_deliveries

DAY = 24 * 3600.0


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
    destination: str
    status: str
    attempts: int
    next_attempt_at: float
    give_up_at: float
    created_at: float
    last_status: int | None
    last_error: str | None
    reference: str | None


def delivery_from_row(row: Any) -> Delivery:
    values = dict(row._mapping)
    values["payload"] = json.loads(values["payload"])
    return Delivery(**values)


def destination_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def enqueue(
    conn: Connection,
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
    retry_window: float = DAY,
    due_at: float | None = None,
) -> int:
    """Owe `url` a callback. `content_type` is `json` or `form` (a GET sends a query string);
    `signing` is None, `sms-signature` (sig/timestamp/nonce) or `jwt` (Bearer HS256)."""
    first = now if due_at is None else due_at
    result = conn.execute(
        insert(webhook_deliveries).values(
            api_key=api_key,
            kind=kind,
            url=url,
            method=method,
            content_type=content_type,
            payload=json.dumps(payload),
            signing=signing,
            destination=destination_of(url),
            status="pending",
            attempts=0,
            next_attempt_at=first,
            give_up_at=first + retry_window,
            created_at=now,
            last_status=None,
            last_error=None,
            reference=reference,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
