"""What each virtual handset received and sent (`handset_messages`), per channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from ringback.state.store import Tx
from ringback.state.tables import handset_messages


@dataclass(frozen=True)
class HandsetMessage:
    id: int
    msisdn: str
    direction: str  # received | sent
    channel: str
    peer: str
    text: str
    encoding: str
    parts: int
    api_key: str | None
    reference: str | None
    created_at: float

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


# built once: every SMS delivered to a handset is recorded
_RECORD = insert(handset_messages)


def record(
    tx: Tx,
    *,
    msisdn: str,
    direction: str,
    channel: str,
    peer: str,
    text: str,
    now: float,
    encoding: str = "text",
    parts: int = 1,
    api_key: str | None = None,
    reference: str | None = None,
) -> int:
    result = tx.conn.execute(
        _RECORD,
        {
            "msisdn": msisdn,
            "direction": direction,
            "channel": channel,
            "peer": peer,
            "text": text,
            "encoding": encoding,
            "parts": parts,
            "api_key": api_key,
            "reference": reference,
            "created_at": now,
        },
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def messages(
    tx: Tx,
    msisdn: str,
    *,
    direction: str | None = "received",
    channel: str | None = None,
    peer: str | None = None,
    since: float | None = None,
    after_id: int | None = None,
    limit: int = 1000,
    newest_first: bool = False,
) -> list[HandsetMessage]:
    query = select(handset_messages).where(handset_messages.c.msisdn == msisdn)
    if direction is not None:
        query = query.where(handset_messages.c.direction == direction)
    if channel is not None:
        query = query.where(handset_messages.c.channel == channel)
    if peer is not None:
        query = query.where(handset_messages.c.peer == peer)
    if since is not None:
        query = query.where(handset_messages.c.created_at >= since)
    if after_id is not None:
        query = query.where(handset_messages.c.id > after_id)
    order = handset_messages.c.id.desc() if newest_first else handset_messages.c.id
    rows = tx.conn.execute(query.order_by(order).limit(limit))
    return [HandsetMessage(**dict(r._mapping)) for r in rows]


def message(tx: Tx, message_id: int) -> HandsetMessage | None:
    row = tx.conn.execute(
        select(handset_messages).where(handset_messages.c.id == message_id)
    ).first()
    return HandsetMessage(**dict(row._mapping)) if row else None
