"""WhatsApp customer-care windows (`whatsapp_windows`): when a user last wrote to a business
sender. What the window allows is `network/whatsapp.py`'s business."""

from __future__ import annotations

from sqlalchemy import select, text

from ringback.state.store import Tx
from ringback.state.tables import whatsapp_windows

_OPEN = text(
    "INSERT INTO whatsapp_windows (sender, user_msisdn, opened_at) VALUES (:s, :u, :t) "
    "ON CONFLICT (sender, user_msisdn) DO UPDATE SET opened_at = excluded.opened_at"
)


def open_window(tx: Tx, sender: str, user: str, now: float) -> None:
    tx.conn.execute(_OPEN, {"s": sender, "u": user, "t": now})


def opened_at(tx: Tx, sender: str, user: str) -> float | None:
    row = tx.conn.execute(
        select(whatsapp_windows.c.opened_at).where(
            whatsapp_windows.c.sender == sender, whatsapp_windows.c.user_msisdn == user
        )
    ).first()
    return float(row[0]) if row else None
