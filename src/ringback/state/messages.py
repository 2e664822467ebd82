"""Messages API messages on the Vonage side (`messages`), one row per message_uuid, and the
statuses each went through (`message_statuses`), in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from ringback.state.prepared import Prepared, PreparedIn
from ringback.state.store import Tx
from ringback.state.tables import message_statuses, messages

SUBMITTED = "submitted"


@dataclass(frozen=True)
class Message:
    message_id: str
    api_key: str
    application_id: str | None
    channel: str
    message_type: str
    to_msisdn: str
    sender: str
    encoding: str
    body: str
    client_ref: str | None
    webhook_url: str | None
    webhook_version: str
    ttl: int | None
    price_units: int
    count_total: int
    network_code: str | None
    status: str
    error_code: int | None
    submitted_at: float
    final_at: float | None
    read_at: float | None
    workflow: str | None = None  # JSON of the status webhooks' `workflow` object (failover)

    # the delivery pipeline's `Unit`: a message is one unit, whatever SMS parts carry it
    @property
    def parts(self) -> int:
        return 1

    @property
    def udh(self) -> str | None:
        return None

    @property
    def final(self) -> bool:
        return self.status != SUBMITTED


@dataclass(frozen=True)
class StatusEntry:
    status: str
    error_code: int | None
    at: float


_COLUMNS = [messages.c[name] for name in Message.__dataclass_fields__]
_ADD = Prepared(insert(messages))
_GET = Prepared(select(*_COLUMNS).where(messages.c.message_id == bindparam("message_id")))
_GET_MANY = PreparedIn(lambda ids: select(*_COLUMNS).where(messages.c.message_id.in_(ids)))
_FINISH = Prepared(
    update(messages)
    .where(messages.c.message_id == bindparam("b_message_id"))
    .values(
        status=bindparam("b_status"), error_code=bindparam("b_error"), final_at=bindparam("b_at")
    )
)
_READ = Prepared(
    update(messages)
    .where(messages.c.message_id == bindparam("b_message_id"))
    .values(status="read", read_at=bindparam("b_at"))
)
_HISTORY = Prepared(insert(message_statuses))


def add(tx: Tx, message: Message) -> None:
    _ADD.run(tx, message.__dict__)
    record_status(tx, message, message.status, message.error_code, message.submitted_at)


def get(tx: Tx, message_id: str) -> Message | None:
    row = _GET.first(tx, {"message_id": message_id})
    return Message(*row) if row else None


def get_many(tx: Tx, message_ids: list[str]) -> list[Message]:
    """The messages of these ids that exist, in no particular order (one query)."""
    return [Message(*row) for row in _GET_MANY.all(tx, message_ids)]


def finish(tx: Tx, message: Message, status: str, error_code: int | None, at: float) -> None:
    _FINISH.run(tx, _finish_row(message, status, error_code, at))
    record_status(tx, message, status, error_code, at)


def finish_many(tx: Tx, outcomes: list[tuple[Message, str, int | None]], at: float) -> None:
    """`finish` for several messages, in order: one executemany for their rows, one for their
    status history."""
    _FINISH.run_many(tx, [_finish_row(m, status, error, at) for m, status, error in outcomes])
    _HISTORY.run_many(tx, [_history_row(m, status, error, at) for m, status, error in outcomes])


def _finish_row(message: Message, status: str, error_code: int | None, at: float) -> dict[str, Any]:
    return {
        "b_message_id": message.message_id,
        "b_status": status,
        "b_error": error_code,
        "b_at": at,
    }


def mark_read(tx: Tx, message: Message, at: float) -> None:
    _READ.run(tx, {"b_message_id": message.message_id, "b_at": at})
    record_status(tx, message, "read", None, at)


def record_status(tx: Tx, message: Message, status: str, error_code: int | None, at: float) -> None:
    _HISTORY.run(tx, _history_row(message, status, error_code, at))


def _history_row(
    message: Message, status: str, error_code: int | None, at: float
) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "api_key": message.api_key,
        "status": status,
        "error_code": error_code,
        "at": at,
    }


def history(tx: Tx, message_id: str) -> list[StatusEntry]:
    query = (
        select(message_statuses.c.status, message_statuses.c.error_code, message_statuses.c.at)
        .where(message_statuses.c.message_id == message_id)
        .order_by(message_statuses.c.id)
    )
    return [StatusEntry(*row) for row in tx.conn.execute(query)]


def to_json(message: Message) -> dict[str, Any]:
    return dict(message.__dict__)
