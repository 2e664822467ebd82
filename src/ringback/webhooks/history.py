"""Reading the outbox back: deliveries with every attempt, filtered, newest first."""

from __future__ import annotations

import json
from typing import Any

from ringback.state import webhook_attempts as attempt_state
from ringback.state import webhook_deliveries as delivery_state
from ringback.state.store import Tx
from ringback.state.webhook_attempts import StoredAttempt
from ringback.state.webhook_deliveries import Delivery, Filter


def list_deliveries(tx: Tx, where: Filter) -> list[dict[str, Any]]:
    found = delivery_state.find(tx, where)
    attempts = attempt_state.of_deliveries(tx, [delivery.id for delivery in found])
    return [view(delivery, attempts.get(delivery.id, [])) for delivery in found]


def get_delivery(tx: Tx, delivery_id: int) -> dict[str, Any] | None:
    delivery = delivery_state.get(tx, delivery_id)
    if delivery is None:
        return None
    return view(delivery, attempt_state.of_deliveries(tx, [delivery_id]).get(delivery_id, []))


def attempt_view(row: StoredAttempt) -> dict[str, Any]:
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


def view(row: Delivery, attempts: list[StoredAttempt]) -> dict[str, Any]:
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
        "payload": row.payload,
        "created_at": row.created_at,
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "give_up_at": row.give_up_at,
        "retry_window": row.retry_window,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "attempt_count": len(attempts),
        "attempts": [attempt_view(attempt) for attempt in attempts],
    }
