"""What each virtual handset received and sent (`handset_messages`), per channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select

from ringback.state.prepared import Prepared, PreparedInsert
from ringback.state.rows import row_of
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
    content: str | None = None  # JSON of a Messages API message's content (None for SMS)
    read_at: float | None = None  # a sent message the business marked read (WhatsApp)

    def to_json(self) -> dict[str, Any]:
        return dict(row_of(self))


@dataclass
class NewHandsetMessage:
    """A message to record, in `record`'s terms (`content` already JSON). Not frozen: made
    per delivered message, and a frozen dataclass's `__init__` costs several times as much."""

    msisdn: str
    direction: str
    channel: str
    peer: str
    text: str
    created_at: float
    encoding: str = "text"
    parts: int = 1
    api_key: str | None = None
    reference: str | None = None
    content: str | None = None


# built once: every SMS delivered to a handset is recorded
_RECORD = PreparedInsert(handset_messages, handset_messages.c.id)
_RECORD_MANY = Prepared(insert(handset_messages))


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
    content: str | None = None,
) -> int:
    return _RECORD.new_id(
        tx,
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
            "content": content,
        },
    )


def record_many(tx: Tx, messages: list[NewHandsetMessage]) -> None:
    """Several messages in one executemany, ids in list order (a batch of deliveries)."""
    _RECORD_MANY.run_many(tx, [row_of(message) for message in messages])


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


@dataclass
class HandsetTraffic:
    msisdn: str
    last_at: float  # the newest message's time on Ringback's clock
    received: int = 0
    sent: int = 0
    channels: dict[str, int] = field(default_factory=dict)  # messages per channel, both ways


def count_handsets(tx: Tx) -> int:
    """How many numbers have sent or received anything."""
    distinct = select(func.count(func.distinct(handset_messages.c.msisdn)))
    return int(tx.conn.execute(distinct).scalar_one())


def handsets_with_traffic(tx: Tx, limit: int) -> list[HandsetTraffic]:
    """The `limit` numbers whose last message is newest (ties: the later recorded first),
    with their counts per direction and channel."""
    hm = handset_messages
    last_at = func.max(hm.c.created_at).label("last_at")
    last_id = func.max(hm.c.id).label("last_id")
    newest = (
        select(hm.c.msisdn, last_at, last_id)
        .group_by(hm.c.msisdn)
        .order_by(last_at.desc(), last_id.desc())
        .limit(limit)
    )
    found = {row.msisdn: HandsetTraffic(row.msisdn, row.last_at) for row in tx.conn.execute(newest)}
    if not found:
        return []
    counts = (
        select(hm.c.msisdn, hm.c.direction, hm.c.channel, func.count().label("n"))
        .where(hm.c.msisdn.in_(list(found)))
        .group_by(hm.c.msisdn, hm.c.direction, hm.c.channel)
    )
    for row in tx.conn.execute(counts):
        traffic = found[row.msisdn]
        if row.direction == "received":
            traffic.received += row.n
        else:
            traffic.sent += row.n
        traffic.channels[row.channel] = traffic.channels.get(row.channel, 0) + row.n
    return list(found.values())  # dicts keep the query's order
