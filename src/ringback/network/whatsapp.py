"""WhatsApp's customer-care window: a business may send free-form messages to a user only
within 24 hours of the user's last message to it; outside it, only templates (Meta's rule;
the Messages API answers such a message with `rejected`, error 1340 "Outside of the allowed
window"). Whatever receives a user's WhatsApp message calls `open_window`."""

from __future__ import annotations

from ringback.state import whatsapp_windows as window_state
from ringback.state.store import Tx

WINDOW_SECONDS = 24 * 3600.0
# message types a business may send outside the window
OUTSIDE_WINDOW_TYPES = frozenset({"template"})


def open_window(tx: Tx, business: str, user: str, now: float) -> None:
    """The user wrote to the business sender: the window is open for 24 hours from now."""
    window_state.open_window(tx, business, user, now)


def window_closes_at(tx: Tx, business: str, user: str) -> float | None:
    opened = window_state.opened_at(tx, business, user)
    return None if opened is None else opened + WINDOW_SECONDS


def may_send(tx: Tx, business: str, user: str, message_type: str, now: float) -> bool:
    if message_type in OUTSIDE_WINDOW_TYPES:
        return True
    closes = window_closes_at(tx, business, user)
    return closes is not None and now < closes
