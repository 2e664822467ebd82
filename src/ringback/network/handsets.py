"""Virtual handsets: what each number received and sent, per channel.

A handset sees a whole message, however many SMS parts carried it; the parts stay on the
Vonage side (`sms_messages`). Recording a message wakes anyone long-polling that handset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from ringback.core.changes import Changes
from ringback.state.store import Tx
from ringback.state.tables import handset_messages

# a one-time code: 4 to 10 digits standing alone ("Your code is 123456", "G-482913"), or two
# groups of three ("123-456", "123 456"); nearest a cue word when the text has several numbers
CODE = re.compile(r"(?<![\d])(\d{4,10})(?![\d])")
SPLIT_CODE = re.compile(r"(?<![\d])(\d{3})[- ](\d{3})(?![\d])")
CUE = re.compile(r"code|pin\b|otp|passcode|password|verif|token|one[- ]time", re.IGNORECASE)


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


def topic(msisdn: str) -> str:
    return f"handset:{msisdn}"


def record(
    tx: Tx,
    changes: Changes,
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
    changes.notify(topic(msisdn))
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
    rows = tx.conn.execute(query.order_by(handset_messages.c.id).limit(limit))
    return [HandsetMessage(**dict(r._mapping)) for r in rows]


def find_code(text: str) -> str | None:
    """The one-time code in a message: the candidate nearest a cue word ("code", "PIN",
    "verify", ...), or the first candidate when there is no cue."""
    candidates = [(m.start(), m.end(), m.group(1)) for m in CODE.finditer(text)]
    candidates += [(m.start(), m.end(), m.group(1) + m.group(2)) for m in SPLIT_CODE.finditer(text)]
    if not candidates:
        return None
    cues = [(m.start(), m.end()) for m in CUE.finditer(text)]

    def distance(candidate: tuple[int, int, str]) -> tuple[int, int]:
        start, end, _ = candidate
        gaps = [
            start - c_end if start >= c_end else max(0, c_start - end) for c_start, c_end in cues
        ]
        return (min(gaps) if gaps else 0, start)

    return min(candidates, key=distance)[2]


def message(tx: Tx, message_id: int) -> HandsetMessage | None:
    row = tx.conn.execute(
        select(handset_messages).where(handset_messages.c.id == message_id)
    ).first()
    return HandsetMessage(**dict(row._mapping)) if row else None


def latest_code(
    tx: Tx, msisdn: str, *, after_id: int | None = None, since: float | None = None
) -> tuple[str, HandsetMessage] | None:
    """The last one-time code the handset received, on any channel (only in messages after
    `after_id` or from `since` on, when given)."""
    query = select(handset_messages).where(
        handset_messages.c.msisdn == msisdn, handset_messages.c.direction == "received"
    )
    if after_id is not None:
        query = query.where(handset_messages.c.id > after_id)
    if since is not None:
        query = query.where(handset_messages.c.created_at >= since)
    for row in tx.conn.execute(query.order_by(handset_messages.c.id.desc()).limit(50)):
        message = HandsetMessage(**dict(row._mapping))
        code = find_code(message.text)
        if code is not None:
            return code, message
    return None
