"""Messages a handset sent to an account's number or channel sender (`inbound_messages`), and
the media they carried (`inbound_media`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import handset_messages, inbound_media, inbound_messages


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    api_key: str
    application_id: str | None
    channel: str
    message_type: str
    sender: str  # the handset
    to_id: str  # the account's number or channel sender
    handset_message_id: int | None
    created_at: float
    read_at: float | None = None


@dataclass(frozen=True)
class Media:
    media_id: str
    api_key: str
    application_id: str | None
    message_id: str
    mime_type: str
    name: str | None
    content: bytes
    created_at: float


_MESSAGE_COLUMNS = [inbound_messages.c[name] for name in InboundMessage.__dataclass_fields__]
_MEDIA_COLUMNS = [inbound_media.c[name] for name in Media.__dataclass_fields__]


def add(tx: Tx, message: InboundMessage) -> None:
    tx.conn.execute(insert(inbound_messages).values(**message.__dict__))


def get(tx: Tx, message_id: str) -> InboundMessage | None:
    query = select(*_MESSAGE_COLUMNS).where(inbound_messages.c.message_id == message_id)
    row = tx.conn.execute(query).first()
    return InboundMessage(*row) if row else None


def mark_read(tx: Tx, message: InboundMessage, at: float) -> None:
    """The business read it: on its row and on the handset's sent message (first time only)."""
    tx.conn.execute(
        update(inbound_messages)
        .where(inbound_messages.c.message_id == message.message_id)
        .where(inbound_messages.c.read_at.is_(None))
        .values(read_at=at)
    )
    if message.handset_message_id is not None:
        tx.conn.execute(
            update(handset_messages)
            .where(handset_messages.c.id == message.handset_message_id)
            .where(handset_messages.c.read_at.is_(None))
            .values(read_at=at)
        )


def add_media(tx: Tx, media: Media) -> None:
    tx.conn.execute(insert(inbound_media).values(**media.__dict__))


def get_media(tx: Tx, media_id: str) -> Media | None:
    row = tx.conn.execute(
        select(*_MEDIA_COLUMNS).where(inbound_media.c.media_id == media_id)
    ).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["content"] = bytes(values["content"])  # a memoryview on PostgreSQL
    return Media(**values)
