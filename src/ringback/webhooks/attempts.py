"""Recording attempts, and what each one means for its delivery (the retry policy).

Attempts are written in batches — one transaction for many of them — because a flood of
receipts to one receiver is the common heavy case. A delivery deleted meanwhile (an account
reset) is skipped: its attempts have nothing left to belong to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringback.state import webhook_attempts as attempt_state
from ringback.state.store import Tx
from ringback.state.webhook_deliveries import Delivery
from ringback.webhooks.sender import Outcome
from ringback.webhooks.wire import Outgoing

FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 900.0


def retry_delay(attempts: int) -> float:
    """5 s, doubling, at most 15 minutes (vonage-behaviours §1.2, KB 360028543292)."""
    # the exponent capped first: 5 * 2 ** 2000 is an int no float can hold
    return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2.0 ** min(max(0, attempts - 1), 10))


@dataclass(frozen=True)
class Attempt:
    delivery: Delivery
    at: float  # Ringback's clock when it was sent
    outgoing: Outgoing
    outcome: Outcome


def interrupted(delivery: Delivery, at: float, outgoing: Outgoing, latency_ms: float) -> Attempt:
    """An attempt cut short because Ringback is stopping: recorded, and retried as a failure."""
    error = "interrupted: Ringback stopped before the receiver answered"
    return Attempt(delivery, at, outgoing, Outcome(None, None, error, latency_ms, {}))


def next_state(attempt: Attempt) -> dict[str, Any]:
    delivery, outcome = attempt.delivery, attempt.outcome
    attempts = delivery.attempts + 1
    state: dict[str, Any] = {
        "attempts": attempts,
        "last_status": outcome.status,
        "last_error": outcome.error,
        "next_attempt_at": delivery.next_attempt_at,
    }
    if outcome.delivered:
        state["status"] = "delivered"
        return state
    retry_at = attempt.at + retry_delay(attempts)
    if retry_at > delivery.give_up_at:
        state["status"] = "failed"  # the retry window has ended: kept, listed, replayable
    else:
        state["status"] = "pending"
        state["next_attempt_at"] = retry_at
    return state


def record(tx: Tx, attempts: list[Attempt]) -> int:
    """Write the attempts and their deliveries' new states; returns how many were kept."""
    if not attempts:
        return 0
    rows = [
        {
            "delivery_id": a.delivery.id,
            "api_key": a.delivery.api_key,
            "at": a.at,
            "url": a.outgoing.url,
            "method": a.outgoing.method,
            "request_headers": json.dumps(a.outcome.headers or a.outgoing.headers),
            "request_body": a.outgoing.body.decode("utf-8", "replace"),
            "response_status": a.outcome.status,
            "response_excerpt": a.outcome.excerpt,
            "latency_ms": a.outcome.latency_ms,
            "error": a.outcome.error,
        }
        for a in attempts
    ]
    states = [{"id": a.delivery.id, **next_state(a)} for a in attempts]
    return attempt_state.record(tx, rows, states)
