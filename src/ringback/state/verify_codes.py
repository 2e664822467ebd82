"""One-time codes Verify sent (`verify_codes`): each is the unit its channel delivers and, once
delivered, what `codes/latest` answers for the handset or inbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update

from ringback.state.store import Tx
from ringback.state.tables import verify_codes


@dataclass(frozen=True)
class SentCode:
    id: str
    api_key: str
    request_id: str
    channel: str
    to_address: str
    sender: str
    code: str
    body: str
    status: str  # pending | delivered | failed
    created_at: float
    delivered_at: float | None
    call_uuid: str | None


_COLUMNS = [verify_codes.c[name] for name in SentCode.__dataclass_fields__]


def add(tx: Tx, sent: SentCode) -> None:
    tx.conn.execute(insert(verify_codes).values(**sent.__dict__))


def get(tx: Tx, code_id: str) -> SentCode | None:
    row = tx.conn.execute(select(*_COLUMNS).where(verify_codes.c.id == code_id)).first()
    return SentCode(*row) if row else None


def of_ids(tx: Tx, code_ids: list[str]) -> list[SentCode]:
    rows = tx.conn.execute(select(*_COLUMNS).where(verify_codes.c.id.in_(code_ids)))
    return [SentCode(*row) for row in rows]


def of_call(tx: Tx, call_uuid: str) -> SentCode | None:
    row = tx.conn.execute(select(*_COLUMNS).where(verify_codes.c.call_uuid == call_uuid)).first()
    return SentCode(*row) if row else None


def of_request(tx: Tx, request_id: str) -> list[SentCode]:
    query = (
        select(*_COLUMNS)
        .where(verify_codes.c.request_id == request_id)
        .order_by(verify_codes.c.created_at, verify_codes.c.id)
    )
    return [SentCode(*row) for row in tx.conn.execute(query)]


def finish(tx: Tx, code_id: str, status: str, at: float) -> None:
    """A pending code's fate (delivered or failed); a code already final stays as it is."""
    tx.conn.execute(
        update(verify_codes)
        .where(verify_codes.c.id == code_id)
        .where(verify_codes.c.status == "pending")
        .values(status=status, delivered_at=at if status == "delivered" else None)
    )


def latest_delivered(tx: Tx, to_address: str, since: float | None = None) -> SentCode | None:
    query = (
        select(*_COLUMNS)
        .where(verify_codes.c.to_address == to_address)
        .where(verify_codes.c.status == "delivered")
        .order_by(verify_codes.c.delivered_at.desc(), verify_codes.c.created_at.desc())
        .limit(1)
    )
    if since is not None:
        query = query.where(verify_codes.c.delivered_at >= since)
    row = tx.conn.execute(query).first()
    return SentCode(*row) if row else None
