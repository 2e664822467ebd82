"""The webhook outbox: every callback Ringback owes an app is a row before it is a request.

A delivery is written in the same transaction as the event that causes it (a receipt, an
inbound message), so it exists exactly when the event does and survives a restart. The
dispatcher (`webhooks/dispatcher.py`) sends it, records every attempt and retries it until its
retry window ends; then it is `failed`, and stays listed (`GET /_ringback/webhooks`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ringback.state import webhook_deliveries as delivery_state
from ringback.state.store import Tx
from ringback.state.webhook_deliveries import Delivery

DAY = 24 * 3600.0
# vonage-behaviours §1.2: inbound SMS "resent for 24 hours"; KB 226572227 keeps DLRs for 72 h
DEFAULT_RETRY_WINDOW = DAY
RECEIPT_RETRY_WINDOW = 3 * DAY
METHODS = ("GET", "POST")
CONTENT_TYPES = ("json", "form")
SIGNINGS = (None, "sms-signature", "jwt")
STATUSES = ("pending", "delivered", "failed")
# an account's SMS webhook setting (`Account.sms_webhook_method`, Vonage's dashboard "API
# settings") → (HTTP method, body); a GET always sends a query string
SMS_WEBHOOK_SENDING = {
    "POST-JSON": ("POST", "json"),
    "POST": ("POST", "form"),
    "GET": ("GET", "form"),
}


def sms_webhook_sending(setting: str) -> tuple[str, str]:
    """(method, content_type) for an account's SMS webhook setting (POST-JSON if unknown)."""
    return SMS_WEBHOOK_SENDING.get(setting, SMS_WEBHOOK_SENDING["POST-JSON"])


@functools.lru_cache(maxsize=1024)  # a few receivers take most callbacks
def destination_of(url: str) -> str:
    """scheme://host:port, the unit of ordering: one receiving server. Never raises: a URL
    that cannot be parsed is its own destination, and its attempts record why it failed."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"invalid:{url[:200]}"
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


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
    owed = Owed(
        api_key=api_key,
        kind=kind,
        url=url,
        payload=payload,
        method=method,
        content_type=content_type,
        signing=signing,
        reference=reference,
        retry_window=retry_window,
        due_at=due_at,
        application_id=application_id,
    )
    return enqueue_owed(tx, now, owed)


def enqueue_owed(tx: Tx, now: float, owed: Owed) -> int:
    """`enqueue` of what an `Owed` holds; returns the delivery's id."""
    return delivery_state.add(tx, owed.row(now))


@dataclass
class Owed:
    """One callback owed, in `enqueue`'s terms (see there). Not frozen: made per receipt, and
    a frozen dataclass's `__init__` costs several times as much."""

    api_key: str | None
    kind: str
    url: str
    payload: dict[str, Any]
    method: str = "POST"
    content_type: str = "json"
    signing: str | None = None
    reference: str | None = None
    retry_window: float = DEFAULT_RETRY_WINDOW
    due_at: float | None = None
    application_id: str | None = None

    def row(self, now: float) -> dict[str, Any]:
        """The outbox row, checked."""
        if self.method not in METHODS:
            raise ValueError(f"webhook method must be one of {METHODS}, not {self.method!r}")
        if self.content_type not in CONTENT_TYPES:
            raise ValueError(f"webhook content_type must be one of {CONTENT_TYPES}")
        if self.signing not in SIGNINGS:
            raise ValueError(f"webhook signing must be one of {SIGNINGS}")
        first = now if self.due_at is None else self.due_at
        return {
            "api_key": self.api_key,
            "kind": self.kind,
            "url": self.url,
            "method": self.method,
            "content_type": self.content_type,
            "payload": self.payload,
            "signing": self.signing,
            "application_id": self.application_id,
            "destination": destination_of(self.url),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": first,
            "give_up_at": first + self.retry_window,
            "retry_window": self.retry_window,
            "created_at": now,
            "last_status": None,
            "last_error": None,
            "reference": self.reference,
        }


def enqueue_many(tx: Tx, now: float, owed: list[Owed]) -> None:
    """`enqueue` for several callbacks at once (one insert, in list order)."""
    if owed:
        delivery_state.add_many(tx, [one.row(now) for one in owed])


def replay(tx: Tx, delivery_id: int, now: float) -> Delivery | None:
    """Due again now, with a fresh retry window and backoff; earlier attempts stay recorded."""
    delivery = delivery_state.get(tx, delivery_id)
    if delivery is None:
        return None
    delivery_state.restart(tx, delivery_id, now, now + delivery.retry_window)
    return delivery_state.get(tx, delivery_id)
