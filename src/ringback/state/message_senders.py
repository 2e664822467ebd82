"""Senders registered to an account for the Messages API's WhatsApp, Viber, Messenger and RCS
channels (`message_senders`), as the Vonage dashboard's external accounts: a channel, the
sender's id on it, and the application it is linked to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select

from ringback.state.prepared import Prepared
from ringback.state.store import Tx
from ringback.state.tables import message_senders


@dataclass(frozen=True)
class Sender:
    channel: str
    sender_id: str
    api_key: str
    application_id: str | None
    display_name: str | None
    created_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "id": self.sender_id,
            "api_key": self.api_key,
            "application_id": self.application_id,
            "display_name": self.display_name,
            "created_at": self.created_at,
        }


_COLUMNS = [message_senders.c[name] for name in Sender.__dataclass_fields__]
_GET = Prepared(
    select(*_COLUMNS).where(
        message_senders.c.channel == bindparam("channel"),
        message_senders.c.sender_id == bindparam("sender_id"),
    )
)


def get(tx: Tx, channel: str, sender_id: str) -> Sender | None:
    row = _GET.first(tx, {"channel": channel, "sender_id": sender_id})
    return Sender(*row) if row else None


def add(tx: Tx, sender: Sender) -> None:
    tx.conn.execute(insert(message_senders).values(**sender.__dict__))


def remove(tx: Tx, api_key: str, channel: str, sender_id: str) -> bool:
    result = tx.conn.execute(
        delete(message_senders).where(
            message_senders.c.api_key == api_key,
            message_senders.c.channel == channel,
            message_senders.c.sender_id == sender_id,
        )
    )
    return bool(result.rowcount)


def of_account(tx: Tx, api_key: str) -> list[Sender]:
    query = (
        select(*_COLUMNS)
        .where(message_senders.c.api_key == api_key)
        .order_by(message_senders.c.channel, message_senders.c.sender_id)
    )
    return [Sender(*row) for row in tx.conn.execute(query)]
