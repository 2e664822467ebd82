"""SMS parts on the Vonage side (`sms_messages`): one row per part, as Vonage ids them. The
parts of one message share `concat_ref` (the first part's message id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ringback.state.tables import sms_messages

SUBMITTED = "submitted"


@dataclass(frozen=True)
class Part:
    message_id: str
    api_key: str
    to_msisdn: str
    sender: str
    part: int  # 1-based
    parts: int
    concat_ref: str | None
    encoding: str  # text | unicode | binary
    body: str  # this part's text (hex for binary)
    udh: str | None
    client_ref: str | None
    account_ref: str | None
    callback: str | None
    status_report_req: bool
    ttl_ms: int
    price_units: int
    network_code: str | None
    status: str  # submitted | delivered | failed | rejected | expired
    err_code: int | None
    submitted_at: float
    final_at: float | None
    converted: bool | None
    conversion_at: float | None

    @property
    def final(self) -> bool:
        return self.status != SUBMITTED


def _part(row: Any) -> Part:
    return Part(**dict(row._mapping))


def add(conn: Connection, part: Part) -> None:
    conn.execute(insert(sms_messages).values(**part.__dict__))


def get(conn: Connection, message_id: str) -> Part | None:
    row = conn.execute(select(sms_messages).where(sms_messages.c.message_id == message_id)).first()
    return _part(row) if row else None


def of_message(conn: Connection, message_ids: list[str]) -> list[Part]:
    """The parts of one message, by their ids (the delivery jobs carry them: `concat_ref`
    has no index, the primary key does)."""
    rows = conn.execute(
        select(sms_messages)
        .where(sms_messages.c.message_id.in_(message_ids))
        .order_by(sms_messages.c.part)
    )
    return [_part(r) for r in rows]


def finish(conn: Connection, message_id: str, status: str, err_code: int, at: float) -> None:
    conn.execute(
        update(sms_messages)
        .where(sms_messages.c.message_id == message_id)
        .values(status=status, err_code=err_code, final_at=at)
    )


def convert(conn: Connection, message_id: str, delivered: bool, at: float) -> None:
    conn.execute(
        update(sms_messages)
        .where(sms_messages.c.message_id == message_id)
        .values(converted=delivered, conversion_at=at)
    )
